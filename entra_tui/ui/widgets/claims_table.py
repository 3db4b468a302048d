"""The claims table: every claim in issuer order, value and readable note, and meaning."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable

from entra_tui.core.claims import explain_claims
from entra_tui.core.masking import Masker
from entra_tui.core.token import DecodedToken

CLAIM_WIDTH = 12
WIDE_ENOUGH_FOR_MEANING = 72
MAX_SHOWN_CHARS = 2000


class ClaimsTable(DataTable):
    """Values wrap within their column; relative times refresh with `refresh_times`."""

    # Shown in the footer while this pane has focus (the app handles the keys anywhere).
    BINDINGS = [Binding("y", "app.copy_claim", "Copy claim", id="claims.copy_here")]

    def __init__(self, clock: Callable[[], float], *, id: str | None = None,  # noqa: A002
                 width_from: Widget | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._clock = clock
        self._token: DecodedToken | None = None
        self._width_from = width_from  # a hidden table has no size: it takes its pane's
        self._value_width = 0
        self.times_refreshed_at = 0.0
        self.presentation = False  # mask e-mails, IPs and object ids (screen sharing)

    async def _on_click(self, event: events.Click) -> None:
        """One click on a claim selects it (DataTable wants two): the app copies its value."""
        before = self.cursor_coordinate
        await super()._on_click(event)
        row = event.style.meta.get("row", -1)
        if row >= 0 and self.cursor_coordinate != before:
            self._post_selected_message()

    @property
    def token(self) -> DecodedToken | None:
        return self._token

    def show_token(self, token: DecodedToken | None) -> None:
        self._token = token
        self._rebuild()

    def forget(self) -> None:
        """Drop the token and its rows (the table is rebuilt when next used)."""
        self.show_token(None)

    def _masker(self) -> Masker | None:
        return Masker(self._token.claims) if self.presentation and self._token else None

    def on_resize(self, event: events.Resize) -> None:
        if self._value_width != self._widths()[0]:
            self._rebuild()
        else:
            # Columns have fixed widths that did not change, so the rendered rows are still
            # right: skip DataTable's resize handler, which would throw its render caches
            # away (a table shown again after being hidden would be drawn from scratch).
            event.prevent_default()

    @property
    def _width(self) -> int:
        if self._width_from is not None:
            return self._width_from.content_size.width
        return self.size.width

    def refresh_times(self) -> None:
        """Relative times ("in 54 min") drift; update just those cells."""
        self.times_refreshed_at = self._clock()
        if self._token is None:
            return
        narrow = self._widths()[1] == 0
        masker = self._masker()
        for row in explain_claims(self._token, self._clock()):
            if row.is_time:
                cell = _value_cell(row.value, row.note, masker)
                if narrow and row.meaning:
                    cell.append(f"\n{row.meaning}", style="dim")
                self.update_cell(row.name, "value", cell, update_width=False)

    def _widths(self) -> tuple[int, int]:
        """(value, meaning) widths filling the table; meaning 0 when too narrow for it."""
        width = self._width
        columns = 3 if width >= WIDE_ENOUGH_FOR_MEANING else 2
        # Each column has one cell of padding either side; keep room for the scrollbar.
        available = max(20, width - CLAIM_WIDTH - 2 * columns - 2)
        if columns == 2:
            return available, 0
        value = available * 11 // 20
        return value, available - value

    def _rebuild(self) -> None:
        value_width, meaning_width = self._widths()
        self._value_width = value_width
        self.clear(columns=True)
        self.add_column("Claim", width=CLAIM_WIDTH, key="claim")
        self.add_column("Value", width=value_width, key="value")
        if meaning_width:
            self.add_column("Meaning", width=meaning_width, key="meaning")
        if self._token is None:
            return
        widths = (CLAIM_WIDTH, value_width, meaning_width)
        self.times_refreshed_at = self._clock()
        masker = self._masker()
        for row in explain_claims(self._token, self._clock()):
            cells = [Text(row.name, style="bold"), _value_cell(row.value, row.note, masker)]
            if meaning_width:
                cells.append(Text(row.meaning, style="dim"))
            elif row.meaning:
                cells[1].append(f"\n{row.meaning}", style="dim")
            self.add_row(*cells, key=row.name, height=_height(cells, widths))


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


def _height(cells: list[Text], widths: tuple[int, ...]) -> int:
    """Rows' wrapped height, computed here: letting DataTable measure each cell (height=None)
    cost ~50 ms per switch. Wraps like Rich does: at spaces, folding longer words."""
    return max(_lines(cell.plain, width) for cell, width in zip(cells, widths, strict=False))


def _lines(text: str, width: int) -> int:
    if width <= 0:
        return 1
    return sum(len(textwrap.wrap(line, width, break_on_hyphens=False)) or 1
               for line in text.split("\n"))
