"""A long session keeps no dead widgets: the footer's keys and the paste dialog's text areas
go when they leave the screen (Textual keeps a watcher, and with it the widget, on the object
watched until the attribute next changes: issue #6666), and a closed dialog's drawn lines go
with it (Textual keeps each widget's style cache in a class-wide lru_cache: issue #6665).

Counted, not timed: every FooterKey, TokenTextArea and paste dialog made during the test is
recorded in a WeakSet, then after a full collection the ones still alive are counted."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest
from conftest import SIZE, FakeClock, wait_until
from textual.widgets._footer import FooterKey

from entra_tui.ui import startup_gc
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.screens.main import MainScreen
from entra_tui.ui.screens.paste_dialog import PasteDialog, TokenTextArea
from entra_tui.ui.widgets.fitting_footer import FittingFooter

ROUNDS = 30
NARROW = (80, 24)  # the footer drops keys at this width


def record_instances(monkeypatch: pytest.MonkeyPatch, cls: type[Any]) -> weakref.WeakSet[Any]:
    """Every instance of `cls` made from now on, held weakly."""
    made: weakref.WeakSet[Any] = weakref.WeakSet()
    original_init = cls.__init__

    def recording_init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        made.add(self)

    monkeypatch.setattr(cls, "__init__", recording_init)
    return made


async def test_footer_keys_and_paste_dialogs_do_not_pile_up(
        demo: tuple[EntraTuiApp, FakeClock], monkeypatch: pytest.MonkeyPatch) -> None:
    # Frozen objects are never collected: what the app makes in its first second would stay.
    monkeypatch.setattr(startup_gc, "freeze_startup_objects", gc.enable)
    keys = record_instances(monkeypatch, FooterKey)
    text_areas = record_instances(monkeypatch, TokenTextArea)
    dialogs = record_instances(monkeypatch, PasteDialog)
    dialog_styles: weakref.WeakSet[Any] = weakref.WeakSet()  # each dialog widget's StylesCache
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        main = app.screen
        assert isinstance(main, MainScreen)
        for round_number in range(ROUNDS):
            if round_number % 5 == 0:  # another width: other keys fit
                await pilot.resize_terminal(*(NARROW if round_number % 10 else SIZE))
            await pilot.press("p")
            await wait_until(pilot, lambda: isinstance(app.focused, TokenTextArea))
            await pilot.pause()
            dialog_styles.update(w._styles_cache for w in [app.screen, *app.screen.query("*")])
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is main)
            await pilot.press("down")  # another profile: the screen's bindings change
            await pilot.pause()
        shown = set(main.query(FooterKey))
        assert shown, "the footer shows keys"
        gc.collect()
        unmounted_keys = [key for key in keys if key not in shown]
        # A footer's worth at most (one rebuild may still be on its way out); leaking, every
        # rebuild left all the keys it made, hundreds here.
        assert len(unmounted_keys) <= len(shown), len(unmounted_keys)
        assert len(text_areas) == 0, len(text_areas)
        assert len(dialogs) == 0, len(dialogs)
        kept_lines = sum(len(cache._cache) for cache in dialog_styles)
        assert kept_lines == 0, kept_lines


async def test_the_footer_is_rebuilt_only_when_its_keys_change(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    """The screen's bindings are refreshed many times a second in use (focus, a token shown,
    a dialog); a refresh that leaves the footer's keys as they are keeps the same widgets."""
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        await pilot.pause()
        main = app.screen
        footer = main.query_one(FittingFooter)
        before = list(footer.query(FooterKey))
        for _ in range(3):
            main.refresh_bindings()
            await pilot.pause()
        assert list(footer.query(FooterKey)) == before
        await pilot.resize_terminal(*NARROW)  # fewer keys fit: rebuilt
        await pilot.pause()
        await pilot.pause()
        narrow = list(footer.query(FooterKey))
        assert len(narrow) < len(before) and not set(narrow) & set(before)
        footer.compact = True  # Textual's footer's look, followed without a data binding
        await pilot.pause()
        assert all(key.has_class("-compact") for key in narrow)
