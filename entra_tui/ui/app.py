"""The entra-tui application: three panes (profiles, acquisition, claims and expiry).

Thin on purpose: it wires widgets to the core, runs MSAL in thread workers and keeps the
per-profile results. Widgets render; the core decides.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape as markup_escape
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.theme import Theme
from textual.timer import Timer
from textual.widgets import Footer, Header
from textual.worker import Worker, WorkerState

from entra_tui.core.clipboard import ClipboardGuard, SystemClipboard
from entra_tui.core.errors import ConfigError
from entra_tui.core.expectations import Expectations
from entra_tui.core.history import InspectedToken, TokenHistory
from entra_tui.core.masking import Masker
from entra_tui.core.profile_store import ProfileStore
from entra_tui.core.profiles import DEFAULT_CLIPBOARD_CLEAR_SECONDS, Profile, ProfileSet
from entra_tui.core.results import AcquireError, AcquireResult, FailureKind
from entra_tui.core.runs import ProfileRun, Runs
from entra_tui.core.safe_text import safe_text
from entra_tui.core.session import DeviceCodePrompt, SessionManager
from entra_tui.core.token import DecodedToken
from entra_tui.ui.inert import inert_lines, inert_markup
from entra_tui.ui.lazy import static_on_first_use
from entra_tui.ui.messages import (
    AcquisitionFinished,
    DeviceCodeShown,
    SignInUrlShown,
    VerificationDone,
)
from entra_tui.ui.widgets.acquire_pane import AcquirePane
from entra_tui.ui.widgets.claims_table import ClaimsTable
from entra_tui.ui.widgets.expiry_bar import ExpiryBar
from entra_tui.ui.widgets.profile_list import NO_TOKEN, ProfileFilter, ProfileList
from entra_tui.ui.widgets.token_summary import TokenSummary

if TYPE_CHECKING:
    from entra_tui.core.verify import KeyFetcher, Verification


def _freeze_startup_objects() -> None:
    """Move everything alive after start-up (modules, styles, widgets) out of the garbage
    collector's sight: a full collection then scans what was made since, taking ~5 ms
    instead of ~100 ms (which was a visible stutter every few seconds of use). The command
    line turns the collector off while starting (`cli.run_tui`); it comes back on here."""
    import gc

    gc.freeze()  # no collect first: that alone would be the ~100 ms pause this avoids
    gc.enable()


def _size_class(size: int, breakpoints: list[tuple[int, str]]) -> str:
    """The class of the largest breakpoint `size` reaches, as Textual's resize would pick."""
    return max((b for b in breakpoints if size >= b[0]), default=breakpoints[0])[1]


SPINNER_DELAY = 0.15  # seconds an acquisition runs before the pane says it is working
INTERACTIVE_URL_SECONDS = 300  # a sign-in URL stays shown as long as MSAL waits for it


