"""A few lines of Rich Text drawn with Textual's line API, wrapped once and kept by key.

Static wraps its text twice per update (once to size itself, once to draw) and builds it
anew every time. Switching profiles shows texts seen moments before (a profile's details, a
token's summary), so this widget keeps the wrapped lines of the last few keys: showing one
again costs a dictionary lookup and a repaint of its own lines, and no layout pass unless
the number of lines changes."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

KEPT_TEXTS = 16


def own_style(text: Text) -> Style:
    """The style given to the whole Text: `Text.render` leaves it out when it has no spans."""
    return text.style if isinstance(text.style, Style) else Style.parse(text.style or "none")


class TextLines(Widget):
    """`show(build, key)`: draw `build()`; a key seen recently skips building and wrapping."""

    DEFAULT_CSS = "TextLines { height: auto; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self._build: Callable[[], Text] = Text
        self._key: Hashable | None = None
        self._kept: OrderedDict[tuple[Hashable, int], list[Strip]] = OrderedDict()
        self._lines: list[Strip] | None = None
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

    @property
    def plain(self) -> str:
        """The text shown, as plain text (for tests)."""
        return self._build().plain

    def _wrapped(self, width: int) -> list[Strip]:
        if self._lines is not None and self._width == width:
            return self._lines
        cache_key = (self._key, width)
        lines = self._kept.get(cache_key) if self._key is not None else None
        if lines is None:
            lines = self._wrap(self._build(), width)
            if self._key is not None:
                self._kept[cache_key] = lines
                if len(self._kept) > KEPT_TEXTS:
                    self._kept.popitem(last=False)
        else:
            self._kept.move_to_end(cache_key)
        self._lines, self._width = lines, width
        return lines

    def _wrap(self, text: Text, width: int) -> list[Strip]:
        console = self.app.console
        base = self.rich_style
        return [Strip(list(Segment.apply_style(line.render(console), base + own_style(line))))
                for line in text.wrap(console, width)]

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected part of the lines as drawn (mouse selection then Ctrl+C)."""
        lines = self._wrapped(self.content_size.width) if self.content_size.width > 0 else []
        return selection.extract("\n".join(line.text.rstrip() for line in lines)), "\n"

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._wrapped(width)) if width > 0 else 0

    def render_line(self, y: int) -> Strip:
        lines = self._wrapped(self.content_size.width)
        return lines[y] if y < len(lines) else Strip.blank(self.content_size.width)

    def notify_style_update(self) -> None:
        """A theme or class change restyles the text: drop what was drawn in the old style."""
        super().notify_style_update()
        self._kept.clear()
        self._lines = None
