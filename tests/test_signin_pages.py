"""The sandbox's sign-in pages over plain HTTPS (no browser needed): the steps, `prompt`,
response modes, device code, anti-CSRF, escaping, and real MSAL redeeming what the pages gave.
The same pages in a real browser: test_signin_pages_browser.py."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import msal
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entra_tui.sandbox import Sandbox, pages
from entra_tui.sandbox.directory import TENANTS

CONTOSO, FABRIKAM = TENANTS
ADELE, MEGAN = CONTOSO.users
CLI_TOOL = CONTOSO.clients[2]
GRAPH_EXPLORER = CONTOSO.clients[8]
REDIRECT = "http://localhost:8765"
ORDERS = "api://contoso-orders/Orders.Read"  # consented for the CLI tool tenant-wide
BILLING = "api://contoso-billing/Billing.Read"  # not consented: the consent page
REPORTS = "api://contoso-reports/Reports.Read"


@pytest.fixture(scope="module")
def pages_sandbox() -> Iterator[Sandbox]:
    with Sandbox(sign_in="pages", device_poll_interval=1) as running:
        yield running


class Visitor:
    """A person's browser, reduced to cookies and forms: fetches pages, fills the current
    form and posts it with the browser's `Origin`."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = str(sandbox.ca_path)
        self.page: requests.Response | None = None

    def authorize(self, tenant: object = CONTOSO, **params: str) -> requests.Response:
        query = {"client_id": CLI_TOOL.client_id, "redirect_uri": REDIRECT,
                 "response_type": "code", "scope": f"openid profile {ORDERS}", "state": "s1"}
        query.update(params)
        self.page = self.session.get(
            f"{self.sandbox.base_url}/{tenant.tenant_id}/oauth2/v2.0/authorize",  # type: ignore[attr-defined]
            params=query, allow_redirects=False)
        return self.page

    def open_device_page(self) -> requests.Response:
        self.page = self.session.get(f"{self.sandbox.base_url}/device")
        return self.page

    def submit(self, action: str, origin: str | None = "self", **fields: str) -> requests.Response:
        assert self.page is not None
        found = dict(re.findall(r'name="(flow|csrf)" value="([^"]*)"', self.page.text))
        target = re.search(r'<form method="post" action="([^"]+)"', self.page.text)
        assert found and target, self.page.text
        headers = {"Origin": self.sandbox.base_url if origin == "self" else origin} \
            if origin else {}
        self.page = self.session.post(f"{self.sandbox.base_url}{target.group(1)}",
                                      data={**found, "action": action, **fields},
                                      headers=headers, allow_redirects=False)
        return self.page

    def sign_in(self, user: object, *, mfa: bool = False) -> requests.Response:
        """From the account picker through the password (and MFA) pages."""
        self.submit("pick", account=user.upn)  # type: ignore[attr-defined]
        page = self.submit("password", password=user.password)  # type: ignore[attr-defined]
        if mfa:
            page = self.submit("mfa", otc=self.sandbox.mfa_code)
        return page


def heading(response: requests.Response) -> str:
    found = re.search(r'<h1 id="page-title">(.*?)</h1>', response.text)
    return found.group(1) if found else ""


def plain(response: requests.Response) -> str:
    import html

    return html.unescape(response.text)


def redirect_params(response: requests.Response) -> dict[str, str]:
    assert response.status_code == 302, (response.status_code, response.text[:500])
    location = urlsplit(response.headers["Location"])
    return {k: v[0] for k, v in parse_qs(location.fragment or location.query).items()}


def form_post_params(response: requests.Response) -> dict[str, str]:
    import html

    assert heading(response) == "Signing you in", response.text
    return {html.unescape(k): html.unescape(v) for k, v in
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.text)}


