"""The claim catalogue: what each Entra token claim means, and its value made readable."""

from __future__ import annotations

from typing import Any, NamedTuple

from entra_tui.core.safe_text import safe_text
from entra_tui.core.timefmt import local_time, relative
from entra_tui.core.token import TIME_CLAIMS, DecodedToken
from entra_tui.core.wellknown import DIRECTORY_ROLES, app_name

GRAPH_GROUPS_CALL = ("POST https://graph.microsoft.com/v1.0/users/{oid}/getMemberObjects "
                     "with {\"securityEnabledOnly\": false} (or GET /me/memberOf)")

CLAIM_MEANINGS: dict[str, str] = {
    "aud": "Audience: the API this token is for (app id or Application ID URI)",
    "iss": "Issuer: the token service and tenant that issued it",
    "iat": "Issued at",
    "nbf": "Not valid before",
    "exp": "Expires at",
    "aio": "Opaque, used by Entra to reuse tokens; do not rely on it",
    "acr": "Authentication context class; \"0\" means the user did not meet ISO/IEC 29115",
    "acrs": "Authentication context class references satisfied (Conditional Access)",
    "amr": "Authentication methods used (pwd, mfa, rsa, ...)",
    "appid": "Application (client) id of the client that asked for the token (v1)",
    "appidacr": "How the client authenticated (v1): 0 public, 1 secret, 2 certificate",
    "azp": "Application (client) id of the client that asked for the token (v2)",
    "azpacr": "How the client authenticated (v2): 0 public, 1 secret, 2 certificate",
    "idtyp": "Token type: 'app' for app-only tokens, 'user' for delegated",
    "oid": "Object id of the user or service principal in this tenant",
    "sub": "Subject: stable, app-specific id of the principal (pairwise)",
    "tid": "Tenant id of the directory that issued the token",
    "roles": "App roles granted to the caller (app permissions or user roles)",
    "scp": "Delegated scopes the user consented to for this client",
    "wids": "Directory role template ids held by the user",
    "groups": "Object ids of the groups the principal belongs to",
    "hasgroups": "Too many groups for the URL; fetch them from Microsoft Graph",
    "_claim_names": "Groups overage: the groups claim was left out, see _claim_sources",
    "_claim_sources": "Where to fetch the left-out claims (Microsoft Graph)",
    "rh": "Opaque, used by Entra to revalidate tokens; do not rely on it",
    "uti": "Token identifier, used by Entra for revocation; opaque",
    "ver": "Token version: 1.0 (sts.windows.net issuer) or 2.0",
    "name": "Display name of the user",
    "upn": "User principal name (sign-in name); may change, do not use as a key",
    "unique_name": "Human-readable user identifier (v1); may change",
    "preferred_username": "Sign-in name (v2); may change, do not use for authorization",
    "email": "E-mail address, if the account has one; not verified by default",
    "login_hint": "Opaque hint for signing the same user in again",
    "ipaddr": "IP address the user authenticated from",
    "onprem_sid": "On-premises Active Directory security identifier",
    "puid": "Passport unique id (Microsoft internal)",
    "sid": "Session id, for per-session sign-out",
    "xms_cc": "Client capabilities, e.g. CP1: the client handles claims challenges",
    "xms_st": "Subject type, used in on-behalf-of and managed identity tokens",
    "xms_tcdt": "When the tenant was created",
    "xms_tpl": "Tenant preferred language",
    "xms_pdl": "Preferred data location (multi-geo)",
    "xms_ftd": "Opaque, Entra internal",
    "xms_idrel": "Opaque, Entra internal (identity relationship)",
    "nonce": "Value the client sent in the request, echoed back to stop replay",
    "c_hash": "Hash of the authorization code (hybrid flow)",
    "at_hash": "Hash of the access token issued alongside this ID token",
    "auth_time": "When the user last entered credentials",
    "family_name": "User's last name",
    "given_name": "User's first name",
    "in_corp": "Signed in from inside the corporate network",
    "pwd_exp": "When (or seconds after iat until) the password expires",
    "pwd_url": "Where the user can change an expiring password",
    "deviceid": "Device id, when the sign-in came from a registered device",
    "ctry": "User's country or region",
    "tenant_ctry": "Tenant's country or region",
    "verified_primary_email": "Primary e-mail, verified by the home tenant",
    "verified_secondary_email": "Secondary e-mail, verified by the home tenant",
    "fwd": "Forwarded IP addresses of the request chain",
    "altsecid": "Alternate security id (external identity providers)",
    "idp": "Identity provider that authenticated the subject",
    "appid_guest": "Application id for guest access",
    "cnf": "Confirmation key: the token is bound to this key (PoP)",
}

