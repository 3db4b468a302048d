"""Presentation mode: hide what identifies people (e-mail addresses and UPNs, IP addresses,
object ids) so a screen can be shared. Apps, tenants, scopes and times stay visible: they are
what a screen share is usually about."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

EMAIL = re.compile(r"[\w.+#'-]+@[\w-]+(?:\.[\w-]+)+")
# Candidates only; `ipaddress` decides, so times (08:06:16) and versions (1.2.3.4000) stay.
IP_CANDIDATE = re.compile(r"(?<![\w.:])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])"
                          r"|(?<![\w:])[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:[0-9A-Fa-f:]*(?![\w:])")
# Claims whose values identify a person or their memberships (pairwise ids included).
PERSONAL_ID_CLAIMS = ("oid", "sub", "puid", "altsecid", "home_oid", "groups", "onprem_sid",
                      "login_hint", "sid")
HIDDEN_EMAIL, HIDDEN_IP, HIDDEN_ID = "‹e-mail›", "‹IP›", "‹id›"


class Masker:
    """`apply` hides e-mails and IPs anywhere, and the token's own personal ids."""

    def __init__(self, claims: Mapping[str, Any] | None = None) -> None:
        ids: set[str] = set()
        for name in PERSONAL_ID_CLAIMS:
            value = (claims or {}).get(name)
            values = value if isinstance(value, list) else [value]
            ids.update(v for v in values if isinstance(v, str) and len(v) >= 6)
        # Longest first, so an id that contains another is hidden whole.
        self._ids = re.compile("|".join(re.escape(v) for v in sorted(ids, key=len,
                                                                      reverse=True))) \
            if ids else None

    def apply(self, text: str) -> str:
        text = EMAIL.sub(HIDDEN_EMAIL, text)
        text = IP_CANDIDATE.sub(_hide_ip, text)
        if self._ids is not None:
            text = self._ids.sub(HIDDEN_ID, text)
        return text


def _hide_ip(match: re.Match[str]) -> str:
    import ipaddress

    try:
        ipaddress.ip_address(match.group(0))
    except ValueError:
        return match.group(0)
    return HIDDEN_IP


def mask_edges(text: str, keep: int = 6) -> str:
    """First and last characters only: enough to recognise a token, not to use it."""
    if len(text) <= 2 * keep + 3:
        return "…" * min(len(text), 3)
    return f"{text[:keep]}…{text[-keep:]}"
