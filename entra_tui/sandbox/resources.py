"""Which API a token request is for, what it may have, and the token's audience.

Scopes name a resource and a permission: `{resource}/{permission}`, the resource being an
identifier URI, `api://{app id}` or the app id (`https://management.core.windows.net//.default`
names ARM's `https://management.core.windows.net/`). `/.default` asks for everything already
granted: app roles for client credentials (a token even when none were granted, as Entra
gives), consented delegated scopes for a user (https://learn.microsoft.com/en-us/entra/
identity-platform/scopes-oidc#the-default-scope). A v2.0 API's tokens name it by app id; a v1.0
API's name the resource as the client spelled it.
"""

from __future__ import annotations

from entra_tui.sandbox import errors
from entra_tui.sandbox.first_party import GRAPH
from entra_tui.sandbox.records import Api, ClientApp, Tenant

OIDC_SCOPES = {"openid", "profile", "offline_access", "email"}


def audience_of(api: Api, resource: str) -> str:
    return resource if api.token_version == 1 else api.client_id


def app_resource(tenant: Tenant, scope: str) -> tuple[Api, str]:
    """(API, audience) for a client-credentials `scope`, which must be one `/.default`."""
    requested = [s for s in scope.split() if s not in OIDC_SCOPES]
    if len(requested) != 1:
        raise errors.invalid_scope(scope)
    resource, _, permission = requested[0].rpartition("/")
    if permission != ".default":
        raise errors.scope_not_default(requested[0])
    api = tenant.api_for_scope_resource(resource)
    if api is None:
        raise errors.resource_not_found(resource, tenant.display_name)
    return api, audience_of(api, resource)


def consented(client: ClientApp, api: Api) -> list[str]:
    """The delegated scopes users consented to for `client` on `api`, in the API's order."""
    names = {entry.rpartition("/")[2] for entry in client.consented_scopes
             if api.names(entry.rpartition("/")[0])}
    return [name for name in api.delegated_scopes if name in names]


def requested_scopes(tenant: Tenant, scopes: list[str]) -> tuple[Api, str, list[str]]:
    """(API, resource as the client spelled it, scope names) a delegated request names, without
    looking at consent (a sign-in page asks for it); unknown APIs and scopes are refused."""
    resource_scopes = [s for s in scopes if s not in OIDC_SCOPES]
    resources = {s.rpartition("/")[0] for s in resource_scopes}
    if len(resources) != 1 or "" in resources:
        raise errors.invalid_scope(" ".join(scopes))
    resource = resources.pop()
    api = tenant.api_for_scope_resource(resource)
    if api is None:
        raise errors.resource_not_found(resource, tenant.display_name)
    names = [s.rpartition("/")[2] for s in resource_scopes]
    if names != [".default"] and any(name not in api.delegated_scopes for name in names):
        raise errors.invalid_scope(" ".join(resource_scopes))
    return api, resource, names


def delegated_resource(tenant: Tenant, client: ClientApp,
                       scopes: list[str]) -> tuple[Api, str, list[str]]:
    """(API, audience, scope names) for a user's token, enforcing known scopes and consent;
    OIDC scopes alone get Graph's User.Read, as Entra gives."""
    resource_scopes = [s for s in scopes if s not in OIDC_SCOPES]
    if not resource_scopes:
        return GRAPH, GRAPH.client_id, ["User.Read"]
    api, resource, names = requested_scopes(tenant, scopes)
    granted = consented(client, api)
    if names == [".default"]:
        if not granted:
            raise errors.consent_required(client.client_id, resource_scopes[0])
        return api, audience_of(api, resource), granted
    missing = [s for s, name in zip(resource_scopes, names, strict=True) if name not in granted]
    if missing:
        raise errors.consent_required(client.client_id, " ".join(missing))
    return api, audience_of(api, resource), names
