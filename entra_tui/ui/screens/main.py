"""The main screen: profiles, acquisition, claims and expiry, and the keys that drive them.

Its bindings (`ui/main_bindings.py`) are the screen's, not the app's: a dialog pushed on top
takes them out of the key chain by itself (q must not quit from a form, a must not start a
request behind a dialog). The screen holds what is shown (`current`, `viewing`,
`presentation`) and redraws in their watchers; what its keys and its workers' messages do is
handed to one helper per concern (`ui/main_actions.py`), each loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Header

from entra_tui.core.history import InspectedToken, TokenHistory
from entra_tui.core.masking import Masker
from entra_tui.core.runs import Runs
from entra_tui.ui import main_bindings
from entra_tui.ui.commands import MainScreenCommands
from entra_tui.ui.main_actions import MainActions
from entra_tui.ui.too_small import TooSmall
from entra_tui.ui.widgets.acquire_pane import AcquirePane
from entra_tui.ui.widgets.claims_table import ClaimsTable
from entra_tui.ui.widgets.expiry_bar import ExpiryBar
from entra_tui.ui.widgets.fitting_footer import FittingFooter
from entra_tui.ui.widgets.profile_list import NO_TOKEN, ProfileList
from entra_tui.ui.widgets.profiles_pane import ProfilesPane
from entra_tui.ui.widgets.token_summary import TokenSummary

if TYPE_CHECKING:
    from entra_tui.core.profiles import Profile
    from entra_tui.core.runs import ProfileRun
    from entra_tui.core.token import DecodedToken
    from entra_tui.ui.app import EntraTuiApp

HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]


def size_classes(width: int, height: int) -> str:
    """The breakpoint classes Textual's first resize would give a screen of this size."""
    def pick(size: int, breakpoints: list[tuple[int, str]]) -> str:
        return max((b for b in breakpoints if size >= b[0]), default=breakpoints[0])[1]

    return f"{pick(width, HORIZONTAL_BREAKPOINTS)} {pick(height, VERTICAL_BREAKPOINTS)}"


class MainScreen(MainActions, Screen[None]):
    """Keyboard-first token inspector for Entra app registrations."""

    AUTO_FOCUS = "#profiles"
    # Classes on the screen that let the stylesheet compact panes on small terminals.
    HORIZONTAL_BREAKPOINTS = HORIZONTAL_BREAKPOINTS
    VERTICAL_BREAKPOINTS = VERTICAL_BREAKPOINTS
    BINDINGS = main_bindings.BINDINGS
    COMMANDS = {MainScreenCommands}  # Ctrl+P: its actions and profiles, beside the app's own
    TOKEN_ACTIONS = main_bindings.TOKEN_ACTIONS  # dimmed in the footer while no token is shown

    # What is shown; each watcher redraws what depends on it.
    current: var[Profile | None] = var(None)  # the highlighted profile
    viewing: var[InspectedToken | None] = var(None, always_update=True)  # the token shown
    # Hide personal data for screen sharing. Off at start, when its watcher has nothing to do.
    presentation = var(False, init=False)

    def __init__(self, *, classes: str = "") -> None:
        super().__init__(id="_default", classes=classes)
        self.runs = Runs()  # one record per profile: attempts, tokens, requests, refreshes
        self.history = TokenHistory()
        self.verifying: set[int] = set()  # tokens whose signature is being checked
        self.too_small = TooSmall(self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Under a dialog none of these keys reach this screen, and its footer says so by
        showing none of them."""
        if not self.is_active or not self.too_small.allows(action):
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
        self.too_small.resized(*event.size)
        self.profiles_pane.fit_width()
        self.query_one(TokenSummary).fit_height(event.size.height)

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

    # --- profiles and their runs ---------------------------------------------------------
    def profile_named(self, name: str | None) -> Profile | None:
        """The profile file's profile `name` (None: no such profile, or no file)."""
        profile_set = self.entra.profile_set
        return profile_set.get(name) if name is not None and profile_set is not None else None

    def source_profile(self, entry: InspectedToken) -> Profile | None:
        """The profile `entry` was acquired with, if it is still in the file."""
        return self.profile_named(entry.profile_name)

    @property
    def current_run(self) -> ProfileRun | None:
        return self.runs.find(self.current.name) if self.current else None

    @property
    def current_latest(self) -> InspectedToken | None:
        """The selected profile's newest token in the history."""
        return self.history.latest_for(self.current.name) if self.current else None

    def shows(self, run: ProfileRun) -> bool:
        """Whether `run`'s profile is the one selected."""
        return self.current is not None and self.current.name == run.name

    def switch_to(self, name: str) -> None:
        """Select profile `name`, clearing a filter that hides it."""
        self.profiles_pane.reveal(name)
        self.query_one(ProfileList).focus()

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
    def _listed(self, name: str | None) -> None:
        self.current = self.profile_named(name)
        self.update_states()

    def _highlighted(self, name: str | None) -> None:
        """Called as the highlight moves (not later, by message): "j j a" typed fast must
        acquire for the profile two down."""
        if name is not None and self.entra.profile_set is not None:
            self.current = self.profile_named(name)

    def action_jump(self, number: int) -> None:
        profile_list = self.query_one(ProfileList)
        profile = profile_list.profile_at(number)
        if profile is not None:
            profile_list.highlight_profile(profile.name)
            # Select now, not when the highlight message arrives: "2 a" typed fast must
            # acquire for profile 2.
            self.current = profile

    def watch_current(self) -> None:
        self.render_current()
        latest = self.current_latest
        pasted_in_view = self.viewing is not None and self.viewing.profile_name is None
        # A pasted token stays in view while the user picks a profile to check it against.
        if latest is not None or not pasted_in_view:
            self.viewing = latest

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
        if entry is not None:
            self.doctor.look_up(entry)  # directory names: known ones at once, others later
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

    # --- presentation mode ----------------------------------------------------------------
    @property
    def masker(self) -> Masker | None:
        return self.masker_for(self.viewing.token.claims if self.viewing else None)

    def masker_for(self, claims: Any) -> Masker | None:
        """In presentation mode, a masker that knows `claims`' people (None when off)."""
        return Masker(claims) if self.presentation else None

    def masker_for_current(self) -> Masker | None:
        """For views of the selected profile (trace, health): knows its newest token's people."""
        latest = self.current_latest
        return self.masker_for(latest.token.claims if latest else None)

    def watch_presentation(self, on: bool) -> None:
        self.claims_table.set_presentation(on)
        self.app.title = "entra-tui · presentation mode" if on else "entra-tui"
        self.viewing = self.viewing  # drawn again, masked or not
        self.render_current()

    async def action_quit(self) -> None:
        await self.app.action_quit()
