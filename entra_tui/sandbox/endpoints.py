"""The sandbox's HTTP endpoints as plain functions of a request, so they can be tested and
fuzzed without sockets. Paths follow Entra's: /{tenant}/v2.0/.well-known/openid-configuration,
/{tenant}/discovery/v2.0/keys, /{tenant}/oauth2/v2.0/{authorize,token,devicecode}; plus
/device (approve a device code), and /msi/token (App Service managed identity).

`sign_in` chooses what a browser meets at the authorize endpoint and /device: "auto" signs the
demo user (or `login_hint`'s) in without a page and approves a device code posted to /device
(hands-free, for tests and scripts), "pages" shows the sign-in pages of `signin.py`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import time
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt

from entra_tui.sandbox import access_tokens, errors, routes, tokens
from entra_tui.sandbox.assertions import verify_client_assertion
from entra_tui.sandbox.cae import Cae
from entra_tui.sandbox.consent import ConsentStore
from entra_tui.sandbox.devicecodes import DeviceCodes
from entra_tui.sandbox.directory import (
    MANAGED_IDENTITY,
    TENANTS,
    WORKLOAD_ISSUER,
    Api,
    ClientApp,
    Tenant,
    find_tenant,
)
from entra_tui.sandbox.grants_store import GrantStore, UserGrant
from entra_tui.sandbox.pki import ClientCertificate, SigningKey
from entra_tui.sandbox.resources import app_resource
from entra_tui.sandbox.services import Services
from entra_tui.sandbox.signins import SignInLog
from entra_tui.sandbox.user_tokens import delegated_audience, user_token_response
from entra_tui.sandbox.wire import MAX_BODY_BYTES, Request, Response

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
OBO_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TENANT_PATHS = (["v2.0", ".well-known", "openid-configuration"], ["discovery", "v2.0", "keys"],
                ["oauth2", "v2.0", "token"], ["oauth2", "v2.0", "devicecode"],
                ["oauth2", "v2.0", "authorize"])


class Endpoints:
    """Routes requests for every tenant in the directory."""

    def __init__(self, *, base_url: str, signing_key: SigningKey,
                 client_certificates: dict[str, ClientCertificate],
                 device_codes: DeviceCodes, workload_key: SigningKey,
                 identity_header: str, device_poll_interval: int = 5,
                 sign_in: str = "auto", mfa_code: str = "") -> None:
        self.base_url = base_url
        self.signing_key = signing_key
        self.client_certificates = client_certificates  # by client id
        self.device_codes = device_codes
        self.workload_key = workload_key
        self.identity_header = identity_header
        self.device_poll_interval = device_poll_interval
        self.grants = GrantStore()
        self.consents = ConsentStore()  # what people consented to on the sign-in pages
        self.pages = None
        if sign_in == "pages":
            from entra_tui.sandbox.signin import SignInPages

            self.pages = SignInPages(self, mfa_code=mfa_code)
        self.sign_ins = SignInLog()  # what the sandbox's Graph lists at /auditLogs/signIns
        self.services = Services(base_url=base_url, signing_key=signing_key,
                                 sign_ins=self.sign_ins)
        # CAE (revocations, claims challenges, cp1 tokens) and the admin actions: cae.py.
        self.cae = Cae(signing_key, base_url, identity_header)
        self.services.cae = self.cae

    def handle(self, request: Request) -> Response:
        correlation_id = request.headers.get("client-request-id") or str(uuid.uuid4())
        try:
            response = self.cae.route(request, self._route)
        except errors.EntraError as exc:
            self.sign_ins.record(request, correlation_id, exc.code, exc.message)
            return Response.json(exc.status, exc.body(correlation_id))
        except Exception as exc:  # the emulator must answer, never drop the connection
            failure = errors.EntraError(500, "server_error", 90100,
                                        f"The sandbox failed: {type(exc).__name__}.")
            return Response.json(500, failure.body(correlation_id))
        if response.status == 200:
            self.sign_ins.record(request, correlation_id, None, "")
        return response

    def issuer(self, tenant: Tenant) -> str:
        return f"{self.base_url}/{tenant.tenant_id}/v2.0"

    # --- routing --------------------------------------------------------------------------
    def _route(self, request: Request) -> Response:
        split = urlsplit(request.path)
        parts = [p for p in split.path.split("/") if p]
        if parts == ["device"] and self.pages is not None:
            if request.method == "POST":
                return self.pages.post(request, _form(request.body))
            return self.pages.device_page(request)
        if parts == ["signin"] and self.pages is not None and request.method == "POST":
            return self.pages.post(request, _form(request.body))
        if parts == ["device"]:
            return self._device_page(request)
        if parts == ["msi", "token"]:
            return self._managed_identity(request, _query(split.query))
        if not parts:
            return self._index()
        answer = routes.route(self, request, parts, _query(split.query),
                              lambda: _form(request.body))
        if answer is not None:  # v1 endpoints, common/organizations, Graph and ARM
            return answer
        tenant = find_tenant(parts[0])
        rest = parts[1:]
        if rest not in TENANT_PATHS:
            return Response.json(404, {"error": "not_found", "error_description":
                                       f"The sandbox has no endpoint at {split.path}."})
        if tenant is None:
            raise errors.tenant_not_found(parts[0])
        if rest[-1] == "openid-configuration":
            return Response.json(200, self._discovery(tenant))
        if rest[-1] == "keys":
            return Response.json(200, {"keys": [self.signing_key.jwk(
                f"{self.base_url}/{{tenantid}}/v2.0")]})
        if rest[-1] == "authorize":
            return self._authorize(tenant, _query(split.query), request)
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
            "http_logout_supported": True,
            "frontchannel_logout_supported": True,
            "claims_supported": ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name",
                                 "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat",
                                 "auth_time", "acr", "nonce", "preferred_username", "name",
                                 "tid", "ver", "at_hash", "c_hash", "email"],
            "tenant_region_scope": "EU",
            "cloud_instance_name": "sandbox.entra-tui",
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": "graph.microsoft.com",
        }

    # --- token endpoint -------------------------------------------------------------------
    def _token(self, tenant: Tenant, form: dict[str, str]) -> Response:
        client_id = _required(form, "client_id").lower()
        grant = _required(form, "grant_type")
        client = tenant.client(client_id)
        if client is None:
            raise errors.app_not_found(client_id, tenant.display_name)
        if grant == "client_credentials":
            return self._client_credentials(tenant, client, form)
        if grant == DEVICE_GRANT:
            return self._device_token(tenant, client, form)
        if grant == "authorization_code":
            return self._authorization_code(tenant, client, form)
        if grant == "refresh_token":
            return self._refresh(tenant, client, form)
        if grant == "password":
            return self._password(tenant, client, form)
        if grant == OBO_GRANT and form.get("requested_token_use") == "on_behalf_of":
            return self._on_behalf_of(tenant, client, form)
        raise errors.unsupported_grant(grant)

    def _authenticate(self, tenant: Tenant, client: ClientApp, form: dict[str, str], *,
                      public_ok: bool) -> str:
        """Check the client's credential; returns azpacr ("0" public, "1" secret, "2" cert
        or federated assertion)."""
        if "client_secret" in form:
            if client.public_client:
                raise errors.public_client_has_no_credentials(client.client_id)
            sent = form["client_secret"].encode()
            if client.secret and hmac.compare_digest(sent, client.secret.encode()):
                return "1"
            if client.expired_secret and hmac.compare_digest(sent, client.expired_secret.encode()):
                raise errors.expired_secret(client.client_id)
            raise errors.invalid_secret(client.client_id)
        if form.get("client_assertion_type") == ASSERTION_TYPE and "client_assertion" in form:
            self._check_assertion(tenant, client, form["client_assertion"])
            return "2"
        if public_ok and client.public_client:
            return "0"
        raise errors.no_credential()

    def _check_assertion(self, tenant: Tenant, client: ClientApp, assertion: str) -> None:
        try:
            unverified = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise errors.assertion_invalid(f"The assertion could not be parsed: {exc}.") from None
        if client.federated_credentials and unverified.get("iss") != client.client_id:
            return self._check_federated(client, assertion, unverified)
        verify_client_assertion(
            assertion, client_id=client.client_id,
            certificate=self.client_certificates.get(client.client_id),
            audiences=[f"{self.base_url}/{t}/oauth2/{v}token"
                       for t in (tenant.tenant_id, tenant.domain) for v in ("v2.0/", "")])
        jti = str(unverified.get("jti") or "")
        if jti and not self.grants.first_use_of(jti):
            raise errors.assertion_replayed()
        return None

    def _check_federated(self, client: ClientApp, assertion: str,
                         unverified: dict[str, object]) -> None:
        issuer, subject = str(unverified.get("iss")), str(unverified.get("sub"))
        match = next((f for f in client.federated_credentials
                      if f.issuer == issuer and f.subject == subject), None)
        if match is None:
            raise errors.federated_no_match(issuer, subject)
        try:
            jwt.decode(assertion, self.workload_key.private_key.public_key(),
                       algorithms=["RS256"], audience=match.audience, issuer=match.issuer,
                       options={"require": ["exp", "aud", "iss", "sub"]})
        except (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError) as exc:
            raise errors.assertion_time_invalid(str(exc)) from None
        except jwt.InvalidAudienceError:
            raise errors.EntraError(400, "invalid_client", 700212,
                                    "No matching federated identity record found for "
                                    f"presented assertion audience. Expected "
                                    f"'{match.audience}'.") from None
        except jwt.PyJWTError as exc:
            raise errors.assertion_invalid(f"Federated assertion rejected: {exc}.") from None

    def _client_credentials(self, tenant: Tenant, client: ClientApp,
                            form: dict[str, str]) -> Response:
        credential_type = self._authenticate(tenant, client, form, public_ok=False)
        api, audience = app_resource(tenant, _required(form, "scope"))
        return Response.json(200, self._app_token_body(tenant, client, api, audience,
                                                       credential_type))

    def _app_token_body(self, tenant: Tenant, client: ClientApp, api: Api, audience: str,
                        credential_type: str) -> dict[str, object]:
        """A token even when no role was granted (Entra's answer for a first-party API):
        `roles` only for what was granted."""
        token = access_tokens.app_access_token(
            key=self.signing_key, base_url=self.base_url, tenant_id=tenant.tenant_id, api=api,
            audience=audience, client=client, roles=self.cae.roles(
                client.client_id, api.client_id, client.role_grants.get(api.client_id, ())),
            credential_type=credential_type)
        return {"token_type": "Bearer", "expires_in": tokens.ACCESS_TOKEN_LIFETIME,
                "ext_expires_in": tokens.ACCESS_TOKEN_LIFETIME, "access_token": token}

    def _user_response(self, tenant: Tenant, client: ClientApp, upn: str, scopes: list[str],
                       nonce: str | None = None, credential_type: str = "0",
                       session_id: str = "") -> Response:
        user = tenant.user(upn)
        if user is None:
            raise errors.EntraError(400, "invalid_grant", 50034,
                                    f"The user account {upn} does not exist in the "
                                    f"{tenant.display_name} directory.")
        client = self.consents.effective(tenant, user, client)
        return Response.json(200, user_token_response(
            key=self.signing_key, issuer=self.issuer(tenant), tenant=tenant, client=client,
            user=user, scopes=scopes, store=self.grants, nonce=nonce,
            credential_type=credential_type, session_id=session_id))

    def _device_code(self, tenant: Tenant, form: dict[str, str]) -> Response:
        client_id = _required(form, "client_id").lower()
        client = tenant.client(client_id)
        if client is None:
            raise errors.app_not_found(client_id, tenant.display_name)
        if not client.public_client:
            raise errors.not_public_client(client_id)
        scopes = _required(form, "scope").split()
        if self.pages is None:  # unknown scope or no consent: say so now
            delegated_audience(tenant, client, scopes)
        else:  # unknown scopes now; consent on the page
            self.consents.missing(tenant, tenant.users[0], client, scopes)
        pending = self.device_codes.create(tenant.tenant_id, client_id, scopes)
        uri = f"{self.base_url}/device"
        return Response.json(200, {
            "user_code": pending.user_code, "device_code": pending.device_code,
            "verification_uri": uri, "expires_in": self.device_codes.lifetime,
            "interval": self.device_poll_interval,
            "message": f"To sign in, use a web browser to open the page {uri} and enter the "
                       f"code {pending.user_code} to authenticate.",
        })

    def _device_token(self, tenant: Tenant, client: ClientApp,
                      form: dict[str, str]) -> Response:
        state, pending = self.device_codes.redeem(_required(form, "device_code"))
        if state == "unknown" or pending is None or pending.client_id != client.client_id \
                or pending.tenant_id != tenant.tenant_id:
            raise errors.bad_device_code()
        if state == "expired":
            raise errors.device_code_expired()
        if state == "pending":
            raise errors.authorization_pending()
        if state == "declined":
            raise errors.authorization_declined()
        return self._user_response(tenant, client, pending.user_upn or tenant.users[0].upn,
                                   pending.scopes)

    def _authorization_code(self, tenant: Tenant, client: ClientApp,
                            form: dict[str, str]) -> Response:
        credential_type = self._authenticate(tenant, client, form, public_ok=True)
        grant = self.grants.redeem_code(_required(form, "code"))
        if grant is None or grant.client_id != client.client_id \
                or grant.tenant_id != tenant.tenant_id:
            raise errors.bad_code("The code is unknown, expired, already used or for "
                                  "another client.")
        if form.get("redirect_uri", "") != grant.redirect_uri:
            raise errors.redirect_mismatch(form.get("redirect_uri", ""))
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if grant.code_challenge and not hmac.compare_digest(
                digest.rstrip(b"=").decode(), grant.code_challenge):
            raise errors.pkce_failed()
        return self._user_response(tenant, client, grant.user_upn, grant.scopes, grant.nonce,
                                   credential_type)

    def _refresh(self, tenant: Tenant, client: ClientApp, form: dict[str, str]) -> Response:
        credential_type = self._authenticate(tenant, client, form, public_ok=True)
        grant = self.grants.refresh_grant(_required(form, "refresh_token"))
        if grant is None or grant.tenant_id != tenant.tenant_id:
            raise errors.bad_code("The refresh token is unknown.")
        if grant.client_id != client.client_id:
            raise errors.refresh_token_wrong_client()
        scopes = form.get("scope", "").split() or grant.scopes
        return self._user_response(tenant, client, grant.user_upn, scopes,
                                   credential_type=credential_type,
                                   session_id=grant.session_id)

    def _password(self, tenant: Tenant, client: ClientApp, form: dict[str, str]) -> Response:
        credential_type = self._authenticate(tenant, client, form, public_ok=True)
        user = tenant.user(_required(form, "username"))
        password = form.get("password", "")
        if user is None or not user.password or not hmac.compare_digest(
                password.encode(), user.password.encode()):
            raise errors.bad_password()
        if user.mfa_required:
            raise errors.mfa_required()
        return self._user_response(tenant, client, user.upn, _required(form, "scope").split(),
                                   credential_type=credential_type)

    def _on_behalf_of(self, tenant: Tenant, client: ClientApp,
                      form: dict[str, str]) -> Response:
        credential_type = self._authenticate(tenant, client, form, public_ok=False)
        try:
            claims = jwt.decode(
                _required(form, "assertion"), self.signing_key.private_key.public_key(),
                algorithms=["RS256"], issuer=self.issuer(tenant),
                audience=[client.client_id, f"api://{client.client_id}"]
                + [a.identifier_uri for a in tenant.apis if a.client_id == client.client_id])
        except jwt.PyJWTError as exc:
            raise errors.obo_assertion_invalid(str(exc)) from None
        upn = str(claims.get("preferred_username") or "")
        if not upn or "scp" not in claims:
            raise errors.obo_assertion_invalid("On-behalf-of needs a delegated user token.")
        return self._user_response(tenant, client, upn, _required(form, "scope").split(),
                                   credential_type=credential_type)

    # --- interactive sign-in ----------------------------------------------------------------
    def _authorize(self, tenant: Tenant, query: dict[str, str],
                   request: Request | None = None) -> Response:
        """The sign-in pages; or, with `sign_in="auto"`, signs the demo user in at once (or
        `login_hint`'s user) and redirects with a code."""
        if self.pages is not None and request is not None:
            return self.pages.authorize(tenant, query, request)
        client = tenant.client(query.get("client_id", ""))
        if client is None:
            raise errors.app_not_found(query.get("client_id", ""), tenant.display_name)
        redirect_uri = query.get("redirect_uri", "")
        target = urlsplit(redirect_uri)
        if target.scheme != "http" or target.hostname not in ("localhost", "127.0.0.1"):
            raise errors.redirect_mismatch(redirect_uri)
        upn = query.get("login_hint") or tenant.users[0].upn
        code = self.grants.new_code(UserGrant(
            tenant_id=tenant.tenant_id, client_id=client.client_id, user_upn=upn,
            scopes=query.get("scope", "openid profile").split(), redirect_uri=redirect_uri,
            code_challenge=query.get("code_challenge", ""), nonce=query.get("nonce")))
        params = {"code": code, "state": query.get("state", ""),
                  "client_info": tokens.client_info(
                      (tenant.user(upn) or tenant.users[0]).object_id, tenant.tenant_id)}
        if query.get("response_mode") == "form_post":  # what MSAL asks for, like Entra
            return Response(200, _form_post_page(redirect_uri, params).encode(),
                            "text/html; charset=utf-8")
        return Response(302, b"", "text/plain",
                        {"Location": f"{redirect_uri}?{urlencode(params)}"})

    # --- managed identity -------------------------------------------------------------------
    def _managed_identity(self, request: Request, query: dict[str, str]) -> Response:
        if not hmac.compare_digest(request.headers.get("x-identity-header", "").encode(),
                                   self.identity_header.encode()):
            return Response.json(401, {"statusCode": 401, "message": "Missing or wrong "
                                       "X-IDENTITY-HEADER."})
        tenant = TENANTS[0]
        resource = query.get("resource", "").removesuffix("/.default")
        api = tenant.api_for_scope_resource(resource)
        if api is None:
            return Response.json(400, {"statusCode": 400, "message": f"AADSTS500011: The "
                                       f"resource principal named {resource} was not found."})
        body = self._app_token_body(tenant, MANAGED_IDENTITY, api, api.client_id
                                    if api.token_version == 2 else resource, "2")
        return Response.json(200, {
            "access_token": body["access_token"], "token_type": "Bearer",
            "expires_on": str(int(time.time()) + tokens.ACCESS_TOKEN_LIFETIME),
            "resource": resource, "client_id": MANAGED_IDENTITY.client_id})

    # --- device approval page ---------------------------------------------------------------
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
            "sandbox": "entra-tui", "workload_issuer": WORKLOAD_ISSUER,
            "tenants": {t.domain: f"{self.base_url}/{t.tenant_id}" for t in TENANTS},
        })


def _query(query: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(query).items()}


def _form(body: bytes) -> dict[str, str]:
    if len(body) > MAX_BODY_BYTES:
        raise errors.EntraError(413, "invalid_request", 90014, "The request body is too large.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise errors.EntraError(400, "invalid_request", 90014,
                                "The request body is not UTF-8 form data.") from None
    return _query(text)


def _required(form: dict[str, str], name: str) -> str:
    value = form.get(name, "").strip()
    if not value:
        raise errors.missing_parameter(name)
    return value


def _form_post_page(action: str, params: dict[str, str]) -> str:
    """The self-submitting form Entra answers with for response_mode=form_post."""
    fields = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                     for k, v in params.items())
    return (f'<!doctype html><title>Signing in</title><body onload="document.forms[0].submit()">'
            f'<form method="post" action="{html.escape(action)}">{fields}'
            "<noscript><button>Continue</button></noscript></form></body>")


def _page(message: str) -> str:
    return (
        "<!doctype html><title>Sandbox sign-in</title>"
        "<h1>entra-tui sandbox: device sign-in</h1>"
        f"<p>{html.escape(message)}</p>"
        "<form method=post><input name=code placeholder=CODE autofocus>"
        "<button>Sign in as the demo user</button></form>"
    )
