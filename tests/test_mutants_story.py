"""What a token is, told in full: behaviours a mutation run (`mutmut`, see README "Mutation
testing") showed untested in entra_tui/core/token_story.py and claims.py. The summary is the first
thing a user reads about a token, so each kind of token's story is pinned sentence by sentence,
and each claim's note value by value."""

from __future__ import annotations

import pytest
from test_token import make

from entra_tui.core.claims import GRAPH_GROUPS_CALL, explain_claim, note_for, value_text
from entra_tui.core.safe_text import safe_text
from entra_tui.core.timefmt import local_time, relative
from entra_tui.core.token import decode_token
from entra_tui.core.token_story import is_id_token, tell

TID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
V2 = f"https://login.microsoftonline.com/{TID}/v2.0"
V1 = f"https://sts.windows.net/{TID}/"
GRAPH = "00000003-0000-0000-c000-000000000000"
AZCLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
MI = (
    "/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/"
    "userAssignedIdentities/deployer"
)
CASES: dict[str, dict[str, object]] = {
    "v2 app with roles": {
        "iss": V2,
        "aud": "api://orders",
        "azp": AZCLI,
        "azpacr": "1",
        "roles": ["A", "B"],
        "ver": "2.0",
        "tid": TID,
    },
    "v1 app no roles arm": {
        "iss": V1,
        "aud": "https://management.core.windows.net/",
        "appid": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        "appidacr": "2",
        "idtyp": "app",
        "ver": "1.0",
        "tid": TID,
    },
    "delegated public": {
        "iss": V2,
        "aud": GRAPH,
        "azp": AZCLI,
        "azpacr": "0",
        "scp": "User.Read Mail.Read",
        "upn": "ada@contoso.com",
        "preferred_username": "ada@contoso.example",
        "ver": "2.0",
        "tid": TID,
        "xms_cc": ["CP1"],
    },
    "delegated no user no scp": {
        "iss": V2,
        "aud": "api://x",
        "azp": "c",
        "idtyp": "user",
        "ver": "2.0",
    },
    "delegated email": {
        "iss": V2,
        "aud": "api://x",
        "azp": "c",
        "scp": "",
        "email": "e@x.y",
        "ver": "2.0",
    },
    "v2 id token nonce": {
        "iss": V2,
        "aud": "client-1",
        "nonce": "n",
        "preferred_username": "ada@x",
        "ver": "2.0",
    },
    "v1 id token": {
        "iss": V1,
        "aud": "client-1",
        "unique_name": "ada@x",
        "amr": ["pwd"],
        "tid": TID,
    },
    "id token oid only at_hash": {"iss": V2, "aud": "client-1", "at_hash": "h", "oid": "o-1"},
    "id c_hash": {"iss": V2, "aud": "client-1", "c_hash": "h"},
    "id auth_time": {"iss": V2, "aud": "client-1", "auth_time": 5, "upn": "u@x"},
    "no version entra": {
        "iss": "https://login.microsoftonline.com/" + TID + "/",
        "aud": "a",
        "azp": "c",
        "roles": ["R"],
    },
    "other issuer": {"iss": "https://accounts.google.com", "aud": "x", "azp": "c"},
    "no issuer": {"aud": "x"},
    "b2c": {
        "iss": "https://contoso.b2clogin.com/" + TID + "/v2.0/",
        "aud": "a",
        "azp": "c",
        "scp": "read",
        "tfp": "B2C_1_signin",
        "sub": "s",
    },
    "b2c acr": {
        "iss": "https://login.contoso.example/" + TID + "/v2.0/",
        "aud": "a",
        "azp": "c",
        "scp": "read",
        "acr": "b2c_1_old",
        "sub": "s",
    },
    "ciam": {
        "iss": f"https://{TID}.ciamlogin.com/{TID}/v2.0",
        "aud": "a",
        "azp": "c",
        "scp": "x",
        "ver": "2.0",
    },
    "elsewhere": {
        "iss": f"https://127.0.0.1:8443/{TID}/v2.0",
        "tid": TID,
        "aud": "a",
        "azp": "c",
        "roles": ["R"],
        "ver": "2.0",
    },
    "elsewhere v1": {
        "iss": f"https://127.0.0.1:8443/{TID}/",
        "tid": TID,
        "aud": "a",
        "appid": "c",
        "appidacr": "0",
    },
    "mi user": {
        "iss": V2,
        "aud": "https://management.azure.com/",
        "azp": "c",
        "idtyp": "app",
        "xms_mirid": MI,
        "xms_az_rid": (
            "/subscriptions/s/resourcegroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/"
        ),
        "ver": "2.0",
    },
    "mi system": {
        "iss": V2,
        "aud": "a",
        "azp": "c",
        "xms_mirid": "/subscriptions/s/resourcegroups/rg/providers/Microsoft.Web/sites/app1/",
        "ver": "2.0",
    },
    "overage": {
        "iss": V2,
        "aud": "a",
        "azp": "c",
        "scp": "x",
        "_claim_names": {"groups": "src1"},
        "ver": "2.0",
    },
    "hasgroups": {"iss": V2, "aud": "a", "azp": "c", "scp": "x", "hasgroups": True, "ver": "2.0"},
}
WITH_HEADER = {
    "graph nonce": (
        {"iss": V2, "aud": GRAPH, "azp": "c", "scp": "x", "ver": "2.0"},
        {"alg": "RS256", "nonce": "abc"},
    ),
    "api nonce": (
        {"iss": V2, "aud": "api://x", "azp": "c", "scp": "x", "ver": "2.0"},
        {"alg": "RS256", "nonce": "abc"},
    ),
}
STORIES: dict[str, list[str]] = {
    "v2 app with roles": [
        "Entra v2.0 access token",
        "For api://orders",
        "Requested by client 04b07795-8ddb-461a-bbee-02f9e1bf7b46 (Microsoft Azure CLI) using a "
        "client secret",
        "App-only (no user): application permissions A, B",
    ],
    "v1 app no roles arm": [
        "Entra v1.0 access token",
        "For https://management.core.windows.net/ (Azure Service Management)",
        "Requested by client 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 using a certificate or "
        "federated assertion",
        "App-only (no user): no application permissions granted (no roles); Azure RBAC role "
        "assignments decide what it may do in Azure Resource Manager",
    ],
    "delegated public": [
        "Entra v2.0 access token",
        "For 00000003-0000-0000-c000-000000000000 (Microsoft Graph)",
        "Requested by client 04b07795-8ddb-461a-bbee-02f9e1bf7b46 (Microsoft Azure CLI) as a "
        "public client",
        "Delegated: acts for ada@contoso.example with scopes User.Read, Mail.Read",
        "CAE token (xms_cc: cp1): the client handles claims challenges, so a CAE-enabled API may "
        "accept it for up to 28 h, and revokes it at once (401 with a claims challenge) when the "
        "user's sessions are revoked",
    ],
    "delegated no user no scp": [
        "Entra v2.0 access token",
        "For api://x",
        "Requested by client c",
        "Delegated: acts for a user with scopes (none)",
    ],
    "delegated email": [
        "Entra v2.0 access token",
        "For api://x",
        "Requested by client c",
        "Delegated: acts for e@x.y with scopes (none)",
    ],
    "v2 id token nonce": [
        "Entra v2.0 ID token",
        "Signed a user in to client-1",
        "Identifies ada@x",
    ],
    "v1 id token": [
        "Entra v1.0 ID token",
        "Signed a user in to client-1",
        "Identifies ada@x",
    ],
    "id token oid only at_hash": [
        "Entra v2.0 ID token",
        "Signed a user in to client-1",
        "Identifies o-1",
    ],
    "id c_hash": [
        "Entra v2.0 ID token",
        "Signed a user in to client-1",
    ],
    "id auth_time": [
        "Entra v2.0 ID token",
        "Signed a user in to client-1",
        "Identifies u@x",
    ],
    "no version entra": [
        "Entra access token (version not stated)",
        "For a",
        "Requested by client c",
        "App-only (no user): application permissions R",
    ],
    "other issuer": [
        "JWT from issuer https://accounts.google.com (not issued by Microsoft Entra)",
        "For x",
    ],
    "no issuer": [
        "JWT without an issuer (not issued by Microsoft Entra)",
        "For x",
    ],
    "b2c": [
        "Azure AD B2C access token",
        "User flow / policy B2C_1_signin",
        "For a",
        "Requested by client c",
        "Delegated: acts for a user with scopes read",
    ],
    "b2c acr": [
        "Azure AD B2C access token",
        "User flow / policy b2c_1_old",
        "For a",
        "Requested by client c",
        "Delegated: acts for a user with scopes read",
    ],
    "ciam": [
        "Entra External ID v2.0 access token",
        "For a",
        "Requested by client c",
        "Delegated: acts for a user with scopes x",
    ],
    "elsewhere": [
        "Entra v2.0 access token",
        "Issued by https://127.0.0.1:8443, not a Microsoft host (a sandbox, private cloud or "
        "proxy)",
        "For a",
        "Requested by client c",
        "App-only (no user): application permissions R",
    ],
    "elsewhere v1": [
        "Entra access token (version not stated)",
        "Issued by https://127.0.0.1:8443, not a Microsoft host (a sandbox, private cloud or "
        "proxy)",
        "For a",
        "Requested by client c as a public client",
        "App-only (no user): no application permissions granted (no roles)",
    ],
    "mi user": [
        "Entra v2.0 access token",
        "For https://management.azure.com/ (Azure Resource Manager)",
        "Requested by client c",
        "Managed identity (user-assigned) deployer: /subscriptions/s/resourcegroups/rg/providers/"
        "Microsoft.ManagedIdentity/userAssignedIdentities/deployer; running on vm1 (/"
        "subscriptions/s/resourcegroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/)",
        "App-only (no user): no application permissions granted (no roles); Azure RBAC role "
        "assignments decide what it may do in Azure Resource Manager",
    ],
    "mi system": [
        "Entra v2.0 access token",
        "For a",
        "Requested by client c",
        "Managed identity (system-assigned) app1: /subscriptions/s/resourcegroups/rg/providers/"
        "Microsoft.Web/sites/app1/",
        "App-only (no user): no application permissions granted (no roles)",
    ],
    "overage": [
        "Entra v2.0 access token",
        "For a",
        "Requested by client c",
        "Delegated: acts for a user with scopes x",
        f"Groups overage: the groups were left out; {GRAPH_GROUPS_CALL}",
    ],
    "hasgroups": [
        "Entra v2.0 access token",
        "For a",
        "Requested by client c",
        "Delegated: acts for a user with scopes x",
        f"Groups overage: the groups were left out; {GRAPH_GROUPS_CALL}",
    ],
    "graph nonce": [
        "Entra v2.0 access token",
        "For 00000003-0000-0000-c000-000000000000 (Microsoft Graph)",
        "Requested by client c",
        "Delegated: acts for a user with scopes x",
        "Has a nonce in the header (Microsoft Graph): only Graph can verify its signature",
    ],
    "api nonce": [
        "Entra v2.0 access token",
        "For api://x",
        "Requested by client c",
        "Delegated: acts for a user with scopes x",
    ],
}


