"""Names for the GUIDs in a token, read from Microsoft Graph: who `oid` is, which app `aud`,
`appid` and `azp` are, which organisation `tid` is, which groups, and what each app role means.

A token names objects; only the directory can say what they are. Lookups use one Graph token
(`graph_access`: the profile's `graph_profile`, else its own token when that is a Graph token)
and one cache per tenant for the session (`NameCache`). Objects are read in batches through
`POST /directoryObjects/getByIds` (at most 1,000 ids a call: https://learn.microsoft.com/en-us/
graph/api/directoryobject-getbyids); apps through `/servicePrincipals?$filter=appId eq '...'`
(https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list); the tenant through
`/organization` (https://learn.microsoft.com/en-us/graph/api/organization-list). A value that
cannot be named says why in one short line ("needs Directory.Read.All"), never raises.

Network calls block: callers run `resolve_names` in a worker thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from entra_tui.core.clouds import is_guid
from entra_tui.core.errors import EntraTuiError
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

BATCH = 1000  # getByIds takes at most 1,000 ids
NAMED_CLAIMS = ("tid", "aud", "appid", "azp", "oid", "sub", "groups", "roles", "scp")
# What each lookup needs on a real tenant (least privileged, from each API's page).
NEEDS_OBJECTS = "needs Directory.Read.All"
NEEDS_APPS = "needs Application.Read.All"
NEEDS_ORGANIZATION = "needs Organization.Read.All (or User.Read)"
NEEDS_GROUPS = "needs GroupMember.Read.All"


class Name(NamedTuple):
    """What the directory says a claim value is: `text` and `detail` (UPN, app id,
    description), or `why` it could not be named."""

    text: str | None = None
    detail: str | None = None
    why: str | None = None
    kind: str = ""  # user, group, servicePrincipal, organization, appRole, scope

    def as_json(self) -> dict[str, str]:
        return {k: v for k, v in (("name", self.text), ("detail", self.detail),
                                  ("why", self.why), ("kind", self.kind)) if v}


Names = dict[str, dict[str, Name]]  # claim -> claim value -> Name


class GraphAccess(NamedTuple):
    """A Graph client for one tenant, and which profile's token it carries."""

    client: ServiceClient
    profile_name: str
    tenant_id: str
    permissions: frozenset[str]


def graph_access(profile: Any, profiles: Any, acquire: Callable[[Any], Any],
                 own_token: str | None = None) -> GraphAccess | str:
    """The Graph reader for `profile`, or one line saying why there is none. The token comes
    from `graph_profile` (per profile or in [settings]), else from the profile itself when
    it gets Graph tokens; `acquire(profile)` returns an AcquireResult (a SessionManager's)."""
    from entra_tui.core.errors import TokenDecodeError
    from entra_tui.core.token import decode_token

    name = getattr(profile, "graph_profile", None)
    source = profile
    if name and name != profile.name:
        source = profiles.get(name) if profiles is not None else None
        if source is None:
            return f"graph_profile '{name}' is not a profile in this file"
    token = own_token if source is profile else None
    if token is None:
        result = acquire(source)
        if not result.ok:
            summary = result.error.summary if result.error is not None else "no token"
            return f"profile '{source.name}' could not get a Graph token: {summary}"
        token = result.access_token
    try:
        claims = decode_token(token).claims
    except TokenDecodeError:
        return f"profile '{source.name}' did not get a readable token"
    if not is_graph_audience(claims.get("aud")):
        return (f"profile '{source.name}' gets tokens for another API, not Microsoft Graph: "
                "set graph_profile = \"NAME\" to a profile with Graph scopes")
    try:
        client = ServiceClient.graph(source, token)
    except EntraTuiError as exc:
        return str(exc)
    permissions = frozenset(str(r) for r in claims.get("roles", []) or [] if isinstance(
        r, str)) | frozenset(str(claims.get("scp", "")).split())
    return GraphAccess(client, source.name, str(claims.get("tid", "")), permissions)


class NameCache:
    """One per session: tenant id -> lookup key -> result. Thread-safe."""

    def __init__(self) -> None:
        self._tenants: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def get(self, tenant: str, key: str) -> Any:
        with self._lock:
            return self._tenants.get(tenant, {}).get(key)

    def put(self, tenant: str, key: str, value: Any) -> None:
        with self._lock:
            self._tenants.setdefault(tenant, {})[key] = value

    def __len__(self) -> int:
        with self._lock:
            return sum(len(t) for t in self._tenants.values())


def wanted(claims: Mapping[str, Any]) -> dict[str, list[str]]:
    """The claim values that name directory objects or permissions, per claim."""
    found: dict[str, list[str]] = {}
    for claim in ("tid", "appid", "azp", "oid"):
        if is_guid(claims.get(claim)):
            found[claim] = [str(claims[claim])]
    if isinstance(claims.get("aud"), str) and claims["aud"]:
        found["aud"] = [claims["aud"]]
    if claims.get("sub") == claims.get("oid") and "oid" in found:
        found["sub"] = [str(claims["sub"])]
    groups = claims.get("groups")
    if isinstance(groups, list):
        found["groups"] = [g for g in groups if is_guid(g)]
    roles = claims.get("roles")
    if isinstance(roles, list):
        found["roles"] = [r for r in roles if isinstance(r, str)]
    if isinstance(claims.get("scp"), str):
        found["scp"] = claims["scp"].split()
    return {k: v for k, v in found.items() if v}


