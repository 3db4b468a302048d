"""The run model (core/runs.py): one record per profile, reconciled with the profile file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from entra_tui.core.profiles import ProfileSet, parse_profiles
from entra_tui.core.results import AcquireError, AcquireResult, FailureKind
from entra_tui.core.runs import ProfileRun, Runs

FILE = b"""
[profiles.first]
tenant = "contoso.onmicrosoft.com"
client_id = "11111111-1111-1111-1111-111111111111"
flow = "client_secret"
secret = "env:FIRST_SECRET"
scopes = ["https://graph.microsoft.com/.default"]

[profiles.second]
tenant = "contoso.onmicrosoft.com"
client_id = "22222222-2222-2222-2222-222222222222"
flow = "client_secret"
secret = "env:SECOND_SECRET"
scopes = ["https://graph.microsoft.com/.default"]
"""


class Timer:
    def __init__(self) -> None:
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True


def profiles(data: bytes = FILE) -> ProfileSet:
    return parse_profiles(data, Path("profiles.toml"))


def good(name: str, at: float = 1000.0) -> AcquireResult:
    return AcquireResult(name, at, 10, access_token="t", source="cache", expires_in=3600)


def bad(name: str, kind: FailureKind = FailureKind.IDENTITY) -> AcquireResult:
    return AcquireResult(name, 1000.0, 10, error=AcquireError(kind, "no"))


def test_a_run_keeps_the_last_good_token_through_a_failure() -> None:
    run = ProfileRun(profiles().profiles[0])
    assert run.state(1000).kind == "none"
    cancel = run.start()
    assert run.working and not cancel.is_set() and run.state(1000).kind == "working"
    run.finish(good("first"))
    assert run.state(1060).kind == "valid" and run.token is run.attempt
    run.start()
    run.finish(bad("first"))
    assert run.state(1060).kind == "error"
    assert run.token is not None and run.token.ok and not run.working


def test_start_gives_a_fresh_cancel_event() -> None:
    run = ProfileRun(profiles().profiles[0])
    first = run.start()
    first.set()
    run.finish(bad("first", FailureKind.CANCELLED))
    assert not run.start().is_set()


def test_scheduling_a_refresh_stops_the_previous_timer() -> None:
    run = ProfileRun(profiles().profiles[0])
    old, new = Timer(), Timer()
    run.schedule_refresh(5000, old)
    run.schedule_refresh(6000, new)
    assert old.stopped and not new.stopped and run.refresh_at == 6000
    run.forget_tokens()
    assert new.stopped and run.refresh_at is None


def test_reconcile_drops_removed_and_changed_profiles_and_stops_them() -> None:
    before = profiles()
    runs = Runs()
    first, second = (runs.of(p) for p in before.profiles)
    timers = Timer(), Timer()
    for run, timer in zip((first, second), timers):
        run.start()
        run.schedule_refresh(5000, timer)
    # The same file read again: nothing changes.
    assert runs.reconcile(profiles()) == []
    assert runs.is_live(first) and runs.is_live(second)
    # `second` removed, `first` changed (another client id): both stop and go.
    changed = before.profiles[0]
    after = before._replace(profiles=(dataclasses.replace(
        changed, client_id="33333333-3333-3333-3333-333333333333"),))
    dropped = runs.reconcile(after)
    assert set(map(id, dropped)) == {id(first), id(second)}
    assert first.cancel.is_set() and second.cancel.is_set()
    assert all(timer.stopped for timer in timers)
    assert first.refresh_at is None and len(runs) == 0
    assert not runs.is_live(first)
    # The changed profile starts over with a new run.
    fresh = runs.of(after.profiles[0])
    assert fresh is not first and fresh.attempt is None and runs.is_live(fresh)


def test_reconcile_with_no_profile_file_drops_everything() -> None:
    runs = Runs()
    run = runs.of(profiles().profiles[0])
    run.start()
    assert runs.reconcile(None) == [run] and run.cancel.is_set()


def test_of_replaces_a_run_made_for_an_older_profile() -> None:
    runs = Runs()
    old = runs.of(profiles().profiles[0])
    newer = dataclasses.replace(old.profile, description="edited")
    assert runs.of(newer) is not old and old.cancel.is_set()
    assert runs.of(newer) is runs.of(newer)