@pytest.mark.parametrize("name", list(STORIES))
def test_each_kind_of_token_is_told_in_full(name: str) -> None:
    if name in WITH_HEADER:
        claims, header = WITH_HEADER[name]
        token = decode_token(make(claims, header))
    else:
        token = decode_token(make(CASES[name]))
    assert tell(token) == STORIES[name]


NOW = 1_700_000_000
ADMIN = "62e90394-69f5-4237-9190-012177145e10"
OVERAGE = f"too many groups for the token; fetch them: {GRAPH_GROUPS_CALL}"


@pytest.mark.parametrize(
    ("name", "value", "note"),
    [
        ("exp", NOW + 3600, f"{local_time(NOW + 3600)} ({relative(NOW + 3600, NOW)})"),
        ("iat", NOW - 90.5, f"{local_time(NOW - 90.5)} ({relative(NOW - 90.5, NOW)})"),
        ("exp", True, ""),
        ("exp", "soon", ""),
        ("azpacr", "0", "public client (no credential)"),
        ("azpacr", "1", "client secret"),
        ("appidacr", 2, "certificate or federated assertion"),
        ("appidacr", "3", ""),
        ("ver", "1.0", "v1 token"),
        ("ver", "2.0", "v2 token"),
        ("ver", "3.0", ""),
        ("idtyp", "app", "app-only token"),
        ("idtyp", "user", "delegated (user) token"),
        ("idtyp", "device", ""),
        ("scp", "Mail.Read", "1 scope"),
        ("scp", "Mail.Read User.Read", "2 scopes: • Mail.Read\n• User.Read"),
        ("scp", ["Mail.Read"], ""),
        ("aud", GRAPH, "Microsoft Graph"),
        ("azp", AZCLI, "Microsoft Azure CLI"),
        ("appid", AZCLI, "Microsoft Azure CLI"),
        ("appid", "not-known", ""),
        ("oid", AZCLI, ""),
        ("aud", ["a"], ""),
        ("wids", [ADMIN, "abc", 5], "Global Administrator\nabc (unknown role)\n5 (not a role id)"),
        ("wids", "abc", ""),
        ("roles", ["a"], "1 item"),
        ("roles", ["a", "b"], "2 items"),
        ("groups", [], "0 items"),
        ("groups", "g", ""),
        ("amr", ["pwd", "mfa"], ""),
        ("_claim_names", {"groups": "src1"}, OVERAGE),
        ("hasgroups", True, OVERAGE),
        ("name", "Ada", ""),
    ],
)
def test_each_claim_s_note(name: str, value: object, note: str) -> None:
    assert note_for(name, value, NOW) == note


