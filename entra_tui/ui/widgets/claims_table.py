"""The claims table: every claim in issuer order, value and readable note, and meaning.

Drawn line by line (Textual's line API) rather than with DataTable: rows are wrapped once
into strips and kept with the row, so showing a token costs what its visible rows cost, and a
token shown again costs a swap of its kept rows. DataTable drew every visible cell through Rich
anew after each change (~35 ms for a token here). A row's height comes from the very wrap that
draws it (`wrap_cell`)."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from itertools import islice
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from entra_tui.core.claims import ClaimRow, explain_claims
from entra_tui.core.masking import Masker
from entra_tui.core.safe_text import safe_text
from entra_tui.core.token import DecodedToken
from entra_tui.ui.widgets.lines import LinesWidget

CLAIM_WIDTH = 12  # the claim column's least width (most names are shorter)
MAX_CLAIM_WIDTH = 24  # and its most: as wide as the longest name, up to a fifth of the table
WIDE_ENOUGH_FOR_MEANING = 72
MAX_SHOWN_CHARS = 2000
MAX_NAMES = 500  # claim names measured for the claim column (a hostile token has many)
HEADINGS = ("Claim", "Value", "Meaning")


KEPT_TOKENS = 6


class Row:
    """One claim: its cells, the lines each cell wraps into (the same lines give the row's
    height and are drawn), joined into strips on first draw, and those lines as last drawn
    (in the table's look `look`: width, focus, styles). What a row drew lives and dies with
    the row, so the table holds lines only of the tokens it keeps: a row whose cells change
    is a new Row, and a token that leaves the kept few takes its lines with it. (Kept by the
    table in one cache keyed by row, the lines of rows long gone stayed until pushed out,
    several times the kept tokens' own: a heap every full collection walked.)
    (Plain slotted classes here: dataclasses took ~1.5 ms each to create at start-up.)"""

    __slots__ = ("name", "cells", "height", "wrapped", "lines", "look", "drawn")

    def __init__(self, name: str, cells: list[Text], height: int) -> None:
        self.name = name
        self.cells = cells
        self.height = height
        self.wrapped: list[list[Text]] = []
        self.lines: list[Strip] | None = None
        self.look: tuple[int, bool, int] | None = None
        self.drawn: dict[tuple[int, int], Strip] = {}  # (line, cursor/stripe state) -> line

    def drawn_line(self, look: tuple[int, bool, int], key: tuple[int, int],
                   draw: Callable[[], Strip]) -> Strip:
        """Line `key` as drawn in `look`, drawn now if it was not (or in another look)."""
        if look != self.look:
            self.look, self.drawn = look, {}
        found = self.drawn.get(key)
        if found is None:
            found = self.drawn[key] = draw()
        return found


class Shown:
    """One token's rows as built for the table (kept for the last few tokens shown)."""

    __slots__ = ("token", "rows", "tops", "widths", "presentation", "cursor_row", "scroll_y",
                 "times_refreshed_at")

    def __init__(self, token: DecodedToken | None, rows: list[Row], tops: list[int],
                 widths: tuple[int, int, int], presentation: bool, cursor_row: int = 0,
                 scroll_y: float = 0, times_refreshed_at: float = 0.0) -> None:
        self.token = token
        self.rows = rows
        self.tops = tops
        self.widths = widths
        self.presentation = presentation
        self.cursor_row = cursor_row
        self.scroll_y = scroll_y
        self.times_refreshed_at = times_refreshed_at


class ClaimsTable(LinesWidget, ScrollView, can_focus=True):
    """Values wrap within their column; ↑↓ select a claim; Enter, y or a click copy it."""

    BINDINGS = [
        Binding("y", "app.copy_claim", "Copy claim", id="claims.copy_here"),
        Binding("enter", "select", "Copy claim", show=False, id="claims.select"),
        Binding("up,k", "move(-1)", "Up", show=False, id="claims.up"),
        Binding("down,j", "move(1)", "Down", show=False, id="claims.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="claims.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="claims.page_down"),
        Binding("home", "move_to(0)", "First", show=False, id="claims.first"),
        Binding("end", "move_to(-1)", "Last", show=False, id="claims.last"),
    ]
    COMPONENT_CLASSES = {"claims--header", "claims--cursor", "claims--stripe"}
    DEFAULT_CSS = """
    ClaimsTable > .claims--header { text-style: bold; color: $text; background: $panel; }
    ClaimsTable > .claims--stripe { background: $surface-lighten-1 20%; }
    ClaimsTable > .claims--cursor { background: $block-cursor-blurred-background; }
    ClaimsTable:focus > .claims--cursor { background: $block-cursor-background;
                                          color: $block-cursor-foreground; }
    """
    KEPT = KEPT_TOKENS  # only the header, per column widths: rows keep their own lines

    class RowSelected(Message):
        """Enter or a click on a claim: the app copies its value."""

        def __init__(self, table: ClaimsTable, name: str) -> None:
            super().__init__()
            self.table = table
            self.name = name

    def __init__(self, clock: Callable[[], float], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._clock = clock
        self._token: DecodedToken | None = None
        self._rows: list[Row] = []
        self._tops: list[int] = []  # first content line of each row
        self._widths = (CLAIM_WIDTH, 0, 0)
        self.cursor_row = 0
        self.times_refreshed_at = 0.0
        self.presentation = False  # mask e-mails, IPs and object ids (screen sharing)
        # The last tokens shown, by (token, column widths, presentation): showing one again
        # swaps its built rows (and their drawn lines) back in, with its cursor and scroll
        # position. Keyed by the token's id: the kept Shown holds the token, so the id is
        # not reused while it is kept.
        self._tokens: LRUCache[tuple[int, tuple[int, int, int], bool], Shown] = \
            LRUCache(KEPT_TOKENS)
        self._shown: Shown | None = None
        self._styles: tuple[bool, tuple[Style, Style, Style]] | None = None
        self._look_number = 0  # counts style changes: the rows' lines drawn before go

    # --- content ------------------------------------------------------------------------
    @property
    def token(self) -> DecodedToken | None:
        return self._token

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def selected_claim(self) -> str | None:
        return self._rows[self.cursor_row].name if self._rows else None

    def get_row(self, name: str) -> list[Text]:
        return next(row.cells for row in self._rows if row.name == name)

    def get_row_at(self, index: int) -> list[Text]:
        return self._rows[index].cells

    def row_height(self, index: int) -> int:
        return self._rows[index].height

    def show_token(self, token: DecodedToken | None) -> None:
        current = self._shown
        if current is not None:
            current.cursor_row, current.scroll_y = self.cursor_row, self.scroll_offset.y
            current.times_refreshed_at = self.times_refreshed_at
        kept = self._tokens.get((id(token), self._column_widths(token), self.presentation))
        if kept is None:
            self._token = token
            self.cursor_row = 0
            self._rebuild()
            self._keep_shown()
            self.scroll_to(y=0, animate=False)
            return
        self._shown = kept
        self._token, self._rows, self._tops, self._widths = (
            kept.token, kept.rows, kept.tops, kept.widths)
        self.cursor_row, self.times_refreshed_at = kept.cursor_row, kept.times_refreshed_at
        self._set_virtual_size()
        self.scroll_to(y=kept.scroll_y, animate=False)
        if self._clock() - self.times_refreshed_at >= 30:
            self.refresh_times()  # relative times drifted while it was not shown
        self.refresh()

    def _keep_shown(self) -> Shown:
        """Keep the token just built (its rows, widths and presentation) as the one shown."""
        shown = self._shown = Shown(self._token, self._rows, self._tops, self._widths,
                                    self.presentation, self.cursor_row, self.scroll_offset.y,
                                    self.times_refreshed_at)
        self._tokens[(id(self._token), self._widths, self.presentation)] = shown
        return shown

    def _forget_token(self, token: DecodedToken | None) -> None:
        for key in [key for key in list(self._tokens.keys()) if key[0] == id(token)]:
            self._tokens.discard(key)

    # Directory names (the token doctor) for the last tokens named, most recent first:
    # (token, claim -> (line, masked line)). Kept per token, so a switch back costs nothing.
    _named: list[tuple[DecodedToken, dict[str, tuple[str, str]]]] = []

    def show_names(self, token: DecodedToken, names: dict[str, tuple[str, str]]) -> None:
        """Show directory names under the claims of `token` (one line per claim, and its
        presentation-mode form), as a worker delivers them; only a shown token is redrawn."""
        if next((n for t, n in self._named if t is token), None) == names:
            return  # already there (the same token shown again)
        self._named = [(token, dict(names)),
                       *[(t, n) for t, n in self._named if t is not token]][:4 * KEPT_TOKENS]
        self._forget_token(token)  # built without the names
        if token is self._token:
            self._rebuild()
            self._keep_shown()

    def set_presentation(self, on: bool) -> None:
        """Mask (or show again) personal values: every kept token is built anew."""
        self.presentation = on
        self._tokens.clear()
        self._shown = None
        self.show_token(self._token)

    def refresh_times(self) -> None:
        """Relative times ("in 54 min") drift; rebuild just those rows."""
        self.times_refreshed_at = self._clock()
        if self._token is None:
            return
        masker = self._masker()
        by_name = {row.name: index for index, row in enumerate(self._rows)}
        for explained in explain_claims(self._token, self._clock()):
            index = by_name.get(explained.name)
            if explained.is_time and index is not None:
                # A new Row (in place: a kept token shares this list): its old lines are
                # kept under the old one, and age out.
                self._rows[index] = Row(explained.name, self._cells(explained, masker), 0)
        self._layout_rows()
        self.refresh()

    def _masker(self) -> Masker | None:
        return Masker(self._token.claims) if self.presentation and self._token else None

    def _column_widths(self, token: DecodedToken | None) -> tuple[int, int, int]:
        """(claim, value, meaning) widths filling the table; meaning 0 when too narrow. The
        claim column is as wide as `token`'s longest claim name, within CLAIM_WIDTH and
        MAX_CLAIM_WIDTH and a fifth of the table ("preferred_username" whole at 200 columns,
        not "preferred_us" / "ername")."""
        width = self.size.width
        columns = 3 if width >= WIDE_ENOUGH_FOR_MEANING else 2
        longest = max((cell_len(safe_text(name)) for name in islice(token.claims, MAX_NAMES)
                       if isinstance(name, str)), default=0) if token is not None else 0
        claim = max(CLAIM_WIDTH, min(longest, MAX_CLAIM_WIDTH, width // 5))
        # Each column has one cell of padding either side; keep room for the scrollbar.
        available = max(20, width - claim - 2 * columns - 2)
        if columns == 2:
            return claim, available, 0
        value = available * 11 // 20
        return claim, value, available - value

    def _cells(self, row: ClaimRow, masker: Masker | None) -> list[Text]:
        # The name comes from the token too; the value and note are made safe in the core
        # (a note's line breaks are ours, between safe pieces).
        value = _list_lines(self._token.claims.get(row.name) if self._token else None,
                            self._widths[1]) or row.value
        cells = [Text(safe_text(row.name), style="bold"), _value_cell(value, row.note, masker)]
        claim = row.name
        named = next((n.get(claim) for t, n in self._named if t is self._token), None)
        if named is not None:
            line = named[1] if masker is not None else named[0]
            cells[1].append(f"\n{safe_text(masker.apply(line) if masker else line)}",
                            style="green")
        if self._widths[2]:
            cells.append(Text(row.meaning, style="dim"))
        elif row.meaning:
            cells[1].append(f"\n{row.meaning}", style="dim")
        return cells

    def _rebuild(self) -> None:
        self._widths = self._column_widths(self._token)
        self.times_refreshed_at = self._clock()
        masker = self._masker()
        self._rows = [] if self._token is None else [
            Row(explained.name, self._cells(explained, masker), 0)
            for explained in explain_claims(self._token, self._clock())]
        self._tops = []
        self._layout_rows()
        self.refresh()

    def _layout_rows(self) -> None:
        top = 0
        self._tops.clear()  # in place: a kept token shares these lists
        console = self.app.console
        for row in self._rows:
            # The row is as tall as its cells wrap to, with the very wrap that draws them
            # (Rich's, by cell width: CJK and emoji take two columns each).
            row.wrapped = [wrap_cell(cell, console, width) for cell, width
                           in zip(row.cells, self._widths, strict=False)]
            row.height = max(1, *(len(lines) for lines in row.wrapped))
            self._tops.append(top)
            top += row.height
        self._set_virtual_size()

    def _set_virtual_size(self) -> None:
        height = self._tops[-1] + self._rows[-1].height if self._rows else 0
        size = Size(sum(self._widths) + 2 * len(HEADINGS), height + 1)
        before, pane = self.virtual_size, self.scrollable_content_region.height
        if size.width == before.width and min(before.height, size.height) > pane > 0 \
                and self.show_vertical_scrollbar:
            # Taller than the pane before and after: only the scrollbar's thumb changes, so
            # switching between tokens of different heights needs no layout pass.
            self.set_reactive(ClaimsTable.virtual_size, size)
            self.vertical_scrollbar.window_virtual_size = size.height
            self.refresh()
            return
        self.virtual_size = size

    def on_resize(self, event: events.Resize) -> None:
        if self._column_widths(self._token) != self._widths:
            self._tokens.clear()  # built for the old width
            self._shown = None
            self.show_token(self._token)

    # --- drawing ------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base, cursor, stripe = self._line_styles()
        if y == 0:
            return self.selectable(self._header_strip().crop_extend(0, width, base), 0)
        line = self.scroll_offset.y + y - 1
        index = bisect.bisect_right(self._tops, line) - 1
        if index < 0 or not self._rows:
            return Strip.blank(width, base)
        row = self._rows[index]
        number = line - self._tops[index]
        if number >= row.height:
            return Strip.blank(width, base)
        state = 2 if index == self.cursor_row else index % 2
        style = (base, stripe, cursor)[state]
        # Kept: redrawing a row (the cursor moved, the token came back) costs a lookup.
        styled = row.drawn_line((width, self.has_focus, self._look_number), (number, state),
                                lambda: self._styled(self._row_lines(row)[number], style, width))
        return self.selectable(styled, line + 1)

    @staticmethod
    def _styled(line: Strip, style: Style, width: int) -> Strip:
        """`line` `width` cells wide in `style` (under the cells' own styles), its segments
        of one style joined (as `selectable` needs), in one new strip."""
        cropped = line.crop_extend(0, width, None)
        return Strip(Segment.simplify(Segment.apply_style(cropped, style)), width)

    def _line_styles(self) -> tuple[Style, Style, Style]:
        """(base, cursor, stripe) styles; computing them from CSS per line was a third of the
        cost of drawing a token. Recomputed when styles or focus change (held here, not among
        the kept lines: this runs for every line drawn)."""
        key = self.has_focus
        if self._styles is None or self._styles[0] != key:
            base = self.rich_style
            self._styles = (key, (
                base, base + self.get_component_rich_style("claims--cursor"),
                base + self.get_component_rich_style("claims--stripe")))
        return self._styles[1]

    def notify_style_update(self) -> None:
        super().notify_style_update()  # the kept header goes too
        self._styles = None
        self._look_number += 1  # and each row's lines, when it is next drawn

    def _header_strip(self) -> Strip:
        def header() -> Strip:
            style = self.get_component_rich_style("claims--header")
            cells = [Text(h) for h, w in zip(HEADINGS, self._widths, strict=True) if w]
            return _join(self, [c.wrap(self.app.console, w)[0:1]
                                for c, w in zip(cells, self._widths, strict=False)],
                         self._widths, 1)[0].apply_style(style).simplify()

        return self.kept(("header", self._widths), header)

    def selection_lines(self) -> Sequence[str]:
        """The heading, then every line of every row (as `render_line` numbers them)."""
        lines = [self._header_strip().text]
        for row in self._rows:
            lines.extend(strip.text for strip in self._row_lines(row))
        return lines

    def _row_lines(self, row: Row) -> list[Strip]:
        if row.lines is None:
            row.lines = _join(self, row.wrapped, self._widths, row.height)
        return row.lines

    # --- cursor and mouse ---------------------------------------------------------------
    def move_cursor(self, *, row: int) -> None:
        if not self._rows:
            return
        self.cursor_row = max(0, min(row, len(self._rows) - 1))
        top, height = self._tops[self.cursor_row], self._rows[self.cursor_row].height
        visible = max(1, self.scrollable_content_region.height - 1)
        if top < self.scroll_offset.y:
            self.scroll_to(y=top, animate=False)
        elif top + height > self.scroll_offset.y + visible:
            self.scroll_to(y=top + min(height, visible) - visible, animate=False)
        self.refresh()

    def action_move(self, step: int) -> None:
        self.move_cursor(row=self.cursor_row + step)

    def action_move_to(self, row: int) -> None:
        self.move_cursor(row=row if row >= 0 else len(self._rows) - 1)

    def action_page(self, direction: int) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)
        line = self._tops[self.cursor_row] + direction * visible if self._rows else 0
        self.move_cursor(row=bisect.bisect_right(self._tops, max(0, line)) - 1)

    def action_select(self) -> None:
        if self._rows:
            self.post_message(self.RowSelected(self, self._rows[self.cursor_row].name))

    def on_click(self, event: events.Click) -> None:
        """One click on a claim selects it and copies its value."""
        if event.y < 1 or not self._rows:
            return
        line = self.scroll_offset.y + event.y - 1
        index = bisect.bisect_right(self._tops, line) - 1
        if 0 <= index < len(self._rows) and line < self._tops[-1] + self._rows[-1].height:
            self.move_cursor(row=index)
            self.action_select()


def _join(widget: Widget, wrapped: list[list[Text]], widths: tuple[int, ...],
          height: int) -> list[Strip]:
    """Cells side by side, one space of padding either side, `height` lines."""
    console = widget.app.console
    lines = []
    for number in range(height):
        segments: list[Segment] = []
        for cell_lines, width in zip(wrapped, widths, strict=False):
            if not width:
                continue
            segments.append(Segment(" "))
            if number < len(cell_lines):
                text = cell_lines[number].copy()
                # Lines come from wrap_cell and fit; should one not, it shows that it was cut.
                text.truncate(width, overflow="ellipsis", pad=True)
                segments.extend(text.render(console))
            else:
                segments.append(Segment(" " * width))
            segments.append(Segment(" "))
        lines.append(Strip(segments))
    return lines


def _value_cell(value: str, note: str, masker: Masker | None = None) -> Text:
    if masker is not None:
        value, note = masker.apply(value), masker.apply(note)
    if len(value) > MAX_SHOWN_CHARS:  # a hostile 1 MB claim must not freeze the screen
        hidden = len(value) - MAX_SHOWN_CHARS
        value = f"{value[:MAX_SHOWN_CHARS]}… ({hidden:,} more characters; r shows them all)"
    text = Text(value)
    if note:
        text.append(f"\n{note}", style="italic dim")
    return text


def wrap_cell(cell: Text, console: Console, width: int) -> list[Text]:
    """The lines `cell` is drawn as in a column `width` cells wide: Rich's wrap at spaces,
    folding a word longer than the column. A one-line cell that fits is kept as it is (most
    cells: no wrap needed to know it)."""
    if width <= 0:
        return []
    plain = cell.plain
    if "\n" not in plain and cell_len(plain) <= width:
        return [cell]
    return _no_stranded_punctuation(list(cell.wrap(console, width, overflow="fold")), width)


TRAILING_PUNCTUATION = frozenset(",;:.)]}")


def _no_stranded_punctuation(lines: list[Text], width: int) -> list[Text]:
    """A word one character longer than the column (a GUID and its `)` or `,`) folds into
    the column and a line starting with that character alone. Its last letter goes down with
    it when the line below has room, so no line starts with a stranded `)` or `,`."""
    for index in range(1, len(lines)):
        above, line = lines[index - 1], lines[index]
        text = line.plain
        if not text or text[0] not in TRAILING_PUNCTUATION:
            continue
        last = above.plain[-1:]
        if not last or last.isspace() or cell_len(above.plain) < width \
                or cell_len(text) + cell_len(last) > width:
            continue  # not a fold (the line above ended at a space or short of the edge)
        lines[index - 1] = above[:-1]
        lines[index] = Text.assemble(above[-1:], line)
    return lines


def _list_lines(value: Any, width: int) -> str | None:
    """A list of strings with an item wider than the value column, one item per line: joined
    with ", " it folded inside items and left separators alone on a line (a lone `,` under
    each GUID at some widths). None when the list fits the usual `a, b, c` form."""
    if not (isinstance(value, list) and value and width > 0
            and all(isinstance(v, str) for v in value)):
        return None
    items = [safe_text(v) for v in value]
    if all(cell_len(item) < width for item in items):
        return None
    return "\n".join(items)
