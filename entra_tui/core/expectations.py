"""What an API expects of the tokens it accepts (a profile's [profiles.NAME.expect] table)."""

from __future__ import annotations

from typing import NamedTuple

DEFAULT_CLOCK_SKEW = 300

class Expectations(NamedTuple):
    """What an API expects of the tokens it accepts; empty means "not checked"."""

    audiences: tuple[str, ...] = ()
    issuers: tuple[str, ...] = ()
    tenant: str | None = None
    roles: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    version: str | None = None
    clock_skew: int = DEFAULT_CLOCK_SKEW

    @property
    def empty(self) -> bool:
        return not (self.audiences or self.issuers or self.tenant or self.roles or self.scopes
                    or self.version)
