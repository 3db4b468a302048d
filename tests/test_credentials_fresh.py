"""Credentials are read for every request that goes to the identity provider, and a changed
one drops the profile's MSAL app: "does my new secret work?" gets the true answer at once.
Real MSAL against the real sandbox over HTTPS; one SessionManager per test, as in the TUI."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from conftest import (
    BILLING,
    CLI_TOOL,
    CONTOSO,
    ORDERS_SYNC,
    SIZE,
    FakeClock,
    acquire,
    sandbox_profile,
    text_of,
)

from entra_tui.core.profiles import Profile
from entra_tui.core.results import AcquireResult, FailureKind
from entra_tui.core.session import SessionManager
from entra_tui.sandbox import Sandbox
from entra_tui.sandbox.runner import PFX_PASSWORD
from entra_tui.ui.app import EntraTuiApp

ADELE = CONTOSO.users[0]


def code_of(result: AcquireResult) -> int | None:
    assert result.error is not None, "expected a failure"
    return result.error.code


def cert_profile(sandbox: Sandbox, tmp_path: Path, certificate: Path,
                 **changes: object) -> Profile:
    return sandbox_profile(sandbox, tmp_path, client_id=BILLING.client_id,
                           flow="client_certificate", secret=None,
                           certificate=str(certificate), **changes)


def other_certificate_pem() -> str:
    """A valid key and certificate that no app in the sandbox has registered."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "not registered")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    return (key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()).decode()
            + cert.public_bytes(serialization.Encoding.PEM).decode())


@pytest.mark.parametrize("fresh", [True, False], ids=["A-fresh", "a-plain"])
def test_secret_file_change_is_seen_at_once(sandbox: Sandbox, tmp_path: Path,
                                            fresh: bool) -> None:
    manager = SessionManager()
    profile = sandbox_profile(sandbox, tmp_path)
    secret = tmp_path / "orders-sync.secret"
    first = manager.acquire(profile)
    assert first.ok and first.source == "identity provider"
    assert first.credential is not None
    assert first.credential.startswith(f"secret from file:{secret} (read ")
    assert manager.acquire(profile).source == "cache"  # unchanged: the cache answers
    secret.write_text("a-wrong-secret")
    wrong = manager.acquire(profile, force_refresh=fresh)
    assert code_of(wrong) == 7000215  # not the token cached under the right secret
    assert wrong.credential is not None and "a-wrong-secret" not in wrong.credential
    assert wrong.credential.startswith(f"secret from file:{secret}")
    secret.write_text(ORDERS_SYNC.secret or "")
    fixed = manager.acquire(profile, force_refresh=fresh)
    assert fixed.ok, fixed.error  # not MSAL's remembered failure either
    assert fixed.source == "identity provider"


