"""v1.0 as Entra does it: the API's accessTokenAcceptedVersion picks the claim set whichever
endpoint was called; the v1 token endpoint takes `resource=`; v1 metadata names keys without
an issuer, v2 metadata keys with the {tenantid} template; common/organizations find the user's
tenant; a multi-tenant app gets tokens where it was consented."""

from __future__ import annotations

import ssl
import time
import uuid

import jwt
import msal
import pytest
from sandbox_clients import (
    ADELE,
    ARM_DEPLOYER,
    CONTOSO,
    FABRIKAM,
    ORDERS_SYNC,
    PARTNER_PORTAL,
    app_token,
    confidential,
    device_sign_in,
    http,
    public,
)

from entra_tui.sandbox import Sandbox
from entra_tui.sandbox.first_party import AZURE_CLI_APP_ID

BILLING, CLI_TOOL = CONTOSO.clients[1], CONTOSO.clients[2]


def claims_of(token: str) -> dict[str, object]:
    return jwt.decode(token, options={"verify_signature": False})


def v1_token_url(sandbox: Sandbox, tenant: str = CONTOSO.tenant_id) -> str:
    return f"{sandbox.base_url}/{tenant}/oauth2/token"


def test_v1_and_v2_discovery_as_entra_publishes_them(sandbox: Sandbox) -> None:
    session, base, tid = http(sandbox), sandbox.base_url, CONTOSO.tenant_id
    v1 = session.get(f"{base}/{CONTOSO.domain}/.well-known/openid-configuration").json()
    assert v1["issuer"] == f"{base}/{tid}/"
    assert v1["jwks_uri"] == f"{base}/common/discovery/keys"
    assert v1["token_endpoint"] == f"{base}/{tid}/oauth2/token"
    v1_keys = session.get(v1["jwks_uri"]).json()["keys"]
    assert v1_keys and all("issuer" not in key for key in v1_keys)
    v2 = session.get(f"{base}/{tid}/v2.0/.well-known/openid-configuration").json()
    v2_keys = session.get(v2["jwks_uri"]).json()["keys"]
    assert v2["jwks_uri"] == f"{base}/{tid}/discovery/v2.0/keys"
    assert v2["msgraph_host"] == v1["msgraph_host"] == "graph.microsoft.com"
    assert "preferred_username" in v2["claims_supported"] and "amr" in v1["claims_supported"]
    assert [k["issuer"] for k in v2_keys] == [f"{base}/{{tenantid}}/v2.0"]
    assert {k["kid"] for k in v1_keys} == {k["kid"] for k in v2_keys}  # one key, two shapes
    common = session.get(f"{base}/common/v2.0/.well-known/openid-configuration").json()
    assert common["issuer"] == f"{base}/{{tenantid}}/v2.0"
    assert common["token_endpoint"] == f"{base}/common/oauth2/v2.0/token"
    assert session.get(f"{base}/common/.well-known/openid-configuration").json()[
        "issuer"] == f"{base}/{{tenantid}}/"


def test_v1_api_gets_v1_tokens_from_the_v2_endpoint_and_they_verify(sandbox: Sandbox) -> None:
    token = app_token(sandbox, ORDERS_SYNC, "api://contoso-reports/.default")
    claims = claims_of(token)
    assert claims["ver"] == "1.0" and claims["aud"] == "api://contoso-reports"
    assert claims["roles"] == ["Reports.Read.All"] and claims["appidacr"] == "1"
    # Verified as a relying party does: v1 metadata, its jwks_uri, exact issuer.
    session = http(sandbox)
    metadata = session.get(f"{sandbox.base_url}/{CONTOSO.tenant_id}/.well-known/"
                           "openid-configuration").json()
    keys = jwt.PyJWKClient(metadata["jwks_uri"],
                           ssl_context=ssl.create_default_context(cafile=str(sandbox.ca_path)))
    jwt.decode(token, keys.get_signing_key_from_jwt(token).key, algorithms=["RS256"],
               audience="api://contoso-reports", issuer=metadata["issuer"])


