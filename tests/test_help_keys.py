"""F1 help names keys as the footer does (App.get_key_display), not by their key names."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.widgets import Static

from entra_tui.ui.screens.help import HelpScreen

BINDINGS = [Binding("slash", "filter", "Filter"), Binding("f1,question_mark", "help", "Help"),
            Binding("left_square_bracket", "older", "Older token"),
            Binding("ctrl+p", "palette", "Palette"), Binding("1-9", "", "Jump to profile n")]


class HelpApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(HelpScreen(BINDINGS, None))


async def test_help_shows_slash_as_a_slash() -> None:
    app = HelpApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#help-keys", Static).content
        keys = [str(cell) for cell in table.columns[0]._cells]  # type: ignore[attr-defined]
        assert keys == ["/", "f1, ?", "[", "^p", "1-9"]
        assert app.get_key_display(BINDINGS[0]) == "/"  # what the footer shows
