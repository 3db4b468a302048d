"""Where a token stands in its lifetime at a given moment (so tests need no sleeping)."""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from entra_tui.core.token import DecodedToken

EXPIRING_SOON_SECONDS = 5 * 60


class ExpiryState(Enum):
    VALID = "valid"
    EXPIRING_SOON = "expiring soon"
    EXPIRED = "expired"
    NOT_YET_VALID = "not yet valid"
    NO_EXPIRY = "no expiry"


class ExpiryStatus(NamedTuple):
    """`seconds_left` is negative once expired; `fraction_left` runs from 1.0 down to 0.0."""

    state: ExpiryState
    seconds_left: float | None
    fraction_left: float


def expiry_status(token: DecodedToken, now: float) -> ExpiryStatus:
    exp = token.time_claim("exp")
    if exp is None:
        return ExpiryStatus(ExpiryState.NO_EXPIRY, None, 1.0)
    start = token.time_claim("nbf") or token.time_claim("iat")
    seconds_left = exp - now
    lifetime = exp - start if start is not None and exp > start else None
    fraction = 0.0 if lifetime is None else min(1.0, max(0.0, seconds_left / lifetime))
    nbf = token.time_claim("nbf")
    if seconds_left <= 0:
        state = ExpiryState.EXPIRED
    elif nbf is not None and now < nbf:
        state = ExpiryState.NOT_YET_VALID
    elif seconds_left <= EXPIRING_SOON_SECONDS:
        state = ExpiryState.EXPIRING_SOON
    else:
        state = ExpiryState.VALID
    return ExpiryStatus(state, seconds_left, fraction if lifetime is not None else 0.0)
