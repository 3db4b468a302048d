"""A pasted token with a trailing line break sent as CR (terminals, tmux) still decodes."""

from __future__ import annotations

import pytest
from test_paste_dialog import PasteApp
from test_token import CLAIMS, make
from textual import events

from entra_tui.core.paste import extract_token
from entra_tui.core.token import decode_token
from entra_tui.ui.screens.paste_dialog import PasteDialog, inert_paste

TOKEN = make(CLAIMS)


@pytest.mark.parametrize("end", ["\r", "\r\n", "\n", "\r\r"])
@pytest.mark.parametrize("prefix", ["", "Bearer ", "Authorization: Bearer "])
def test_a_trailing_line_break_of_any_kind_is_a_line_break(prefix: str, end: str) -> None:
    shown = inert_paste(prefix + TOKEN + end)
    assert "\\r" not in shown
    assert decode_token(extract_token(shown).token).claims == CLAIMS


def test_a_header_and_token_on_lines_split_by_cr() -> None:
    shown = inert_paste("Authorization: Bearer\r" + TOKEN[:40] + "\r" + TOKEN[40:] + "\r")
    assert decode_token(extract_token(shown).token).claims == CLAIMS


async def test_a_bracketed_paste_ending_in_cr_inspects_the_token() -> None:
    app = PasteApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.post_message(events.Paste(TOKEN + "\r"))  # as a terminal sends it
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, PasteDialog)
    (result,) = app.results
    assert result is not None and result[1].claims == CLAIMS
