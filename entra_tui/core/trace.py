"""The wire trace of an acquisition: every HTTP exchange MSAL made through the session we gave
it (discovery, the token endpoint, device-code polling, managed identity), kept per profile
for its last attempt.

Recording is cheap by design (it sits on every request of every acquisition): the raw pieces
(method, URL, the form MSAL built, headers, the `requests` response) are stored as they are,
and nothing is parsed, copied or redacted until someone looks. `render()` / `as_json()` then
redact every secret (client secrets, assertions, passwords, codes, refresh/access/ID tokens,
device and user codes, Authorization and identity headers, anything shaped like a JWT) to
`first6…last4 (N chars)` - shorter secrets show less - and pass every string through the
one safe-text function: a server's answer is untrusted text.

No Textual here; `requests` is never imported (responses arrive already made).
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from entra_tui.core.safe_text import safe_text

# Form fields, JSON keys and query parameters whose values are secret.
SECRET_FIELDS = frozenset({
    "client_secret", "client_assertion", "assertion", "password", "code", "code_verifier",
    "refresh_token", "access_token", "id_token", "device_code", "user_code",
    "requested_token", "token", "id_token_hint", "subject_token", "actor_token",
})
# A secret shows no characters at all (a password) or only Entra's own 3-character "hint".
PASSWORD_FIELDS = frozenset({"password"})
HINTED_FIELDS = frozenset({"client_secret"})
SECRET_HEADERS = frozenset({"authorization", "x-identity-header", "secret", "cookie",
                            "set-cookie", "proxy-authorization", "x-ms-token"})
# Anything shaped like a JWT (or the first three parts of a JWE), wherever it appears.
JWT_PATTERN = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
MAX_BODY_CHARS = 64_000
SHORTEST_PARTIAL = 24  # below this, showing 10 characters would show most of the value
# The request headers worth showing (MSAL's telemetry and correlation); others are noise.
SHOWN_REQUEST_HEADERS = ("client-request-id", "x-client-sku", "x-client-ver",
                         "x-client-current-telemetry", "metadata", "content-type")
SHOWN_RESPONSE_HEADERS = ("content-type", "www-authenticate", "retry-after",
                          "x-ms-request-id", "client-request-id", "x-ms-ests-server")


def redact(value: str, field: str = "") -> str:
    """A secret as `first6…last4 (N chars)`; less of it when it is short or a password."""
    length = len(value)
    if field in PASSWORD_FIELDS or length < 8:
        return f"[redacted] ({length} chars)"
    if field in HINTED_FIELDS or length < SHORTEST_PARTIAL:
        return f"{value[:3]}… ({length} chars)"
    return f"{value[:6]}…{value[-4:]} ({length} chars)"


class Exchange:
    """One request and what came back, raw. `response` is a `requests.Response` (or None
    when the request raised: `error` says why)."""

    __slots__ = ("method", "url", "data", "headers", "started", "elapsed_ms", "response",
                 "error")

    def __init__(self, method: str, url: str, data: Any, headers: Any, started: float,
                 elapsed_ms: float, response: Any, error: str | None) -> None:
        self.method = method
        self.url = url
        self.data = data
        self.headers = headers
        self.started = started
        self.elapsed_ms = elapsed_ms
        self.response = response
        self.error = error

    @property
    def status(self) -> int | None:
        return getattr(self.response, "status_code", None)

    def form(self) -> dict[str, str]:
        """The request's form fields (MSAL posts dicts), values as text."""
        data = self.data
        if isinstance(data, dict):
            return {str(k): "" if v is None else str(v) for k, v in data.items()}
        if isinstance(data, str | bytes) and data:
            from urllib.parse import parse_qsl

            text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
            return dict(parse_qsl(text, keep_blank_values=True))
        return {}

    def response_text(self) -> str:
        response = self.response
        if response is None:
            return ""
        try:
            return str(response.text)[:MAX_BODY_CHARS]
        except Exception:  # a body that cannot be decoded is shown as its length only
            return f"<{len(getattr(response, 'content', b'') or b'')} bytes>"

    def response_json(self) -> Any:
        text = self.response_text()
        if not text.lstrip().startswith(("{", "[")):
            return None
        try:
            return json.loads(text)
        except ValueError:
            return None


