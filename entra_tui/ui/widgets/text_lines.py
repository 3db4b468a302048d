"""A few lines of Rich Text drawn with Textual's line API, wrapped once and kept by key.

Static wraps its text twice per update (once to size itself, once to draw) and builds it
anew every time. Switching profiles shows texts seen moments before (a profile's details, a
token's summary), so this widget keeps the wrapped lines of the last few keys: showing one
again costs a cache lookup and a repaint of its own lines, and no layout pass unless the
number of lines changes. The same wrap gives the height and the lines drawn."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from entra_tui.ui.widgets.lines import LinesWidget


class TextLines(LinesWidget, Widget):
    """`show(build, key)`: draw `build()`; a key seen recently skips building and wrapping."""

    DEFAULT_CSS = "TextLines { height: auto; }"
    KEPT = 16  # wrapped texts (each all its lines)

    def __init__(self, *, id: str | None = None, classes: str | None = None,  # noqa: A002
                 trim: bool = False) -> None:
        """`trim`: wrapped lines end at their last character, without the spaces the wrap
        broke at (as a Static draws them)."""
        super().__init__(id=id, classes=classes)
        self._trim = trim
        self._build: Callable[[], Text] = Text
        self._key: Hashable | None = None
        self._lines: list[Strip] | None = None  # the lines shown, wrapped at `_width`
        self._width = -1

    def show(self, text: Text | Callable[[], Text], key: Hashable | None = None) -> None:
        """Show `text` (or what `text()` builds). With a `key`, the wrapped lines are kept
        and reused while the same key comes back at the same width (`text` is not called)."""
        self._build = text if callable(text) else (lambda: text)
        self._key = key
        before = len(self._lines) if self._lines is not None else -1
        self._lines = None
        width = self.content_size.width
        if width <= 0:
            self.refresh(layout=True)
            return
        after = len(self._wrapped(width))
        height = self.styles.height
        self.refresh(layout=after != before and (height is None or height.is_auto))

    def rewrap(self) -> None:
        """Wrap again what is shown, and forget the lines kept (they were wrapped for a rule
        that changed, e.g. how many lines fit)."""
        self.forget()
        self._lines = None
        self.refresh(layout=True)

    @property
    def plain(self) -> str:
        """The text shown, as plain text (for tests)."""
        return self._build().plain

    def _wrapped(self, width: int) -> list[Strip]:
        if self._lines is not None and self._width == width:
            return self._lines
        if self._key is None:
            lines = self._wrap(self._build(), width)
        else:
            lines = self.kept((self._key, width), lambda: self._wrap(self._build(), width))
        self._lines, self._width = lines, width
        return lines

    def _wrap(self, text: Text, width: int) -> list[Strip]:
        base = self.rich_style
        lines = text.wrap(self.app.console, width)
        if self._trim:
            for line in lines:
                line.rstrip()
        return [self.draw_text(line, base) for line in lines]

    def selection_lines(self) -> Sequence[str]:
        width = self.content_size.width
        return [line.text for line in self._wrapped(width)] if width > 0 else ()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._wrapped(width)) if width > 0 else 0

    def render_line(self, y: int) -> Strip:
        lines = self._wrapped(self.content_size.width)
        if y >= len(lines):
            return Strip.blank(self.content_size.width)
        return self.selectable(lines[y], y)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines = None
