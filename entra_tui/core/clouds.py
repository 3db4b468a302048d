"""Named Entra clouds and the authority hosts they sign in at."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from typing import TypeGuard

CLOUD_HOSTS: dict[str, str] = {
    "public": "https://login.microsoftonline.com",
    "usgov": "https://login.microsoftonline.us",
    "china": "https://login.chinacloudapi.cn",
}

# Tenant aliases that name no single directory; app-only flows cannot use them.
MULTI_TENANT_ALIASES = ("common", "organizations", "consumers")


def authority_host_for(cloud: str) -> str | None:
    """Authority host for a cloud name, or None when the name is unknown."""
    return CLOUD_HOSTS.get(cloud.lower())


def is_microsoft_host(host: str) -> bool:
    """True for the real Entra hosts, where the user's proxy and CA settings must apply."""
    return host.rstrip("/") in CLOUD_HOSTS.values()


# --- issuers and key origins ------------------------------------------------------------
# Token issuers per cloud and version, from Microsoft's answer "What are the token issuers for
# the sovereign clouds?" (https://learn.microsoft.com/en-us/answers/questions/1190472/):
# global v1 https://sts.windows.net/{tid}/, v2 https://login.microsoftonline.com/{tid}/v2.0;
# US Government v1 sts.windows.net, v2 login.microsoftonline.us; China (21Vianet) v1
# sts.chinacloudapi.cn, v2 login.partner.microsoftonline.cn (MSAL's authority constant for China
# is login.chinacloudapi.cn, accepted too). Keys are always fetched from CLOUD_HOSTS[cloud],
# never from the host an issuer names.
ISSUER_HOSTS: dict[str, tuple[str, str]] = {  # host -> (cloud, token version)
    "sts.windows.net": ("public", "1.0"),
    "login.microsoftonline.com": ("public", "2.0"),
    "login.microsoftonline.us": ("usgov", "2.0"),
    "sts.chinacloudapi.cn": ("china", "1.0"),
    "login.partner.microsoftonline.cn": ("china", "2.0"),
    "login.chinacloudapi.cn": ("china", "2.0"),
}
V1_ISSUER_HOST = {"public": "sts.windows.net", "usgov": "sts.windows.net",
                  "china": "sts.chinacloudapi.cn"}
V2_ISSUER_HOSTS = {"public": ("login.microsoftonline.com",),
                   "usgov": ("login.microsoftonline.us",),
                   "china": ("login.partner.microsoftonline.cn", "login.chinacloudapi.cn")}

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# A verified domain: dot-separated LDH labels, a letters-only top-level label; no trailing dot.
_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
# Exactly Entra's two issuer shapes: https://host/{tenant}/ (v1) and https://host/{tenant}/v2.0
# (v2). Lower-case ASCII host, no userinfo, port, percent-escape, backslash or whitespace.
_ISSUER = re.compile(r"https://([a-z0-9.-]{1,253})/([A-Za-z0-9.-]{1,253})/(v2\.0)?")
_ORIGIN = re.compile(r"https://([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?|\[[0-9a-f:.]{2,45}\])"
                     r"(?::([0-9]{1,5}))?/?")


def is_guid(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and _GUID.fullmatch(value) is not None


def is_tenant_id(value: object) -> bool:
    """A tenant GUID or a verified-domain shape (what Entra accepts in an authority path)."""
    return isinstance(value, str) and len(value) <= 253 and (
        _GUID.fullmatch(value) is not None or _DOMAIN.fullmatch(value) is not None)


class EntraIssuer(NamedTuple):
    cloud: str
    version: str  # "1.0" or "2.0"
    tenant: str


def parse_entra_issuer(iss: object) -> EntraIssuer | None:
    """Entra's own issuer for some cloud, parsed strictly; None for any other spelling."""
    if not isinstance(iss, str) or not iss.isascii():
        return None
    match = _ISSUER.fullmatch(iss)
    if match is None or match.group(1) not in ISSUER_HOSTS or not is_tenant_id(match.group(2)):
        return None
    cloud, version = ISSUER_HOSTS[match.group(1)]
    if (version == "2.0") != (match.group(3) is not None):
        return None  # e.g. https://login.microsoftonline.com/{tid}/ is no Entra issuer
    return EntraIssuer(cloud, version, match.group(2))


def entra_issuers(tenant: str, version: str | None = None) -> tuple[str, ...]:
    """Every Entra issuer (all clouds) for a tenant, of one token version or of both."""
    found: list[str] = []
    for cloud in CLOUD_HOSTS:
        if version in (None, "1.0"):
            found.append(f"https://{V1_ISSUER_HOST[cloud]}/{tenant}/")
        if version in (None, "2.0"):
            found += [f"https://{host}/{tenant}/v2.0" for host in V2_ISSUER_HOSTS[cloud]]
    return tuple(dict.fromkeys(found))


def canonical_origin(url: object) -> str | None:
    """`https://host[:port]` for an https origin spelled plainly, else None. For origins a user
    configures (a profile's authority, --authority): no userinfo, path, query, backslash,
    whitespace, percent-escape or non-ASCII character; a trailing dot or '..' is refused."""
    if not isinstance(url, str) or not url.isascii():
        return None
    match = _ORIGIN.fullmatch(url.strip().lower()) if url == url.strip() else None
    if match is None or ".." in match.group(1):
        return None
    port = match.group(2)
    if port is not None and not 0 < int(port) < 65536:
        return None
    return f"https://{match.group(1)}" + (f":{int(port)}" if port else "")


# --- Microsoft's APIs per cloud: fixed origins --------------------------------------------
# Microsoft Graph service roots per national cloud ("Microsoft Graph and Graph Explorer service
# root endpoints", https://learn.microsoft.com/en-us/graph/deployments).
GRAPH_ORIGINS: dict[str, str] = {
    "public": "https://graph.microsoft.com",
    "usgov": "https://graph.microsoft.us",
    "china": "https://microsoftgraph.chinacloudapi.cn",
}
# Azure Resource Manager per cloud (https://learn.microsoft.com/en-us/azure/media-services/
# latest/azure-regions-code-names#endpoints; Azure SDK's getArmEndpoint uses the same three).
ARM_ORIGINS: dict[str, str] = {
    "public": "https://management.azure.com",
    "usgov": "https://management.usgovcloudapi.net",
    "china": "https://management.chinacloudapi.cn",
}
_SERVICE_PATH = re.compile(r"(/[A-Za-z0-9._~-]+)*/?")


def cloud_of_authority(authority_host: str) -> str | None:
    """'public', 'usgov' or 'china' for an Entra authority host; None for a custom one."""
    host = authority_host.rstrip("/").lower()
    return next((cloud for cloud, known in CLOUD_HOSTS.items() if known == host), None)


def service_endpoint(url: object) -> str | None:
    """A configured API root such as `https://127.0.0.1:8443/graph`: a plainly spelled https
    origin (see canonical_origin) and an optional plain path (letters, digits, `._~-`; no
    `..`, query, fragment or escape), without its trailing slash; else None."""
    if not isinstance(url, str) or not url.isascii() or url != url.strip():
        return None
    match = re.fullmatch(r"(https://[^/]+)(/.*)?", url)
    if match is None:
        return None
    origin = canonical_origin(match.group(1))
    path = match.group(2) or ""
    if origin is None or _SERVICE_PATH.fullmatch(path) is None or "/../" in f"{path}/" \
            or "/./" in f"{path}/":
        return None
    return origin + path.rstrip("/")
