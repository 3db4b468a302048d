"""What an acquisition returns: a token with its provenance, or an error people can act on."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from entra_tui.core.aadsts import AadstsHelp


SECRET_FIELDS = frozenset({"access_token", "id_token"})


class FailureKind(Enum):
    IDENTITY = "identity provider"   # Entra answered with an AADSTS error
    NETWORK = "network"              # no usable answer: refused, timeout, TLS, bad response
    CONFIGURATION = "configuration"  # the profile or its credential cannot be used
    CANCELLED = "cancelled"          # the user stopped it


class AcquireError(NamedTuple):
    """A failure, structured; nothing in it is secret. The records here are NamedTuples:
    made in a fraction of a frozen dataclass's time, at import and per result."""

    kind: FailureKind
    summary: str
    code: int | None = None
    error: str | None = None
    description: str | None = None
    correlation_id: str | None = None
    trace_id: str | None = None
    timestamp: str | None = None
    error_uri: str | None = None
    hint: str | None = None

    @property
    def help(self) -> AadstsHelp | None:
        from entra_tui.core.aadsts import help_for

        return help_for(self.code)

    @property
    def title(self) -> str:
        if self.code is not None:
            return f"AADSTS{self.code}"
        return f"{self.kind.value.capitalize()} error"


class AcquireResult(NamedTuple):
    """One acquisition attempt. Tokens are kept out of `repr` so they never reach a log.
    A NamedTuple: immutable, and made in a third of a dataclass's time (a cache hit makes one
    every call, and MSAL's own lookup takes only ~20 µs)."""

    profile_name: str
    acquired_at: float
    elapsed_ms: float
    access_token: str | None = None
    id_token: str | None = None
    source: str | None = None
    expires_in: int | None = None
    account: str | None = None  # the signed-in user, for user flows
    error: AcquireError | None = None
    warnings: tuple[str, ...] = ()  # e.g. a secret file others can read
    # Which credential was read for this request, never its value:
    # "secret from file:/path (read 10:32:05)"; None when none was read (e.g. a cache hit).
    credential: str | None = None

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields
                          if name not in SECRET_FIELDS)
        return f"AcquireResult({shown})"

    @property
    def ok(self) -> bool:
        return self.error is None and self.access_token is not None


_new_tuple = tuple.__new__


def cache_hit_result(profile_name: str, acquired_at: float, elapsed_ms: float,
                     access_token: str, expires_in: int | None) -> AcquireResult:
    """An app token found in MSAL's cache, made without the NamedTuple constructor's Python
    frame: a hit takes ~20-40 µs inside MSAL, and this saves a tenth of our overhead on it.
    (A test checks it equals the same result made the ordinary way.)"""
    return _new_tuple(AcquireResult, (profile_name, acquired_at, elapsed_ms, access_token,
                                      None, "cache", expires_in, None, None, (), None))
