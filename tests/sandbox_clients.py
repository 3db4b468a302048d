"""Real clients for the sandbox's first-party APIs: MSAL apps and HTTPS sessions that trust
the sandbox CA (and only it), as a user of the sandbox would build them."""

from __future__ import annotations

import msal
import requests

from entra_tui.sandbox import Sandbox
from entra_tui.sandbox.directory import TENANTS

CONTOSO, FABRIKAM = TENANTS
DIRECTORY_READER, ARM_DEPLOYER, GRAPH_EXPLORER, PARTNER_PORTAL = CONTOSO.clients[6:10]
ORDERS_SYNC = CONTOSO.clients[0]
ADELE = CONTOSO.users[0]


def http(sandbox: Sandbox) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.verify = str(sandbox.ca_path)
    return session


def confidential(sandbox: Sandbox, client: object, tenant: object = CONTOSO,
                 **kwargs: object) -> msal.ConfidentialClientApplication:
    return msal.ConfidentialClientApplication(
        client.client_id, client_credential=client.secret,  # type: ignore[attr-defined]
        authority=f"{sandbox.base_url}/{tenant.tenant_id}",  # type: ignore[attr-defined]
        http_client=http(sandbox), instance_discovery=False, **kwargs)  # type: ignore[arg-type]


def public(sandbox: Sandbox, client_id: str, authority: str) -> msal.PublicClientApplication:
    return msal.PublicClientApplication(client_id, authority=f"{sandbox.base_url}/{authority}",
                                        http_client=http(sandbox), instance_discovery=False)


def app_token(sandbox: Sandbox, client: object, scope: str, tenant: object = CONTOSO) -> str:
    result = confidential(sandbox, client, tenant).acquire_token_for_client([scope])
    assert "access_token" in result, result
    return str(result["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def device_sign_in(sandbox: Sandbox, client_id: str, scopes: list[str],
                   authority: str = CONTOSO.tenant_id) -> dict[str, object]:
    """A device-code sign-in through MSAL, approved at the sandbox's /device page as a person
    would: the user code typed into the page."""
    app = public(sandbox, client_id, authority)
    flow = app.initiate_device_flow(scopes=scopes)
    if "user_code" not in flow:
        return flow
    page = http(sandbox).post(f"{sandbox.base_url}/device", data={"code": flow["user_code"]})
    assert page.status_code == 200, page.text
    return app.acquire_token_by_device_flow(flow)
