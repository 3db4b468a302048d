"""A small reader for Microsoft Graph and Azure Resource Manager, for the token doctor.

Where requests go is never taken from a token: the root is the cloud's fixed origin
(`clouds.GRAPH_ORIGINS` / `ARM_ORIGINS`, chosen by the profile's authority host) or the
`graph_endpoint` / `arm_endpoint` the profile file names (checked by `service_endpoint`).
Paths are built here from constants; an id taken from a token goes in only as a validated,
percent-encoded GUID (`guid_segment`), and a string in an OData filter is quoted with
`odata_string` (single quotes doubled, as OData's ABNF spells them). Redirects are not followed
(a 3xx is an answer, so the bearer token never travels to another host), every request has a
timeout, and a response larger than `MAX_RESPONSE_BYTES` is refused. TLS follows the rules of
`SessionManager._http_session`: a profile with its own CA bundle trusts only that CA and
ignores proxy/CA environment variables; otherwise the user's environment applies.

requests is imported on first use (the `decode` path must stay lean).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import quote

from entra_tui.core.clouds import (
    ARM_ORIGINS,
    GRAPH_ORIGINS,
    cloud_of_authority,
    is_guid,
    service_endpoint,
)
from entra_tui.core.errors import ConfigError, EntraTuiError

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
ARM_APP_ID = "797f4846-ba00-4fd7-ba43-dac1f8f63013"
# Audiences of Microsoft Graph tokens: the app id (v2) or a cloud's Graph URI (v1).
GRAPH_AUDIENCES = frozenset({GRAPH_APP_ID, *GRAPH_ORIGINS.values(),
                             "https://dod-graph.microsoft.us"})
ARM_AUDIENCES = frozenset({ARM_APP_ID, *ARM_ORIGINS.values(), "https://management.core.windows.net",
                           "https://management.core.usgovcloudapi.net",
                           "https://management.core.chinacloudapi.cn"})
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
DEFAULT_TIMEOUT_SECONDS = 20.0
MAX_PAGES = 10
KEPT_HEADERS = ("www-authenticate", "request-id", "client-request-id", "retry-after",
                "content-type", "x-ms-request-id", "x-ms-correlation-request-id")


class ServiceUnavailable(EntraTuiError):
    """The API could not be asked (network, TLS, timeout, an answer too large or not JSON).
    The message names the origin, never the token."""


def is_graph_audience(aud: object) -> bool:
    return isinstance(aud, str) and aud.rstrip("/").lower() in GRAPH_AUDIENCES


def is_arm_audience(aud: object) -> bool:
    return isinstance(aud, str) and aud.rstrip("/").lower() in ARM_AUDIENCES


def graph_root(profile: Any) -> str:
    """`https://graph.microsoft.com` (or the profile's cloud's), or its `graph_endpoint`."""
    return _root(profile, "graph_endpoint", GRAPH_ORIGINS, "Microsoft Graph")


def arm_root(profile: Any) -> str:
    return _root(profile, "arm_endpoint", ARM_ORIGINS, "Azure Resource Manager")


def _root(profile: Any, key: str, origins: Mapping[str, str], what: str) -> str:
    configured = getattr(profile, key, None)
    if configured:
        checked = service_endpoint(configured)
        if checked is None:
            raise ConfigError(f"profile '{profile.name}': {key} is not a plain https URL")
        return checked
    cloud = cloud_of_authority(profile.authority_host)
    if cloud is None:
        raise ConfigError(f"profile '{profile.name}' signs in at a custom authority: set "
                          f"{key} = \"https://HOST/...\" to say where its {what} is")
    return origins[cloud]


def guid_segment(value: object) -> str:
    """A directory id for a URL path: must be a GUID (from a token, it is checked here)."""
    if not is_guid(value):
        raise ValueError("not a GUID")
    return quote(str(value).lower(), safe="")


def odata_string(value: str) -> str:
    """An OData string literal: in single quotes, each quote doubled."""
    return "'" + value.replace("'", "''") + "'"


class Reply(NamedTuple):
    """One answer: status, parsed JSON (None when empty), a few headers, time taken."""

    status: int
    body: Any
    headers: dict[str, str]
    elapsed_ms: float
    text: str = ""  # the start of an answer that is not JSON (a health check's "OK")

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error_code(self) -> str:
        error = self.body.get("error") if isinstance(self.body, dict) else None
        return str(error.get("code", "")) if isinstance(error, dict) else ""

    @property
    def error_message(self) -> str:
        error = self.body.get("error") if isinstance(self.body, dict) else None
        return str(error.get("message", "")) if isinstance(error, dict) else ""

    def values(self) -> list[dict[str, Any]]:
        """A collection's `value` items that are objects."""
        items = self.body.get("value") if isinstance(self.body, dict) else None
        return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


