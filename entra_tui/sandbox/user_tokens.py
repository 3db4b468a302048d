"""Tokens for a signed-in user: which API and scopes a request names, consent, and the
token response (access, ID and refresh tokens, client_info) Entra would send back."""

from __future__ import annotations

import uuid

from entra_tui.sandbox import access_tokens, tokens
from entra_tui.sandbox.directory import ClientApp, Tenant, User
from entra_tui.sandbox.grants_store import GrantStore, UserGrant
from entra_tui.sandbox.pki import SigningKey
from entra_tui.sandbox.resources import OIDC_SCOPES, delegated_resource

__all__ = ["OIDC_SCOPES", "delegated_audience", "user_token_response"]


def delegated_audience(tenant: Tenant, client: ClientApp,
                       scopes: list[str]) -> tuple[str, list[str]]:
    """(audience, scope names) for a delegated request, enforcing known scopes and consent."""
    _, audience, names = delegated_resource(tenant, client, scopes)
    return audience, names


def user_token_response(
    *, key: SigningKey, issuer: str, tenant: Tenant, client: ClientApp, user: User,
    scopes: list[str], store: GrantStore, nonce: str | None = None,
    audience: tuple[str, list[str]] | None = None, credential_type: str = "0",
    session_id: str = "",
) -> dict[str, object]:
    """`credential_type` is the client's `azpacr`: "0" public, "1" secret, "2" certificate.
    `session_id` is the `sid` of the sign-in a refresh continues; empty starts a new one."""
    session_id = session_id or str(uuid.uuid4())
    api, aud, granted = delegated_resource(tenant, client, scopes)
    if audience is not None:
        aud, granted = audience
    body: dict[str, object] = {
        "token_type": "Bearer", "scope": " ".join(scopes),
        "expires_in": tokens.ACCESS_TOKEN_LIFETIME,
        "ext_expires_in": tokens.ACCESS_TOKEN_LIFETIME,
        "access_token": access_tokens.user_access_token(
            key=key, base_url=issuer.removesuffix(f"/{tenant.tenant_id}/v2.0"),
            tenant_id=tenant.tenant_id, api=api, audience=aud, client=client, user=user,
            scopes=granted, credential_type=credential_type, session_id=session_id),
        "client_info": tokens.client_info(user.object_id, tenant.tenant_id),
        "id_token": tokens.id_token(
            client_id=client.client_id, nonce=nonce, key=key, issuer=issuer,
            tenant_id=tenant.tenant_id, user_name=user.name, upn=user.upn,
            user_object_id=user.object_id),
    }
    body["refresh_token"] = store.new_refresh_token(UserGrant(
        tenant_id=tenant.tenant_id, client_id=client.client_id, user_upn=user.upn,
        scopes=scopes, session_id=session_id))
    return body
