"""The profiles pane: profiles grouped by tenant, numbered 1-9 for quick jumps, each with
its last token state (none, valid and time left, expiring, expired, error), filtered by `/`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from rich.cells import cell_len, split_graphemes
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input

from entra_tui.core.profile_state import ProfileState
from entra_tui.core.profiles import Profile
from entra_tui.core.safe_text import safe_text
from entra_tui.ui.widgets.lines import LinesWidget

# The width of rows read before the first layout (rows are made when drawn, at the list's width).
DEFAULT_WIDTH = 28
NO_TOKEN = ProfileState("none", "–")
STATE_STYLES = {"none": "dim", "working": "cyan", "valid": "green", "expiring": "yellow",
                "expired": "red", "error": "bold red", "cancelled": "dim"}


def cells(text: str) -> int:
    """Terminal cells `text` takes: a CJK character or an emoji takes two."""
    return len(text) if text.isascii() else cell_len(text)


def head(text: str, width: int) -> str:
    """The longest start of `text` that fits in `width` cells (whole characters only)."""
    if text.isascii():
        return text[:max(0, width)]
    spans, _ = split_graphemes(text)
    end, used = 0, 0
    for _start, stop, size in spans:
        if used + size > width:
            break
        end, used = stop, used + size
    return text[:end]


def tail(text: str, width: int) -> str:
    """The longest end of `text` that fits in `width` cells (whole characters only)."""
    if text.isascii():
        return text[len(text) - max(0, min(width, len(text))):]
    spans, _ = split_graphemes(text)
    begin, used = len(text), 0
    for start, _stop, size in reversed(spans):
        if used + size > width:
            break
        begin, used = start, used + size
    return text[begin:]


def pad(text: str, width: int) -> str:
    """`text` padded with spaces to `width` cells."""
    return text + " " * (width - cells(text))


def shorten(text: str, width: int) -> str:
    """Tenant GUIDs are longer than the pane; keep the start, which people recognise."""
    return text if cells(text) <= width else head(text, width - 1) + "…"


def fit_name(name: str, room: int, others: list[str]) -> str:
    """`name` in `room` cells. Cut at the end when no other name starts the same way;
    otherwise keep its end too ("contoso-orders…-west" / "contoso-orders…-east"), so two
    profiles never read the same. Measured in cells: a CJK name takes two per character."""
    if cells(name) <= room:
        return name
    keep = max(1, room - 1)
    start = head(name, keep)
    rivals = [o for o in others if o != name and cells(o) > room]
    if not any(head(o, keep) == start for o in rivals):
        return start + "…"
    third = max(1, keep // 3)  # a readable end first, then whatever tells them apart
    for end_width in [*range(third, keep), *range(1, third)]:
        kept_start, kept_end = head(name, keep - end_width), tail(name, end_width)
        if not kept_start:
            continue  # a wide first character needs two cells: the name's start is shown
        if not any(o.startswith(kept_start) and o.endswith(kept_end) for o in rivals):
            return kept_start + "…" + kept_end
    return start + "…"


class NameFitter:
    """`fit_name` for the names of one listing at one room, with what it compares a name
    with worked out once. Only names that are cut too can read the same as a cut name, only
    those that start with the same character can share its kept start, and most names share
    their whole cut start with none (those are simply cut at the end)."""

    def __init__(self, names: list[str], room: int) -> None:
        keep = max(1, room - 1)
        self.room, self.keep = room, keep
        self.cut_by_first: dict[str, list[str]] = {}
        # `cells` and `head` written out for ASCII names: this runs for every name at each
        # keystroke in the filter.
        for name in dict.fromkeys(names):
            if (len(name) if name.isascii() else cell_len(name)) > room:
                self.cut_by_first.setdefault(name[0], []).append(name)
        self.cut_starts = Counter(name[:keep] if name.isascii() else head(name, keep)
                                  for cut in self.cut_by_first.values() for name in cut)

    def fit(self, name: str) -> str:
        """What `fit_name(name, room, names)` gives."""
        if cells(name) <= self.room:
            return name
        rivals = self.cut_by_first.get(name[0], [])
        start = head(name, self.keep)
        if self.cut_starts[start] - (name in rivals) <= 0:
            return start + "…"
        return fit_name(name, self.room, rivals)


def haystack(profile: Profile) -> str:
    """What the filter searches, in lower case (it matches when every word of the filter is
    in it): anything people remember a profile by."""
    return " ".join((profile.name, profile.tenant, profile.client_id, profile.flow,
                     profile.description)).lower()


class Row(NamedTuple):
    """One row of the listing: a tenant heading or a profile."""

    name: str | None  # the profile's; None on a tenant heading
    label: str  # the tenant or the profile's name, made safe
    number: int  # the profile's place in the listing, from 1 (0 on a heading)


class ProfileFilter(Input):
    """`/` opens it; typing filters; Enter or ↓ goes to the list; Esc clears and closes."""

    BINDINGS = [
        Binding("escape", "close", "Clear filter", id="filter.clear"),
        Binding("down", "to_list", "To the list", show=False, id="filter.down"),
    ]

    def __init__(self, on_change: Callable[[str], None], **options: Any) -> None:
        """`on_change` runs with the new text as it changes: in the same step as the key,
        so the frame that shows the key shows the list it filters (the Changed message
        arrives after a frame of its own)."""
        super().__init__(**options)
        self._on_change = on_change

    def watch_value(self, value: str) -> None:
        self._on_change(value)

    def action_close(self) -> None:
        self.value = ""
        self.display = False
        self.screen.query_one(ProfileList).focus()

    def action_to_list(self) -> None:
        self.screen.query_one(ProfileList).focus()


class ProfileList(LinesWidget, ScrollView, can_focus=True):
    """Arrow keys or j/k move; Enter acquires; a click selects; the highlighted profile is the
    current one. Drawn with the line API: as an OptionList it took ~20 ms to style and draw
    before the first frame, and repainted every row when the highlight moved."""

    BINDINGS = [
        Binding("down,j", "move(1)", "Down", show=False, id="profile.down"),
        Binding("up,k", "move(-1)", "Up", show=False, id="profile.up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="profile.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="profile.page_up"),
        Binding("home", "move_to(0)", "First", show=False, id="profile.first"),
        Binding("end", "move_to(-1)", "Last", show=False, id="profile.last"),
        Binding("enter", "select", "Acquire", show=False, id="profile.select"),
        # Only while a filter is on (check_action): otherwise Esc is the screen's (Cancel).
        Binding("escape", "clear_filter", "Clear filter", id="profile.clear_filter"),
    ]
    COMPONENT_CLASSES = {"profile-list--cursor", "profile-list--hover"}
    DEFAULT_CSS = """
    ProfileList { height: auto; padding: 0 1; color: $foreground; }
    ProfileList:focus { background-tint: $foreground 5%; }
    ProfileList > .profile-list--cursor { color: $foreground;
                                          background: $block-cursor-blurred-background; }
    ProfileList:focus > .profile-list--cursor { color: $block-cursor-foreground;
                                                background: $block-cursor-background;
                                                text-style: $block-cursor-text-style; }
    ProfileList > .profile-list--hover { background: $block-hover-background; }
    """

    class Selected(Message):
        """Enter on a profile: the app acquires a token for it."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return bool(self.needle)
        return True

    def action_clear_filter(self) -> None:
        """Esc in the list while a filter is on: the filter is cleared (and closed), the
        highlighted profile stays highlighted (the box's text goes: the pane lists everything)."""
        for box in self.screen.query(ProfileFilter):
            box.action_close()

    def __init__(self, *, id: str | None = None,  # noqa: A002 - Textual's naming
                 on_highlight: Callable[[str | None], None] | None = None) -> None:
        super().__init__(id=id)
        self._on_highlight = on_highlight
        self.all_profiles: tuple[Profile, ...] = ()
        self.ordered: list[Profile] = []
        self.needle = ""
        self.states: dict[str, ProfileState] = {}
        # Per profile file: each profile's name made safe, and the text the filter searches.
        self._labels: dict[str, str] = {}
        self._haystacks: dict[str, str] = {}
        # Per listing: its rows, where each profile is, and how names are fitted (by the
        # room a name has).
        self._listing: list[Row] = []
        self._row_of: dict[str, int] = {}
        self._fitters: dict[int, NameFitter] = {}
        # The text of each row drawn so far, at `_texts_width`: rows are made only when drawn,
        # so a keystroke in the filter costs the rows on screen, not all of them.
        self._texts: dict[int, Text] = {}
        self._texts_width = 0
        self.highlighted: int | None = None  # the cursor's row
        self._hover: int | None = None
        self._styles: tuple[bool, tuple[Style, Style, Style]] | None = None  # by focus

    # --- content ------------------------------------------------------------------------
    def show_profiles(self, profiles: tuple[Profile, ...], needle: str | None = None) -> None:
        """Group by tenant in file order; number profiles in the order they appear."""
        if profiles is not self.all_profiles:
            self.all_profiles = profiles
            # The profile file is text anyone could edit.
            self._labels = {p.name: safe_text(p.name) for p in profiles}
            self._haystacks = {}  # made at the first filter
        if needle is not None:
            self.needle = needle
        keep = self.highlighted_name
        words = self.needle.lower().split()
        if words and not self._haystacks:
            self._haystacks = {p.name: haystack(p) for p in profiles}
        shown = [p for p in profiles if all(w in self._haystacks[p.name] for w in words)] \
            if words else profiles
        groups: dict[str, list[Profile]] = {}
        for profile in shown:
            groups.setdefault(profile.tenant, []).append(profile)
        self.ordered = [p for group in groups.values() for p in group]
        rows: list[Row] = []
        row_of: dict[str, int] = {}
        for tenant, members in groups.items():
            rows.append(Row(None, safe_text(tenant), 0))
            for profile in members:
                row_of[profile.name] = len(rows)
                rows.append(Row(profile.name, self._labels[profile.name], len(row_of)))
        self._listing, self._row_of = rows, row_of
        self._fitters.clear()
        self._texts.clear()
        self.forget()  # drawn lines are kept by row number: (row, look, focus, width)
        self.highlighted = None
        self._set_row_count(len(rows))
        self.refresh()
        if self.ordered:
            self.highlight_profile(keep if keep in row_of else self.ordered[0].name)
        elif self._on_highlight is not None:
            self._on_highlight(None)

    def _set_row_count(self, count: int) -> None:
        """Rows are cut to the list's width, so only the height scrolls. While the list is
        taller than it can show, before and after, its size on the screen stays: only the
        scrollbar follows, and the screen is not laid out again."""
        size = Size(0, count)
        if size == self.virtual_size:
            return
        visible = self.scrollable_content_region.height
        if visible and min(count, self.virtual_size.height) > visible:
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)  # Textual's own step after a layout: scrollbar, offset
        else:
            self.virtual_size = size  # its height follows the rows: lays the screen out
            if not visible and count > self.app.size.height:
                # Not laid out yet, and more rows than the screen has: the first layout
                # makes room for the scrollbar, rather than a second one after it.
                self.show_vertical_scrollbar = True

    @property
    def highlighted_name(self) -> str | None:
        if self.highlighted is None or self.highlighted >= len(self._listing):
            return None
        return self._listing[self.highlighted].name

    def lines(self) -> list[tuple[str | None, Text]]:
        """Every row as drawn, with its profile's name (None: a tenant heading)."""
        return [(row.name, self._text(index)) for index, row in enumerate(self._listing)]

    def _text(self, index: int) -> Text:
        """Row `index` as drawn at the list's width now, made the first time it is asked for."""
        width = self._row_width()
        if width != self._texts_width:
            self._texts.clear()
            self._texts_width = width
        text = self._texts.get(index)
        if text is None:
            text = self._texts[index] = self._row_text(self._listing[index], width)
        return text

    def _row_text(self, row: Row, width: int) -> Text:
        """A tenant heading, or `1 name           ● 42m`: the state column padded to `width`."""
        if row.name is None:
            return Text(shorten(row.label, width), style="bold cyan")
        state = self.states.get(row.name, NO_TOKEN)
        label = f" {state.label}"
        room = max(4, width - 2 - cells(label))
        name = self._fitter(room).fit(row.label)
        return Text.assemble((f"{row.number} " if row.number <= 9 else "  ", "dim"),
                             pad(name, room), (label, STATE_STYLES[state.kind]))

    def _fitter(self, room: int) -> NameFitter:
        found = self._fitters.get(room)
        if found is None:  # once per listing and room (the room follows the state's width)
            found = self._fitters[room] = NameFitter(
                [row.label for row in self._listing if row.name is not None], room)
        return found

    def _row_width(self) -> int:
        return self.scrollable_content_region.width or DEFAULT_WIDTH

    def set_state(self, name: str, state: ProfileState) -> None:
        """Update one profile's state column (only when it changed: redraws cost time)."""
        if self.states.get(name, NO_TOKEN) == state:
            return
        self.states[name] = state
        row = self._row_of.get(name)
        if row is not None:
            self._texts.pop(row, None)
            self.forget(lambda key: isinstance(key, tuple) and key[0] == row)
            self.refresh_line(row)

    def highlight_profile(self, name: str) -> None:
        row = self._row_of.get(name)
        if row is not None:
            self._move_cursor(row)

    def profile_at(self, number: int) -> Profile | None:
        return self.ordered[number - 1] if 0 < number <= len(self.ordered) else None

    # --- cursor -------------------------------------------------------------------------
    def _move_cursor(self, row: int) -> None:
        previous, self.highlighted = self.highlighted, row
        if previous != row:
            for line in (previous, row):  # only the two rows whose look changed
                if line is not None:
                    self.refresh_line(line)
            self._scroll_to_row(row)
        if self._on_highlight is not None:
            self._on_highlight(self.highlighted_name)

    def _scroll_to_row(self, row: int) -> None:
        """Keep the cursor in view, with its tenant heading when that is the row above."""
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        first = row - 1 if row > 0 and self._listing[row - 1].name is None else row
        if first < top:
            self.scroll_to(y=first, animate=False)
        elif height and row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False)

    def _profile_rows(self) -> list[int]:
        return [i for i, row in enumerate(self._listing) if row.name is not None]

    def action_move(self, step: int) -> None:
        rows = self._profile_rows()
        if not rows:
            return
        at = rows.index(self.highlighted) if self.highlighted in rows else 0
        self._move_cursor(rows[max(0, min(len(rows) - 1, at + step))])

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.scrollable_content_region.height - 1))

    def action_move_to(self, index: int) -> None:
        rows = self._profile_rows()
        if rows:
            self._move_cursor(rows[index])

    def action_select(self) -> None:
        name = self.highlighted_name
        if name is not None:
            self.post_message(self.Selected(name))

    # --- mouse --------------------------------------------------------------------------
    def _row_at(self, y: int) -> int | None:
        row = self.scroll_offset.y + y
        listing = self._listing
        return row if 0 <= row < len(listing) and listing[row].name is not None else None

    def on_click(self, event: events.Click) -> None:
        """A click selects the profile (Enter acquires)."""
        row = self._row_at(event.y)
        if row is not None:
            self._move_cursor(row)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._row_at(event.y))

    def on_leave(self) -> None:
        self._set_hover(None)

    def _set_hover(self, row: int | None) -> None:
        previous, self._hover = self._hover, row
        if previous != row:
            for line in (previous, row):  # each look of a row has its own kept line
                if line is not None:
                    self.refresh_line(line)

    # --- drawing ------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if row >= len(self._listing):
            return Strip.blank(width, self._line_styles()[0])
        look = 1 if row == self.highlighted else 2 if row == self._hover else 0
        # Kept: moving the cursor redraws two rows from the cache.
        strip = self.kept((row, look, self.has_focus, width),
                          lambda: self._draw_row(row, look, width))
        return self.selectable(strip, row)

    def _draw_row(self, row: int, look: int, width: int) -> Strip:
        style = self._line_styles()[look]
        return self.draw_text(self._text(row), style).crop_extend(0, width, style).simplify()

    def _line_styles(self) -> tuple[Style, Style, Style]:
        """The styles of a plain row, the cursor's and the hovered one's, looked up from CSS
        once per focus change (the widget's style walks its ancestors: per row, that cost
        more than making the row)."""
        if self._styles is None or self._styles[0] != self.has_focus:
            base = self.rich_style
            self._styles = (self.has_focus, (
                base, base + self.get_component_rich_style("profile-list--cursor"),
                base + self.get_component_rich_style("profile-list--hover")))
        return self._styles[1]

    def notify_style_update(self) -> None:
        super().notify_style_update()  # the kept lines go too
        self._styles = None

    def selection_lines(self) -> Sequence[str]:
        return [text.plain for _, text in self.lines()]

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
