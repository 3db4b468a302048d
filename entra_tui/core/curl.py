"""A curl command that calls the API a token is for, ready to paste into a shell."""

from __future__ import annotations

import shlex

from entra_tui.core.token import DecodedToken
from entra_tui.core.wellknown import app_name

GRAPH = "https://graph.microsoft.com/v1.0"


def curl_command(token: DecodedToken) -> str:
    """Graph tokens call /me (delegated) or /organization (app-only); other audiences call
    the audience when it is a URL, else a placeholder to fill in."""
    aud = str(token.claims.get("aud", ""))
    if app_name(aud) == "Microsoft Graph":
        url = f"{GRAPH}/organization" if token.is_app_only else f"{GRAPH}/me"
    elif aud.startswith("https://"):
        url = aud
    else:
        url = "https://YOUR-API.example/"  # api://... and client ids are not addresses
    header = f"Authorization: Bearer {token.raw}"
    return f"curl -sS -H {shlex.quote(header)} {shlex.quote(url)}"
