"""One word (and a time) for where each profile stands, for the profile list."""

from __future__ import annotations

from typing import NamedTuple

from entra_tui.core.expiry import EXPIRING_SOON_SECONDS
from entra_tui.core.results import AcquireResult, FailureKind
from entra_tui.core.timefmt import compact_span


class ProfileState(NamedTuple):
    kind: str  # none | working | valid | expiring | expired | error | cancelled
    label: str


def profile_state(attempt: AcquireResult | None, token: AcquireResult | None,
                  working: bool, now: float) -> ProfileState:
    """`attempt` is the last try, `token` the last success (kept when a later try failed).
    A cancel is not a failure: the profile keeps the state of its last token, if any."""
    if working:
        return ProfileState("working", "…")
    cancelled = attempt is not None and attempt.error is not None \
        and attempt.error.kind is FailureKind.CANCELLED
    if attempt is not None and not attempt.ok and not cancelled:
        return ProfileState("error", "✗ error")
    if token is None:
        return ProfileState("cancelled", "– cancelled") if cancelled else ProfileState("none", "–")
    if not token.expires_in:
        return ProfileState("valid", "● token")
    left = token.acquired_at + token.expires_in - now
    if left <= 0:
        return ProfileState("expired", "○ expired")
    kind = "expiring" if left <= EXPIRING_SOON_SECONDS else "valid"
    return ProfileState(kind, f"● {compact_span(left)}")