def test_values_as_text_and_which_are_times() -> None:
    assert value_text("Ada") == "Ada"
    assert value_text(["a", "b"]) == "a, b"
    assert value_text([1, "a"]) == '[1, "a"]'
    assert value_text({"k": "é"}) == '{"k": "é"}'
    assert value_text(None) == "null"
    assert value_text("a\x1b[31mb") == safe_text("a\x1b[31mb") != "a\x1b[31mb"
    assert value_text(["a\u202eb"]) == safe_text("a\u202eb")
    assert explain_claim("exp", NOW, NOW).is_time
    assert not explain_claim("exp", True, NOW).is_time
    assert not explain_claim("exp", "soon", NOW).is_time
    assert not explain_claim("roles", 5, NOW).is_time
    row = explain_claim("ver", "2.0", NOW)
    assert row == (
        "ver",
        "2.0",
        "v2 token",
        "Token version: 1.0 (sts.windows.net issuer) or 2.0",
        False,
    )


@pytest.mark.parametrize("marker", ["nonce", "at_hash", "c_hash", "auth_time",
                                    "preferred_username", "unique_name", "upn", "amr"])
def test_one_id_token_marker_is_enough_and_an_access_token_marker_wins(marker: str) -> None:
    claims: dict[str, object] = {"iss": V2, "aud": "client-1", marker: "x"}
    assert is_id_token(decode_token(make(claims)))
    assert not is_id_token(decode_token(make({**claims, "scp": "read"})))
    if marker in ("preferred_username", "unique_name", "upn", "amr"):  # a user, for some app
        assert not is_id_token(decode_token(make({"iss": V2, marker: "x"})))
    assert not is_id_token(decode_token(make({"iss": V2, "aud": "client-1"})))


