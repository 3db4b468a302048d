"""Wire trace: what MSAL sent and got, recorded through the HTTP session it is given, shown
with every secret redacted. Real MSAL over real HTTPS to the sandbox; the sandbox's own sign-in
log (served by its Graph) is the witness of what it received."""

from __future__ import annotations

import io
import json
import re
import threading
from pathlib import Path

import pytest
import requests
from conftest import BILLING, CLI_TOOL, CONTOSO, ORDERS_SYNC, sandbox_profile
from sandbox_clients import DIRECTORY_READER, app_token, bearer, http

from entra_tui.commands.token import run_token
from entra_tui.core.profiles import Profile
from entra_tui.core.session import DeviceCodePrompt, SessionManager
from entra_tui.core.trace import Trace, redact
from entra_tui.sandbox import Sandbox
from entra_tui.sandbox.directory import PFX_PASSWORD, TENANTS

ADELE = CONTOSO.users[0]
JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
TOKEN_GRANTS = ("client_credentials", "password", "refresh_token",
                "urn:ietf:params:oauth:grant-type:device_code")


def sandbox_secrets(sandbox: Sandbox) -> set[str]:
    """Every credential the sandbox knows: client secrets, user passwords, the PFX password
    and the managed-identity header."""
    found = {PFX_PASSWORD, sandbox.identity_header}
    for tenant in TENANTS:
        for client in tenant.clients:
            found |= {s for s in (client.secret, getattr(client, "expired_secret", None)) if s}
        found |= {user.password for user in tenant.users if user.password}
    return found


def assert_nothing_secret(text: str, secrets: set[str]) -> None:
    for secret in secrets:
        assert secret not in text, f"{secret[:3]}… leaked into the trace"
    assert not JWT_SHAPE.search(text), JWT_SHAPE.search(text)


def sign_ins(sandbox: Sandbox, correlation_id: str) -> list[dict[str, object]]:
    reader = app_token(sandbox, DIRECTORY_READER, "https://graph.microsoft.com/.default")
    return http(sandbox).get(
        f"{sandbox.base_url}/graph/v1.0/auditLogs/signIns?$filter=correlationId eq "
        f"'{correlation_id}'", headers=bearer(reader), timeout=10).json()["value"]


def test_redaction_shapes() -> None:
    assert redact("x" * 40) == "xxxxxx…xxxx (40 chars)"
    assert redact("abcdefghij" * 5, "client_secret") == "abc… (50 chars)"
    assert redact("Sandbox-Passw0rd!", "password") == "[redacted] (17 chars)"
    assert redact("ABCD-EFGH") == "ABC… (9 chars)"
    assert redact("1234") == "[redacted] (4 chars)"


def test_client_secret_trace_matches_what_the_sandbox_received(
        sandbox: Sandbox, tmp_path: Path) -> None:
    manager = SessionManager()
    profile = sandbox_profile(sandbox, tmp_path)
    assert manager.last_trace(profile.name) is None  # no attempt yet
    result = manager.acquire(profile)
    assert result.ok, result.error
    trace = manager.last_trace(profile.name)
    assert trace is not None and trace.profile == "orders-sync"
    data = trace.as_json()
    requests_ = data["requests"]
    paths = [(r["method"], r["url"].split("?")[0].removeprefix(sandbox.base_url))
             for r in requests_]
    assert paths == [("GET", f"/{CONTOSO.domain}/v2.0/.well-known/openid-configuration"),
                     ("POST", f"/{CONTOSO.tenant_id}/oauth2/v2.0/token")]
    token_request = requests_[-1]
    assert token_request["status"] == 200 and token_request["elapsed_ms"] > 0
    assert token_request["form"]["grant_type"] == "client_credentials"
    assert token_request["form"]["client_id"] == ORDERS_SYNC.client_id
    assert token_request["form"]["client_secret"] == redact(ORDERS_SYNC.secret or "",
                                                            "client_secret")
    access = result.access_token or ""
    assert token_request["response"]["access_token"] == \
        f"{access[:6]}…{access[-4:]} ({len(access)} chars)"
    assert token_request["response"]["token_type"] == "Bearer"
    # The sandbox logged exactly this request, under the correlation id MSAL sent.
    correlation = token_request["request_headers"]["client-request-id"]
    (entry,) = sign_ins(sandbox, correlation)
    assert entry["appId"] == ORDERS_SYNC.client_id and entry["status"]["errorCode"] == 0
    text = trace.render()
    assert_nothing_secret(text, sandbox_secrets(sandbox) | {access})
    assert "client_secret = Xr4… (" in text and "-> 200" in text
    # A cache hit makes no request: the last attempt's trace says so.
    assert manager.acquire(profile).source == "cache"
    hit = manager.last_trace(profile.name)
    assert hit is not None and len(hit) == 0 and "MSAL's cache" in hit.render()
    forced = manager.acquire(profile, force_refresh=True)
    again = manager.last_trace(profile.name)
    assert again is not None and len(again) == 1  # discovery is not repeated
    assert_nothing_secret(again.render(), {forced.access_token or "", access})


