"""What went over the wire, from the main screen: the last attempt's HTTP exchange (w), the
shown token against its profile's previous one (=), a pasted claims challenge answered with
a fresh token (then compared), and the demo's session revocation in the sandbox (R).

Each opens its view lazily (trace_view, diff_view, challenge_view): none is on the path to
the first frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from entra_tui.core.safe_text import safe_text

if TYPE_CHECKING:
    from entra_tui.core.claims_challenge import ClaimsChallenge
    from entra_tui.ui.screens.main import MainScreen


class WireKeys:
    """The main screen's `w`, `=` and `R`, and the claims challenge's re-acquisition."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def trace(self) -> None:
        """The selected profile's last attempt on the wire (trace_view.py)."""
        screen = self.screen
        profile = screen.current
        trace = screen.entra.session.last_trace(profile.name) if profile is not None else None
        if trace is None:
            screen.notify("No attempt yet: acquire a token (a), then w shows its HTTP "
                          "exchange.")
            return
        from entra_tui.ui.screens.trace_view import TraceView

        screen.app.push_screen(TraceView(trace, screen.masker_for_current()))

    def diff_previous(self) -> None:
        """The shown token against the previous token of the same profile (diff_view.py)."""
        from entra_tui.ui.screens.diff_view import DiffView
        from entra_tui.ui.token_compare import compare, previous_of

        screen = self.screen
        entry = screen.inspection.need_token()
        previous = previous_of(screen.history, entry) if entry is not None else None
        if entry is None or previous is None:
            if entry is not None:
                screen.notify("Nothing to compare with: this is the first token of its "
                              "profile here (A gets a fresh one).")
            return
        diff, note = compare(previous, entry)
        screen.app.push_screen(DiffView(diff, f"{entry.profile_name}: token "
                                              f"#{screen.history.position(previous)} -> "
                                              f"#{screen.history.position(entry)}", note,
                                       screen.masker_for(entry.token.claims)))

    def claims_challenge(self, challenge: ClaimsChallenge) -> None:
        """A pasted WWW-Authenticate challenge: offer a fresh token asked with its claims;
        the new token is then shown against the one before."""
        from entra_tui.ui.screens.challenge_view import ChallengeView

        screen = self.screen
        profile = screen.current

        def chosen(reacquire: bool | None) -> None:
            if reacquire and profile is not None:
                screen.acquisition.start(profile, True, claims=challenge.claims,
                                         before=screen.current_latest)

        screen.app.push_screen(ChallengeView(challenge, profile.name if profile else None),
                               chosen)

    def sandbox_revoke(self) -> None:
        """Demo only: the sandbox revokes the user's sessions (ui/sandbox_admin.py)."""
        from entra_tui.ui.sandbox_admin import revocation_target, revoke

        screen = self.screen
        current = screen.current
        run = screen.current_run
        account = run.attempt.account if run is not None and run.attempt else None
        target = revocation_target(current, account)
        if isinstance(target, str):
            screen.notify(target, severity="warning")
            return
        url, user = target
        ca_bundle = current.ca_bundle if current is not None else None

        def work() -> None:
            message = revoke(url, user, ca_bundle)
            screen.app.call_from_thread(screen.notify, safe_text(message), timeout=10)

        screen.run_worker(work, thread=True, group="sandbox-admin", exit_on_error=False)
