"""What a token is, told by Entra's documented rules rather than guessed from a few claims.

Rules, from Microsoft's references:
- access tokens: https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
  (`idtyp` "app"/"user" when the optional claim is on; `scp` only in delegated tokens, so a
  token without `scp` is app-only; v1 `appid`/`appidacr`, v2 `azp`/`azpacr`).
- ID tokens: https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference
  (`aud` is the client that signed the user in; no `scp`, `roles` of the app itself maybe,
  `nonce`/`at_hash`/`c_hash`; v1 ID tokens carry `unique_name`/`upn`/`amr` and no `appid`).
- Azure AD B2C: https://learn.microsoft.com/azure/active-directory-b2c/tokens-overview
  (issuer on `{tenant}.b2clogin.com` or a custom domain, the user flow in `tfp`, or in `acr`
  for older policies).
- Entra External ID: issuer `https://{tenant-id}.ciamlogin.com/{tenant-id}/v2.0`
  (https://learn.microsoft.com/entra/external-id/customers/concept-supported-features-customers).
- Managed identities: `xms_mirid` names the identity's resource id, `xms_az_rid` the Azure
  resource the code runs on (access-token claims reference, "xms_*" claims).
"""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import urlsplit

from entra_tui.core.claims import CREDENTIAL_TYPES, GRAPH_GROUPS_CALL
from entra_tui.core.token import DecodedToken
from entra_tui.core.wellknown import app_name

ENTRA_ISSUER_HOSTS = frozenset({
    "sts.windows.net", "login.microsoftonline.com", "login.windows.net",
    "login.microsoftonline.us", "login.chinacloudapi.cn", "login.partner.microsoftonline.cn",
    "sts.chinacloudapi.cn",
})
GRAPH_AUDIENCES = frozenset({"00000003-0000-0000-c000-000000000000", "https://graph.microsoft.com",
                             "https://graph.microsoft.com/"})
ARM_AUDIENCES = frozenset({
    "797f4846-ba00-4fd7-ba43-dac1f8f63013", "https://management.azure.com",
    "https://management.azure.com/", "https://management.core.windows.net",
    "https://management.core.windows.net/", "https://management.usgovcloudapi.net",
    "https://management.usgovcloudapi.net/", "https://management.chinacloudapi.cn",
    "https://management.chinacloudapi.cn/",
})
ACCESS_TOKEN_CLAIMS = ("scp", "appid", "azp", "idtyp")
# An RSA signature is as long as the key: 256 bytes (2048 bits, what Entra signs with) is 342
# base64url characters, a 4096-bit key 683; anything shorter was cut off somewhere (samples in
# Microsoft's docs end after ~19 characters). RFC 7518 section 3.3 asks for 2048 bits or more.
RSA_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
RSA_2048_SIGNATURE_CHARS = 342


class Issuer(NamedTuple):
    """Who made the token: `entra`, `entra_elsewhere` (Entra's layout on another host),
    `b2c`, `external_id`, or `other`."""

    family: str
    policy: str | None = None

    @property
    def label(self) -> str:
        return {"b2c": "Azure AD B2C", "external_id": "Entra External ID",
                "other": ""}.get(self.family, "Entra")


def issuer_of(claims: dict[str, Any]) -> Issuer:
    policy = _b2c_policy(claims)
    iss = claims.get("iss")
    host = _host(iss) if isinstance(iss, str) else ""
    if host.endswith(".b2clogin.com") or policy:
        return Issuer("b2c", policy)
    if host.endswith(".ciamlogin.com"):
        return Issuer("external_id")
    if host in ENTRA_ISSUER_HOSTS:
        return Issuer("entra")
    if isinstance(iss, str) and _entra_shaped(iss, claims.get("tid")):
        return Issuer("entra_elsewhere")
    return Issuer("other")


def _entra_shaped(iss: str, tid: Any) -> bool:
    """An https issuer laid out as Entra lays it out (`/{tid}/` for v1, `/{tid}/v2.0` for
    v2) for the token's own `tid`: a sandbox, a private cloud, or a proxy in front of Entra.
    Only the story uses this; the signature check has its own, strict rules."""
    if not isinstance(tid, str) or not tid or not iss.startswith("https://"):
        return False
    try:
        path = urlsplit(iss).path
    except ValueError:
        return False
    return path in (f"/{tid}/", f"/{tid}/v2.0", f"/{tid}/v2.0/")


def is_id_token(token: DecodedToken) -> bool:
    """An ID token carries none of the access-token markers and at least one ID-token one."""
    claims = token.claims
    if any(name in claims for name in ACCESS_TOKEN_CLAIMS):
        return False
    if any(name in claims for name in ("nonce", "at_hash", "c_hash", "auth_time")):
        return True
    # v1 ID tokens: a user (upn/unique_name/amr) and no client id; v2: preferred_username.
    return "aud" in claims and any(
        name in claims for name in ("preferred_username", "unique_name", "upn", "amr"))


def is_app_only(token: DecodedToken) -> bool:
    """`idtyp` when the optional claim is on; otherwise an access token without `scp`."""
    idtyp = token.claims.get("idtyp")
    if idtyp in ("app", "user"):
        return idtyp == "app"
    return "scp" not in token.claims and not is_id_token(token)