@pytest.mark.parametrize(("claims", "first"), [
    ({"iss": 5, "aud": "x"}, "JWT without an issuer (not issued by Microsoft Entra)"),
    ({"iss": f"https://contoso.b2clogin.com/{TID}/v2.0/", "aud": "a", "scp": "read"},
     "Azure AD B2C access token"),
    ({"iss": f"http://127.0.0.1:8443/{TID}/v2.0", "tid": TID, "aud": "a"},
     f"JWT from issuer http://127.0.0.1:8443/{TID}/v2.0 (not issued by Microsoft Entra)"),
    ({"iss": "https://127.0.0.1:8443//v2.0", "tid": "", "aud": "a"},
     "JWT from issuer https://127.0.0.1:8443//v2.0 (not issued by Microsoft Entra)"),
    ({"iss": f"https://[::1/{TID}/v2.0", "tid": TID, "aud": "a"},
     f"JWT from issuer https://[::1/{TID}/v2.0 (not issued by Microsoft Entra)"),
])
def test_who_issued_it_at_the_edges(claims: dict[str, object], first: str) -> None:
    assert tell(decode_token(make(claims)))[0] == first


def test_claims_of_the_wrong_type_are_not_taken_at_their_word() -> None:
    mi = "/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/" \
         "userAssignedIdentities/buildX"
    app = {"iss": V2, "aud": "a", "azp": "c", "ver": "2.0"}
    assert tell(decode_token(make({**app, "idtyp": "app", "scp": "x"})))[-1].startswith(
        "App-only (no user)")  # idtyp is the documented answer
    assert tell(decode_token(make({**app, "roles": "Orders.Read"})))[-1] == (
        "App-only (no user): no application permissions granted (no roles)")
    assert tell(decode_token(make({**app, "tfp": 5})))[0] == "Entra v2.0 access token"
    assert tell(decode_token(make({**app, "xms_mirid": mi, "xms_az_rid": 5})))[-2] == (
        f"Managed identity (user-assigned) buildX: {mi}")
    runs_on = "/subscriptions/s/resourcegroups/rg/providers/Microsoft.Compute/virtualMachines/vmX"
    assert tell(decode_token(make({**app, "xms_mirid": mi, "xms_az_rid": runs_on})))[-2] == (
        f"Managed identity (user-assigned) buildX: {mi}; running on vmX ({runs_on})")
    id_token = {"iss": V2, "aud": "client-1", "nonce": "n", "upn": 5, "oid": "o-1"}
    assert tell(decode_token(make(id_token)))[-1] == "Identifies o-1"
