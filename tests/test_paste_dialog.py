"""The paste dialog: its instructions wrap instead of being cut, and a paste too large to be
a token is kept aside (one line about it) rather than soft-wrapped by the text area, which
took over a minute for 2 MB in a real terminal; Enter still inspects it."""

from __future__ import annotations

import pytest
from test_token import CLAIMS, make
from textual import events
from textual.app import App
from textual.widgets import Static

from entra_tui.ui.screens.paste_dialog import SHOWN_PASTE_CHARS, PasteDialog, TokenTextArea

BIG = make({**CLAIMS, "blob": "x" * 1_500_000})  # about 2,000,000 characters


class PasteApp(App[None]):
    def __init__(self, initial: str = "") -> None:
        super().__init__()
        self.initial = initial
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(PasteDialog(self.initial), self.results.append)


def screen_text(app: App[None]) -> str:
    return "\n".join(s.text for s in app.screen._compositor.render_strips())


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_the_instructions_are_shown_whole(size: tuple[int, int]) -> None:
    app = PasteApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        flowing = " ".join(" ".join(line.strip(" │") for line in screen_text(app).splitlines())
                           .split())
        assert "with access_token= / id_token=. Enter inspects, Esc cancels." in flowing


async def test_a_2_mb_paste_is_kept_aside_and_enter_inspects_it() -> None:
    app = PasteApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        area = app.screen.query_one(TokenTextArea)
        app.post_message(events.Paste(BIG))
        await pilot.pause()
        assert len(area.text) < 200 and f"{len(BIG):,} characters pasted" in area.text
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, PasteDialog)
        pasted, decoded = app.results[0]  # type: ignore[misc]
        assert decoded.claims["blob"] == "x" * 1_500_000 and pasted.token == BIG


async def test_typing_over_a_large_paste_inspects_what_was_typed() -> None:
    app = PasteApp(initial="y" * (SHOWN_PASTE_CHARS + 1))  # e.g. P with a huge clipboard
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PasteDialog)
        assert "characters pasted" in dialog.query_one(TokenTextArea).text
        assert "Not inspected" in str(dialog.query_one("#paste-problem", Static).content)
        dialog.query_one(TokenTextArea).text = make(CLAIMS)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, PasteDialog)
        assert app.results[0][1].claims["aud"] == CLAIMS["aud"]  # type: ignore[index]