def test_a_refused_secret_is_traced_with_the_error_and_logged_by_the_sandbox(
        sandbox: Sandbox, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.secret"
    wrong.write_text("Wr0ng~secret-value-that-must-not-be-shown")
    manager = SessionManager()
    profile = sandbox_profile(sandbox, tmp_path, secret=f"file:{wrong}")
    result = manager.acquire(profile)
    assert result.error is not None and result.error.code == 7000215
    trace = manager.last_trace(profile.name)
    assert trace is not None
    token_request = trace.as_json()["requests"][-1]
    assert token_request["status"] == 401
    assert token_request["response"]["error_codes"] == [7000215]
    (entry,) = sign_ins(sandbox, token_request["request_headers"]["client-request-id"])
    assert entry["status"]["errorCode"] == 7000215
    assert_nothing_secret(trace.render(), sandbox_secrets(sandbox)
                          | {"Wr0ng~secret-value-that-must-not-be-shown"})


def test_certificate_assertion_and_user_tokens_are_redacted(
        sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manager = SessionManager()
    certificate = sandbox_profile(sandbox, tmp_path, name="billing", client_id=BILLING.client_id,
                                  flow="client_certificate", secret=None,
                                  certificate=str(sandbox.certificate_path(BILLING.slug)))
    result = manager.acquire(certificate)
    assert result.ok, result.error
    trace = manager.last_trace("billing")
    assert trace is not None
    form = trace.as_json()["requests"][-1]["form"]
    assert form["client_assertion_type"].endswith("jwt-bearer")
    assert re.fullmatch(r"eyJ\S{3}…\S{4} \(\d+ chars\)", form["client_assertion"])
    assert_nothing_secret(trace.render(), sandbox_secrets(sandbox) | {result.access_token})

    monkeypatch.setenv("ADELE_PASSWORD", ADELE.password)
    user = sandbox_profile(sandbox, tmp_path, name="adele", client_id=CLI_TOOL.client_id,
                           flow="username_password", secret=None, username=ADELE.upn,
                           password="env:ADELE_PASSWORD",
                           scopes=("api://contoso-orders/Orders.Read",))
    signed_in = manager.acquire(user)
    assert signed_in.ok, signed_in.error
    refreshed = manager.acquire(user, force_refresh=True)
    assert refreshed.source == "refresh token"
    first_text = json.dumps(manager.last_trace("adele").as_json())  # type: ignore[union-attr]
    assert "refresh_token" in first_text
    for attempt_token in (signed_in, refreshed):
        for value in (attempt_token.access_token, attempt_token.id_token):
            assert value and value not in first_text
    text = manager.last_trace("adele").render()  # type: ignore[union-attr]
    assert "grant_type = refresh_token" in text
    assert_nothing_secret(text, sandbox_secrets(sandbox)
                          | {refreshed.access_token or "", refreshed.id_token or ""})


def test_device_code_polling_and_user_code_are_traced_redacted(
        sandbox: Sandbox, tmp_path: Path) -> None:
    manager = SessionManager()
    profile = sandbox_profile(sandbox, tmp_path, name="device", client_id=CLI_TOOL.client_id,
                              flow="device_code", secret=None,
                              scopes=("api://contoso-orders/Orders.Read",))
    codes: list[str] = []

    def approve_later(prompt: DeviceCodePrompt) -> None:
        codes.append(prompt.user_code)
        threading.Timer(1.5, lambda: requests.post(
            prompt.verification_uri, data={"code": prompt.user_code},
            verify=str(sandbox.ca_path), timeout=10)).start()

    result = manager.acquire(profile, on_device_code=approve_later)
    assert result.ok, result.error
    trace = manager.last_trace("device")
    assert trace is not None
    grants = [r["form"].get("grant_type") for r in trace.as_json()["requests"]]
    assert grants[-1] == "urn:ietf:params:oauth:grant-type:device_code"
    assert trace.as_json()["requests"][-2]["status"] == 400  # authorization_pending, polled
    text = trace.render()
    assert "authorization_pending" in text and "/oauth2/v2.0/devicecode" in text
    assert_nothing_secret(text, sandbox_secrets(sandbox) | set(codes)
                          | {result.access_token or "", result.id_token or ""})


def test_managed_identity_header_is_redacted(sandbox: Sandbox, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_ENDPOINT", sandbox.identity_endpoint)
    monkeypatch.setenv("IDENTITY_HEADER", sandbox.identity_header)
    profile = sandbox_profile(sandbox, tmp_path, name="mi", flow="managed_identity",
                              client_id="", secret=None, tenant="managed-identity")
    manager = SessionManager()
    result = manager.acquire(profile)
    assert result.ok, result.error
    trace = manager.last_trace("mi")
    assert trace is not None
    (request,) = trace.as_json()["requests"]
    assert request["method"] == "GET" and "/msi/token?" in request["url"]
    assert "resource=" in request["url"]
    assert "[redacted]" in request["request_headers"]["x-identity-header"] or \
        "…" in request["request_headers"]["x-identity-header"]
    assert_nothing_secret(trace.render(), sandbox_secrets(sandbox)
                          | {result.access_token or ""})


def test_unreachable_authority_is_traced_as_an_error(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOPE_NOT_SET_X", "a-secret-that-never-leaves-1234567890")
    manager = SessionManager(timeout=2)
    closed = Profile(name="closed", tenant=CONTOSO.domain, client_id=ORDERS_SYNC.client_id,
                     flow="client_secret", scopes=("api://x/.default",),
                     authority_host="https://127.0.0.1:9", secret="env:NOPE_NOT_SET_X",
                     base_dir=tmp_path)
    result = manager.acquire(closed)
    assert not result.ok
    trace = manager.last_trace("closed")
    assert trace is not None
    (request,) = trace.as_json()["requests"]
    assert request["status"] is None and "ConnectionError" in request["error"]
    assert "no response" in trace.render()


def test_hostile_server_text_is_inert_and_jwts_anywhere_are_hidden() -> None:
    class Response:
        status_code = 400
        url = "https://login.example/t?x=1"
        headers = {"Content-Type": "text/html", "Set-Cookie": "session=abcdefghijklmnop"}
        text = ("<html>\x1b]52;c;ZXZpbA==\x07 boom \u202e eyJhbGciOi.eyJzdWIiOiJ4In0.c2ln"
                "\nline</html>")

    trace = Trace("p\x1b[31m", "client_secret")
    trace.record("GET", "https://login.example/t?code=abcdefghijklmnopqrstuvwxyz0123&x=1",
                 None, {"Authorization": "Bearer eyJabc.eyJdef.ghi"}, 0.0, 1.5, Response())
    text = trace.render()
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "eyJhbGciOi.eyJzdWIiOiJ4In0" not in text and "eyJdef" not in text
    assert "abcdefghijklmnopqrstuvwxyz0123" not in text and "abcdefghijklmnop" not in text
    assert all(line.isprintable() for line in text.splitlines())


def test_token_cli_trace_goes_to_stderr(sandbox: Sandbox, tmp_path: Path) -> None:
    secret = tmp_path / "s.secret"
    secret.write_text(ORDERS_SYNC.secret or "")
    config = tmp_path / "profiles.toml"
    config.write_text(
        f'[profiles.orders]\ntenant = "{CONTOSO.domain}"\nclient_id = "{ORDERS_SYNC.client_id}"\n'
        f'flow = "client_secret"\nscopes = ["api://contoso-orders/.default"]\n'
        f'authority_host = "{sandbox.base_url}"\nsecret = "file:{secret}"\n'
        f'ca_bundle = "{sandbox.ca_path}"\n')
    out, err = io.StringIO(), io.StringIO()
    code = run_token("orders", config=config, as_json=False, copy=False, scopes=[],
                     from_env=False, stdout=out, stderr=err, trace=True)
    assert code == 0
    token = out.getvalue().strip()
    assert token.count(".") == 2
    assert "Wire trace of 'orders'" in err.getvalue()
    assert "grant_type = client_credentials" in err.getvalue()
    assert_nothing_secret(err.getvalue(), sandbox_secrets(sandbox) | {token})
