"""What an attacker would try against the verifier and the validation report (in the spirit of
jwt_tool's playbook): every forged or hostile token ends "failed" or "not checked", never
"verified", never an exception; and no key is ever fetched from a place a token names.

An attacker HTTPS server (its own CA, trusted through the environment as a public CA would be)
answers every path with a discovery document and keys of its own; a second server stands in for
login.microsoftonline.com with Entra's layout. Each hostile case must leave the attacker's
request log empty."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from entra_keys_server import (
    API,
    OTHER_TENANT,
    TENANT,
    SigningKey,
    World,
    entra_world,
    json_reply,
    v1_claims,
    v2_claims,
    v2_issuer,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entra_tui.core.expectations import Expectations
from entra_tui.core.token import decode_token
from entra_tui.core.validation import Outcome, passed, validation_report
from entra_tui.core.verify import (
    KeyFetcher,
    SignatureState,
    Verification,
    verify_with_file,
    verify_with_jwks,
)

NOT_VERIFIED = (SignatureState.FAILED, SignatureState.NOT_CHECKED)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with entra_world(tmp_path_factory.mktemp("attack-keys")) as running_world:
        yield running_world


@pytest.fixture
def fresh(world: World) -> Iterator[World]:
    world.entra.requests.clear()
    world.attacker.requests.clear()
    saved = dict(world.entra.routes)
    yield world
    world.entra.routes.clear()
    world.entra.routes.update(saved)


def fetcher(world: World) -> KeyFetcher:
    """Production rules, with login.microsoftonline.com played by the local Entra server and
    that server's own origin also trusted as an authority (as a profile would)."""
    keys = KeyFetcher(origins={"public": world.entra.origin})
    keys.trust(world.entra.origin, None)
    return keys


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    return ".".join([b64(json.dumps(header).encode()), b64(json.dumps(claims).encode()),
                     b64(signature)])


