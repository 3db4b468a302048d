"""A small Microsoft Graph v1.0 over the sandbox's directory, at `{origin}/graph/v1.0/...`.

Shapes follow Graph's documentation: collections are `{"@odata.context", "value",
"@odata.nextLink"}` (https://learn.microsoft.com/en-us/graph/paging), errors
`{"error": {"code", "message", "innerError"}}` (https://learn.microsoft.com/en-us/graph/errors),
401 `InvalidAuthenticationToken` with `WWW-Authenticate: Bearer ...`, 403
`Authorization_RequestDenied` "Insufficient privileges to complete the operation." Permissions
per API are the least-privileged ones each API page lists (e.g. https://learn.microsoft.com/
en-us/graph/api/user-get, .../signin-list, .../application-list, .../serviceprincipal-list-
approleassignments, .../oauth2permissiongrant-list, .../directoryobject-getbyids).
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from typing import Any

from entra_tui.sandbox.directory import TENANTS, find_tenant
from entra_tui.sandbox.first_party import FIRST_PARTY_CLIENTS, GRAPH_APP_ID
from entra_tui.sandbox.groups import Group, find_group, member_groups
from entra_tui.sandbox.records import Api, ClientApp, Tenant, User
from entra_tui.sandbox.services import Call, Services, TokenRejected, inner_error, iso
from entra_tui.sandbox.wire import Response

AUDIENCES = frozenset({GRAPH_APP_ID, "https://graph.microsoft.com",
                       "https://graph.microsoft.com/"})
NAMESPACE = uuid.UUID("0c6a5e2f-4b8d-4e1a-9f3c-7d2b6a8e1f40")  # derived ids (sandbox's own)
PAGE_SIZE = 100
FILTER = re.compile(r"^(\w+) eq '([^']*)'$")
# A lambda over a string collection, as Graph documents for servicePrincipalNames
# (https://learn.microsoft.com/en-us/graph/filter-query-parameter#any-operator).
ANY_FILTER = re.compile(r"^(\w+)/any\((\w+):\2 eq '([^']*)'\)$")
DIRECTORY = ("Directory.Read.All", "Directory.ReadWrite.All")
READ_USERS = ("User.Read.All", "User.ReadBasic.All", "User.ReadWrite.All", *DIRECTORY)
READ_GROUPS = ("GroupMember.Read.All", "Group.Read.All", *DIRECTORY)
READ_APPS = ("Application.Read.All", "Application.ReadWrite.All", *DIRECTORY)


def needs_token(call: Call) -> bool:
    return True


def unauthorized(services: Services, call: Call, exc: TokenRejected) -> Response:
    response = Response.json(401, error("InvalidAuthenticationToken", exc.message, call))
    response.headers["WWW-Authenticate"] = (
        f'Bearer realm="", authorization_uri="{services.base_url}/common/oauth2/authorize", '
        f'client_id="{GRAPH_APP_ID}"')
    return response


def error(code: str, message: str, call: Call) -> dict[str, object]:
    return {"error": {"code": code, "message": message, "innerError": inner_error(call)}}


class Denied(Exception):
    pass


class NotFound(Exception):
    pass


class BadRequest(Exception):
    pass


def route(services: Services, call: Call) -> Response:
    tenant = find_tenant(str(call.claims.get("tid", "")))
    if tenant is None:
        return Response.json(401, error("InvalidAuthenticationToken",
                                        "The token's tenant is unknown.", call))
    view = View(services, call, tenant)
    try:
        return Response.json(200, view.dispatch())
    except Denied:
        return Response.json(403, error("Authorization_RequestDenied",
                                        "Insufficient privileges to complete the operation.",
                                        call))
    except NotFound as exc:
        return Response.json(404, error("Request_ResourceNotFound", f"Resource '{exc}' does "
                                        "not exist or one of its queried reference-property "
                                        "objects are not present.", call))
    except BadRequest as exc:
        return Response.json(400, error("BadRequest", str(exc), call))


class View:
    """Answers one authenticated call within the token's tenant."""

    def __init__(self, services: Services, call: Call, tenant: Tenant) -> None:
        self.services = services
        self.call = call
        self.tenant = tenant
        self.root = f"{services.base_url}/graph/v1.0"

    # --- routing --------------------------------------------------------------------------
    def dispatch(self) -> dict[str, Any]:
        parts = [p for p in self.call.path.split("/") if p]
        if not parts or parts[0] != "v1.0":
            raise BadRequest("Invalid version: use /v1.0.")
        rest = parts[1:]
        method = self.call.request.method
        if rest == ["me"]:
            if self.call.app_only:
                raise BadRequest("/me request is only valid with delegated authentication "
                                 "flow.")
            self.need(("User.Read", "User.ReadWrite", *READ_USERS))
            return self.entity("users", user_json(self.me()))
        if rest == ["organization"]:
            self.need(("User.Read", "Organization.Read.All", *READ_USERS))
            return self.collection("organization", [organization_json(self.tenant)])
        if len(rest) >= 2 and rest[0] == "users":
            return self.users(rest[1:], method)
        if rest == ["users"]:
            self.need(READ_USERS)
            return self.collection("users", [user_json(u) for u in self.tenant.users])
        if len(rest) == 2 and rest[0] == "groups":
            self.need(READ_GROUPS)
            found = find_group(self.tenant.tenant_id, self.tenant.users, rest[1])
            if found is None:
                raise NotFound(rest[1])
            return self.entity("groups", group_json(found))
        if rest and rest[0].startswith("applications"):
            self.need(READ_APPS)
            return self.applications(rest)
        if rest and rest[0] == "servicePrincipals":
            self.need(READ_APPS)
            return self.service_principals(rest[1:])
        if rest == ["oauth2PermissionGrants"]:
            self.need(READ_APPS)
            grants = [g for sp in service_principals(self.tenant) for g in permission_grants(
                self.tenant, sp)]
            return self.collection("oauth2PermissionGrants", self.filtered(grants, {
                "clientId": "clientId", "resourceId": "resourceId"}))
        if rest == ["directoryObjects", "getByIds"] and method == "POST":
            self.need((*DIRECTORY, "User.Read.All", "Application.Read.All", "Group.Read.All"))
            return self.get_by_ids()
        if rest == ["auditLogs", "signIns"]:
            self.need(("AuditLog.Read.All",))
            entries = self.services.sign_ins.entries(self.tenant.tenant_id)
            return self.collection("auditLogs/signIns", self.filtered(entries, {
                "correlationId": "correlationId", "appId": "appId",
                "userPrincipalName": "userPrincipalName"}))
        raise BadRequest(f"Resource not found for the segment '{'/'.join(rest)}'.")

    def users(self, rest: list[str], method: str) -> dict[str, Any]:
        user = self.user(rest[0])
        own = not self.call.app_only and user.object_id == self.call.claims.get("oid")
        if rest[1:] == []:
            self.need(READ_USERS, allow=own and "User.Read" in self.call.permissions)
            return self.entity("users", user_json(user))
        if rest[1:] == ["memberOf"]:
            self.need(READ_GROUPS)
            return self.collection("directoryObjects", [
                {"@odata.type": "#microsoft.graph.group", **group_json(g)}
                for g in member_groups(self.tenant.tenant_id, user)])
        if rest[1:] == ["getMemberObjects"] and method == "POST":
            self.need(READ_GROUPS, allow=own and "User.Read" in self.call.permissions)
            return {"@odata.context": f"{self.root}/$metadata#Collection(Edm.String)",
                    "value": [g.object_id for g in member_groups(self.tenant.tenant_id, user)]}
        raise BadRequest(f"Resource not found for the segment '{rest[-1]}'.")

    def applications(self, rest: list[str]) -> dict[str, Any]:
        apps = [application_json(self.tenant, a) for a in applications(self.tenant)]
        key = re.fullmatch(r"applications\(appId='([^']*)'\)", rest[0])
        if key:
            found = next((a for a in apps if a["appId"] == key.group(1).lower()), None)
            if found is None:
                raise NotFound(key.group(1))
            return self.entity("applications", found)
        if len(rest) == 2:
            found = next((a for a in apps if a["id"] == rest[1]), None)
            if found is None:
                raise NotFound(rest[1])
            return self.entity("applications", found)
        return self.collection("applications", self.filtered(apps, {"appId": "appId"}))

    def service_principals(self, rest: list[str]) -> dict[str, Any]:
        sps = service_principals(self.tenant)
        if not rest:
            return self.collection("servicePrincipals", self.filtered(
                [sp for sp in sps], {"appId": "appId", "displayName": "displayName",
                                     "servicePrincipalNames": "servicePrincipalNames"}))
        found = next((sp for sp in sps if sp["id"] == rest[0]), None)
        if found is None:
            raise NotFound(rest[0])
        if rest[1:] == []:
            return self.entity("servicePrincipals", found)
        if rest[1:] == ["appRoleAssignments"]:
            return self.collection(f"servicePrincipals('{found['id']}')/appRoleAssignments",
                                   role_assignments(self.tenant, found))
        raise BadRequest(f"Resource not found for the segment '{rest[-1]}'.")

    def get_by_ids(self) -> dict[str, Any]:
        try:
            body = json.loads(self.call.request.body or b"{}")
            ids = [str(i) for i in body.get("ids", [])]
        except (ValueError, AttributeError):
            raise BadRequest("Invalid request body: expected {\"ids\": [...]}.") from None
        found: list[dict[str, Any]] = []
        for object_id in ids:
            user = next((u for u in self.tenant.users if u.object_id == object_id), None)
            group = find_group(self.tenant.tenant_id, self.tenant.users, object_id)
            sp = next((s for s in service_principals(self.tenant) if s["id"] == object_id),
                      None)
            if user is not None:
                found.append({"@odata.type": "#microsoft.graph.user", **user_json(user)})
            elif group is not None:
                found.append({"@odata.type": "#microsoft.graph.group", **group_json(group)})
            elif sp is not None:
                found.append({"@odata.type": "#microsoft.graph.servicePrincipal", **sp})
        return {"@odata.context": f"{self.root}/$metadata#directoryObjects", "value": found}

    # --- helpers --------------------------------------------------------------------------
    def me(self) -> User:
        return self.user(str(self.call.claims.get("oid", "")))

    def user(self, key: str) -> User:
        found = next((u for u in self.tenant.users
                      if key.lower() in (u.object_id, u.upn)), None)
        if found is None:
            raise NotFound(key)
        return found

    def need(self, permissions: tuple[str, ...], *, allow: bool = False) -> None:
        if not allow and not self.call.permissions & set(permissions):
            raise Denied()

    def filtered(self, items: list[dict[str, Any]],
                 fields: dict[str, str]) -> list[dict[str, Any]]:
        clause = self.call.query.get("$filter")
        if clause is None:
            return items
        lambda_ = ANY_FILTER.match(clause.strip())
        if lambda_ is not None and lambda_.group(1) in fields.values():
            wanted = lambda_.group(3).lower()
            return [item for item in items if isinstance(item.get(lambda_.group(1)), list)
                    and wanted in (str(v).lower() for v in item[lambda_.group(1)])]
        match = FILTER.match(clause.strip())
        if match is None or match.group(1) not in fields:
            raise BadRequest(f"Invalid filter clause: {clause}")
        field, value = fields[match.group(1)], match.group(2)
        return [item for item in items if str(item.get(field) or "").lower() == value.lower()]

    def entity(self, entity_set: str, item: dict[str, Any]) -> dict[str, Any]:
        return {"@odata.context": f"{self.root}/$metadata#{entity_set}/$entity", **item}

    def collection(self, entity_set: str, items: list[dict[str, Any]]) -> dict[str, Any]:
        """A page of `items`: $top (default 100) and an opaque $skiptoken for the next."""
        try:
            top = max(1, min(999, int(self.call.query.get("$top", PAGE_SIZE))))
            skip = int(base64.urlsafe_b64decode(self.call.query.get("$skiptoken", "MA==")))
        except ValueError:
            raise BadRequest("Invalid $top or $skiptoken.") from None
        page: dict[str, Any] = {"@odata.context": f"{self.root}/$metadata#{entity_set}",
                                "value": items[skip:skip + top]}
        if skip + top < len(items):
            token = base64.urlsafe_b64encode(str(skip + top).encode()).decode()
            page["@odata.nextLink"] = (f"{self.root}{self.call.path.removeprefix('/v1.0')}"
                                       f"?$top={top}&$skiptoken={token}"
                                       + (f"&$filter={self.call.query['$filter']}"
                                          if "$filter" in self.call.query else ""))
        return page