def test_v1_endpoint_client_credentials_with_resource(sandbox: Sandbox) -> None:
    response = http(sandbox).post(v1_token_url(sandbox), data={
        "grant_type": "client_credentials", "client_id": ARM_DEPLOYER.client_id,
        "client_secret": ARM_DEPLOYER.secret, "resource": "https://management.azure.com/"})
    body = response.json()
    assert response.status_code == 200, body
    assert body["resource"] == "https://management.azure.com/"
    assert isinstance(body["expires_in"], str) and isinstance(body["expires_on"], str)
    assert "refresh_token" not in body
    claims = claims_of(body["access_token"])
    assert claims["aud"] == "https://management.azure.com/" and "roles" not in claims


def test_the_api_not_the_endpoint_decides_the_version(sandbox: Sandbox) -> None:
    body = http(sandbox).post(v1_token_url(sandbox), data={
        "grant_type": "client_credentials", "client_id": ORDERS_SYNC.client_id,
        "client_secret": ORDERS_SYNC.secret, "resource": "api://contoso-orders"}).json()
    claims = claims_of(body["access_token"])
    assert claims["ver"] == "2.0" and claims["aud"] == CONTOSO.apis[0].client_id


def test_v1_endpoint_password_then_refresh_token(sandbox: Sandbox) -> None:
    session = http(sandbox)
    first = session.post(v1_token_url(sandbox), data={
        "grant_type": "password", "client_id": CLI_TOOL.client_id, "username": ADELE.upn,
        "password": ADELE.password, "resource": "api://contoso-orders"}).json()
    assert claims_of(first["access_token"])["scp"] == "Orders.Read", first
    assert first["scope"] == "Orders.Read" and first["refresh_token"]
    again = session.post(v1_token_url(sandbox), data={
        "grant_type": "refresh_token", "client_id": CLI_TOOL.client_id,
        "refresh_token": first["refresh_token"], "resource": "api://contoso-orders"}).json()
    assert claims_of(again["access_token"])["preferred_username"] == ADELE.upn


def test_v1_endpoint_certificate_assertion(sandbox: Sandbox) -> None:
    certificate = sandbox.client_certificates[BILLING.client_id]
    pem = certificate.pem_path.read_bytes()  # type: ignore[attr-defined]
    key = pem.split(b"-----BEGIN CERTIFICATE")[0]
    now = int(time.time())
    assertion = jwt.encode(
        {"aud": v1_token_url(sandbox), "iss": BILLING.client_id, "sub": BILLING.client_id,
         "jti": str(uuid.uuid4()), "nbf": now, "exp": now + 600}, key, algorithm="RS256",
        headers={"x5t": certificate.x5t})  # type: ignore[attr-defined]
    body = http(sandbox).post(v1_token_url(sandbox), data={
        "grant_type": "client_credentials", "client_id": BILLING.client_id,
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion, "resource": "https://vault.azure.net"}).json()
    claims = claims_of(body["access_token"])
    assert claims["appidacr"] == "2" and claims["aud"] == "https://vault.azure.net"


def test_v1_endpoint_errors_are_entra_json(sandbox: Sandbox) -> None:
    body = http(sandbox).post(v1_token_url(sandbox), data={
        "grant_type": "client_credentials", "client_id": ORDERS_SYNC.client_id,
        "client_secret": "wrong", "resource": "https://graph.microsoft.com"}).json()
    assert body["error_codes"] == [7000215]