class EntraTuiApp(App[None]):
    """Keyboard-first token inspector for Entra app registrations."""

    TITLE = "entra-tui"
    AUTO_FOCUS = "#profiles"
    CSS_PATH = "app.tcss"
    # Classes on the screen that let the stylesheet compact panes on small terminals.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]
    BINDINGS = [
        Binding("a", "acquire", "Acquire", id="token.acquire"),
        Binding("A", "acquire(True)", "Fresh token", id="token.acquire_fresh",
                tooltip="Skip MSAL's cache and ask the identity provider"),
        Binding("c", "copy_token", "Copy token", id="token.copy"),
        Binding("C", "copy_header", "Copy header", show=False, id="token.copy_header",
                tooltip="Copy an 'Authorization: Bearer ...' header"),
        Binding("i", "copy_id_token", "Copy ID token", show=False, id="token.copy_id"),
        Binding("u", "copy_curl", "Copy as curl", show=False, id="token.copy_curl",
                tooltip="A curl command calling the token's audience (Graph: /me or "
                        "/organization)"),
        Binding("y", "copy_claim", "Copy claim", show=False, id="claims.copy",
                tooltip="Copy the selected claim's value"),
        Binding("f1,question_mark", "help", "Help", id="app.help"),
        Binding("m", "toggle_presentation", "Presentation mode", show=False,
                id="screen.presentation",
                tooltip="Hide e-mail addresses, UPNs, IP addresses and object ids for "
                        "screen sharing"),
        Binding("x", "sign_out", "Sign out", show=False, id="token.sign_out",
                tooltip="Clear this profile's cached tokens (memory and disk)"),
        Binding("p", "paste_token", "Paste", id="inspect.paste",
                tooltip="Inspect a token from anywhere: JWT, Bearer value, header or URL"),
        Binding("P", "inspect_clipboard", "Inspect clipboard", show=False,
                id="inspect.clipboard"),
        Binding("v", "verify", "Verify", id="inspect.verify",
                tooltip="Check the signature with the issuer's published keys"),
        Binding("K", "verify_with_file", "Verify with key file", show=False,
                id="inspect.verify_file"),
        Binding("V", "validation_report", "Report", id="inspect.report",
                tooltip="Will the API behind the selected profile accept this token?"),
        Binding("r", "raw_view", "Raw", id="inspect.raw"),
        Binding("left_square_bracket", "history(-1)", "Older token", show=False,
                id="history.back"),
        Binding("right_square_bracket", "history(1)", "Newer token", show=False,
                id="history.forward"),
        # Priority: handled as it arrives, so the keys typed right after it reach the filter.
        Binding("slash", "filter_profiles", "Filter", id="profiles.filter", priority=True,
                tooltip="Type to filter profiles by name, tenant, client id, flow or "
                        "description"),
        Binding("f5", "reload_profiles", "Reload", show=False, id="profiles.reload"),
        Binding("n", "new_profile", "New profile", show=False, id="profiles.new"),
        Binding("e", "edit_profile", "Edit", id="profiles.edit",
                tooltip="Edit, or rename, the selected profile in a form"),
        Binding("D", "duplicate_profile", "Duplicate profile", show=False,
                id="profiles.duplicate"),
        Binding("I", "import_profiles", "Import profiles", show=False, id="profiles.import",
                tooltip="From the AZURE_* environment variables or the Azure CLI's "
                        "azureProfile.json (references only, never secret values)"),
        Binding("d,delete", "delete_profile", "Delete profile", show=False,
                id="profiles.delete"),
        Binding("escape", "cancel_acquisition", "Cancel", show=False, id="token.cancel",
                tooltip="Stop waiting for the selected profile's token request"),
        Binding("q", "quit", "Quit", id="app.quit"),
        *[Binding(str(n), f"jump({n})", f"Profile {n}", show=False, id=f"profiles.jump{n}")
          for n in range(1, 10)],
    ]

    def __init__(
        self,
        *,
        profiles: ProfileSet | None,
        config_error: ConfigError | None = None,
        session: SessionManager | None = None,
        clock: Callable[[], float] = time.time,
        system_clipboard: SystemClipboard | None = None,
        on_first_frame: Callable[[], None] | None = None,
        reload: Callable[[], ProfileSet] | None = None,
        subtitle: str = "",
    ) -> None:
        super().__init__()
        self.profile_set = profiles
        self.config_error = config_error
        self.session = session or SessionManager()
        self.clock = clock
        self.system_clipboard = system_clipboard or SystemClipboard()
        self._on_first_frame = on_first_frame
        self._reload = reload
        self.sub_title = subtitle
        self.runs = Runs()  # one record per profile: attempts, tokens, requests, refreshes
        self.history = TokenHistory()
        self.viewing: InspectedToken | None = None
        self.verifying: set[int] = set()
        self._key_fetcher: KeyFetcher | None = None
        self.current: Profile | None = None
        self.presentation = False
        self.clipboard_guard = ClipboardGuard(self.system_clipboard, clock)
        self._clipboard_timer: Timer | None = None
        self._saved_theme = profiles.ui.theme if profiles is not None else None
        if self._saved_theme in self.available_themes:
            self.theme = self._saved_theme

    # Read-only views of the runs, by profile name (tests and the screenshot script read them).
    @property
    def attempts(self) -> dict[str, AcquireResult]:
        return {run.name: run.attempt for run in self.runs if run.attempt is not None}

    @property
    def tokens(self) -> dict[str, AcquireResult]:
        return {run.name: run.token for run in self.runs if run.token is not None}

    @property
    def working(self) -> set[str]:
        return {run.name for run in self.runs if run.working}

    @property
    def refresh_timers(self) -> dict[str, float]:
        return {run.name: run.refresh_at for run in self.runs if run.refresh_at is not None}

    @property
    def sign_in_urls(self) -> dict[str, str]:
        return {run.name: run.sign_in_url for run in self.runs if run.sign_in_url is not None}

    def get_default_screen(self) -> Screen:
        """The main screen, made with the size classes its first resize would give it: added
        after the first styling, they restyled every widget again (~40 ms of start-up)."""
        width, height = self.size
        classes = {_size_class(width, self.HORIZONTAL_BREAKPOINTS),
                   _size_class(height, self.VERTICAL_BREAKPOINTS)}
        return Screen(id="_default", classes=" ".join(sorted(classes)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The main screen's keys are off while a dialog is open (q must not quit from a
        form, a must not start a request behind a dialog); Ctrl+Q and Ctrl+P still work."""
        return not (isinstance(self.screen, ModalScreen) and action in MAIN_ACTIONS)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Never markup: messages carry claim names, profile names and server text (`[/]`
        crashed the app, `[@click=...]` ran an action). Each line goes through safe_text, so
        only our own line breaks break lines."""
        super().notify("\n".join(safe_text(line) for line in str(message).split("\n")),
                       title=safe_text(title), severity=severity, timeout=timeout,
                       markup=False)

    def _fatal_error(self) -> None:
        """Textual's crash report, without local variables: they held the token being
        decoded (and could hold a secret)."""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        self._exit_renderables.append(Segments(self.console.render(
            Traceback(show_locals=False, width=None, suppress=[rich]), self.console.options)))
        self._close_messages_no_wait()

    # --- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="profiles-pane"):
                yield ProfileList(id="profiles", on_highlight=self._highlighted)
            with Vertical(id="right"):
                yield AcquirePane(id="acquire")
                with Vertical(id="token-pane"):
                    yield TokenSummary(id="summary")
                    yield ExpiryBar(self.clock, id="expiry")
                    yield ClaimsTable(self.clock, id="claims")
        yield Footer()

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.query_one("#profiles-pane").border_title = "Profiles"
        self.query_one("#acquire").border_title = "Acquisition"
        self.query_one("#token-pane").border_title = "Claims & expiry"
        self.query_one("#token-pane").border_subtitle = "[ ] older/newer"
        self._show_profiles()
        self.set_interval(30, self._refresh_relative_times)
        self.set_timer(1.0, _freeze_startup_objects)
        if not self.is_headless:
            self._quit_on_signals()
        if self._on_first_frame is not None:
            # After the first frame has reached the terminal: a thread importing crypto would
            # otherwise hold the GIL while Textual's writer thread draws it.
            self.call_after_refresh(self.set_timer, 0.15, partial(
                self._start_background, self._on_first_frame))

    def _quit_on_signals(self) -> None:
        """`kill` and a closed terminal (SIGTERM, SIGHUP) quit as q does: Python would just
        stop, leaving the terminal raw, the clipboard full and the demo's files behind."""
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        for number in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)):
            if number is not None:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(number, self.call_later, self.action_quit)

    def _start_background(self, task: Callable[[], None]) -> None:
        self.run_worker(task, thread=True, group="startup", exit_on_error=False)

    def _show_profiles(self) -> None:
        profile_list = self.query_one(ProfileList)
        profiles = self.profile_set.profiles if self.profile_set is not None else ()
        if self.config_error is not None:
            note = (f"Cannot load profiles.\n{safe_text(self.config_error)}\n\n"
                    "The file was not changed. Fix it and press F5 to reload.")
            profiles = ()
        elif not profiles:
            where = self.profile_set.path if self.profile_set else "the profile file"
            note = (f"No profiles in {safe_text(where)}.\nSee the README for the format, or run "
                    "entra-tui --demo to try the sandbox tenant.")
        else:
            note = ""
        profile_list.show_profiles(profiles)
        if not note and not profile_list.ordered:
            note = (f"No profile matches '{safe_text(profile_list.needle)}'. Esc clears the "
                    "filter.")
        if note or self.query("#profiles-message"):
            message = static_on_first_use(self.query_one("#profiles-pane"), "profiles-message")
            message.update(Text("\n".join(safe_text(line) for line in note.split("\n"))))
            message.set_class(self.config_error is not None, "error")
            message.display = bool(note)
        name = profile_list.highlighted_name
        self._select(self.profile_set.get(name) if name and self.profile_set else None)
        self._update_states()

    # --- palette and theme ----------------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Ctrl+P: Textual's commands (theme, keys, quit), every action, every profile."""
        yield from super().get_system_commands(screen)
        if screen is not self.screen_stack[0]:
            return
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding) or binding.id.startswith("profiles.jump") \
                    or binding.action == "quit":
                continue
            key = self.get_key_display(binding)
            yield SystemCommand(f"{binding.description} ({key})", binding.tooltip or "",
                                partial(self.run_action, binding.action))
        for profile in self.profile_set.profiles if self.profile_set else ():
            # The palette parses titles and help as markup: profile file text is escaped.
            yield SystemCommand(markup_escape(safe_text(f"Switch to profile {profile.name}")),
                                markup_escape(safe_text(
                                    f"{profile.tenant} · {profile.flow}" + (
                                        f" · {profile.description}" if profile.description
                                        else ""))),
                                partial(self.switch_to, profile.name))

    def switch_to(self, name: str) -> None:
        """Select profile `name`, clearing a filter that hides it."""
        profile_list = self.query_one(ProfileList)
        if name not in [p.name for p in profile_list.ordered]:
            for box in self.query(ProfileFilter):
                box.action_close()
            # Now, not when the box's Changed message arrives: the profile must be listed
            # before it can be highlighted.
            profile_list.needle = ""
            self._show_profiles()
        profile_list.highlight_profile(name)
        profile_list.focus()

    def _remember_theme(self, theme: Theme) -> None:
        if theme.name == self._saved_theme or self.config_error is not None \
                or self.profile_set is None:
            return
        self._saved_theme = theme.name
        store = ProfileStore(self.profile_set.path)

        def save() -> None:
            try:
                store.set_ui("theme", theme.name)
            except (ConfigError, OSError) as exc:
                self.call_from_thread(self.notify, f"Theme not remembered: {exc}",
                                      severity="warning")

        self.run_worker(save, thread=True, group="save-theme", exclusive=True,
                        exit_on_error=False, description="remember theme")

    # --- filter and per-profile state ---------------------------------------------------
    async def action_filter_profiles(self) -> None:
        box = next(iter(self.query(ProfileFilter)), None)
        if box is None:  # made on first use: an Input cost ~15 ms of start-up styling
            box = ProfileFilter(placeholder="type to filter…", id="profile-filter")
            profile_list = self.query_one(ProfileList)
            await profile_list.parent.mount(box, before=profile_list)  # type: ignore[union-attr]
        if self.focused is box:  # a / typed in the filter itself
            box.insert_text_at_cursor("/")
            return
        box.display = True
        self.screen.set_focus(box)

    def on_input_changed(self, event: ProfileFilter.Changed) -> None:
        if isinstance(event.input, ProfileFilter):
            self.query_one(ProfileList).needle = event.value
            self._show_profiles()

    def on_input_submitted(self, event: ProfileFilter.Submitted) -> None:
        if isinstance(event.input, ProfileFilter):
            self.query_one(ProfileList).focus()

    def _update_states(self, *names: str) -> None:
        """Refresh the state column of `names` (all profiles when none are given)."""
        profile_list = self.query_one(ProfileList)
        now = self.clock()
        for name in names or [p.name for p in profile_list.ordered]:
            run = self.runs.find(name)
            profile_list.set_state(name, run.state(now) if run is not None else NO_TOKEN)

    # --- selection ----------------------------------------------------------------------
    def _highlighted(self, name: str | None) -> None:
        """Called as the highlight moves (not later, by message): "j j a" typed fast must
        acquire for the profile two down."""
        if name is not None and self.profile_set is not None:
            self._select(self.profile_set.get(name))

    def on_profile_list_selected(self, event: ProfileList.Selected) -> None:
        self.action_acquire()

    def action_jump(self, number: int) -> None:
        profile = self.query_one(ProfileList).profile_at(number)
        if profile is not None:
            self.query_one(ProfileList).highlight_profile(profile.name)
            # Select now, not when the highlight message arrives: "2 a" typed fast must
            # acquire for profile 2.
            self._select(profile)

    def _select(self, profile: Profile | None) -> None:
        if profile is self.current and profile is not None:
            return
        self.current = profile
        self._render_current()
        latest = self.history.latest_for(profile.name) if profile else None
        pasted_in_view = self.viewing is not None and self.viewing.profile_name is None
        # A pasted token stays in view while the user picks a profile to check it against.
        if latest is not None or not pasted_in_view:
            self.view(latest)

    def _render_current(self) -> None:
        profile = self.current
        run = self.runs.find(profile.name) if profile else None
        self.query_one(AcquirePane).show(profile, run.attempt if run else None,
                                         run is not None and run.working, self.masker)

    # --- the token being inspected -------------------------------------------------------
    def view(self, entry: InspectedToken | None) -> None:
        """Show `entry` in the claims and expiry pane (None: the pane says there is none)."""
        self.viewing = entry
        token = entry.token if entry else None
        self.query_one(ExpiryBar).show_token(token)
        self.claims_table.show_token(token)
        self._render_summary()

    def _render_summary(self) -> None:
        # Where the token came from is in the summary, not the pane's border: a new border
        # title repaints the whole pane (a tenth of a profile switch's frame).
        entry = self.viewing
        self.query_one(TokenSummary).show_entry(
            entry, position=(self.history.position(entry), len(self.history)) if entry
            else (0, 0), verifying=entry is not None and entry.id in self.verifying,
            masker=self.masker)

    def inspect(self, token: DecodedToken, origin: str,
                profile_name: str | None = None) -> InspectedToken:
        entry = self.history.add(InspectedToken(token=token, origin=origin,
                                                added_at=self.clock(),
                                                profile_name=profile_name))
        self.view(entry)
        return entry

    def action_history(self, offset: int) -> None:
        entry = self.history.step(self.viewing, offset)
        if entry is None:
            self.notify("No tokens inspected yet: acquire one (a) or paste one (p).")
            return
        self.view(entry)

    def action_paste_token(self) -> None:
        from entra_tui.ui.screens.paste_dialog import PasteDialog  # lazily: TextArea is heavy

        self.push_screen(PasteDialog(), self._pasted)

    def action_inspect_clipboard(self) -> None:
        text = self.system_clipboard.paste()
        if text is None:
            self.notify("No system clipboard here: press p and paste with your terminal.",
                        severity="warning")
            return
        from entra_tui.ui.screens.paste_dialog import PasteDialog

        self.push_screen(PasteDialog(text), self._pasted)

    def _pasted(self, pasted: tuple[Any, DecodedToken] | None) -> None:
        if pasted is not None:
            found, token = pasted
            self.inspect(token, f"pasted ({found.found_in})")

    def action_raw_view(self) -> None:
        if self._need_token():
            from entra_tui.ui.screens.raw_view import RawView  # lazily: pulls in Pygments

            self.push_screen(RawView(self.viewing.token, self.masker))  # type: ignore[union-attr]

    def action_verify(self) -> None:
        entry = self._need_token()
        if entry is None or entry.id in self.verifying:
            return
        profile = self.profile_set.get(entry.profile_name) if (
            self.profile_set and entry.profile_name) else None
        authority = profile.authority_host if profile else None
        self._start_verification(entry, lambda: self.key_fetcher.verify(entry.token, authority))

    def action_verify_with_file(self) -> None:
        entry = self._need_token()
        if entry is None:
            return

        def chosen(path: object) -> None:
            if path is not None:
                from entra_tui.core.verify import verify_with_file

                self._start_verification(entry, lambda: verify_with_file(entry.token, path))

        from entra_tui.ui.screens.file_prompt import FilePrompt

        self.push_screen(FilePrompt("Path of a JWKS (JSON) or PEM key/certificate file:"),
                         chosen)

    @property
    def key_fetcher(self) -> KeyFetcher:
        """Made on first use; trusts every profile's authority for fetching keys."""
        if self._key_fetcher is None:
            from entra_tui.core.verify import KeyFetcher

            self._key_fetcher = KeyFetcher()
        if self.profile_set is not None:
            for profile in self.profile_set.profiles:
                self._key_fetcher.trust(profile.authority_host, profile.ca_bundle)
        return self._key_fetcher

    def _start_verification(self, entry: InspectedToken,
                            check: Callable[[], Verification]) -> None:
        self.verifying.add(entry.id)
        self._render_summary()

        def work() -> None:
            self.post_message(VerificationDone(entry.id, check()))

        self.run_worker(work, thread=True, group="verify", exit_on_error=False,
                        description="verify signature")

    def on_verification_done(self, message: VerificationDone) -> None:
        self.verifying.discard(message.entry_id)
        target = self.history.find(message.entry_id)
        if target is not None:
            target.verification = message.verification
        self._render_summary()


    def action_validation_report(self) -> None:
        entry = self._need_token()
        if entry is None:
            return
        profile = self.current
        expect = profile.expect if profile else Expectations()
        from entra_tui.core.validation import profile_context, validation_report

        source = self.profile_set.get(entry.profile_name) if (
            self.profile_set and entry.profile_name) else None
        report = validation_report(entry.token, expect, self.clock(), entry.verification,
                                   **profile_context(source or profile, entry.token,
                                                     source is not None))
        subject = (f"{entry.origin}, checked against what profile {profile.name} expects"
                   if profile else f"{entry.origin} (no profile selected)")
        note = "" if not expect.empty else (
            "This profile declares no expectations, so only times and the signature are "
            "checked. Add a [profiles.NAME.expect] table (see the README).")
        from entra_tui.ui.screens.report_view import ReportView

        self.push_screen(ReportView(report, subject, note))

    def _need_token(self) -> InspectedToken | None:
        if self.viewing is None:
            self.notify("No token shown: acquire one (a) or paste one (p).", severity="warning")
        return self.viewing

    # --- acquisition --------------------------------------------------------------------
    def action_acquire(self, fresh: bool = False) -> None:
        if self.current is None:
            self.notify("No profile selected.", severity="warning")
            return
        self.start_acquisition(self.current, fresh)

    def start_acquisition(self, profile: Profile, fresh: bool = False) -> None:
        """Run MSAL for `profile` in a thread; the UI stays live and other profiles usable."""
        run = self.runs.of(profile)
        if run.working:
            return
        assertion = None
        if profile.flow == "on_behalf_of":
            source = self.runs.find(profile.assertion_profile)
            assertion = source.token.access_token if source and source.token else None
        run.start()
        self.run_worker(
            partial(self._acquire_in_thread, run, fresh, assertion), thread=True,
            group=f"acquire:{profile.name}", exclusive=True, exit_on_error=False,
            description=f"acquire {profile.name}")
        # The spinner appears only if the answer takes a while: a cache hit or a quick
        # identity provider then shows the token as the next frame, with no flicker, and
        # MSAL's thread does not compete with drawing a state that is already over.
        self.set_timer(SPINNER_DELAY, partial(self._show_working, run))

    def _show_working(self, run: ProfileRun) -> None:
        if run.working and self.runs.is_live(run):
            if self.current is not None and self.current.name == run.name:
                self._render_current()
            self._update_states(run.name)

    def _acquire_in_thread(self, run: ProfileRun, fresh: bool, assertion: str | None) -> None:
        """The worker: MSAL, then the token decoded here, then one message back."""
        def show_code(prompt: DeviceCodePrompt) -> None:
            self.post_message(DeviceCodeShown(run, prompt))

        def show_url(url: str) -> None:
            self.post_message(SignInUrlShown(run, url))

        started = time.time()
        try:
            result = self.session.acquire(run.profile, force_refresh=fresh,
                                          on_device_code=show_code, cancel=run.cancel,
                                          user_assertion=assertion, on_sign_in_url=show_url)
        except Exception:  # a bug, not an answer: say so and leave the profile usable
            result = AcquireResult(run.name, started, (time.time() - started) * 1000,
                                   error=AcquireError(FailureKind.CONFIGURATION,
                                                      "acquisition stopped unexpectedly"))
            self.post_message(AcquisitionFinished(run, result))
            raise
        self.post_message(AcquisitionFinished.decoded(run, result))

    def on_sign_in_url_shown(self, message: SignInUrlShown) -> None:
        """No browser could be opened (headless, SSH): the sign-in waits for the user to
        open the URL elsewhere; show it until the sign-in ends, and let `c` copy it."""
        run = message.run
        if not run.working or not self.runs.is_live(run):
            return  # cancelled meanwhile
        run.sign_in_url = message.url
        self.notify(f"No browser could be opened. To sign in, open this URL in a browser "
                    f"(c copies it; Esc cancels):\n{safe_text(message.url)}",
                    title=safe_text(run.name), severity="warning",
                    timeout=INTERACTIVE_URL_SECONDS, markup=False)

    def on_device_code_shown(self, message: DeviceCodeShown) -> None:
        from entra_tui.ui.screens.device_code import DeviceCodeScreen

        run = message.run
        screen = DeviceCodeScreen(run.name, message.prompt, run.cancel, self.clock)
        run.device_prompt = screen
        self.push_screen(screen)

    def _close_device_code(self, run: ProfileRun) -> None:
        screen, run.device_prompt = run.device_prompt, None
        if isinstance(screen, Screen) and screen.is_attached and self.screen is screen:
            screen.dismiss(None)

    def action_cancel_acquisition(self) -> None:
        run = self.runs.find(self.current.name) if self.current else None
        if run is not None and run.working:
            run.cancel.set()

    def cancel_all(self) -> None:
        """Stop every sign-in in flight (device code, browser), e.g. when the app quits, so
        no worker thread keeps the process alive."""
        self.runs.cancel_all()

    def action_sign_out(self) -> None:
        profile = self.current
        if profile is None:
            return
        run = self.runs.of(profile)
        if run.working:
            run.cancel.set()

        def work() -> None:
            removed = self.session.sign_out(profile)
            self.call_from_thread(self._signed_out, run, removed)

        self.run_worker(work, thread=True, group=f"signout:{profile.name}",
                        exit_on_error=False, description=f"sign out {profile.name}")

    def _signed_out(self, run: ProfileRun, removed: int) -> None:
        run.forget_tokens()
        name = run.name
        self._update_states(name)
        self.notify(f"{safe_text(name)}: cached tokens cleared ({removed} item"
                    f"{'s' if removed != 1 else ''}); the next acquisition goes to the "
                    "identity provider.")
        if self.current is not None and self.current.name == name:
            self._render_current()
            if self.viewing is not None and self.viewing.profile_name == name:
                self.view(None)

    def _schedule_auto_refresh(self, run: ProfileRun, token: DecodedToken) -> None:
        minutes = run.profile.auto_refresh_minutes
        exp = token.time_claim("exp")
        if not minutes or exp is None:
            return
        delay = max(5.0, exp - minutes * 60 - self.clock())
        run.schedule_refresh(self.clock() + delay,
                             self.set_timer(delay, partial(self._refresh_due, run)))

    def _refresh_due(self, run: ProfileRun) -> None:
        """A refresh comes due: only for a run still in the profile file as it was."""
        run.refresh_timer = None
        if self.runs.is_live(run):
            self.start_acquisition(run.profile, True)

    def on_acquisition_finished(self, message: AcquisitionFinished) -> None:
        """The one way back from an acquisition worker."""
        run, result = message.run, message.result
        if not self.runs.is_live(run):  # the profile was deleted or changed meanwhile
            self._close_device_code(run)
            return
        url = run.sign_in_url
        run.finish(result)
        # A failure keeps the last good token shown and copyable; the error panel says why.
        if message.decode_error is not None:
            # Some resources issue opaque access tokens; the token is still usable and copyable.
            self.notify(f"The access token cannot be decoded: {safe_text(message.decode_error)}",
                        severity="warning")
        elif message.token is not None:
            entry = self.history.add(InspectedToken(
                token=message.token, origin=f"{run.name} from {result.source}",
                added_at=result.acquired_at, profile_name=run.name))
            if self.current is not None and self.current.name == run.name:
                self.view(entry)
            self._schedule_auto_refresh(run, message.token)
        self._after_result(run, result, url)

    def _after_result(self, run: ProfileRun, result: AcquireResult, url: str | None) -> None:
        if url is not None:  # the sign-in is over: its URL is no longer wanted on screen
            for note in list(self._notifications):
                if url in note.message:
                    self._unnotify(note)
        self._update_states(run.name)
        for warning in result.warnings:
            self.notify(safe_text(warning), title=run.name, severity="warning", timeout=10)
        self._close_device_code(run)
        if self.current is not None and self.current.name == run.name:
            self._render_current()
        elif result.error is not None:
            self.notify(f"{safe_text(run.name)}: {result.error.title}", severity="error")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.group == "startup":
            self.notify("The sandbox tenant failed to start.", severity="error")

    # --- clipboard ----------------------------------------------------------------------
    def action_copy_token(self) -> None:
        run = self.runs.find(self.current.name) if self.current else None
        if run is not None and run.working and run.sign_in_url is not None:
            self.copy_secret_text(run.sign_in_url, "Sign-in URL")
            return
        entry = self.viewing
        if entry is None:
            self.notify("No token to copy yet: press a to acquire one.", severity="warning")
            return
        self.copy_secret_text(entry.token.raw,
                              "Access token" if entry.profile_name else "Token")

    def action_copy_header(self) -> None:
        entry = self._need_token()
        if entry is not None:
            self.copy_secret_text(f"Authorization: Bearer {entry.token.raw}",
                                  "Authorization header")

    def action_copy_id_token(self) -> None:
        run = self.runs.find(self.current.name) if self.current else None
        result = run.token if run else None
        if result is None or not result.id_token:
            self.notify("No ID token: only user sign-ins (device code, browser, password) "
                        "return one.", severity="warning")
            return
        self.copy_secret_text(result.id_token, "ID token")

    def action_copy_curl(self) -> None:
        entry = self._need_token()
        if entry is not None:
            from entra_tui.core.curl import curl_command

            self.copy_secret_text(curl_command(entry.token), "curl command")

    def action_copy_claim(self) -> None:
        entry = self._need_token()
        if entry is None:
            return
        name = self.claims_table.selected_claim
        if name is None:
            return
        value = entry.token.claims.get(name)
        import json

        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        self.copy_secret_text(text, f"Claim {safe_text(name)}")

    @property
    def claims_table(self) -> ClaimsTable:
        return self.query_one(ClaimsTable)

    def on_claims_table_row_selected(self, event: ClaimsTable.RowSelected) -> None:
        """Enter on a claim, or a click on it, copies its value (like y)."""
        self.action_copy_claim()

    def action_help(self) -> None:
        from entra_tui.ui.screens.help import HelpScreen

        focused = self.focused.id if self.focused is not None else None
        self.push_screen(HelpScreen([b for b in self.BINDINGS if isinstance(b, Binding)
                                     and not b.id.startswith("profiles.jump")]
                                    + [Binding("1-9", "", "Jump to profile n")], focused))

    def copy_secret_text(self, text: str, what: str) -> str:
        """Copy with the system clipboard, else OSC 52; say which. Returns the method used.
        The system clipboard is cleared after [ui] clipboard_clear_seconds if unchanged."""
        delay = (self.profile_set.ui.clipboard_clear_seconds if self.profile_set
                 else DEFAULT_CLIPBOARD_CLEAR_SECONDS)
        if self.system_clipboard.copy(text):
            self.clipboard_guard.copied(text, delay)
            self.notify(f"{what} copied to the system clipboard"
                        + (f"; cleared in {delay} s if still there." if delay else "."))
            method = "system"
            self._clipboard_tick()
        else:
            self.copy_to_clipboard(text)
            self.notify(f"{what} sent to the terminal clipboard (OSC 52): no system clipboard "
                        "here; your terminal must allow clipboard access. entra-tui cannot "
                        "clear it later: copy something else over it when done.")
            method = "osc52"
        self.last_copy_method = method
        return method

    def _clipboard_tick(self) -> None:
        """Once a second while a clear is pending: countdown in the status bar, then clear."""
        main = self.screen_stack[0]  # the tick also runs while a dialog is open
        guard = self.clipboard_guard
        bar = static_on_first_use(main, "status-bar", before=main.query_one(Footer))
        if guard.due():
            outcome = guard.clear_now()
            if outcome == "cleared":
                self.notify("Clipboard cleared.")
            elif outcome == "changed":
                self.notify("Clipboard left as is: it holds something you copied since.")
        left = guard.seconds_left()
        bar.display = left is not None
        if left is None:
            if self._clipboard_timer is not None:
                self._clipboard_timer.stop()
                self._clipboard_timer = None
            return
        bar.update(f"📋 Clipboard clears in {int(left + 0.999)} s (if it still holds what "
                   "entra-tui copied)")
        if self._clipboard_timer is None:
            self._clipboard_timer = self.set_interval(1, self._clipboard_tick)

    async def action_quit(self) -> None:
        """Quitting clears a token we left on the clipboard at once rather than never."""
        if self.clipboard_guard.clear_at is not None:
            self.clipboard_guard.clear_now()
        await super().action_quit()

    # --- presentation mode ----------------------------------------------------------------
    @property
    def masker(self) -> Masker | None:
        if not self.presentation:
            return None
        return Masker(self.viewing.token.claims if self.viewing else None)

    def action_toggle_presentation(self) -> None:
        self.presentation = not self.presentation
        self.claims_table.set_presentation(self.presentation)
        self.title = "entra-tui · presentation mode" if self.presentation else "entra-tui"
        self.view(self.viewing)
        self._render_current()
        self.notify("Presentation mode: e-mail addresses, UPNs, IP addresses and object ids "
                    "are hidden. m shows them again." if self.presentation else
                    "Presentation mode off.")

    # --- profiles -----------------------------------------------------------------------
    @property
    def store(self) -> ProfileStore | None:
        """The profile file to change, or None (and a message) while it cannot be changed."""
        if self.config_error is not None:
            self.notify("The profile file has an error; fix it first (see the profiles "
                        "pane), then press F5.", severity="error")
            return None
        if self.profile_set is None:
            return None
        return ProfileStore(self.profile_set.path)

    def action_new_profile(self) -> None:
        store = self.store
        if store is not None:
            self._open_editor(store, "New profile", {"flow": "client_secret"}, "", None)

    def action_edit_profile(self) -> None:
        profile, store = self.current, self.store
        if profile is not None and store is not None:
            self._open_editor(store, f"Edit {profile.name}", store.raw_table(profile.name),
                              profile.name, profile.name)

    def action_duplicate_profile(self) -> None:
        profile, store = self.current, self.store
        if profile is not None and store is not None:
            from entra_tui.core.profile_store import free_name

            taken = set(self.profile_set.names()) if self.profile_set else set()
            self._open_editor(store, f"Duplicate {profile.name}", store.raw_table(profile.name),
                              free_name(f"{profile.name}-copy", taken, separator=""), None,
                              copy_of=profile.name)

    def _open_editor(self, store: ProfileStore, title: str, table: dict[str, Any], name: str,
                     previous_name: str | None, *, copy_of: str | None = None) -> None:
        from entra_tui.ui.screens.profile_editor import ProfileEditor

        def save(new_name: str, fields: dict[str, Any], previous: str | None) -> str | None:
            try:
                self.profile_set = store.save_profile(new_name, fields, previous_name=previous,
                                                      copy_of=copy_of)
            except ConfigError as exc:
                return str(exc)
            except OSError as exc:
                return f"cannot write {store.path}: {exc.strerror}"
            return None

        def saved(new_name: str | None) -> None:
            if new_name is not None:
                self._profiles_changed(new_name, f"Profile {safe_text(new_name)} saved to "
                                                 f"{safe_text(store.path.name)}.")

        taken = set(self.profile_set.names()) if self.profile_set else set()
        self.push_screen(ProfileEditor(title=inert_markup(title), table=table, name=name,
                                       previous_name=previous_name, path=store.path,
                                       taken=taken, save=save), saved)

    def action_import_profiles(self) -> None:
        if self.store is None:
            return
        from entra_tui.core.azure_cli import azure_cli_profile_path
        from entra_tui.ui.screens.choice import Choice

        self.push_screen(Choice("Import profiles", [
            ("env", "Environment: AZURE_TENANT_ID, AZURE_CLIENT_ID and a credential variable"),
            ("azcli", f"Azure CLI: one profile per tenant in {azure_cli_profile_path()}"),
        ], "Imported profiles refer to secrets (env:NAME); no secret value is copied."),
            self.import_profiles)

    def import_profiles(self, source: str | None) -> None:
        store = self.store
        if source is None or store is None:
            return
        try:
            if source == "env":
                from entra_tui.core.environment import environment_fields

                items = [("azure-env", environment_fields())]
            else:
                from entra_tui.core.azure_cli import profiles_from_azure_cli

                items = profiles_from_azure_cli()
            self.profile_set, names = store.add_profiles(items)
        except (ConfigError, OSError) as exc:
            self.notify(safe_text(exc), title="Nothing imported", severity="error", timeout=10)
            return
        self._profiles_changed(names[0] if names else None,
                               f"Imported {len(names)} profile{'s' if len(names) != 1 else ''}: "
                               f"{safe_text(', '.join(names))}. Press e to review.")

    def action_delete_profile(self) -> None:
        profile, store = self.current, self.store
        if profile is None or store is None:
            return
        from entra_tui.ui.screens.confirm import Confirm

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.profile_set = store.delete_profile(profile.name)
            except (ConfigError, OSError) as exc:
                self.notify(safe_text(exc), title="Profile not deleted", severity="error")
                return
            self._profiles_changed(None, f"Profile {safe_text(profile.name)} deleted (the "
                                         f"previous file is in "
                                         f"{safe_text(store.path.name)}.bak).")

        self.push_screen(Confirm(inert_lines(f"Delete profile {profile.name}?",
                                             f"{profile.tenant} · "
                                             f"{profile.client_id or profile.flow}"),
                                 "Delete profile"),
                         answered)

    def _profiles_changed(self, select: str | None, message: str) -> None:
        self._reconcile()
        self.current = None
        self._show_profiles()
        if select is not None and self.profile_set is not None:
            self.query_one(ProfileList).highlight_profile(select)
            self._select(self.profile_set.get(select))
        self.notify(message)

    def action_reload_profiles(self) -> None:
        if self._reload is None:
            return
        try:
            self.profile_set = self._reload()
            self.config_error = None
            self._reconcile()
        except ConfigError as exc:
            self.config_error = exc
            self.notify(safe_text(exc), title="Profiles not reloaded", severity="error", timeout=10)
        self._show_profiles()

    def _reconcile(self) -> None:
        """The profile file changed: runs of removed or changed profiles stop and go."""
        for run in self.runs.reconcile(self.profile_set):
            self._close_device_code(run)

    def _refresh_relative_times(self) -> None:
        self.claims_table.refresh_times()
        self._update_states()


# The main screen's actions (made once: `check_action` runs for every key and footer update).
MAIN_ACTIONS = frozenset(binding.action.split("(")[0] for binding in EntraTuiApp.BINDINGS
                         if isinstance(binding, Binding))