class ServiceClient:
    """Reads one API root with one bearer token. Thread-safe enough for one worker."""

    def __init__(self, root: str, token: str, *, ca_bundle: str | None = None,
                 timeout: float | None = None, max_bytes: int = MAX_RESPONSE_BYTES) -> None:
        checked = service_endpoint(root)
        if checked is None:
            raise ConfigError("an API root must be a plain https URL")
        self.root = checked
        self._token = token
        self._ca_bundle = ca_bundle
        self._timeout = timeout or DEFAULT_TIMEOUT_SECONDS
        self._max_bytes = max_bytes
        self._session: Any = None

    def __repr__(self) -> str:  # never the token
        return f"ServiceClient({self.root!r})"

    @classmethod
    def graph(cls, profile: Any, token: str) -> ServiceClient:
        return cls(graph_root(profile) + "/v1.0", token, ca_bundle=profile.ca_bundle,
                   timeout=profile.timeout_seconds)

    @classmethod
    def arm(cls, profile: Any, token: str) -> ServiceClient:
        return cls(arm_root(profile), token, ca_bundle=profile.ca_bundle,
                   timeout=profile.timeout_seconds)

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Reply:
        return self._send("GET", path, params=params)

    def post(self, path: str, body: Mapping[str, Any]) -> Reply:
        """Only for Graph's read actions that take a body (getByIds, getMemberObjects)."""
        return self._send("POST", path, body=body)

    def get_all(self, path: str, params: Mapping[str, str] | None = None) -> Reply:
        """A collection, following `@odata.nextLink` (only under this root) up to MAX_PAGES."""
        first = self.get(path, params)
        if not first.ok:
            return first
        items, reply = first.values(), first
        for _ in range(MAX_PAGES - 1):
            link = reply.body.get("@odata.nextLink") if isinstance(reply.body, dict) else None
            if not isinstance(link, str) or not link.startswith(self.root + "/"):
                break
            reply = self._send("GET", link[len(self.root):], raw_query=True)
            if not reply.ok:
                return reply
            items += reply.values()
        return first._replace(body={**first.body, "value": items})

    def _send(self, method: str, path: str, *, params: Mapping[str, str] | None = None,
              body: Mapping[str, Any] | None = None, raw_query: bool = False) -> Reply:
        route, _, query = path.partition("?")
        if not route.startswith("/") or any(bad in route for bad in ("//", "/..", "\\", "@",
                                                                     "#")):
            raise ValueError("a path is built from constants and GUIDs")
        if query and not raw_query:
            raise ValueError("pass queries as params")
        import requests

        session = self._http()
        started = time.perf_counter()
        origin = self.root.split("/", 3)[:3]
        where = "/".join(origin)
        try:
            response = session.request(
                method, self.root + path, params=params, json=body,
                headers={"Authorization": f"Bearer {self._token}",
                         "Accept": "application/json"},
                timeout=self._timeout, allow_redirects=False, stream=True)
            try:
                data = _read_capped(response, self._max_bytes)
            finally:
                response.close()
        except requests.exceptions.SSLError:
            raise ServiceUnavailable(f"{where}: the TLS certificate is not trusted (set "
                                     "ca_bundle for a private authority)") from None
        except requests.exceptions.Timeout:
            raise ServiceUnavailable(f"{where}: no answer within {self._timeout:g} s") from None
        except requests.exceptions.RequestException as exc:
            raise ServiceUnavailable(f"{where}: could not connect "
                                     f"({type(exc).__name__})") from None
        elapsed = (time.perf_counter() - started) * 1000
        headers = {k: response.headers[k] for k in KEPT_HEADERS if k in response.headers}
        if not data.strip():
            return Reply(response.status_code, None, headers, elapsed)
        try:
            parsed = json.loads(data)
        except (ValueError, RecursionError):
            return Reply(response.status_code, None, headers, elapsed,
                         data[:4096].decode("utf-8", errors="replace"))
        return Reply(response.status_code, parsed, headers, elapsed)

    def _http(self) -> Any:
        if self._session is None:
            import requests

            session = requests.Session()
            if self._ca_bundle:
                session.trust_env = False
                session.verify = self._ca_bundle
            self._session = session
        return self._session


class ResponseTooLarge(ServiceUnavailable):
    pass


def _read_capped(response: Any, limit: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ResponseTooLarge(f"the answer is larger than {limit // 1024} KB")
    chunks, size = [], 0
    for chunk in response.iter_content(65536):
        size += len(chunk)
        if size > limit:
            raise ResponseTooLarge(f"the answer is larger than {limit // 1024} KB")
        chunks.append(chunk)
    return b"".join(chunks)
