"""Continuous access evaluation, end to end with real MSAL over real HTTPS: a cp1 client's
token, the user's sessions revoked, Graph's 401 claims challenge, re-acquired with MSAL's
claims_challenge, the call succeeds; and the pieces on their own."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import requests
from conftest import CONTOSO, sandbox_profile
from sandbox_clients import GRAPH_EXPLORER, bearer, http

from entra_tui.core.claims_challenge import (
    ChallengeError,
    looks_like_challenge,
    parse_challenge,
)
from entra_tui.core.errors import ConfigError
from entra_tui.core.profiles import load_profiles
from entra_tui.core.session import SessionManager
from entra_tui.core.token import decode_token
from entra_tui.core.token_diff import diff_tokens
from entra_tui.core.token_story import tell
from entra_tui.sandbox import Sandbox

ADELE, MEGAN = CONTOSO.users[:2]
DOC_EXAMPLE = ('Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/'
               'oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOns'
               'iYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiY3AxIn19fQ=="')


def me(sandbox: Sandbox, token: str) -> requests.Response:
    return http(sandbox).get(f"{sandbox.base_url}/graph/v1.0/me", headers=bearer(token),
                             timeout=10)


def admin(sandbox: Sandbox, action: str, **form: str) -> requests.Response:
    return http(sandbox).post(f"{sandbox.base_url}/_sandbox/{action}", data=form, timeout=10,
                              headers={"x-sandbox-admin": sandbox.identity_header})


def explorer(sandbox: Sandbox, tmp_path: Path, user: object, env: str, **changes: object):
    return sandbox_profile(sandbox, tmp_path, name="explorer", client_id=GRAPH_EXPLORER.client_id,
                           flow="username_password", secret=None, username=user.upn,  # type: ignore[attr-defined]
                           password=f"env:{env}",
                           scopes=("https://graph.microsoft.com/User.Read",), **changes)


def test_full_round_trip_token_revoke_challenge_reacquire_call(
        sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEGAN_PW", MEGAN.password)
    monkeypatch.setenv("ADELE_PW", ADELE.password)
    manager = SessionManager()
    profile = explorer(sandbox, tmp_path, ADELE, "ADELE_PW", client_capabilities=("cp1",))
    first = manager.acquire(profile)
    assert first.ok, first.error
    old = decode_token(first.access_token or "")
    assert old.claims["xms_cc"] == ["cp1"]
    assert old.claims["exp"] - old.claims["iat"] == 24 * 3600
    assert any("xms_cc" in line and "28" in line for line in tell(old))
    # The client's request carried the capability as MSAL sends it.
    sent = manager.last_trace("explorer").as_json()["requests"][-1]["form"]  # type: ignore[union-attr]
    assert json.loads(sent["claims"]) == {"access_token": {"xms_cc": {"values": ["cp1"]}}}
    assert me(sandbox, first.access_token or "").status_code == 200

    assert admin(sandbox, "revokeSignInSessions", user=ADELE.upn).status_code == 200
    refused = me(sandbox, first.access_token or "")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "InvalidAuthenticationToken"
    header = refused.headers["WWW-Authenticate"]
    assert 'error="insufficient_claims"' in header and looks_like_challenge(header)
    challenge = parse_challenge(header)
    assert challenge.error == "insufficient_claims"
    nbf = int(challenge.request["access_token"]["nbf"]["value"])
    assert challenge.request["access_token"]["nbf"]["essential"] is True
    assert any("revoked" in line for line in challenge.explain())

    # The cached token must not answer; the refresh token was revoked too: MSAL signs in again.
    again = manager.acquire(profile, claims_challenge=challenge.claims)
    assert again.ok, again.error
    new = decode_token(again.access_token or "")
    assert new.claims["iat"] >= nbf and new.claims["xms_cc"] == ["cp1"]
    trace = manager.last_trace("explorer")
    assert trace is not None
    forms = [r["form"] for r in trace.as_json()["requests"]]
    assert forms[0]["grant_type"] == "refresh_token"  # tried, refused (50173)
    assert trace.as_json()["requests"][0]["response"]["error_codes"] == [50173]
    assert forms[-1]["grant_type"] == "password"
    assert json.loads(forms[-1]["claims"])["access_token"]["nbf"]["value"] == str(nbf)
    assert me(sandbox, again.access_token or "").status_code == 200
    diff = diff_tokens(old, new)  # a new sign-in: a new session id, nothing else of note
    assert [c.name for c in diff.changes] == ["sid"], diff.lines()
    assert {c.name for c in diff.reissued} >= {"iat", "exp", "uti"}

    # A client without cp1 gets no CAE token and no challenge (its token simply runs out).
    plain = SessionManager().acquire(explorer(sandbox, tmp_path, MEGAN, "MEGAN_PW"))
    if plain.ok:
        claims = decode_token(plain.access_token or "").claims
        assert "xms_cc" not in claims and claims["exp"] - claims["iat"] < 7200


def test_admin_actions_need_the_sandbox_header(sandbox: Sandbox) -> None:
    response = http(sandbox).post(f"{sandbox.base_url}/_sandbox/revokeSignInSessions",
                                  data={"user": ADELE.upn}, timeout=10)
    assert response.status_code == 403
    assert admin(sandbox, "revokeSignInSessions", user="nobody@x").status_code == 404


def test_challenge_parsing_from_header_line_headers_and_docs_example() -> None:
    docs = parse_challenge(DOC_EXAMPLE)
    assert docs.request == {"access_token": {"acrs": {"essential": True, "value": "cp1"}}}
    assert any("authentication context" in line for line in docs.explain())
    body = {"access_token": {"nbf": {"essential": True, "value": "1604106651"},
                             "xms_caeerror": {"value": "10012"}}}
    encoded = base64.b64encode(json.dumps(body).encode()).decode()
    headers = ("HTTP/1.1 401 Unauthorized\nContent-Type: application/json\n"
               f'WWW-Authenticate: Bearer realm="", error="insufficient_claims", '
               f'claims="{encoded}"\n')
    parsed = parse_challenge(headers)
    assert json.loads(parsed.claims) == body
    text = "\n".join(parsed.explain())
    assert "10012" in text and "revoked" in text
    with pytest.raises(ChallengeError, match="not a claims challenge"):
        parse_challenge('Bearer realm="", error="invalid_token"')
    with pytest.raises(ChallengeError, match="not base64"):
        parse_challenge('Bearer error="insufficient_claims", claims="%%%"')
    hostile = base64.b64encode(json.dumps(
        {"access_token": {"acrs": {"values": ["c1\x1b[2J\u202e"]}}}).encode()).decode()
    shown = "\n".join(parse_challenge(f'Bearer claims="{hostile}"').explain())
    assert "\x1b" not in shown and "\u202e" not in shown


def test_profiles_declare_client_capabilities(tmp_path: Path) -> None:
    base = ('[profiles.p]\ntenant = "contoso.onmicrosoft.com"\n'
            'client_id = "e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7"\nflow = "device_code"\n'
            'scopes = ["https://graph.microsoft.com/User.Read"]\n')
    path = tmp_path / "profiles.toml"
    path.write_text(base + 'client_capabilities = ["cp1"]\n')
    profile = load_profiles(path).get("p")
    assert profile is not None and profile.client_capabilities == ("cp1",)
    path.write_text(base + 'client_capabilities = "cp1"\n')
    with pytest.raises(ConfigError, match="client_capabilities"):
        load_profiles(path)
