"""Routes beside the tenant's v2.0 endpoints: the v1.0 endpoints, the tenant-independent
authorities (`common`, `organizations`), and Microsoft's APIs behind the same TLS (the sandbox's
Graph under `/graph`, its ARM under `/arm`).

`common` and `organizations` resolve the tenant a request is for as Entra does for a user: the
user's home tenant (from the username, the refresh token, the code or the device code); their
discovery documents name `{tenantid}` in the issuer
(https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc#find-your-apps-
openid-configuration-document-uri). Client credentials need a tenant (the app's grants live in
one); the sandbox refuses them at `common` with its "tenant not found" error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from entra_tui.sandbox import errors, v1
from entra_tui.sandbox.directory import TENANTS, find_tenant
from entra_tui.sandbox.records import Tenant
from entra_tui.sandbox.wire import Request, Response

if TYPE_CHECKING:
    from entra_tui.sandbox.endpoints import Endpoints

TENANT_INDEPENDENT = ("common", "organizations")
SERVICES = ("graph", "arm")
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def route(endpoints: Endpoints, request: Request, parts: list[str],
          query: dict[str, str], form: Callable[[], dict[str, str]]) -> Response | None:
    """An answer for the paths this module owns, or None for the tenant's v2.0 endpoints."""
    head, rest = parts[0], parts[1:]
    if head in SERVICES:
        return endpoints.services.handle(head, request)
    if rest == ["discovery", "keys"]:  # v1 keys: no issuer, as Entra publishes them
        if head not in TENANT_INDEPENDENT and find_tenant(head) is None:
            raise errors.tenant_not_found(head)
        return Response.json(200, {"keys": [v1_jwk(endpoints)]})
    if head in TENANT_INDEPENDENT:
        return _tenant_independent(endpoints, request, head, rest, query, form)
    tenant = find_tenant(head)
    if rest == [".well-known", "openid-configuration"]:
        if tenant is None:
            raise errors.tenant_not_found(head)
        return Response.json(200, v1.tenant_discovery(endpoints.base_url, tenant))
    if rest == ["oauth2", "token"]:
        if tenant is None:
            raise errors.tenant_not_found(head)
        _post_only(request)
        return v1.token(endpoints, tenant, form())
    return None


def v1_jwk(endpoints: Endpoints) -> dict[str, object]:
    jwk = endpoints.signing_key.jwk("")
    jwk.pop("issuer", None)
    return jwk


def _tenant_independent(endpoints: Endpoints, request: Request, head: str, rest: list[str],
                        query: dict[str, str],
                        form: Callable[[], dict[str, str]]) -> Response:
    base = endpoints.base_url
    if rest == ["v2.0", ".well-known", "openid-configuration"]:
        document = endpoints._discovery(TENANTS[0])  # noqa: SLF001 - same fields
        own_root = f"{base}/{TENANTS[0].tenant_id}/"
        document = {key: value.replace(own_root, f"{base}/{head}/")
                    if isinstance(value, str) else value for key, value in document.items()}
        document["issuer"] = f"{base}/{{tenantid}}/v2.0"
        return Response.json(200, document)
    if rest == [".well-known", "openid-configuration"]:
        return Response.json(200, v1.discovery(base, head, f"{base}/{{tenantid}}/"))
    if rest == ["discovery", "v2.0", "keys"]:
        return Response.json(200, {"keys": [endpoints.signing_key.jwk(
            f"{base}/{{tenantid}}/v2.0")]})
    if rest == ["oauth2", "v2.0", "authorize"]:
        hint = query.get("login_hint", "")
        tenant = find_tenant(hint.rpartition("@")[2]) if "@" in hint else None
        return endpoints._authorize(tenant or TENANTS[0], query, request)  # noqa: SLF001
    if rest in (["oauth2", "v2.0", "token"], ["oauth2", "v2.0", "devicecode"],
                ["oauth2", "token"]):
        _post_only(request)
        fields = form()
        if rest[-1] == "devicecode":  # the person who approves signs in: the demo user
            return endpoints._device_code(TENANTS[0], fields)  # noqa: SLF001
        tenant = home_tenant(endpoints, fields)
        if rest == ["oauth2", "token"]:
            return v1.token(endpoints, tenant, fields)
        return endpoints._token(tenant, fields)  # noqa: SLF001
    return Response.json(404, {"error": "not_found", "error_description":
                               f"The sandbox has no endpoint at /{head}/{'/'.join(rest)}."})


def home_tenant(endpoints: Endpoints, form: dict[str, str]) -> Tenant:
    """The tenant a user grant sent to `common`/`organizations` is for."""
    grant = form.get("grant_type", "")
    tenant_id = None
    if grant == "password":
        tenant_id = _tenant_id_of(form.get("username", "").rpartition("@")[2])
    elif grant == "refresh_token":
        found = endpoints.grants.refresh_grant(form.get("refresh_token", ""))
        tenant_id = found.tenant_id if found else None
    elif grant == "authorization_code":
        tenant_id = endpoints.grants.tenant_of_code(form.get("code", ""))
    elif grant == DEVICE_GRANT:
        tenant_id = endpoints.device_codes.tenant_of(form.get("device_code", ""))
    else:
        raise errors.tenant_not_found("common")
    tenant = find_tenant(tenant_id or "")
    if tenant is None:  # unknown user or grant: the tenant's own errors say which
        return TENANTS[0]
    return tenant


def _tenant_id_of(domain: str) -> str | None:
    tenant = find_tenant(domain) if domain else None
    return tenant.tenant_id if tenant else None


def _post_only(request: Request) -> None:
    if request.method != "POST":
        raise errors.EntraError(405, "invalid_request", 900561,
                                "The endpoint only accepts POST requests.")