# What changes in an ID token, from Microsoft's ID token claims reference
# (https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference): its
# audience is the client app that signed the user in, not an API.
ID_TOKEN_MEANINGS: dict[str, str] = {
    "aud": "Audience: the client app that signed the user in (its application id); "
           "that app checks this ID token, no API accepts it",
    "iss": "Issuer: the token service and the tenant the user signed in to",
    "roles": "App roles assigned to the user in the client app that signed them in",
    "oid": "Object id of the user in this tenant",
    "sub": "Subject: stable id of the user, unique to this client app (pairwise)",
}

HEADER_MEANINGS: dict[str, str] = {
    "typ": "Token type (JWT)",
    "alg": "Signature algorithm (RS256 for Entra)",
    "kid": "Id of the signing key in the issuer's JWKS",
    "x5t": "SHA-1 thumbprint of the signing certificate",
    "nonce": "Graph tokens only: makes the signature unverifiable by third parties",
}

CREDENTIAL_TYPES = {"0": "public client (no credential)", "1": "client secret",
                    "2": "certificate or federated assertion"}


class ClaimRow(NamedTuple):
    """One claim ready to show: the raw value in text, a readable note, and its meaning."""

    name: str
    value: str
    note: str
    meaning: str
    is_time: bool = False


def explain_claims(token: DecodedToken, now: float) -> list[ClaimRow]:
    """Each claim explained; an ID token's claims get their ID-token meanings (`aud` is the
    client app that signed the user in, not an API)."""
    from entra_tui.core.token_story import is_id_token  # token_story imports this module

    id_token = is_id_token(token)
    return [explain_claim(name, value, now, id_token=id_token)
            for name, value in token.claims.items()]


def claim_meaning(name: str, *, id_token: bool = False) -> str:
    if id_token and name in ID_TOKEN_MEANINGS:
        return ID_TOKEN_MEANINGS[name]
    return CLAIM_MEANINGS.get(name, "")


def explain_claim(name: str, value: Any, now: float, *, id_token: bool = False) -> ClaimRow:
    meaning = claim_meaning(name, id_token=id_token)
    is_time = name in TIME_CLAIMS and isinstance(value, int | float) \
        and not isinstance(value, bool)
    return ClaimRow(name=name, value=value_text(value), note=note_for(name, value, now),
                    meaning=meaning, is_time=is_time)


def note_for(name: str, value: Any, now: float) -> str:
    """A readable reading of the value: local time, credential type, version..."""
    if name in TIME_CLAIMS and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{local_time(value)} ({relative(value, now)})"
    if name in ("azpacr", "appidacr"):
        return CREDENTIAL_TYPES.get(str(value), "")
    if name == "ver":
        return {"1.0": "v1 token", "2.0": "v2 token"}.get(str(value), "")
    if name == "idtyp":
        return {"app": "app-only token", "user": "delegated (user) token"}.get(str(value), "")
    if name == "scp" and isinstance(value, str):
        scopes = value.split()
        if len(scopes) < 2:
            return "1 scope" if scopes else "no scopes (an empty scp)"
        return f"{len(scopes)} scopes: " + "\n".join(f"• {safe_text(scope)}" for scope in scopes)
    if name in ("aud", "azp", "appid") and isinstance(value, str):
        return app_name(value) or ""
    if name == "wids" and isinstance(value, list):
        return "\n".join(DIRECTORY_ROLES.get(v, f"{safe_text(v)} (unknown role)")
                         if isinstance(v, str) else f"{safe_text(v)} (not a role id)"
                         for v in value)
    if name in ("roles", "groups") and isinstance(value, list):
        return f"{len(value)} item{'s' if len(value) != 1 else ''}"
    if name in ("_claim_names", "hasgroups"):
        return f"too many groups for the token; fetch them: {GRAPH_GROUPS_CALL}"
    return ""


def value_text(value: Any) -> str:
    """The value as text safe for a terminal: claim values come from whoever made the token."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return safe_text(", ".join(value))
    import json

    return safe_text(json.dumps(value, ensure_ascii=False))


# Kept for callers that knew it by this name: the one safe-text function.
printable = safe_text


def describe_token(token: DecodedToken) -> list[str]:
    """A few sentences a person needs first: what kind of token, for what, for whom."""
    from entra_tui.core.token_story import tell

    return tell(token)
