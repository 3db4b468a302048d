"""Why is an expected role, scope or audience missing from a token? The likeliest cause from
the directory (read through `AppFacts`), not just "missing"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from entra_tui.core.app_health import AppFacts, by_id
from entra_tui.core.clouds import is_guid
from entra_tui.core.expectations import Expectations
from entra_tui.core.graph_client import ARM_APP_ID
from entra_tui.core.health import Finding, Level


def why_missing(claims: Mapping[str, Any], expected: Expectations, app: AppFacts,
                profile: Any) -> list[Finding]:
    """One finding per expected role, scope or audience the token lacks: the likeliest cause
    from the directory, not just "missing"."""
    found: list[Finding] = []
    roles = {r for r in claims.get("roles", []) or [] if isinstance(r, str)}
    scopes = set(str(claims.get("scp", "")).split())
    aud = claims.get("aud")
    app_only = "scp" not in claims
    resource = app.resource_app_id()
    resource_sp = app.service_principal(app_id=resource) if resource else None
    for role in expected.roles:
        if role not in roles:
            found.append(_why_role(role, app_only, resource, resource_sp, app, profile))
    for scope in expected.scopes:
        if scope not in scopes:
            found.append(_why_scope(scope, app_only, resource_sp, profile))
    if expected.audiences and aud not in expected.audiences:
        found.append(_why_audience(aud, expected.audiences, claims, profile))
    if has_overage(claims):
        found.append(Finding("why-missing", Level.INFO,
                             "groups: the user is in more groups than a token holds (groups "
                             "overage): the token names a Graph call instead",
                             "read them with POST /users/{oid}/getMemberObjects, or use app "
                             "roles or groups assigned to the application"))
    return found


def has_overage(claims: Mapping[str, Any]) -> bool:
    names = claims.get("_claim_names")
    return isinstance(names, dict) and "groups" in names


def _why_role(role: str, app_only: bool, resource: str | None, resource_sp: Any,
              app: AppFacts, profile: Any) -> Finding:
    def say(text: str, fix: str) -> Finding:
        return Finding("why-missing", Level.PROBLEM, f"role {role} is missing: {text}", fix)

    if not app_only:
        return say("this is a delegated token; roles holds the user's app-role assignments, "
                   "not application permissions", "assign the user (or a group) to the role "
                   "in Enterprise applications, or use an app-only flow")
    if resource == ARM_APP_ID:
        return say("ARM tokens carry no roles: ARM authorises with Azure RBAC",
                   "assign an Azure role (e.g. Reader) to the service principal instead")
    if isinstance(resource_sp, dict) and _by_value(resource_sp.get("appRoles"), role) is None:
        elsewhere = [api for api, values in getattr(app, "granted", {}).items()
                     if role in values and api != resource]
        if elsewhere:
            other = app.service_principal(app_id=elsewhere[0])
            name = other.get("displayName") if isinstance(other, dict) else elsewhere[0]
            return say(f"it is granted on {name}, a different API than this token's audience",
                       f"ask for {name}'s scope (its Application ID URI + /.default)")
        return say(f"{resource_sp.get('displayName')} defines no app role '{role}'",
                   "check the spelling, or add the app role to the API's registration")
    if not any(s.endswith("/.default") for s in profile.scopes):
        return say("client-credentials tokens carry application permissions only with a "
                   "/.default scope", "set scopes = [\"<API URI>/.default\"]")
    granted = getattr(app, "granted", {}).get(resource or "", set())
    if role in granted:
        return Finding("why-missing", Level.WARNING,
                       f"role {role} is missing: it is granted, but after this token was "
                       "issued (tokens keep their roles until they expire)",
                       "acquire a new token (R)")
    requested = getattr(app, "requested", {}).get(resource or "")
    if requested is not None and isinstance(resource_sp, dict):
        ids = {by_id(resource_sp.get("appRoles"), i) for i in requested[0]}
        if role in ids:
            return say("requested but not consented", "grant admin consent in API permissions")
    return say("not requested by the app", "add it under API permissions > Application "
               "permissions, then grant admin consent")


def _why_scope(scope: str, app_only: bool, resource_sp: Any, profile: Any) -> Finding:
    def say(text: str, fix: str) -> Finding:
        return Finding("why-missing", Level.PROBLEM, f"scope {scope} is missing: {text}", fix)

    if app_only:
        return say("app-only tokens never carry scp (delegated permissions need a user)",
                   "use a user flow, or expect a role instead")
    if isinstance(resource_sp, dict) and \
            _by_value(resource_sp.get("oauth2PermissionScopes"), scope) is None:
        return say(f"{resource_sp.get('displayName')} defines no delegated permission "
                   f"'{scope}'", "check the spelling against the API's exposed scopes")
    if not any(s.endswith(("/" + scope, "/.default")) or s == scope for s in profile.scopes):
        return say("the profile does not ask for it", f"add the API's {scope} to scopes")
    return say("not consented for this user or tenant", "grant admin consent, or sign in "
               "again and consent")


def _why_audience(aud: object, expected: tuple[str, ...], claims: Mapping[str, Any],
                  profile: Any) -> Finding:
    version = claims.get("ver")
    uri_expected = any(not is_guid(a) for a in expected)
    if version == "2.0" and is_guid(aud) and uri_expected:
        text = ("v2.0 tokens carry the API's app id as aud, not its Application ID URI "
                "(accessTokenAcceptedVersion 2)")
        fix = "expect the app id, or set accessTokenAcceptedVersion to 1 (null)"
    elif version == "1.0" and not is_guid(aud) and not uri_expected:
        text = "v1.0 tokens carry the Application ID URI as aud, not the app id"
        fix = "expect the URI, or set accessTokenAcceptedVersion to 2"
    else:
        asked = ", ".join(profile.scopes)
        text = f"the profile asks for {asked}, so the token is for another API"
        fix = "ask for the expected API's scope (its URI + /.default for app-only flows)"
    return Finding("why-missing", Level.PROBLEM, f"audience is {aud}, expected "
                   f"{' or '.join(expected)}: {text}", fix)


def _by_value(entries: Any, value: str) -> dict[str, Any] | None:
    return next((e for e in entries or [] if isinstance(e, dict) and e.get("value") == value),
                None)
