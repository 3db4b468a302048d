"""Widgets that are hidden most of the time are made when first needed, in one place.

A hidden Static is still styled three times before the first frame (mount, the screen's
first restyle, focus): the three of them cost ~14 ms of start-up here. Textual's own
`textual.lazy.Lazy` only defers the mount to just after the first frame, so every session
would still pay for notes that most sessions never show; these are mounted the first time
there is something to say, and hidden (not removed) when there is nothing left to say."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static


def note_on_first_use(parent: Widget, widget_id: str, text: str | Text, *,
                      before: Widget | str | None = None) -> Static | None:
    """Show `text` in the Static `#widget_id` of `parent`, hidden while `text` is empty.
    The Static is mounted (`before` a child of `parent`, else last) the first time `text`
    is not empty; until then nothing is made and None is returned."""
    found = parent.query(f"#{widget_id}")
    if found:
        note = found.first(Static)
    elif not text:
        return None
    else:
        note = Static(id=widget_id)
        parent.mount(note, before=before)
    note.update(text)
    note.display = bool(text)
    return note

