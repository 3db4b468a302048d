"""A curl command that calls the API a token is for, ready to paste into a shell."""

from __future__ import annotations

import shlex
from typing import Any
from urllib.parse import urlsplit

from entra_tui.core.azure_cli import ARM_ENDPOINTS
from entra_tui.core.errors import ConfigError
from entra_tui.core.token import DecodedToken
from entra_tui.core.wellknown import app_name

GRAPH = "https://graph.microsoft.com/v1.0"
ARM_APP_ID = "797f4846-ba00-4fd7-ba43-dac1f8f63013"
# A cheap ARM call that any ARM token may make (it lists what the caller can see):
# https://learn.microsoft.com/en-us/rest/api/resources/subscriptions/list
ARM_CALL = "/subscriptions?api-version=2022-12-01"
# ARM audiences (v1 tokens carry a URL, v2 the app id) and the cloud each belongs to.
_ARM_AUDIENCES = {
    "https://management.azure.com": "public", "https://management.core.windows.net": "public",
    "https://management.usgovcloudapi.net": "usgov",
    "https://management.core.usgovcloudapi.net": "usgov",
    "https://management.chinacloudapi.cn": "china",
    "https://management.core.chinacloudapi.cn": "china",
}
# For the app-id audience, the issuer's host names the cloud.
_ISSUER_CLOUDS = {"login.microsoftonline.us": "usgov", "login.chinacloudapi.cn": "china",
                  "sts.chinacloudapi.cn": "china", "login.partner.microsoftonline.cn": "china"}


def curl_command(token: DecodedToken, profile: Any = None) -> str:
    """Graph tokens call /me (delegated) or /organization (app-only); ARM tokens list
    subscriptions in their own cloud; other audiences call the audience when it is a URL,
    else a placeholder to fill in. Microsoft's URLs come from fixed origins, not the token.

    `profile` is the profile the token was acquired with (None for a pasted token): its
    configured `graph_endpoint` / `arm_endpoint` (or its cloud's fixed origin) is where the
    call goes, as for the doctor's test call, and its `ca_bundle` becomes `--cacert`."""
    aud = str(token.claims.get("aud", ""))
    arm_cloud = arm_cloud_of(token)
    if app_name(aud) == "Microsoft Graph":
        graph = _profile_root(profile, "graph") or GRAPH
        url = f"{graph}/organization" if token.is_app_only else f"{graph}/me"
    elif arm_cloud is not None:
        url = (_profile_root(profile, "arm") or ARM_ENDPOINTS[arm_cloud]) + ARM_CALL
    elif aud.startswith("https://"):
        url = aud
    else:
        url = "https://YOUR-API.example/"  # api://... and client ids are not addresses
    header = f"Authorization: Bearer {token.raw}"
    ca_bundle = getattr(profile, "ca_bundle", None)
    cacert = f" --cacert {shlex.quote(str(ca_bundle))}" if ca_bundle else ""
    return f"curl -sS{cacert} -H {shlex.quote(header)} {shlex.quote(url)}"


def _profile_root(profile: Any, service: str) -> str | None:
    """The profile's configured (checked) Graph root plus /v1.0, or ARM root, or its cloud's
    fixed origin; None without a profile or when the profile names neither (a custom
    authority without an endpoint): the caller then uses the token's cloud."""
    if profile is None:
        return None
    from entra_tui.core.graph_client import arm_root, graph_root

    try:
        return graph_root(profile) + "/v1.0" if service == "graph" else arm_root(profile)
    except ConfigError:
        return None


def arm_cloud_of(token: DecodedToken) -> str | None:
    """'public', 'usgov' or 'china' for an Azure Resource Manager token, else None."""
    aud = str(token.claims.get("aud", "")).rstrip("/").lower()
    if aud in _ARM_AUDIENCES:
        return _ARM_AUDIENCES[aud]
    if aud != ARM_APP_ID:
        return None
    try:
        host = (urlsplit(str(token.claims.get("iss", ""))).hostname or "").lower()
    except ValueError:
        host = ""
    return _ISSUER_CLOUDS.get(host, "public")