# --- directory objects as Graph shows them --------------------------------------------------

def derived_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def user_json(user: User) -> dict[str, Any]:
    given, _, surname = user.name.partition(" ")
    return {"businessPhones": [], "displayName": user.name, "givenName": given,
            "jobTitle": None, "mail": user.upn, "mobilePhone": None, "officeLocation": None,
            "preferredLanguage": "en-US", "surname": surname,
            "userPrincipalName": user.upn, "id": user.object_id}


def group_json(group: Group) -> dict[str, Any]:
    return {"id": group.object_id, "displayName": group.display_name, "description": None,
            "groupTypes": [], "mailEnabled": False, "securityEnabled": True,
            "mailNickname": group.display_name.lower().replace(" ", "-")}


def organization_json(tenant: Tenant) -> dict[str, Any]:
    return {"id": tenant.tenant_id, "displayName": tenant.display_name, "tenantType": "AAD",
            "countryLetterCode": "US", "verifiedDomains": [{
                "capabilities": "Email, OfficeCommunicationsOnline", "isDefault": True,
                "isInitial": True, "name": tenant.domain, "type": "Managed"}]}


def applications(tenant: Tenant) -> list[ClientApp | Api]:
    """The app registrations homed in this tenant: its client apps and its own APIs."""
    own = [c for c in tenant.clients if not c.home_tenant_id]
    ids = {c.client_id for c in own}
    return [*own, *(a for a in tenant.apis if not a.first_party and a.client_id not in ids)]


