"""The tokens the benchmarks decode and paste: a typical access token and a big one."""

from __future__ import annotations

import base64
import functools
import json
import time
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey


def _part(data: object) -> str:
    # Compact JSON, as Entra writes it.
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _opaque(seed: str, length: int) -> str:
    """A stable base64url string standing in for an opaque value Microsoft puts in a token."""
    digest = b""
    counter = 0
    while len(digest) * 4 // 3 < length + 4:
        digest += uuid.uuid5(uuid.NAMESPACE_URL, f"{seed}/{counter}").bytes
        counter += 1
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:length]


@functools.lru_cache(maxsize=1)
def _throwaway_key() -> RSAPrivateKey:
    """An RSA key made for this run and never kept: the typical token has a real RS256
    signature (342 characters) without being a token anyone could use."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def typical_token() -> str:
    """A v1.0 Microsoft Graph access token as a user's delegated sign-in gets it (about 1.9 KB).

    The claim set is the one Microsoft documents for v1.0 access tokens, with the values a
    Graph token carries: https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
    (header `nonce`, `aio`, `rh`, `uti`, `xms_st` and `xms_tcdt` are opaque or internal there).
    """
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    now = int(time.time())
    thumbprint = _opaque("x5t", 27)
    header = {"typ": "JWT", "nonce": _opaque("nonce", 43), "alg": "RS256",
              "x5t": thumbprint, "kid": thumbprint}
    claims = {
        "aud": "00000003-0000-0000-c000-000000000000",
        "iss": f"https://sts.windows.net/{tenant}/",
        "iat": now - 300, "nbf": now - 300, "exp": now + 4_500,
        "acct": 0,
        "acr": "1",
        "aio": _opaque("aio", 68) + "=",
        "amr": ["pwd", "mfa"],
        "app_displayname": "Graph Explorer",
        "appid": "de8bc8b5-d9f9-48b1-a8ad-b748da725064",
        "appidacr": "0",
        "family_name": "Vance",
        "given_name": "Adele",
        "idtyp": "user",
        "ipaddr": "203.0.113.24",
        "name": "Adele Vance",
        "oid": "0c4e2a5d-7b31-4f6e-9a2c-5d8e1f3b6a70",
        "platf": "3",
        "puid": "10032001A2B3C4D5",
        "rh": "0.AXoAv4j5cvGGr0GRqy180BHbRwMAAAAAAAAAwAAAAAAAAAB6AKo.",
        "scp": "email Mail.Read openid profile User.Read",
        "sub": _opaque("sub", 43),
        "tenant_region_scope": "EU",
        "tid": tenant,
        "unique_name": "AdeleV@contoso.onmicrosoft.com",
        "upn": "AdeleV@contoso.onmicrosoft.com",
        "uti": _opaque("uti", 22),
        "ver": "1.0",
        "wids": ["b79fbf4d-3ef9-4689-8143-76b194e85509"],
        "xms_st": {"sub": _opaque("xms_st", 43)},
        "xms_tcdt": 1_589_346_535,
    }
    signed = f"{_part(header)}.{_part(claims)}"
    signature = _throwaway_key().sign(
        signed.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signed}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def big_token() -> str:
    """About 16 KB: 200 group ids and 60 claims, as a large real token can be."""
    now = int(time.time())
    claims: dict[str, object] = {
        "aud": "00000003-0000-0000-c000-000000000000", "iss": "https://sts.windows.net/t/",
        "iat": now, "nbf": now, "exp": now + 3600, "ver": "1.0", "scp": "User.Read Mail.Read",
        "groups": [str(uuid.UUID(int=i + 1)) for i in range(200)],
    }
    for index in range(60 - len(claims)):
        claims[f"ext_claim_{index:02d}"] = f"value {index} " + "x" * 40

    def part(data: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'typ': 'JWT', 'kid': 'k'})}.{part(claims)}.c2ln"
