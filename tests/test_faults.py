"""A misbehaving identity provider: each fault gets a plain-words error, and a retry works
once the fault is gone. The UI stays usable while a profile waits."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CONTOSO, SIZE, FakeClock, sandbox_profile, wait_until

from entra_tui.core.results import FailureKind
from entra_tui.core.session import SessionManager
from entra_tui.sandbox import Sandbox
from entra_tui.sandbox.faults import Fault
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.widgets.profile_list import ProfileList


@pytest.fixture
def faulty(sandbox: Sandbox):  # type: ignore[no-untyped-def]
    sandbox.faults.clear()
    yield sandbox
    sandbox.faults.clear()


@pytest.mark.parametrize(("fault", "says"), [
    (Fault("status", 500), "answered HTTP 500 (internal error)"),
    (Fault("status", 502), "answered HTTP 502 (bad gateway)"),
    (Fault("status", 503), "answered HTTP 503 (service unavailable)"),
    (Fault("status", 503, retry_after=2), "answered HTTP 503"),
    (Fault("status", 429, retry_after=2), "not valid JSON"),
    (Fault("slow", delay=3), "did not answer in time"),
    (Fault("reset"), "dropped before the answer was complete"),
    (Fault("malformed_json"), "not valid JSON"),
    (Fault("no_access_token"), "has no access_token"),
])
def test_token_endpoint_faults(faulty: Sandbox, tmp_path: Path, fault: Fault,
                               says: str) -> None:
    fault.path_contains = "/oauth2/v2.0/token"
    faulty.faults.inject(fault)
    profile = sandbox_profile(faulty, tmp_path)
    failed = SessionManager(timeout=1.0).acquire(profile)
    assert failed.error is not None and failed.error.kind is FailureKind.NETWORK
    assert says in failed.error.summary
    faulty.faults.clear()
    # A fresh manager: MSAL remembers a throttled answer per app object for its Retry-After.
    assert SessionManager(timeout=5).acquire(profile).ok


def test_discovery_failing_while_the_token_endpoint_works(faulty: Sandbox,
                                                          tmp_path: Path) -> None:
    faulty.faults.inject(Fault("status", 503, path_contains="openid-configuration"))
    failed = SessionManager().acquire(sandbox_profile(faulty, tmp_path))
    assert failed.error is not None and failed.error.kind is FailureKind.NETWORK
    faulty.faults.clear()
    assert SessionManager().acquire(sandbox_profile(faulty, tmp_path)).ok


def test_jwks_failing_leaves_verification_not_checked(faulty: Sandbox, tmp_path: Path) -> None:
    from entra_tui.core.token import decode_token
    from entra_tui.core.verify import KeyFetcher, SignatureState

    token = SessionManager().acquire(sandbox_profile(faulty, tmp_path)).access_token
    faulty.faults.inject(Fault("status", 500, path_contains="/keys"))
    fetcher = KeyFetcher()
    fetcher.trust(faulty.base_url, str(faulty.ca_path))
    result = fetcher.verify(decode_token(token or ""))
    assert result.state is SignatureState.NOT_CHECKED and "HTTP 500" in result.reason


async def test_other_profiles_stay_usable_while_one_waits(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        app.session._timeout = 30
        sandbox_env = app._on_first_frame.__self__  # type: ignore[union-attr]
        await wait_until(pilot, lambda: sandbox_env._server is not None)
        sandbox_env.faults.inject(Fault("slow", delay=4, path_contains=CONTOSO.tenant_id,
                                        remaining=1))
        await pilot.press("a")  # contoso-orders-sync: its token request hangs for 4 s
        await wait_until(pilot, lambda: "contoso-orders-sync" in app.working)
        app.query_one(ProfileList).highlight_profile("fabrikam-inventory")
        await pilot.pause()
        await pilot.press("a")
        await wait_until(pilot, lambda: "fabrikam-inventory" in app.tokens, timeout=10)
        assert "contoso-orders-sync" in app.working  # still waiting, and nothing froze
        await pilot.press("j", "k")  # keys are handled meanwhile
        await wait_until(pilot, lambda: "contoso-orders-sync" in app.tokens, timeout=15)
        # The result is posted just before the worker returns: give it that moment.
        await wait_until(pilot, lambda: not [
            w for w in app.workers if w.is_running and w.group.startswith("acquire:")],
            timeout=5)


def test_profile_timeout_and_cancelling_a_request_in_flight(faulty: Sandbox,
                                                            tmp_path: Path) -> None:
    import threading
    from dataclasses import replace

    faulty.faults.inject(Fault("slow", delay=3, path_contains="/oauth2/v2.0/token"))
    quick = replace(sandbox_profile(faulty, tmp_path), timeout_seconds=1)
    failed = SessionManager(timeout=60).acquire(quick)  # the profile's 1 s wins
    assert failed.error is not None and "did not answer in time" in failed.error.summary
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    cancelled = SessionManager(timeout=60).acquire(sandbox_profile(faulty, tmp_path),
                                                   cancel=cancel)
    # CANCELLED (not a token) means it returned before the slow answer arrived.
    assert cancelled.error is not None and cancelled.error.kind is FailureKind.CANCELLED


async def test_escape_cancels_the_selected_profiles_request(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        sandbox_env = app._on_first_frame.__self__  # type: ignore[union-attr]
        await wait_until(pilot, lambda: sandbox_env._server is not None)
        sandbox_env.faults.inject(Fault("slow", delay=5, path_contains=CONTOSO.tenant_id,
                                        remaining=1))
        await pilot.press("a")
        await wait_until(pilot, lambda: "contoso-orders-sync" in app.working)
        await pilot.press("escape")
        await wait_until(pilot, lambda: "contoso-orders-sync" not in app.working, timeout=3)
        assert app.attempts["contoso-orders-sync"].error.kind is FailureKind.CANCELLED  # type: ignore[union-attr]


def test_a_malformed_token_response_logs_nothing_secret(
        faulty: Sandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture,
        capfd: pytest.CaptureFixture[str]) -> None:
    """The sandbox cuts a real token response in half (the access token's first half is in
    it): MSAL logs such a body whole, so its logger must stay silent. Nothing that looks like
    a JWT, and not the secret, may reach logging or stderr, even at DEBUG."""
    import logging

    from conftest import ORDERS_SYNC

    caplog.set_level(logging.DEBUG)
    faulty.faults.inject(Fault("malformed_json", path_contains="/oauth2/v2.0/token",
                               remaining=1))
    failed = SessionManager().acquire(sandbox_profile(faulty, tmp_path))
    assert failed.error is not None and "not valid JSON" in failed.error.summary
    out, err = capfd.readouterr()
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    for seen in (logged, err, out, repr(failed)):
        assert "eyJ" not in seen  # every JWT (header or payload) starts so
        assert (ORDERS_SYNC.secret or "?") not in seen
