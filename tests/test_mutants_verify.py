"""Signature verification: behaviours a mutation run (`mutmut`, see README "Mutation testing")
showed untested. Each test failed on a surviving mutant of entra_tui/core/verify.py and passes
on the code. Keys come from local HTTPS servers (tests/entra_keys_server.py) or the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from conftest import CONTOSO
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from entra_keys_server import (
    DOMAIN,
    TENANT,
    SigningKey,
    World,
    entra_world,
    json_reply,
    v1_claims,
    v1_issuer,
    v2_claims,
    v2_issuer,
)

from entra_tui.core.token import decode_token
from entra_tui.core.verify import (
    KeyFetcher,
    SignatureState,
    domain_tenant_ids,
    verify_with_file,
    verify_with_jwks,
)
from entra_tui.sandbox import Sandbox

CLOSED = "https://127.0.0.1:9"  # nothing listens there: a cloud that must not be asked


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with entra_world(tmp_path_factory.mktemp("mutant-keys")) as running_world:
        running_world.entra.routes["/listy.example/v2.0/.well-known/openid-configuration"] = \
            json_reply(["not", "a", "document"])
        running_world.entra.routes["/named.example/v2.0/.well-known/openid-configuration"] = \
            json_reply({"issuer": "https://login.microsoftonline.com/named.example/v2.0"})
        yield running_world


@pytest.fixture
def untrusted_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The local servers' CAs trusted only where the code passes a CA bundle itself."""
    for name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)


# --- which key, and what the verdict says about it -----------------------------------------

def test_a_second_key_with_the_same_kid_is_tried() -> None:
    """Two published keys share a kid (a rollover in progress): the one that verifies wins."""
    old, new = SigningKey("shared"), SigningKey("shared")
    token = decode_token(new.sign({"sub": "x"}))
    result = verify_with_jwks(token, {"keys": [old.jwk(), new.jwk()]}, "keys.json")
    assert result.state is SignatureState.VERIFIED, result.reason
    only_old = verify_with_jwks(token, {"keys": [old.jwk()]}, "keys.json")
    assert only_old.state is SignatureState.FAILED


def test_the_verdict_names_the_key_by_its_kid_or_as_the_key() -> None:
    key = SigningKey("k-17")
    result = verify_with_jwks(decode_token(key.sign({"sub": "x"})), {"keys": [key.jwk()]},
                              "keys.json")
    assert result == (SignatureState.VERIFIED, "signed by key 'k-17' from keys.json",
                      "keys.json", None)
    anonymous = {k: v for k, v in key.jwk().items() if k != "kid"}
    no_kid = decode_token(jwt.encode({"sub": "x"}, key.private_key, algorithm="RS256"))
    result = verify_with_jwks(no_kid, {"keys": [anonymous]}, "keys.json")
    assert result.reason == "signed by the key from keys.json"


def test_a_key_published_for_an_algorithm_checks_only_that_algorithm() -> None:
    key = SigningKey("k-rs")
    token = decode_token(key.sign({"sub": "x"}))
    for_rs256 = {**key.jwk(), "alg": "RS256"}
    assert verify_with_jwks(token, {"keys": [for_rs256]}, "keys.json").state is \
        SignatureState.VERIFIED
    for_rs384 = {**key.jwk(), "alg": "RS384"}
    assert verify_with_jwks(token, {"keys": [for_rs384]}, "keys.json") == (
        SignatureState.FAILED, "key 'k-rs' is published for 'RS384', but the token says alg "
                               "RS256", "keys.json", None)


def test_a_key_issuer_template_and_a_tid_that_is_no_text(world: World) -> None:
    """A v2 key's issuer names {tenantid}: a token whose tid is not text cannot match it."""
    v2_key = world.common.jwk("https://login.microsoftonline.com/{tenantid}/v2.0")
    for tid in (5, None):
        token = decode_token(world.common.sign(v2_claims(TENANT, tid=tid)))
        result = verify_with_jwks(token, {"keys": [v2_key]}, "keys.json")
        assert result.state is SignatureState.FAILED, result.reason
        assert "belongs to issuer 'https://login.microsoftonline.com//v2.0'" in result.reason


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_an_online_verdict_is_bound_to_the_issuer(world: World, version: str) -> None:
    """v1 keys carry no issuer: the binding comes from the metadata they were fetched through."""
    claims = v1_claims(TENANT) if version == "1.0" else v2_claims(TENANT)
    token = decode_token(world.common.sign(claims))
    result = KeyFetcher(origins={"public": world.entra.origin}).verify(token)
    assert result.state is SignatureState.VERIFIED, result.reason
    assert result.issuer == (v1_issuer(TENANT) if version == "1.0" else v2_issuer(TENANT))


