"""The sandbox's HTTP endpoints as plain functions of a request, so they can be tested and
fuzzed without sockets. Paths follow Entra's: /{tenant}/v2.0/.well-known/openid-configuration,
/{tenant}/discovery/v2.0/keys, /{tenant}/oauth2/v2.0/token and .../devicecode, plus /device
where a person approves a device-code sign-in."""

from __future__ import annotations

import hmac
import html
from urllib.parse import parse_qs, urlsplit

from entra_tui.sandbox import errors, tokens
from entra_tui.sandbox.assertions import verify_client_assertion
from entra_tui.sandbox.devicecodes import DeviceCodes
from entra_tui.sandbox.directory import GRAPH_APP_ID, TENANTS, Tenant, find_tenant
from entra_tui.sandbox.http import MAX_BODY_BYTES, Request, Response
from entra_tui.sandbox.pki import ClientCertificate, SigningKey

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
OIDC_SCOPES = {"openid", "profile", "offline_access", "email"}



class Endpoints:
    """Routes requests for every tenant in the directory."""

    def __init__(self, *, base_url: str, signing_key: SigningKey,
                 client_certificates: dict[str, ClientCertificate],
                 device_codes: DeviceCodes, device_poll_interval: int = 5) -> None:
        self.base_url = base_url
        self.signing_key = signing_key
        self.client_certificates = client_certificates  # by client id
        self.device_codes = device_codes
        self.device_poll_interval = device_poll_interval

    def handle(self, request: Request) -> Response:
        correlation_id = request.headers.get("client-request-id")
        try:
            return self._route(request)
        except errors.EntraError as exc:
            return Response.json(exc.status, exc.body(correlation_id))

    def issuer(self, tenant: Tenant) -> str:
        return f"{self.base_url}/{tenant.tenant_id}/v2.0"

    def _route(self, request: Request) -> Response:
        path = urlsplit(request.path).path
        parts = [p for p in path.split("/") if p]
        if parts == ["device"]:
            return self._device_page(request)
        if not parts:
            return self._index()
        tenant = find_tenant(parts[0])
        rest = parts[1:]
        if rest not in (["v2.0", ".well-known", "openid-configuration"],
                        ["discovery", "v2.0", "keys"], ["oauth2", "v2.0", "token"],
                        ["oauth2", "v2.0", "devicecode"], ["oauth2", "v2.0", "authorize"]):
            return Response.json(404, {"error": "not_found", "error_description":
                                       f"The sandbox has no endpoint at {path}."})
        if tenant is None:
            raise errors.tenant_not_found(parts[0])
        if rest[-1] == "openid-configuration":
            return Response.json(200, self._discovery(tenant))
        if rest[-1] == "keys":
            return Response.json(200, {"keys": [self.signing_key.jwk(
                f"{self.base_url}/{{tenantid}}/v2.0")]})
        if rest[-1] == "authorize":
            return Response.json(400, errors.unsupported_grant("authorization_code").body())
        if request.method != "POST":
            return Response.json(405, {"error": "invalid_request",
                                       "error_description": "Use POST."})
        form = _form(request.body)
        if rest[-1] == "devicecode":
            return self._device_code(tenant, form)
        return self._token(tenant, form)

    def _discovery(self, tenant: Tenant) -> dict[str, object]:
        root = f"{self.base_url}/{tenant.tenant_id}"
        return {
            "token_endpoint": f"{root}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                                                      "client_secret_basic"],
            "jwks_uri": f"{root}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": self.issuer(tenant),
            "request_uri_parameter_supported": False,
            "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{root}/oauth2/v2.0/devicecode",
            "end_session_endpoint": f"{root}/oauth2/v2.0/logout",
            "tenant_region_scope": "EU",
            "cloud_instance_name": "sandbox.entra-tui",
        }

    def _token(self, tenant: Tenant, form: dict[str, str]) -> Response:
        client_id = _required(form, "client_id").lower()
        grant = _required(form, "grant_type")
        client = tenant.client(client_id)
        if client is None:
            raise errors.app_not_found(client_id, tenant.display_name)
        if grant == "client_credentials":
            return self._client_credentials(tenant, client_id, form)
        if grant == DEVICE_GRANT:
            return self._device_token(tenant, client_id, form)
        raise errors.unsupported_grant(grant)

    def _client_credentials(self, tenant: Tenant, client_id: str,
                            form: dict[str, str]) -> Response:
        client = tenant.client(client_id)
        assert client is not None
        if client.public_client:
            raise errors.public_client_has_no_credentials(client_id)
        if "client_secret" in form:
            if client.secret is None or not hmac.compare_digest(
                    form["client_secret"].encode(), client.secret.encode()):
                raise errors.invalid_secret(client_id)
            credential_type = "1"
        elif form.get("client_assertion_type") == ASSERTION_TYPE and "client_assertion" in form:
            verify_client_assertion(
                form["client_assertion"], client_id=client_id,
                certificate=self.client_certificates.get(client_id),
                audiences=[f"{self.base_url}/{t}/oauth2/v2.0/token"
                           for t in (tenant.tenant_id, tenant.domain)])
            credential_type = "2"
        else:
            raise errors.no_credential()
        scope = _required(form, "scope")
        requested = scope.split()
        resource_scopes = [s for s in requested if s not in OIDC_SCOPES]
        if len(resource_scopes) != 1:
            raise errors.invalid_scope(scope)
        resource, _, permission = resource_scopes[0].rpartition("/")
        if permission != ".default":
            raise errors.scope_not_default(resource_scopes[0])
        api = tenant.api_for_scope_resource(resource)
        if api is None:
            raise errors.resource_not_found(resource, tenant.display_name)
        token = tokens.app_only_access_token(
            key=self.signing_key, issuer=self.issuer(tenant), tenant_id=tenant.tenant_id,
            audience=api.client_id, client_id=client_id, client_object_id=client.object_id,
            roles=client.role_grants.get(api.client_id, ()), credential_type=credential_type)
        return Response.json(200, {
            "token_type": "Bearer", "expires_in": tokens.ACCESS_TOKEN_LIFETIME,
            "ext_expires_in": tokens.ACCESS_TOKEN_LIFETIME, "access_token": token})

    def _device_code(self, tenant: Tenant, form: dict[str, str]) -> Response:
        client_id = _required(form, "client_id").lower()
        client = tenant.client(client_id)
        if client is None:
            raise errors.app_not_found(client_id, tenant.display_name)
        if not client.public_client:
            raise errors.not_public_client(client_id)
        scopes = _required(form, "scope").split()
        pending = self.device_codes.create(tenant.tenant_id, client_id, scopes)
        uri = f"{self.base_url}/device"
        return Response.json(200, {
            "user_code": pending.user_code, "device_code": pending.device_code,
            "verification_uri": uri, "expires_in": self.device_codes.lifetime,
            "interval": self.device_poll_interval,
            "message": f"To sign in, use a web browser to open the page {uri} and enter the "
                       f"code {pending.user_code} to authenticate.",
        })

    def _device_token(self, tenant: Tenant, client_id: str, form: dict[str, str]) -> Response:
        state, pending = self.device_codes.redeem(_required(form, "device_code"))
        if state == "unknown" or pending is None or pending.client_id != client_id \
                or pending.tenant_id != tenant.tenant_id:
            raise errors.bad_device_code()
        if state == "expired":
            raise errors.device_code_expired()
        if state == "pending":
            raise errors.authorization_pending()
        user = tenant.users[0]
        resource_scopes = [s for s in pending.scopes if s not in OIDC_SCOPES]
        audience, granted = GRAPH_APP_ID, ["User.Read"]
        if resource_scopes:
            resource = resource_scopes[0].rpartition("/")[0]
            api = tenant.api_for_scope_resource(resource)
            if api is None:
                raise errors.resource_not_found(resource, tenant.display_name)
            audience = api.client_id
            granted = [s.rpartition("/")[2] for s in resource_scopes]
        issuer = self.issuer(tenant)
        common = {"key": self.signing_key, "issuer": issuer, "tenant_id": tenant.tenant_id,
                  "user_name": user.name, "upn": user.upn, "user_object_id": user.object_id}
        return Response.json(200, {
            "token_type": "Bearer", "scope": " ".join(pending.scopes),
            "expires_in": tokens.ACCESS_TOKEN_LIFETIME,
            "ext_expires_in": tokens.ACCESS_TOKEN_LIFETIME,
            "access_token": tokens.delegated_access_token(
                audience=audience, client_id=client_id, scopes=granted, **common),
            "id_token": tokens.id_token(client_id=client_id, **common),
            "refresh_token": tokens.opaque(64),
            "client_info": tokens.client_info(user.object_id, tenant.tenant_id),
        })

    def _device_page(self, request: Request) -> Response:
        message = "Enter the code shown by the app."
        if request.method == "POST":
            code = _form(request.body).get("code", "")
            approved = self.device_codes.approve(code)
            message = ("Signed in. You can close this page and return to the app."
                       if approved else "That code is unknown or expired.")
            if not approved:
                return Response(400, _page(message).encode(), "text/html; charset=utf-8")
        return Response(200, _page(message).encode(), "text/html; charset=utf-8")

    def _index(self) -> Response:
        return Response.json(200, {
            "sandbox": "entra-tui",
            "tenants": {t.domain: f"{self.base_url}/{t.tenant_id}" for t in TENANTS},
        })


def _form(body: bytes) -> dict[str, str]:
    if len(body) > MAX_BODY_BYTES:
        raise errors.EntraError(413, "invalid_request", 90014, "The request body is too large.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise errors.EntraError(400, "invalid_request", 90014,
                                "The request body is not UTF-8 form data.") from None
    return {key: values[0] for key, values in parse_qs(text).items()}


def _required(form: dict[str, str], name: str) -> str:
    value = form.get(name, "").strip()
    if not value:
        raise errors.missing_parameter(name)
    return value


def _page(message: str) -> str:
    return (
        "<!doctype html><title>Sandbox sign-in</title>"
        "<h1>entra-tui sandbox: device sign-in</h1>"
        f"<p>{html.escape(message)}</p>"
        "<form method=post><input name=code placeholder=CODE autofocus>"
        "<button>Sign in as the demo user</button></form>"
    )
