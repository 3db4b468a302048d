"""The entra-tui application: three panes (profiles, acquisition, claims and expiry).

Thin on purpose: it wires widgets to the core, runs MSAL in thread workers and keeps the
per-profile results. Widgets render; the core decides.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState

from entra_tui import __version__
from entra_tui.core.clipboard import SystemClipboard
from entra_tui.core.errors import ConfigError, TokenDecodeError
from entra_tui.core.profiles import Profile, ProfileSet
from entra_tui.core.results import AcquireResult
from entra_tui.core.session import SessionManager
from entra_tui.core.token import DecodedToken, decode_token
from entra_tui.ui.messages import AcquireFailed, TokenAcquired
from entra_tui.ui.widgets.acquire_pane import AcquirePane
from entra_tui.ui.widgets.claims_table import ClaimsTable
from entra_tui.ui.widgets.expiry_bar import ExpiryBar
from entra_tui.ui.widgets.profile_list import ProfileList


class EntraTuiApp(App[None]):
    """Keyboard-first token inspector for Entra app registrations."""

    TITLE = "entra-tui"
    CSS_PATH = "app.tcss"
    # Classes on the screen that let the stylesheet compact panes on small terminals.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]
    BINDINGS = [
        Binding("a", "acquire", "Acquire", id="token.acquire"),
        Binding("A", "acquire(True)", "Fresh token", id="token.acquire_fresh",
                tooltip="Skip MSAL's cache and ask the identity provider"),
        Binding("c", "copy_token", "Copy token", id="token.copy"),
        Binding("f5", "reload_profiles", "Reload", id="profiles.reload"),
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
        self.attempts: dict[str, AcquireResult] = {}  # last attempt per profile
        self.tokens: dict[str, AcquireResult] = {}  # last success per profile
        self.decoded: dict[str, DecodedToken] = {}
        self.working: set[str] = set()
        self.current: Profile | None = None

    # --- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="profiles-pane"):
                yield ProfileList(id="profiles")
                yield Static(id="profiles-message")
            with Vertical(id="right"):
                yield AcquirePane(id="acquire")
                with Vertical(id="token-pane"):
                    yield ExpiryBar(self.clock, id="expiry")
                    yield ClaimsTable(self.clock, id="claims")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#profiles-pane").border_title = "Profiles"
        self.query_one("#acquire").border_title = "Acquisition"
        self.query_one("#token-pane").border_title = "Claims & expiry"
        self._show_profiles()
        self.set_interval(30, self._refresh_relative_times)
        self.query_one(ProfileList).focus()
        if self._on_first_frame is not None:
            self.call_after_refresh(self._start_background, self._on_first_frame)

    def _start_background(self, task: Callable[[], None]) -> None:
        self.run_worker(task, thread=True, group="startup", exit_on_error=False)

    def _show_profiles(self) -> None:
        profile_list = self.query_one(ProfileList)
        profiles = self.profile_set.profiles if self.profile_set is not None else ()
        if self.config_error is not None:
            note = (f"Cannot load profiles.\n{self.config_error}\n\n"
                    "The file was not changed. Fix it and press F5 to reload.")
            profiles = ()
        elif not profiles:
            where = self.profile_set.path if self.profile_set else "the profile file"
            note = (f"No profiles in {where}.\nSee the README for the format, or run "
                    "entra-tui --demo to try the sandbox tenant.")
        else:
            note = ""
        message = self.query_one("#profiles-message", Static)
        message.update(note)
        message.set_class(self.config_error is not None, "error")
        message.display = bool(note)
        profile_list.show_profiles(profiles)
        self._select(profile_list.ordered[0] if profile_list.ordered else None)

    # --- selection ----------------------------------------------------------------------
    def on_option_list_option_highlighted(self, event: ProfileList.OptionHighlighted) -> None:
        if event.option.id is not None and self.profile_set is not None:
            self._select(self.profile_set.get(event.option.id))

    def on_option_list_option_selected(self, event: ProfileList.OptionSelected) -> None:
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

    def _render_current(self) -> None:
        profile = self.current
        result = self.attempts.get(profile.name) if profile else None
        working = profile is not None and profile.name in self.working
        self.query_one(AcquirePane).show(profile, result, working)
        token = self.decoded.get(profile.name) if profile else None
        self.query_one(ExpiryBar).show_token(token)
        self.query_one(ClaimsTable).show_token(token)

    # --- acquisition --------------------------------------------------------------------
    def action_acquire(self, fresh: bool = False) -> None:
        profile = self.current
        if profile is None:
            self.notify("No profile selected.", severity="warning")
            return
        if profile.name in self.working:
            return
        self.working.add(profile.name)
        self.run_worker(
            partial(self._acquire_in_thread, profile, fresh), thread=True,
            group=f"acquire:{profile.name}", exclusive=True, exit_on_error=False,
            description=f"acquire {profile.name}")
        self._render_current()

    def _acquire_in_thread(self, profile: Profile, fresh: bool) -> None:
        result = self.session.acquire(profile, force_refresh=fresh)
        self.post_message(TokenAcquired(result) if result.ok else AcquireFailed(result))

    def on_token_acquired(self, message: TokenAcquired) -> None:
        result = message.result
        self.working.discard(result.profile_name)
        self.attempts[result.profile_name] = result
        self.tokens[result.profile_name] = result
        try:
            self.decoded[result.profile_name] = decode_token(result.access_token or "")
        except TokenDecodeError as exc:
            # Some resources issue opaque access tokens; the token is still usable and copyable.
            self.decoded.pop(result.profile_name, None)
            self.notify(f"The access token cannot be decoded: {exc}", severity="warning")
        self._after_result(result)

    def on_acquire_failed(self, message: AcquireFailed) -> None:
        result = message.result
        self.working.discard(result.profile_name)
        # The last good token stays shown and copyable; the error panel tells what failed.
        self.attempts[result.profile_name] = result
        self._after_result(result)

    def _after_result(self, result: AcquireResult) -> None:
        if self.current is not None and self.current.name == result.profile_name:
            self._render_current()
        elif result.error is not None:
            self.notify(f"{result.profile_name}: {result.error.title}", severity="error")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that died unexpectedly must not leave its profile 'working' forever."""
        if event.state is WorkerState.ERROR and event.worker.group.startswith("acquire:"):
            name = event.worker.group.removeprefix("acquire:")
            self.working.discard(name)
            self.notify(f"{name}: acquisition stopped unexpectedly", severity="error")
            self._render_current()
        elif event.state is WorkerState.ERROR and event.worker.group == "startup":
            self.notify("The sandbox tenant failed to start.", severity="error")

    # --- clipboard ----------------------------------------------------------------------
    def action_copy_token(self) -> None:
        profile = self.current
        result = self.tokens.get(profile.name) if profile else None
        if result is None or not result.access_token:
            self.notify("No token to copy yet: press a to acquire one.", severity="warning")
            return
        self.copy_secret_text(result.access_token, "Access token")

    def copy_secret_text(self, text: str, what: str) -> str:
        """Copy with the system clipboard, else OSC 52; say which. Returns the method used."""
        if self.system_clipboard.copy(text):
            self.notify(f"{what} copied to the system clipboard.")
            method = "system"
        else:
            self.copy_to_clipboard(text)
            self.notify(f"{what} sent to the terminal clipboard (OSC 52): no system clipboard "
                        "here; your terminal must allow clipboard access.")
            method = "osc52"
        self.last_copy_method = method
        return method

    # --- profiles -----------------------------------------------------------------------
    def action_reload_profiles(self) -> None:
        if self._reload is None:
            return
        try:
            self.profile_set = self._reload()
            self.config_error = None
        except ConfigError as exc:
            self.config_error = exc
            self.notify(str(exc), title="Profiles not reloaded", severity="error", timeout=10)
        self._show_profiles()

    def _refresh_relative_times(self) -> None:
        self.query_one(ClaimsTable).refresh_times()

    @property
    def version(self) -> str:
        return __version__
