"""The session's inspected tokens (acquired and pasted), newest last, so the user can flip
back. In memory only: nothing here is ever written to disk."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from entra_tui.core.token import DecodedToken
    from entra_tui.core.verify import Verification

MAX_ENTRIES = 20
_ids = itertools.count(1)


class InspectedToken:
    """One token on the inspection stack; `verification` is filled in when asked for.
    A plain class (a dataclass took ~1.5 ms to create at start-up)."""

    __slots__ = ("token", "origin", "added_at", "profile_name", "verification", "id")

    def __init__(self, token: DecodedToken, origin: str, added_at: float,
                 profile_name: str | None = None,
                 verification: Verification | None = None) -> None:
        self.token = token
        self.origin = origin  # e.g. "contoso-orders-sync from cache", "pasted (a URL)"
        self.added_at = added_at
        self.profile_name = profile_name
        self.verification = verification
        self.id = next(_ids)

    def __repr__(self) -> str:  # never the token itself
        return f"InspectedToken(id={self.id}, origin={self.origin!r})"


class TokenHistory:
    def __init__(self, limit: int = MAX_ENTRIES) -> None:
        self._entries: list[InspectedToken] = []
        self._limit = limit

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, entry: InspectedToken) -> InspectedToken:
        self._entries.append(entry)
        del self._entries[: -self._limit]
        return entry

    def position(self, entry: InspectedToken | None) -> int | None:
        """1-based position of `entry`, or None when it has dropped off."""
        return next((i for i, e in enumerate(self._entries, 1) if e is entry), None)

    def step(self, entry: InspectedToken | None, offset: int) -> InspectedToken | None:
        """The entry `offset` away from `entry` (clamped); the newest when `entry` is gone."""
        if not self._entries:
            return None
        index = self.position(entry)
        if index is None:
            return self._entries[-1]
        return self._entries[max(0, min(len(self._entries) - 1, index - 1 + offset))]

    def find(self, entry_id: int) -> InspectedToken | None:
        return next((e for e in self._entries if e.id == entry_id), None)

    def latest_for(self, profile_name: str) -> InspectedToken | None:
        return next((e for e in reversed(self._entries) if e.profile_name == profile_name),
                    None)
