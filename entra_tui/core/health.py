"""The token doctor's report: findings with a level, the test call, and the exit code."""

from __future__ import annotations

from enum import Enum
from typing import Any, NamedTuple

EXIT_HEALTHY = 0
EXIT_NEEDS_FIXING = 1
EXIT_UNUSABLE = 3
EXIT_UNCHECKED = 6


class Level(Enum):
    OK = "ok"
    INFO = "info"
    WARNING = "warning"
    PROBLEM = "problem"
    UNCHECKED = "not checked"


class Finding(NamedTuple):
    area: str  # token, graph, credentials, permissions, version, why-missing, sign-in, test call
    level: Level
    text: str
    fix: str = ""

    def as_json(self) -> dict[str, str]:
        data = {"area": self.area, "level": self.level.value, "text": self.text}
        return {**data, "fix": self.fix} if self.fix else data


class CallResult(NamedTuple):
    """The test call's outcome; `url` has no token and no query secrets (it is ours)."""

    method: str
    url: str
    status: int | None
    elapsed_ms: float | None
    preview: tuple[str, ...]  # the first lines of the JSON answer
    explanation: tuple[str, ...]  # why a 401/403 (or a failure) happened

    def as_json(self) -> dict[str, Any]:
        return {"method": self.method, "url": self.url, "status": self.status,
                "elapsed_ms": None if self.elapsed_ms is None else round(self.elapsed_ms, 1),
                "preview": list(self.preview), "explanation": list(self.explanation)}


class HealthReport(NamedTuple):
    profile: str
    findings: tuple[Finding, ...]
    test_call: CallResult | None = None
    sign_ins: tuple[dict[str, Any], ...] = ()
    unusable: bool = False  # the profile cannot get a token for configuration reasons
    graph_profile: str | None = None

    @property
    def exit_code(self) -> int:
        """0 healthy, 1 something needs fixing, 3 unusable profile, 6 could not check."""
        if self.unusable:
            return EXIT_UNUSABLE
        if any(f.level is Level.PROBLEM for f in self.findings):
            return EXIT_NEEDS_FIXING
        if any(f.level is Level.UNCHECKED for f in self.findings):
            return EXIT_UNCHECKED
        return EXIT_HEALTHY

    def as_json(self) -> dict[str, Any]:
        return {"profile": self.profile, "exit_code": self.exit_code,
                "graph_profile": self.graph_profile,
                "findings": [f.as_json() for f in self.findings],
                "test_call": self.test_call.as_json() if self.test_call else None,
                "sign_ins": list(self.sign_ins)}
