"""A sign-in by correlation id from the sign-in logs (https://learn.microsoft.com/en-us/graph/
api/signin-list: AuditLog.Read.All and a Microsoft Entra ID P1/P2 licence on real tenants)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from entra_tui.core.clouds import is_guid
from entra_tui.core.directory_names import GraphAccess
from entra_tui.core.errors import EntraTuiError
from entra_tui.core.graph_client import odata_string
from entra_tui.core.health import Finding, Level


def look_up_sign_in(access: GraphAccess | str, correlation_id: str
                    ) -> tuple[list[Finding], tuple[dict[str, Any], ...]]:
    """The sign-in log entries with this correlation id (AuditLog.Read.All + P1/P2)."""
    if not is_guid(correlation_id):
        return [Finding("sign-in", Level.PROBLEM, "the correlation id is not a GUID")], ()
    if isinstance(access, str):
        return [Finding("sign-in", Level.UNCHECKED, f"sign-ins were not read: {access}")], ()
    try:
        reply = access.client.get("/auditLogs/signIns", {
            "$filter": f"correlationId eq {odata_string(correlation_id.lower())}"})
    except EntraTuiError as exc:
        return [Finding("sign-in", Level.UNCHECKED, f"Graph did not answer: {exc}")], ()
    if reply.status == 403:
        return [Finding("sign-in", Level.UNCHECKED,
                        f"reading sign-ins was refused ({reply.error_code or 403}): it needs "
                        "AuditLog.Read.All, and a Microsoft Entra ID P1 or P2 licence on real "
                        "tenants", "grant AuditLog.Read.All to the Graph profile's app")], ()
    if not reply.ok:
        return [Finding("sign-in", Level.UNCHECKED,
                        f"Graph answered {reply.status} {reply.error_code}")], ()
    entries = tuple(reply.values())
    if not entries:
        return [Finding("sign-in", Level.INFO,
                        f"no sign-in with correlation id {correlation_id} (real tenants list "
                        "them after a few minutes)")], ()
    found = [_sign_in_finding(e) for e in entries]
    keep = ("createdDateTime", "appId", "appDisplayName", "userPrincipalName",
            "resourceDisplayName", "correlationId", "status", "conditionalAccessStatus",
            "appliedConditionalAccessPolicies", "ipAddress", "clientAppUsed")
    return found, tuple({k: e[k] for k in keep if k in e} for e in entries)


def _sign_in_finding(entry: Mapping[str, Any]) -> Finding:
    raw_status = entry.get("status")
    status: Mapping[str, Any] = raw_status if isinstance(raw_status, dict) else {}
    code = status.get("errorCode") or 0
    who = entry.get("userPrincipalName") or entry.get("appDisplayName") or entry.get("appId")
    what = f"{entry.get('createdDateTime')}: {who} -> {entry.get('resourceDisplayName') or '?'}"
    policies = [p for p in entry.get("appliedConditionalAccessPolicies") or []
                if isinstance(p, dict) and p.get("result") in ("failure", "success")]
    ca = f"; conditional access {entry.get('conditionalAccessStatus')}" \
        if entry.get("conditionalAccessStatus") else ""
    if policies:
        ca += " (" + ", ".join(f"{p.get('displayName')}: {p.get('result')}"
                               for p in policies) + ")"
    if code:
        return Finding("sign-in", Level.PROBLEM,
                       f"{what}: failed with AADSTS{code}: {status.get('failureReason')}{ca}")
    return Finding("sign-in", Level.INFO, f"{what}: succeeded{ca}")
