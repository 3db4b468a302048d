"""The main screen: profiles, acquisition, claims and expiry, and the keys that drive them.

Its bindings live here, not on the app: a dialog pushed on top takes them out of the key
chain by itself (q must not quit from a form, a must not start a request behind a dialog).
Each profile's state is one `ProfileRun` (core/runs.py); acquisition workers report back
with one message, `AcquisitionFinished`, handled here.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual import events
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape as markup_escape
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Header

from entra_tui.core.expectations import Expectations
from entra_tui.core.history import InspectedToken, TokenHistory
from entra_tui.core.masking import Masker
from entra_tui.core.profiles import Profile
from entra_tui.core.results import AcquireError, AcquireResult, FailureKind
from entra_tui.core.runs import ProfileRun, Runs
from entra_tui.core.safe_text import safe_text
from entra_tui.ui.doctor_keys import DoctorKeys, NamesFound
from entra_tui.ui.lazy import static_on_first_use
from entra_tui.ui.messages import (
    AcquisitionFinished,
    DeviceCodeShown,
    SignInUrlShown,
    VerificationDone,
)
from entra_tui.ui.profile_flows import ProfileFlows
from entra_tui.ui.widgets.acquire_pane import AcquirePane
from entra_tui.ui.widgets.claims_table import ClaimsTable
from entra_tui.ui.widgets.expiry_bar import ExpiryBar
from entra_tui.ui.widgets.fitting_footer import FittingFooter
from entra_tui.ui.widgets.profile_list import NO_TOKEN, ProfileList
from entra_tui.ui.widgets.profiles_pane import ProfilesPane
from entra_tui.ui.widgets.token_summary import TokenSummary

if TYPE_CHECKING:
    from entra_tui.core.session import DeviceCodePrompt
    from entra_tui.core.token import DecodedToken
    from entra_tui.core.verify import KeyFetcher, Verification
    from entra_tui.ui.app import EntraTuiApp

SPINNER_DELAY = 0.15  # seconds an acquisition runs before the pane says it is working
INTERACTIVE_URL_SECONDS = 300  # a sign-in URL stays shown as long as MSAL waits for it
MIN_WIDTH, MIN_HEIGHT = 80, 24  # the README's minimum; below it the panes do not fit
HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]


def size_classes(width: int, height: int) -> str:
    """The breakpoint classes Textual's first resize would give a screen of this size."""
    def pick(size: int, breakpoints: list[tuple[int, str]]) -> str:
        return max((b for b in breakpoints if size >= b[0]), default=breakpoints[0])[1]

    return f"{pick(width, HORIZONTAL_BREAKPOINTS)} {pick(height, VERTICAL_BREAKPOINTS)}"


