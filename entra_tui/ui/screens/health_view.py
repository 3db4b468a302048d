"""The health view (H) and the test call (T): the token doctor for the selected profile.

The screen draws at once ("Checking ...") and a thread worker runs the doctor (Graph reads,
the test call); the worker only posts `HealthChecked`, whose handler draws the report. Every
string from the directory, the API or the token goes through `safe_text` into `Text`, never
markup. No token is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from entra_tui.core.masking import Masker
from entra_tui.core.safe_text import safe_text
from entra_tui.ui.masked import mask_rich

STYLES = {"ok": ("✓", "green"), "info": ("·", "dim"), "warning": ("!", "yellow"),
          "problem": ("✗", "bold red"), "not checked": ("?", "dim italic")}
VERDICTS = {0: ("Healthy", "bold green"), 1: ("Needs fixing", "bold red"),
            3: ("Profile unusable", "bold red"), 6: ("Could not check everything", "bold yellow")}


@dataclass
class HealthChecked(Message):
    """The doctor's report (or the test call alone), from the worker."""

    report: Any


class HealthView(ModalScreen[None]):
    DEFAULT_CSS = """
    HealthView { align: center middle; }
    HealthView #health-box {
        width: 94%; height: 90%; border: round $accent; background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape,q", "close", "Close", id="health.close"),
                Binding("H,T", "close", "Close", show=False, id="health.close_key"),
                Binding("r", "recheck", "Check again", id="health.recheck")]

    def __init__(self, profile: Any, profiles: Any, acquire: Callable[[Any], Any],
                 token: str | None, clock: Callable[[], float], *,
                 test_call_only: bool = False, correlation_id: str | None = None,
                 masker: Masker | None = None) -> None:
        super().__init__()
        self.profile = profile
        self.profiles = profiles
        self.acquire = acquire
        self.token = token
        self.clock = clock
        self.test_call_only = test_call_only
        self.correlation_id = correlation_id  # the last failed attempt's: its sign-in is read
        self.report: Any = None
        self.masker = masker  # presentation mode: people's details hidden, as in the panes

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="health-box"):
            yield Static(Text(self._waiting(), style="italic"), id="health-body")

    def _waiting(self) -> str:
        what = "Calling the token's API" if self.test_call_only else "Checking"
        return f"{what} for {safe_text(self.profile.name)}…"

    def on_mount(self) -> None:
        box = self.query_one("#health-box")
        box.border_title = "Test call" if self.test_call_only else "Health"
        box.border_subtitle = "Esc closes · r checks again"
        box.focus()
        self.check()

    @work(thread=True, exclusive=True, exit_on_error=False, group="health")
    def check(self) -> None:
        from entra_tui.core.doctor import report_for_test_call, run_doctor

        if self.test_call_only:
            report = report_for_test_call(self.profile, self.token, self.clock())
        else:
            report = run_doctor(self.profile, self.profiles, self.acquire, now=self.clock(),
                                token=self.token, correlation_id=self.correlation_id)
        self.post_message(HealthChecked(report))

    def on_health_checked(self, message: HealthChecked) -> None:
        self.report = message.report
        self.query_one("#health-body", Static).update(
            mask_rich(render_report(message.report), self.masker))

    def action_recheck(self) -> None:
        self.query_one("#health-body", Static).update(Text(self._waiting(), style="italic"))
        self.check()

    def action_close(self) -> None:
        self.workers.cancel_group(self, "health")
        self.dismiss(None)

    @property
    def plain(self) -> str:
        """What the view shows, as plain text (for tests)."""
        content = self.query_one("#health-body", Static).content
        return content.plain if isinstance(content, Text) else str(content)


def render_report(report: Any) -> Text:
    verdict, style = VERDICTS.get(report.exit_code, ("Checked", "bold"))
    text = Text.assemble((verdict, style), f" — {safe_text(report.profile)}")
    if report.graph_profile:
        text.append(f"  (directory read with '{safe_text(report.graph_profile)}')", style="dim")
    area = None
    for finding in report.findings:
        if finding.area != area:
            area = finding.area
            text.append(f"\n\n{area}", style="bold underline")
        mark, mark_style = STYLES.get(finding.level.value, ("·", ""))
        text.append(f"\n {mark} ", style=mark_style)
        text.append(safe_text(finding.text), style="red" if finding.level.value == "problem"
                    else "")
        if finding.fix:
            text.append(f"\n     fix: {safe_text(finding.fix)}", style="italic")
    call = report.test_call
    if call is not None and call.preview:
        text.append("\n")
        for line in call.preview:
            text.append(f"\n     {safe_text(line)}", style="dim")
    return text