# --- the steps --------------------------------------------------------------------------------
def test_picker_names_tenant_app_and_users_and_login_hint_preselects(
        pages_sandbox: Sandbox) -> None:
    visitor = Visitor(pages_sandbox)
    page = visitor.authorize(login_hint=MEGAN.upn.upper())
    assert page.status_code == 200 and heading(page) == "Pick an account"
    assert CONTOSO.display_name in page.text and CLI_TOOL.name.split(" (")[0] in page.text
    assert ADELE.upn in page.text and MEGAN.upn in page.text
    assert "Requires multi-factor authentication" in page.text
    checked = re.search(r'value="([^"]+)" checked', page.text)
    assert checked and checked.group(1) == MEGAN.upn
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'nonce-" in csp and "frame-ancestors 'none'" in csp
    assert f"form-action 'self' {REDIRECT}" in csp
    assert "SameSite=Lax" in page.headers["Set-Cookie"] and "HttpOnly" in page.headers["Set-Cookie"]


def test_password_mfa_consent_then_code_that_msal_redeems(pages_sandbox: Sandbox) -> None:
    """Real MSAL: its auth-code flow's URL, the pages as a person fills them, and MSAL
    redeeming the form_post answer for tokens with the consented scope."""
    app = msal.PublicClientApplication(
        CLI_TOOL.client_id, authority=f"{pages_sandbox.base_url}/{CONTOSO.tenant_id}",
        http_client=Visitor(pages_sandbox).session, instance_discovery=False)
    flow = app.initiate_auth_code_flow([BILLING], redirect_uri=REDIRECT,
                                       response_mode="form_post")
    visitor = Visitor(pages_sandbox)
    visitor.page = visitor.session.get(flow["auth_uri"])
    visitor.submit("pick", account=MEGAN.upn)
    wrong = visitor.submit("password", password="not-it")
    assert heading(wrong) == "Enter password" and "incorrect" in wrong.text
    page = visitor.submit("password", password=MEGAN.password)
    assert heading(page) == "Verify your identity"
    wrong = visitor.submit("mfa", otc="000000" if pages_sandbox.mfa_code != "000000" else "1")
    assert "didn't work" in plain(wrong)
    page = visitor.submit("mfa", otc=pages_sandbox.mfa_code)
    assert heading(page) == "Permissions requested"
    assert "Read your billing data in the Contoso Billing API" in page.text and BILLING in page.text
    answer = form_post_params(visitor.submit("accept"))
    result = app.acquire_token_by_auth_code_flow(flow, answer)
    assert "access_token" in result, result
    claims = json.loads(base64.urlsafe_b64decode(
        result["access_token"].split(".")[1] + "=="))
    assert claims["scp"] == "Billing.Read" and claims["preferred_username"] == MEGAN.upn
    # the consent lasts: a refresh (and the next sign-in) need no page
    again = app.acquire_token_silent([BILLING], account=app.get_accounts()[0],
                                     force_refresh=True)
    assert again and "access_token" in again, again


def test_declined_consent_sends_access_denied_65004_to_the_app(pages_sandbox: Sandbox) -> None:
    visitor = Visitor(pages_sandbox)
    visitor.authorize(scope=f"openid {REPORTS}", response_mode="fragment", state="xyz")
    visitor.sign_in(ADELE)
    answer = redirect_params(visitor.submit("cancel"))
    assert urlsplit(visitor.page.headers["Location"]).fragment  # type: ignore[union-attr]
    assert answer["error"] == "access_denied" and answer["error_subcode"] == "cancel"
    assert answer["error_description"].startswith("AADSTS65004: User declined to consent")
    assert answer["state"] == "xyz" and "code" not in answer
    assert answer["error_uri"] == "https://login.microsoftonline.com/error?code=65004"


def test_response_modes_query_fragment_form_post(pages_sandbox: Sandbox) -> None:
    for mode in ("query", "fragment", "form_post"):
        visitor = Visitor(pages_sandbox)
        visitor.authorize(response_mode=mode)
        answer = visitor.sign_in(ADELE)
        params = form_post_params(answer) if mode == "form_post" else redirect_params(answer)
        assert params["code"].startswith("0.sbx") and params["state"] == "s1", mode
        if mode == "form_post":
            nonce = re.search(r"script-src 'nonce-([^']+)'",
                              answer.headers["Content-Security-Policy"]).group(1)
            assert f'<script nonce="{nonce}">' in answer.text  # the only script
            assert answer.text.count("<script") == 1 and "onload" not in answer.text
            assert '<button class="primary" type="submit"' in answer.text  # no-script path


