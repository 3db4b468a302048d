"""One record per profile of what the user did with it: the run.

A run holds the profile it was started for, the last attempt and the last good token, whether
a request is in flight (and the event that cancels it), and when the next automatic refresh
is due. `Runs.reconcile` is the one place that follows the profile file: a profile that was
removed or changed loses its run, which stops its request and its refresh, so nothing keeps
acting on a profile that no longer exists. No Textual here: the UI keeps its timers and
dialogs on the run through the small `Stoppable` protocol.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from entra_tui.core.profile_state import ProfileState, profile_state

if TYPE_CHECKING:
    from entra_tui.core.profiles import Profile, ProfileSet
    from entra_tui.core.results import AcquireResult


class Stoppable(Protocol):
    """A UI timer (Textual's `Timer` fits)."""

    def stop(self) -> None: ...


@dataclass(eq=False, slots=True)
class ProfileRun:
    """Where one profile stands. Identity matters (eq=False): a worker's result is applied
    only to the run that started it, never to a newer run of a profile of the same name."""

    profile: Profile
    attempt: AcquireResult | None = None  # the last try, good or bad
    token: AcquireResult | None = field(default=None, repr=False)  # the last good one
    working: bool = False
    cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    refresh_at: float | None = None  # when the automatic refresh is due (epoch seconds)
    refresh_timer: Stoppable | None = field(default=None, repr=False)
    sign_in_url: str | None = None  # a browser sign-in waiting with no browser
    device_prompt: object | None = field(default=None, repr=False)  # the UI's code dialog

    @property
    def name(self) -> str:
        return self.profile.name

    def state(self, now: float) -> ProfileState:
        """The profile list's word for this run at `now`."""
        return profile_state(self.attempt, self.token, self.working, now)

    def start(self) -> threading.Event:
        """A request begins: a fresh cancel event (a set one would stop it at once)."""
        self.cancel = threading.Event()
        self.working = True
        return self.cancel

    def finish(self, result: AcquireResult) -> None:
        """A request ended; the last good token stays when this one failed."""
        self.working = False
        self.attempt = result
        self.sign_in_url = None
        if result.ok:
            self.token = result

    def schedule_refresh(self, at: float | None, timer: Stoppable | None = None) -> None:
        """Replace the pending refresh (None: no refresh)."""
        if self.refresh_timer is not None:
            self.refresh_timer.stop()
        self.refresh_at, self.refresh_timer = at, timer

    def forget_tokens(self) -> None:
        """After a sign-out: nothing to show, nothing to refresh."""
        self.attempt = self.token = None
        self.schedule_refresh(None)

    def stop(self) -> None:
        """Cancel the request in flight and the pending refresh."""
        self.cancel.set()
        self.schedule_refresh(None)


class Runs:
    """The runs of the profiles in the current profile file, by name."""

    def __init__(self) -> None:
        self._runs: dict[str, ProfileRun] = {}

    def __iter__(self) -> Iterator[ProfileRun]:
        return iter(list(self._runs.values()))

    def __len__(self) -> int:
        return len(self._runs)

    def find(self, name: str | None) -> ProfileRun | None:
        return self._runs.get(name) if name is not None else None

    def of(self, profile: Profile) -> ProfileRun:
        """The run of `profile`, made on first use. A run made for an older version of the
        profile is replaced (reconcile normally does that first)."""
        run = self._runs.get(profile.name)
        if run is None or run.profile != profile:
            if run is not None:
                run.stop()
            run = self._runs[profile.name] = ProfileRun(profile)
        return run

    def is_live(self, run: ProfileRun) -> bool:
        """False for a run dropped by reconcile or replaced since it started."""
        return self._runs.get(run.name) is run

    def reconcile(self, profiles: ProfileSet | None) -> list[ProfileRun]:
        """Follow the profile file: cancel and drop each run whose profile was removed or
        changed (a changed profile starts over: its old token was for other settings).
        Returns the dropped runs."""
        dropped = []
        for name, run in list(self._runs.items()):
            now = profiles.get(name) if profiles is not None else None
            if now is None or now != run.profile:
                run.stop()
                del self._runs[name]
                dropped.append(run)
        return dropped

    def cancel_all(self) -> None:
        """Stop every request in flight (the app is quitting)."""
        for run in self._runs.values():
            run.cancel.set()
