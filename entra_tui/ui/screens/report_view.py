"""The validation report: will the API behind a profile accept this token?

`v` here verifies the signature (in a thread worker: keys may be fetched) and checks the
report again with the verdict, when the screen that opened it says how (`verify`, `rebuild`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from entra_tui.core.safe_text import safe_text
from entra_tui.core.validation import Check, Outcome, headline

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

    BINDINGS = [Binding("escape,q,V", "close", "Close", id="report.close"),
                Binding("v", "verify", "Verify signature", id="report.verify")]

    class Verified(Message):
        """The worker's verdict (a Verification), or the error that stopped it."""

        def __init__(self, verification: Any, error: str | None = None) -> None:
            super().__init__()
            self.verification = verification
            self.error = error

    def __init__(self, report: list[Check], subject: str, note: str = "", *,
                 verify: Callable[[], Any] | None = None,
                 rebuild: Callable[[Any], list[Check]] | None = None) -> None:
        """`verify()` returns a Verification (run in a thread); `rebuild(verification)`
        records it for the token and returns the report checked with it."""
        super().__init__()
        self.report = report
        self.subject = subject
        self.note = note
        self.verify = verify
        self.rebuild = rebuild
        self.verifying = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="report-box"):
            yield Static(self._verdict(), id="report-verdict")
            if self.note:
                yield Static(Text(safe_text(self.note), style="italic"), id="report-note")
            yield Static(_table(self.report), id="report-table")

    def _verdict(self) -> Text:
        words, kind = headline(self.report)
        style = {"accepted": "bold green", "rejected": "bold red"}.get(kind, "bold yellow")
        return Text.assemble((words, style), f" — {safe_text(self.subject)}")

    def on_mount(self) -> None:
        box = self.query_one("#report-box")
        box.border_title = "Validation report"
        self._subtitle()
        box.focus()

    def _subtitle(self, doing: str = "") -> None:
        can_verify = self.verify is not None and self.rebuild is not None
        self.query_one("#report-box").border_subtitle = doing or (
            "v verifies the signature and checks again · Esc closes" if can_verify
            else "Esc closes")

    def action_verify(self) -> None:
        verify = self.verify
        if verify is None or self.rebuild is None:
            from entra_tui.ui.main_keys import key_hint

            self.notify(f"Close the report and press {key_hint(self.app, 'inspect.verify')} to "
                        "verify the signature, then "
                        f"{key_hint(self.app, 'inspect.report')}.", severity="warning")
            return
        if self.verifying:
            return
        self.verifying = True
        self._subtitle("Verifying the signature… · Esc closes")

        def work() -> None:
            try:
                self.post_message(self.Verified(verify()))
            except Exception as exc:  # noqa: BLE001  (a verdict of its own: never a crash)
                self.post_message(self.Verified(None, type(exc).__name__))

        self.run_worker(work, thread=True, exclusive=True, group="report-verify",
                        exit_on_error=False, description="verify signature")

    def on_report_view_verified(self, message: Verified) -> None:
        self.verifying = False
        self._subtitle()
        if message.verification is None or self.rebuild is None:
            self.notify(f"The signature could not be verified ({message.error}).",
                        severity="error")
            return
        self.report = self.rebuild(message.verification)
        self.query_one("#report-verdict", Static).update(self._verdict())
        self.query_one("#report-table", Static).update(_table(self.report))

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
