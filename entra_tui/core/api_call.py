"""The doctor's test call: one cheap, read-only GET with the token at the API it is for (Graph
/me or /organization, ARM /subscriptions, or the profile's test_url kept to the token's API
origin), and why a 401/403 happened. The token is never in what this returns."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from entra_tui.core.clouds import service_endpoint
from entra_tui.core.errors import EntraTuiError
from entra_tui.core.graph_client import (
    Reply,
    ServiceClient,
    arm_root,
    graph_root,
    is_arm_audience,
    is_graph_audience,
)
from entra_tui.core.health import CallResult, Finding, HealthReport, Level

ARM_API_VERSION = "2022-12-01"  # https://learn.microsoft.com/en-us/rest/api/resources/subscriptions/list
PREVIEW_LINES = 12


def run_test_call(profile: Any, token: str, claims: Mapping[str, Any],
                  now: float) -> tuple[CallResult, Level]:
    """One cheap GET with the token at the API it is for; never a write."""
    aud = claims.get("aud")
    app_only = "scp" not in claims
    try:
        if getattr(profile, "test_url", None):
            client, path, params = _test_url_target(profile, aud)
        elif is_graph_audience(aud):
            client, path, params = ServiceClient.graph(profile, token), \
                ("/organization" if app_only else "/me"), None
        elif is_arm_audience(aud):
            client, path, params = ServiceClient.arm(profile, token), "/subscriptions", \
                {"api-version": ARM_API_VERSION}
        else:
            return CallResult("GET", "-", None, None, (), (
                "no test call: the token's API is not Graph or ARM; set test_url = "
                "\"https://...\" in the profile to a cheap GET of that API",)), Level.INFO
    except (EntraTuiError, ValueError) as exc:
        return CallResult("GET", "-", None, None, (), (str(exc),)), Level.UNCHECKED
    client = ServiceClient(client.root, token, ca_bundle=profile.ca_bundle,
                           timeout=profile.timeout_seconds)
    query = "?" + "&".join(f"{k}={v}" for k, v in (params or {}).items()) if params else ""
    url = f"{client.root}{path}{query}"
    try:
        reply = client.get(path, params)
    except EntraTuiError as exc:
        return CallResult("GET", url, None, None, (), (str(exc),)), Level.UNCHECKED
    shown = json.dumps(reply.body, indent=2, ensure_ascii=False) if reply.body is not None \
        else reply.text
    preview = tuple(shown.splitlines()[:PREVIEW_LINES])
    if reply.ok:
        return CallResult("GET", url, reply.status, reply.elapsed_ms, preview, ()), Level.OK
    explanation = explain_refusal(reply, claims, now, path)
    level = Level.PROBLEM if reply.status in (401, 403) else Level.UNCHECKED
    return CallResult("GET", url, reply.status, reply.elapsed_ms, preview,
                    tuple(explanation)), level


def finding_for_call(call: CallResult, level: Level) -> Finding:
    if call.url == "-":
        return Finding("test call", level, "; ".join(call.explanation))
    text = f"{call.method} {call.url}: " + (
        f"HTTP {call.status} in {call.elapsed_ms:.0f} ms" if call.status is not None
        else "no answer: " + "; ".join(call.explanation))
    return Finding("test call", level, text,
                   "; ".join(call.explanation) if level is Level.PROBLEM else "")


def report_for_test_call(profile: Any, token: str | None, now: float) -> HealthReport:
    """A report holding only the test call (the TUI's T)."""
    claims = None
    if token is not None:
        from entra_tui.core.errors import TokenDecodeError
        from entra_tui.core.token import decode_token

        try:
            claims = decode_token(token).claims
        except TokenDecodeError:
            claims = None
    if token is None or claims is None:
        return HealthReport(profile.name, (Finding(
            "test call", Level.UNCHECKED, "no readable token yet: acquire one first (a)"),))
    call, level = run_test_call(profile, token, claims, now)
    return HealthReport(profile.name, (finding_for_call(call, level),), call)


def _test_url_target(profile: Any, aud: object) -> tuple[ServiceClient, str, dict[str, str]]:
    """The profile's test_url, split; a Graph or ARM token goes only to that API's root."""
    base, _, query = str(profile.test_url).partition("?")
    checked = service_endpoint(base)
    if checked is None:
        raise ValueError("test_url is not a plain https URL")
    origin = "/".join(checked.split("/", 3)[:3])
    path = checked[len(origin):] or "/"
    allowed = None
    if is_graph_audience(aud):
        allowed = graph_root(profile)
    elif is_arm_audience(aud):
        allowed = arm_root(profile)
    elif isinstance(aud, str) and aud.startswith("https://"):
        allowed = service_endpoint(aud.rstrip("/")) or ""
    if allowed is not None and origin != "/".join(allowed.split("/", 3)[:3]):
        raise ValueError(f"test_url's origin {origin} is not the token's API "
                         f"({allowed or aud}): the token is not sent there")
    return ServiceClient(origin, "-"), path, dict(parse_qsl(query))


_CHALLENGE = re.compile(r'(\w+)="([^"]*)"')


def parse_challenge(header: str) -> dict[str, str]:
    """`WWW-Authenticate: Bearer k="v", ...` as a mapping (first value of each key)."""
    found: dict[str, str] = {}
    for key, value in _CHALLENGE.findall(header or ""):
        found.setdefault(key.lower(), value)
    return found


def explain_refusal(reply: Reply, claims: Mapping[str, Any], now: float,
                    path: str) -> list[str]:
    lines: list[str] = []
    exp = claims.get("exp")
    if isinstance(exp, int | float) and not isinstance(exp, bool) and exp < now:
        lines.append("the token has expired: acquire a new one (R)")
    header = reply.headers.get("www-authenticate", "")
    challenge = parse_challenge(header)
    if challenge.get("claims"):
        from entra_tui.core.claims_challenge import ChallengeError
        from entra_tui.core.claims_challenge import parse_challenge as claims_request

        try:
            decoded = claims_request(header)
            lines.append("a claims challenge (continuous access evaluation): acquire again "
                         f"with claims_challenge = {decoded.claims}")
            lines += decoded.explain()[1:-1]
        except ChallengeError as exc:
            lines.append(f"a claims challenge that cannot be read: {exc}")
    elif challenge.get("error_description"):
        lines.append(f"the API says: {challenge['error_description']}")
    elif challenge.get("error"):
        lines.append(f"WWW-Authenticate error: {challenge['error']}")
    if reply.error_message and reply.error_message not in " ".join(lines):
        lines.append(f"{reply.error_code}: {reply.error_message}")
    if reply.status == 403:
        roles = ", ".join(r for r in claims.get("roles", []) or [] if isinstance(r, str))
        scp = str(claims.get("scp", ""))
        needs = {"/me": "User.Read (delegated)",
                 "/organization": "Organization.Read.All or User.Read",
                 "/subscriptions": "an Azure RBAC role on a subscription"}.get(path)
        lines.append("the token is accepted but lacks the permission"
                     + (f" ({path} needs {needs})" if needs else "")
                     + f"; it carries roles [{roles}] scp [{scp}]")
    if reply.status == 401 and not lines:
        lines.append("the API did not accept the token (wrong audience, issuer or tenant?)")
    if 300 <= reply.status < 400:
        lines.append("the API answered with a redirect; it was not followed (the token stays "
                     "with the API it was sent to)")
    return lines
