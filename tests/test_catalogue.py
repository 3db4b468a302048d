"""The claim catalogue: no documented claim without a meaning; ids named; versions told."""

from __future__ import annotations

import pytest
from test_token import make

from entra_tui.core.claims import CLAIM_MEANINGS, HEADER_MEANINGS, describe_token, explain_claim
from entra_tui.core.token import decode_token
from entra_tui.core.wellknown import DIRECTORY_ROLES, FIRST_PARTY_APPS

DOCUMENTED = [
    "aud", "iss", "tid", "oid", "sub", "azp", "appid", "azpacr", "appidacr", "idtyp", "scp",
    "roles", "wids", "groups", "amr", "acr", "acrs", "xms_cc", "sid", "uti", "rh", "aio",
    "ver", "upn", "unique_name", "preferred_username", "login_hint", "ipaddr", "onprem_sid",
    "puid", "xms_tcdt", "xms_st", "nonce", "c_hash", "at_hash", "hasgroups", "_claim_names",
    "_claim_sources", "iat", "nbf", "exp", "auth_time", "name", "email", "family_name",
    "given_name", "pwd_exp", "pwd_url",
]


@pytest.mark.parametrize("claim", DOCUMENTED)
def test_every_documented_claim_has_a_meaning(claim: str) -> None:
    assert CLAIM_MEANINGS.get(claim, "").strip(), claim


@pytest.mark.parametrize("claim", ["typ", "alg", "kid", "x5t", "nonce"])
def test_header_claims_have_meanings(claim: str) -> None:
    assert HEADER_MEANINGS[claim]


def test_well_known_ids_are_plentiful() -> None:
    assert len(set(FIRST_PARTY_APPS.values())) >= 15
    assert len(DIRECTORY_ROLES) >= 21
    assert DIRECTORY_ROLES["62e90394-69f5-4237-9190-012177145e10"] == "Global Administrator"


@pytest.mark.parametrize(("name", "value", "note"), [
    ("azp", "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "Microsoft Azure CLI"),
    ("aud", "https://management.azure.com/", "Azure Resource Manager"),
    ("appidacr", "0", "public client (no credential)"),
    ("wids", ["62e90394-69f5-4237-9190-012177145e10", "x"],
     "Global Administrator\nx (unknown role)"),
    ("scp", "User.Read Mail.Send", "2 scopes: • User.Read\n• Mail.Send"),
    ("scp", "User.Read", "1 scope"),
    ("scp", " ", "no scopes (an empty scp)"),
])
def test_values_are_made_meaningful(name: str, value: object, note: str) -> None:
    assert explain_claim(name, value, 0).note == note


@pytest.mark.parametrize(("claims", "version"), [
    ({"iss": "https://sts.windows.net/t/"}, "1.0"),
    ({"iss": "https://login.microsoftonline.com/t/v2.0"}, "2.0"),
    ({"ver": "1.0", "iss": "https://login.microsoftonline.com/t/v2.0"}, "1.0"),
])
def test_version_from_ver_or_issuer_shape(claims: dict[str, object], version: str) -> None:
    assert decode_token(make(claims)).version == version


def test_groups_overage_is_explained_with_the_graph_call() -> None:
    token = decode_token(make({"_claim_names": {"groups": "src1"},
                               "_claim_sources": {"src1": {"endpoint": "https://graph"}},
                               "scp": "User.Read", "oid": "o",
                               "iss": "https://login.microsoftonline.com/t/v2.0"}))
    facts = " ".join(describe_token(token))
    assert "Groups overage" in facts and "getMemberObjects" in facts
    assert "Delegated" in facts


def test_id_tokens_are_told_from_access_tokens() -> None:
    token = decode_token(make({"aud": "client", "nonce": "n", "preferred_username": "a@b",
                               "iss": "https://login.microsoftonline.com/t/v2.0"}))
    assert "ID token" in describe_token(token)[0]
