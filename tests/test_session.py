"""The MSAL session manager against the sandbox tenant: real MSAL, real HTTPS, no mocks."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from conftest import BILLING, CONTOSO, FABRIKAM, INVENTORY, ORDERS_SYNC, sandbox_profile

from entra_tui.core.results import AcquireResult, FailureKind
from entra_tui.core.session import SessionManager
from entra_tui.core.token import decode_token
from entra_tui.sandbox import Sandbox


def test_client_secret_gets_an_entra_shaped_app_token(sandbox: Sandbox, tmp_path: Path) -> None:
    result = SessionManager().acquire(sandbox_profile(sandbox, tmp_path))
    assert result.ok, result.error
    assert result.source == "identity provider"
    assert result.expires_in == 3599
    assert result.elapsed_ms > 0
    claims = decode_token(result.access_token or "").claims
    assert claims["aud"] == CONTOSO.apis[0].client_id
    assert claims["iss"] == f"{sandbox.base_url}/{CONTOSO.tenant_id}/v2.0"
    assert claims["tid"] == CONTOSO.tenant_id
    assert claims["azp"] == ORDERS_SYNC.client_id
    assert claims["azpacr"] == "1"
    assert claims["idtyp"] == "app"
    assert claims["roles"] == ["Orders.Read.All", "Orders.ReadWrite.All"]
    assert claims["ver"] == "2.0"
    assert {"oid", "sub", "uti", "rh", "iat", "nbf", "exp"} <= set(claims)


def test_second_call_is_served_from_cache_and_force_refresh_skips_it(
        sandbox: Sandbox, tmp_path: Path) -> None:
    manager = SessionManager()
    profile = sandbox_profile(sandbox, tmp_path)
    first = manager.acquire(profile)
    second = manager.acquire(profile)
    fresh = manager.acquire(profile, force_refresh=True)
    assert (first.source, second.source, fresh.source) == (
        "identity provider", "cache", "identity provider")
    assert second.access_token == first.access_token
    assert fresh.access_token != first.access_token
    # The cache hit's result, made by the fast path, is the same record made the usual way.
    assert second == AcquireResult(
        profile_name=profile.name, acquired_at=second.acquired_at,
        elapsed_ms=second.elapsed_ms, access_token=first.access_token, source="cache",
        expires_in=second.expires_in)
    assert second.ok and second.id_token is None and second.warnings == ()
    assert first.access_token not in repr(second)


def test_certificate_credential_with_computed_thumbprint(sandbox: Sandbox, tmp_path: Path) -> None:
    profile = sandbox_profile(
        sandbox, tmp_path, client_id=BILLING.client_id, flow="client_certificate",
        secret=None, certificate=str(sandbox.certificate_path(BILLING.slug)))
    result = SessionManager().acquire(profile)
    assert result.ok, result.error
    claims = decode_token(result.access_token or "").claims
    assert claims["azpacr"] == "2"
    assert claims["roles"] == ["Orders.Read.All"]


def test_certificate_the_app_does_not_trust_is_700027(sandbox: Sandbox, tmp_path: Path) -> None:
    """Another app's (valid, but unregistered) certificate is refused by signature check."""
    from entra_tui.sandbox import pki

    stranger = pki.make_client_certificate(tmp_path, "stranger")
    profile = sandbox_profile(
        sandbox, tmp_path, client_id=BILLING.client_id, flow="client_certificate",
        secret=None, certificate=str(stranger.pem_path))
    result = SessionManager().acquire(profile)
    assert result.error is not None and result.error.code == 700027


