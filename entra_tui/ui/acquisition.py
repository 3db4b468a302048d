"""Acquiring tokens from the main screen: start, cancel, sign out, auto-refresh, and the one
handler of what a worker reports back.

MSAL runs in a thread worker that decodes the token and posts one `AcquisitionFinished`;
everything the UI shows is decided in `finished`, on the UI thread, for a run still live in
the profile file (core/runs.py).
"""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING

from textual.screen import Screen

from entra_tui.core.flows import Flow
from entra_tui.core.history import InspectedToken
from entra_tui.core.results import AcquireError, AcquireResult, FailureKind
from entra_tui.core.safe_text import safe_text
from entra_tui.ui.messages import (
    AcquisitionFinished,
    DeviceCodeShown,
    SignInUrlShown,
)

if TYPE_CHECKING:
    from entra_tui.core.profiles import Profile
    from entra_tui.core.runs import ProfileRun
    from entra_tui.core.session import DeviceCodePrompt
    from entra_tui.core.token import DecodedToken
    from entra_tui.ui.screens.main import MainScreen

SPINNER_DELAY = 0.15  # seconds an acquisition runs before the pane says it is working
INTERACTIVE_URL_SECONDS = 300  # a sign-in URL stays shown as long as MSAL waits for it


class Acquisition:
    """Token requests of `screen`'s profiles, one `ProfileRun` each (`screen.runs`)."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def acquire(self, fresh: bool = False) -> None:
        screen = self.screen
        if screen.current is None:
            screen.notify("No profile selected.", severity="warning")
            return
        self.start(screen.current, fresh)

    def start(self, profile: Profile, fresh: bool = False, claims: str | None = None,
              before: InspectedToken | None = None) -> None:
        """Run MSAL for `profile` in a thread; the UI stays live and other profiles usable.
        `claims`: a claims challenge's request; `before`: the token the new one is then shown
        against."""
        screen = self.screen
        run = screen.runs.of(profile)
        if run.working:
            return
        assertion = None
        if profile.flow == Flow.ON_BEHALF_OF:
            source = screen.runs.find(profile.assertion_profile)
            assertion = source.token.access_token if source and source.token else None
        run.start()
        screen.run_worker(
            partial(self._in_thread, run, fresh, assertion, claims, before), thread=True,
            group=f"acquire:{profile.name}", exclusive=True, exit_on_error=False,
            description=f"acquire {profile.name}")
        # The spinner appears only if the answer takes a while: a cache hit or a quick
        # identity provider then shows the token as the next frame, with no flicker, and
        # MSAL's thread does not compete with drawing a state that is already over.
        screen.set_timer(SPINNER_DELAY, partial(self._show_working, run))

    def _show_working(self, run: ProfileRun) -> None:
        screen = self.screen
        if run.working and screen.runs.is_live(run):
            if screen.shows(run):
                screen.render_current()
            screen.update_states(run.name)

    def _in_thread(self, run: ProfileRun, fresh: bool, assertion: str | None,
                   claims: str | None, before: InspectedToken | None) -> None:
        """The worker: MSAL, then the token decoded here, then one message back."""
        screen = self.screen

        def show_code(prompt: DeviceCodePrompt) -> None:
            screen.post_message(DeviceCodeShown(run, prompt))

        def show_url(url: str) -> None:
            screen.post_message(SignInUrlShown(run, url))

        started = time.time()
        try:
            result = screen.entra.session.acquire(
                run.profile, force_refresh=fresh, on_device_code=show_code, cancel=run.cancel,
                user_assertion=assertion, on_sign_in_url=show_url, claims_challenge=claims)
        except Exception:  # a bug, not an answer: say so and leave the profile usable
            result = AcquireResult(run.name, started, (time.time() - started) * 1000,
                                   error=AcquireError(FailureKind.CONFIGURATION,
                                                      "acquisition stopped unexpectedly"))
            screen.post_message(AcquisitionFinished(run, result))
            raise
        screen.post_message(AcquisitionFinished.decoded(run, result, before))

    def sign_in_url_shown(self, message: SignInUrlShown) -> None:
        """No browser could be opened (headless, SSH): the sign-in waits for the user to
        open the URL elsewhere; show it until the sign-in ends, and let `c` copy it."""
        run = message.run
        if not run.working or not self.screen.runs.is_live(run):
            return  # cancelled meanwhile
        run.sign_in_url = message.url
        self.screen.notify(f"No browser could be opened. To sign in, open this URL in a browser "
                           f"(c copies it; Esc cancels):\n{safe_text(message.url)}",
                           title=safe_text(run.name), severity="warning",
                           timeout=INTERACTIVE_URL_SECONDS, markup=False)

    def device_code_shown(self, message: DeviceCodeShown) -> None:
        from entra_tui.ui.screens.device_code import DeviceCodeScreen

        run = message.run
        screen = DeviceCodeScreen(run.name, message.prompt, run.cancel, self.screen.entra.clock)
        run.device_prompt = screen
        self.screen.app.push_screen(screen)

    def close_device_code(self, run: ProfileRun) -> None:
        screen, run.device_prompt = run.device_prompt, None
        if isinstance(screen, Screen) and screen.is_attached and self.screen.app.screen is screen:
            screen.dismiss(None)

    def cancel(self) -> None:
        run = self.screen.current_run
        if run is not None and run.working:
            run.cancel.set()

    def sign_out(self) -> None:
        screen = self.screen
        profile = screen.current
        if profile is None:
            return
        run = screen.runs.of(profile)
        if run.working:
            run.cancel.set()

        def work() -> None:
            removed = screen.entra.session.sign_out(profile)
            screen.app.call_from_thread(self._signed_out, run, removed)

        screen.run_worker(work, thread=True, group=f"signout:{profile.name}",
                          exit_on_error=False, description=f"sign out {profile.name}")

    def _signed_out(self, run: ProfileRun, removed: int) -> None:
        screen = self.screen
        run.forget_tokens()
        name = run.name
        screen.update_states(name)
        screen.notify(f"{safe_text(name)}: cached tokens cleared ({removed} item"
                      f"{'s' if removed != 1 else ''}); the next acquisition goes to the "
                      "identity provider.")
        if screen.shows(run):
            screen.render_current()
            if screen.viewing is not None and screen.viewing.profile_name == name:
                screen.viewing = None

    def _schedule_auto_refresh(self, run: ProfileRun, token: DecodedToken) -> None:
        minutes = run.profile.auto_refresh_minutes
        exp = token.time_claim("exp")
        if not minutes or exp is None:
            return
        screen = self.screen
        now = screen.entra.clock()
        delay = max(5.0, exp - minutes * 60 - now)
        run.schedule_refresh(now + delay, screen.set_timer(delay, partial(self._refresh_due, run)))

    def _refresh_due(self, run: ProfileRun) -> None:
        """A refresh comes due: only for a run still in the profile file as it was."""
        run.refresh_timer = None
        if self.screen.runs.is_live(run):
            self.start(run.profile, True)

    def _compared(self, name: str, entry: InspectedToken, source: str | None,
                  before: InspectedToken | None) -> None:
        """A token from the identity provider: say what changed since the profile's previous
        one (= shows it); after a claims challenge, show it against `before` at once."""
        from entra_tui.ui.token_compare import compare, fresh_token_status, previous_of

        screen = self.screen
        if before is not None:
            from entra_tui.ui.screens.diff_view import DiffView

            diff, note = compare(before, entry)
            screen.app.push_screen(DiffView(diff, f"{name}: before and after the claims "
                                                  f"challenge", note,
                                            screen.masker_for(entry.token.claims)))
        elif source != "cache":
            from entra_tui.ui.main_keys import key_hint

            status = fresh_token_status(previous_of(screen.history, entry), entry,
                                        key_hint(screen.app, "inspect.diff"))
            if status is not None:
                screen.notify(safe_text(status), title=name, timeout=8)

    def finished(self, message: AcquisitionFinished) -> None:
        """The one way back from an acquisition worker."""
        screen = self.screen
        run, result = message.run, message.result
        if not screen.runs.is_live(run):  # the profile was deleted or changed meanwhile
            self.close_device_code(run)
            return
        url = run.sign_in_url
        run.finish(result)
        # A failure keeps the last good token shown and copyable; the error panel says why.
        if message.decode_error is not None:
            # Some resources issue opaque access tokens; the token is still usable and copyable.
            screen.notify(f"The access token cannot be decoded: "
                          f"{safe_text(message.decode_error)}", severity="warning")
        elif message.token is not None:
            entry = screen.history.add(InspectedToken(
                token=message.token, origin=f"{run.name} from {result.source}",
                added_at=result.acquired_at, profile_name=run.name))
            if screen.shows(run):
                screen.viewing = entry
            self._schedule_auto_refresh(run, message.token)
            self._compared(run.name, entry, result.source, message.before)
        if url is not None:  # the sign-in is over: its URL is no longer wanted on screen
            app = screen.app
            for note in list(app._notifications):
                if url in note.message:
                    app._unnotify(note)
        screen.update_states(run.name)
        for warning in result.warnings:
            screen.notify(safe_text(warning), title=run.name, severity="warning", timeout=10)
        self.close_device_code(run)
        if screen.shows(run):
            screen.render_current()
        elif result.error is not None and result.error.kind is not FailureKind.CANCELLED:
            screen.notify(f"{safe_text(run.name)}: {result.error.title}", severity="error")
