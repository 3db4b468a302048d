"""Widgets that are hidden most of the time are made when first needed.

A hidden Static is still styled three times before the first frame (mount, the screen's
first restyle, focus): the three of them cost ~14 ms of start-up here."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Static


def static_on_first_use(parent: Widget, widget_id: str, *,
                        before: Widget | None = None) -> Static:
    """The Static `#widget_id` in `parent`, mounted now if it is not there yet."""
    found = parent.query(f"#{widget_id}")
    if found:
        return found.first(Static)
    widget = Static(id=widget_id)
    parent.mount(widget, before=before)
    return widget
