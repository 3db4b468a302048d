"""Decode a JWT's header and payload without verifying it, with errors that say what broke.

Decoding is plain base64url + JSON, so inspecting a token costs no crypto import; PyJWT is
used where a signature is actually checked. A test holds this decoder to PyJWT's result.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from enum import Enum
from typing import Any, NamedTuple

from entra_tui.core.errors import TokenDecodeError

# Claims whose value is seconds since the epoch.
TIME_CLAIMS = frozenset({"iat", "nbf", "exp", "auth_time", "xms_tcdt", "updated_at"})


class TokenKind(Enum):
    SIGNED = "signed JWT (JWS)"
    UNSIGNED = "unsigned JWT (alg: none)"
    ENCRYPTED = "encrypted token (JWE)"
    OPAQUE = "opaque token"


_BASE64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}\Z")  # empty: unsigned (alg: none)
_OPAQUE = re.compile(r"^[A-Za-z0-9\-_.~+/=]{20,}$")
_OPAQUE_MESSAGE = ("this is an opaque token, not a JWT (for example a refresh token or a "
                   "personal-account ticket); only the service that issued it can read it")


class DecodedToken(NamedTuple):
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

    def missing_time(self, name: str) -> str:
        """Why `time_claim(name)` gave None: absent, or present but not a usable time."""
        if name not in self.claims:
            return f"the token has no {name} claim"
        value = self.claims[name]
        what = (f"a number of {len(value)} characters" if isinstance(value, NumberText)
                else f"a {type(value).__name__}")
        return f"the token's {name} is not a usable time ({what})"

    @property
    def kind(self) -> TokenKind:
        if str(self.header.get("alg", "")).lower() == "none" or not self.signature:
            return TokenKind.UNSIGNED
        return TokenKind.SIGNED

    @property
    def version(self) -> str | None:
        """"1.0" or "2.0" from `ver`, else from the issuer's shape (v1: sts.windows.net)."""
        ver = self.claims.get("ver")
        if ver in ("1.0", "2.0"):
            return str(ver)
        iss = str(self.claims.get("iss", ""))
        if iss.startswith("https://sts.windows.net/"):
            return "1.0"
        if iss.endswith("/v2.0"):
            return "2.0"
        return None

    @property
    def segments(self) -> list[str]:
        return self.raw.split(".")

    @property
    def is_app_only(self) -> bool:
        """App-only (no user): see token_story for Entra's rules."""
        from entra_tui.core.token_story import is_app_only

        return is_app_only(self)


class NumberText(str):
    """A JSON number that is no useful number: a hostile 5,000-digit `exp`, `1e999`, `NaN`.
    Kept as its text, so it shows like any value, while arithmetic and time code skip it
    (Python refuses int/str conversions past ~4,300 digits, floats end near 10**308, and
    `Infinity`/`NaN` are not JSON at all)."""

    __slots__ = ()

    def __repr__(self) -> str:  # a crash dump or log shows its size, not its text
        return f"NumberText({len(self)} characters)"


MAX_INT_DIGITS = 300  # float() of anything longer overflows


def _parse_int(digits: str) -> int | NumberText:
    return NumberText(digits) if len(digits) > MAX_INT_DIGITS else int(digits)


def _parse_float(text: str) -> float | NumberText:
    value = float(text)  # linear in the length, no digit limit
    return value if math.isfinite(value) else NumberText(text)


def decode_token(raw: str) -> DecodedToken:
    """Split and decode a compact JWS; raise TokenDecodeError naming the part that failed."""
    token = raw.strip()
    if not token:
        raise TokenDecodeError("the token is empty")
    parts = token.split(".")
    if len(parts) == 5:
        raise TokenDecodeError("this is an encrypted token (JWE, five parts); only its "
                               "intended recipient can read the claims", kind=TokenKind.ENCRYPTED)
    if len(parts) != 3:
        if parts[0].startswith("eyJ") and len(parts) == 1:
            # A JWT header alone (e.g. the first 60 characters of a token), not opaque.
            raise TokenDecodeError("this looks like a JWT cut short: it starts like a JWT "
                                   "header (\"eyJ\") but has no payload or signature (a JWT "
                                   "is header.payload.signature); copy it again whole")
        if parts[0].startswith("eyJ") and len(parts) in (2, 4):
            # "eyJ" is base64url for '{"': a JWT header, so a part went missing or came extra.
            raise TokenDecodeError(f"this looks like a JWT cut short or joined to something "
                                   f"else: it has {len(parts)} dot-separated parts, and a JWT "
                                   "has three (header.payload.signature); copy it again whole")
        if _OPAQUE.match(token):
            raise TokenDecodeError(_OPAQUE_MESSAGE, kind=TokenKind.OPAQUE)
        raise TokenDecodeError(f"a JWT has three dot-separated parts; this has {len(parts)}")
    try:
        header = _decode_json_part(parts[0], "header")
    except TokenDecodeError as exc:
        # Entra refresh tokens ("0.AXwA...") have dots too; a JWT header always decodes.
        if _OPAQUE.match(token) and not parts[0].startswith("eyJ"):
            raise TokenDecodeError(f"{_OPAQUE_MESSAGE} ({exc})", kind=TokenKind.OPAQUE) from None
        raise
    claims = _decode_json_part(parts[1], "payload")
    if not _BASE64URL.match(parts[2]):
        raise TokenDecodeError("the signature is not valid base64url")
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
        value = json.loads(text, parse_int=_parse_int, parse_float=_parse_float,
                           parse_constant=NumberText)
    except (json.JSONDecodeError, RecursionError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        raise TokenDecodeError(f"the {part} is not valid JSON: {reason}") from None
    if not isinstance(value, dict):
        raise TokenDecodeError(f"the {part} is JSON but not an object")
    return value
