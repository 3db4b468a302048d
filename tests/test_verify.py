"""Signature verification (online over real HTTPS to the sandbox, and offline) and the
validation report."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import jwt
import pytest
import requests
from conftest import CONTOSO, sandbox_profile
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from test_token import make

from entra_tui.core.session import SessionManager
from entra_tui.core.token import decode_token
from entra_tui.core.validation import Expectations, Outcome, passed, validation_report
from entra_tui.core.verify import KeyFetcher, SignatureState, verify_with_file, verify_with_jwks
from entra_tui.sandbox import Sandbox


@pytest.fixture(scope="module")
def sandbox_token(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> str:
    result = SessionManager().acquire(sandbox_profile(sandbox, tmp_path_factory.mktemp("t")))
    assert result.access_token
    return result.access_token


@pytest.fixture(scope="module")
def sandbox_jwks(sandbox: Sandbox) -> dict[str, object]:
    url = f"{sandbox.base_url}/{CONTOSO.tenant_id}/discovery/v2.0/keys"
    return requests.get(url, verify=str(sandbox.ca_path), timeout=10).json()


def fetcher_for(sandbox: Sandbox) -> KeyFetcher:
    fetcher = KeyFetcher()
    fetcher.trust(sandbox.base_url, str(sandbox.ca_path))
    return fetcher


def test_online_verification_through_discovery_and_jwks(sandbox: Sandbox,
                                                         sandbox_token: str) -> None:
    result = fetcher_for(sandbox).verify(decode_token(sandbox_token))
    assert result.state is SignatureState.VERIFIED, result.reason
    assert result.key_source and result.key_source.endswith("/discovery/v2.0/keys")


def test_online_verification_from_a_profile_authority(sandbox: Sandbox,
                                                      sandbox_token: str) -> None:
    fetcher = fetcher_for(sandbox)
    result = fetcher.verify(decode_token(sandbox_token), authority_host=sandbox.base_url)
    assert result.state is SignatureState.VERIFIED


def test_untrusted_issuer_host_is_not_fetched(sandbox_token: str) -> None:
    result = KeyFetcher().verify(decode_token(sandbox_token))  # 127.0.0.1 not trusted
    assert result.state is SignatureState.NOT_CHECKED
    assert "not an Entra host" in result.reason


def test_plain_http_issuer_is_never_fetched() -> None:
    token = decode_token(make({"iss": "http://login.microsoftonline.com/t/v2.0"}))
    result = KeyFetcher().verify(token)
    assert result.state is SignatureState.NOT_CHECKED and "not an https URL" in result.reason


def test_offline_jwks_file(sandbox_token: str, sandbox_jwks: dict[str, object],
                           tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(sandbox_jwks))
    assert verify_with_file(decode_token(sandbox_token), path).state is SignatureState.VERIFIED


def test_offline_pem_certificate(sandbox_token: str, sandbox_jwks: dict[str, object],
                                 tmp_path: Path) -> None:
    der = base64.b64decode(sandbox_jwks["keys"][0]["x5c"][0])  # type: ignore[index]
    path = tmp_path / "signing.pem"
    path.write_text("-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der).decode()
                    + "-----END CERTIFICATE-----\n")
    assert verify_with_file(decode_token(sandbox_token), path).state is SignatureState.VERIFIED


def test_wrong_key_fails_with_reason(sandbox_token: str, sandbox_jwks: dict[str, object]) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.PyJWK.from_json(jwt.algorithms.RSAAlgorithm.to_jwk(other.public_key()))
    key = dict(forged._jwk_data, kid=decode_token(sandbox_token).header["kid"])
    result = verify_with_jwks(decode_token(sandbox_token), {"keys": [key]}, "test keys")
    assert result.state is SignatureState.FAILED
    assert "does not match" in result.reason


def test_tampered_payload_fails(sandbox_token: str, sandbox_jwks: dict[str, object]) -> None:
    header, payload, signature = sandbox_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["roles"] = ["Everything.All"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    result = verify_with_jwks(decode_token(f"{header}.{forged}.{signature}"), sandbox_jwks, "k")
    assert result.state is SignatureState.FAILED


def test_unknown_kid_fails_and_says_why(sandbox_token: str,
                                        sandbox_jwks: dict[str, object]) -> None:
    keys = [dict(k, kid="other") for k in sandbox_jwks["keys"]]  # type: ignore[attr-defined]
    result = verify_with_jwks(decode_token(sandbox_token), {"keys": keys}, "k")
    assert result.state is SignatureState.FAILED and "no key with kid" in result.reason


def test_key_issuer_must_match_token_issuer(sandbox_token: str,
                                            sandbox_jwks: dict[str, object]) -> None:
    keys = [dict(k, issuer="https://login.microsoftonline.com/{tenantid}/v2.0")
            for k in sandbox_jwks["keys"]]  # type: ignore[attr-defined]
    result = verify_with_jwks(decode_token(sandbox_token), {"keys": keys}, "k")
    assert result.state is SignatureState.FAILED and "belongs to issuer" in result.reason


def test_graph_nonce_tokens_are_not_checked_with_the_reason() -> None:
    token = decode_token(make({"aud": "https://graph.microsoft.com"},
                              {"alg": "RS256", "kid": "k", "nonce": "abc"}))
    result = KeyFetcher().verify(token)
    assert result.state is SignatureState.NOT_CHECKED
    assert "only Graph can verify" in result.reason


def test_alg_none_fails() -> None:
    token = decode_token(make({"aud": "x"}, {"alg": "none"}).rsplit(".", 1)[0] + ".")
    assert verify_with_jwks(token, {"keys": []}, "k").state is SignatureState.FAILED


def test_hs256_with_the_public_key_as_secret_does_not_verify(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    path = tmp_path / "public.pem"
    path.write_bytes(pem)
    import hashlib
    import hmac

    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
    payload = base64.urlsafe_b64encode(b'{"aud":"x","roles":["Admin"]}').rstrip(b"=")
    signature = base64.urlsafe_b64encode(
        hmac.new(pem, header + b"." + payload, hashlib.sha256).digest()).rstrip(b"=")
    forged = b".".join([header, payload, signature]).decode()
    result = verify_with_file(decode_token(forged), path)
    assert result.state is SignatureState.FAILED and "key confusion" in result.reason


def test_validation_report_lines(sandbox: Sandbox, sandbox_token: str) -> None:
    token = decode_token(sandbox_token)
    signature = fetcher_for(sandbox).verify(token)
    api = CONTOSO.apis[0].client_id
    good = Expectations(audiences=(api,), tenant=CONTOSO.tenant_id,
                        roles=("Orders.Read.All",), version="2.0")
    report = validation_report(token, good, time.time(), signature)
    outcomes = {check.name: check.outcome for check in report}
    # iss: not Entra's host, but the issuer the verifying key is published for.
    assert outcomes == {"signature": Outcome.PASSED, "kind": Outcome.PASSED,
                        "aud": Outcome.PASSED, "iss": Outcome.PASSED, "tid": Outcome.PASSED,
                        "nbf": Outcome.PASSED, "exp": Outcome.PASSED, "ver": Outcome.PASSED,
                        "roles": Outcome.PASSED, "scp": Outcome.NOT_CHECKED}
    assert passed(report)
    bad = Expectations(audiences=("api://other",), tenant="another-tenant",
                       roles=("Admin.All",), scopes=("User.Read",))
    later = token.time_claim("exp") + 301  # type: ignore[operator]
    failed = {c.name: c for c in validation_report(token, bad, later, None)}
    assert failed["signature"].outcome is Outcome.NOT_CHECKED
    for name in ("aud", "iss", "tid", "exp", "roles", "scp"):
        assert failed[name].outcome is Outcome.FAILED, name
    assert "missing Admin.All" in failed["roles"].reason
    within_skew = validation_report(token, bad, token.time_claim("exp") + 299, None)  # type: ignore[operator]
    assert {c.name: c.outcome for c in within_skew}["exp"] is Outcome.PASSED


UNSIGNED = {
    "alg none": make({"aud": "x", "iss": f"https://login.microsoftonline.com/{CONTOSO.tenant_id}"
                      "/v2.0", "tid": CONTOSO.tenant_id}, {"alg": "none"}).rsplit(".", 1)[0] + ".",
    "RS256, empty signature": make({"aud": "x", "tid": CONTOSO.tenant_id, "iss":
                                    f"https://login.microsoftonline.com/{CONTOSO.tenant_id}"
                                    "/v2.0"}).rsplit(".", 1)[0] + ".",
}


@pytest.mark.parametrize("name", list(UNSIGNED))
def test_unsigned_tokens_are_refused_before_any_key_is_fetched(
        name: str, sandbox: Sandbox, sandbox_jwks: dict[str, object], tmp_path: Path) -> None:
    """Issue 21: the early refusal is what makes these 'failed: unsigned'; without it an
    empty signature goes off to fetch keys (not checked) or meets a key (does not match)."""
    raw = UNSIGNED[name]
    token = decode_token(raw)
    keys = [dict(k, kid="k1") for k in sandbox_jwks["keys"]]  # type: ignore[attr-defined]
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({"keys": keys}))
    sandbox_issued = decode_token(raw.replace(
        raw.split(".")[1], base64.urlsafe_b64encode(json.dumps(
            {"aud": "x", "iss": f"{sandbox.base_url}/{CONTOSO.tenant_id}/v2.0",
             "tid": CONTOSO.tenant_id}).encode()).decode().rstrip("=")))
    for result in (verify_with_jwks(token, {"keys": keys}, "k"), verify_with_file(token, path),
                   KeyFetcher(origins={"public": "https://127.0.0.1:9"}).verify(token),
                   fetcher_for(sandbox).verify(sandbox_issued)):
        assert result.state is SignatureState.FAILED, result.reason
        assert "unsigned" in result.reason
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "entra_tui", "decode", "--verify", "-"],
                          input=raw, capture_output=True, text=True, timeout=60)
    assert done.returncode == 4, done.stdout + done.stderr
    assert "Signature: FAILED: the token is unsigned" in done.stdout


def test_sandbox_v1_token_verifies_through_v1_metadata(sandbox: Sandbox,
                                                       tmp_path: Path) -> None:
    """The sandbox issues v1.0 tokens for Microsoft's APIs (ARM here), as Entra does: they
    verify with the v1 keys (no `issuer`), and the report takes the authority's v1 issuer."""
    result = SessionManager().acquire(sandbox_profile(
        sandbox, tmp_path, scopes=("https://management.azure.com/.default",)))
    assert result.access_token, result.error
    token = decode_token(result.access_token)
    assert token.claims["ver"] == "1.0" and str(token.claims["iss"]).endswith("/")
    signature = fetcher_for(sandbox).verify(token)
    assert signature.state is SignatureState.VERIFIED, signature.reason
    assert signature.key_source == f"{sandbox.base_url}/common/discovery/keys"
    report = {c.name: c.outcome for c in validation_report(
        token, Expectations(tenant=CONTOSO.tenant_id), time.time(), signature,
        authority=sandbox.base_url)}
    assert report["iss"] is Outcome.PASSED and report["signature"] is Outcome.PASSED
