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

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

from entra_tui.core.clouds import is_guid, service_endpoint
from entra_tui.core.directory_names import GraphAccess, graph_access
from entra_tui.core.errors import EntraTuiError, TokenDecodeError
from entra_tui.core.expectations import Expectations
from entra_tui.core.graph_client import (
    ARM_APP_ID,
    GRAPH_APP_ID,
    Reply,
    ServiceClient,
    arm_root,
    graph_root,
    guid_segment,
    is_arm_audience,
    is_graph_audience,
    odata_string,
)

EXIT_HEALTHY = 0
EXIT_NEEDS_FIXING = 1
EXIT_UNUSABLE = 3
EXIT_UNCHECKED = 6
DEFAULT_FAIL_WITHIN_DAYS = 14
MICROSOFT_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"  # owner of Microsoft's own apps
ARM_API_VERSION = "2022-12-01"  # https://learn.microsoft.com/en-us/rest/api/resources/subscriptions/list
PREVIEW_LINES = 12


class Level(Enum):
    OK = "ok"
    INFO = "info"
    WARNING = "warning"
    PROBLEM = "problem"
    UNCHECKED = "not checked"


class Finding(NamedTuple):
    area: str  # token, graph, credentials, permissions, version, why-missing, sign-in, test call
    level: Level
    text: str
    fix: str = ""

    def as_json(self) -> dict[str, str]:
        data = {"area": self.area, "level": self.level.value, "text": self.text}
        return {**data, "fix": self.fix} if self.fix else data


class CallResult(NamedTuple):
    """The test call's outcome; `url` has no token and no query secrets (it is ours)."""

    method: str
    url: str
    status: int | None
    elapsed_ms: float | None
    preview: tuple[str, ...]  # the first lines of the JSON answer
    explanation: tuple[str, ...]  # why a 401/403 (or a failure) happened

    def as_json(self) -> dict[str, Any]:
        return {"method": self.method, "url": self.url, "status": self.status,
                "elapsed_ms": None if self.elapsed_ms is None else round(self.elapsed_ms, 1),
                "preview": list(self.preview), "explanation": list(self.explanation)}


class HealthReport(NamedTuple):
    profile: str
    findings: tuple[Finding, ...]
    test_call: CallResult | None = None
    sign_ins: tuple[dict[str, Any], ...] = ()
    unusable: bool = False  # the profile cannot get a token for configuration reasons
    graph_profile: str | None = None

    @property
    def exit_code(self) -> int:
        """0 healthy, 1 something needs fixing, 3 unusable profile, 6 could not check."""
        if self.unusable:
            return EXIT_UNUSABLE
        if any(f.level is Level.PROBLEM for f in self.findings):
            return EXIT_NEEDS_FIXING
        if any(f.level is Level.UNCHECKED for f in self.findings):
            return EXIT_UNCHECKED
        return EXIT_HEALTHY

    def as_json(self) -> dict[str, Any]:
        return {"profile": self.profile, "exit_code": self.exit_code,
                "graph_profile": self.graph_profile,
                "findings": [f.as_json() for f in self.findings],
                "test_call": self.test_call.as_json() if self.test_call else None,
                "sign_ins": list(self.sign_ins)}


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
            app = _AppFacts(access.client, profile, claims, now)
            findings += app.credentials(fail_within_days, _profile_secret_hint(profile))
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


def _profile_secret_hint(profile: Any) -> str | None:
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


# --- the app registration -------------------------------------------------------------------

class _AppFacts:
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
        if self.profile.flow == "managed_identity":
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
        uses_secret = self.profile.flow in ("client_secret", "on_behalf_of") and \
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
        if not entries and self.profile.flow in ("client_secret", "client_certificate"):
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
            role = _by_id(resource.get("appRoles"), assignment.get("appRoleId"))
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
            wanted_roles = {_by_id(resource.get("appRoles"), i) or i: i for i in wanted_roles}
            wanted_scopes = {_by_id(resource.get("oauth2PermissionScopes"), i) or i: i
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
            user_flow = self.profile.is_user_flow or self.profile.flow == "on_behalf_of"
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


def _by_id(entries: Any, wanted: object) -> str | None:
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


# --- why is it missing? --------------------------------------------------------------------

def why_missing(claims: Mapping[str, Any], expected: Expectations, app: _AppFacts,
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
              app: _AppFacts, profile: Any) -> Finding:
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
        ids = {_by_id(resource_sp.get("appRoles"), i) for i in requested[0]}
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


# --- sign-in lookup ---------------------------------------------------------------------------

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
    status = entry.get("status") if isinstance(entry.get("status"), dict) else {}
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


# --- the test call ---------------------------------------------------------------------------

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
    preview = tuple(json.dumps(reply.body, indent=2, ensure_ascii=False).splitlines()
                    [:PREVIEW_LINES]) if reply.body is not None else ()
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
    claims = _claims(token)
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

