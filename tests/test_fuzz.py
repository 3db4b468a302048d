"""Property-based tests: random input reaches only the project's own errors, with a message."""

from __future__ import annotations

import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_token import make

from entra_tui.core.errors import ConfigError, EntraTuiError
from entra_tui.core.profiles import parse_profiles
from entra_tui.core.token import decode_token
from entra_tui.core.verify import SignatureState, verify_with_jwks
from entra_tui.sandbox import Sandbox
from entra_tui.sandbox.wire import Request

PATH = Path("/fuzz/profiles.toml")
KEYS = ["tenant", "client_id", "flow", "scopes", "secret", "cloud", "authority_host",
        "certificate", "username", "password", "token_cache", "redirect_port", "expect"]
toml_values = st.one_of(
    st.text(max_size=40).map(lambda s: '"' + s.replace("\\", "").replace('"', "") + '"'),
    st.integers().map(str), st.booleans().map(lambda b: str(b).lower()),
    st.lists(st.text(alphabet=string.ascii_letters + "/:.", max_size=20), max_size=3)
    .map(lambda items: "[" + ", ".join(f'"{i}"' for i in items) + "]"),
)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=2000))
def test_profile_loader_random_bytes(data: bytes) -> None:
    try:
        parse_profiles(data, PATH)
    except ConfigError as exc:
        assert str(exc).startswith(str(PATH))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(KEYS), toml_values), max_size=10),
       st.text(alphabet=string.ascii_lowercase + "-", min_size=1, max_size=12))
def test_profile_loader_random_toml(pairs: list[tuple[str, str]], name: str) -> None:
    lines = [f"[profiles.{name}]"]
    seen = set()
    for key, value in pairs:
        if key not in seen:
            seen.add(key)
            lines.append(f"{key} = {value}")
    try:
        parse_profiles("\n".join(lines).encode(), PATH)
    except ConfigError as exc:
        assert str(exc)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4), max_leaves=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(json_values,
                 st.fixed_dictionaries({"keys": st.lists(st.dictionaries(
                     st.sampled_from(["kty", "kid", "n", "e", "x5c", "issuer", "alg", "crv"]),
                     json_values), max_size=3)})))
def test_jwks_parsing_never_escapes(jwks: object) -> None:
    token = decode_token(make({"iss": "https://login.microsoftonline.com/t/v2.0", "tid": "t"},
                              {"alg": "RS256", "kid": "k"}))
    result = verify_with_jwks(token, jwks, "fuzzed keys")
    assert result.state in (SignatureState.FAILED, SignatureState.NOT_CHECKED)
    assert result.reason


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["GET", "POST", "PUT"]),
       st.sampled_from(["/", "/device", "/msi/token", "/contoso.onmicrosoft.com/oauth2/v2.0/token",
                        "/contoso.onmicrosoft.com/oauth2/v2.0/devicecode",
                        "/contoso.onmicrosoft.com/oauth2/v2.0/authorize?client_id=x",
                        "/nope/v2.0/.well-known/openid-configuration"]),
       st.dictionaries(st.sampled_from(["client-request-id", "x-identity-header",
                                        "content-type"]), st.text(max_size=30), max_size=3),
       st.one_of(st.binary(max_size=300),
                 st.dictionaries(st.sampled_from(
                     ["grant_type", "client_id", "client_secret", "scope", "code",
                      "device_code", "refresh_token", "assertion", "client_assertion",
                      "client_assertion_type", "username", "password", "code_verifier",
                      "redirect_uri", "requested_token_use"]),
                     st.text(max_size=40), max_size=8)
                 .map(lambda form: "&".join(f"{k}={v}" for k, v in form.items()).encode())))
def test_sandbox_request_parsing(sandbox: Sandbox, method: str, path: str,
                                 headers: dict[str, str], body: bytes) -> None:
    response = sandbox._server.endpoints.handle(Request(method, path, headers, body))
    assert 200 <= response.status < 600
    assert response.status != 500, response.body[:300]


def test_enormous_and_nested_tokens_are_refused_or_decoded_quickly() -> None:
    import base64
    import json

    big = make({"aud": "x", "blob": "y" * 1_000_000})
    assert len(decode_token(big).claims["blob"]) == 1_000_000
    nested = base64.urlsafe_b64encode(("[" * 100_000 + "]" * 100_000).encode()).decode()
    header = base64.urlsafe_b64encode(json.dumps({"alg": "RS256"}).encode()).decode()
    try:
        decode_token(f"{header}.{nested}.sig")
    except EntraTuiError as exc:
        assert "payload" in str(exc)
