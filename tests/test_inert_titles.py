"""Titles show untrusted text as it is: a profile named `trail\\` is titled `Edit trail\\`
(Textual's markup escape doubled a trailing backslash), `[b]x[/b]` and `\\[` as typed."""

from __future__ import annotations

from pathlib import Path

from conftest import FakeClock, wait_until
from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text
from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Static

from entra_tui.core.profiles import load_profiles
from entra_tui.core.safe_text import safe_text
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.inert import inert_markup, inert_title

PROFILE = """
[profiles.{name}]
tenant = "contoso.onmicrosoft.com"
client_id = "00000000-0000-0000-0000-000000000001"
secret = "env:CONTOSO_SECRET"
scopes = ["https://graph.microsoft.com/.default"]
"""


async def test_the_editor_title_shows_a_trailing_backslash_once(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text(PROFILE.format(name='"trail\\\\"'), encoding="utf-8")
    app = EntraTuiApp(profiles=load_profiles(path), clock=FakeClock())
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        await pilot.press("e")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ProfileEditor")
        await pilot.pause()
        box = app.screen.query_one("#editor-box")
        assert box._border_title is not None
        assert box._border_title.plain == "Edit trail\\"


TITLES = ["trail\\", "[b]x[/b]", "\\[", "x\\\\[b]y\\", "[@click=app.quit]q[/]", "$x [/]",
          "a\x1b]52;c;x\x07b"]


class Boxes(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(id="a")
        yield Static(id="b")


async def test_titles_show_their_text_as_it_is() -> None:
    """A trailing backslash once, `[b]x[/b]` and `\\[` as typed, controls escaped: the
    device-code and error-panel titles (inert_title) and the editor's (inert_markup)."""
    app = Boxes()
    async with app.run_test() as pilot:
        for title in TITLES:
            a, b = app.query_one("#a"), app.query_one("#b")
            a.border_title = inert_title(title)
            b.border_title = inert_markup(title)
            await pilot.pause()
            for box in (a, b):
                assert box._border_title is not None
                assert box._border_title.plain == safe_text(title), (title, box.id)
                assert not box._border_title.spans, title


@given(st.text())
def test_inert_markup_reads_back_as_its_text(text: str) -> None:
    assert Content.from_markup(inert_markup(text)).plain == safe_text(text)
    assert inert_title(text).plain == safe_text(text)


def test_inert_title_is_never_parsed() -> None:
    assert isinstance(inert_title("[b]x"), Content)
    assert not isinstance(inert_title("x"), (str, Text))


async def test_the_comparison_title_shows_a_profile_name_as_it_is() -> None:
    from entra_tui.core.token_diff import TokenDiff
    from entra_tui.ui.screens.diff_view import DiffView

    app = Boxes()
    async with app.run_test() as pilot:
        for title in TITLES:
            await app.push_screen(DiffView(TokenDiff((), (), identical=True), title))
            await pilot.pause()
            box = app.screen.query_one("#diff-box")
            assert box._border_title is not None
            assert box._border_title.plain == safe_text(title), title
            assert not box._border_title.spans, title
            app.pop_screen()
