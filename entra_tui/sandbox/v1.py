"""Entra's v1.0 endpoints beside the v2.0 ones, as Microsoft publishes them.

- v1 discovery `/{tenant}/.well-known/openid-configuration`: issuer `https://sts.windows.net/{tid}/`
  (the sandbox's `{origin}/{tid}/`), keys at `/common/discovery/keys`, whose keys carry no
  `issuer`; v2 discovery's keys (`/{tenant}/discovery/v2.0/keys`) carry the `{tenantid}`
  template (https://learn.microsoft.com/en-us/entra/identity-platform/
  access-tokens#validate-the-signature; field list as login.microsoftonline.com serves
  https://login.microsoftonline.com/common/.well-known/openid-configuration).
- v1 token endpoint `/{tenant}/oauth2/token` takes `resource=` instead of `scope=`: a token for
  everything granted on that resource (https://learn.microsoft.com/en-us/previous-versions/azure/
  active-directory/azuread-dev/v1-oauth2-client-creds-grant-flow). Its JSON answer spells
  `expires_in`, `expires_on` and `not_before` as strings and names the `resource`.
The token's version follows the API, not the endpoint (see access_tokens.py).
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

from entra_tui.sandbox import errors
from entra_tui.sandbox.access_tokens import issuer_v1
from entra_tui.sandbox.records import Tenant
from entra_tui.sandbox.wire import Response

if TYPE_CHECKING:
    from entra_tui.sandbox.endpoints import Endpoints

USER_GRANTS = ("password", "refresh_token", "authorization_code")


def discovery(base_url: str, tenant_path: str, issuer: str) -> dict[str, object]:
    """The v1 document; `tenant_path` is the tenant id (or `common` with a template issuer)."""
    root = f"{base_url}/{tenant_path}"
    return {
        "token_endpoint": f"{root}/oauth2/token",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                                                  "client_secret_basic"],
        "jwks_uri": f"{base_url}/common/discovery/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "token id_token",
                                     "token"],
        "scopes_supported": ["openid"],
        "issuer": issuer,
        "microsoft_multi_refresh_token": True,
        "authorization_endpoint": f"{root}/oauth2/authorize",
        "device_authorization_endpoint": f"{root}/oauth2/devicecode",
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
        "end_session_endpoint": f"{root}/oauth2/logout",
        "claims_supported": ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name",
                             "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat",
                             "auth_time", "acr", "amr", "nonce", "email", "given_name",
                             "family_name", "nickname"],
        "check_session_iframe": f"{root}/oauth2/checksession",
        "userinfo_endpoint": f"{root}/openid/userinfo",
        "tenant_region_scope": "EU",
        "cloud_instance_name": "sandbox.entra-tui",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
    }


def tenant_discovery(base_url: str, tenant: Tenant) -> dict[str, object]:
    return discovery(base_url, tenant.tenant_id, issuer_v1(base_url, tenant.tenant_id))


def token(endpoints: Endpoints, tenant: Tenant, form: dict[str, str]) -> Response:
    """Answer /oauth2/token by turning `resource` into the v2 request Entra treats it as."""
    resource = form.get("resource", "").strip()
    grant = form.get("grant_type", "")
    translated = {k: v for k, v in form.items() if k not in ("resource", "scope")}
    if resource:
        translated["scope"] = f"{resource}/.default"
    elif grant == "client_credentials":
        raise errors.missing_parameter("resource")
    elif grant == "password":
        # https://login.microsoftonline.com without resource: a token for AAD Graph; the
        # sandbox has Microsoft Graph in its place.
        translated["scope"] = "https://graph.microsoft.com/.default"
    response = endpoints._token(tenant, translated)  # noqa: SLF001 - one token engine
    if response.status != 200:
        return response
    body = json.loads(response.body)
    claims = _payload(body["access_token"])
    now = int(time.time())
    lifetime = int(body.get("expires_in", 0))
    shaped: dict[str, object] = {
        "token_type": "Bearer", "scope": claims.get("scp", ""),
        "expires_in": str(lifetime), "ext_expires_in": str(body.get("ext_expires_in", lifetime)),
        "expires_on": str(now + lifetime), "not_before": str(now),
        "resource": resource or "https://graph.microsoft.com",
        "access_token": body["access_token"],
    }
    if grant == "client_credentials":
        shaped.pop("scope")
    if "refresh_token" in body:
        shaped["refresh_token"] = body["refresh_token"]
    return Response.json(200, shaped)


def _payload(token: str) -> dict[str, object]:
    """The claims of a token the sandbox just minted (nothing to verify)."""
    import base64

    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
