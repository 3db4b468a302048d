"""The garbage collector around the TUI's start-up, in one place: off while the app starts,
back on after the first frame, with everything start-up made frozen.

Start-up makes a great many long-lived objects (modules, styles, widgets) and almost no
garbage, so the full collections it would trigger find next to nothing and delay the first
frame. Once the app runs, `gc.freeze()` moves what is alive out of the collector's sight: a
full collection then scans only what was made since, instead of pausing the UI to walk every
module and style again. Textual is not imported here: the command line pauses the collector
before Textual loads.
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
    gc.freeze()  # no collect first: that alone would be the long pause this avoids
    gc.enable()