# --- prompt -----------------------------------------------------------------------------------
def test_prompt_none_without_a_session_is_login_required(pages_sandbox: Sandbox) -> None:
    answer = redirect_params(Visitor(pages_sandbox).authorize(prompt="none"))
    assert answer["error"] == "login_required" and "AADSTS50058" in answer["error_description"]
    assert answer["state"] == "s1"


def test_prompt_none_uses_the_session_or_says_what_is_needed(pages_sandbox: Sandbox) -> None:
    visitor = Visitor(pages_sandbox)
    visitor.authorize()
    assert "code" in redirect_params(visitor.sign_in(ADELE))
    assert "code" in redirect_params(visitor.authorize(prompt="none"))
    missing = redirect_params(visitor.authorize(prompt="none", scope=f"openid {BILLING}",
                                                client_id=CLI_TOOL.client_id,
                                                login_hint=ADELE.upn))
    # Megan's consent from another test is hers, not Adele's
    assert missing["error"] == "consent_required" or "code" in missing
    visitor.authorize(prompt="select_account")
    visitor.submit("pick", account=MEGAN.upn)
    visitor.submit("password", password=MEGAN.password)
    assert heading(visitor.page) == "Verify your identity"  # type: ignore[arg-type]
    two = redirect_params(visitor.authorize(prompt="none"))
    assert two["error"] == "interaction_required" and "AADSTS16000" in two["error_description"]
    mfa = redirect_params(visitor.authorize(prompt="none", login_hint=MEGAN.upn))
    assert mfa["error"] == "interaction_required" and "AADSTS50076" in mfa["error_description"]


def test_prompt_none_consent_required_is_65001(pages_sandbox: Sandbox) -> None:
    visitor = Visitor(pages_sandbox)
    visitor.authorize()
    visitor.sign_in(ADELE)
    answer = redirect_params(visitor.authorize(
        prompt="none", scope="https://management.azure.com/user_impersonation"))
    assert answer["error"] == "consent_required"
    assert answer["error_description"].startswith("AADSTS65001:")


def test_single_sign_on_and_prompt_login_select_account_consent(pages_sandbox: Sandbox) -> None:
    visitor = Visitor(pages_sandbox)
    visitor.authorize()
    visitor.sign_in(ADELE)
    assert "code" in redirect_params(visitor.authorize())  # one session: no page at all
    login = visitor.authorize(prompt="login")
    assert heading(login) == "Pick an account"
    assert heading(visitor.submit("pick", account=ADELE.upn)) == "Enter password"
    hinted = visitor.authorize(prompt="login", login_hint=ADELE.upn)
    assert heading(hinted) == "Enter password"  # credentials again, though signed in
    picker = visitor.authorize(prompt="select_account")
    assert heading(picker) == "Pick an account" and "Signed in" in picker.text
    assert "code" in redirect_params(visitor.submit("pick", account=ADELE.upn))
    consent = visitor.authorize(prompt="consent")  # consented already: asked anyway
    assert heading(consent) == "Permissions requested"
    assert "code" in redirect_params(visitor.submit("accept"))


def test_bad_requests_are_explained(pages_sandbox: Sandbox) -> None:
    unknown_app = Visitor(pages_sandbox).authorize(client_id="00000000-0000-0000-0000-00000000dead")
    assert unknown_app.status_code == 400 and "AADSTS700016" in unknown_app.text
    elsewhere = Visitor(pages_sandbox).authorize(redirect_uri="https://evil.example/cb")
    assert elsewhere.status_code == 400 and "AADSTS50011" in elsewhere.text
    assert "Location" not in elsewhere.headers  # never sent to an unregistered address
    bad_prompt = redirect_params(Visitor(pages_sandbox).authorize(prompt="sometimes"))
    assert bad_prompt["error"] == "invalid_request"
    bad_scope = redirect_params(Visitor(pages_sandbox).authorize(
        scope="api://contoso-orders/Orders.Everything"))
    assert bad_scope["error"] == "invalid_scope"


