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


class Explanation(NamedTuple):
    """What failed, why and what to do, in the order a person reads it; the TUI's error
    panel and the CLI both print this (each in its own layout), through safe_text."""

    title: str  # "AADSTS7000215", "Network error"
    what: str  # what failed, in the server's words or ours
    meaning: str | None  # what a known AADSTS code means (then `what` is Microsoft's words)
    fix: str | None  # what to try first
    ids: tuple[tuple[str, str], ...]  # (label, value): what a support case asks for
    more: str | None  # the server's link about the error


class AcquireError(NamedTuple):
    """A failure, structured; nothing in it is secret."""

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

    def explain(self) -> Explanation:
        help_ = self.help
        ids = tuple((label, value) for label, value in (
            ("Correlation ID", self.correlation_id), ("Trace ID", self.trace_id),
            ("Timestamp", self.timestamp)) if value)
        return Explanation(
            title=self.title, what=self.summary,
            meaning=help_.meaning if help_ is not None else None,
            fix=help_.fix if help_ is not None else self.hint, ids=ids, more=self.error_uri)


class AcquireResult(NamedTuple):
    """One acquisition attempt. Tokens are kept out of `repr` so they never reach a log."""

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