def permission_ids(api: Api) -> tuple[dict[str, str], dict[str, str]]:
    """(app role ids, scope ids): documented for Microsoft's APIs, derived for the sandbox's."""
    roles = dict(api.role_ids) or {r: derived_id(api.client_id, "role", r) for r in api.app_roles}
    scopes = dict(api.scope_ids) or {s: derived_id(api.client_id, "scope", s)
                                     for s in api.delegated_scopes}
    return roles, scopes


def application_json(tenant: Tenant, app: ClientApp | Api) -> dict[str, Any]:
    if isinstance(app, Api):
        roles, scopes = permission_ids(app)
        return {
            "id": derived_id(tenant.tenant_id, "application", app.client_id),
            "appId": app.client_id, "displayName": app.name, "signInAudience": "AzureADMyOrg",
            "identifierUris": list(app.identifier_uris), "passwordCredentials": [],
            "keyCredentials": [], "requiredResourceAccess": [],
            "api": {"requestedAccessTokenVersion": app.token_version if app.token_version == 2
                    else None, "oauth2PermissionScopes": [
                        {"id": i, "value": v, "type": "User", "isEnabled": True}
                        for v, i in scopes.items()]},
            "appRoles": [{"id": i, "value": v, "allowedMemberTypes": ["Application"],
                          "isEnabled": True, "displayName": v} for v, i in roles.items()],
        }
    multi = any(c.client_id == app.client_id and c.home_tenant_id for t in TENANTS
                for c in t.clients)
    passwords = []
    if app.secret:
        passwords.append(password_json(app, app.secret, app.secret_days_left))
    if app.expired_secret:
        passwords.append(password_json(app, app.expired_secret, min(app.secret_days_left, -1)))
    keys = [{"customKeyIdentifier": None, "displayName": f"CN={app.slug}.sandbox.entra-tui",
             "endDateTime": iso(365), "startDateTime": iso(-1),
             "keyId": derived_id(app.client_id, "key"), "type": "AsymmetricX509Cert",
             "usage": "Verify", "key": None}] if app.certificate else []
    found = {
        "id": app.app_object_id or derived_id(tenant.tenant_id, "application", app.client_id),
        "appId": app.client_id, "displayName": app.name,
        "signInAudience": "AzureADMultipleOrgs" if multi else "AzureADMyOrg",
        "isFallbackPublicClient": app.public_client, "identifierUris": [],
        "publisherDomain": tenant.domain, "passwordCredentials": passwords,
        "keyCredentials": keys, "requiredResourceAccess": required_access(tenant, app),
    }
    exposed = next((a for a in tenant.apis if a.client_id == app.client_id), None)
    if exposed is not None:  # one registration that is a client and an API (OBO's middle tier)
        as_api = application_json(tenant, exposed)
        found.update({k: as_api[k] for k in ("identifierUris", "api", "appRoles")})
    return found


