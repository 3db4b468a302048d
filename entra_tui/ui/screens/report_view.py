"""The validation report: will the API behind a profile accept this token?"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from entra_tui.core.safe_text import safe_text
from entra_tui.core.validation import Check, Outcome, passed

MARKS = {Outcome.PASSED: ("✓ passed", "green"), Outcome.FAILED: ("✗ failed", "red"),
         Outcome.NOT_CHECKED: ("· not checked", "dim")}


class ReportView(ModalScreen[None]):
    # Its own CSS, read when it first opens rather than at start-up.
    DEFAULT_CSS = """
    ReportView { align: center middle; }
    ReportView #report-box {
        width: 92%; height: 85%; border: round $accent; background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape,q,V", "close", "Close", id="report.close")]

    def __init__(self, report: list[Check], subject: str, note: str = "") -> None:
        super().__init__()
        self.report = report
        self.subject = subject
        self.note = note

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="report-box"):
            verdict = passed(self.report)
            yield Static(Text.assemble(
                ("Accepted" if verdict else "Rejected", f"bold {'green' if verdict else 'red'}"),
                f" — {safe_text(self.subject)}"), id="report-verdict")
            if self.note:
                yield Static(Text(safe_text(self.note), style="italic"), id="report-note")
            yield Static(_table(self.report), id="report-table")

    def on_mount(self) -> None:
        box = self.query_one("#report-box")
        box.border_title = "Validation report"
        box.border_subtitle = "Esc closes · v verifies the signature first"
        box.focus()

    def action_close(self) -> None:
        self.dismiss(None)


def _table(report: list[Check]) -> Table:
    table = Table(box=None, expand=True, show_header=True, header_style="bold")
    table.add_column("Check", no_wrap=True)
    table.add_column("Outcome", no_wrap=True)
    table.add_column("Why", ratio=1)
    for check in report:
        mark, style = MARKS[check.outcome]
        # Text cells: a str cell would be parsed as Rich markup, and reasons quote the token.
        table.add_row(Text(safe_text(check.name)), Text(mark, style=style),
                      Text(safe_text(check.reason)))
    return table
