"""The claims pane: one claims table that keeps the rows of the last tokens shown, so
switching back to a token swaps its drawn rows in (no new layout of the pane, no wrapping)."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical

from entra_tui.core.token import DecodedToken
from entra_tui.ui.widgets.claims_table import ClaimsTable


class ClaimsView(Vertical):
    def __init__(self, clock: Callable[[], float], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._table = ClaimsTable(clock, width_from=self)

    def compose(self) -> ComposeResult:
        yield self._table

    @property
    def current(self) -> ClaimsTable:
        return self._table

    def show_token(self, token: DecodedToken | None) -> None:
        self._table.show_token(token)

    def set_presentation(self, on: bool) -> None:
        self._table.presentation = on
        self._table.forget()
        self._table.show_token(self._table.token)

    def refresh_times(self) -> None:
        self._table.refresh_times()