def test_wrong_secret_returns_structured_aadsts_error(sandbox: Sandbox, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.secret"
    wrong.write_text("not-the-secret")
    result = SessionManager().acquire(sandbox_profile(sandbox, tmp_path,
                                                      secret=f"file:{wrong}"))
    error = result.error
    assert not result.ok and error is not None
    assert error.kind is FailureKind.IDENTITY
    assert error.code == 7000215
    assert error.title == "AADSTS7000215"
    assert error.summary.startswith("Invalid client secret provided.")
    assert error.correlation_id and error.trace_id and error.timestamp
    assert error.error_uri == "https://login.microsoftonline.com/error?code=7000215"
    assert error.help is not None and "secret" in error.help.meaning
    assert "not-the-secret" not in repr(result)


@pytest.mark.parametrize(("overrides", "code"), [
    ({"tenant": "nowhere.onmicrosoft.com"}, 90002),
    ({"client_id": "00000000-0000-4000-8000-000000000001"}, 700016),
    ({"scopes": ("api://contoso-orders/Orders.Read",)}, 1002012),
    ({"scopes": ("api://no-such-api/.default",)}, 500011),
])
def test_identity_errors_carry_their_code(sandbox: Sandbox, tmp_path: Path,
                                          overrides: dict[str, object], code: int) -> None:
    result = SessionManager().acquire(sandbox_profile(sandbox, tmp_path, **overrides))
    assert result.error is not None
    assert result.error.kind is FailureKind.IDENTITY
    assert result.error.code == code


def test_other_tenant_other_app(sandbox: Sandbox, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FABRIKAM_SECRET", INVENTORY.secret or "")
    profile = sandbox_profile(sandbox, tmp_path, tenant=FABRIKAM.tenant_id,
                              client_id=INVENTORY.client_id, secret="env:FABRIKAM_SECRET",
                              scopes=("api://fabrikam-inventory/.default",))
    result = SessionManager().acquire(profile)
    assert result.ok, result.error
    assert decode_token(result.access_token or "").claims["tid"] == FABRIKAM.tenant_id


def test_missing_secret_reference_is_a_configuration_error(sandbox: Sandbox,
                                                           tmp_path: Path) -> None:
    result = SessionManager().acquire(sandbox_profile(sandbox, tmp_path,
                                                      secret="env:ENTRA_TUI_TEST_UNSET"))
    assert result.error is not None
    assert result.error.kind is FailureKind.CONFIGURATION
    assert "ENTRA_TUI_TEST_UNSET" in result.error.summary


def test_refused_connection_is_a_network_error(tmp_path: Path, sandbox: Sandbox) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = SessionManager(timeout=5).acquire(
        sandbox_profile(sandbox, tmp_path, authority_host=f"https://127.0.0.1:{port}"))
    assert result.error is not None
    assert result.error.kind is FailureKind.NETWORK
    assert "connection refused" in result.error.summary


def test_untrusted_tls_certificate_is_told_apart(sandbox: Sandbox, tmp_path: Path) -> None:
    """Without the sandbox CA the user's normal trust store applies, and refuses it."""
    result = SessionManager(timeout=5).acquire(sandbox_profile(sandbox, tmp_path,
                                                               ca_bundle=None))
    assert result.error is not None
    assert result.error.kind is FailureKind.NETWORK
    assert "TLS" in result.error.summary


def test_sandbox_session_ignores_proxy_and_ca_environment(
        sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # would fail if honoured
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/ca.pem")
    result = SessionManager().acquire(sandbox_profile(sandbox, tmp_path))
    assert result.ok, result.error


def test_one_msal_app_per_profile_is_reused(sandbox: Sandbox, tmp_path: Path) -> None:
    manager = SessionManager()
    profile = sandbox_profile(sandbox, tmp_path)
    manager.acquire(profile)
    app = manager._app_for(profile)
    manager.acquire(profile)
    assert manager._app_for(profile) is app


def test_each_profile_gets_its_own_app_and_forgetting_drops_it(
        sandbox: Sandbox, tmp_path: Path) -> None:
    manager = SessionManager()
    first = sandbox_profile(sandbox, tmp_path)
    second = sandbox_profile(sandbox, tmp_path, name="other", scopes=(
        "api://contoso-billing/.default",))
    assert manager.acquire(first).source == "identity provider"
    assert manager.acquire(second).source == "identity provider"
    assert manager.acquire(first).source == "cache"  # the first profile's own app again
    assert manager.acquire(second).source == "cache"
    manager.forget(second)  # the app it asked for last: its tokens go with it
    assert manager.acquire(second).source == "identity provider"
    assert manager.sign_out(first) >= 1
    assert manager.acquire(first).source == "identity provider"


def test_a_server_that_never_answers_is_a_timeout(tmp_path: Path, sandbox: Sandbox) -> None:
    with socket.socket() as silent:  # accepts connections, says nothing
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        port = silent.getsockname()[1]
        result = SessionManager(timeout=1).acquire(
            sandbox_profile(sandbox, tmp_path, authority_host=f"https://127.0.0.1:{port}"))
    assert result.error is not None and result.error.kind is FailureKind.NETWORK
    assert "did not answer in time" in result.error.summary


def test_a_secret_file_others_can_read_is_warned_about(sandbox: Sandbox, tmp_path: Path) -> None:
    profile = sandbox_profile(sandbox, tmp_path)
    secret_file = tmp_path / "orders-sync.secret"
    secret_file.chmod(0o644)
    result = SessionManager().acquire(profile)
    assert result.ok
    assert len(result.warnings) == 1 and "chmod 600" in result.warnings[0]
    assert ORDERS_SYNC.secret not in result.warnings[0]
    secret_file.chmod(0o600)
    assert SessionManager().acquire(profile).warnings == ()
