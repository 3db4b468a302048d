"""What a person sees at the sandbox's authorize endpoint and at `/device`: pick an account,
enter its password, (MFA,) consent, and the answer to the app.

Entra's documented behaviour it follows:
- Authorization request parameters, `response_mode` (query, fragment, form_post) and the error
  response (`error`, `error_description`, `error_uri`, `state` sent to the redirect URI):
  https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
- `prompt`: `login` forces credentials (no single sign-on), `none` never shows a page and answers
  `login_required` or `interaction_required` (and `consent_required` when consent is missing),
  `consent` shows the consent page after sign-in, `select_account` shows the account picker even
  with a session: https://learn.microsoft.com/en-us/entra/identity-platform/msal-js-prompt-behavior
  and the `prompt` row of https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc
- Codes: AADSTS50058 (silent sign-in, nobody signed in), AADSTS16000 (pick one of several
  sessions), AADSTS50076 (MFA needed), AADSTS65001 (consent missing), AADSTS65004 (the user
  declined consent, `access_denied`): https://learn.microsoft.com/en-us/entra/identity-platform/
  reference-error-codes
- Device code: code entry, app confirmation, sign-in, "You may now close this window"; a
  declined sign-in makes the app's polling end with `authorization_declined`:
  https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-device-code

Anti-CSRF: any web page in the person's browser can post to 127.0.0.1. Every form carries a
token that is new for each page shown and bound to the sign-in and to a browser cookie
(`SameSite=Lax`, so a cross-site form post arrives without it); a POST whose `Origin` is not
the sandbox's own is refused before anything else is read.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from entra_tui.sandbox import errors, pages, tokens
from entra_tui.sandbox.devicecodes import PendingSignIn
from entra_tui.sandbox.directory import TENANTS, find_tenant
from entra_tui.sandbox.grants_store import UserGrant
from entra_tui.sandbox.records import ClientApp, Tenant, User
from entra_tui.sandbox.wire import Request, Response

if TYPE_CHECKING:
    from entra_tui.sandbox.endpoints import Endpoints

BROWSER_COOKIE = "sbx_browser"
FLOW_LIFETIME = 900.0
MAX_FLOWS = 2000
PROMPTS = ("", "none", "login", "consent", "select_account")
RESPONSE_MODES = ("query", "fragment", "form_post")
SIGNIN_PATH = "/signin"
DEVICE_PATH = "/device"


@dataclass
class Flow:
    """One sign-in in one browser: what the app asked for and how far the person got."""

    id: str
    browser: str
    kind: str  # "authorize" or "device"
    tenant: Tenant
    client: ClientApp | None = None
    scopes: list[str] = field(default_factory=list)
    query: dict[str, str] = field(default_factory=dict)
    prompt: str = ""
    upn: str = ""
    step: str = ""
    csrf: str = ""
    pending: PendingSignIn | None = None
    password_done: bool = False
    created: float = field(default_factory=time.monotonic)


@dataclass
class Session:
    """A browser's single sign-on state: who signed in (per tenant) and whether MFA was done."""

    accounts: dict[str, dict[str, bool]] = field(default_factory=dict)  # tenant id -> upn -> mfa


