"""The demo's profile list groups profiles by tenant: each sandbox tenant must be one group,
so every profile of a tenant names it the same way (Fabrikam by GUID, Contoso by domain)."""

from __future__ import annotations

from conftest import CONTOSO, FABRIKAM

from entra_tui.core.profiles import parse_profiles
from entra_tui.demo import demo_profiles_toml
from entra_tui.sandbox import Sandbox


def test_each_demo_tenant_is_one_group(sandbox: Sandbox) -> None:
    profiles = parse_profiles(demo_profiles_toml(sandbox).encode(),
                              sandbox.state_dir / "groups.toml").profiles
    tenants = {p.name: p.tenant for p in profiles}
    assert {t for n, t in tenants.items() if n.startswith("fabrikam-")} == {FABRIKAM.tenant_id}
    assert {t for n, t in tenants.items() if n.startswith("contoso-")} == {CONTOSO.domain}
    assert "fabrikam-partner-portal" in tenants