def tell(token: DecodedToken) -> list[str]:
    """A few sentences a person needs first: what kind of token, for what, for whom."""
    claims, facts = token.claims, []
    issuer = issuer_of(claims)
    version = token.version
    kind = "ID token" if is_id_token(token) else "access token"
    if issuer.family == "other":
        iss = claims.get("iss")
        facts.append("JWT " + (f"from issuer {iss}" if isinstance(iss, str) and iss
                               else "without an issuer") + " (not issued by Microsoft Entra)")
    else:
        facts.append(f"{issuer.label} {'v' + version + ' ' if version else ''}{kind}"
                     + ("" if version or issuer.family not in ("entra", "entra_elsewhere")
               else " (version not stated)"))
        if issuer.policy:
            facts.append(f"User flow / policy {issuer.policy}")
        if issuer.family == "entra_elsewhere":
            facts.append(f"Issued by {_origin(claims['iss'])}, not a Microsoft host "
                         "(a sandbox, private cloud or proxy)")
        mismatch = _issuer_tenant_mismatch(claims) if issuer.family == "entra" else None
        if mismatch:
            facts.append(mismatch)
    aud = claims.get("aud")
    if isinstance(aud, str):
        named = app_name(aud)
        prefix = "Signed a user in to" if kind == "ID token" else "For"
        facts.append(f"{prefix} {aud}" + (f" ({named})" if named else ""))
    if issuer.family == "other":
        return facts
    client = claims.get("azp") or claims.get("appid")
    if isinstance(client, str):
        facts.append(_client_fact(client, claims))
    mirid = claims.get("xms_mirid")
    if isinstance(mirid, str):
        facts.append(_managed_identity_fact(mirid, claims.get("xms_az_rid")))
    if kind == "access token":
        facts.append(_app_only_fact(token) if is_app_only(token) else _delegated_fact(claims))
    elif kind == "ID token":
        who = _user(claims)
        if who:
            facts.append(f"Identifies {who}")
    if "_claim_names" in claims or "hasgroups" in claims:
        facts.append(f"Groups overage: the groups were left out; {GRAPH_GROUPS_CALL}")
    if "nonce" in token.header and aud in GRAPH_AUDIENCES:
        facts.append("Has a nonce in the header (Microsoft Graph): only Graph can verify "
                     "its signature")
    short = _short_signature(token)
    if short:
        facts.append(short)
    capabilities = claims.get("xms_cc")
    if isinstance(capabilities, list) and any(str(c).lower() == "cp1" for c in capabilities):
        facts.append("CAE token (xms_cc: cp1): the client handles claims challenges, so a "
                     "CAE-enabled API may accept it for up to 28 h, and revokes it at once "
                     "(401 with a claims challenge) when the user's sessions are revoked")
    return facts


def _short_signature(token: DecodedToken) -> str:
    """A fact, not a verdict: an RSA signature shorter than a 2048-bit key's."""
    alg = token.header.get("alg")
    length = len(token.signature.rstrip("="))
    if alg not in RSA_ALGORITHMS or not 0 < length < RSA_2048_SIGNATURE_CHARS:
        return ""
    return (f"The signature part is {length} characters; an {alg} signature is "
            f"{RSA_2048_SIGNATURE_CHARS} (2048-bit key) or more: the token was probably "
            "cut short")


def _issuer_tenant_mismatch(claims: dict[str, Any]) -> str:
    """Entra's issuer names the tenant that issued the token (`/{tenant}/` or
    `/{tenant}/v2.0`), the same directory `tid` names; say so when they differ."""
    iss, tid = claims.get("iss"), claims.get("tid")
    if not isinstance(iss, str) or not isinstance(tid, str) or not tid:
        return ""
    try:
        segment = urlsplit(iss).path.strip("/").split("/")[0]
    except ValueError:
        return ""
    if not segment or segment.lower() == tid.lower():
        return ""
    return f"The issuer's tenant {segment} differs from tid {tid}"


def _client_fact(client: str, claims: dict[str, Any]) -> str:
    named = app_name(client)
    how = CREDENTIAL_TYPES.get(str(claims.get("azpacr", claims.get("appidacr", ""))))
    text = f"Requested by client {client}" + (f" ({named})" if named else "")
    if how:
        text += " as a public client" if how.startswith("public") else f" using a {how}"
    return text


def _app_only_fact(token: DecodedToken) -> str:
    roles = token.claims.get("roles")
    if isinstance(roles, list) and roles:
        return "App-only (no user): application permissions " + ", ".join(map(str, roles))
    text = "App-only (no user): no application permissions granted (no roles)"
    if token.claims.get("aud") in ARM_AUDIENCES:
        text += "; Azure RBAC role assignments decide what it may do in Azure Resource Manager"
    return text


def _delegated_fact(claims: dict[str, Any]) -> str:
    scopes = str(claims.get("scp", "")).split()
    return (f"Delegated: acts for {_user(claims) or 'a user'} with scopes "
            + (", ".join(scopes) if scopes else "(none)"))


def _user(claims: dict[str, Any]) -> str:
    for name in ("preferred_username", "upn", "unique_name", "email", "oid"):
        value = claims.get(name)
        if isinstance(value, str) and value:
            return value
    return ""


def _managed_identity_fact(mirid: str, az_rid: Any) -> str:
    """`.../userAssignedIdentities/<name>` is user-assigned; any other resource id is the
    resource's own (system-assigned) identity."""
    name = mirid.rstrip("/").rsplit("/", 1)[-1]
    assigned = "user-assigned" if "/userassignedidentities/" in mirid.lower() else \
        "system-assigned"
    text = f"Managed identity ({assigned}) {name}: {mirid}"
    if isinstance(az_rid, str) and az_rid:
        text += f"; running on {az_rid.rstrip('/').rsplit('/', 1)[-1]} ({az_rid})"
    return text


def _b2c_policy(claims: dict[str, Any]) -> str | None:
    tfp = claims.get("tfp")
    if isinstance(tfp, str) and tfp:
        return tfp
    acr = claims.get("acr")
    if isinstance(acr, str) and acr.lower().startswith("b2c_"):
        return acr
    return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
