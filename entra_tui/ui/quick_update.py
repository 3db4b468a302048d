"""Update a Static without a layout pass when its height stays the same.

A layout pass re-arranges the whole screen (~10 ms here); an auto-height Static asks for one
on every update. Switching profiles mostly swaps text of the same height, so measure first."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def update_text(widget: Static, text: Text) -> None:
    width = widget.content_size.width
    lines = len(text.wrap(widget.app.console, width)) if width > 0 else -1
    previous = getattr(widget, "_shown_lines", None)
    widget.update(text, layout=width <= 0 or lines != previous)
    widget._shown_lines = lines  # type: ignore[attr-defined]
