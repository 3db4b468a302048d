"""Demo mode: start the sandbox tenant and write demo profiles for it into a temporary folder.

The user's real config is never read or written. Secrets go to 0600 files referenced with
`file:`, and one through an environment variable referenced with `env:`, as a user would.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from entra_tui.sandbox import Sandbox
from entra_tui.sandbox.directory import TENANTS
from entra_tui.sandbox.files import write_private

WRONG_SECRET = "Xr48Q~this-is-not-the-secret-of-this-app"
FABRIKAM_SECRET_ENV = "ENTRA_TUI_DEMO_FABRIKAM_SECRET"


@dataclass
class DemoEnvironment:
    """A bound (not yet started) sandbox and the profile file that points at it."""

    sandbox: Sandbox
    profiles_path: Path

    def stop(self) -> None:
        self.sandbox.stop()


def prepare_demo(*, device_auto_approve_after: float | None = 5.0) -> DemoEnvironment:
    """Bind the sandbox (cheap) and write profiles; call `sandbox.start()` before acquiring."""
    sandbox = Sandbox(device_auto_approve_after=device_auto_approve_after).bind()
    path = sandbox.state_dir / "profiles.toml"
    write_private(path, demo_profiles_toml(sandbox))
    return DemoEnvironment(sandbox=sandbox, profiles_path=path)


def demo_profiles_toml(sandbox: Sandbox) -> str:
    contoso, fabrikam = TENANTS
    orders_sync, billing, *_ = contoso.clients
    (inventory,) = fabrikam.clients
    secrets_dir = sandbox.state_dir / "secrets"
    secrets_dir.mkdir(mode=0o700, exist_ok=True)
    write_private(secrets_dir / "orders-sync", orders_sync.secret or "")
    write_private(secrets_dir / "orders-sync-wrong", WRONG_SECRET)
    os.environ[FABRIKAM_SECRET_ENV] = inventory.secret or ""
    host = sandbox.base_url
    ca = sandbox.ca_path
    return f"""\
# entra-tui demo profiles, pointing at the built-in sandbox tenant ({host}).
# Secrets are references (file: or env:), never values.

[profiles.contoso-orders-sync]
description = "Daemon app with a client secret"
tenant = "{contoso.domain}"
client_id = "{orders_sync.client_id}"
flow = "client_secret"
scopes = ["api://contoso-orders/.default"]
secret = "file:secrets/orders-sync"
authority_host = "{host}"
ca_bundle = "{ca}"

[profiles.contoso-orders-sync.expect]   # what the Orders API accepts (validation report)
audiences = ["{contoso.apis[0].client_id}"]
tenant = "{contoso.tenant_id}"
roles = ["Orders.ReadWrite.All"]
version = "2.0"

[profiles.contoso-billing-cert]
description = "Daemon app with a certificate (PEM, thumbprint computed)"
tenant = "{contoso.domain}"
client_id = "{billing.client_id}"
flow = "client_certificate"
scopes = ["api://contoso-orders/.default"]
certificate = "{sandbox.certificate_path(billing.slug)}"
authority_host = "{host}"
ca_bundle = "{ca}"

[profiles.contoso-billing-cert.expect]  # this app lacks the write role: the report says so
audiences = ["{contoso.apis[0].client_id}"]
tenant = "{contoso.tenant_id}"
roles = ["Orders.ReadWrite.All"]

[profiles.contoso-wrong-secret]
description = "Same app, deliberately wrong secret: shows an AADSTS error"
tenant = "{contoso.domain}"
client_id = "{orders_sync.client_id}"
flow = "client_secret"
scopes = ["api://contoso-orders/.default"]
secret = "file:secrets/orders-sync-wrong"
authority_host = "{host}"
ca_bundle = "{ca}"

[profiles.fabrikam-inventory]
description = "Another tenant, named by GUID; secret read from an environment variable"
tenant = "{fabrikam.tenant_id}"
client_id = "{inventory.client_id}"
flow = "client_secret"
scopes = ["api://fabrikam-inventory/.default"]
secret = "env:{FABRIKAM_SECRET_ENV}"
authority_host = "{host}"
ca_bundle = "{ca}"

[profiles.fabrikam-wrong-scope]
description = "App-only flow asking for a delegated-style scope: shows AADSTS1002012"
tenant = "{fabrikam.tenant_id}"
client_id = "{inventory.client_id}"
flow = "client_secret"
scopes = ["api://fabrikam-inventory/Inventory.Read"]
secret = "env:{FABRIKAM_SECRET_ENV}"
authority_host = "{host}"
ca_bundle = "{ca}"
"""
