"""Tokens for a signed-in user: which API and scopes a request names, consent, and the
token response (access, ID and refresh tokens, client_info) Entra would send back."""

from __future__ import annotations

from entra_tui.sandbox import errors, tokens
from entra_tui.sandbox.directory import GRAPH_APP_ID, ClientApp, Tenant, User
from entra_tui.sandbox.grants_store import GrantStore, UserGrant
from entra_tui.sandbox.pki import SigningKey

OIDC_SCOPES = {"openid", "profile", "offline_access", "email"}


def delegated_audience(tenant: Tenant, client: ClientApp,
                       scopes: list[str]) -> tuple[str, list[str]]:
    """(audience, scope names) for a delegated request, enforcing known scopes and consent."""
    resource_scopes = [s for s in scopes if s not in OIDC_SCOPES]
    if not resource_scopes:
        return GRAPH_APP_ID, ["User.Read"]
    resources = {s.rpartition("/")[0] for s in resource_scopes}
    if len(resources) != 1 or "" in resources:
        raise errors.invalid_scope(" ".join(scopes))
    resource = resources.pop()
    api = tenant.api_for_scope_resource(resource)
    if api is None:
        raise errors.resource_not_found(resource, tenant.display_name)
    names = [s.rpartition("/")[2] for s in resource_scopes]
    if any(name not in api.delegated_scopes for name in names):
        raise errors.invalid_scope(" ".join(resource_scopes))
    missing = [s for s in resource_scopes
               if s not in client.consented_scopes
               and f"{api.identifier_uri}/{s.rpartition('/')[2]}" not in client.consented_scopes]
    if missing:
        raise errors.consent_required(client.client_id, " ".join(missing))
    return api.client_id, names


def user_token_response(
    *, key: SigningKey, issuer: str, tenant: Tenant, client: ClientApp, user: User,
    scopes: list[str], store: GrantStore, nonce: str | None = None,
    audience: tuple[str, list[str]] | None = None, credential_type: str = "0",
) -> dict[str, object]:
    """`credential_type` is the client's `azpacr`: "0" public, "1" secret, "2" certificate."""
    aud, granted = audience or delegated_audience(tenant, client, scopes)
    common = {"key": key, "issuer": issuer, "tenant_id": tenant.tenant_id,
              "user_name": user.name, "upn": user.upn, "user_object_id": user.object_id}
    body: dict[str, object] = {
        "token_type": "Bearer", "scope": " ".join(scopes),
        "expires_in": tokens.ACCESS_TOKEN_LIFETIME,
        "ext_expires_in": tokens.ACCESS_TOKEN_LIFETIME,
        "access_token": tokens.delegated_access_token(
            audience=aud, client_id=client.client_id, scopes=granted,
            credential_type=credential_type, **common),
        "client_info": tokens.client_info(user.object_id, tenant.tenant_id),
        "id_token": tokens.id_token(client_id=client.client_id, nonce=nonce, **common),
    }
    body["refresh_token"] = store.new_refresh_token(UserGrant(
        tenant_id=tenant.tenant_id, client_id=client.client_id, user_upn=user.upn,
        scopes=scopes))
    return body