def has_groups_overage(claims: Mapping[str, Any]) -> bool:
    names = claims.get("_claim_names")
    return isinstance(names, dict) and "groups" in names


def unresolved(claims: Mapping[str, Any], why: str) -> Names:
    return {claim: {v: Name(why=why) for v in values}
            for claim, values in wanted(claims).items()}


def resolve_names(claims: Mapping[str, Any], access: GraphAccess | str | None,
                  cache: NameCache) -> Names:
    """claim -> value -> Name for every nameable value in `claims`; blocks on the network."""
    if access is None or isinstance(access, str):
        return unresolved(claims, access or "no Graph profile (set graph_profile)")
    tid = str(claims.get("tid", ""))
    if is_guid(tid) and tid.lower() != access.tenant_id.lower():
        return unresolved(claims, f"the Graph profile '{access.profile_name}' reads another "
                                  "tenant")
    values = wanted(claims)
    lookup = _Lookup(access, cache)
    if has_groups_overage(claims) and is_guid(claims.get("oid")):
        values["groups"] = lookup.member_groups(str(claims["oid"]))
    names: Names = {}
    if "tid" in values:
        names["tid"] = {tid: lookup.organization()}
    for claim in ("aud", "appid", "azp"):
        for value in values.get(claim, ()):
            names[claim] = {value: lookup.app(value)}
    objects = [*values.get("oid", ()), *values.get("groups", ())]
    resolved = lookup.objects(objects)
    for claim in ("oid", "sub", "groups"):
        if claim in values:
            names[claim] = {v: resolved.get(v.lower(), Name(why="not found"))
                            for v in values[claim]}
    resource = lookup.resource(str(claims.get("aud", "")))
    for claim, kind in (("roles", "appRole"), ("scp", "scope")):
        if claim in values:
            names[claim] = {v: lookup.permission(resource, v, kind) for v in values[claim]}
    if "groups" in names and has_groups_overage(claims) and "groups" not in claims:
        names["groups"] = {k: v._replace(detail=v.detail or "from the directory (overage)")
                           for k, v in names["groups"].items()}
    return names


def names_json(names: Names) -> dict[str, dict[str, dict[str, str]]]:
    return {claim: {value: name.as_json() for value, name in values.items()}
            for claim, values in names.items()}