def rs256(key: SigningKey, header: dict[str, Any], claims: dict[str, Any]) -> str:
    """Signed by hand: PyJWT refuses to write some of the headers an attacker would."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    head = b64(json.dumps(dict({"alg": "RS256", "typ": "JWT"}, **header)).encode())
    body = b64(json.dumps(claims).encode())
    signature = key.private_key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(),
                                     hashes.SHA256())
    return f"{head}.{body}.{b64(signature)}"


def hmac_token(alg: str, secret: bytes, claims: dict[str, Any], kid: str) -> str:
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    head = b64(json.dumps({"alg": alg, "typ": "JWT", "kid": kid}).encode())
    body = b64(json.dumps(claims).encode())
    signature = hmac.new(secret, f"{head}.{body}".encode(), digest).digest()
    return f"{head}.{body}.{b64(signature)}"


def assert_not_verified(result: Verification) -> None:
    assert isinstance(result, Verification)
    assert result.state in NOT_VERIFIED, result.reason
    assert result.reason and len(result.reason) < 2000


# --- 1. Key fetching a token cannot steer --------------------------------------------------
def hostile_issuers(world: World) -> list[tuple[str, str]]:
    a, port, t = f"127.0.0.1:{world.attacker.port}", world.attacker.port, TENANT
    return [
        ("backslash before @", f"https://{a}\\@login.microsoftonline.com/{t}/v2.0"),
        ("doubled backslash", f"https://{a}\\\\@login.microsoftonline.com/{t}/v2.0"),
        ("tab before @", f"https://{a}\t@login.microsoftonline.com/{t}/v2.0"),
        ("newline before @", f"https://{a}\n@login.microsoftonline.com/{t}/v2.0"),
        ("%5C before @", f"https://{a}%5C@login.microsoftonline.com/{t}/v2.0"),
        ("userinfo naming Entra", f"https://login.microsoftonline.com@{a}/{t}/v2.0"),
        ("userinfo before Entra", f"https://user:pw@login.microsoftonline.com/{t}/v2.0"),
        ("port", f"https://login.microsoftonline.com:{port}/{t}/v2.0"),
        ("trailing dot", f"https://login.microsoftonline.com./{t}/v2.0"),
        ("IDNA look-alike (Cyrillic o)", f"https://login.micr\u043esoftonline.com/{t}/v2.0"),
        ("punycode look-alike", f"https://xn--login-microsoftonlne-9sc.com/{t}/v2.0"),
        ("fullwidth dots", f"https://login\uff0emicrosoftonline\uff0ecom/{t}/v2.0"),
        ("fullwidth #", f"https://{a}\uff03@login.microsoftonline.com/{t}/v2.0"),
        ("fragment", f"https://login.microsoftonline.com/{t}/v2.0#@{a}"),
        ("uppercase host", f"https://LOGIN.MICROSOFTONLINE.COM/{t}/v2.0"),
        ("uppercase scheme", f"HTTPS://login.microsoftonline.com/{t}/v2.0"),
        ("http://", f"http://login.microsoftonline.com/{t}/v2.0"),
        ("'..' in tid", f"https://login.microsoftonline.com/../{t}/v2.0"),
        ("'..' as tid", "https://login.microsoftonline.com/../v2.0"),
        ("%2e%2e tid", "https://login.microsoftonline.com/%2e%2e/v2.0"),
        ("tid with a path", f"https://login.microsoftonline.com/{t}/..%2f..%2f{a}/v2.0"),
        ("trailing newline", f"https://login.microsoftonline.com/{t}/v2.0\n"),
        ("leading space", f" https://login.microsoftonline.com/{t}/v2.0"),
        ("attacker host", f"https://{a}/{t}/v2.0"),
        ("attacker subdomain", f"https://login.microsoftonline.com.{a}/{t}/v2.0"),
        ("v1 host, v2 path", f"https://sts.windows.net/{t}/v2.0"),
    ]


def test_hostile_issuers_never_reach_the_attacker(fresh: World) -> None:
    cases = hostile_issuers(fresh)
    assert len(cases) >= 15
    outcomes = {}
    for name, iss in cases:
        claims = v2_claims(TENANT, iss=iss)
        token = decode_token(fresh.attacker_key.sign(claims))
        result = fetcher(fresh).verify(token)
        outcomes[name] = result.state
        assert_not_verified(result)
        assert fresh.attacker.requests == [], name
        # Refused at parsing: no key target at all, so nothing is fetched from anywhere.
        assert KeyFetcher().key_target(token)[0] is None, name
        # and through the validation report, by default
        report = {c.name: c for c in validation_report(token, Expectations(), time.time(),
                                                       result)}
        assert report["iss"].outcome is Outcome.FAILED, name
    assert set(outcomes.values()) <= set(NOT_VERIFIED)


def hostile_jwks_uris(world: World) -> list[tuple[str, str]]:
    a, e = f"127.0.0.1:{world.attacker.port}", world.entra.origin
    return [
        ("attacker origin", f"https://{a}/keys"),
        ("backslash before @", f"https://{a}\\@login.microsoftonline.com/common/keys"),
        ("allowed origin as userinfo", f"{e}@{a}/keys"),
        ("backslash after origin", f"{e}\\@{a}/keys"),
        ("tab before @", f"https://{a}\t@{e[8:]}/keys"),
        ("%5C", f"https://{a}%5C@{e[8:]}/keys"),
        ("fullwidth #", f"https://{a}\uff03@{e[8:]}/keys"),
        ("http://", f"http://{e[8:]}/common/discovery/keys"),
        ("uppercase", e.upper() + "/common/discovery/keys"),
        ("dot segments", f"{e}/common/../../keys"),
        ("percent-encoded dots", f"{e}/%2e%2e/keys"),
        ("another port", f"https://127.0.0.1:{world.attacker.port}/common/discovery/keys"),
        ("not a string", ["https://x"]),  # type: ignore[list-item]
    ]


@pytest.mark.parametrize("via", ["canonical origin", "trusted authority"])
def test_hostile_jwks_uris_are_not_followed(fresh: World, via: str) -> None:
    """The discovery document (on Entra's origin, or on an authority the user trusts) names
    keys elsewhere: never fetched."""
    iss = (v2_issuer(TENANT) if via == "canonical origin"
           else f"{fresh.entra.origin}/{TENANT}/v2.0")
    token = decode_token(fresh.common.sign(v2_claims(TENANT, iss=iss)))
    path = f"/{TENANT}/v2.0/.well-known/openid-configuration"
    discovery = dict(json.loads(fresh.entra.routes[path].body), issuer=iss)
    for name, jwks_uri in hostile_jwks_uris(fresh):
        fresh.entra.routes[path] = json_reply(dict(discovery, jwks_uri=jwks_uri))
        result = fetcher(fresh).verify(token)
        assert result.state is SignatureState.NOT_CHECKED, (name, result.reason)
        assert "not on" in result.reason, name
        assert fresh.attacker.requests == [], name


def test_redirect_from_an_allowed_host_is_not_followed(fresh: World) -> None:
    redirect = json_reply({}, 302)._replace(headers=(
        ("Location", f"{fresh.attacker.origin}/keys"), ("Content-Type", "application/json")))
    token = decode_token(fresh.common.sign(v2_claims(TENANT)))
    for path in (f"/{TENANT}/v2.0/.well-known/openid-configuration",
                 f"/{TENANT}/discovery/v2.0/keys"):
        saved = fresh.entra.routes[path]
        fresh.entra.routes[path] = redirect
        result = fetcher(fresh).verify(token)
        fresh.entra.routes[path] = saved
        assert result.state is SignatureState.NOT_CHECKED and "redirect" in result.reason
    # The same through a trusted authority whose issuer the token uses.
    own = decode_token(fresh.attacker_key.sign(v2_claims(TENANT, iss=f"{fresh.entra.origin}/"
                                                                     f"{TENANT}/v2.0")))
    fresh.entra.routes[f"/{TENANT}/v2.0/.well-known/openid-configuration"] = redirect
    result = fetcher(fresh).verify(own, authority_host=fresh.entra.origin)
    assert result.state is SignatureState.NOT_CHECKED
    assert fresh.attacker.requests == []


def test_a_trusted_authority_issuer_is_spelled_exactly(fresh: World) -> None:
    keys = fetcher(fresh)
    origin = fresh.entra.origin
    for iss, version in ((f"{origin}/{TENANT}/v2.0", "2.0"), (f"{origin}/{TENANT}/", "1.0")):
        target, _ = keys.key_target(decode_token(forge({"alg": "RS256"}, {"iss": iss}, b"s")))
        assert target is not None and target.version == version and target.origin == origin
    for iss in (f"{origin}/{TENANT}", f"{origin}/{TENANT}/v2.0/", f"{origin}/{TENANT}/v1.0",
                f"{origin}//{TENANT}/v2.0", f"{origin}/../v2.0", f"{origin}:1/{TENANT}/v2.0",
                f"{origin}/{TENANT}/v2.0?x", f"{origin.upper()}/{TENANT}/v2.0"):
        token = decode_token(forge({"alg": "RS256"}, {"iss": iss}, b"s"))
        assert keys.key_target(token)[0] is None, iss


def test_hostile_authorities_are_refused(fresh: World) -> None:
    a, e = f"127.0.0.1:{fresh.attacker.port}", fresh.entra.origin
    token = decode_token(fresh.attacker_key.sign(v2_claims(TENANT)))
    for authority in (f"{e}\\@{a}", f"{e}@{a}", f"https://{a}\\@{e[8:]}", f"{e}/path",
                      f"{e}\t", f"https://x\uff03@{a}", "http://" + e[8:]):
        keys = KeyFetcher()
        keys.trust(authority, None)  # a malformed origin is never trusted
        result = keys.verify(token, authority_host=authority)
        assert result.state is SignatureState.NOT_CHECKED, authority
    assert fresh.attacker.requests == []


def test_oversized_and_malformed_key_documents(fresh: World) -> None:
    token = decode_token(fresh.common.sign(v2_claims(TENANT)))
    keys_path = f"/{TENANT}/discovery/v2.0/keys"
    for body, why in ((b"{" + b" " * (1024 * 1024 + 10) + b"}", "KiB"),
                      (b"[" * 100_000 + b"]" * 100_000, "JSON"),
                      (b'{"keys": 1' + b"0" * 5000 + b"}", "JSON"),
                      (b"not json", "JSON")):
        fresh.entra.routes[keys_path] = json_reply({})._replace(body=body)
        result = fetcher(fresh).verify(token)
        assert result.state is SignatureState.NOT_CHECKED and why in result.reason, why


def test_slow_key_servers_are_given_up_on(fresh: World) -> None:
    token = decode_token(fresh.common.sign(v2_claims(TENANT)))
    keys_path = f"/{TENANT}/discovery/v2.0/keys"
    slow = KeyFetcher(origins={"public": fresh.entra.origin}, timeout=0.5)
    fresh.entra.routes[keys_path] = json_reply({"keys": []})._replace(delay=3)
    result = slow.verify(token)
    assert result.state is SignatureState.NOT_CHECKED and "in time" in result.reason
    # A body dripped a byte at a time, each within the timeout: the deadline still holds.
    fresh.entra.routes[keys_path] = json_reply({"keys": [" " * 200]})._replace(drip=0.05)
    result = KeyFetcher(origins={"public": fresh.entra.origin}, timeout=0.5).verify(token)
    assert result.state is SignatureState.NOT_CHECKED and "in time" in result.reason


def test_a_well_formed_issuer_fetches_only_from_the_fixed_origin(fresh: World) -> None:
    token = decode_token(fresh.attacker_key.sign(v2_claims(TENANT),
                                                 jku=f"{fresh.attacker.origin}/keys",
                                                 x5u=f"{fresh.attacker.origin}/cert"))
    result = fetcher(fresh).verify(token)
    assert result.state is SignatureState.FAILED and "no key with kid" in result.reason
    assert fresh.attacker.requests == []
    assert all(not path.startswith("//") for path in fresh.entra.requests)


# --- 5. jwt_tool's playbook ------------------------------------------------------------------
def genuine_jwks(world: World) -> dict[str, Any]:
    return json.loads(world.entra.routes[f"/{TENANT}/discovery/v2.0/keys"].body)


def every_verdict(world: World, token_text: str, tmp_path: Path) -> list[Verification]:
    """The token through every verifier: online, offline JWKS, offline PEM and certificate."""
    token = decode_token(token_text)
    jwks = tmp_path / "keys.json"
    jwks.write_text(json.dumps(genuine_jwks(world)))
    pem = tmp_path / "key.pem"
    pem.write_bytes(world.common.public_pem())
    cert = tmp_path / "cert.pem"
    cert.write_bytes(world.common.certificate_pem())
    return [fetcher(world).verify(token), verify_with_jwks(token, genuine_jwks(world), "keys"),
            verify_with_file(token, jwks), verify_with_file(token, pem),
            verify_with_file(token, cert)]


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
@pytest.mark.parametrize("signature", [b"", b"kept"])
def test_alg_none_in_every_spelling(fresh: World, tmp_path: Path, alg: str,
                                    signature: bytes) -> None:
    forged = forge({"alg": alg, "typ": "JWT", "kid": "common-key-1"}, v2_claims(TENANT),
                   signature)
    for result in every_verdict(fresh, forged, tmp_path):
        assert result.state is SignatureState.FAILED and "unsigned" in result.reason
    assert fresh.entra.requests == []  # decided before any fetch


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_hmac_with_public_material_as_the_secret(fresh: World, tmp_path: Path,
                                                 alg: str) -> None:
    jwks_text = json.dumps(genuine_jwks(fresh)).encode()
    secrets = [fresh.common.public_pem(), jwks_text, json.dumps(fresh.common.jwk()).encode(),
               fresh.common.certificate_pem(), fresh.common.public_pem().strip()]
    for secret in secrets:
        forged = hmac_token(alg, secret, v2_claims(TENANT), "common-key-1")
        for result in every_verdict(fresh, forged, tmp_path):
            assert result.state is SignatureState.FAILED and "key confusion" in result.reason


def test_header_keys_are_never_trusted_or_fetched(fresh: World, tmp_path: Path) -> None:
    attacker = fresh.attacker_key
    embedded = {"jwk": attacker.jwk(), "jku": f"{fresh.attacker.origin}/keys",
                "x5u": f"{fresh.attacker.origin}/cert.pem", "x5c": [attacker.x5c]}
    for name, value in embedded.items():
        for kid in ("attacker-key", "common-key-1"):
            forged = attacker.sign(v2_claims(TENANT), kid=kid, **{name: value})
            for result in every_verdict(fresh, forged, tmp_path):
                assert result.state is SignatureState.FAILED, (name, kid, result.reason)
    assert fresh.attacker.requests == []


KID_INJECTIONS: list[object] = [
    "../../../../../../dev/null", "/etc/passwd", "file:///etc/passwd", "' OR '1'='1' --",
    "x' UNION SELECT 'key", "common-key-1\x00", "common-key-1 ", "COMMON-KEY-1",
    "k" * 20_000, "\x1b]52;c;ZXZpbA==\x07", "|id", "$(id)", 0, None, ["common-key-1"],
    {"kid": "common-key-1"}, "https://127.0.0.1/keys",
]


@pytest.mark.parametrize("kid", KID_INJECTIONS, ids=lambda k: repr(k)[:30])
def test_kid_injection(fresh: World, tmp_path: Path, kid: object) -> None:
    forged = rs256(fresh.attacker_key, {"kid": kid}, v2_claims(TENANT))
    for result in every_verdict(fresh, forged, tmp_path):
        assert_not_verified(result)
        assert "\x1b" not in result.reason and "k" * 200 not in result.reason
    assert fresh.attacker.requests == []


def test_tenant_a_key_claiming_tenant_b(fresh: World, tmp_path: Path) -> None:
    # The API's own key, published by tenant A only, signing a token that claims tenant B.
    forged = decode_token(fresh.app_key.sign(v2_claims(OTHER_TENANT, aud=API)))
    assert fetcher(fresh).verify(forged).state is SignatureState.FAILED
    # Offline with tenant A's app key set (issuer bound to tenant A).
    a_keys = json.loads(fresh.entra.routes[f"/{TENANT}/discovery/v2.0/keys?appid={API}"].body)
    result = verify_with_jwks(forged, a_keys, "tenant A's keys")
    assert result.state is SignatureState.FAILED and "belongs to issuer" in result.reason


def test_v2_token_whose_iss_does_not_match_its_key_issuer(fresh: World,
                                                          tmp_path: Path) -> None:
    for iss in (f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0",
                f"https://sts.windows.net/{TENANT}/", f"{fresh.attacker.origin}/{TENANT}/v2.0"):
        token = fresh.common.sign(v2_claims(TENANT, iss=iss))
        online, *offline = every_verdict(fresh, token, tmp_path)[:3]  # keys with an issuer
        assert_not_verified(online)
        for result in offline:
            assert result.state is SignatureState.FAILED, (iss, result.reason)
            assert "belongs to issuer" in result.reason
    assert fresh.attacker.requests == []


def test_id_token_presented_as_an_access_token(fresh: World) -> None:
    now = int(time.time())
    id_claims = {"aud": API, "iss": v2_issuer(TENANT), "iat": now, "nbf": now,
                 "exp": now + 3600, "name": "Megan", "nonce": "n-0S6_WzA2Mj",
                 "oid": "00000000-0000-0000-66f3-3332eca7ea81", "preferred_username": "m@x",
                 "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", "tid": TENANT,
                 "ver": "2.0"}
    token = decode_token(fresh.common.sign(id_claims))
    signature = fetcher(fresh).verify(token)
    assert signature.state is SignatureState.VERIFIED  # genuinely Entra's...
    report = validation_report(token, Expectations(audiences=(API,)), time.time(), signature)
    kind = next(c for c in report if c.name == "kind")
    assert kind.outcome is Outcome.FAILED and "ID token" in kind.reason
    assert not passed(report)  # ...but no API may accept it


def test_tampered_payload_with_kept_signature(fresh: World, tmp_path: Path) -> None:
    genuine = fresh.common.sign(v2_claims(TENANT))
    header, _, signature = genuine.split(".")
    for change in ({"roles": ["Everything.All"]}, {"tid": OTHER_TENANT}, {"exp": 2**40},
                   {"iss": v2_issuer(OTHER_TENANT), "tid": OTHER_TENANT}):
        payload = b64(json.dumps(dict(v2_claims(TENANT), **change)).encode())
        for result in every_verdict(fresh, f"{header}.{payload}.{signature}", tmp_path):
            assert result.state is SignatureState.FAILED, (change, result.reason)


def test_header_nonce_outside_graph_is_just_not_checked(fresh: World) -> None:
    token = decode_token(fresh.common.sign(v2_claims(TENANT), nonce="abc"))
    result = fetcher(fresh).verify(token)
    assert result.state is SignatureState.NOT_CHECKED and "header nonce" in result.reason
    assert "by design" not in result.reason and "only Graph can verify" not in result.reason
    for aud in ("00000003-0000-0000-c000-000000000000", "https://graph.microsoft.com",
                "https://graph.microsoft.com/"):
        graph = decode_token(fresh.common.sign(v1_claims(TENANT, aud=aud), nonce="abc"))
        assert "only Graph can verify" in fetcher(fresh).verify(graph).reason
    assert fresh.entra.requests == []


# --- 3. Verification errors end in a verdict -------------------------------------------------
def test_algorithm_and_key_type_mismatches_end_in_a_verdict(fresh: World,
                                                            tmp_path: Path) -> None:
    ec_key = SigningKey("common-key-1", "ES256")  # same kid as the RSA key
    es_token = ec_key.sign(v2_claims(TENANT))
    for result in every_verdict(fresh, es_token, tmp_path):
        assert result.state is SignatureState.FAILED and "RSA key" in result.reason
    ec_pem = tmp_path / "ec.pem"
    ec_pem.write_bytes(ec_key.public_pem())
    rs_token = decode_token(fresh.common.sign(v2_claims(TENANT)))
    result = verify_with_file(rs_token, ec_pem)
    assert result.state is SignatureState.FAILED and "needs an RSA key" in result.reason
    p384 = tmp_path / "p384.pem"
    p384.write_bytes(SigningKey("p", "ES384").public_pem())
    assert verify_with_file(decode_token(es_token), p384).state is SignatureState.FAILED


@pytest.mark.parametrize("alg", ["ES256", "ES384", "ES512"])
def test_ec_keys_and_certificates_verify(tmp_path: Path, alg: str) -> None:
    key = SigningKey(f"ec-{alg}", alg)
    token = decode_token(key.sign(v2_claims(TENANT)))
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [key.jwk()]}))
    (tmp_path / "key.pem").write_bytes(key.public_pem())
    (tmp_path / "cert.pem").write_bytes(key.certificate_pem())
    for name in ("jwks.json", "key.pem", "cert.pem"):
        result = verify_with_file(token, tmp_path / name)
        assert result.state is SignatureState.VERIFIED, (name, result.reason)
    tampered = decode_token(token.raw[:-6] + ("AAAAAA" if not token.raw.endswith("AAAAAA")
                                              else "BBBBBB"))
    assert verify_with_file(tampered, tmp_path / "key.pem").state is SignatureState.FAILED


def test_key_files_that_are_not_key_files(tmp_path: Path) -> None:
    token = decode_token(SigningKey("k").sign(v2_claims(TENANT)))
    cases = {"dir": tmp_path, "missing": tmp_path / "nope", "devnull": Path("/dev/null"),
             "zero": Path("/dev/zero")}
    big = tmp_path / "big.json"
    big.write_bytes(b"{" + b" " * (2 * 1024 * 1024) + b"}")
    nested = tmp_path / "nested.json"
    nested.write_bytes(b"{" + b'"a":[' * 50_000 + b"]" * 50_000 + b"}")
    garbage = tmp_path / "garbage.pem"
    garbage.write_bytes(b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    for path in (*cases.values(), big, nested, garbage):
        result = verify_with_file(token, path)
        assert result.state is SignatureState.NOT_CHECKED, (path, result.reason)


def test_unusable_keys_in_a_key_set(tmp_path: Path) -> None:
    token = decode_token(SigningKey("k").sign(v2_claims(TENANT)))
    for key in ({"kty": "RSA", "kid": "k", "n": "!!", "e": "AQAB"},
                {"kty": "EC", "kid": "k", "crv": "P-999", "x": "a", "y": "b"},
                {"kty": "oct", "kid": "k", "k": "c2VjcmV0"},
                {"kty": "RSA", "kid": "k", "issuer": 7},
                {"kty": "RSA", "kid": "k", "alg": "HS256"}):
        assert_not_verified(verify_with_jwks(token, {"keys": [key]}, "keys"))


# --- properties -------------------------------------------------------------------------------
ISSUER_PIECES = st.sampled_from([
    "https://", "http://", "login.microsoftonline.com", "sts.windows.net", "127.0.0.1", ":443",
    "@", "\\", "%5C", "/", "v2.0", "..", ".", TENANT, "contoso.com", "#", "?", "\t", "\n", " ",
    "\uff0e", "\uff03", "\u043e", "LOGIN", "evil.example", "%2e", "xn--",
])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ISSUER_PIECES, max_size=9).map("".join) | st.text(max_size=60))
def test_only_exact_entra_issuers_name_a_key_target(iss: str) -> None:
    """Whatever the issuer text, keys are looked up (if at all) on the fixed origin, for a
    tenant the issuer spells exactly as Entra does."""
    from entra_tui.core.clouds import entra_issuers

    token = decode_token(forge({"alg": "RS256", "kid": "k"}, {"iss": iss}, b"s"))
    target, reason = KeyFetcher(origins={"public": "https://127.0.0.1:9"}).key_target(token)
    if target is None:
        assert reason
        return
    assert target.origin in ("https://127.0.0.1:9", "https://login.microsoftonline.us",
                             "https://login.chinacloudapi.cn")
    assert iss in entra_issuers(target.tenant)


def test_decode_cli_ends_in_a_verdict_for_unusable_key_files(tmp_path: Path) -> None:
    import subprocess
    import sys

    rs_token = SigningKey("k").sign(v2_claims(TENANT))
    ec_pem = tmp_path / "ec.pem"
    ec_pem.write_bytes(SigningKey("e", "ES256").public_pem())
    es_token = SigningKey("common-key-1", "ES256").sign(v2_claims(TENANT))
    rsa_jwks = tmp_path / "rsa.json"
    rsa_jwks.write_text(json.dumps({"keys": [SigningKey("common-key-1").jwk()]}))
    for key_file, token, code in ((ec_pem, rs_token, 4), (rsa_jwks, es_token, 4),
                                  (Path("/dev/zero"), rs_token, 6), (tmp_path, rs_token, 6)):
        done = subprocess.run([sys.executable, "-m", "entra_tui", "decode", "--jwks",
                               str(key_file), "-"], input=token, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == code, (key_file, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr + done.stdout


async def test_tui_key_file_of_the_wrong_kind_ends_in_a_verdict(tmp_path: Path) -> None:
    """An EC key file for an RS256 token raised a TypeError in the worker: the summary stayed
    on "checking…" for ever. Now it says failed, and why."""
    from conftest import SIZE, text_of, wait_until

    from entra_tui.cli import build_app
    from entra_tui.ui.screens.file_prompt import FilePrompt

    ec_pem = tmp_path / "ec.pem"
    ec_pem.write_bytes(SigningKey("e", "ES256").public_pem())
    app, _ = build_app(config=tmp_path / "absent.toml")
    async with app.run_test(size=SIZE) as pilot:
        entry = app.main.inspect(decode_token(SigningKey("k").sign(v2_claims(TENANT))), "pasted")
        await pilot.press("K")
        await pilot.pause()
        assert isinstance(app.screen, FilePrompt)
        app.screen.query_one("#file-path").value = str(ec_pem)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_until(pilot, lambda: entry.verification is not None)
        assert entry.verification.state is SignatureState.FAILED  # type: ignore[union-attr]
        assert entry.id not in app.main.verifying
        assert "Signature: failed" in text_of(app, "#summary")
        assert "RSA key" in text_of(app, "#summary")
