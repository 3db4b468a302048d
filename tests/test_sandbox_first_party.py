"""Microsoft's own APIs and the Azure CLI exist in every sandbox tenant, as in Entra: real MSAL
over real HTTPS gets v1.0 tokens for Graph, ARM, Key Vault and Storage; Graph's carry a header
nonce nobody but Graph can verify."""

from __future__ import annotations

import ssl

import jwt
import pytest
from sandbox_clients import (
    ADELE,
    ARM_DEPLOYER,
    CONTOSO,
    DIRECTORY_READER,
    GRAPH_EXPLORER,
    ORDERS_SYNC,
    app_token,
    device_sign_in,
)

from entra_tui.sandbox import Sandbox
from entra_tui.sandbox.access_tokens import with_hashed_nonce
from entra_tui.sandbox.first_party import (
    ARM_APP_ID,
    AZURE_CLI_APP_ID,
    GRAPH_APP_ID,
    GRAPH_APP_ROLES,
    GRAPH_SCOPES,
)


def claims_of(token: str) -> dict[str, object]:
    return jwt.decode(token, options={"verify_signature": False})


def jwks_key(sandbox: Sandbox, token: str) -> object:
    keys = jwt.PyJWKClient(f"{sandbox.base_url}/common/discovery/keys",
                           ssl_context=ssl.create_default_context(cafile=str(sandbox.ca_path)))
    return keys.get_signing_key_from_jwt(token).key


def test_documented_graph_permission_ids() -> None:
    # https://learn.microsoft.com/en-us/graph/permissions-reference
    assert GRAPH_APP_ROLES["User.Read.All"] == "df021288-bdef-4463-88db-98f22de89214"
    assert GRAPH_APP_ROLES["Application.Read.All"] == "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30"
    assert GRAPH_SCOPES["User.Read"] == "e1fe6dd8-ba31-4d61-89e7-88639da4683d"


def test_graph_app_only_is_v1_with_granted_roles_and_a_header_nonce(sandbox: Sandbox) -> None:
    token = app_token(sandbox, DIRECTORY_READER, "https://graph.microsoft.com/.default")
    claims = claims_of(token)
    issuer = f"{sandbox.base_url}/{CONTOSO.tenant_id}/"
    assert claims["ver"] == "1.0" and claims["iss"] == issuer and claims["idp"] == issuer
    assert claims["aud"] == "https://graph.microsoft.com"
    assert claims["appid"] == DIRECTORY_READER.client_id and claims["appidacr"] == "1"
    assert claims["roles"] == ["User.Read.All", "Application.Read.All", "AuditLog.Read.All"]
    assert "Directory.Read.All" not in claims["roles"]  # requested, never consented
    assert "azp" not in claims and "scp" not in claims and claims["idtyp"] == "app"
    header = jwt.get_unverified_header(token)
    assert list(header) == ["typ", "nonce", "alg", "x5t", "kid"] and len(header["nonce"]) > 30
    key = jwks_key(sandbox, token)
    with pytest.raises(jwt.InvalidSignatureError):  # what any third party sees
        jwt.decode(token, key, algorithms=["RS256"], audience=claims["aud"])
    rebuilt = with_hashed_nonce(token)
    assert rebuilt is not None  # what Graph does: hash the nonce back, then verify
    assert jwt.decode(rebuilt, key, algorithms=["RS256"], audience=claims["aud"],
                      issuer=issuer)["appid"] == DIRECTORY_READER.client_id


@pytest.mark.parametrize("resource", ["https://management.azure.com/",
                                      "https://management.core.windows.net/",
                                      "https://management.azure.com"])
def test_arm_for_a_service_principal_has_no_roles(sandbox: Sandbox, resource: str) -> None:
    token = app_token(sandbox, ARM_DEPLOYER, f"{resource}/.default")
    claims = claims_of(token)
    assert claims["aud"] == resource and claims["ver"] == "1.0" and "roles" not in claims
    assert "nonce" not in jwt.get_unverified_header(token)  # only Graph's tokens have one
    jwt.decode(token, jwks_key(sandbox, token), algorithms=["RS256"], audience=resource)


@pytest.mark.parametrize("scope", ["https://vault.azure.net/.default",
                                   "https://storage.azure.com//.default",
                                   f"{ARM_APP_ID}/.default", f"{GRAPH_APP_ID}/.default"])
def test_any_app_gets_first_party_tokens_without_grants(sandbox: Sandbox, scope: str) -> None:
    claims = claims_of(app_token(sandbox, ORDERS_SYNC, scope))
    assert claims["ver"] == "1.0" and "roles" not in claims
    assert claims["aud"] == scope.removesuffix("/.default")


def test_custom_v2_api_still_gets_v2_tokens(sandbox: Sandbox) -> None:
    claims = claims_of(app_token(sandbox, ORDERS_SYNC, "api://contoso-orders/.default"))
    assert claims["ver"] == "2.0" and claims["azp"] == ORDERS_SYNC.client_id
    assert claims["iss"] == f"{sandbox.base_url}/{CONTOSO.tenant_id}/v2.0"


def test_device_code_as_the_azure_cli_for_arm(sandbox: Sandbox) -> None:
    result = device_sign_in(sandbox, AZURE_CLI_APP_ID,
                            ["https://management.core.windows.net//.default"])
    claims = claims_of(str(result["access_token"]))
    assert claims["aud"] == "https://management.core.windows.net/"
    assert claims["scp"] == "user_impersonation" and claims["appid"] == AZURE_CLI_APP_ID
    assert claims["appidacr"] == "0" and claims["ver"] == "1.0"
    assert claims["upn"] == claims["unique_name"] == ADELE.upn
    assert claims["ipaddr"] == "127.0.0.1" and claims["name"] == ADELE.name


def test_graph_delegated_scopes_and_missing_consent(sandbox: Sandbox) -> None:
    result = device_sign_in(sandbox, GRAPH_EXPLORER.client_id,
                            ["https://graph.microsoft.com/User.Read",
                             "https://graph.microsoft.com/Group.Read.All"])
    token = str(result["access_token"])
    claims = claims_of(token)
    assert set(str(claims["scp"]).split()) == {"User.Read", "Group.Read.All"}
    assert claims["aud"] == "https://graph.microsoft.com"
    assert "nonce" in jwt.get_unverified_header(token)
    refused = device_sign_in(sandbox, GRAPH_EXPLORER.client_id,
                             ["https://graph.microsoft.com/Directory.Read.All"])
    assert refused.get("error_codes") == [65001], refused


def test_default_scope_for_a_user_gets_every_consented_scope(sandbox: Sandbox) -> None:
    result = device_sign_in(sandbox, GRAPH_EXPLORER.client_id,
                            ["https://graph.microsoft.com/.default"])
    assert claims_of(str(result["access_token"]))["scp"] == \
        "User.Read User.ReadBasic.All AuditLog.Read.All Group.Read.All"
