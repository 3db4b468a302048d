"""Access tokens in the shape the resource accepts, as Entra decides it: the API's
`accessTokenAcceptedVersion` picks the v1.0 or v2.0 claim set, whichever endpoint was called
(https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens#token-formats).

v1.0 claims (https://learn.microsoft.com/en-us/entra/identity-platform/
access-token-claims-reference): `iss` is the sandbox's `https://sts.windows.net/{tid}/`
(`{origin}/{tid}/`), `appid`/`appidacr` name the client, users carry `unique_name`, `upn`,
`ipaddr`, `given_name`/`family_name` and `amr`; app-only tokens carry `idp` = the issuer.
The audience is the resource as the client named it (an identifier URI or the app id).

Microsoft Graph's tokens carry a `nonce` in the header, and the signature is computed over the
header with that nonce replaced by its SHA-256 hash (base64url): only Graph, which knows to
hash it back, can verify them; any other verifier reports an invalid signature
(https://learn.microsoft.com/en-us/troubleshoot/entra/entra-id/app-integration/
troubleshooting-signature-validation-errors). The sandbox's Graph does the same.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid

from entra_tui.sandbox import tokens
from entra_tui.sandbox.first_party import GRAPH_APP_ID
from entra_tui.sandbox.pki import SigningKey
from entra_tui.sandbox.records import Api, ClientApp, User
from entra_tui.sandbox.tokens import ACCESS_TOKEN_LIFETIME, opaque

CLIENT_ADDRESS = "127.0.0.1"  # the sandbox listens on loopback only: every caller is here
GROUPS_LIMIT = 200  # a JWT carries at most 200 groups, then an overage claim instead


def issuer_v1(base_url: str, tenant_id: str) -> str:
    """The sandbox's https://sts.windows.net/{tid}/ (trailing slash included)."""
    return f"{base_url}/{tenant_id}/"


def issuer_v2(base_url: str, tenant_id: str) -> str:
    return f"{base_url}/{tenant_id}/v2.0"


def app_access_token(
    *, key: SigningKey, base_url: str, tenant_id: str, api: Api, audience: str,
    client: ClientApp, roles: tuple[str, ...], credential_type: str,
    lifetime: int = ACCESS_TOKEN_LIFETIME,
) -> str:
    """A client-credentials (or managed identity) token for `api`."""
    if api.token_version != 1:
        return tokens.app_only_access_token(
            key=key, issuer=issuer_v2(base_url, tenant_id), tenant_id=tenant_id,
            audience=api.client_id, client_id=client.client_id,
            client_object_id=client.object_id, roles=roles, credential_type=credential_type,
            lifetime=lifetime)
    now = int(time.time())
    issuer = issuer_v1(base_url, tenant_id)
    claims: dict[str, object] = {
        "aud": audience, "iss": issuer, "iat": now, "nbf": now, "exp": now + lifetime,
        "aio": opaque(40), "appid": client.client_id, "appidacr": credential_type,
        "idp": issuer, "idtyp": "app", "oid": client.object_id, "rh": f"1.{opaque(30)}.",
    }
    if roles:
        claims["roles"] = list(roles)
    claims.update({"sub": client.object_id, "tid": tenant_id, "uti": opaque(16), "ver": "1.0"})
    return sign_for(api, claims, key)


def user_access_token(
    *, key: SigningKey, base_url: str, tenant_id: str, api: Api | None, audience: str,
    client: ClientApp, user: User, scopes: list[str], credential_type: str = "0",
    lifetime: int = ACCESS_TOKEN_LIFETIME, session_id: str = "",
) -> str:
    """A delegated token; `api` None means a v2.0 API not in the directory (kept as before)."""
    if api is None or api.token_version != 1:
        return tokens.delegated_access_token(
            key=key, issuer=issuer_v2(base_url, tenant_id), tenant_id=tenant_id,
            audience=audience, client_id=client.client_id, user_name=user.name, upn=user.upn,
            user_object_id=user.object_id, scopes=scopes, lifetime=lifetime,
            credential_type=credential_type, session_id=session_id)
    now = int(time.time())
    given, _, family = user.name.partition(" ")
    claims: dict[str, object] = {
        "aud": audience, "iss": issuer_v1(base_url, tenant_id), "iat": now, "nbf": now,
        "exp": now + lifetime, "acr": "1", "aio": opaque(40), "amr": ["pwd"],
        "appid": client.client_id, "appidacr": credential_type, "family_name": family,
        "given_name": given,
    }
    if client.group_claims:
        claims.update(group_claims(base_url, tenant_id, user))
    claims.update({
        "idtyp": "user", "ipaddr": CLIENT_ADDRESS, "name": user.name, "oid": user.object_id,
        "rh": f"1.{opaque(30)}.", "scp": " ".join(scopes), "sid": session_id or str(uuid.uuid4()),
        "sub": tokens.pairwise_subject(user.object_id, client.client_id), "tid": tenant_id,
        "unique_name": user.upn, "upn": user.upn,
        "uti": opaque(16), "ver": "1.0",
    })
    return sign_for(api, claims, key)


def group_claims(base_url: str, tenant_id: str, user: User) -> dict[str, object]:
    """`groups`, or past 200 the overage claims pointing at the sandbox's Graph
    (https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference
    #groups-overage-claim): the client then asks Graph for the memberships."""
    from entra_tui.sandbox.groups import member_groups

    groups = member_groups(tenant_id, user)
    if len(groups) <= GROUPS_LIMIT:
        return {"groups": [group.object_id for group in groups]}
    return {"_claim_names": {"groups": "src1"},
            "_claim_sources": {"src1": {"endpoint": f"{base_url}/graph/v1.0/users/"
                                                    f"{user.object_id}/getMemberObjects"}}}


def sign_for(api: Api, claims: dict[str, object], key: SigningKey) -> str:
    return sign_with_nonce(claims, key) if api.client_id == GRAPH_APP_ID else \
        tokens.sign(claims, key)


def hashed_nonce(nonce: str) -> str:
    return _b64(hashlib.sha256(nonce.encode()).digest())


def sign_with_nonce(claims: dict[str, object], key: SigningKey) -> str:
    """Sign as Graph's tokens are signed: over the header with the nonce's hash, shipping the
    header with the nonce itself."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    nonce = opaque(32)

    def header(value: str) -> str:
        fields = {"typ": "JWT", "nonce": value, "alg": "RS256", "x5t": key.x5t, "kid": key.kid}
        return _b64(json.dumps(fields, separators=(",", ":")).encode())

    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signed = f"{header(hashed_nonce(nonce))}.{payload}".encode()
    signature = key.private_key.sign(signed, padding.PKCS1v15(), hashes.SHA256())
    return f"{header(nonce)}.{payload}.{_b64(signature)}"


def with_hashed_nonce(token: str) -> str | None:
    """What a Graph-aware verifier checks: the token with its header nonce hashed back (the
    header re-serialised as signed: compact JSON, same key order); None when malformed."""
    try:
        head, payload, signature = token.split(".")
        fields = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, TypeError):
        return None
    if not isinstance(fields, dict) or not isinstance(fields.get("nonce"), str):
        return None
    fields["nonce"] = hashed_nonce(fields["nonce"])
    rebuilt = _b64(json.dumps(fields, separators=(",", ":")).encode())
    return f"{rebuilt}.{payload}.{signature}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
