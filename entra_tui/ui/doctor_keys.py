"""The token doctor's part of the main screen: H (health view), T (test call) and directory
names filling in under the claims.

Names are looked up in a thread worker once per token shown (the claims pane draws at once
and fills in when `NamesFound` arrives); one `NameCache` per tenant lives for the session.
Nothing happens unless the profile names a Graph reader (`graph_profile`) or its own token
is a Graph token: no network call the user did not configure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from entra_tui.core.directory_names import NameCache
    from entra_tui.core.token import DecodedToken

NAMED_KEPT = 64  # tokens whose names are kept, so a switch back or a cache hit asks nothing


@dataclass
class NamesFound(Message):
    """Directory names for one token's claims: claim -> (line, presentation-mode line)."""

    token: DecodedToken
    lines: dict[str, tuple[str, str]]
    key: str = ""  # what the names depend on (profile and the claims named)


class DoctorKeys:
    """Held by the main screen: its `H`/`T` actions and its names lookups."""

    def __init__(self, screen: Any) -> None:
        self.screen = screen
        self._cache: NameCache | None = None
        self._done: dict[str, dict[str, tuple[str, str]]] = {}  # names key -> lines
        self._pending: set[str] = set()

    # --- H and T ----------------------------------------------------------------------------
    def open(self, *, test_call_only: bool) -> None:
        from entra_tui.ui.screens.health_view import HealthView

        screen = self.screen
        profile = screen.current
        if profile is None:
            screen.app.notify("Select a profile first.", markup=False)
            return
        run = screen.current_run
        token = run.token.access_token if run is not None and run.token is not None else None
        failed = run.attempt.error if run is not None and run.attempt is not None else None
        screen.app.push_screen(HealthView(
            profile, screen.entra.profile_set, self.acquire, token, screen.entra.clock,
            test_call_only=test_call_only,
            correlation_id=failed.correlation_id if failed is not None else None,
            masker=screen.masker_for_current()))

    def acquire(self, profile: Any) -> Any:
        """For the doctor's worker: app flows through the session (MSAL's cache first); a
        user flow only as far as the token it already has (the doctor signs no one in)."""
        if not profile.acts_for_user:
            return self.screen.entra.session.acquire(profile)
        from entra_tui.core.results import AcquireError, AcquireResult, FailureKind

        run = self.screen.runs.find(profile.name)
        clock = self.screen.entra.clock
        if run is not None and run.token is not None and run.token.access_token:
            return AcquireResult(profile.name, clock(), 0.0,
                                 access_token=run.token.access_token)
        return AcquireResult(profile.name, clock(), 0.0, error=AcquireError(
            FailureKind.CANCELLED, f"sign in with '{profile.name}' first (a): the doctor "
                                   "signs no one in"))

    # --- names --------------------------------------------------------------------------------
    def look_up(self, entry: Any) -> None:
        """Call before the claims table shows `entry`: names already found for the same
        values (a switch back, a cache hit, a fresh token of the same profile) go with it at
        once; otherwise a worker looks them up, when its profile has a Graph reader."""
        token = entry.token
        screen = self.screen
        profiles = screen.entra.profile_set
        profile = screen.source_profile(entry) or screen.current
        if profile is None:
            return
        from entra_tui.core.directory_names import has_groups_overage, wanted
        from entra_tui.core.graph_client import is_graph_audience

        own = entry.profile_name == profile.name
        if not profile.graph_profile and not (own and is_graph_audience(
                token.claims.get("aud"))):
            return
        # What the names depend on: a fresh token of the same profile asks nothing again.
        key = repr((profile.graph_profile or profile.name, sorted(wanted(token.claims).items()),
                    has_groups_overage(token.claims)))
        known = self._done.get(key)
        if known is not None:
            screen.claims_table.show_names(token, known)
            return
        if key in self._pending:
            return
        self._pending.add(key)
        screen.run_worker(lambda: self._names(profile, profiles, token, own, key),
                          thread=True, group="names", exit_on_error=False,
                          description="directory names")

    def found(self, message: NamesFound) -> None:
        """A worker's names: kept by token text, shown if that token is on screen."""
        self._pending.discard(message.key)
        if not any("did not answer" in line for line, _ in message.lines.values()):
            self._done[message.key] = message.lines  # a network failure is asked again
        while len(self._done) > NAMED_KEPT:
            self._done.pop(next(iter(self._done)))
        viewing = self.screen.viewing
        if viewing is not None and viewing.token.raw == message.token.raw:
            self.screen.claims_table.show_names(viewing.token, message.lines)

    def _names(self, profile: Any, profiles: Any, token: DecodedToken, own: bool,
               key: str) -> None:
        from entra_tui.core.directory_names import (
            NameCache,
            graph_access,
            name_lines,
            resolve_names,
        )

        if self._cache is None:
            self._cache = NameCache()
        access = graph_access(profile, profiles, self.acquire,
                              own_token=token.raw if own else None)
        names = resolve_names(token.claims, access, self._cache)
        plain, masked = name_lines(names), name_lines(names, hide_people=True)
        self.screen.post_message(NamesFound(token, {c: (plain[c], masked[c]) for c in plain},
                                            key))
