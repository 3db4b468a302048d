"""The error panel on a small screen: Tab reaches it, it scrolls to its last line, and `c`
there copies what Microsoft support asks for (correlation id and timestamp)."""

from __future__ import annotations

from snapshot_scenes import SCENES, finished, scene_app, wrong_secret_error
from test_snapshots import fixed_place_and_zone  # noqa: F401  (autouse: the scenes' folder, UTC)

from entra_tui.core.results import AcquireError, FailureKind
from entra_tui.ui.widgets.acquire_pane import ErrorPanel, support_ids


def screen_text(app: object) -> str:
    return "\n".join(s.text for s in app.screen._compositor.render_strips())  # type: ignore[attr-defined]


async def test_at_80x24_tab_reaches_the_panel_which_scrolls_and_copies_the_ids() -> None:
    app = scene_app()
    error = wrong_secret_error().error
    assert error is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await SCENES["error"](pilot)
        panel = app.query_one("#error-panel", ErrorPanel)
        assert "Timestamp: 2025-06-15 11:59:58Z" in str(panel.content)
        assert "11:59:58Z" not in screen_text(app)  # below the fold at this size
        for _ in range(4):
            if app.focused is panel:
                break
            await pilot.press("tab")
        assert app.focused is panel
        assert "c Copy ids for support" in screen_text(app)  # the footer says what c does
        await pilot.press("end")
        await pilot.pause()
        shown = screen_text(app)
        assert "de=7000215" in shown  # the link's end: the last line can be read
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard.splitlines() == [
            "Correlation ID: 9f8e7d6c-5b4a-4392-8817-26354a5b6c7d",
            "Timestamp: 2025-06-15 11:59:58Z",
            "Trace ID: 0e1d2c3b-4a59-4687-9a8b-7c6d5e4f3a2b",
            "Error: AADSTS7000215"]
        assert app.query_one("#acquire").query_one(ErrorPanel) is panel


def test_an_error_without_a_correlation_id_copies_nothing() -> None:
    assert support_ids(AcquireError(FailureKind.NETWORK, "cannot connect")) == ""
    hostile = AcquireError(FailureKind.IDENTITY, "x", correlation_id="9f8e\x1b]0;t\x07")
    assert "\x1b" not in support_ids(hostile) and "\\x1b" in support_ids(hostile)


def test_ids_only_in_the_description_are_still_found_for_support() -> None:
    """A body without the id fields (a proxy, MSAL's wrapped discovery error) still tells
    them in error_description's tail: c must have something to copy."""
    from entra_tui.core.failures import from_error_response

    error = from_error_response({"error": "invalid_client", "error_description": (
        "AADSTS7000215: Invalid client secret provided. Trace ID: "
        "0e1d2c3b-4a59-4687-9a8b-7c6d5e4f3a2b Correlation ID: "
        "9f8e7d6c-5b4a-4392-8817-26354a5b6c7d Timestamp: 2025-06-15 11:59:58Z")})
    assert support_ids(error).splitlines()[:3] == [
        "Correlation ID: 9f8e7d6c-5b4a-4392-8817-26354a5b6c7d",
        "Timestamp: 2025-06-15 11:59:58Z", "Trace ID: 0e1d2c3b-4a59-4687-9a8b-7c6d5e4f3a2b"]
    body_wins = from_error_response({"error": "x", "correlation_id": "c-1",
                                     "error_description": "Correlation ID: 1234abcd-0000"})
    assert body_wins.correlation_id == "c-1"


async def test_at_80x24_the_claims_pane_keeps_its_frame_under_a_failure() -> None:
    # The acquisition pane grew with the error panel (and the line saying which credential
    # was read) until the claims pane's bottom border went under the footer.
    app = scene_app()
    failed = wrong_secret_error()._replace(
        credential="secret from file:secrets/wrong-secret.secret (read 11:59:58)")
    async with app.run_test(size=(80, 24)) as pilot:
        await SCENES["error"](pilot)
        app.main.post_message(finished(app, failed))
        await pilot.pause()
        await pilot.pause()
        claims = app.query_one("#token-pane").region
        footer_row = app.screen.size.height - 1
        assert "read 11:59:58" in screen_text(app)
        assert claims.bottom <= footer_row and claims.height >= 6
