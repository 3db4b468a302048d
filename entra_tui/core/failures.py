"""Turn what MSAL and requests report into an AcquireError people can act on."""

from __future__ import annotations

import json
import re
from typing import Any

from entra_tui.core.results import AcquireError, FailureKind

_DESCRIPTION_TAIL = re.compile(r"\s*(Trace ID|Correlation ID|Timestamp):.*$", re.DOTALL)
_AADSTS_PREFIX = re.compile(r"^AADSTS(\d+):\s*")
# The ids Entra also writes at the end of error_description ("... Trace ID: x Correlation ID:
# y Timestamp: z"): ids are GUIDs, the timestamp a date and a UTC time.
_TAIL_FIELD = re.compile(r"(Trace ID|Correlation ID|Timestamp):\s*("
                         r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?Z?|[0-9a-fA-F-]{8,64}\b)")


def from_error_response(body: dict[str, Any]) -> AcquireError:
    """An Entra JSON error body (`error`, `error_description`, `error_codes`, ids...)."""
    description = str(body.get("error_description") or "")
    codes = body.get("error_codes")
    code = codes[0] if isinstance(codes, list) and codes and isinstance(codes[0], int) else None
    prefix = _AADSTS_PREFIX.match(description)
    if code is None and prefix:
        code = int(prefix.group(1))
    # The title already names the code; keep the summary to Microsoft's sentence.
    first_part = _AADSTS_PREFIX.sub("", _DESCRIPTION_TAIL.sub("", description))
    summary = first_part.strip() or str(body.get("error") or "the identity provider said no")
    # Some answers (proxies, older endpoints, MSAL's wrapped discovery errors) carry the ids
    # only in the description: support still needs them, and c copies them from the panel.
    told = {label: value.strip() for label, value in _TAIL_FIELD.findall(description[-600:])}
    return AcquireError(
        kind=FailureKind.IDENTITY,
        summary=summary,
        code=code,
        error=_text(body.get("error")),
        description=description or None,
        correlation_id=_text(body.get("correlation_id")) or told.get("Correlation ID"),
        trace_id=_text(body.get("trace_id")) or told.get("Trace ID"),
        timestamp=_text(body.get("timestamp")) or told.get("Timestamp"),
        error_uri=_text(body.get("error_uri")),
    )


def from_exception(exc: BaseException, authority: str) -> AcquireError:
    """Network and protocol failures, told apart from identity errors."""
    import requests

    if isinstance(exc, requests.exceptions.SSLError):
        return AcquireError(
            FailureKind.NETWORK, f"TLS failed talking to {authority}: the server's certificate "
            "is not trusted", hint="Behind a TLS-inspecting proxy, point REQUESTS_CA_BUNDLE at "
            "your organisation's CA bundle.")
    if isinstance(exc, requests.exceptions.Timeout):
        return AcquireError(
            FailureKind.NETWORK, f"{authority} did not answer in time",
            hint="Check the network or proxy, then retry.")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return AcquireError(
            FailureKind.NETWORK, f"cannot connect to {authority} ({_connection_reason(exc)})",
            hint="Check the authority host, the network and any proxy (HTTPS_PROXY).")
    if isinstance(exc, requests.exceptions.RequestException):
        return AcquireError(FailureKind.NETWORK, f"HTTP request to {authority} failed: "
                            f"{type(exc).__name__}")
    discovery = _discovery_error_body(exc)
    if discovery is not None:
        return from_error_response(discovery)
    status = _http_status(exc)
    if status is not None:
        what = HTTP_TROUBLE.get(status, "an error")
        return AcquireError(
            FailureKind.NETWORK, f"{authority} answered HTTP {status} ({what}) instead of a "
            "token", hint="Entra (or a proxy in front of it) is having trouble: wait a minute "
            "and retry; check status.azure.com if it persists.")
    if isinstance(exc, json.JSONDecodeError):
        return AcquireError(
            FailureKind.NETWORK, f"{authority} sent an answer that is not valid JSON (an "
            "outage page, a throttling page or a proxy in the way?)",
            hint="Retry in a moment; if it persists, check HTTPS_PROXY and the authority host.")
    if isinstance(exc, ValueError) and "authority" in str(exc).lower():
        return AcquireError(
            FailureKind.NETWORK, f"{authority} did not serve a usable OpenID configuration",
            hint="Check the tenant and the cloud or authority_host.")
    return AcquireError(FailureKind.NETWORK, f"unexpected answer from {authority}: "
                        f"{type(exc).__name__}")



IMDS = "the Azure instance metadata service (169.254.169.254)"


def managed_identity_failure(exc: BaseException) -> AcquireError:
    """A managed identity's token comes from the host, not from Entra: name the endpoint MSAL
    asked (App Service's IDENTITY_ENDPOINT, Cloud Shell's MSI_ENDPOINT, else the instance
    metadata service), and say plainly when that was the metadata service off Azure.
    https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token"""
    import os

    endpoint = os.environ.get("IDENTITY_ENDPOINT") or os.environ.get("MSI_ENDPOINT")
    from entra_tui.core.safe_text import safe_text

    error = from_exception(exc, safe_text(endpoint) if endpoint else IMDS)
    if endpoint:
        return error
    return error._replace(hint=(
        "No IDENTITY_ENDPOINT is set, so MSAL asked the instance metadata service, which "
        "answers only on an Azure VM, scale set or container with a managed identity. Run "
        "this profile there, set IDENTITY_ENDPOINT and IDENTITY_HEADER (App Service, "
        "Functions, Container Apps; `entra-tui sandbox` prints a pair), or use another flow."))

HTTP_TROUBLE = {429: "too many requests", 500: "internal error", 502: "bad gateway",
                503: "service unavailable", 504: "gateway timeout"}
_MSAL_HTTP_ERROR = re.compile(r"HTTP Error: (\d{3})")


def _http_status(exc: BaseException) -> int | None:
    """MSAL reports a non-JSON 5xx as MsalServiceError('HTTP Error: 503')."""
    match = _MSAL_HTTP_ERROR.search(str(exc)) if type(exc).__name__ == "MsalServiceError" \
        else None
    return int(match.group(1)) if match else None


def _discovery_error_body(exc: BaseException) -> dict[str, Any] | None:
    """MSAL wraps a failed discovery (e.g. AADSTS90002, tenant not found) in a ValueError whose
    cause text carries Entra's JSON body; recover it so the user sees the real AADSTS code."""
    for candidate in (exc, exc.__context__, exc.__cause__):
        if candidate is None:
            continue
        text = str(candidate)
        start = text.find("Error: {")
        if start < 0:
            continue
        try:
            body = json.loads(text[start + len("Error: "):])
        except json.JSONDecodeError:
            continue
        if isinstance(body, dict) and "error" in body:
            return body
    return None


def _connection_reason(exc: BaseException) -> str:
    text = str(exc).lower()
    if "refused" in text:
        return "connection refused"
    if "name or service not known" in text or "nodename nor servname" in text \
            or "getaddrinfo" in text:
        return "host name not found"
    if "reset" in text or "aborted" in text or "without response" in text:
        return "the connection was dropped before the answer was complete"
    return "unreachable"


def _text(value: Any) -> str | None:
    return str(value) if value is not None else None
