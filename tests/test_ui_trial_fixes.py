"""Fixes from a new user's trial of the demo: presentation mode reaches every view, the token
summary keeps its verdict, custom keys are shown everywhere, modals hide main keys, and a
too-small terminal takes no keys."""

from __future__ import annotations

from conftest import SIZE, FakeClock, acquire, text_of, wait_until
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.screens.health_view import HealthView
from entra_tui.ui.screens.help import HelpScreen
from entra_tui.ui.screens.main import MainScreen
from entra_tui.ui.screens.raw_view import RawView
from entra_tui.ui.screens.trace_view import TraceView
from entra_tui.ui.widgets.claims_table import ClaimsTable
from entra_tui.ui.widgets.profile_list import ProfileList
from entra_tui.ui.widgets.token_summary import TokenSummary


async def test_presentation_mode_masks_the_test_call_and_the_wire_trace(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    """m hides people in T/H (Graph's /me answer) and in the wire trace (shown and copied),
    with the same masker as the main panes."""
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(ProfileList).highlight_profile("contoso-graph-device")
        await pilot.press("a")
        await wait_until(pilot, lambda: app.viewing is not None
                         and app.viewing.profile_name == "contoso-graph-device", timeout=30)
        await pilot.press("T")
        await pilot.pause()
        view = app.screen
        assert isinstance(view, HealthView)
        await wait_until(pilot, lambda: view.report is not None, timeout=30)
        await pilot.pause()
        assert "adele" in view.plain.lower()  # the unmasked view shows the person
        await pilot.press("escape", "m", "T")
        await pilot.pause()
        view = app.screen
        assert isinstance(view, HealthView)
        await wait_until(pilot, lambda: view.report is not None, timeout=30)
        await pilot.pause()
        text = view.plain
        assert "HTTP 200" in text and "‹e-mail›" in text
        assert "adele" not in text.lower() and "Vance" not in text, text
        await pilot.press("escape", "w")
        await pilot.pause()
        trace = app.screen
        assert isinstance(trace, TraceView)
        assert "127.0.0.1" not in trace.text and "https://‹IP›:" in trace.text
        assert "adele" not in trace.text.lower()
        shown = str(trace.query_one("#trace-text", Static).content)
        assert "127.0.0.1" not in shown and "adele" not in shown.lower()
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == trace.text


def summary_on_screen(app: EntraTuiApp) -> str:
    """The summary's lines as drawn in its region (what the user can see)."""
    summary = app.query_one(TokenSummary)
    return "\n".join(summary.render_line(y).text.rstrip() for y in range(summary.size.height))


async def test_token_summary_keeps_its_verdict_and_signature_in_sight(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    """At 80x24 and at 120x40 the summary of a Graph token, cut or not, shows where it came
    from, App-only/Delegated and the Signature line; a cut says so with "…". v's result is
    also notified."""
    app, _ = demo
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one(ProfileList).highlight_profile("contoso-graph-app")
        await pilot.pause()
        await acquire(pilot, app)
        await pilot.pause()
        shown = summary_on_screen(app)
        lines = shown.splitlines()
        assert lines[0].startswith("Acquired") or "contoso-graph-app" in lines[0], shown
        assert "App-only" in shown and "Signature: not checked" in shown, shown
        assert len(app.query_one(TokenSummary).plain.splitlines()) == 3
        if "Entra" not in shown or "…" in shown:
            assert "…" in shown, shown
        await pilot.press("v")
        await wait_until(pilot, lambda: app.viewing is not None
                         and app.viewing.verification is not None, timeout=30)
        await pilot.pause()
        # A Graph token carries a nonce: only Graph can verify it, and the summary says why.
        state = app.viewing.verification.state.value  # type: ignore[union-attr]
        shown = summary_on_screen(app)
        assert f"Signature: {state}: " in shown and "App-only" in shown, shown
        assert any(n.startswith(f"Signature: {state}: ") for n in notes(app)), notes(app)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        shown = summary_on_screen(app)
        assert "App-only" in shown and f"Signature: {state}: " in shown, shown


def notes(app: EntraTuiApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_remapped_keys_show_in_the_footer_help_and_hint(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    """[ui.keymap] token.acquire = "g": the footer keeps `g Acquire` at 80 columns (in its
    place, not dropped), F1 lists g for Acquire and the Acquisition pane says "Press g"."""
    app, _ = demo
    assert app.profile_set is not None
    path = app.profile_set.path
    path.write_text(path.read_text() + '\n[ui.keymap]\ntoken.acquire = "g"\n')
    from entra_tui.core.profiles import load_profiles

    remapped = EntraTuiApp(profiles=load_profiles(path), session=app.session, clock=app.clock,
                           on_first_frame=app._on_first_frame)
    async with remapped.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: remapped.current is not None)
        await pilot.pause()
        keys = [(k.key_display, k.description) for k in remapped.screen.query(FooterKey)]
        assert ("g", "Acquire") in keys and ("a", "Acquire") not in keys, keys
        assert keys[0] == ("g", "Acquire"), keys  # first, as in the screen's bindings
        hint = text_of(remapped, "#acquire-status")
        assert hint == "Press g or Enter to acquire a token.", hint
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(remapped.screen, HelpScreen)
        rows = help_rows(remapped.screen)
        assert ("g", "Acquire") in rows and ("a", "Acquire") not in rows, rows
        for extra in ("Tab", "Ctrl+P", "Ctrl+Q", "Enter"):
            assert extra in [key for key, _ in rows], rows


def help_rows(screen: HelpScreen) -> list[tuple[str, str]]:
    table = screen.query_one("#help-keys", Static).content
    keys, names = table.columns[0]._cells, table.columns[1]._cells  # type: ignore[union-attr]
    return [(str(k), str(n)) for k, n in zip(keys, names, strict=True)]


async def test_a_dialog_hides_main_keys_and_esc_in_the_list_clears_the_filter(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    """With the claims focused, the raw view's footer shows no `y Copy claim`; after
    `/ word Enter`, Esc in the list clears the filter (and does nothing else)."""
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        await acquire(pilot, app)
        app.set_focus(app.query_one("#claims"))
        await pilot.pause()
        assert "Copy claim" in footer_descriptions(app)  # the claims' own key, on the screen
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RawView)
        assert footer_descriptions(app) == [], footer_descriptions(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "Copy claim" in footer_descriptions(app)
        profile_list = app.query_one(ProfileList)
        everyone = len(profile_list.ordered)
        await pilot.press("slash", *"fabrikam", "enter")
        await pilot.pause()
        assert app.focused is profile_list and len(profile_list.ordered) < everyone
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(profile_list.ordered) == everyone)
        assert profile_list.needle == "" and app.focused is profile_list
        assert not app.query_one("#profile-filter").display
        await pilot.press("escape")  # no filter: Esc is the screen's again (nothing to cancel)
        await pilot.pause()
        assert len(profile_list.ordered) == everyone


def footer_descriptions(app: EntraTuiApp) -> list[str]:
    """The keys on the main screen's footer (under a dialog too), palette left out."""
    main = next(s for s in app.screen_stack if isinstance(s, MainScreen))
    return [k.description for k in main.query(FooterKey) if "-command-palette" not in k.classes]


async def test_too_small_terminal_takes_no_keys_but_quit_and_help(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    """At 60x20 ("Terminal too small") `5 a`, Enter or ↓ do nothing unseen; F1 still helps;
    made large again, the keys and the focus come back."""
    app, _ = demo
    async with app.run_test(size=(60, 20)) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        await pilot.pause()
        assert app.screen.has_class("-too-small")
        first = app.current.name  # type: ignore[union-attr]
        await pilot.press("5", "a", "enter", "down", "j", "A", "slash", "x")
        await pilot.pause(0.3)
        assert app.current.name == first and not app.attempts and not app.working  # type: ignore[union-attr]
        assert footer_descriptions(app) and set(footer_descriptions(app)) <= {"Quit", "Help"}
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert not app.screen.has_class("-too-small")
        assert isinstance(app.focused, ProfileList)
        await pilot.press("down")
        await pilot.pause()
        assert app.current.name != first  # type: ignore[union-attr]
        await pilot.resize_terminal(60, 20)  # small again, the list focused
        await pilot.pause()
        now = app.current.name  # type: ignore[union-attr]
        await pilot.press("down", "enter", "a")
        await pilot.pause(0.3)
        assert app.current.name == now and not app.attempts  # type: ignore[union-attr]


async def test_tenant_headings_cut_with_an_ellipsis_and_claim_names_whole_when_wide(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    """At 80x24 a tenant heading longer than the list ends in "…" (never cut by the edge);
    at 200x60 the claim column fits `preferred_username` on one line."""
    app, _ = demo
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        await pilot.pause()
        profile_list = app.query_one(ProfileList)
        width = profile_list.scrollable_content_region.width
        tenants = {p.tenant for p in profile_list.ordered}
        headings = [text.plain for name, text in profile_list.lines() if name is None]
        assert headings and any(len(t) > width for t in tenants)
        for heading in headings:
            assert len(heading) <= width, (heading, width)
            assert heading in tenants or heading.endswith("…"), heading
        app.query_one(ProfileList).highlight_profile("contoso-adele-ropc")
        await acquire(pilot, app)
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        table = app.query_one(ClaimsTable)
        assert "preferred_username" in app.viewing.token.claims  # type: ignore[union-attr]
        drawn = [table.render_line(y).text for y in range(table.size.height)]
        assert any("preferred_username" in line for line in drawn), drawn
        assert table._widths[0] == len("preferred_username")