class Trace:
    """The exchanges of one acquisition attempt of one profile."""

    __slots__ = ("profile", "flow", "started_at", "exchanges")

    def __init__(self, profile: str, flow: str = "", started_at: float | None = None) -> None:
        self.profile = profile
        self.flow = flow
        self.started_at = time.time() if started_at is None else started_at
        self.exchanges: list[Exchange] = []

    def __len__(self) -> int:
        return len(self.exchanges)

    def __repr__(self) -> str:  # never the raw pieces: they hold secrets
        return f"Trace(profile={self.profile!r}, exchanges={len(self.exchanges)})"

    def record(self, method: str, url: str, data: Any, headers: Any, started: float,
               elapsed_ms: float, response: Any, error: str | None = None) -> None:
        self.exchanges.append(Exchange(method, url, data, headers, started, elapsed_ms,
                                       response, error))

    # --- shown: redacted, safe ------------------------------------------------------------
    def as_json(self) -> dict[str, Any]:
        """The trace as data, every secret redacted (what the text view shows)."""
        secrets = self._secret_values()
        out = []
        for number, exchange in enumerate(self.exchanges, 1):
            out.append(self._exchange_json(number, exchange, secrets))
        return {"profile": self.profile, "flow": self.flow, "started_at": self.started_at,
                "requests": out}

    def render(self) -> str:
        """Readable text, one request after another; safe for any terminal or widget."""
        data = self.as_json()
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.started_at))
        total = sum(r["elapsed_ms"] for r in data["requests"])
        head = (f"Wire trace of '{safe_text(self.profile)}'"
                + (f" ({safe_text(self.flow)})" if self.flow else "")
                + f", attempt at {when}: {len(self.exchanges)} request"
                + ("" if len(self.exchanges) == 1 else "s") + f", {total:.1f} ms on the wire")
        lines = [head, "Secrets, codes and tokens are shown redacted: first6…last4 (N chars)."]
        if not self.exchanges:
            lines.append("No HTTP requests: the token came from MSAL's cache, or the attempt "
                         "stopped before reaching the network.")
        for request in data["requests"]:
            lines.append("")
            status = request["status"] if request["status"] is not None else "no response"
            lines.append(f"#{request['number']} {request['method']} {request['url']} -> "
                         f"{status} ({request['elapsed_ms']:.1f} ms)")
            for name, value in request["request_headers"].items():
                lines.append(f"    > {name}: {value}")
            if request["form"]:
                lines.append("    form:")
                lines += [f"      {k} = {v}" for k, v in request["form"].items()]
            if request["error"]:
                lines.append(f"    error: {request['error']}")
            for name, value in request["response_headers"].items():
                lines.append(f"    < {name}: {value}")
            body = request["response"]
            if body is not None and body != "":
                shown = _pretty(body) if not isinstance(body, str) else body
                lines.append("    response:")
                lines += [f"      {line}" for line in shown.splitlines()]
        return "\n".join(safe_text(line) for line in lines)

    def _secret_values(self) -> set[str]:
        """Every secret value seen anywhere in the trace, so it is also hidden where it turns
        up under another name (a user code inside the device flow's `message`)."""
        found: set[str] = set()
        for exchange in self.exchanges:
            for key, value in exchange.form().items():
                if key in SECRET_FIELDS and value:
                    found.add(value)
            _collect(exchange.response_json(), found)
            for name, value in _headers(exchange.headers).items():
                if name in SECRET_HEADERS and value:
                    found.add(value.split(" ", 1)[-1])
        return {value for value in found if len(value) >= 4}

    def _exchange_json(self, number: int, exchange: Exchange,
                       secrets: set[str]) -> dict[str, Any]:
        def clean(text: str) -> str:
            return _scrub(text, secrets)

        form = {k: (redact(v, k) if k in SECRET_FIELDS and v else clean(v))
                for k, v in exchange.form().items()}
        request_headers = {name: (redact(value, name) if name in SECRET_HEADERS else clean(value))
                           for name, value in _headers(exchange.headers).items()
                           if name in SHOWN_REQUEST_HEADERS or name in SECRET_HEADERS}
        response = exchange.response
        response_headers = {}
        if response is not None:
            response_headers = {
                name: (redact(value, name) if name in SECRET_HEADERS else clean(value))
                for name, value in _headers(getattr(response, "headers", None)).items()
                if name in SHOWN_RESPONSE_HEADERS or name in SECRET_HEADERS}
        body: Any = exchange.response_json()
        if body is not None:
            body = _redact_json(body, secrets)
        elif response is not None:
            body = clean(exchange.response_text())
        return {
            "number": number, "method": exchange.method, "url": _redact_url(exchange.url, secrets),
            "status": exchange.status, "elapsed_ms": round(exchange.elapsed_ms, 2),
            "request_headers": request_headers, "form": form,
            "error": clean(exchange.error) if exchange.error else None,
            "response_headers": response_headers, "response": body,
        }


def _pretty(value: Any, indent: str = "") -> str:
    """JSON with one member per line, but a list of plain values on one line: a discovery
    document stays readable at a glance."""
    inner = indent + "  "
    if isinstance(value, dict) and value:
        members = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_pretty(v, inner)}"
                   for k, v in value.items()]
        return "{\n" + ",\n".join(members) + f"\n{indent}}}"
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        return "[\n" + ",\n".join(f"{inner}{_pretty(v, inner)}" for v in value) + \
            f"\n{indent}]"
    return json.dumps(value, ensure_ascii=False)


def _headers(headers: Any) -> dict[str, str]:
    if not headers:
        return {}
    try:
        return {str(k).lower(): str(v) for k, v in headers.items()}
    except (AttributeError, TypeError):
        return {}


def _collect(value: Any, found: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in SECRET_FIELDS and isinstance(item, str) and item:
                found.add(item)
            else:
                _collect(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect(item, found)


def _scrub(text: str, secrets: set[str]) -> str:
    """Hide known secret values and anything shaped like a JWT inside free text."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, redact(secret))
    return JWT_PATTERN.sub(lambda m: redact(m.group(0)), text) if "eyJ" in text else text


def _redact_json(value: Any, secrets: set[str]) -> Any:
    if isinstance(value, dict):
        return {str(k): (redact(v, str(k)) if k in SECRET_FIELDS and isinstance(v, str) and v
                         else _redact_json(v, secrets)) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_json(v, secrets) for v in value]
    if isinstance(value, str):
        return _scrub(value, secrets)
    return value


def _redact_url(url: str, secrets: set[str]) -> str:
    """Query parameters named like secrets are redacted, the rest scrubbed."""
    if "?" not in url:
        return _scrub(url, secrets)
    from urllib.parse import parse_qsl, urlencode

    base, _, query = url.partition("?")
    pairs = [(k, redact(v, k) if k in SECRET_FIELDS and v else v)
             for k, v in parse_qsl(query, keep_blank_values=True)]
    return _scrub(f"{base}?{urlencode(pairs, safe='/:…() ')}", secrets)
