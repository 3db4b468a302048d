"""The token doctor: a profile's token joined to the app registration and directory behind it.

One `HealthReport` answers, from Microsoft Graph (`directory_names.graph_access`):
- app registration health: credentials with their expiry (`passwordCredentials`,
  `keyCredentials`), `requiredResourceAccess` against what is granted (app-role assignments for
  application permissions, `oauth2PermissionGrants` for delegated ones) and against what the
  token carries, and the called API's `accessTokenAcceptedVersion`
  (https://learn.microsoft.com/en-us/graph/api/resources/application,
  .../serviceprincipal-list-approleassignments, .../oauth2permissiongrant-list);
- why an expected role, scope or audience is missing (`why_missing`);
- a sign-in by correlation id (https://learn.microsoft.com/en-us/graph/api/signin-list: needs
  AuditLog.Read.All and a Microsoft Entra ID P1/P2 licence);
- one test call with the token (Graph /me or /organization, ARM /subscriptions, or the
  profile's `test_url`): never a write, never the token in the output.

Every network call blocks; the UI runs `run_doctor` in a worker. Nothing here is printed: the
CLI and the health view pass every string through `safe_text`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from entra_tui.core.api_call import (
    explain_refusal,
    finding_for_call,
    parse_challenge,
    report_for_test_call,
    run_test_call,
)
from entra_tui.core.app_health import AppFacts, profile_secret_hint
from entra_tui.core.directory_names import GraphAccess, graph_access
from entra_tui.core.errors import TokenDecodeError
from entra_tui.core.expectations import Expectations
from entra_tui.core.health import (
    EXIT_HEALTHY,
    EXIT_NEEDS_FIXING,
    EXIT_UNCHECKED,
    EXIT_UNUSABLE,
    CallResult,
    Finding,
    HealthReport,
    Level,
)
from entra_tui.core.sign_ins import look_up_sign_in
from entra_tui.core.why_missing import why_missing

__all__ = ["EXIT_HEALTHY", "EXIT_NEEDS_FIXING", "EXIT_UNCHECKED", "EXIT_UNUSABLE",
           "CallResult", "Finding", "HealthReport", "Level", "explain_refusal",
           "finding_for_call", "parse_challenge", "report_for_test_call", "run_doctor",
           "run_test_call"]
DEFAULT_FAIL_WITHIN_DAYS = 14


def run_doctor(profile: Any, profiles: Any, acquire: Callable[[Any], Any], *, now: float,
               token: str | None = None, expect: Expectations | None = None,
               correlation_id: str | None = None,
               fail_within_days: int = DEFAULT_FAIL_WITHIN_DAYS,
               test_call: bool = True) -> HealthReport:
    """Check `profile`; `token` is its last access token (acquired here when None)."""
    findings: list[Finding] = []
    unusable = False
    if token is None:
        result = acquire(profile)
        if result.ok:
            token = result.access_token
        else:
            error = result.error
            from entra_tui.core.results import FailureKind

            unusable = error is not None and error.kind is FailureKind.CONFIGURATION
            help_ = error.help if error is not None else None
            findings.append(Finding(
                "token", Level.PROBLEM,
                f"no token: {error.title}: {error.summary}" if error else "no token",
                help_.fix if help_ else (error.hint or "" if error else "")))
            if error is not None and error.correlation_id and correlation_id is None:
                correlation_id = error.correlation_id
    claims = _claims(token)
    access = graph_access(profile, profiles, acquire, own_token=token)
    graph_name = access.profile_name if isinstance(access, GraphAccess) else None
    if isinstance(access, str):
        findings.append(Finding("graph", Level.UNCHECKED,
                                f"the directory was not read: {access}",
                                "set graph_profile = \"NAME\" (per profile or in [settings]) "
                                "to a profile whose token can read Graph"))
    else:
        findings.append(Finding("graph", Level.INFO,
                                f"directory read with profile '{access.profile_name}'s token"))
        tid = str(claims.get("tid", "")) if claims else ""
        if tid and tid.lower() != access.tenant_id.lower():
            findings.append(Finding("graph", Level.UNCHECKED,
                                    f"the Graph profile '{access.profile_name}' reads another "
                                    "tenant than this token's",
                                    "set graph_profile for this profile to one in its tenant"))
        else:
            app = AppFacts(access.client, profile, claims, now)
            findings += app.credentials(fail_within_days, profile_secret_hint(profile))
            findings += app.permissions()
            findings += app.version(getattr(profile, "expect", Expectations()))
            wanted = _merge(getattr(profile, "expect", Expectations()), expect)
            if claims is not None and not wanted.empty:
                findings += why_missing(claims, wanted, app, profile)
    sign_ins: tuple[dict[str, Any], ...] = ()
    if correlation_id is not None:
        found, sign_ins = look_up_sign_in(access, correlation_id)
        findings += found
    call = None
    if test_call and token is not None and claims is not None:
        call, level = run_test_call(profile, token, claims, now)
        findings.append(finding_for_call(call, level))
    return HealthReport(profile.name, tuple(findings), call, sign_ins, unusable, graph_name)


def _claims(token: str | None) -> dict[str, Any] | None:
    if token is None:
        return None
    from entra_tui.core.token import decode_token

    try:
        return decode_token(token).claims
    except TokenDecodeError:
        return None


def _merge(first: Expectations, second: Expectations | None) -> Expectations:
    if second is None:
        return first
    return first._replace(
        audiences=second.audiences or first.audiences,  # any one of them: the command wins
        roles=tuple(dict.fromkeys((*first.roles, *second.roles))),
        scopes=tuple(dict.fromkeys((*first.scopes, *second.scopes))))
