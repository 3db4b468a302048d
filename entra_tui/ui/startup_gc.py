"""The garbage collector around the TUI's start-up, in one place: off while the app starts,
then, a moment after the first frame, one collection and everything still alive frozen.

Start-up makes a great many long-lived objects (modules, styles, widgets) and some garbage
(Textual's throwaway style nodes, the argument parser). Collections during start-up would
walk all of it again and again and delay the first frame, so the collector is off. A second
after the first frame, one full collection frees the garbage (left uncollected, it would be
frozen with the rest and held for the whole session), then `gc.freeze()` moves what is alive
out of the collector's sight: later collections scan only what was made since, instead of
pausing the UI to walk every module and style again. Textual is not imported here: the
command line pauses the collector before Textual loads.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

# After the first frame has reached the terminal and the first burst of work is over.
RESUME_AFTER_SECONDS = 1.0


def pause_collector_for_startup() -> None:
    """Call before building the app (`entra-tui` does, in `cli.run_tui`)."""
    gc.disable()


def resume_collector_after_first_frame(app: App[Any]) -> None:
    """Call from the app's `on_mount`: a moment after the first frame, freeze what start-up
    made and turn the collector back on (also when it was never paused, as in tests)."""
    app.set_timer(RESUME_AFTER_SECONDS, freeze_startup_objects)


def freeze_startup_objects() -> None:
    gc.collect()  # once, after the first frame: the start-up garbage, not frozen for good
    gc.freeze()
    gc.enable()
