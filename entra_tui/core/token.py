"""Decode a JWT's header and payload without verifying it, with errors that say what broke.

Decoding is plain base64url + JSON, so inspecting a token costs no crypto import; PyJWT is
used where a signature is actually checked. A test holds this decoder to PyJWT's result.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from entra_tui.core.errors import TokenDecodeError

# Claims whose value is seconds since the epoch.
TIME_CLAIMS = frozenset({"iat", "nbf", "exp", "auth_time", "xms_tcdt", "updated_at"})


@dataclass(frozen=True)
class DecodedToken:
    """A JWT split into its parts; `claims` keeps the issuer's order."""

    raw: str
    header: dict[str, Any]
    claims: dict[str, Any]
    signature: str

    def time_claim(self, name: str) -> float | None:
        """A time claim as epoch seconds, or None when absent or not a number."""
        value = self.claims.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)

    @property
    def is_app_only(self) -> bool:
        """App-only (client credentials) tokens carry `idtyp: app` or roles without `scp`."""
        return self.claims.get("idtyp") == "app" or (
            "scp" not in self.claims and "roles" in self.claims and "upn" not in self.claims
        )


def decode_token(raw: str) -> DecodedToken:
    """Split and decode a compact JWS; raise TokenDecodeError naming the part that failed."""
    token = raw.strip()
    if not token:
        raise TokenDecodeError("the token is empty")
    parts = token.split(".")
    if len(parts) == 5:
        raise TokenDecodeError("this is an encrypted token (JWE, five parts); only its "
                               "intended recipient can read the claims")
    if len(parts) != 3:
        raise TokenDecodeError(
            f"a JWT has three dot-separated parts; this has {len(parts)}"
            + (" (an opaque token such as a refresh token?)" if len(parts) == 1 else "")
        )
    header = _decode_json_part(parts[0], "header")
    claims = _decode_json_part(parts[1], "payload")
    return DecodedToken(raw=token, header=header, claims=claims, signature=parts[2])


def _decode_json_part(segment: str, part: str) -> dict[str, Any]:
    bare = segment.rstrip("=")  # padding is optional in what people paste
    try:
        data = base64.b64decode(bare + "=" * (-len(bare) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise TokenDecodeError(f"the {part} is not valid base64url") from None
    if not bare or not data:
        raise TokenDecodeError(f"the {part} is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise TokenDecodeError(f"the {part} is not UTF-8 text") from None
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        raise TokenDecodeError(f"the {part} is not valid JSON: {reason}") from None
    if not isinstance(value, dict):
        raise TokenDecodeError(f"the {part} is JSON but not an object")
    return value
