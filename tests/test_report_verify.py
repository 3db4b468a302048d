"""v in the validation report verifies the signature and checks the report again (the
footer said "v verifies the signature first" while v did nothing there)."""

from __future__ import annotations

from conftest import SIZE, FakeClock, acquire, text_of, wait_until
from textual.app import App
from textual.widgets import Static

from entra_tui.core.verify import SignatureState
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.screens.report_view import ReportView


def outcome(app: App[None], name: str) -> str:
    return next(c.outcome.value for c in app.screen.report if c.name == name)  # type: ignore[attr-defined]


async def test_v_in_the_report_verifies_then_checks_again(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await acquire(pilot, app)
        await pilot.press("V")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportView))
        assert outcome(app, "signature") == "not checked"
        assert "v verifies" in str(app.screen.query_one("#report-box").border_subtitle)
        await pilot.press("v")
        await wait_until(pilot, lambda: outcome(app, "signature") == "passed")
        report = app.screen
        assert isinstance(report, ReportView)  # still open, now with the verdict
        assert "passed" in " ".join(str(c) for c in report.query_one(
            "#report-table", Static).content.columns[1]._cells)  # type: ignore[attr-defined]
        assert str(report.query_one("#report-verdict", Static).content).startswith("Accepted")
        await pilot.press("escape")
        await pilot.pause()
        # The verdict is the token's: the summary says so too.
        assert app.viewing is not None and app.viewing.verification is not None
        assert app.viewing.verification.state is SignatureState.VERIFIED
        assert "Signature: verified" in text_of(app, "#summary")


async def test_without_a_way_to_verify_v_says_how() -> None:
    class ReportApp(App[None]):
        def on_mount(self) -> None:
            self.push_screen(ReportView([], "a pasted token"))

    app = ReportApp()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert str(app.screen.query_one("#report-box").border_subtitle) == "Esc closes"
        await pilot.press("v")
        await pilot.pause()
        assert any("press v" in n.message for n in app._notifications)
