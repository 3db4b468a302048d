"""Claims challenges (continuous access evaluation, Conditional Access authentication context):
read a resource's `WWW-Authenticate` header (or a whole 401 response's headers), decode its
`claims` (base64 of a JSON claims request) and say what it asks for.

Format (https://learn.microsoft.com/entra/identity-platform/claims-challenge):
`Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize",
error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZS..."`.
The decoded JSON goes to MSAL as `claims_challenge=` unchanged. Pure and Textual-free.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any, NamedTuple

from entra_tui.core.safe_text import safe_text

MAX_HEADER_CHARS = 32_000
_PARAM = re.compile(r'([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


class ClaimsChallenge(NamedTuple):
    """A decoded challenge: `claims` is the JSON text to send back as MSAL's claims_challenge."""

    claims: str
    request: dict[str, Any]
    error: str | None
    authorization_uri: str | None
    realm: str | None

    def explain(self) -> list[str]:
        """What the resource asks for, in words; every value made safe."""
        lines = []
        if self.error == "insufficient_claims":
            lines.append("The resource refused the token and asks for a new one with more "
                         "claims (a claims challenge, error=\"insufficient_claims\").")
        elif self.error:
            lines.append(f"The resource answered error=\"{safe_text(self.error)}\".")
        access = self.request.get("access_token")
        if not isinstance(access, dict):
            access = {}
        nbf = access.get("nbf")
        if isinstance(nbf, dict) and "value" in nbf:
            when = _epoch(nbf.get("value"))
            from entra_tui.core.timefmt import local_time

            shown = local_time(when) if when is not None else safe_text(nbf.get("value"))
            lines.append(f"access_token.nbf: the new token must not be valid before {shown}: "
                         "tokens issued earlier were revoked (continuous access evaluation: "
                         "a password change, sessions revoked, the user disabled or deleted, "
                         "or a location/risk change).")
        cae_error = access.get("xms_caeerror")
        if isinstance(cae_error, dict) and "value" in cae_error:
            code = safe_text(cae_error.get("value"))
            lines.append(f"xms_caeerror {code}: the reason code of the CAE evaluation "
                         "(Microsoft documents no list; quote it to support with the "
                         "response's request id)")
        acrs = access.get("acrs")
        if isinstance(acrs, dict):
            values = acrs.get("values") or ([acrs["value"]] if "value" in acrs else [])
            lines.append("acrs: Conditional Access authentication context "
                         + ", ".join(safe_text(v) for v in values)
                         + " is required: the user must satisfy that policy (often MFA) "
                         "when signing in again.")
        xms_cc = access.get("xms_cc")
        if isinstance(xms_cc, dict):
            lines.append("xms_cc: the client declares capabilities "
                         + ", ".join(safe_text(v) for v in xms_cc.get("values") or []))
        others = sorted(set(access) - {"nbf", "xms_caeerror", "acrs", "xms_cc"})
        if others:
            lines.append("Also asked for: " + ", ".join(safe_text(o) for o in others))
        if self.authorization_uri:
            lines.append(f"Sign in at: {safe_text(self.authorization_uri)}")
        lines.append("Re-acquire with this claims challenge (MSAL's claims_challenge): the "
                     "identity provider issues a fresh token, skipping every cache. A user "
                     "flow may have to sign in again.")
        return lines


class ChallengeError(ValueError):
    """Text that holds no readable claims challenge; the message says why."""


def looks_like_challenge(text: str) -> bool:
    """Pasted text that is a WWW-Authenticate header (or headers holding one) with claims."""
    return "claims=" in text and bool(re.search(r"\bbearer\b", text, re.IGNORECASE))


def parse_challenge(text: str) -> ClaimsChallenge:
    """The challenge in a `WWW-Authenticate` value, a `WWW-Authenticate: ...` line or a whole
    response's headers."""
    if len(text) > MAX_HEADER_CHARS:
        raise ChallengeError("the pasted text is too long for a WWW-Authenticate header")
    line = _header_line(text)
    params = {m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3))
              for m in _PARAM.finditer(line)}
    encoded = params.get("claims")
    if not encoded:
        raise ChallengeError("no claims=\"...\" in the WWW-Authenticate header: it is not a "
                             "claims challenge")
    claims = _decode_claims(encoded.replace('\\"', '"'))
    try:
        request = json.loads(claims)
    except ValueError:
        raise ChallengeError("the claims value is not JSON once decoded") from None
    if not isinstance(request, dict):
        raise ChallengeError("the claims value is not a JSON object once decoded")
    return ClaimsChallenge(claims=claims, request=request, error=params.get("error"),
                           authorization_uri=params.get("authorization_uri"),
                           realm=params.get("realm"))


def _header_line(text: str) -> str:
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() == "www-authenticate":
            return value.strip()
    return " ".join(text.split())


def _decode_claims(encoded: str) -> str:
    stripped = encoded.strip()
    if stripped.startswith("{"):  # some APIs send the JSON itself
        return stripped
    try:
        padded = stripped + "=" * (-len(stripped) % 4)
        raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ChallengeError("the claims value is not base64 (it should be base64 of a JSON "
                             "claims request)") from None


def _epoch(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 1e11 else None