def test_a_key_of_the_wrong_kind_is_named_by_its_kind(tmp_path: Path) -> None:
    rsa_key, ec_key = SigningKey("r"), SigningKey("e", "ES256")
    ed_pem = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    files = {"rsa.pem": rsa_key.public_pem(), "ec.pem": ec_key.public_pem(), "ed.pem": ed_pem}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    rs256 = decode_token(rsa_key.sign({"sub": "x"}))
    es256 = decode_token(ec_key.sign({"sub": "x"}))
    cases = [
        (rs256, "ec.pem", "is an EC key, but an RS256 signature needs an RSA key"),
        (es256, "rsa.pem", "is an RSA key, but an ES256 signature needs an EC key"),
        (rs256, "ed.pem", "is a Ed25519PublicKey, but an RS256 signature needs an RSA key"),
    ]
    for token, name, why in cases:
        result = verify_with_file(token, tmp_path / name)
        assert result.state is SignatureState.FAILED
        assert result.reason == f"the PEM key from {tmp_path / name} {why}"


# --- --expect-tenant DOMAIN: the domain's tenant id, looked up on a fixed origin -----------

def test_a_tenant_id_or_nothing_needs_no_lookup(world: World) -> None:
    world.entra.requests.clear()
    token = decode_token(world.common.sign(v2_claims(TENANT)))
    fetcher = KeyFetcher(origins={"public": world.entra.origin})
    assert domain_tenant_ids(TENANT, token, fetcher=fetcher) == {}
    assert domain_tenant_ids(None, token, fetcher=fetcher) == {}
    assert world.entra.requests == []


def test_the_domain_is_looked_up_in_the_token_s_cloud(world: World) -> None:
    gov_token = decode_token(world.common.sign(v2_claims(
        TENANT, iss=f"https://login.microsoftonline.us/{TENANT}/v2.0")))
    fetcher = KeyFetcher(origins={"usgov": world.entra.origin, "public": CLOSED})
    assert domain_tenant_ids(DOMAIN, gov_token, fetcher=fetcher) == {DOMAIN: TENANT}
    # a token whose issuer names no cloud: the public cloud is asked
    other = decode_token(world.common.sign(v2_claims(TENANT, iss="https://issuer.example/")))
    public = KeyFetcher(origins={"public": world.entra.origin, "usgov": CLOSED})
    assert domain_tenant_ids(DOMAIN, other, fetcher=public) == {DOMAIN: TENANT}


def test_an_authority_s_ca_bundle_is_used_for_the_lookup(world: World,
                                                         untrusted_env: None) -> None:
    token = decode_token(world.common.sign(v2_claims(TENANT)))
    fetcher = KeyFetcher(origins={"public": CLOSED})
    found = domain_tenant_ids(DOMAIN, token, authority_host=world.entra.origin,
                              ca_bundle=str(world.entra_ca), fetcher=fetcher)
    assert found == {DOMAIN: TENANT}
    untrusting = KeyFetcher(origins={"public": CLOSED})
    assert domain_tenant_ids(DOMAIN, token, authority_host=world.entra.origin,
                             fetcher=untrusting) == {}


def test_a_domain_of_a_trusted_authority_that_issues_on_its_own_origin(
        sandbox: Sandbox) -> None:
    """The sandbox's issuer is on its own origin, not an Entra host."""
    token = decode_token(jwt.encode({"iss": f"{sandbox.base_url}/{CONTOSO.tenant_id}/v2.0"},
                                    "secret-long-enough-for-hs256-xxxxxxxx", algorithm="HS256"))
    found = domain_tenant_ids(CONTOSO.domain, token, authority_host=sandbox.base_url,
                              ca_bundle=str(sandbox.ca_path))
    assert found == {CONTOSO.domain: CONTOSO.tenant_id.lower()}


def test_unknown_or_odd_answers_give_no_tenant_id(world: World) -> None:
    token = decode_token(world.common.sign(v2_claims(TENANT)))
    fetcher = KeyFetcher(origins={"public": world.entra.origin})
    assert fetcher.tenant_id_for(DOMAIN) == TENANT  # the public cloud unless told
    for domain in ("unknown.example", "listy.example", "named.example"):
        assert domain_tenant_ids(domain, token, fetcher=fetcher) == {}, domain
        assert fetcher.tenant_id_for(domain) is None, domain


def test_a_long_kid_is_shortened_in_the_verdict() -> None:
    key = SigningKey("k" * 100)
    result = verify_with_jwks(decode_token(key.sign({"sub": "x"})), {"keys": [key.jwk()]},
                              "keys.json")
    assert result.reason == f"signed by key '{'k' * 58}… from keys.json"