def password_json(app: ClientApp, secret: str, days_left: int) -> dict[str, Any]:
    """Graph never returns a secret's value, only its first three characters (`hint`)."""
    return {"customKeyIdentifier": None, "displayName": "sandbox secret",
            "endDateTime": iso(days_left), "startDateTime": iso(min(days_left, 0) - 180),
            "hint": secret[:3], "keyId": derived_id(app.client_id, "secret", secret[:3]),
            "secretText": None}


def required_access(tenant: Tenant, app: ClientApp) -> list[dict[str, Any]]:
    """requiredResourceAccess: granted roles, requested-but-not-consented roles, and the
    delegated scopes users consented to."""
    wanted: dict[str, list[dict[str, str]]] = {}
    for api in tenant.apis:
        roles, scopes = permission_ids(api)
        names = [*app.role_grants.get(api.client_id, ()),
                 *app.requested_roles.get(api.client_id, ())]
        entries = [{"id": roles[n], "type": "Role"} for n in names if n in roles]
        entries += [{"id": scopes[n], "type": "Scope"} for n in _consented_names(app, api)
                    if n in scopes]
        if entries:
            wanted[api.client_id] = entries
    return [{"resourceAppId": k, "resourceAccess": v} for k, v in wanted.items()]


def _consented_names(app: ClientApp, api: Api) -> list[str]:
    from entra_tui.sandbox.resources import consented

    return consented(app, api)


