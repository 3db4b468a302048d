"""The claims table: every claim in issuer order, value and readable note, and meaning."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widgets import DataTable

from entra_tui.core.claims import explain_claims
from entra_tui.core.token import DecodedToken

CLAIM_WIDTH = 12


class ClaimsTable(DataTable):
    """Values wrap within their column; relative times refresh with `refresh_times`."""

    def __init__(self, clock: Callable[[], float], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._clock = clock
        self._token: DecodedToken | None = None
        self._value_width = 0

    def show_token(self, token: DecodedToken | None) -> None:
        self._token = token
        self._rebuild()

    def on_resize(self) -> None:
        if self._value_width != self._widths()[0]:
            self._rebuild()

    def refresh_times(self) -> None:
        """Relative times ("in 54 min") drift; update just those cells."""
        if self._token is None:
            return
        for row in explain_claims(self._token, self._clock()):
            if row.is_time:
                self.update_cell(row.name, "value", _value_cell(row.value, row.note),
                                 update_width=False)

    def _widths(self) -> tuple[int, int]:
        available = max(40, self.size.width - CLAIM_WIDTH - 8)
        value = max(24, available * 11 // 20)
        return value, max(16, available - value)

    def _rebuild(self) -> None:
        value_width, meaning_width = self._widths()
        self._value_width = value_width
        self.clear(columns=True)
        self.add_column("Claim", width=CLAIM_WIDTH, key="claim")
        self.add_column("Value", width=value_width, key="value")
        self.add_column("Meaning", width=meaning_width, key="meaning")
        if self._token is None:
            return
        for row in explain_claims(self._token, self._clock()):
            self.add_row(
                Text(row.name, style="bold"),
                _value_cell(row.value, row.note),
                Text(row.meaning, style="dim"),
                key=row.name,
                height=None,
            )


def _value_cell(value: str, note: str) -> Text:
    text = Text(value)
    if note:
        text.append(f"\n{note}", style="italic dim")
    return text
