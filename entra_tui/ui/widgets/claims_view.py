"""The claims pane keeps the tables of recently shown tokens, so switching back to a token
shows a table that is already built and rendered (a new table costs ~35 ms to fill and draw,
showing a kept one only a layout pass). Each token's cursor position is kept too."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical

from entra_tui.core.token import DecodedToken
from entra_tui.ui.widgets.claims_table import ClaimsTable

KEPT_TABLES = 6


class ClaimsView(Vertical):
    def __init__(self, clock: Callable[[], float], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._clock = clock
        self._tables = [ClaimsTable(clock, width_from=self)]
        self._recent: list[ClaimsTable] = list(self._tables)  # most recently shown first
        self.presentation = False

    def compose(self) -> ComposeResult:
        yield from self._tables

    def on_mount(self) -> None:
        # The other tables are made after the first frame: a faster start.
        self.call_after_refresh(self._add_spare_tables)

    def _add_spare_tables(self) -> None:
        spares = [ClaimsTable(self._clock, width_from=self) for _ in range(KEPT_TABLES - 1)]
        for table in spares:
            table.display = False
        self._tables.extend(spares)
        self._recent.extend(spares)
        self.mount_all(spares)

    @property
    def current(self) -> ClaimsTable:
        return self._recent[0]

    def show_token(self, token: DecodedToken | None) -> None:
        previous = self.current
        table = next((t for t in self._recent if t.token is token
                      and t.presentation == self.presentation), None)
        if table is None:  # the least recently shown table gets the new token
            table = self._recent[-1]
            table.presentation = self.presentation
            table.show_token(token)
        elif table is not previous and self._clock() - table.times_refreshed_at >= 30:
            # Its relative times drifted while hidden. (Only then: updating cells throws
            # the table's render caches away.)
            table.refresh_times()
        self._recent.remove(table)
        self._recent.insert(0, table)
        if table is not previous:
            had_focus = previous.has_focus
            table.display = True
            previous.display = False
            if had_focus:
                table.focus()

    def set_presentation(self, on: bool) -> None:
        self.presentation = on
        for table in self._tables:
            if table is not self.current:
                table.forget()  # built with the other masking: rebuild when next used
        self.current.presentation = on
        self.current.show_token(self.current.token)

    def refresh_times(self) -> None:
        self.current.refresh_times()
