"""The scale axes in-process: 500 profiles (switch, filter) and a long session (soak).

The app reads a 500-profile file (`profile_file.py`); its first two profiles get real tokens
from the sandbox tenant, which runs in a child process as in `entra-tui --demo`, so the
app's memory and the interpreter are the app's alone. Keys reach the app the way the
terminal driver hands them over (`in_app.send_key`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from entra_tui.bench.in_app import (
    FrameClock,
    filtered_by,
    main_screen,
    replacing,
    send_key,
    send_paste,
    showing,
    until,
    until_checked,
    until_new_token,
)
from entra_tui.bench.profile_file import LIVE_PROFILES, write_profile_file
from entra_tui.bench.tokens import typical_token

if TYPE_CHECKING:
    from textual.app import App

SIZE = (120, 40)
# 50 keystrokes in the profile filter: words that narrow the list, backspaces that widen it.
FILTER_TYPING = ("contoso", " bill", "\b" * 5, "\b" * 7, "prod", " wing", "\b" * 4,
                 "secret", "\b" * 7)
FILTER_KEYS = [("backspace" if c == "\b" else c) for word in FILTER_TYPING for c in word]


@contextlib.contextmanager
def live_profile_file() -> Iterator[Path]:
    """The 500-profile file, its first two profiles served by a sandbox child process."""
    from entra_tui.sandbox.process import SandboxProcess

    sandbox = SandboxProcess()
    sandbox.bind()
    try:
        sandbox.start()
        with tempfile.TemporaryDirectory() as folder:
            yield write_profile_file(Path(folder), live=sandbox)
    finally:
        sandbox.stop()


def _app(path: Path) -> App[Any]:
    from entra_tui.cli import build_app

    app, _ = build_app(config=path)
    return app


async def _acquire_live_profiles(app: App[Any]) -> None:
    main = main_screen(app)
    for number, name in enumerate(LIVE_PROFILES, 1):
        send_key(app, str(number))
        send_key(app, "a")
        await until_new_token(main, name)


def switches_and_filter(switches: int, filter_keys: int, settle: float) -> dict[str, list[float]]:
    return asyncio.run(_switches_and_filter(switches, filter_keys, settle))


async def _switches_and_filter(switches: int, filter_keys: int,
                               settle: float) -> dict[str, list[float]]:
    """Profile switches (key 1/2 to the frame showing that profile's token) and keystrokes
    in the filter (key to the frame listing what the filter now matches), 500 profiles."""
    from entra_tui.ui.widgets.profile_list import ProfileFilter

    samples: dict[str, list[float]] = {"switch_ms": [], "filter_ms": [], "listed": []}
    with live_profile_file() as path:
        app = _app(path)
        async with app.run_test(size=SIZE):
            main = main_screen(app)
            frames = FrameClock(app)
            await _acquire_live_profiles(app)
            for index in range(switches):
                name = LIVE_PROFILES[index % 2]
                expected = main.history.latest_for(name)
                assert expected is not None
                started = send_key(app, str(1 + index % 2))
                elapsed = await frames.wait(
                    started, showing(expected.id))
                samples["switch_ms"].append(elapsed * 1000)
                await asyncio.sleep(settle)  # the next switch starts from a quiet app
            send_key(app, "/")
            await until(lambda: isinstance(app.focused, ProfileFilter))
            needle = ""
            for key in FILTER_KEYS[:filter_keys]:
                needle = needle[:-1] if key == "backspace" else needle + key
                started = send_key(app, key)
                elapsed = await frames.wait(
                    started, filtered_by(needle))
                samples["filter_ms"].append(elapsed * 1000)
                assert frames.last is not None
                samples["listed"].append(float(frames.last.listed))
                await asyncio.sleep(settle)
    return samples


class SoakResult(NamedTuple):
    rounds: int
    rss_growth_mib: float
    rss_mib: tuple[float, float]  # after the baseline round, at the end
    switch_ms: list[float]
    baseline_rounds: int  # rounds before the memory baseline, and compared for the drift
    workers_at_end: int
    history_at_end: int


def soak(rounds: int, settle: float = 0.0) -> SoakResult:
    return asyncio.run(_soak(rounds, settle))


async def _soak(rounds: int, settle: float) -> SoakResult:
    """`rounds` of switch, fresh acquisition, signature check and paste in one app; each
    switch starts from a quiet app, as in the other switch measures (`settle`)."""
    from entra_tui.ui.screens.paste_dialog import PasteDialog, TokenTextArea

    pasted = typical_token()
    baseline = min(100, max(1, rounds // 2))
    switch_ms: list[float] = []
    rss = [0.0, 0.0]
    with live_profile_file() as path:
        app = _app(path)
        async with app.run_test(size=SIZE):
            main = main_screen(app)
            frames = FrameClock(app)
            await _acquire_live_profiles(app)
            for round_number in range(rounds):
                name = LIVE_PROFILES[round_number % 2]
                # Switch to the other live profile: the frame showing its token.
                latest = main.history.latest_for(name)
                assert latest is not None
                started = send_key(app, str(1 + round_number % 2))
                elapsed = await frames.wait(
                    started, showing(latest.id))
                switch_ms.append(elapsed * 1000)
                # A fresh token from the identity provider, shown.
                started = send_key(app, "A")
                await frames.wait(started, replacing(latest.id))
                acquired = main.viewing
                assert acquired is not None and acquired.profile_name == name, acquired
                # Its signature, checked online against the tenant's keys.
                send_key(app, "v")
                await until_checked(acquired)
                assert acquired.verification is not None
                state = acquired.verification.state.value
                assert state == "verified", (state, acquired.verification.reason)
                # A token pasted into the paste dialog, inspected.
                send_key(app, "p")
                await until(lambda: isinstance(app.focused, TokenTextArea))
                send_paste(app, pasted if round_number % 2 else f"Authorization: Bearer {pasted}")
                await until(lambda: bool(app.screen.query_one(TokenTextArea).text)
                            if isinstance(app.screen, PasteDialog) else False)
                started = send_key(app, "enter")
                await frames.wait(started, replacing(acquired.id))
                # A person reads the "Signature: verified" toast at a person's pace; ten
                # rounds a second would pile up a hundred toasts no session ever shows.
                app.clear_notifications()
                # The closed dialog's removal and the main screen's new layout run after
                # its last frame: a switch keyed at once would be timed queued behind them,
                # by chance more or less, which is noise in a figure that looks for growth.
                await asyncio.sleep(settle)
                if round_number + 1 == baseline:
                    rss[0] = _rss_mib()
            rss[1] = _rss_mib()
            workers, history = len(app.workers), len(main.history)
    return SoakResult(rounds, rss[1] - rss[0], (rss[0], rss[1]), switch_ms, baseline,
                      workers, history)


def _rss_mib() -> float:
    """Resident memory now, after a full collection (what stays, not garbage not yet
    collected)."""
    gc.collect()
    time.sleep(0)
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")
