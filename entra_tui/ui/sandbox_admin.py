"""The sandbox's admin actions from the TUI (the demo): revoke the signed-in user's sessions,
so its refresh tokens stop working and CAE tokens (clients with `cp1`) meet Graph's claims
challenge. Only for a profile whose authority is the local sandbox (never a Microsoft host),
with the sandbox's identity header in the environment, as the demo sets it."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from entra_tui.core.clouds import is_microsoft_host

if TYPE_CHECKING:
    from entra_tui.core.profiles import Profile

ADMIN_HEADER = "x-sandbox-admin"


def revocation_target(profile: Profile | None, account: str | None) -> tuple[str, str] | str:
    """(url, user) to revoke, or why it cannot be done here."""
    if profile is None:
        return "No profile selected."
    if is_microsoft_host(profile.authority_host) or not profile.authority_host.startswith(
            "https://127.0.0.1:") or not os.environ.get("IDENTITY_HEADER"):
        return ("Revoking sessions is a sandbox admin action: only for the demo's sandbox "
                "profiles (in a real tenant: Revoke-MgUserSignInSession or Graph's "
                "revokeSignInSessions).")
    user = profile.username or account
    if not user:
        return "No signed-in user for this profile: sign one in first (a)."
    return f"{profile.authority_host.rstrip('/')}/_sandbox/revokeSignInSessions", user


def revoke(url: str, user: str, ca_bundle: str | None) -> str:
    """POST the revocation (blocking: run it in a thread worker); the message to show."""
    import requests

    session = requests.Session()
    session.trust_env = False
    try:
        answer = session.post(url, data={"user": user}, timeout=10,
                              headers={ADMIN_HEADER: os.environ.get("IDENTITY_HEADER", "")},
                              verify=ca_bundle or True)
    except requests.RequestException as exc:
        return f"The sandbox did not answer: {type(exc).__name__}"
    if answer.status_code != 200:
        return f"The sandbox refused the revocation (HTTP {answer.status_code})."
    return (f"Sessions of {user} revoked: refresh tokens stop working, and Graph answers "
            "older CAE tokens (cp1 clients) with a claims challenge; paste it with p.")
