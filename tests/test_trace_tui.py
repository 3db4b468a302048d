"""The wire trace, the token diff and a pasted claims challenge at the keyboard: the demo app
against the real sandbox (Pilot, real threads, real MSAL)."""

from __future__ import annotations

import base64
import json
import re
import time

from conftest import SIZE, FakeClock, acquire, number_of, wait_until

from entra_tui.sandbox.directory import PFX_PASSWORD, TENANTS
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.screens.challenge_view import ChallengeView
from entra_tui.ui.screens.diff_view import DiffView
from entra_tui.ui.screens.paste_dialog import PasteDialog, TokenTextArea
from entra_tui.ui.screens.trace_view import TraceView

JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


def all_secrets() -> set[str]:
    found = {PFX_PASSWORD}
    for tenant in TENANTS:
        for client in tenant.clients:
            found |= {s for s in (client.secret, getattr(client, "expired_secret", None)) if s}
        found |= {user.password for user in tenant.users if user.password}
    return found


def notes(app: EntraTuiApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_w_opens_the_redacted_trace_and_c_copies_it(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        assert not isinstance(app.screen, TraceView)
        assert any("No attempt yet" in n for n in notes(app))
        await pilot.press(str(number_of(app, "contoso-wrong-secret")))
        await acquire(pilot, app)
        panel = app.query_one("#error-panel")
        assert "w: wire trace" in str(panel.border_subtitle)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, TraceView)
        text = app.screen.text
        assert "-> 401" in text and "7000215" in text and "client_secret = " in text
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == text
        for secret in all_secrets():
            assert secret not in text
        assert not JWT_SHAPE.search(text)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TraceView)
        await pilot.press("1")
        await acquire(pilot, app)
        token = app.attempts[app.current.name].access_token  # type: ignore[union-attr]
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, TraceView)
        assert token and token not in app.screen.text and "-> 200" in app.screen.text


async def test_fresh_token_says_what_changed_and_equals_compares(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await acquire(pilot, app)
        await pilot.press("equals_sign")
        await pilot.pause()
        assert not isinstance(app.screen, DiffView)  # nothing to compare with yet
        await acquire(pilot, app, "A")
        await wait_until(pilot, lambda: any("since the previous token" in n
                                            for n in notes(app)))
        assert any("the same claims" in n.lower() for n in notes(app))
        await pilot.press("equals_sign")
        await pilot.pause()
        assert isinstance(app.screen, DiffView)
        assert app.screen.diff.equal and not app.screen.diff.identical
        assert "Reissue" in "\n".join(app.screen.lines)
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard.startswith("The same claims; only the issuance differs")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DiffView)


async def test_pasted_claims_challenge_reacquires_and_shows_the_diff(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await acquire(pilot, app)
        name = app.current.name  # type: ignore[union-attr]
        before = app.attempts[name]
        request = {"access_token": {"nbf": {"essential": True, "value": str(int(time.time()))},
                                    "xms_caeerror": {"value": "10012"}}}
        encoded = base64.b64encode(json.dumps(request).encode()).decode()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PasteDialog)
        app.screen.query_one(TokenTextArea).text = (
            'HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer realm="", '
            f'error="insufficient_claims", claims="{encoded}"\n')
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ChallengeView))
        assert "10012" in str(app.screen.query_one("#challenge-text").content)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DiffView))
        assert app.attempts[name] is not before and app.attempts[name].ok
        assert app.screen.diff.equal  # the same app's claims, a new issuance
        trace = app.session.last_trace(name)
        assert trace is not None
        sent = trace.as_json()["requests"][-1]["form"]
        assert json.loads(sent["claims"]) == request


async def test_demo_key_revokes_the_users_sessions_in_the_sandbox(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R")
        await pilot.pause()
        assert any("No signed-in user" in n for n in notes(app))
        await pilot.press(str(number_of(app, "contoso-adele-ropc")))
        await acquire(pilot, app)
        await pilot.press("R")
        await wait_until(pilot, lambda: any("revoked" in n for n in notes(app)))
        await acquire(pilot, app, "A")  # the refresh token is refused; the password works
        name = app.current.name  # type: ignore[union-attr]
        assert app.attempts[name].ok
        trace = app.session.last_trace(name)
        assert trace is not None
        codes = [r["response"].get("error_codes") for r in trace.as_json()["requests"]
                 if isinstance(r["response"], dict)]
        assert [50173] in codes