def test_env_secret_change_is_seen_at_once(sandbox: Sandbox, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERS_SECRET", ORDERS_SYNC.secret or "")
    manager = SessionManager()
    profile = sandbox_profile(sandbox, tmp_path, secret="env:ORDERS_SECRET")
    first = manager.acquire(profile)
    assert first.ok and (first.credential or "").startswith("secret from env:ORDERS_SECRET")
    monkeypatch.setenv("ORDERS_SECRET", "a-wrong-secret")
    assert code_of(manager.acquire(profile, force_refresh=True)) == 7000215
    assert code_of(manager.acquire(profile)) == 7000215
    monkeypatch.setenv("ORDERS_SECRET", ORDERS_SYNC.secret or "")
    assert manager.acquire(profile, force_refresh=True).ok
    monkeypatch.delenv("ORDERS_SECRET")
    unset = manager.acquire(profile)
    assert unset.error is not None and unset.error.kind is FailureKind.CONFIGURATION
    assert "ORDERS_SECRET" in unset.error.summary and "not set" in unset.error.summary


def test_secret_is_read_for_every_request_to_the_identity_provider(
        sandbox: Sandbox, tmp_path: Path) -> None:
    """Even a change the file's metadata does not show is sent: the HTTP session reads
    the secret for each request that carries it."""
    manager = SessionManager()
    profile = sandbox_profile(sandbox, tmp_path)
    secret = tmp_path / "orders-sync.secret"
    assert manager.acquire(profile).ok
    _, watch = manager._app_for(profile)
    assert watch is not None
    secret.write_text("x" * len(ORDERS_SYNC.secret or ""))
    watch.stamp = watch.take()  # as if the change left no trace in the metadata
    assert code_of(manager.acquire(profile, force_refresh=True)) == 7000215
    secret.write_text(ORDERS_SYNC.secret or "")
    watch.stamp = watch.take()
    assert manager.acquire(profile, force_refresh=True).ok


def test_certificate_file_change_is_seen_at_once(sandbox: Sandbox, tmp_path: Path) -> None:
    certificate = tmp_path / "billing.pem"
    shutil.copy(sandbox.certificate_path(BILLING.slug), certificate)
    manager = SessionManager()
    profile = cert_profile(sandbox, tmp_path, certificate)
    first = manager.acquire(profile)
    assert first.ok, first.error
    assert first.credential is not None
    assert first.credential.startswith(f"certificate from {certificate} (read ")
    certificate.write_text(other_certificate_pem())
    assert code_of(manager.acquire(profile)) == 700027  # that key is not registered
    certificate.write_text("not a certificate")
    unreadable = manager.acquire(profile, force_refresh=True)
    assert unreadable.error is not None
    assert unreadable.error.kind is FailureKind.CONFIGURATION
    shutil.copy(sandbox.certificate_path(BILLING.slug), certificate)
    assert manager.acquire(profile, force_refresh=True).ok


def test_pfx_password_change_is_seen_at_once(sandbox: Sandbox, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    password = tmp_path / "pfx.password"
    password.write_text(PFX_PASSWORD)
    manager = SessionManager()
    profile = cert_profile(sandbox, tmp_path, sandbox.pfx_path(BILLING.slug),
                           certificate_password=f"file:{password}")
    first = manager.acquire(profile)
    assert first.ok, first.error
    assert first.credential is not None and PFX_PASSWORD not in first.credential
    assert f"with password from file:{password}" in first.credential
    password.write_text("wrong")
    failed = manager.acquire(profile)
    assert failed.error is not None and failed.error.kind is FailureKind.CONFIGURATION
    assert "wrong certificate_password" in failed.error.summary
    password.write_text(PFX_PASSWORD)
    assert manager.acquire(profile, force_refresh=True).ok


def test_two_fresh_certificate_acquisitions_in_a_row(sandbox: Sandbox, tmp_path: Path) -> None:
    """The sandbox, like Entra, refuses a replayed assertion (AADSTS700025); MSAL would
    sign one assertion and reuse it for ten minutes."""
    manager = SessionManager()
    profile = cert_profile(sandbox, tmp_path, sandbox.certificate_path(BILLING.slug),
                           send_certificate_chain=True)
    for _ in range(3):
        result = manager.acquire(profile, force_refresh=True)
        assert result.ok, result.error
        assert result.source == "identity provider"


def test_fresh_assertions_differ(sandbox: Sandbox) -> None:
    import jwt

    from entra_tui.core.certificates import client_assertion, load_certificate_credential

    credential = load_certificate_credential(str(sandbox.certificate_path(BILLING.slug)),
                                             send_chain=True)
    endpoint = f"{sandbox.base_url}/{CONTOSO.tenant_id}/oauth2/v2.0/token"
    one, two = (client_assertion(credential, audience=endpoint, client_id=BILLING.client_id)
                for _ in range(2))
    first, second = (jwt.decode(a, options={"verify_signature": False}) for a in (one, two))
    assert first["jti"] != second["jti"]
    assert first["aud"] == endpoint and first["iss"] == first["sub"] == BILLING.client_id
    assert first["exp"] - first["iat"] == 600
    header = jwt.get_unverified_header(one)
    assert header["alg"] == "RS256" and header["x5t"] and header["x5c"]


def test_changed_password_is_tried_not_hidden_by_the_refresh_token(
        sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADELE_PASSWORD", ADELE.password or "")
    manager = SessionManager()
    profile = sandbox_profile(sandbox, tmp_path, client_id=CLI_TOOL.client_id,
                              flow="username_password", secret=None, username=ADELE.upn,
                              password="env:ADELE_PASSWORD",
                              scopes=("api://contoso-orders/Orders.Read",))
    first = manager.acquire(profile)
    assert first.ok and (first.credential or "").startswith("password from env:ADELE_PASSWORD")
    assert manager.acquire(profile).source == "cache"
    monkeypatch.setenv("ADELE_PASSWORD", "wrong")
    assert code_of(manager.acquire(profile)) == 50126
    monkeypatch.setenv("ADELE_PASSWORD", ADELE.password or "")
    assert manager.acquire(profile).ok


async def test_tui_answers_does_my_new_secret_work(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    """In the demo: a wrong secret written into the file fails at once (A and a), the status
    line names the file read (never the value), and the right one works again at once."""
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await acquire(pilot, app)
        profile = app.current
        assert profile is not None and profile.name == "contoso-orders-sync"
        status = text_of(app, "#acquire-status")
        assert "secret from file:secrets/orders-sync (read " in status
        assert (ORDERS_SYNC.secret or "?") not in status
        secret = (profile.base_dir or Path()) / "secrets" / "orders-sync"
        secret.write_text("a-wrong-secret")
        for key in ("A", "a"):
            await acquire(pilot, app, key)
            assert app.attempts[profile.name].error is not None
            status = text_of(app, "#acquire-status")
            assert "AADSTS7000215" in status and "secret from file:secrets/orders-sync" in status
            assert "a-wrong-secret" not in status
        secret.write_text(ORDERS_SYNC.secret or "")
        await acquire(pilot, app, "A")
        assert app.attempts[profile.name].ok
        assert "Token from identity provider" in text_of(app, "#acquire-status")