def sp_id(tenant: Tenant, app_id: str) -> str:
    for client in tenant.clients:
        if client.client_id == app_id and client.object_id:
            return client.object_id
    return derived_id(tenant.tenant_id, "servicePrincipal", app_id)


def service_principals(tenant: Tenant) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for client in (*tenant.clients, *FIRST_PARTY_CLIENTS):
        found.append({
            "id": sp_id(tenant, client.client_id), "appId": client.client_id,
            "displayName": client.name, "accountEnabled": True,
            "appOwnerOrganizationId": "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
            if client.first_party else client.home_tenant_id or tenant.tenant_id,
            "servicePrincipalType": "Application", "servicePrincipalNames": [client.client_id],
            "appRoles": [], "oauth2PermissionScopes": []})
    for api in tenant.apis:
        roles, scopes = permission_ids(api)
        same = next((sp for sp in found if sp["appId"] == api.client_id), None)
        if same is not None:  # one app registration that is a client and an API (OBO)
            same["servicePrincipalNames"] += list(api.identifier_uris)
            same["appRoles"] = [{"id": i, "value": v, "allowedMemberTypes": ["Application"],
                                 "isEnabled": True, "displayName": v} for v, i in roles.items()]
            same["oauth2PermissionScopes"] = [{"id": i, "value": v, "type": "User",
                                               "isEnabled": True} for v, i in scopes.items()]
            continue
        found.append({
            "id": sp_id(tenant, api.client_id), "appId": api.client_id, "displayName": api.name,
            "accountEnabled": True,
            "appOwnerOrganizationId": "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
            if api.first_party else tenant.tenant_id,
            "servicePrincipalType": "Application",
            "servicePrincipalNames": [api.client_id, *api.identifier_uris],
            "appRoles": [{"id": i, "value": v, "allowedMemberTypes": ["Application"],
                          "isEnabled": True, "displayName": v} for v, i in roles.items()],
            "oauth2PermissionScopes": [{"id": i, "value": v, "type": "User", "isEnabled": True}
                                       for v, i in scopes.items()]})
    return found


def role_assignments(tenant: Tenant, sp: dict[str, Any]) -> list[dict[str, Any]]:
    client = tenant.client(sp["appId"])
    if client is None:
        return []
    found = []
    for api in tenant.apis:
        roles, _ = permission_ids(api)
        for name in client.role_grants.get(api.client_id, ()):
            found.append({
                "id": derived_id(sp["id"], "assignment", api.client_id, name),
                "appRoleId": roles.get(name), "createdDateTime": iso(-90),
                "principalDisplayName": client.name, "principalId": sp["id"],
                "principalType": "ServicePrincipal", "resourceDisplayName": api.name,
                "resourceId": sp_id(tenant, api.client_id)})
    return found


def permission_grants(tenant: Tenant, sp: dict[str, Any]) -> list[dict[str, Any]]:
    """Admin consent to delegated scopes (consentType AllPrincipals), one per resource."""
    client = tenant.client(sp["appId"])
    if client is None or client.first_party:
        return []
    found = []
    for api in tenant.apis:
        names = _consented_names(client, api)
        if names:
            found.append({
                "id": derived_id(sp["id"], "grant", api.client_id),
                "clientId": sp["id"], "consentType": "AllPrincipals", "principalId": None,
                "resourceId": sp_id(tenant, api.client_id), "scope": " ".join(names)})
    return found

