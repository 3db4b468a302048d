"""A profile file of the size a platform team has: 500 profiles in 20 tenants.

Names follow `<tenant>-<app>-<env>`; flows are mixed as such a team's are (mostly daemons
with secrets or certificates, some workload identities, CLI and portal sign-ins, managed
identities, a middle tier on behalf of users). Every profile is valid; none is acquired
except the first two, which may point at a sandbox tenant (`live`) so they get real tokens.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from entra_tui.sandbox.directory import TENANTS
from entra_tui.sandbox.files import write_private

if TYPE_CHECKING:
    from entra_tui.sandbox.layout import SandboxLayout

PROFILE_COUNT = 500
# (tenant name, directory): a domain or a tenant GUID, as people write either.
TENANT_NAMES = ("contoso", "fabrikam", "northwind", "adventure-works", "tailspin", "wingtip",
                "woodgrove", "litware", "proseware", "lucerne", "alpine-ski", "coho-winery",
                "fourth-coffee", "margies-travel", "wide-world", "blue-yonder", "relecloud",
                "trey-research", "munson", "graphic-design")
APPS = (("orders", "client_secret"), ("billing", "client_certificate"),
        ("deploy-bot", "federated"), ("ops-cli", "device_code"),
        ("portal", "interactive"), ("inventory", "client_secret"),
        ("webapp", "managed_identity"), ("orders-api", "on_behalf_of"),
        ("reports", "client_secret"), ("hr-sync", "client_certificate"),
        ("graph-reader", "client_secret"), ("qa-robot", "username_password"))
ENVIRONMENTS = ("dev", "test", "uat", "staging", "prod")
APPS_PER_TENANT = PROFILE_COUNT // len(TENANT_NAMES) // len(ENVIRONMENTS)
# The first two profiles of the file: keys 1 and 2 jump to them.
LIVE_PROFILES = ("contoso-orders-dev", "contoso-orders-test")


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, "/".join(parts)))


def _directory(tenant: str, index: int) -> str:
    return f"{tenant.replace('-', '')}.onmicrosoft.com" if index % 3 else _guid(tenant)


def write_profile_file(folder: Path, live: SandboxLayout | None = None) -> Path:
    """Write `profiles.toml` (and the secret files its live profiles read) into `folder`."""
    sections = ["# 500 profiles in 20 tenants, for the benchmarks.\n"]
    for tenant_index, tenant in enumerate(TENANT_NAMES):
        directory = "contoso.onmicrosoft.com" if tenant == "contoso" \
            else _directory(tenant, tenant_index)
        for app_index in range(APPS_PER_TENANT):
            app, flow = APPS[(tenant_index + app_index) % len(APPS)]
            if tenant == "contoso" and app_index == 0:
                app, flow = "orders", "client_secret"  # the live profiles' app
            client_id = _guid(tenant, app)
            for environment in ENVIRONMENTS:
                name = f"{tenant}-{app}-{environment}"
                sections.append(_profile(name, directory, client_id, flow, app, environment))
    text = "\n".join(sections)
    if live is not None:
        text = _live(text, folder, live)
    path = folder / "profiles.toml"
    write_private(path, text)
    return path


def _profile(name: str, directory: str, client_id: str, flow: str, app: str,
             environment: str) -> str:
    resource = f"api://{app}-{environment}/.default"
    lines = [f"[profiles.{name}]",
             f'description = "{app.replace("-", " ").title()} ({environment}), {flow}"']
    if flow != "managed_identity":
        lines += [f'tenant = "{directory}"', f'client_id = "{client_id}"']
    lines.append(f'flow = "{flow}"')
    if flow in ("device_code", "interactive", "username_password"):
        resource = "https://graph.microsoft.com/User.Read"
    lines.append(f'scopes = ["{resource}"]')
    secret_name = f"{name.upper().replace('-', '_')}_SECRET"
    if flow in ("client_secret", "on_behalf_of"):
        lines.append(f'secret = "env:{secret_name}"')
    if flow == "client_certificate":
        lines.append(f'certificate = "certs/{name}.pem"')
    if flow == "federated":
        lines.append('federated_token_file = "/var/run/secrets/azure/tokens/azure-identity-token"')
    if flow == "on_behalf_of":
        lines.append(f'assertion_profile = "{name.replace("orders-api", "ops-cli")}"')
    if flow == "username_password":
        lines += [f'username = "qa-robot@{directory}"', f'password = "env:{secret_name}"']
    if environment == "prod" and flow == "client_secret":
        lines.append("auto_refresh_minutes = 5")
    return "\n".join(lines) + "\n"


def _live(text: str, folder: Path, sandbox: SandboxLayout) -> str:
    """Point the first two profiles at the sandbox's Contoso tenant: the orders daemon with
    its secret, for the orders API and the v1 reports API."""
    contoso = TENANTS[0]
    orders_sync = contoso.clients[0]
    secret = folder / "orders-sync.secret"
    write_private(secret, orders_sync.secret or "")
    for name, scope in zip(LIVE_PROFILES, ("api://contoso-orders/.default",
                                           "api://contoso-reports/.default"), strict=True):
        start = text.index(f"[profiles.{name}]\n")
        end = text.index("\n\n", start)
        text = text[:start] + "\n".join([
            f"[profiles.{name}]",
            'description = "Orders daemon against the sandbox tenant"',
            f'tenant = "{contoso.domain}"',
            f'client_id = "{orders_sync.client_id}"',
            'flow = "client_secret"',
            f'scopes = ["{scope}"]',
            f'secret = "file:{secret}"',
            f'authority_host = "{sandbox.base_url}"',
            f'ca_bundle = "{sandbox.ca_path}"',
        ]) + text[end:]
    return text
