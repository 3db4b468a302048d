"""Plain request and response values shared by the server and the endpoints."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

MAX_BODY_BYTES = 64 * 1024


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)  # names lower-cased
    body: bytes = b""


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, data: object) -> Response:
        return cls(status, json.dumps(data).encode())
