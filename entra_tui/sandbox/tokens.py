"""Mint tokens that look like Entra's v2 access and ID tokens, signed RS256."""

from __future__ import annotations

import base64
import json
import secrets
import time
import uuid

import jwt

from entra_tui.sandbox.pki import SigningKey

ACCESS_TOKEN_LIFETIME = 3599


def opaque(size: int = 16) -> str:
    """Opaque values like Entra's `aio`, `rh` and `uti`."""
    return base64.urlsafe_b64encode(secrets.token_bytes(size)).rstrip(b"=").decode()


def pairwise_subject(user_object_id: str, client_id: str) -> str:
    """`sub` is pairwise: the same for one user and one app in every token, different for
    another app (https://learn.microsoft.com/en-us/entra/identity-platform/
    access-token-claims-reference, `sub`)."""
    import hashlib

    digest = hashlib.sha256(f"sub:{user_object_id.lower()}:{client_id.lower()}".encode())
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def sign(claims: dict[str, object], key: SigningKey) -> str:
    return jwt.encode(claims, key.private_key, algorithm="RS256",
                      headers={"typ": "JWT", "kid": key.kid, "x5t": key.x5t})


def app_only_access_token(
    *, key: SigningKey, issuer: str, tenant_id: str, audience: str, client_id: str,
    client_object_id: str, roles: tuple[str, ...], credential_type: str,
    lifetime: int = ACCESS_TOKEN_LIFETIME,
) -> str:
    """Client-credentials token: `idtyp=app`, `roles`, `azpacr` 1 (secret) or 2 (cert)."""
    now = int(time.time())
    claims: dict[str, object] = {
        "aud": audience, "iss": issuer, "iat": now, "nbf": now, "exp": now + lifetime,
        "aio": opaque(40), "azp": client_id, "azpacr": credential_type, "idtyp": "app",
        "oid": client_object_id, "rh": f"1.{opaque(30)}.",
    }
    if roles:
        claims["roles"] = list(roles)
    claims.update({"sub": client_object_id, "tid": tenant_id, "uti": opaque(16), "ver": "2.0"})
    return sign(claims, key)


def delegated_access_token(
    *, key: SigningKey, issuer: str, tenant_id: str, audience: str, client_id: str,
    user_name: str, upn: str, user_object_id: str, scopes: list[str],
    lifetime: int = ACCESS_TOKEN_LIFETIME, credential_type: str = "0", session_id: str = "",
) -> str:
    """A user's token for `client_id`. `azpacr` is how that client authenticated: "0" a
    public client, "1" a client secret, "2" a certificate (v2 access tokens, per
    https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference);
    so an on-behalf-of token for a confidential API is not "0"."""
    now = int(time.time())
    return sign({
        "aud": audience, "iss": issuer, "iat": now, "nbf": now, "exp": now + lifetime,
        "aio": opaque(40), "azp": client_id, "azpacr": credential_type, "name": user_name,
        "oid": user_object_id, "preferred_username": upn, "rh": f"1.{opaque(30)}.",
        "scp": " ".join(scopes), "sid": session_id or str(uuid.uuid4()),
        "sub": pairwise_subject(user_object_id, client_id),
        "tid": tenant_id, "uti": opaque(16), "ver": "2.0",
    }, key)


def id_token(
    *, key: SigningKey, issuer: str, tenant_id: str, client_id: str, user_name: str, upn: str,
    user_object_id: str, nonce: str | None = None,
) -> str:
    now = int(time.time())
    claims: dict[str, object] = {
        "aud": client_id, "iss": issuer, "iat": now, "nbf": now, "exp": now + 3600,
        "name": user_name, "oid": user_object_id, "preferred_username": upn,
        "sub": pairwise_subject(user_object_id, client_id), "tid": tenant_id, "ver": "2.0",
    }
    if nonce:
        claims["nonce"] = nonce
    return sign(claims, key)


def client_info(user_object_id: str, tenant_id: str) -> str:
    """MSAL builds its account from `client_info` (uid, utid), as Entra returns it."""
    raw = json.dumps({"uid": user_object_id, "utid": tenant_id}).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
