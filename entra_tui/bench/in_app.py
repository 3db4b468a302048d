"""Driving the app in-process (Pilot's `run_test`) and timing what reaches the screen."""

from __future__ import annotations

import asyncio
import time
import unicodedata
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from textual.app import App

    from entra_tui.ui.screens.main import MainScreen
    from entra_tui.ui.widgets.profile_list import ProfileList


class Shown(NamedTuple):
    """What one frame showed: the main screen on top or not, the token in the claims pane,
    and the profile list's filter and how many profiles it listed."""

    on_main: bool
    viewing: int | None  # the shown token's history id
    needle: str
    listed: int


def showing(entry_id: int) -> Callable[[Shown], bool]:
    """A frame of the main screen showing token `entry_id`."""
    return lambda shown: shown.on_main and shown.viewing == entry_id


def replacing(entry_id: int) -> Callable[[Shown], bool]:
    """A frame of the main screen showing a token other than `entry_id`."""
    return lambda shown: shown.on_main and shown.viewing not in (None, entry_id)


def filtered_by(needle: str) -> Callable[[Shown], bool]:
    """A frame whose profile list is filtered by `needle`."""
    return lambda shown: shown.needle == needle


def main_screen(app: App[Any]) -> MainScreen:
    from entra_tui.ui.screens.main import MainScreen

    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


def profile_list(app: App[Any]) -> ProfileList:
    from entra_tui.ui.widgets.profile_list import ProfileList

    return main_screen(app).query_one(ProfileList)


class FrameClock:
    """Timestamps every frame the app sends to the terminal, with what it showed.

    Pilot runs headless, where Textual composes each frame but skips turning it into
    terminal output; the hook does that step too (to the same string a terminal would
    receive), so a frame costs what it costs in a terminal. Timings are taken from the key
    press to the first frame showing the result. Frames older than the last wait are
    dropped, so a long run keeps no more than a few.
    """

    def __init__(self, app: App[Any]) -> None:
        from textual._compositor import CompositorUpdate

        self.frames: list[tuple[float, Shown]] = []
        self.last: Shown | None = None  # what the frame found by the last wait showed
        main = main_screen(app)
        listing = profile_list(app)
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
            viewing = main.viewing
            self.frames.append((time.perf_counter(), Shown(
                app.screen is main, viewing.id if viewing is not None else None,
                listing.needle, len(listing.ordered))))

        app._display = display  # type: ignore[method-assign]  # no public per-frame hook

    async def wait(self, since: float, wanted: Callable[[Shown], bool],
                   timeout: float = 30.0) -> float:
        """Seconds from `since` to the first frame after it that shows what is `wanted`."""
        deadline = time.monotonic() + timeout
        while True:
            for at, shown in self.frames:
                if at >= since and wanted(shown):
                    self.frames = [f for f in self.frames if f[0] >= at]
                    self.last = shown
                    return at - since
            if time.monotonic() > deadline:
                raise TimeoutError("no frame showed it")
            await asyncio.sleep(0.0005)


def send_key(app: App[Any], key: str) -> float:
    """Hand `key` to the app as its terminal driver does once it has read it; returns the
    time it was sent. (Pilot's `press` sends it the same way, then waits for the app to look
    idle, which is ~40 ms a key by itself.)"""
    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    started = time.perf_counter()
    assert app._driver is not None
    app._driver.send_message(event)
    return started


def send_paste(app: App[Any], text: str) -> None:
    """A bracketed paste, as the driver hands it over."""
    from textual import events

    event = events.Paste(text)
    event.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(event)


async def until_new_token(main: MainScreen, name: str, before: Any = None) -> None:
    """Until profile `name`'s latest token in the history is another than `before`."""
    await until(partial(_latest_is_not, main, name, before))


def _latest_is_not(main: MainScreen, name: str, before: Any) -> bool:
    return main.history.latest_for(name) is not before


async def until_checked(entry: Any) -> None:
    """Until the signature check of history entry `entry` has finished."""
    await until(partial(_checked, entry))


def _checked(entry: Any) -> bool:
    return entry.verification is not None


async def until(condition: Callable[[], bool], timeout: float = 30.0,
                step: float = 0.0005) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(step)
