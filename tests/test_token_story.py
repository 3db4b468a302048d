"""Token stories follow Entra's documented rules (access-token and ID-token claims references,
Azure AD B2C's tokens overview), not guesses from a few claims.

Claim sets are shaped like the samples in those references: v1 tokens from sts.windows.net with
appid/appidacr/unique_name, v2 with azp/azpacr/preferred_username.
"""

from __future__ import annotations

import pytest
from test_token import make

from entra_tui.core.claims import describe_token
from entra_tui.core.token import decode_token

TID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
V1_ISS = f"https://sts.windows.net/{TID}/"
V2_ISS = f"https://login.microsoftonline.com/{TID}/v2.0"
ARM = "https://management.azure.com/"


def story(claims: dict[str, object], header: dict[str, object] | None = None) -> str:
    return " · ".join(describe_token(decode_token(make(claims, header))))


def test_v1_arm_token_of_a_service_principal_is_app_only_without_roles() -> None:
    # No idtyp, appidacr 1, no scp and no roles: what `az login --service-principal` gets.
    text = story({"aud": ARM, "iss": V1_ISS, "appid": "11111111-2222-3333-4444-555555555555",
                  "appidacr": "1", "idp": V1_ISS, "oid": "o", "sub": "o", "tid": TID,
                  "ver": "1.0"})
    assert text.startswith("Entra v1.0 access token")
    assert "App-only (no user): no application permissions granted" in text
    assert "Azure RBAC" in text
    assert "Delegated" not in text and "acts for" not in text


def test_app_only_with_roles_names_them_and_says_nothing_of_rbac_elsewhere() -> None:
    text = story({"aud": "api://orders", "iss": V2_ISS, "azp": "c", "azpacr": "2",
                  "roles": ["Orders.Read.All"], "ver": "2.0", "tid": TID})
    assert "App-only (no user): application permissions Orders.Read.All" in text
    assert "RBAC" not in text


def test_idtyp_wins_over_the_absence_of_scp() -> None:
    text = story({"aud": "api://x", "iss": V2_ISS, "azp": "c", "azpacr": "0", "idtyp": "user",
                  "preferred_username": "a@contoso.com", "ver": "2.0"})
    assert "Delegated: acts for a@contoso.com with scopes (none)" in text


def test_v1_id_token_without_nonce_is_an_id_token() -> None:
    # The v1 ID token shape: aud = client id, amr/unique_name/upn, no appid, no scp.
    text = story({"aud": "b14a7505-96e9-4927-91e8-0601d0fc9caa", "iss": V1_ISS,
                  "amr": ["pwd", "mfa"], "unique_name": "AbeLi@contoso.com",
                  "upn": "AbeLi@contoso.com", "oid": "o", "tid": TID, "ver": "1.0"})
    assert text.startswith("Entra v1.0 ID token")
    assert "Signed a user in to b14a7505-96e9-4927-91e8-0601d0fc9caa" in text
    assert "Identifies AbeLi@contoso.com" in text
    assert "access token" not in text and "scopes" not in text


def test_v2_id_token_with_nonce_in_the_payload() -> None:
    text = story({"aud": "6cb04018-a3f5-46a7-b995-940c78f5aef3", "iss": V2_ISS,
                  "nonce": "123523", "preferred_username": "abeli@microsoft.com", "ver": "2.0",
                  "roles": ["Admin"]})
    assert text.startswith("Entra v2.0 ID token")


def test_delegated_v2_access_token() -> None:
    text = story({"aud": "00000003-0000-0000-c000-000000000000", "iss": V2_ISS, "azp": "c",
                  "azpacr": "0", "scp": "User.Read Mail.Read", "upn": "u@contoso.com",
                  "ver": "2.0"}, {"alg": "RS256", "kid": "k", "nonce": "abc"})
    assert "Delegated: acts for u@contoso.com with scopes User.Read, Mail.Read" in text
    assert "as a public client" in text
    assert "Has a nonce in the header (Microsoft Graph)" in text


def test_a_header_nonce_is_only_called_graph_when_the_audience_is_graph() -> None:
    text = story({"aud": "api://orders", "iss": V2_ISS, "azp": "c", "scp": "x", "ver": "2.0"},
                 {"alg": "RS256", "kid": "k", "nonce": "abc"})
    assert "Graph" not in text


def test_b2c_tokens_are_named_with_their_user_flow() -> None:
    text = story({"iss": "https://contoso.b2clogin.com/775527ff-9a37-4307-8b3d-cc311f58d925/v2.0/",
                  "aud": "a", "azp": "a", "scp": "tasks.read", "tfp": "B2C_1_signupsignin1",
                  "ver": "1.0", "oid": "o"})
    assert text.startswith("Azure AD B2C v1.0 access token")
    assert "B2C_1_signupsignin1" in text
    old_policy = story({"iss": "https://login.contoso.com/t/v2.0/", "aud": "a", "nonce": "n",
                        "acr": "b2c_1_sign_in", "ver": "1.0"})
    assert old_policy.startswith("Azure AD B2C") and "b2c_1_sign_in" in old_policy


def test_external_id_tokens_are_named() -> None:
    tenant = "3c1e4ea4-0e6c-4b0b-9c4b-4e8c2b5e7b10"
    text = story({"iss": f"https://{tenant}.ciamlogin.com/{tenant}/v2.0", "aud": "a",
                  "azp": "a", "scp": "read", "ver": "2.0"})
    assert text.startswith("Entra External ID v2.0 access token")


@pytest.mark.parametrize("claims", [{"a": 1}, {"iss": "https://accounts.google.com", "sub": "1",
                                               "aud": "x"}])
def test_tokens_not_from_entra_are_not_called_entra_tokens(claims: dict[str, object]) -> None:
    text = story(claims, {"alg": "none"})
    assert "not issued by Microsoft Entra" in text
    assert "Entra v" not in text and "access token" not in text and "acts for" not in text


def test_managed_identity_token_names_the_identity_and_its_resource() -> None:
    mirid = ("/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourcegroups/rg/providers/"
             "Microsoft.ManagedIdentity/userAssignedIdentities/orders-identity")
    az_rid = ("/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/rg/providers/"
              "Microsoft.Web/sites/orders-web")
    text = story({"aud": ARM, "iss": V1_ISS, "appid": "c", "appidacr": "2", "idtyp": "app",
                  "xms_mirid": mirid, "xms_az_rid": az_rid, "ver": "1.0", "tid": TID})
    assert "Managed identity (user-assigned) orders-identity" in text
    assert "running on orders-web" in text
    system = story({"aud": ARM, "iss": V1_ISS, "appid": "c", "appidacr": "2",
                    "xms_mirid": az_rid, "ver": "1.0"})
    assert "Managed identity (system-assigned) orders-web" in system


def test_entra_layout_on_another_host_is_told_as_entra_elsewhere() -> None:
    # The sandbox (or a private cloud) issues with Entra's layout for the token's own tid.
    text = story({"aud": ARM, "iss": f"https://127.0.0.1:8443/{TID}/", "appid": "c",
                  "appidacr": "1", "tid": TID, "ver": "1.0"})
    assert text.startswith("Entra v1.0 access token")
    assert "Issued by https://127.0.0.1:8443, not a Microsoft host" in text
    assert "no application permissions granted" in text
    # Another tenant's path, or no tid: not Entra's layout, so not called Entra.
    other = story({"aud": "x", "iss": f"https://127.0.0.1:8443/{TID}/v2.0", "azp": "c",
                   "scp": "a", "tid": "another"})
    assert "not issued by Microsoft Entra" in other
