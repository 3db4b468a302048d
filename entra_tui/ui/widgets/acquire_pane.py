"""The acquisition pane: what the profile will ask for, the status of the last attempt
and, when it failed, an error panel that says what happened and what to try."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll

from entra_tui.core.masking import Masker
from entra_tui.core.profiles import Profile
from entra_tui.core.results import AcquireError, AcquireResult, FailureKind
from entra_tui.core.safe_text import safe_text
from entra_tui.ui.copying import copy_text
from entra_tui.ui.inert import inert_title
from entra_tui.ui.masked import mask_rich
from entra_tui.ui.widgets.text_lines import TextLines

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class AcquirePane(Vertical):
    """Shows one profile; `working` animates a spinner only while a request is in flight."""

    def compose(self) -> ComposeResult:
        yield TextLines(id="profile-details")
        yield TextLines(id="acquire-status")

    def on_mount(self) -> None:
        self._frame = 0
        self._spinner = self.set_interval(0.1, self._spin, pause=True)
        self._working = False
        self._waiting_text = " Acquiring a token…"

    def show(self, profile: Profile | None, result: AcquireResult | None, working: bool,
             masker: Masker | None = None) -> None:
        # A profile's details only change with the profile (kept by key, unless masked).
        self.query_one("#profile-details", TextLines).show(
            lambda: mask_rich(_details(profile), masker),
            key=profile if masker is None else None)
        self._working = working
        if working:
            self._spinner.resume()
        else:
            self._spinner.pause()
        self.query_one("#acquire-status", TextLines).show(
            mask_rich(self._status(profile, result), masker))
        error = result.error if result is not None and not working else None
        if error is not None and error.kind is FailureKind.CANCELLED:
            error = None  # a cancel is not a failure: nothing to explain
        found = self.query(ErrorPanel)
        if error is None and not found:
            return
        panel = found.first() if found else ErrorPanel(id="error-panel")
        if not found:  # made when first needed: most sessions never fail
            self.mount(panel)
        panel.show_error(error, masker)

    def _spin(self) -> None:
        self._frame += 1
        # Same line, new glyph: no layout pass (ten a second would cost the UI thread).
        self.query_one("#acquire-status", TextLines).show(self._spinner_text())

    def _spinner_text(self) -> Text:
        return Text.assemble((SPINNER[self._frame % len(SPINNER)], "bold"), self._waiting_text)

    def _status(self, profile: Profile | None, result: AcquireResult | None) -> Text:
        if profile is None:
            return Text("")
        self._waiting_text = profile.needs.waiting
        if self._working:
            return self._spinner_text()
        if result is None:
            from entra_tui.ui.main_keys import user_keys

            hint = Text.assemble(("Press ", "dim"))
            for number, key in enumerate(user_keys(self.app, "token.acquire") + ["Enter"]):
                if number:  # the user's key(s) from [ui.keymap], then the list's Enter
                    hint.append(" or ", style="dim")
                hint.append(safe_text(key), style="bold")
            hint.append(" to acquire a token.", style="dim")
            return hint
        when = datetime.fromtimestamp(result.acquired_at).strftime("%H:%M:%S")
        if result.ok:
            text = Text.assemble(("✓ ", "bold green"), "Token from ",
                                 (safe_text(result.source or "?"), "bold"),
                                 f" in {result.elapsed_ms:.0f} ms at {when}")
            if result.account:
                text.append(f" · signed in as {safe_text(result.account)}")
        elif result.error is not None and result.error.kind is FailureKind.CANCELLED:
            text = Text(f"⊘ Cancelled at {when} after {result.elapsed_ms:.0f} ms", style="dim")
        else:
            assert result.error is not None
            text = Text.assemble(("✗ ", "bold red"), f"Failed at {when} after "
                                 f"{result.elapsed_ms:.0f} ms: ",
                                 (safe_text(result.error.title), "bold red"))
        if result.credential:  # which secret/certificate was read for it, never the value
            text.append(f"\n{safe_text(result.credential)}", style="dim")
        return text


class ErrorPanel(VerticalScroll, can_focus=True):
    """The last failure: what it means, what to try, the ids support asks for and
    Microsoft's words. It scrolls when the screen is short, Tab reaches it, and `c` here
    copies the correlation id and timestamp (what a Microsoft support case asks for)."""

    BINDINGS = [Binding("c", "copy_support_ids", "Copy ids for support",
                        tooltip="Copy the correlation id, timestamp and trace id of this "
                                "error: Microsoft support asks for them",
                        id="error.copy_ids")]
    DEFAULT_CSS = """
    ErrorPanel:focus { background: $error 10%; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        self._text = TextLines(id="error-text", trim=True)
        super().__init__(self._text, id=id)
        self.error: AcquireError | None = None

    @property
    def content(self) -> object:
        """What the panel says, as plain text."""
        return self._text.plain

    def show_error(self, error: AcquireError | None, masker: Masker | None = None) -> None:
        self.error = error
        self.display = error is not None
        if error is None:
            return
        self._text.show(mask_rich(error_text(error), masker))
        self.border_title = inert_title(f"{error.title} · {error.kind.value}")
        # w (the main screen) opens the HTTP exchange behind this error, redacted.
        self.border_subtitle = ("c copies ids for support · " if support_ids(error)
                                else "") + "w: wire trace"
        self.scroll_home(animate=False)

    def action_copy_support_ids(self) -> None:
        text = support_ids(self.error) if self.error is not None else ""
        if not text:
            self.notify("This error carries no correlation id: it did not come from the "
                        "identity provider.", severity="warning")
            return
        copy_text(self.app, text, "Correlation id and timestamp")


def support_ids(error: AcquireError) -> str:
    """What a support case needs, one per line: correlation id, timestamp, trace id and the
    error code; empty when the error carries no correlation id."""
    if not error.correlation_id:
        return ""
    lines = [f"Correlation ID: {error.correlation_id}"]
    if error.timestamp:
        lines.append(f"Timestamp: {error.timestamp}")
    if error.trace_id:
        lines.append(f"Trace ID: {error.trace_id}")
    lines.append(f"Error: {error.title}")
    # Server text: inert when pasted into a terminal or a ticket.
    return "\n".join(safe_text(line) for line in lines)


def _details(profile: Profile | None) -> Text:
    if profile is None:
        return Text("No profile selected.", style="dim")
    rows = [
        ("Tenant", profile.tenant),
        ("Authority", profile.authority_host),
        ("Client", profile.client_id),
        ("Flow", profile.needs.label),
        ("Credential", profile.credential_summary),
        ("Scopes", " ".join(profile.scopes)),
    ]
    # Everything from the profile file goes through safe_text (it is text anyone could edit).
    text = Text.assemble((safe_text(profile.name), "bold"))
    if profile.description:
        text.append(f"  {safe_text(profile.description)}", style="dim italic")
    for label, value in rows:
        text.append(f"\n{label:<11}", style="dim")
        text.append(safe_text(value))
    if profile.needs.warning:
        text.append(f"\n⚠ {profile.needs.warning}", style="bold yellow")
    if profile.auto_refresh_minutes:
        text.append(f"\nAuto-refresh {profile.auto_refresh_minutes} min before expiry",
                    style="dim")
    return text


def error_text(error: AcquireError) -> Text:
    """The explanation (AcquireError.explain, which the CLI prints too): what it means and
    what to try first (they fit a small screen), then the ids support asks for, then
    Microsoft's own words. Plain Text, never markup, and every piece through safe_text: a
    server's line breaks and controls are shown escaped."""
    told = error.explain()
    text = Text()
    text.append(safe_text(told.meaning or told.what), style="bold")
    if told.fix:
        text.append("\nTry: ", style="bold")
        text.append(safe_text(told.fix))
    for label, value in told.ids:
        text.append(f"\n{label}: ", style="dim")
        text.append(safe_text(value))
    if told.meaning:
        text.append("\nMicrosoft says: ", style="dim")
        text.append(safe_text(told.what))
    if told.more:
        text.append("\nMore: ", style="dim")
        text.append(safe_text(told.more))
    return text
