"""Named Entra clouds and the authority hosts they sign in at."""

from __future__ import annotations

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