class _Lookup:
    def __init__(self, access: GraphAccess, cache: NameCache) -> None:
        self.client = access.client
        self.tenant = access.tenant_id.lower()
        self.cache = cache

    def _cached(self, key: str, fetch: Callable[[], Any]) -> Any:
        hit = self.cache.get(self.tenant, key)
        if hit is not None:
            return hit
        try:
            value = fetch()
        except EntraTuiError as exc:  # network: not cached, tried again next time
            return Name(why=f"Graph did not answer: {exc}")
        if not (isinstance(value, Name) and value.why):  # a refusal is asked again next time
            self.cache.put(self.tenant, key, value)
        return value

    def organization(self) -> Name:
        def fetch() -> Name:
            reply = self.client.get("/organization")
            if not reply.ok:
                return Name(why=_refusal(reply, NEEDS_ORGANIZATION))
            org = next(iter(reply.values()), {})
            domain = next((d.get("name") for d in org.get("verifiedDomains", []) or []
                           if isinstance(d, dict) and d.get("isDefault")), None)
            return Name(str(org.get("displayName") or "?"), str(domain) if domain else None,
                        kind="organization")
        return self._cached("organization", fetch)

    def service_principal(self, aud_or_app_id: str) -> dict[str, Any] | Name:
        """The service principal an audience or app id names, or why not."""
        value = aud_or_app_id.strip()
        if is_graph_audience(value):
            value = GRAPH_APP_ID
        elif is_arm_audience(value):
            value = ARM_APP_ID
        if is_guid(value):
            clause = f"appId eq {odata_string(value.lower())}"
        elif value.startswith(("api://", "https://")) and value.isascii() and len(value) < 400:
            clause = f"servicePrincipalNames/any(x:x eq {odata_string(value)})"
        else:
            return Name(why="not an app id or application ID URI")

        def fetch() -> dict[str, Any] | Name:
            reply = self.client.get("/servicePrincipals", {"$filter": clause})
            if not reply.ok:
                return Name(why=_refusal(reply, NEEDS_APPS))
            found = reply.values()
            if not found:
                return Name(why="no service principal in this tenant (not consented here?)")
            return found[0]
        return self._cached(f"sp:{clause}", fetch)

    def app(self, value: str) -> Name:
        sp = self.service_principal(value)
        if isinstance(sp, Name):
            return sp
        return Name(str(sp.get("displayName") or "?"), f"app id {sp.get('appId')}",
                    kind="servicePrincipal")

    def resource(self, aud: str) -> dict[str, Any] | Name:
        return self.service_principal(aud) if aud else Name(why="the token has no aud")

    def permission(self, resource: dict[str, Any] | Name, value: str, kind: str) -> Name:
        if isinstance(resource, Name):
            return Name(why=resource.why)
        key = "appRoles" if kind == "appRole" else "oauth2PermissionScopes"
        entry = next((e for e in resource.get(key, []) or []
                      if isinstance(e, dict) and e.get("value") == value), None)
        if entry is None:
            what = "app role" if kind == "appRole" else "delegated permission"
            return Name(why=f"{resource.get('displayName')} defines no {what} '{value}'")
        if kind == "appRole":
            text, detail = entry.get("displayName"), entry.get("description")
        else:
            text = entry.get("adminConsentDisplayName") or entry.get("userConsentDisplayName")
            detail = entry.get("adminConsentDescription") or entry.get("userConsentDescription")
        return Name(str(text or value), str(detail) if detail else None, kind=kind)

    def objects(self, ids: list[str]) -> dict[str, Name]:
        """getByIds in batches of 1,000; cached per id."""
        found: dict[str, Name] = {}
        missing = []
        for object_id in dict.fromkeys(i.lower() for i in ids):
            hit = self.cache.get(self.tenant, f"obj:{object_id}")
            if hit is not None:
                found[object_id] = hit
            else:
                missing.append(object_id)
        for start in range(0, len(missing), BATCH):
            batch = missing[start:start + BATCH]
            try:
                reply = self.client.post("/directoryObjects/getByIds", {
                    "ids": batch, "types": ["user", "group", "servicePrincipal"]})
            except EntraTuiError as exc:
                found.update({i: Name(why=f"Graph did not answer: {exc}") for i in batch})
                continue
            if not reply.ok:
                found.update({i: Name(why=_refusal(reply, NEEDS_OBJECTS)) for i in batch})
                continue
            for item in reply.values():
                name = _object_name(item)
                object_id = str(item.get("id", "")).lower()
                if object_id in batch:
                    found[object_id] = name
                    self.cache.put(self.tenant, f"obj:{object_id}", name)
            for object_id in batch:
                if object_id not in found:
                    found[object_id] = Name(why="not in this directory (deleted, or another "
                                                "tenant's object)")
                    self.cache.put(self.tenant, f"obj:{object_id}", found[object_id])
        return found

    def member_groups(self, oid: str) -> list[str]:
        """A groups overage: the user's groups from Graph (getMemberObjects)."""
        def fetch() -> list[str] | Name:
            reply = self.client.post(f"/users/{guid_segment(oid)}/getMemberObjects",
                                     {"securityEnabledOnly": False})
            if not reply.ok:
                return Name(why=_refusal(reply, NEEDS_GROUPS))
            body = reply.body.get("value") if isinstance(reply.body, dict) else None
            return [v for v in body if is_guid(v)] if isinstance(body, list) else []
        result = self._cached(f"members:{oid.lower()}", fetch)
        return result if isinstance(result, list) else []


def _object_name(item: Mapping[str, Any]) -> Name:
    kind = str(item.get("@odata.type", "")).rpartition(".")[2]
    text = str(item.get("displayName") or "?")
    if kind == "user":
        return Name(text, item.get("userPrincipalName"), kind="user")
    if kind == "servicePrincipal":
        return Name(text, f"app id {item.get('appId')}", kind="servicePrincipal")
    if kind == "group":
        return Name(text, item.get("description") or None, kind="group")
    return Name(text, kind=kind or "object")


def _refusal(reply: Reply, needs: str) -> str:
    if reply.status == 403:
        return needs
    if reply.status == 401:
        return f"Graph refused the token ({reply.error_code or 401})"
    return f"Graph answered {reply.status} {reply.error_code}".strip()


HIDDEN = "•••"


def name_lines(names: Names, *, hide_people: bool = False, most: int = 6) -> dict[str, str]:
    """One line per claim for the claims pane: "→ Microsoft Graph (app id ...)", a list of
    group names, or why not. `hide_people` (presentation mode) masks users' names and UPNs."""
    lines: dict[str, str] = {}
    for claim, values in names.items():
        entries = list(values.values())
        if not entries:
            continue
        reasons = {n.why for n in entries if n.why}
        if all(n.why for n in entries) and len(reasons) == 1:
            lines[claim] = f"→ ? {reasons.pop()}"
            continue
        shown = [_one(n, hide_people, detail=len(entries) == 1) for n in entries[:most]]
        more = f" … (+{len(entries) - most} more)" if len(entries) > most else ""
        lines[claim] = "→ " + "; ".join(shown) + more
    return lines


def _one(name: Name, hide: bool, *, detail: bool) -> str:
    if name.why:
        return f"? {name.why}"
    text, extra = name.text or "?", name.detail
    if hide and name.kind == "user":
        text, extra = HIDDEN, HIDDEN if extra else None
    return f"{text} ({extra})" if detail and extra else text
