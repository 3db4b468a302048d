"""App registration health from Microsoft Graph: credentials with their expiry, requested vs
granted vs in-the-token permissions, and the called API's accessTokenAcceptedVersion
(https://learn.microsoft.com/en-us/graph/api/resources/application,
https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list-approleassignments,
https://learn.microsoft.com/en-us/graph/api/oauth2permissiongrant-list). Blocks on the network."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from entra_tui.core.clouds import is_guid
from entra_tui.core.errors import EntraTuiError
from entra_tui.core.expectations import Expectations
from entra_tui.core.flows import Flow
from entra_tui.core.graph_client import (
    ARM_APP_ID,
    GRAPH_APP_ID,
    Reply,
    ServiceClient,
    guid_segment,
    is_arm_audience,
    is_graph_audience,
    odata_string,
)
from entra_tui.core.health import Finding, Level

MICROSOFT_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"  # owner of Microsoft's own apps


def profile_secret_hint(profile: Any) -> str | None:
    """The first three characters of the profile's secret, as Graph's `hint` shows them, to
    say which secret this profile uses. Read fresh; never kept or shown beyond the hint."""
    reference = getattr(profile, "secret", None)
    if not reference:
        return None
    from entra_tui.core.secrets import resolve_reference

    try:
        value = resolve_reference(reference, base_dir=profile.base_dir)
    except (EntraTuiError, OSError, TypeError):
        return None
    return value[:3] if isinstance(value, str) and len(value) >= 8 else None


class AppFacts:
    """What Graph says about the profile's app and the API its token is for (read lazily,
    each at most once)."""

    def __init__(self, client: ServiceClient, profile: Any, claims: dict[str, Any] | None,
                 now: float) -> None:
        self.client = client
        self.profile = profile
        self.claims = claims or {}
        self.now = now
        self._memo: dict[str, Any] = {}

    def _once(self, key: str, fetch: Callable[[], Any]) -> Any:
        if key not in self._memo:
            try:
                self._memo[key] = fetch()
            except EntraTuiError as exc:
                self._memo[key] = f"Graph did not answer: {exc}"
        return self._memo[key]

    def application(self, app_id: str) -> dict[str, Any] | str | None:
        """The app registration (None: not homed in this tenant; str: why unread)."""
        def fetch() -> dict[str, Any] | str | None:
            reply = self.client.get("/applications",
                                    {"$filter": f"appId eq {odata_string(app_id)}"})
            if not reply.ok:
                return _needs(reply, "Application.Read.All")
            return next(iter(reply.values()), None)
        return self._once(f"app:{app_id}", fetch) if is_guid(app_id) else "not an app id"

    def service_principal(self, *, app_id: str | None = None,
                          object_id: str | None = None) -> dict[str, Any] | str | None:
        def fetch() -> dict[str, Any] | str | None:
            if object_id is not None:
                reply = self.client.get(f"/servicePrincipals/{guid_segment(object_id)}")
                if reply.status == 404:
                    return None
                return reply.body if reply.ok else _needs(reply, "Application.Read.All")
            reply = self.client.get("/servicePrincipals",
                                    {"$filter": f"appId eq {odata_string(str(app_id))}"})
            if not reply.ok:
                return _needs(reply, "Application.Read.All")
            return next(iter(reply.values()), None)
        key = object_id or app_id or ""
        if not is_guid(key):
            return "not an id"
        return self._once(f"sp:{key.lower()}", fetch)

    def resource_app_id(self) -> str | None:
        """The app id of the API the token is for (from `aud`)."""
        aud = self.claims.get("aud")
        if not isinstance(aud, str):
            return None
        if is_graph_audience(aud):
            return GRAPH_APP_ID
        if is_arm_audience(aud):
            return ARM_APP_ID
        if is_guid(aud):
            return aud.lower()
        def fetch() -> str | None:
            if not aud.startswith(("api://", "https://")) or not aud.isascii():
                return None
            reply = self.client.get("/servicePrincipals", {
                "$filter": f"servicePrincipalNames/any(x:x eq {odata_string(aud)})"})
            found = reply.values() if reply.ok else []
            return str(found[0].get("appId", "")).lower() if found else None
        return self._once(f"aud:{aud}", fetch)

    # -- credentials --
    def credentials(self, within_days: int, secret_hint: str | None) -> list[Finding]:
        if self.profile.flow == Flow.MANAGED_IDENTITY:
            return [Finding("credentials", Level.INFO,
                            "a managed identity has no credentials to expire")]
        app = self.application(self.profile.client_id)
        if isinstance(app, str):
            return [Finding("credentials", Level.UNCHECKED,
                            f"the app registration was not read: {app}")]
        if app is None:
            return [Finding("credentials", Level.INFO,
                            "the app registration is homed in another tenant (a multi-tenant "
                            "app): its credentials are managed there")]
        found: list[Finding] = []
        uses_secret = self.profile.flow in (Flow.CLIENT_SECRET, Flow.ON_BEHALF_OF) and \
            bool(self.profile.secret)
        uses_cert = bool(self.profile.certificate)
        entries = [("secret", c) for c in app.get("passwordCredentials") or []
                   if isinstance(c, dict)]
        entries += [("certificate", c) for c in app.get("keyCredentials") or []
                    if isinstance(c, dict)]
        usable = 0
        for _kind, credential in entries:
            days = _days_left(credential.get("endDateTime"), self.now)
            if days is not None and days >= 0:
                usable += 1
        for kind, credential in entries:
            label = _credential_label(kind, credential)
            ours = self._is_ours(kind, credential, secret_hint, uses_secret, uses_cert)
            mine = " (this profile's)" if ours is True else ""
            days = _days_left(credential.get("endDateTime"), self.now)
            end = str(credential.get("endDateTime") or "")[:10]
            if days is None:
                found.append(Finding("credentials", Level.INFO,
                                     f"{label}{mine}: no readable expiry"))
            elif days < 0:
                serious = ours is not False or usable == 0
                found.append(Finding(
                    "credentials", Level.PROBLEM if serious else Level.WARNING,
                    f"{label}{mine} expired {_days(-days)} ago ({end})",
                    "add a new one under Certificates & secrets, point the profile at it, "
                    "then delete this one" if serious else "delete it from the app"))
            elif days <= within_days:
                found.append(Finding(
                    "credentials", Level.PROBLEM if ours is not False else Level.WARNING,
                    f"{label}{mine} expires in {_days(days)} ({end})",
                    "add a new one under Certificates & secrets and switch the profile to it "
                    "before then"))
            else:
                found.append(Finding("credentials", Level.OK,
                                     f"{label}{mine} expires in {_days(days)} ({end})"))
        if not entries and self.profile.flow in (Flow.CLIENT_SECRET, Flow.CLIENT_CERTIFICATE):
            found.append(Finding("credentials", Level.PROBLEM,
                                 "the app has no secrets or certificates",
                                 "add one under Certificates & secrets"))
        return found

    def _is_ours(self, kind: str, credential: Mapping[str, Any], hint: str | None,
                 uses_secret: bool, uses_cert: bool) -> bool | None:
        """True/False when known, None when it cannot be told."""
        if kind == "secret":
            if not uses_secret:
                return False
            return None if hint is None or not credential.get("hint") else \
                credential.get("hint") == hint
        if not uses_cert:
            return False
        thumbprint = getattr(self.profile, "certificate_thumbprint", None)
        custom = credential.get("customKeyIdentifier")
        if not thumbprint or not isinstance(custom, str):
            return None
        try:
            raw = base64.b64decode(custom, validate=True).hex()
        except (binascii.Error, ValueError):
            raw = custom
        return raw.lower() == thumbprint.replace(":", "").lower() or \
            custom.lower() == thumbprint.lower()

    # -- permissions --
    def permissions(self) -> list[Finding]:
        client_id = self.profile.client_id or str(self.claims.get("appid")
                                                  or self.claims.get("azp") or "")
        app = self.application(client_id) if is_guid(client_id) else None
        sp = self.service_principal(app_id=client_id) if is_guid(client_id) else None
        if isinstance(sp, str) or sp is None:
            why = sp if isinstance(sp, str) else "no service principal for the app here"
            return [Finding("permissions", Level.UNCHECKED, f"grants were not read: {why}")]
        assignments = self._granted_roles(sp)
        grants = self._granted_scopes(sp)
        if isinstance(assignments, str):
            return [Finding("permissions", Level.UNCHECKED,
                            f"app-role assignments were not read: {assignments}")]
        requested = _requested(app) if isinstance(app, dict) else {}
        resources = dict.fromkeys([*requested, *assignments, *(grants if isinstance(
            grants, dict) else {})])
        found: list[Finding] = []
        self.granted = assignments
        self.requested = requested
        for resource_app_id in resources:
            found += self._compare(resource_app_id, requested.get(resource_app_id, ({}, {})),
                                   assignments.get(resource_app_id, set()),
                                   grants.get(resource_app_id, set())
                                   if isinstance(grants, dict) else None)
        if isinstance(grants, str):
            found.append(Finding("permissions", Level.UNCHECKED,
                                 f"delegated permission grants were not read: {grants}"))
        if app is None:
            found.append(Finding("permissions", Level.INFO,
                                 "requested permissions live on the app's home tenant "
                                 "registration; compared with this tenant's grants only"))
        found += self._token_against_grants(assignments)
        return found

    def _granted_roles(self, sp: dict[str, Any]) -> dict[str, set[str]] | str:
        """resource app id -> granted app role values."""
        sp_id = str(sp.get("id", ""))
        if not is_guid(sp_id):
            return "no id"
        reply = self.client.get_all(
            f"/servicePrincipals/{guid_segment(sp_id)}/appRoleAssignments")
        if not reply.ok:
            return _needs(reply, "Application.Read.All")
        granted: dict[str, set[str]] = {}
        for assignment in reply.values():
            resource = self.service_principal(object_id=str(assignment.get("resourceId", "")))
            if not isinstance(resource, dict):
                continue
            role = by_id(resource.get("appRoles"), assignment.get("appRoleId"))
            granted.setdefault(str(resource.get("appId", "")).lower(), set()).add(
                role or str(assignment.get("appRoleId")))
        return granted

    def _granted_scopes(self, sp: dict[str, Any]) -> dict[str, set[str]] | str:
        sp_id = str(sp.get("id", ""))
        reply = self.client.get_all("/oauth2PermissionGrants",
                                    {"$filter": f"clientId eq {odata_string(sp_id)}"})
        if not reply.ok:  # https://learn.microsoft.com/en-us/graph/api/oauth2permissiongrant-list
            return _needs(reply, "Directory.Read.All")
        granted: dict[str, set[str]] = {}
        for grant in reply.values():
            resource = self.service_principal(object_id=str(grant.get("resourceId", "")))
            if isinstance(resource, dict):
                granted.setdefault(str(resource.get("appId", "")).lower(), set()).update(
                    str(grant.get("scope") or "").split())
        return granted

    def _compare(self, resource_app_id: str, requested: tuple[dict[str, str], dict[str, str]],
                 roles: set[str], scopes: set[str] | None) -> list[Finding]:
        resource = self.service_principal(app_id=resource_app_id)
        name = resource.get("displayName") if isinstance(resource, dict) else resource_app_id
        wanted_roles, wanted_scopes = requested
        if isinstance(resource, dict):  # ids -> values
            wanted_roles = {by_id(resource.get("appRoles"), i) or i: i for i in wanted_roles}
            wanted_scopes = {by_id(resource.get("oauth2PermissionScopes"), i) or i: i
                             for i in wanted_scopes}
        found: list[Finding] = []
        for role in sorted(set(wanted_roles) - roles):
            found.append(Finding("permissions", Level.PROBLEM,
                                 f"{name}: {role} is requested but not granted",
                                 "grant admin consent in API permissions"))
        for role in sorted(roles - set(wanted_roles)) if wanted_roles or requested[1] else ():
            found.append(Finding("permissions", Level.INFO,
                                 f"{name}: {role} is granted but not in the app's requested "
                                 "permissions (granted directly)"))
        if roles & set(wanted_roles) or (roles and not wanted_roles):
            found.append(Finding("permissions", Level.OK,
                                 f"{name}: application permissions granted: "
                                 f"{', '.join(sorted(roles))}"))
        if scopes is not None:
            missing = sorted(set(wanted_scopes) - scopes)
            user_flow = self.profile.acts_for_user
            for scope in missing:
                found.append(Finding(
                    "permissions", Level.WARNING if user_flow else Level.INFO,
                    f"{name}: delegated {scope} is requested but not admin-consented",
                    "grant admin consent, or each user consents at sign-in"))
            if scopes:
                found.append(Finding("permissions", Level.OK,
                                     f"{name}: delegated permissions consented: "
                                     f"{', '.join(sorted(scopes))}"))
        return found

    def _token_against_grants(self, granted: dict[str, set[str]]) -> list[Finding]:
        if not self.claims:
            return []
        resource = self.resource_app_id()
        app_only = "scp" not in self.claims
        roles = {r for r in self.claims.get("roles", []) or [] if isinstance(r, str)}
        if resource is None:
            return [Finding("permissions", Level.INFO,
                            "the token's audience is not an API in this tenant")]
        found: list[Finding] = []
        have = granted.get(resource, set())
        if app_only and not roles:
            if resource == ARM_APP_ID:
                found.append(Finding("permissions", Level.INFO,
                                     "the token has no roles because no application permission "
                                     "of ARM is granted: ARM uses Azure RBAC instead"))
            elif not have:
                found.append(Finding("permissions", Level.PROBLEM,
                                     "the token has no roles: no application permission of "
                                     "its API is granted (an API that checks roles answers "
                                     "401/403, e.g. IDW10201 'neither scp nor roles')",
                                     "add an application permission of the API and grant "
                                     "admin consent"))
        for role in sorted(have - roles) if app_only else ():
            found.append(Finding("permissions", Level.WARNING,
                                 f"{role} is granted but not in the last token (granted after "
                                 "it was issued?)", "acquire a new token (R)"))
        return found

    # -- accessTokenAcceptedVersion --
    def version(self, expect: Expectations) -> list[Finding]:
        resource = self.resource_app_id()
        if resource is None:
            return []
        sp = self.service_principal(app_id=resource)
        if isinstance(sp, dict) and str(sp.get("appOwnerOrganizationId", "")).lower() == \
                MICROSOFT_TENANT:
            accepted: int | None = 1
            text = (f"{sp.get('displayName')} is Microsoft's: it takes v1.0 tokens "
                    "(iss https://sts.windows.net/{tid}/, appid)")
        else:
            app = self.application(resource)
            if isinstance(app, str):
                return [Finding("version", Level.UNCHECKED,
                                f"the API's registration was not read: {app}")]
            if app is None:
                return [Finding("version", Level.INFO, "the API's registration is in another "
                                "tenant: its accessTokenAcceptedVersion is not visible")]
            value = (app.get("api") or {}).get("requestedAccessTokenVersion")
            accepted = 2 if value == 2 else 1
            text = (f"{app.get('displayName')} has accessTokenAcceptedVersion "
                    f"{value if value is not None else 'null'}: "
                    + ("v2.0 tokens (iss https://login.microsoftonline.com/{tid}/v2.0, azp, aud "
                       "= its app id)" if accepted == 2 else
                       "v1.0 tokens, so iss is sts.windows.net and aud its Application ID URI"))
        found = [Finding("version", Level.INFO, text)]
        version = f"{accepted}.0"
        if expect.version and expect.version != version:
            found.append(Finding(
                "version", Level.PROBLEM,
                f"expect.version is {expect.version}, but the API gets {version} tokens",
                f"set accessTokenAcceptedVersion to {expect.version[0]} in the API's manifest "
                f"(Microsoft's APIs cannot), or expect version {version}"))
        return found


def _requested(app: Mapping[str, Any]) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """resource app id -> (role ids, scope ids) from requiredResourceAccess."""
    found: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
    for entry in app.get("requiredResourceAccess") or []:
        if not isinstance(entry, dict):
            continue
        roles: dict[str, str] = {}
        scopes: dict[str, str] = {}
        for access in entry.get("resourceAccess") or []:
            if isinstance(access, dict) and isinstance(access.get("id"), str):
                (roles if access.get("type") == "Role" else scopes)[access["id"]] = access["id"]
        found[str(entry.get("resourceAppId", "")).lower()] = (roles, scopes)
    return found


def by_id(entries: Any, wanted: object) -> str | None:
    for entry in entries or []:
        if isinstance(entry, dict) and entry.get("id") == wanted:
            return str(entry.get("value") or "") or None
    return None


def _credential_label(kind: str, credential: Mapping[str, Any]) -> str:
    name = credential.get("displayName") or (
        f"hint {credential['hint']}…" if credential.get("hint") else credential.get("keyId"))
    return f"{kind} '{name}'"


def _days_left(end: object, now: float) -> float | None:
    if not isinstance(end, str):
        return None
    try:
        when = dt.datetime.fromisoformat(end.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return (when.timestamp() - now) / 86400


def _days(days: float) -> str:
    whole = int(days)
    if whole == 0:
        return "less than a day"
    return f"{whole} day" + ("" if whole == 1 else "s")


def _needs(reply: Reply, permission: str) -> str:
    if reply.status == 403:
        return f"needs {permission}"
    return f"Graph answered {reply.status} {reply.error_code}".strip()
