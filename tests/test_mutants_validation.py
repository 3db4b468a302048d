"""The validation report, line by line, with its edges: behaviours a mutation run (`mutmut`,
see README "Mutation testing") showed untested in entra_tui/core/validation.py. Each check's
outcome and its exact reason are what a user reads to decide whether an API will accept a token."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from test_token import make

from entra_tui.core.expectations import Expectations
from entra_tui.core.timefmt import local_time
from entra_tui.core.token import decode_token
from entra_tui.core.validation import (
    Check,
    Outcome,
    passed,
    profile_context,
    validation_report,
)
from entra_tui.core.verify import SignatureState, Verification

NOW = 1_700_000_000
TID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
V2_ISS = f"https://login.microsoftonline.com/{TID}/v2.0"
V1_ISS = f"https://sts.windows.net/{TID}/"
APP = {"aud": "api://orders", "iss": V2_ISS, "tid": TID, "iat": NOW - 60, "nbf": NOW - 60,
       "exp": NOW + 3600, "azp": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "ver": "2.0",
       "roles": ["Orders.Read", "Orders.Write"], "scp": "User.Read Mail.Read"}
P, F, N = Outcome.PASSED, Outcome.FAILED, Outcome.NOT_CHECKED


def report(claims: dict[str, object], expected: Expectations | None = None, *,
           now: float = NOW, signature: Verification | None = None,
           **options: object) -> dict[str, tuple[Outcome, str]]:
    checks = validation_report(decode_token(make(claims)), expected or Expectations(), now,
                               signature, **options)  # type: ignore[arg-type]
    return {c.name: (c.outcome, c.reason) for c in checks}


def test_every_line_of_a_report_that_passes() -> None:
    expected = Expectations(audiences=("api://other", "api://orders"), tenant=TID.upper(),
                            roles=("Orders.Write",), scopes=("Mail.Read",), version="2.0")
    verified = Verification(SignatureState.VERIFIED, "signed by key 'k'", "keys.json")
    lines = validation_report(decode_token(make(APP)), expected, NOW, verified)
    assert lines == [
        Check("signature", P, "signed by key 'k'"),
        Check("kind", P, "an access token (has scp, roles, azp)"),
        Check("aud", P, "api://orders is expected"),
        Check("iss", P, f"Entra's v2.0 issuer for tenant {TID}"),
        Check("tid", P, f"issued by tenant {TID}"),
        Check("nbf", P, f"valid since {local_time(NOW - 60)}"),
        Check("exp", P, f"valid until {local_time(NOW + 3600)}"),
        Check("ver", P, "2.0 is expected"),
        Check("roles", P, "has Orders.Write"),
        Check("scp", P, "has Mail.Read"),
    ]
    assert passed(lines)


def test_nothing_expected_says_so_on_each_line() -> None:
    lines = report(APP)
    assert lines["signature"] == (N, "verification was not requested")
    assert lines["aud"] == (N, "no expected audience given")
    assert lines["tid"] == (N, "no expected tenant given")
    assert lines["ver"] == (N, "no expected version given")
    assert lines["roles"] == (N, "no required roles given")
    assert lines["scp"] == (N, "no required scopes given")


@pytest.mark.parametrize(("state", "outcome"), [
    (SignatureState.VERIFIED, P), (SignatureState.FAILED, F), (SignatureState.NOT_CHECKED, N)])
def test_the_signature_line_follows_the_verdict(state: SignatureState, outcome: Outcome) -> None:
    assert report(APP, signature=Verification(state, "why"))["signature"] == (outcome, "why")


def test_unmet_expectations_fail_with_what_was_wanted() -> None:
    expected = Expectations(audiences=("api://a", "api://b"), version="1.0",
                            roles=("Orders.Read", "Admin", "Audit"), scopes=("Files.Read",))
    lines = report(APP, expected)
    assert lines["aud"] == (F, "api://orders is not one of: api://a, api://b")
    assert lines["ver"] == (F, "2.0 is not one of: 1.0")
    assert lines["roles"] == (F, "missing Admin, Audit")
    assert lines["scp"] == (F, "missing Files.Read")
    bare = {k: v for k, v in APP.items() if k not in ("aud", "roles", "scp")}
    lines = report(bare, expected)
    assert lines["aud"] == (F, "the token has no aud claim")
    assert lines["roles"] == (F, "missing Orders.Read, Admin, Audit (the token has no roles "
                                 "claim)")
    assert lines["scp"] == (F, "missing Files.Read (the token has no scp claim)")
    not_a_list = report({**APP, "roles": "Orders.Read"}, Expectations(roles=("Orders.Read",)))
    assert not_a_list["roles"][0] is F


def test_kind_tells_access_tokens_from_id_tokens() -> None:
    assert report({"aud": "x"})["kind"] == (N, "not an Entra token (no iss or aud)")
    assert report({"iss": "x"})["kind"] == (N, "not an Entra token (no iss or aud)")
    assert report({"iss": "x", "aud": "y", "appid": "z"})["kind"] == (
        P, "an access token (has appid)")
    for idtyp in ("app", "user"):
        assert report({"iss": "x", "aud": "y", "idtyp": idtyp})["kind"] == (
            P, "an access token (has idtyp)")
    assert report({"iss": "x", "aud": "y", "idtyp": "device"})["kind"][0] is F
    assert report({"iss": "x", "aud": "y", "name": "Ada"})["kind"] == (
        F, "an ID token, not an access token: no scp, roles, appid or azp (its aud is the "
           "client app that signed the user in); an API must not accept it")


def test_the_issuer_line_knows_entra_s_issuers_for_the_token_s_tenant() -> None:
    assert report({**APP, "iss": V1_ISS, "ver": "1.0"})["iss"] == (
        P, f"Entra's v1.0 issuer for tenant {TID}")
    no_ver = {k: v for k, v in APP.items() if k != "ver"}
    assert report({**no_ver, "iss": V1_ISS})["iss"][0] is P
    assert report(no_ver)["iss"][0] is P
    assert report({**APP, "iss": V1_ISS})["iss"] == (  # a v1 issuer on a v2 token
        F, f"{V1_ISS} is not Entra's issuer for tenant {TID} (expected {V2_ISS}, or its "
           "national-cloud form); set the expected issuer for another issuer")
    assert report({**APP, "ver": "1.0"})["iss"][1].startswith(
        f"{V2_ISS} is not Entra's issuer for tenant {TID} (expected {V1_ISS}, or")
    assert report({**no_ver, "iss": "https://issuer.example/"})["iss"][1].startswith(
        f"https://issuer.example/ is not Entra's issuer for tenant {TID} (expected {V1_ISS} or "
        f"{V2_ISS}, or")
    assert report({**APP, "iss": 7})["iss"] == (F, "the token has no iss claim")
    for tid in (None, "", "not a tenant!"):
        assert report({**APP, "tid": tid})["iss"] == (
            F, "the token has no usable tid claim, so its issuer cannot be Entra's for a tenant "
               "(set the expected issuer to check another kind of token)")
    assert report(APP, Expectations(issuers=("https://issuer.example/",)))["iss"] == (
        F, f"{V2_ISS} is not one of: https://issuer.example/")


def test_a_trusted_authority_s_own_issuers_pass() -> None:
    origin = "https://127.0.0.1:8443"
    for iss in (f"{origin}/{TID}/v2.0", f"{origin}/{TID}/"):
        assert report({**APP, "iss": iss}, authority=f"{origin}")["iss"] == (
            P, f"the issuer of {origin} (the authority you trust) for tenant {TID}")
        assert report({**APP, "iss": iss}, authority="https://other.example")["iss"][0] is F
        assert report({**APP, "iss": iss}, authority=f"{origin}/path")["iss"][0] is F
        assert report({**APP, "iss": iss})["iss"][0] is F


def test_a_key_bound_to_the_issuer_vouches_only_when_it_verified() -> None:
    iss = "https://issuer.example/tenant/"
    bound = Verification(SignatureState.VERIFIED, "ok", "k", iss)
    assert report({**APP, "iss": iss}, signature=bound)["iss"] == (
        P, "the issuer the verifying key is published for")
    other = Verification(SignatureState.VERIFIED, "ok", "k", "https://issuer.example/other/")
    assert report({**APP, "iss": iss}, signature=other)["iss"][0] is F
    failed = Verification(SignatureState.FAILED, "no", "k", iss)
    assert report({**APP, "iss": iss}, signature=failed)["iss"][0] is F


def test_the_tenant_line_compares_ids_and_known_domains() -> None:
    assert report({**APP, "tid": None}, Expectations(tenant=TID))["tid"] == (
        F, "the token has no tid claim")
    unknown = report(APP, Expectations(tenant="contoso.com"))["tid"]
    assert unknown == (N, "contoso.com is a domain and the token names its tenant only by id; "
                          "the domain's tenant id is not known here (give the tenant id, or "
                          "verify online to look the domain up)")
    known = {"contoso.com": TID}
    assert report(APP, Expectations(tenant="contoso.com"), tenant_ids=known)["tid"] == (
        P, f"issued by tenant {TID}, the tenant of contoso.com")
    other = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
    assert report({**APP, "tid": other}, Expectations(tenant="contoso.com"),
                  tenant_ids=known)["tid"] == (
        F, f"issued by tenant {other}, expected contoso.com ({TID}) (a token from another "
           "tenant: check multi-tenant settings)")
    assert report({**APP, "tid": other}, Expectations(tenant=TID))["tid"] == (
        F, f"issued by tenant {other}, expected {TID} (a token from another tenant: check "
           "multi-tenant settings)")


def test_times_at_the_edges_of_the_clock_skew() -> None:
    skew = 300
    expected = Expectations(clock_skew=skew)
    at = report({**APP, "nbf": NOW + skew}, expected)["nbf"]
    assert at == (P, f"valid since {local_time(NOW + skew)}")
    assert report({**APP, "nbf": NOW + skew + 1}, expected)["nbf"] == (
        F, f"not valid until {local_time(NOW + skew + 1)} (beyond {skew} s of clock skew)")
    assert report({**APP, "exp": NOW - skew}, expected)["exp"] == (
        F, f"expired at {local_time(NOW - skew)} (beyond {skew} s of clock skew)")
    assert report({**APP, "exp": NOW - skew + 1}, expected)["exp"] == (
        P, f"valid until {local_time(NOW - skew + 1)}")
    missing = report({k: v for k, v in APP.items() if k not in ("nbf", "exp")})
    assert missing["nbf"] == (N, "the token has no nbf claim")
    assert missing["exp"] == (F, "the token has no exp claim")


def test_passed_means_nothing_failed() -> None:
    assert passed([Check("a", P, ""), Check("b", N, "")])
    assert not passed([Check("a", P, ""), Check("b", F, "")])
    assert passed([])


def test_a_profile_tells_its_authority_and_the_domain_it_acquired_for() -> None:
    token = decode_token(make(APP))
    assert profile_context(None, token, True) == {"authority": None, "tenant_ids": None}
    profile = SimpleNamespace(tenant="contoso.com", authority_host="https://127.0.0.1:8443")
    assert profile_context(profile, token, True) == {
        "authority": "https://127.0.0.1:8443", "tenant_ids": {"contoso.com": TID}}
    assert profile_context(profile, token, False)["tenant_ids"] is None
    by_id = SimpleNamespace(tenant=TID, authority_host=None)
    assert profile_context(by_id, token, True) == {"authority": None, "tenant_ids": None}
    no_tid = decode_token(make({**APP, "tid": 5}))
    assert profile_context(profile, no_tid, True)["tenant_ids"] is None


def test_a_ver_that_is_no_version_is_compared_with_both_versions_issuers() -> None:
    assert report({**APP, "ver": "3.0"})["iss"] == (P, f"Entra's v2.0 issuer for tenant {TID}")
    assert report({**APP, "ver": "3.0", "iss": V1_ISS})["iss"] == (
        P, f"Entra's v1.0 issuer for tenant {TID}")


def test_every_required_role_is_named_when_present() -> None:
    assert report(APP, Expectations(roles=("Orders.Read", "Orders.Write")))["roles"] == (
        P, "has Orders.Read, Orders.Write")