class MainScreen(Screen[None]):
    """Keyboard-first token inspector for Entra app registrations."""

    AUTO_FOCUS = "#profiles"
    # Classes on the screen that let the stylesheet compact panes on small terminals.
    HORIZONTAL_BREAKPOINTS = HORIZONTAL_BREAKPOINTS
    VERTICAL_BREAKPOINTS = VERTICAL_BREAKPOINTS
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
                tooltip="Hide e-mail addresses, UPNs, names, IP addresses and object ids for "
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
        Binding("H", "health", "Health", show=False, id="doctor.health",
                tooltip="The token doctor: app registration, grants, token version, test call"),
        Binding("T", "test_call", "Test call", show=False, id="doctor.test_call",
                tooltip="One read-only call to the token's API (Graph, ARM or test_url)"),
        Binding("w", "wire_trace", "Wire trace", show=False, id="inspect.trace",
                tooltip="The HTTP exchange of the selected profile's last attempt, redacted"),
        Binding("equals_sign", "diff_previous", "Compare", show=False, id="inspect.diff",
                tooltip="Compare the shown token with the previous token of its profile"),
        Binding("R", "sandbox_revoke", "Revoke sessions (sandbox)", show=False,
                id="sandbox.revoke",
                tooltip="Demo: revoke the signed-in user's sessions in the sandbox"),
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

    # What is shown; each watcher redraws what depends on it.
    current: var[Profile | None] = var(None)  # the highlighted profile
    viewing: var[InspectedToken | None] = var(None, always_update=True)  # the token shown
    presentation = var(False)  # hide personal data for screen sharing

    # Actions that work on the token shown: dimmed in the footer while there is none.
    TOKEN_ACTIONS = frozenset({"copy_header", "copy_curl", "copy_claim", "verify",
                               "verify_with_file", "validation_report", "raw_view"})

    def __init__(self, *, classes: str = "") -> None:
        super().__init__(id="_default", classes=classes)
        self.runs = Runs()  # one record per profile: attempts, tokens, requests, refreshes
        self.history = TokenHistory()
        self.verifying: set[int] = set()
        self.flows = ProfileFlows(self)
        self.doctor = DoctorKeys(self)  # H, T and directory names under the claims
        self._key_fetcher: KeyFetcher | None = None
        self._diff_after: dict[str, InspectedToken | None] = {}  # claims re-acquisitions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Under a dialog none of these keys reach this screen, and its footer says so by
        showing none of them."""
        if not self.is_active:
            return False
        return None if action in self.TOKEN_ACTIONS and self.viewing is None else True

    @property
    def entra(self) -> EntraTuiApp:
        """The app, with its services (profiles, session, clock, clipboard)."""
        return cast("EntraTuiApp", self.app)

    # --- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield ProfilesPane(self._highlighted, self._listed, id="profiles-pane")
            with Vertical(id="right"):
                yield AcquirePane(id="acquire")
                with Vertical(id="token-pane"):
                    yield TokenSummary(id="summary")
                    yield ExpiryBar(self.entra.clock, id="expiry")
                    yield ClaimsTable(self.entra.clock, id="claims")
        yield FittingFooter()

    def on_resize(self, event: events.Resize) -> None:
        """Below the minimum size, say so instead of squeezing panes out of sight."""
        width, height = event.size
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        if small or self.query("#too-small"):
            note = static_on_first_use(self, "too-small", before=self.query_one("#body"))
            note.update(f"Terminal too small: {width}x{height} (need {MIN_WIDTH}x"
                        f"{MIN_HEIGHT}). Make the window larger, or press q to quit.")
        self.set_class(small, "-too-small")
        self.profiles_pane.fit_width()

    def on_mount(self) -> None:
        self.query_one("#acquire").border_title = "Acquisition"
        self.query_one("#token-pane").border_title = "Claims & expiry"
        self.query_one("#token-pane").border_subtitle = "[ ] older/newer"
        self.show_profiles()
        self.set_interval(30, self.refresh_relative_times)

    @property
    def profiles_pane(self) -> ProfilesPane:
        return self.query_one(ProfilesPane)

    @property
    def claims_table(self) -> ClaimsTable:
        return self.query_one(ClaimsTable)

    def show_profiles(self) -> None:
        self.profiles_pane.show(self.entra.profile_set, self.entra.config_error)

    def _listed(self, name: str | None) -> None:
        profile_set = self.entra.profile_set
        self.current = profile_set.get(name) if name and profile_set else None
        self._update_states()

    # --- palette ------------------------------------------------------------------------
    def system_commands(self) -> Iterator[SystemCommand]:
        """Every action of this screen and every profile, for the command palette."""
        profile_set = self.entra.profile_set
        keymap = dict(profile_set.ui.keymap) if profile_set else {}
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding) \
                    or (binding.id or "").startswith("profiles.jump") \
                    or binding.action == "quit":
                continue
            if binding.id in keymap:  # [ui.keymap]: the user's key
                binding = dataclasses.replace(binding, key=keymap[binding.id])
            key = self.app.get_key_display(binding)
            yield SystemCommand(f"{binding.description} ({key})", binding.tooltip or "",
                                partial(self.run_action, binding.action))
        for profile in profile_set.profiles if profile_set else ():
            # The palette parses titles and help as markup: profile file text is escaped.
            yield SystemCommand(markup_escape(safe_text(f"Switch to profile {profile.name}")),
                                markup_escape(safe_text(
                                    f"{profile.tenant} · {profile.flow}" + (
                                        f" · {profile.description}" if profile.description
                                        else ""))),
                                partial(self.switch_to, profile.name))

    def switch_to(self, name: str) -> None:
        """Select profile `name`, clearing a filter that hides it."""
        self.profiles_pane.reveal(name)
        self.query_one(ProfileList).focus()

    # --- filter and per-profile state ---------------------------------------------------
    async def action_filter_profiles(self) -> None:
        await self.profiles_pane.open_filter()

    def _update_states(self, *names: str) -> None:
        """Refresh the state column of `names` (all profiles when none are given)."""
        profile_list = self.query_one(ProfileList)
        now = self.entra.clock()
        for name in names or [p.name for p in profile_list.ordered]:
            run = self.runs.find(name)
            profile_list.set_state(name, run.state(now) if run is not None else NO_TOKEN)

    def refresh_relative_times(self) -> None:
        self.claims_table.refresh_times()
        self._update_states()

    # --- selection ----------------------------------------------------------------------
    def _highlighted(self, name: str | None) -> None:
        """Called as the highlight moves (not later, by message): "j j a" typed fast must
        acquire for the profile two down."""
        profile_set = self.entra.profile_set
        if name is not None and profile_set is not None:
            self.current = profile_set.get(name)

    def on_profile_list_selected(self, event: ProfileList.Selected) -> None:
        self.action_acquire()

    def action_jump(self, number: int) -> None:
        profile_list = self.query_one(ProfileList)
        profile = profile_list.profile_at(number)
        if profile is not None:
            profile_list.highlight_profile(profile.name)
            # Select now, not when the highlight message arrives: "2 a" typed fast must
            # acquire for profile 2.
            self.current = profile

    def watch_current(self, profile: Profile | None) -> None:
        self._render_current()
        latest = self.history.latest_for(profile.name) if profile else None
        pasted_in_view = self.viewing is not None and self.viewing.profile_name is None
        # A pasted token stays in view while the user picks a profile to check it against.
        if latest is not None or not pasted_in_view:
            self.viewing = latest

    @property
    def current_run(self) -> ProfileRun | None:
        return self.runs.find(self.current.name) if self.current else None

    def _render_current(self) -> None:
        run = self.current_run
        self.query_one(AcquirePane).show(self.current, run.attempt if run else None,
                                         run is not None and run.working, self.masker)

    # --- the token being inspected -------------------------------------------------------
    def watch_viewing(self, previous: InspectedToken | None,
                      entry: InspectedToken | None) -> None:
        """Show `entry` in the claims and expiry pane (None: the pane says there is none)."""
        token = entry.token if entry else None
        self.query_one(ExpiryBar).show_token(token)
        self.doctor.look_up(entry)  # directory names: known ones at once, others from a worker
        self.claims_table.show_token(token)
        self._render_summary()
        if (previous is None) != (entry is None):
            self.refresh_bindings()  # the footer dims the token's keys while there is none

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
                                                added_at=self.entra.clock(),
                                                profile_name=profile_name))
        self.viewing = entry
        return entry

    def action_history(self, offset: int) -> None:
        entry = self.history.step(self.viewing, offset)
        if entry is None:
            self.notify("No tokens inspected yet: acquire one (a) or paste one (p).")
            return
        self.viewing = entry

    def action_paste_token(self) -> None:
        from entra_tui.ui.screens.paste_dialog import PasteDialog  # lazily: TextArea is heavy

        self.app.push_screen(PasteDialog(), self._pasted)

    def action_inspect_clipboard(self) -> None:
        text = self.entra.system_clipboard.paste()
        if text is None:
            self.notify("No system clipboard here: press p and paste with your terminal.",
                        severity="warning")
            return
        from entra_tui.ui.screens.paste_dialog import PasteDialog

        self.app.push_screen(PasteDialog(text), self._pasted)

    def _pasted(self, pasted: tuple[Any, DecodedToken] | Any | None) -> None:
        from entra_tui.core.claims_challenge import ClaimsChallenge

        if isinstance(pasted, ClaimsChallenge):  # a WWW-Authenticate header: challenge_view
            self._claims_challenge(pasted)
        elif pasted is not None:
            found, token = pasted
            self.inspect(token, f"pasted ({found.found_in})")

    def action_wire_trace(self) -> None:
        """The selected profile's last attempt on the wire (trace_view.py)."""
        profile = self.current
        trace = self.entra.session.last_trace(profile.name) if profile is not None else None
        if trace is None:
            self.notify("No attempt yet: acquire a token (a), then w shows its HTTP exchange.")
            return
        from entra_tui.ui.screens.trace_view import TraceView

        self.app.push_screen(TraceView(trace))

    def action_diff_previous(self) -> None:
        """The shown token against the previous token of the same profile (diff_view.py)."""
        from entra_tui.ui.screens.diff_view import DiffView, compare, previous_of

        entry = self._need_token()
        previous = previous_of(self.history, entry) if entry is not None else None
        if entry is None or previous is None:
            if entry is not None:
                self.notify("Nothing to compare with: this is the first token of its profile "
                            "here (A gets a fresh one).")
            return
        diff, note = compare(previous, entry)
        self.app.push_screen(DiffView(diff, f"{entry.profile_name}: token "
                                            f"#{self.history.position(previous)} -> "
                                            f"#{self.history.position(entry)}", note))

    def action_sandbox_revoke(self) -> None:
        """Demo only: the sandbox revokes the user's sessions (ui/sandbox_admin.py)."""
        from entra_tui.ui.sandbox_admin import revocation_target, revoke

        run = self.runs.of(self.current) if self.current is not None else None
        account = run.attempt.account if run is not None and run.attempt else None
        target = revocation_target(self.current, account)
        if isinstance(target, str):
            self.notify(target, severity="warning")
            return
        url, user = target
        ca_bundle = self.current.ca_bundle if self.current is not None else None

        def work() -> None:
            message = revoke(url, user, ca_bundle)
            self.app.call_from_thread(self.notify, safe_text(message), timeout=10)

        self.run_worker(work, thread=True, group="sandbox-admin", exit_on_error=False)

    def _claims_challenge(self, challenge: Any) -> None:
        from entra_tui.ui.screens.challenge_view import ChallengeView

        profile = self.current

        def chosen(reacquire: bool | None) -> None:
            if reacquire and profile is not None:
                run = self.runs.of(profile)
                self._diff_after[profile.name] = self.history.latest_for(profile.name)
                self.start_acquisition(profile, True, claims=challenge.claims)
                if not run.working:
                    self._diff_after.pop(profile.name, None)

        self.app.push_screen(ChallengeView(challenge, profile.name if profile else None),
                             chosen)

    def action_health(self) -> None:
        self.doctor.open(test_call_only=False)

    def action_test_call(self) -> None:
        self.doctor.open(test_call_only=True)

    def on_names_found(self, message: NamesFound) -> None:
        self.doctor.found(message)

    def action_raw_view(self) -> None:
        entry = self._need_token()
        if entry is not None:
            from entra_tui.ui.screens.raw_view import RawView  # lazily: pulls in Pygments

            self.app.push_screen(RawView(entry.token, self.masker))

    def _source_profile(self, entry: InspectedToken) -> Profile | None:
        """The profile a token was acquired with, if it is still in the file."""
        profile_set = self.entra.profile_set
        return profile_set.get(entry.profile_name) if profile_set and entry.profile_name \
            else None

    def action_verify(self) -> None:
        entry = self._need_token()
        if entry is None or entry.id in self.verifying:
            return
        profile = self._source_profile(entry)
        authority = profile.authority_host if profile else None
        self._start_verification(entry, lambda: self.key_fetcher.verify(entry.token, authority))

    def action_verify_with_file(self) -> None:
        entry = self._need_token()
        if entry is None:
            return

        def chosen(path: Path | None) -> None:
            if path is not None:
                from entra_tui.core.verify import verify_with_file

                self._start_verification(entry, lambda: verify_with_file(entry.token, path))

        from entra_tui.ui.screens.file_prompt import FilePrompt

        self.app.push_screen(FilePrompt("Path of a JWKS (JSON) or PEM key/certificate file:"),
                             chosen)

    @property
    def key_fetcher(self) -> KeyFetcher:
        """Made on first use; trusts every profile's authority for fetching keys."""
        if self._key_fetcher is None:
            from entra_tui.core.verify import KeyFetcher

            self._key_fetcher = KeyFetcher()
        profile_set = self.entra.profile_set
        for profile in profile_set.profiles if profile_set else ():
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

        source = self._source_profile(entry)
        context = profile_context(source or profile, entry.token, source is not None)
        report = validation_report(entry.token, expect, self.entra.clock(), entry.verification,
                                   **context)
        subject = (f"{entry.origin}, checked against what profile {profile.name} expects"
                   if profile else f"{entry.origin} (no profile selected)")
        note = "" if not expect.empty else (
            "This profile declares no expectations, so only times and the signature are "
            "checked. Add a [profiles.NAME.expect] table (see the README).")
        from entra_tui.ui.screens.report_view import ReportView

        authority = source.authority_host if source else None

        def rebuild(verification: Verification) -> list[Any]:
            """v in the report: the verdict becomes the token's (as v here), then the
            report is checked again with it."""
            entry.verification = verification
            self._render_summary()
            return validation_report(entry.token, expect, self.entra.clock(), verification,
                                     **context)

        self.app.push_screen(ReportView(
            report, subject, note, rebuild=rebuild,
            verify=lambda: self.key_fetcher.verify(entry.token, authority)))

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

    def start_acquisition(self, profile: Profile, fresh: bool = False,
                          claims: str | None = None) -> None:
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
            partial(self._acquire_in_thread, run, fresh, assertion, claims), thread=True,
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

    def _acquire_in_thread(self, run: ProfileRun, fresh: bool, assertion: str | None,
                           claims: str | None = None) -> None:
        """The worker: MSAL, then the token decoded here, then one message back."""
        def show_code(prompt: DeviceCodePrompt) -> None:
            self.post_message(DeviceCodeShown(run, prompt))

        def show_url(url: str) -> None:
            self.post_message(SignInUrlShown(run, url))

        started = time.time()
        try:
            result = self.entra.session.acquire(
                run.profile, force_refresh=fresh, on_device_code=show_code, cancel=run.cancel,
                user_assertion=assertion, on_sign_in_url=show_url, claims_challenge=claims)
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
        screen = DeviceCodeScreen(run.name, message.prompt, run.cancel, self.entra.clock)
        run.device_prompt = screen
        self.app.push_screen(screen)

    def _close_device_code(self, run: ProfileRun) -> None:
        screen, run.device_prompt = run.device_prompt, None
        if isinstance(screen, Screen) and screen.is_attached and self.app.screen is screen:
            screen.dismiss(None)

    def action_cancel_acquisition(self) -> None:
        run = self.current_run
        if run is not None and run.working:
            run.cancel.set()

    def action_sign_out(self) -> None:
        profile = self.current
        if profile is None:
            return
        run = self.runs.of(profile)
        if run.working:
            run.cancel.set()

        def work() -> None:
            removed = self.entra.session.sign_out(profile)
            self.app.call_from_thread(self._signed_out, run, removed)

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
                self.viewing = None

    def _schedule_auto_refresh(self, run: ProfileRun, token: DecodedToken) -> None:
        minutes = run.profile.auto_refresh_minutes
        exp = token.time_claim("exp")
        if not minutes or exp is None:
            return
        now = self.entra.clock()
        delay = max(5.0, exp - minutes * 60 - now)
        run.schedule_refresh(now + delay, self.set_timer(delay, partial(self._refresh_due, run)))

    def _refresh_due(self, run: ProfileRun) -> None:
        """A refresh comes due: only for a run still in the profile file as it was."""
        run.refresh_timer = None
        if self.runs.is_live(run):
            self.start_acquisition(run.profile, True)

    def _compared(self, name: str, entry: InspectedToken, source: str | None) -> None:
        """A token from the identity provider: say what changed since the profile's previous
        one (= shows it); after a claims challenge, show the comparison at once."""
        from entra_tui.ui.screens.diff_view import (
            DiffView,
            compare,
            fresh_token_status,
            previous_of,
        )

        waiting = name in self._diff_after
        previous = self._diff_after.pop(name, None) if waiting else None
        if waiting and previous is not None:
            diff, note = compare(previous, entry)
            self.app.push_screen(DiffView(diff, f"{name}: before and after the claims "
                                                f"challenge", note))
        elif source != "cache":
            status = fresh_token_status(previous_of(self.history, entry), entry)
            if status is not None:
                self.notify(safe_text(status), title=name, timeout=8)

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
                self.viewing = entry
            self._schedule_auto_refresh(run, message.token)
            self._compared(run.name, entry, result.source)
        if url is not None:  # the sign-in is over: its URL is no longer wanted on screen
            for note in list(self.app._notifications):
                if url in note.message:
                    self.app._unnotify(note)
        self._update_states(run.name)
        for warning in result.warnings:
            self.notify(safe_text(warning), title=run.name, severity="warning", timeout=10)
        self._close_device_code(run)
        if self.current is not None and self.current.name == run.name:
            self._render_current()
        elif result.error is not None and result.error.kind is not FailureKind.CANCELLED:
            self.notify(f"{safe_text(run.name)}: {result.error.title}", severity="error")

    # --- clipboard ----------------------------------------------------------------------
    def action_copy_token(self) -> None:
        run = self.current_run
        if run is not None and run.working and run.sign_in_url is not None:
            self.entra.copy_secret_text(run.sign_in_url, "Sign-in URL")
            return
        entry = self.viewing
        if entry is None:
            self.notify("No token to copy yet: press a to acquire one.", severity="warning")
            return
        self.entra.copy_secret_text(entry.token.raw,
                                    "Access token" if entry.profile_name else "Token")

    def action_copy_header(self) -> None:
        entry = self._need_token()
        if entry is not None:
            self.entra.copy_secret_text(f"Authorization: Bearer {entry.token.raw}",
                                        "Authorization header")

    def action_copy_id_token(self) -> None:
        run = self.current_run
        result = run.token if run else None
        if result is None or not result.id_token:
            self.notify("No ID token: only user sign-ins (device code, browser, password) "
                        "return one.", severity="warning")
            return
        self.entra.copy_secret_text(result.id_token, "ID token")

    def action_copy_curl(self) -> None:
        entry = self._need_token()
        if entry is not None:
            from entra_tui.core.curl import curl_command

            self.entra.copy_secret_text(curl_command(entry.token), "curl command")

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
        self.entra.copy_secret_text(text, f"Claim {safe_text(name)}")

    def on_claims_table_row_selected(self, event: ClaimsTable.RowSelected) -> None:
        """Enter on a claim, or a click on it, copies its value (like y)."""
        self.action_copy_claim()

    async def action_quit(self) -> None:
        await self.app.action_quit()

    def action_help(self) -> None:
        from entra_tui.ui.screens.help import HelpScreen

        focused = self.focused.id if self.focused is not None else None
        self.app.push_screen(HelpScreen([b for b in self.BINDINGS if isinstance(b, Binding)
                                         and not (b.id or "").startswith("profiles.jump")]
                                        + [Binding("1-9", "", "Jump to profile n")], focused))

    # --- presentation mode ----------------------------------------------------------------
    @property
    def masker(self) -> Masker | None:
        if not self.presentation:
            return None
        return Masker(self.viewing.token.claims if self.viewing else None)

    def watch_presentation(self, on: bool) -> None:
        self.claims_table.set_presentation(on)
        self.app.title = "entra-tui · presentation mode" if on else "entra-tui"
        self.viewing = self.viewing  # drawn again, masked or not
        self._render_current()

    def action_toggle_presentation(self) -> None:
        self.presentation = not self.presentation
        self.notify("Presentation mode: e-mail addresses, UPNs, names, IP addresses and object ids "
                    "are hidden. m shows them again." if self.presentation else
                    "Presentation mode off.")

    # --- profiles -----------------------------------------------------------------------
    def action_new_profile(self) -> None:
        self.flows.new()

    def action_edit_profile(self) -> None:
        self.flows.edit()

    def action_duplicate_profile(self) -> None:
        self.flows.duplicate()

    def action_import_profiles(self) -> None:
        self.flows.choose_import()

    def action_delete_profile(self) -> None:
        self.flows.delete()

    def profiles_changed(self, select: str | None, message: str) -> None:
        """The profile file was written: follow it, list it, select `select`."""
        self._reconcile()
        self.current = None
        self.show_profiles()
        profile_set = self.entra.profile_set
        if select is not None and profile_set is not None:
            self.query_one(ProfileList).highlight_profile(select)
            self.current = profile_set.get(select)
        self.notify(message)

    def action_reload_profiles(self) -> None:
        if self.entra.reload_profiles():
            self._reconcile()
        self.show_profiles()

    def _reconcile(self) -> None:
        """The profile file changed: runs of removed or changed profiles stop and go."""
        for run in self.runs.reconcile(self.entra.profile_set):
            self._close_device_code(run)
