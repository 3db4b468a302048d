"""Demo mode: start the sandbox tenant and write demo profiles for it into a temporary folder.

The user's real config is never read or written. Secrets go to 0600 files referenced with
`file:`, and one through an environment variable referenced with `env:`, as a user would.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from entra_tui.sandbox.directory import PFX_PASSWORD, TENANTS
from entra_tui.sandbox.files import write_private
from entra_tui.sandbox.layout import SandboxLayout

WRONG_SECRET = "Xr48Q~this-is-not-the-secret-of-this-app"
FABRIKAM_SECRET_ENV = "ENTRA_TUI_DEMO_FABRIKAM_SECRET"


class DemoEnvironment(NamedTuple):
    """A bound (not yet started) sandbox and the profile file that points at it."""

    sandbox: Any  # a Sandbox, or a SandboxProcess: both are SandboxLayouts with start/stop
    profiles_path: Path

    def stop(self) -> None:
        self.sandbox.stop()


def prepare_demo(*, device_auto_approve_after: float | None = 4.0,
                 separate_process: bool = False, sign_in: str = "auto") -> DemoEnvironment:
    """Bind the sandbox (cheap) and write profiles; call `sandbox.start()` before acquiring.

    Device codes approve themselves after a few seconds, so the demo needs no second device
    (a person can still approve one at the sandbox's /device page at once). The command line
    runs the sandbox in a child process; tests keep it in-process to inject faults.
    `sign_in="auto"` (hands-free) signs the demo user in without a page; "pages" shows the
    sandbox's sign-in pages in the browser (account, password, MFA, consent), as
    `entra-tui --demo` does.
    """
    kind: Callable[..., Any]  # Sandbox or SandboxProcess: the same constructor
    if separate_process:
        from entra_tui.sandbox.process import SandboxProcess

        kind = SandboxProcess
    else:
        from entra_tui.sandbox.runner import Sandbox

        kind = Sandbox
    sandbox = kind(device_auto_approve_after=device_auto_approve_after,
                   device_poll_interval=1, sign_in=sign_in).bind()
    assert isinstance(sandbox, SandboxLayout)
    # As App Service sets them for code running on it; MSAL's managed identity reads them.
    os.environ["IDENTITY_ENDPOINT"] = sandbox.identity_endpoint
    os.environ["IDENTITY_HEADER"] = sandbox.identity_header
    path = sandbox.state_dir / "profiles.toml"
    write_private(path, demo_profiles_toml(sandbox))
    return DemoEnvironment(sandbox=sandbox, profiles_path=path)


def demo_profiles_toml(sandbox: SandboxLayout, *, absolute_secrets: bool = False) -> str:
    """The demo's profile file. Its secret files sit in the sandbox's folder, referenced
    relative to it (`file:secrets/...`); with `absolute_secrets` the references are absolute,
    for a profile file written anywhere else (`entra-tui sandbox --write-profiles PATH`)."""
    contoso, fabrikam = TENANTS
    orders_sync, billing, cli_tool, orders_api, deploy_bot, legacy_job = contoso.clients[:6]
    inventory = fabrikam.clients[0]
    directory_reader, arm_deployer, graph_explorer, partner_portal = contoso.clients[6:10]
    adele = contoso.users[0]
    secrets_dir = sandbox.state_dir / "secrets"
    secrets_dir.mkdir(mode=0o700, exist_ok=True)
    write_private(secrets_dir / "orders-sync", orders_sync.secret or "")
    write_private(secrets_dir / "orders-sync-wrong", WRONG_SECRET)
    write_private(secrets_dir / "orders-api", orders_api.secret or "")
    write_private(secrets_dir / "legacy-job", legacy_job.expired_secret or "")
    write_private(secrets_dir / "adele-password", adele.password)
    write_private(secrets_dir / "billing-pfx-password", PFX_PASSWORD)
    write_private(secrets_dir / "directory-reader", directory_reader.secret or "")
    write_private(secrets_dir / "arm-deployer", arm_deployer.secret or "")
    write_private(secrets_dir / "partner-portal", partner_portal.secret or "")
    os.environ[FABRIKAM_SECRET_ENV] = inventory.secret or ""
    host = sandbox.base_url
    ca = sandbox.ca_path
    secrets = secrets_dir.as_posix() if absolute_secrets else "secrets"
    # The sign-in pages ask Megan Bowen for an MFA code; her "authenticator app" is this line.
    browser_description = ("Interactive browser sign-in (PKCE); your browser will warn about "
                           f"the sandbox CA. Megan Bowen's MFA code: {sandbox.mfa_code}")
    return f"""\
# entra-tui demo profiles, pointing at the built-in sandbox tenant ({host}).
# Secrets are references (file: or env:), never values.

[settings]  # the token doctor (H, T, `entra-tui doctor`) reads the directory with this token
graph_profile = "contoso-graph-app"
graph_endpoint = "{host}/graph"
arm_endpoint = "{host}/arm"

[profiles.contoso-orders-sync]
description = "Daemon app with a client secret"
tenant = "{contoso.domain}"
client_id = "{orders_sync.client_id}"
flow = "client_secret"
scopes = ["api://contoso-orders/.default"]
secret = "file:{secrets}/orders-sync"
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
secret = "file:{secrets}/orders-sync-wrong"
authority_host = "{host}"
ca_bundle = "{ca}"

[profiles.contoso-ops-device]
description = "Public client: a user signs in with a device code (auto-approved in the demo)"
tenant = "{contoso.domain}"
client_id = "{cli_tool.client_id}"
flow = "device_code"
scopes = ["api://contoso-orders/Orders.Read"]
authority_host = "{host}"
ca_bundle = "{ca}"

[profiles.contoso-orders-obo]
description = "The Orders API calls Billing as the user (on-behalf-of profile 4's token)"
tenant = "{contoso.domain}"
client_id = "{orders_api.client_id}"
flow = "on_behalf_of"
assertion_profile = "contoso-ops-device"
scopes = ["api://contoso-billing/Billing.Read"]
secret = "file:{secrets}/orders-api"
authority_host = "{host}"
ca_bundle = "{ca}"

[profiles.contoso-adele-ropc]
description = "Username and password (test tenants only)"
tenant = "{contoso.domain}"
client_id = "{cli_tool.client_id}"
flow = "username_password"
username = "{adele.upn}"
password = "file:{secrets}/adele-password"
scopes = ["api://contoso-orders/Orders.Read"]
authority_host = "{host}"
ca_bundle = "{ca}"

[profiles.contoso-deploy-bot]
description = "Workload identity: a federated token file instead of a secret"
tenant = "{contoso.domain}"
client_id = "{deploy_bot.client_id}"
flow = "federated"
federated_token_file = "{sandbox.workload_token_path}"
scopes = ["api://contoso-orders/.default"]
authority_host = "{host}"
ca_bundle = "{ca}"

[profiles.contoso-billing-pfx]
description = "Certificate as PFX with a password, sending x5c"
tenant = "{contoso.domain}"
client_id = "{billing.client_id}"
flow = "client_certificate"
certificate = "{sandbox.pfx_path(billing.slug)}"
certificate_password = "file:{secrets}/billing-pfx-password"
send_certificate_chain = true
scopes = ["api://contoso-orders/.default"]
authority_host = "{host}"
ca_bundle = "{ca}"

[profiles.contoso-billing-x5c]
description = "Certificate as PEM, sending x5c (subject name + issuer authentication)"
tenant = "{contoso.domain}"
client_id = "{billing.client_id}"
flow = "client_certificate"
certificate = "{sandbox.certificate_path(billing.slug)}"
send_certificate_chain = true
scopes = ["api://contoso-orders/.default"]
authority_host = "{host}"
ca_bundle = "{ca}"

[profiles.contoso-webapp-mi]
description = "Managed identity through the App Service endpoint (IDENTITY_ENDPOINT)"
tenant = "{contoso.domain}"
flow = "managed_identity"
scopes = ["api://contoso-orders/.default"]
authority_host = "{host}"
ca_bundle = "{ca}"
auto_refresh_minutes = 10

[profiles.contoso-ops-browser]
description = "{browser_description}"
tenant = "{contoso.domain}"
client_id = "{cli_tool.client_id}"
flow = "interactive"
scopes = ["api://contoso-orders/Orders.Read"]
authority_host = "{host}"
ca_bundle = "{ca}"

[profiles.contoso-legacy-job]
description = "An app whose only secret has expired: shows AADSTS7000222"
tenant = "{contoso.domain}"
client_id = "{legacy_job.client_id}"
secret = "file:{secrets}/legacy-job"
scopes = ["api://contoso-orders/.default"]
authority_host = "{host}"
ca_bundle = "{ca}"

[profiles.contoso-graph-app]
description = "Microsoft Graph app-only (User.Read.All granted): a v1.0 token with a header nonce"
tenant = "{contoso.domain}"
client_id = "{directory_reader.client_id}"
flow = "client_secret"
scopes = ["https://graph.microsoft.com/.default"]
secret = "file:{secrets}/directory-reader"
authority_host = "{host}"
ca_bundle = "{ca}"

[profiles.contoso-arm-sp]
description = "Azure Resource Manager as a service principal: no roles (Azure RBAC applies)"
tenant = "{contoso.domain}"
client_id = "{arm_deployer.client_id}"
flow = "client_secret"
scopes = ["https://management.azure.com/.default"]
secret = "file:{secrets}/arm-deployer"
authority_host = "{host}"
ca_bundle = "{ca}"

[profiles.contoso-graph-device]
description = "Microsoft Graph as a user via device code; 210 groups: an overage claim"
tenant = "{contoso.domain}"
client_id = "{graph_explorer.client_id}"
flow = "device_code"
scopes = ["https://graph.microsoft.com/User.Read", "https://graph.microsoft.com/Group.Read.All"]
authority_host = "{host}"
ca_bundle = "{ca}"

[profiles.contoso-reports-v1]
description = "A custom API that takes v1.0 tokens (accessTokenAcceptedVersion 1)"
tenant = "{contoso.domain}"
client_id = "{orders_sync.client_id}"
flow = "client_secret"
scopes = ["api://contoso-reports/.default"]
secret = "file:{secrets}/orders-sync"
authority_host = "{host}"
ca_bundle = "{ca}"

[profiles.contoso-reports-v1.expect]
audiences = ["api://contoso-reports"]
tenant = "{contoso.tenant_id}"
roles = ["Reports.Read.All"]
version = "1.0"

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

[profiles.fabrikam-partner-portal]
description = "A multi-tenant app from Contoso, consented in Fabrikam: Fabrikam's grants"
tenant = "{fabrikam.tenant_id}"
client_id = "{partner_portal.client_id}"
flow = "client_secret"
scopes = ["api://fabrikam-inventory/.default"]
secret = "file:{secrets}/partner-portal"
authority_host = "{host}"
ca_bundle = "{ca}"
"""