def test_organizations_authority_finds_the_users_tenant(sandbox: Sandbox) -> None:
    # MSAL's username/password flow at organizations first asks /common/userrealm on the
    # authority's host without its port (msal 1.39): the device flow is what `az login` uses.
    result = device_sign_in(sandbox, AZURE_CLI_APP_ID,
                            ["https://management.core.windows.net//.default"],
                            authority="organizations")
    assert "access_token" in result, result
    claims = claims_of(str(result["access_token"]))
    assert claims["tid"] == CONTOSO.tenant_id and claims["upn"] == ADELE.upn
    assert claims["iss"] == f"{sandbox.base_url}/{CONTOSO.tenant_id}/"
    refreshed = public(sandbox, AZURE_CLI_APP_ID, "organizations")
    body = http(sandbox).post(f"{sandbox.base_url}/organizations/oauth2/v2.0/token", data={
        "grant_type": "refresh_token", "client_id": AZURE_CLI_APP_ID,
        "refresh_token": result["refresh_token"],
        "scope": "https://graph.microsoft.com/.default"}).json()
    assert claims_of(body["access_token"])["tid"] == CONTOSO.tenant_id, body
    assert refreshed.authority.tenant == "organizations"


def test_multi_tenant_app_gets_tokens_where_consented(sandbox: Sandbox) -> None:
    claims = claims_of(app_token(sandbox, PARTNER_PORTAL, "api://fabrikam-inventory/.default",
                                 FABRIKAM))
    assert claims["tid"] == FABRIKAM.tenant_id and claims["roles"] == ["Inventory.Read"]
    assert claims["oid"] != PARTNER_PORTAL.object_id  # Fabrikam's own service principal
    home = claims_of(app_token(sandbox, PARTNER_PORTAL, "https://graph.microsoft.com/.default"))
    assert home["roles"] == ["Organization.Read.All"] and home["tid"] == CONTOSO.tenant_id
    outsider = confidential(sandbox, ORDERS_SYNC, FABRIKAM).acquire_token_for_client(
        ["https://graph.microsoft.com/.default"])
    assert outsider.get("error_codes") == [700016], outsider


def test_multi_tenant_app_without_delegated_consent_is_65001(sandbox: Sandbox) -> None:
    body = http(sandbox).post(
        f"{sandbox.base_url}/{FABRIKAM.tenant_id}/oauth2/v2.0/token", data={
            "grant_type": "password", "client_id": PARTNER_PORTAL.client_id,
            "client_secret": PARTNER_PORTAL.secret, "username": FABRIKAM.users[0].upn,
            "password": FABRIKAM.users[0].password,
            "scope": "https://graph.microsoft.com/User.Read"}).json()
    assert body["error_codes"] == [65001], body


@pytest.mark.parametrize("flavour", ["v1", "v2"])
def test_the_clients_verifier_verifies_sandbox_tokens(sandbox: Sandbox, flavour: str) -> None:
    from entra_tui.core.token import decode_token
    from entra_tui.core.verify import KeyFetcher, SignatureState

    scope = "api://contoso-reports/.default" if flavour == "v1" else \
        "api://contoso-orders/.default"
    token = decode_token(app_token(sandbox, ORDERS_SYNC, scope))
    fetcher = KeyFetcher(trusted_hosts={sandbox.base_url: str(sandbox.ca_path)})
    verdict = fetcher.verify(token, sandbox.base_url)
    assert verdict.state is SignatureState.VERIFIED, verdict


def test_the_clients_verifier_leaves_graph_tokens_unchecked(sandbox: Sandbox) -> None:
    from entra_tui.core.token import decode_token
    from entra_tui.core.verify import KeyFetcher, SignatureState

    token = decode_token(app_token(sandbox, ARM_DEPLOYER, "https://graph.microsoft.com/.default"))
    fetcher = KeyFetcher(trusted_hosts={sandbox.base_url: str(sandbox.ca_path)})
    verdict = fetcher.verify(token, sandbox.base_url)
    assert verdict.state is SignatureState.NOT_CHECKED, verdict
    assert "nonce" in str(verdict)


def test_msal_caches_v1_tokens_per_resource(sandbox: Sandbox) -> None:
    app: msal.ConfidentialClientApplication = confidential(sandbox, ARM_DEPLOYER)
    first = app.acquire_token_for_client(["https://management.azure.com/.default"])
    second = app.acquire_token_for_client(["https://management.azure.com/.default"])
    assert second["token_source"] == "cache" and first["access_token"] == second["access_token"]
