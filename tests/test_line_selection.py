"""The line-API widgets (lines.LinesWidget) let the mouse select text and Ctrl+C copy it, as
Textual's own widgets do: a drag over the claims table, the profile list or a text block
selects what it passes over, the selection is drawn, and the copy is the text as shown."""

from __future__ import annotations

from rich.text import Text
from test_token import IAT, make
from textual.app import App, ComposeResult
from textual.geometry import Offset
from textual.selection import Selection
from textual.strip import Strip

from entra_tui.core.profiles import Profile
from entra_tui.core.token import decode_token
from entra_tui.ui.widgets.claims_table import ClaimsTable
from entra_tui.ui.widgets.lines.base import highlighted
from entra_tui.ui.widgets.profile_list import ProfileList
from entra_tui.ui.widgets.text_lines import TextLines

TOKEN = make({"aud": "api://orders", "iat": IAT, "exp": IAT + 3600, "tid": "contoso",
              "roles": ["Orders.Read.All"]})


def _profile(name: str, tenant: str) -> Profile:
    return Profile(name=name, tenant=tenant, client_id="11111111-2222-3333-4444-555555555555",
                   flow="client_secret", scopes=("api://x/.default",), secret="env:X")


class LinesApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TextLines(id="text")
        yield ProfileList(id="profiles")
        yield ClaimsTable(lambda: IAT + 60, id="claims")

    def on_mount(self) -> None:
        self.query_one(TextLines).show(Text("first line\nsecond"))
        self.query_one(ProfileList).show_profiles(
            (_profile("orders-sync", "contoso"), _profile("billing", "contoso")))
        self.query_one(ClaimsTable).show_token(decode_token(TOKEN))


async def test_a_drag_over_the_claims_table_copies_what_it_passed_over() -> None:
    app = LinesApp()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(ClaimsTable)
        await pilot.pause()
        row = next(i for i in range(table.row_count) if table._rows[i].name == "aud")
        y = 1 + table._tops[row]  # the heading is line 0
        await pilot.mouse_down(table, offset=(1, y))
        await pilot.hover(table, offset=(30, y))
        await pilot.mouse_up(table, offset=(30, y))
        await pilot.pause()
        selected = app.screen.get_selected_text() or ""
        assert selected.startswith("aud") and "api://orders" in selected
        assert table.text_selection is not None


async def test_whole_widgets_select_as_drawn() -> None:
    app = LinesApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        everything = Selection(None, None)
        text, profiles, claims = (app.query_one(f"#{name}") for name in
                                  ("text", "profiles", "claims"))
        assert text.get_selection(everything) == ("first line\nsecond", "\n")
        listed = profiles.get_selection(everything)
        assert listed is not None and [line.split() for line in listed[0].split("\n")] == [
            ["contoso"], ["1", "orders-sync", "–"], ["2", "billing", "–"]]
        table = claims.get_selection(everything)
        assert table is not None and table[0].split("\n")[0].split() == [
            "Claim", "Value", "Meaning"]
        assert "api://orders" in table[0]
        # Part of one line: columns 2 to 7 of the first profile's line.
        part = profiles.get_selection(Selection.from_offsets(Offset(2, 1), Offset(7, 1)))
        assert part == ("order", "\n")


def test_a_selected_span_is_drawn_over_in_the_selection_style() -> None:
    from rich.segment import Segment
    from rich.style import Style

    strip = Strip([Segment("ab", Style(bold=True)), Segment("cdef")])
    marked = highlighted(strip, 1, 4, Style(reverse=True))
    assert [(s.text, bool(s.style and s.style.reverse)) for s in marked] == [
        ("a", False), ("b", True), ("cd", True), ("ef", False)]
    assert marked.cell_length == strip.cell_length
    assert [s.text for s in highlighted(strip, 3, -1, Style(reverse=True))] == [
        "ab", "c", "def"]


async def test_selected_text_stays_readable() -> None:
    """The theme's selection style sets a background and a transparent foreground: applied
    whole it painted the text in its own background colour; applied partially, the text keeps
    its colour over the selection's background."""
    app = LinesApp()
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(ClaimsTable)
        await pilot.pause()
        row = next(i for i in range(table.row_count) if table._rows[i].name == "aud")
        y = 1 + table._tops[row]
        await pilot.mouse_down(table, offset=(1, y))
        await pilot.hover(table, offset=(30, y))
        await pilot.mouse_up(table, offset=(30, y))
        await pilot.pause()
        line = list(table.render_line(y))
        assert any(segment.text.startswith("aud") for segment in line)
        unreadable = [segment.text for segment in line if segment.text.strip() and segment.style
                      and segment.style.color is not None
                      and segment.style.color == segment.style.bgcolor]
        assert not unreadable


async def test_ctrl_c_on_a_selection_takes_the_clipboard_path_of_c() -> None:
    """A selection copied with Ctrl+C is announced and, with a system clipboard, cleared
    later like a copied token: Textual's copy goes through the app's one clipboard path."""
    from conftest import FakeClock

    from entra_tui.cli import build_app

    app, environment = build_app(demo=True, clock=FakeClock())
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            profiles = app.query_one(ProfileList)
            await pilot.mouse_down(profiles, offset=(0, 1))
            await pilot.hover(profiles, offset=(20, 1))
            await pilot.mouse_up(profiles, offset=(20, 1))
            await pilot.pause()
            selected = app.screen.get_selected_text()
            assert selected
            await pilot.press("ctrl+c")
            await pilot.pause()
            assert app.clipboard == selected
            assert app.last_copy_method in ("system", "osc52")
            assert any(n.message.startswith("Selection ") for n in app._notifications)
    finally:
        if environment is not None:
            environment.stop()
