"""The main screen: profiles, acquisition, claims and expiry, and the keys that drive them.

Its bindings live here, not on the app: a dialog pushed on top takes them out of the key
chain by itself (q must not quit from a form, a must not start a request behind a dialog).
The screen holds what is shown (`current`, `viewing`, `presentation`) and redraws in their
watchers; its actions delegate to one module per concern: `acquisition.py` (requests, the
one handler of `AcquisitionFinished`), `inspection.py` (copy, paste, raw, verify, report),
`wire_keys.py` (trace, diff, claims challenge, sandbox revoke), `doctor_keys.py` (H, T,
directory names) and `profile_flows.py` (the profile file).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from textual import events
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header

from entra_tui.core.history import InspectedToken, TokenHistory
from entra_tui.core.masking import Masker
from entra_tui.core.profiles import Profile
from entra_tui.core.runs import ProfileRun, Runs
from entra_tui.ui.acquisition import Acquisition
from entra_tui.ui.doctor_keys import DoctorKeys, NamesFound
from entra_tui.ui.inspection import Inspection
from entra_tui.ui.lazy import static_on_first_use
from entra_tui.ui.main_keys import open_help, palette_commands
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
from entra_tui.ui.wire_keys import WireKeys

if TYPE_CHECKING:
    from entra_tui.core.token import DecodedToken
    from entra_tui.ui.app import EntraTuiApp

MIN_WIDTH, MIN_HEIGHT = 80, 24  # the README's minimum; below it the panes do not fit
KEYS_WHEN_TOO_SMALL = frozenset({"quit", "help"})
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
        self.verifying: set[int] = set()  # tokens whose signature is being checked
        self._focus_before_small: Widget | None = None  # focus to give back when big again
        self.acquisition = Acquisition(self)  # a, A, Esc, x, auto-refresh, worker results
        self.inspection = Inspection(self)  # copy, paste, raw, verify, report, presentation
        self.wire = WireKeys(self)  # w, =, R and the claims challenge
        self.flows = ProfileFlows(self)  # n, e, D, I, d: the profile file
        self.doctor = DoctorKeys(self)  # H, T and directory names under the claims

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Under a dialog none of these keys reach this screen, and its footer says so by
        showing none of them."""
        if not self.is_active:
            return False
        if self.has_class("-too-small") and action not in KEYS_WHEN_TOO_SMALL:
            return False  # nothing acts unseen: only quit and help while the panes are hidden
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
        was_small = self.has_class("-too-small")
        if small and not was_small:  # the panes hide: so does the focus (their keys with it)
            self._focus_before_small = self.focused
            self.set_focus(None)
        elif was_small and not small and self._focus_before_small is not None:
            self.set_focus(self._focus_before_small)
            self._focus_before_small = None
        if small or self.query("#too-small"):
            note = static_on_first_use(self, "too-small", before=self.query_one("#body"))
            note.update(f"Terminal too small: {width}x{height} (need {MIN_WIDTH}x"
                        f"{MIN_HEIGHT}). Make the window larger, or press q to quit.")
        self.set_class(small, "-too-small")
        if small != was_small:
            self.refresh_bindings()
        self.profiles_pane.fit_width()
        self.query_one(TokenSummary).fit_height(height)

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
        self.update_states()

    # --- palette and help (main_keys.py) --------------------------------------------------
    def system_commands(self) -> Iterator[SystemCommand]:
        return palette_commands(self)

    def action_help(self) -> None:
        open_help(self)

    def switch_to(self, name: str) -> None:
        """Select profile `name`, clearing a filter that hides it."""
        self.profiles_pane.reveal(name)
        self.query_one(ProfileList).focus()

    # --- filter and per-profile state ---------------------------------------------------
    async def action_filter_profiles(self) -> None:
        await self.profiles_pane.open_filter()

    def update_states(self, *names: str) -> None:
        """Refresh the state column of `names` (all profiles when none are given)."""
        profile_list = self.query_one(ProfileList)
        now = self.entra.clock()
        for name in names or [p.name for p in profile_list.ordered]:
            run = self.runs.find(name)
            profile_list.set_state(name, run.state(now) if run is not None else NO_TOKEN)

    def refresh_relative_times(self) -> None:
        self.claims_table.refresh_times()
        self.update_states()

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
        self.render_current()
        latest = self.history.latest_for(profile.name) if profile else None
        pasted_in_view = self.viewing is not None and self.viewing.profile_name is None
        # A pasted token stays in view while the user picks a profile to check it against.
        if latest is not None or not pasted_in_view:
            self.viewing = latest

    @property
    def current_run(self) -> ProfileRun | None:
        return self.runs.find(self.current.name) if self.current else None

    def render_current(self) -> None:
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
        self.render_summary()
        if (previous is None) != (entry is None):
            self.refresh_bindings()  # the footer dims the token's keys while there is none

    def render_summary(self) -> None:
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


    # --- actions, each run by the module of its concern ----------------------------------
    def action_acquire(self, fresh: bool = False) -> None:
        self.acquisition.acquire(fresh)

    def start_acquisition(self, profile: Profile, fresh: bool = False,
                          claims: str | None = None) -> None:
        self.acquisition.start(profile, fresh, claims)

    def action_cancel_acquisition(self) -> None:
        self.acquisition.cancel()

    def action_sign_out(self) -> None:
        self.acquisition.sign_out()

    def on_acquisition_finished(self, message: AcquisitionFinished) -> None:
        self.acquisition.finished(message)

    def on_sign_in_url_shown(self, message: SignInUrlShown) -> None:
        self.acquisition.sign_in_url_shown(message)

    def on_device_code_shown(self, message: DeviceCodeShown) -> None:
        self.acquisition.device_code_shown(message)

    def action_copy_token(self) -> None:
        self.inspection.copy_token()

    def action_copy_header(self) -> None:
        self.inspection.copy_header()

    def action_copy_id_token(self) -> None:
        self.inspection.copy_id_token()

    def action_copy_curl(self) -> None:
        self.inspection.copy_curl()

    def action_copy_claim(self) -> None:
        self.inspection.copy_claim()

    def on_claims_table_row_selected(self, event: ClaimsTable.RowSelected) -> None:
        """Enter on a claim, or a click on it, copies its value (like y)."""
        self.inspection.copy_claim()

    def action_paste_token(self) -> None:
        self.inspection.paste()

    def action_inspect_clipboard(self) -> None:
        self.inspection.inspect_clipboard()

    def action_raw_view(self) -> None:
        self.inspection.raw_view()

    def action_verify(self) -> None:
        self.inspection.verify()

    def action_verify_with_file(self) -> None:
        self.inspection.verify_with_file()

    def on_verification_done(self, message: VerificationDone) -> None:
        self.inspection.verification_done(message)

    def action_validation_report(self) -> None:
        self.inspection.validation_report()

    def action_toggle_presentation(self) -> None:
        self.inspection.toggle_presentation()

    def action_wire_trace(self) -> None:
        self.wire.trace()

    def action_diff_previous(self) -> None:
        self.wire.diff_previous()

    def action_sandbox_revoke(self) -> None:
        self.wire.sandbox_revoke()

    def action_health(self) -> None:
        self.doctor.open(test_call_only=False)

    def action_test_call(self) -> None:
        self.doctor.open(test_call_only=True)

    def on_names_found(self, message: NamesFound) -> None:
        self.doctor.found(message)

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

    async def action_quit(self) -> None:
        await self.app.action_quit()

    # --- presentation mode ----------------------------------------------------------------
    @property
    def masker(self) -> Masker | None:
        if not self.presentation:
            return None
        return Masker(self.viewing.token.claims if self.viewing else None)

    def masker_for(self, claims: Any) -> Masker | None:
        """In presentation mode, a masker that knows `claims`' people (None when off)."""
        return Masker(claims) if self.presentation else None

    def watch_presentation(self, on: bool) -> None:
        self.claims_table.set_presentation(on)
        self.app.title = "entra-tui · presentation mode" if on else "entra-tui"
        self.viewing = self.viewing  # drawn again, masked or not
        self.render_current()

    def action_reload_profiles(self) -> None:
        self.flows.reload()
