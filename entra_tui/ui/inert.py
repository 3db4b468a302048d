"""Untrusted text (token, server, profile file) as Textual sinks take it, inert.

Both go through `core.safe_text.safe_text` (controls, bidi, zero-width characters and line
breaks shown escaped). Widgets that parse `str` as markup (Static, Label, notifications,
border titles, the command palette) get a `Text` or a `Content`, or, where only a string is
accepted, a string whose markup is escaped: `[@click=app.quit]` stays text and runs nothing."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from entra_tui.core.safe_text import safe_text


def inert(text: object, style: str = "") -> Text:
    """For Static.update, Label, table cells: a Text is never parsed as markup."""
    return Text(safe_text(text), style=style)


def inert_lines(*lines: object, style: str = "") -> Text:
    """Our own lines, each made safe on its own: only our line breaks break lines."""
    return Text("\n".join(safe_text(line) for line in lines), style=style)


def inert_title(text: object) -> Content:
    """For border titles: Textual draws a Content as it is, never parsing it as markup."""
    return Content(safe_text(text))


def inert_markup(text: object) -> str:
    """For sinks that only take a markup string: every `[` escaped, so no tag can open.
    Not Textual's `escape()`: it doubles a trailing backslash (`trail\\` read back as
    `trail\\\\`) and leaves `\\[` to lose its backslash; Textual's parser treats only `\\[` as
    an escape, so this one rule is enough. Prefer `inert_title` where Content is taken."""
    return safe_text(text).replace("[", "\\[")
