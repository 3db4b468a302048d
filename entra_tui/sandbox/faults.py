"""Faults the sandbox can inject, per tenant or per request, to show how clients cope with
a misbehaving identity provider: HTTP errors (with or without Retry-After), slowness, a reset
connection, malformed JSON, a token response without a token, or with a token that carries
terminal escapes (a hostile or broken custom authority)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

KINDS = ("status", "slow", "reset", "malformed_json", "no_access_token",
         "hostile_access_token")
HOSTILE_ACCESS_TOKEN = "eyJ0eXAi.\x1b]52;c;Y3VybCBldmlsLnNofHNo\x07\x1b]2;PWNED\x07.c2ln"


@dataclass
class Fault:
    kind: str
    status: int = 500
    retry_after: int | None = None
    delay: float = 0.0
    path_contains: str = ""  # e.g. a tenant id, "/token", "/keys"
    remaining: int | None = None  # None: until cleared


class Faults:
    """Thread-safe list of armed faults; the first that matches a request is used."""

    def __init__(self) -> None:
        self._armed: list[Fault] = []
        self._lock = threading.Lock()

    def inject(self, fault: Fault) -> Fault:
        if fault.kind not in KINDS:
            raise ValueError(f"unknown fault {fault.kind!r}; known: {', '.join(KINDS)}")
        with self._lock:
            self._armed.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def take(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._armed:
                if fault.path_contains in path:
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._armed.remove(fault)
                    return fault
        return None