class SignInPages:
    def __init__(self, endpoints: Endpoints, *, mfa_code: str) -> None:
        self.endpoints = endpoints
        self.mfa_code = mfa_code
        self._flows: dict[str, Flow] = {}
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    # --- entry points ---------------------------------------------------------------------
    def authorize(self, tenant: Tenant, query: dict[str, str], request: Request) -> Response:
        browser, cookie = self._browser(request)
        client = tenant.client(query.get("client_id", ""))
        if client is None:
            error = errors.app_not_found(query.get("client_id", ""), tenant.display_name)
            return self._error_page(tenant, error, cookie)
        redirect_uri = query.get("redirect_uri", "")
        target = urlsplit(redirect_uri)
        if target.scheme != "http" or target.hostname not in ("localhost", "127.0.0.1"):
            return self._error_page(tenant, errors.redirect_mismatch(redirect_uri), cookie)
        mode = query.get("response_mode") or "query"
        if mode not in RESPONSE_MODES:
            return self._error_page(tenant, errors.EntraError(
                400, "invalid_request", 900144, f"The response_mode '{mode}' is not supported."),
                cookie)
        flow = Flow(id=secrets.token_urlsafe(24), browser=browser, kind="authorize",
                    tenant=tenant, client=client, query={**query, "response_mode": mode},
                    scopes=query.get("scope", "openid profile").split(),
                    prompt=query.get("prompt", ""))
        if "code" not in query.get("response_type", "code").split():
            return self._redirect_error(flow, "unsupported_response_type", 700054,
                                        "response_type must include 'code'.", cookie)
        if flow.prompt not in PROMPTS:
            return self._redirect_error(flow, "invalid_request", 90023,
                                        f"Invalid prompt value '{flow.prompt}'.", cookie)
        try:  # unknown APIs and scopes: the token endpoint's errors, sent to the app
            self.endpoints.consents.missing(tenant, tenant.users[0], client, flow.scopes)
        except errors.EntraError as exc:
            return self._redirect_error(flow, exc.error, exc.code, exc.message, cookie)
        hint = query.get("login_hint", "").strip().lower()
        signed_in = self._signed_in(browser, tenant)
        if flow.prompt == "none":
            return self._silent(flow, hint, signed_in, cookie)
        self._remember(flow)
        if flow.prompt in ("", "consent"):  # single sign-on: one session (or the hinted one)
            known = [upn for upn in signed_in if not hint or upn == hint]
            if len(known) == 1 and (hint or len(signed_in) == 1):
                flow.upn, flow.password_done = known[0], True
                return self._after_password(flow, cookie)
        if hint and flow.prompt == "login" and tenant.user(hint) is not None:
            flow.upn = hint
            return self._show(flow, "password", cookie=cookie)
        return self._show(flow, "pick", selected=hint, cookie=cookie)

    def device_page(self, request: Request) -> Response:
        """GET /device: a new code-entry page in this browser."""
        browser, cookie = self._browser(request)
        flow = Flow(id=secrets.token_urlsafe(24), browser=browser, kind="device",
                    tenant=TENANTS[0])
        self._remember(flow)
        return self._show(flow, "code", cookie=cookie)

    def post(self, request: Request, form: dict[str, str]) -> Response:
        """A form on one of the pages was submitted."""
        origin = request.headers.get("origin")
        if origin is not None and origin != self.endpoints.base_url:
            return self._refused("This request came from another web site "
                                 f"({origin}), so the sandbox ignored it.")
        browser = self._browser_id(request)
        with self._lock:  # check and spend the token at once: one submission per page
            flow = self._flows.get(form.get("flow", ""))
            genuine = flow is not None and browser == flow.browser and bool(flow.csrf) and \
                hmac.compare_digest(form.get("csrf", "").encode(), flow.csrf.encode())
            if genuine and flow is not None:
                flow.csrf = ""
        if flow is None:
            return pages.page(tenant="Sign in", title="Sign-in expired", nonce=_nonce(),
                              status=400, body='<h1 id="page-title">This page has expired</h1>'
                              + pages.message_body("Start the sign-in again from the app."))
        if not genuine:
            return self._refused("The form's security token did not match this browser's "
                                 "sign-in. Start again from the app.")
        return self._advance(flow, form.get("action", ""), form)

    # --- the steps ----------------------------------------------------------------------------
    def _advance(self, flow: Flow, action: str, form: dict[str, str]) -> Response:
        step = flow.step
        if step == "code":
            return self._device_code(flow, form.get("code", ""))
        if step == "confirm":
            if action == "cancel":
                return self._decline(flow)
            return self._show(flow, "pick")
        if step == "pick":
            user = flow.tenant.user(form.get("account", ""))
            if user is None:
                return self._show(flow, "pick", message="Pick one of the accounts.")
            flow.upn = user.upn
            if flow.prompt != "login" and user.upn in self._signed_in(flow.browser, flow.tenant):
                flow.password_done = True
                return self._after_password(flow)
            return self._show(flow, "password")
        if step == "password":
            if action == "back":
                return self._show(flow, "pick", selected=flow.upn)
            user = self._user(flow)
            sent = form.get("password", "").encode()
            if not user.password or not hmac.compare_digest(sent, user.password.encode()):
                return self._show(flow, "password", message="Your account or password is "
                                  "incorrect. Check it and try again.")
            flow.password_done = True
            self._sign_in(flow, mfa=False)
            return self._after_password(flow)
        if step == "mfa":
            if not hmac.compare_digest(form.get("otc", "").strip().encode(),
                                       self.mfa_code.encode()):
                return self._show(flow, "mfa", message="That code didn't work. Check the code "
                                  "and try again.")
            self._sign_in(flow, mfa=True)
            return self._after_password(flow)
        if step == "consent":
            if action != "accept":
                return self._decline(flow)
            assert flow.client is not None
            self.endpoints.consents.grant(flow.tenant, self._user(flow), flow.client,
                                          flow.scopes)
            flow.prompt = "" if flow.prompt == "consent" else flow.prompt
            return self._finish(flow)
        return self._refused("This page is not part of a sign-in.")

    def _after_password(self, flow: Flow, cookie: str | None = None) -> Response:
        """MFA when the user needs it and has not done it here; then consent; then done."""
        user = self._user(flow)
        if user.mfa_required and not self._signed_in(flow.browser, flow.tenant).get(user.upn):
            return self._show(flow, "mfa", cookie=cookie)
        assert flow.client is not None
        missing = self.endpoints.consents.missing(flow.tenant, user, flow.client, flow.scopes)
        if any(scope.endswith("/.default") for scope in missing):
            return self._consent_error(flow, missing, cookie)
        if missing or flow.prompt == "consent":
            return self._show(flow, "consent", cookie=cookie)
        return self._finish(flow, cookie)

    def _device_code(self, flow: Flow, code: str) -> Response:
        state, pending = self.endpoints.device_codes.find(code)
        if state == "unknown" or pending is None:
            return self._show(flow, "code", message="That code wasn't recognised. Check the "
                              "code shown by the app and try again.")
        if state == "expired":
            return self._show(flow, "code", message="That code has expired. Go back to the app "
                              "and start the sign-in again to get a new code.")
        if state != "pending":
            return self._show(flow, "code", message="That code was already used. Go back to "
                              "the app and start the sign-in again.")
        tenant = find_tenant(pending.tenant_id) or TENANTS[0]
        flow.tenant, flow.pending = tenant, pending
        flow.client, flow.scopes = tenant.client(pending.client_id), list(pending.scopes)
        return self._show(flow, "confirm")

    def _finish(self, flow: Flow, cookie: str | None = None) -> Response:
        self._forget(flow)
        user, client = self._user(flow), flow.client
        assert client is not None
        if flow.kind == "device":
            assert flow.pending is not None
            self.endpoints.device_codes.approve_as(flow.pending, user.upn)
            return self._message(flow, "You're signed in", f"You have signed in to "
                                 f"{client.name} on your device as {user.upn}.",
                                 "You may now close this window.", cookie)
        query = flow.query
        code = self.endpoints.grants.new_code(UserGrant(
            tenant_id=flow.tenant.tenant_id, client_id=client.client_id, user_upn=user.upn,
            scopes=flow.scopes, redirect_uri=query.get("redirect_uri", ""),
            code_challenge=query.get("code_challenge", ""), nonce=query.get("nonce")))
        params = {"code": code, "client_info": tokens.client_info(user.object_id,
                                                                   flow.tenant.tenant_id)}
        if "state" in query:
            params["state"] = query["state"]
        return self._respond(flow, params, cookie)

    def _decline(self, flow: Flow) -> Response:
        self._forget(flow)
        if flow.kind == "device":
            if flow.pending is not None:
                self.endpoints.device_codes.decline(flow.pending)
            return self._message(flow, "Sign-in cancelled", "You cancelled the sign-in. The "
                                 "app was not given access.", "You may now close this window.")
        return self._redirect_error(flow, "access_denied", 65004, "User declined to consent "
                                    "to access the app.", subcode="cancel")

    def _silent(self, flow: Flow, hint: str, signed_in: dict[str, bool],
                cookie: str | None) -> Response:
        """prompt=none: a code from the browser's session, or an error; never a page."""
        known = [upn for upn in signed_in if not hint or upn == hint]
        if not known:
            return self._redirect_error(flow, "login_required", 50058, "A silent sign-in "
                                        "request was sent but no user is signed in.", cookie)
        if len(known) > 1:
            return self._redirect_error(flow, "interaction_required", 16000, "Either multiple "
                                        "user identities are available for the current "
                                        "request or selected account is not supported for "
                                        "the scenario.", cookie)
        flow.upn = known[0]
        user = self._user(flow)
        if user.mfa_required and not signed_in[user.upn]:
            return self._redirect_error(flow, "interaction_required", 50076,
                                        errors.mfa_required().message, cookie)
        assert flow.client is not None
        missing = self.endpoints.consents.missing(flow.tenant, user, flow.client, flow.scopes)
        if missing:
            return self._consent_error(flow, missing, cookie)
        return self._finish(flow, cookie)

    def _consent_error(self, flow: Flow, missing: list[str], cookie: str | None) -> Response:
        assert flow.client is not None
        error = errors.consent_required(flow.client.client_id, " ".join(missing))
        return self._redirect_error(flow, "consent_required", 65001, error.message, cookie)

    # --- answers --------------------------------------------------------------------------
    def _respond(self, flow: Flow, params: dict[str, str], cookie: str | None = None) -> Response:
        redirect_uri = flow.query.get("redirect_uri", "")
        mode = flow.query.get("response_mode", "query")
        if mode == "form_post":
            heading, body, script = pages.form_post_body(redirect_uri, params)
            return pages.page(tenant=flow.tenant.display_name, title=heading, nonce=_nonce(),
                              body=f'<h1 id="page-title">{heading}</h1>{body}', script=script,
                              form_action=_origin(redirect_uri), cookie=cookie)
        separator = "#" if mode == "fragment" else ("&" if "?" in redirect_uri else "?")
        headers = {"Location": f"{redirect_uri}{separator}{urlencode(params)}",
                   "Referrer-Policy": "same-origin"}
        if cookie:
            headers["Set-Cookie"] = cookie
        return Response(302, b"", "text/plain", headers)

    def _redirect_error(self, flow: Flow, error: str, code: int, message: str,
                        cookie: str | None = None, subcode: str = "") -> Response:
        """Entra's error response, sent to the app's redirect URI like a code would be."""
        self._forget(flow)
        body = errors.EntraError(400, error, code, message).body()
        params = {"error": error, "error_description": str(body["error_description"]),
                  "error_uri": str(body["error_uri"])}
        if subcode:
            params["error_subcode"] = subcode
        if "state" in flow.query:
            params["state"] = flow.query["state"]
        return self._respond(flow, params, cookie)

    def _show(self, flow: Flow, step: str, *, message: str = "", selected: str = "",
              cookie: str | None = None) -> Response:
        """Render a step's page with a fresh anti-CSRF token."""
        flow.step, flow.csrf = step, secrets.token_urlsafe(24)
        hidden = pages.Hidden(flow.id, flow.csrf)
        action = DEVICE_PATH if flow.kind == "device" else SIGNIN_PATH
        app = flow.client.name if flow.client else ""
        if step == "pick":
            signed_in = self._signed_in(flow.browser, flow.tenant)
            accounts = [pages.Account(u.name, u.upn, u.mfa_required, u.upn in signed_in)
                        for u in flow.tenant.users]
            heading, body = pages.account_picker(action, hidden, app, accounts,
                                                 selected or flow.upn, message)
        elif step == "password":
            heading, body = pages.password_form(action, hidden, flow.upn, message)
        elif step == "mfa":
            heading, body = pages.mfa_form(action, hidden, flow.upn, message)
        elif step == "consent":
            from entra_tui.sandbox.consent import describe

            scopes = [(s, describe(s)) for s in flow.scopes]
            heading, body = pages.consent_form(action, hidden, app, flow.upn, scopes)
        elif step == "code":
            heading, body = pages.device_code_form(action, hidden, message)
        else:
            heading, body = pages.device_confirm_form(action, hidden, app)
        form_action = "'self'"
        if flow.kind == "authorize":  # a POST may end in a redirect to the app
            form_action += " " + _origin(flow.query.get("redirect_uri", ""))
        known = flow.kind == "authorize" or flow.pending is not None
        return pages.page(tenant=flow.tenant.display_name if known else "Device sign-in",
                          title=heading, nonce=_nonce(),
                          body=f'<h1 id="page-title">{pages.e(heading)}</h1>{body}',
                          form_action=form_action, cookie=cookie,
                          status=400 if message and step == "code" else 200)

    def _message(self, flow: Flow, heading: str, text: str, detail: str,
                 cookie: str | None = None) -> Response:
        return pages.page(tenant=flow.tenant.display_name, title=heading, nonce=_nonce(),
                          body=f'<h1 id="page-title">{pages.e(heading)}</h1>'
                          + pages.message_body(text, detail), cookie=cookie)

    def _error_page(self, tenant: Tenant, error: errors.EntraError,
                    cookie: str | None) -> Response:
        """Errors that cannot go back to the app (unknown app, unregistered redirect URI)
        are shown to the person, as Entra does."""
        text = f"AADSTS{error.code}: {error.message}"
        return pages.page(tenant=tenant.display_name, title="Sign-in failed", nonce=_nonce(),
                          status=400, cookie=cookie,
                          body='<h1 id="page-title">Sorry, but we\'re having trouble signing '
                          "you in.</h1>" + pages.message_body(text))

    def _refused(self, reason: str) -> Response:
        return pages.page(tenant="Sign in", title="Request refused", nonce=_nonce(),
                          status=403, body='<h1 id="page-title">Request refused</h1>'
                          + pages.message_body(reason))

    # --- state ----------------------------------------------------------------------------
    def _user(self, flow: Flow) -> User:
        user = flow.tenant.user(flow.upn)
        assert user is not None
        return user

    def _remember(self, flow: Flow) -> None:
        now = time.monotonic()
        with self._lock:
            for key in [k for k, f in self._flows.items() if now - f.created > FLOW_LIFETIME]:
                del self._flows[key]
            while len(self._flows) >= MAX_FLOWS:
                del self._flows[next(iter(self._flows))]
            self._flows[flow.id] = flow

    def _forget(self, flow: Flow) -> None:
        with self._lock:
            self._flows.pop(flow.id, None)

    def _signed_in(self, browser: str, tenant: Tenant) -> dict[str, bool]:
        with self._lock:
            session = self._sessions.get(browser)
            return dict(session.accounts.get(tenant.tenant_id, {})) if session else {}

    def _sign_in(self, flow: Flow, *, mfa: bool) -> None:
        with self._lock:
            session = self._sessions.setdefault(flow.browser, Session())
            accounts = session.accounts.setdefault(flow.tenant.tenant_id, {})
            accounts[flow.upn] = mfa or (accounts.get(flow.upn, False)
                                         and flow.prompt != "login")

    def _browser(self, request: Request) -> tuple[str, str | None]:
        """This browser's id, and a Set-Cookie value when it has none yet."""
        browser = self._browser_id(request)
        if browser:
            return browser, None
        browser = secrets.token_urlsafe(24)
        return browser, (f"{BROWSER_COOKIE}={browser}; Path=/; Secure; HttpOnly; "
                         "SameSite=Lax")

    @staticmethod
    def _browser_id(request: Request) -> str:
        try:
            cookies = SimpleCookie(request.headers.get("cookie", ""))
        except CookieError:
            return ""
        morsel = cookies.get(BROWSER_COOKIE)
        return morsel.value if morsel is not None and len(morsel.value) == 32 else ""


def _nonce() -> str:
    return secrets.token_urlsafe(18)


def _origin(url: str) -> str:
    split = urlsplit(url)
    return f"{split.scheme}://{split.netloc}"