# --- anti-CSRF ----------------------------------------------------------------------------------
def test_cross_origin_post_is_refused_and_changes_nothing(pages_sandbox: Sandbox) -> None:
    visitor = Visitor(pages_sandbox)
    visitor.authorize()
    picker = visitor.page
    refused = visitor.submit("pick", origin="https://evil.example", account=ADELE.upn)
    assert refused.status_code == 403 and "another web site" in refused.text
    visitor.page = picker  # the person's own page still works
    assert heading(visitor.submit("pick", account=ADELE.upn)) == "Enter password"


def test_token_is_per_page_and_bound_to_the_browser(pages_sandbox: Sandbox) -> None:
    visitor = Visitor(pages_sandbox)
    visitor.authorize()
    picker = visitor.page
    flow = re.search(r'name="flow" value="([^"]*)"', picker.text).group(1)  # type: ignore[union-attr]
    forged = visitor.session.post(f"{pages_sandbox.base_url}/signin", data={
        "flow": flow, "csrf": "guess", "action": "pick", "account": ADELE.upn})
    assert forged.status_code == 403
    other = Visitor(pages_sandbox)  # another browser (no cookie) with the right token
    other.page = picker
    assert other.submit("pick", account=ADELE.upn).status_code == 403
    visitor.page = picker
    assert heading(visitor.submit("pick", account=ADELE.upn)) == "Enter password"
    visitor.page = picker  # the same token twice: refused
    assert visitor.submit("pick", account=ADELE.upn).status_code == 403


def test_values_are_escaped() -> None:
    hidden = pages.Hidden('"><b>', "x")
    heading_, body = pages.account_picker(
        "/signin", hidden, '<img src=x onerror=alert(1)>',
        [pages.Account("<script>alert(1)</script>", 'a"b@x', True, False)], "")
    assert "<script>" not in body and "<img" not in body and '"><b>' not in body
    assert "&lt;script&gt;" in body and "a&quot;b@x" in body
    page = pages.page(tenant="</title><script>", title="t", body=body, nonce="n")
    assert b"</title><script>" not in page.body


def test_state_is_escaped_on_the_form_post_page(pages_sandbox: Sandbox) -> None:
    visitor = Visitor(pages_sandbox)
    visitor.authorize(response_mode="form_post", state='"><script>alert(1)</script>')
    answer = visitor.sign_in(ADELE)
    assert "<script>alert(1)" not in answer.text
    assert form_post_params(answer)["state"] == '"><script>alert(1)</script>'


# --- device code ----------------------------------------------------------------------------------
def device_app(sandbox: Sandbox) -> msal.PublicClientApplication:
    return msal.PublicClientApplication(
        CLI_TOOL.client_id, authority=f"{sandbox.base_url}/{CONTOSO.tenant_id}",
        http_client=Visitor(sandbox).session, instance_discovery=False)


def test_device_code_through_the_pages(pages_sandbox: Sandbox) -> None:
    app = device_app(pages_sandbox)
    flow = app.initiate_device_flow([REPORTS])  # consent is asked on the page, not here
    assert "user_code" in flow, flow
    visitor = Visitor(pages_sandbox)
    assert heading(visitor.open_device_page()) == "Enter code"
    wrong = visitor.submit("code", code="NOPE-NOPE")
    assert wrong.status_code == 400 and "wasn't recognised" in plain(wrong)
    confirm = visitor.submit("code", code=flow["user_code"].lower())
    assert heading(confirm) == "Confirm the app" and CLI_TOOL.name in confirm.text
    visitor.submit("continue")
    visitor.sign_in(MEGAN, mfa=True)
    assert heading(visitor.page) == "Permissions requested"  # type: ignore[arg-type]
    done = visitor.submit("accept")
    assert "You may now close this window." in done.text
    result = app.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result
    assert result["id_token_claims"]["preferred_username"] == MEGAN.upn
    used = Visitor(pages_sandbox)
    used.open_device_page()
    assert "already used" in used.submit("code", code=flow["user_code"]).text


