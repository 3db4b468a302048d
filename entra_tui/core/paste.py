"""Find the token in what people paste: a bare JWT, `Bearer ...`, a whole
`Authorization: Bearer ...` header, a redirect URL or fragment with `access_token=` or
`id_token=`, quotes and stray whitespace or line breaks included."""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from entra_tui.core.errors import TokenDecodeError

MAX_PASTE_CHARS = 2 * 1024 * 1024
_HEADER = re.compile(r"^\s*authorization\s*:\s*", re.IGNORECASE)
_BEARER = re.compile(r"^\s*bearer\s+", re.IGNORECASE)
_TOKEN_PARAMS = ("access_token", "id_token", "token")


class PastedToken(NamedTuple):
    """The token found, and where it came from (shown so the user knows what was read)."""

    token: str
    found_in: str


def extract_token(text: str) -> PastedToken:
    if len(text) > MAX_PASTE_CHARS:
        raise TokenDecodeError(f"the pasted text is {len(text):,} characters; tokens are far "
                               "smaller, so this is not one")
    stripped = text.strip().strip("'\"`").strip()
    if not stripped:
        raise TokenDecodeError("nothing was pasted")
    found_in = "pasted text"
    if _HEADER.match(stripped):
        stripped, found_in = _HEADER.sub("", stripped, count=1), "an Authorization header"
    if _BEARER.match(stripped):
        stripped = _BEARER.sub("", stripped, count=1)
        found_in = found_in if found_in != "pasted text" else "a Bearer value"
    from_url = _from_url(stripped)
    if from_url is not None:
        return from_url
    # Tokens wrapped by a terminal or an e-mail arrive with line breaks inside.
    token = re.sub(r"\s+", "", stripped)
    return PastedToken(token=token, found_in=found_in)


def _from_url(text: str) -> PastedToken | None:
    if not any(f"{name}=" in text for name in _TOKEN_PARAMS):
        return None
    parts = urlsplit(text)
    for source, label in ((parts.fragment, "the URL fragment"), (parts.query, "the URL query"),
                          (text.lstrip("#?"), "the pasted parameters")):
        params = parse_qs(source, keep_blank_values=False)
        for name in _TOKEN_PARAMS:
            if params.get(name):
                token = re.sub(r"\s+", "", unquote(params[name][0]))
                return PastedToken(token=token, found_in=f"{name} in {label}")
    return None
