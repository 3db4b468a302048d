"""The base of every widget drawn with Textual's line API (`render_line`).

These widgets draw lines of Rich Text that seldom change between frames: switching back to a
profile or a token shows lines drawn moments before. Each widget keeps what it drew in one
`textual.cache.LRUCache` (`kept`), keyed by what decides a line's look (its text, width,
cursor, focus); a theme or class change restyles everything, so the cache is dropped then.
Lines that belong to objects which come and go (the claims table's rows, one set per token)
are kept on those objects instead: a cache keyed by such an object holds it, and all it drew,
until pushed out, long after nothing can ask for it again.

Text selection works as in Textual's own widgets: a line carries its place in the widget's
text (`Strip.apply_offsets`), from which Textual turns a mouse drag into a `Selection`;
`get_selection` cuts that selection out of `selection_lines()`, the text of each line as
drawn, and `selectable` draws the selected span in the screen's selection style.

Textual reads a line's place only from the line under the mouse, which it asks `render_line`
for at that moment; lines drawn for the screen (through `render_lines`) go without it:
giving every segment of every new line its own style cost a tenth of drawing a new token.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Region
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

Kept = TypeVar("Kept")
_MISSING = object()

# A mixin, not a Widget subclass: Textual inherits DEFAULT_CSS (and CSS type names) along the
# first DOMNode base only, so `class X(LinesWidget, ScrollView)` with LinesWidget a Widget
# would lose ScrollView's CSS (its scrollbars). Type checkers see a Widget.
if TYPE_CHECKING:
    _WidgetBase = Widget
else:
    _WidgetBase = object


def own_style(text: Text) -> Style:
    """The style given to the whole Text: `Text.render` leaves it out when it has no spans."""
    return text.style if isinstance(text.style, Style) else Style.parse(text.style or "none")


class LinesWidget(_WidgetBase):
    """What a widget drawn line by line shares: keeping what it drew, and letting the mouse
    select it. Mixed in before the widget class: `class X(LinesWidget, Widget)` or
    `class X(LinesWidget, ScrollView)`.

    Subclasses draw in `render_line` through `kept(key, draw)` and return
    `selectable(strip, y)`, where `y` is the line's number in `selection_lines()`."""

    KEPT: ClassVar[int] = 512  # lines (or, for TextLines, wrapped texts) kept per widget
    # This widget's part of the screen's selection, as Textual last told it (looking it up
    # on the screen for every line drawn cost more than drawing a kept line).
    _selection: Selection | None = None
    _drawing = False  # inside render_lines: the lines are for the screen, not the mouse

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._drawn: LRUCache[Hashable, object] = LRUCache(self.KEPT)

    # --- what was drawn -----------------------------------------------------------------
    def kept(self, key: Hashable, draw: Callable[[], Kept]) -> Kept:
        """What `draw()` made for `key`, made now if it is not kept (or no longer)."""
        found = self._drawn.get(key, _MISSING)
        if found is _MISSING:
            found = draw()
            self._drawn[key] = found
        return cast(Kept, found)

    def forget(self, which: Callable[[Hashable], bool] | None = None) -> None:
        """Drop what was kept (only the keys `which` picks, when given)."""
        if which is None:
            self._drawn.clear()
            return
        for key in list(filter(which, self._drawn.keys())):
            self._drawn.discard(key)

    def notify_style_update(self) -> None:
        """A theme or class change restyles every line: what was drawn in the old style goes."""
        super().notify_style_update()
        self.forget()

    def draw_text(self, line: Text, style: Style) -> Strip:
        """One line of Rich Text as a strip: `style` (the widget's), then the Text's own, then
        its spans."""
        segments = Segment.apply_style(line.render(self.app.console), style + own_style(line))
        return Strip(list(segments))

    # --- selection ----------------------------------------------------------------------
    def selection_lines(self) -> Sequence[str]:
        """The text of every line, as drawn, in the order `selectable`'s `y` counts them."""
        return ()

    def selectable(self, strip: Strip, y: int) -> Strip:
        """`strip`, line `y` of `selection_lines()`, ready to draw: the mouse can select in
        it, and the selected part of it shows."""
        selection = self._selection
        if selection is not None and (span := selection.get_span(y)) is not None:
            style = self.screen.get_component_rich_style("screen--selection", partial=True)
            strip = highlighted(strip, *span, style)
        return strip if self._drawing else strip.apply_offsets(0, y)

    def render_lines(self, crop: Region) -> list[Strip]:
        self._drawing = True
        try:
            return super().render_lines(crop)
        finally:
            self._drawing = False

    def selection_updated(self, selection: Selection | None) -> None:
        self._selection = selection
        super().selection_updated(selection)  # redraws

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text (a mouse drag, then Ctrl+C), as it reads on the screen."""
        lines = [line.rstrip() for line in self.selection_lines()]
        return selection.extract("\n".join(lines)), "\n"


def highlighted(strip: Strip, start: int, end: int, style: Style) -> Strip:
    """`strip` with its characters `start` to `end` (-1: to the end) drawn over in `style`.
    Offsets count characters, as `Strip.apply_offsets` does."""
    segments: list[Segment] = []
    position = 0
    for segment in strip:
        text, own, control = segment
        length = len(text)
        first = max(start, position) - position
        last = (length if end == -1 else min(end, position + length) - position)
        position += length
        if control or first >= last:
            segments.append(segment)
            continue
        if first:
            segments.append(Segment(text[:first], own))
        segments.append(Segment(text[first:last], own + style if own else style))
        if last < length:
            segments.append(Segment(text[last:], own))
    return Strip(segments, strip.cell_length)