def test_device_code_expired_and_declined(pages_sandbox: Sandbox) -> None:
    app = device_app(pages_sandbox)
    flow = app.initiate_device_flow([ORDERS])
    codes = pages_sandbox._device_codes  # noqa: SLF001 - age the code as time would
    pending = next(p for p in codes._by_device.values()  # noqa: SLF001
                   if p.user_code == flow["user_code"])
    lifetime = pending.expires_at
    pending.expires_at = time.time() - 1
    visitor = Visitor(pages_sandbox)
    visitor.open_device_page()
    expired = visitor.submit("code", code=flow["user_code"])
    assert "expired" in expired.text and "start the sign-in again" in expired.text
    pending.expires_at = lifetime
    visitor.submit("code", code=flow["user_code"])
    cancelled = visitor.submit("cancel")
    assert heading(cancelled) == "Sign-in cancelled"
    result = app.acquire_token_by_device_flow(flow)
    assert result.get("error") == "authorization_declined", result


def test_ropc_for_the_mfa_user_answers_50076(pages_sandbox: Sandbox) -> None:
    app = device_app(pages_sandbox)
    type(app.authority)._domains_without_user_realm_discovery.add(  # noqa: SLF001
        app.authority.instance)
    with pytest.warns(DeprecationWarning):  # MSAL discourages ROPC, rightly
        result = app.acquire_token_by_username_password(MEGAN.upn, MEGAN.password, [ORDERS])
    assert result.get("error_codes") == [50076], result


def test_auto_sign_in_stays_the_default(sandbox: Sandbox) -> None:
    """The hands-free setting the tests and the TUI's tests use: no page, a code at once."""
    answer = Visitor(sandbox).authorize()
    assert "code" in redirect_params(answer)


# --- whatever arrives ---------------------------------------------------------------------------

FIELD_NAMES = st.sampled_from(["flow", "csrf", "action", "account", "password", "otc", "code",
                               "prompt", "x"])
FIELD_VALUES = st.text(max_size=40) | st.sampled_from(["pick", "accept", "cancel", "back",
                                                       ADELE.upn, ""])


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["/signin", "/device"]),
       fields=st.dictionaries(FIELD_NAMES, FIELD_VALUES, max_size=6),
       origin=st.sampled_from([None, "self", "null", "https://evil.example"]),
       query=st.dictionaries(st.sampled_from(["prompt", "response_mode", "response_type",
                                              "login_hint", "scope", "state", "redirect_uri"]),
                             st.text(max_size=30), max_size=4),
       genuine=st.booleans())
def test_any_post_or_query_gets_a_page_never_a_server_error(
        pages_sandbox: Sandbox, path: str, fields: dict[str, str], origin: str | None,
        query: dict[str, str], genuine: bool) -> None:
    visitor = Visitor(pages_sandbox)
    started = visitor.authorize(**query)
    assert started.status_code in (200, 302, 400), started.text[:300]
    if genuine:  # the page's own sign-in id and token, with whatever else
        fields = {**fields, **dict(re.findall(r'name="(flow|csrf)" value="([^"]*)"',
                                              started.text))}
    headers = {"Origin": pages_sandbox.base_url if origin == "self" else origin} if origin else {}
    answer = visitor.session.post(f"{pages_sandbox.base_url}{path}", data=fields,
                                  headers=headers, allow_redirects=False)
    assert answer.status_code in (200, 302, 400, 403), answer.text[:300]
    assert answer.headers["Content-Type"].startswith("text/html")
