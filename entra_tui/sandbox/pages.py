"""The HTML of the sandbox's sign-in pages: small, plain and accessible, in the spirit of
Entra's (a card with the tenant's name, one question per page) without its look or assets.

Every value that comes from the directory or the request (tenant, app and user names, scopes,
messages) goes through `html.escape`. Pages work without JavaScript; the only script is the
form_post auto-submit, allowed by the Content-Security-Policy's per-response nonce, as is the
one stylesheet. Templates are plain strings: the sandbox starts fast.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from entra_tui.sandbox.wire import Response

# Colours meet WCAG AA (4.5:1) on their backgrounds: #1b1b1b and #505050 on white, white on
# #0b5cad (6.4:1), #a4262c on white (6.9:1); focus is a 3 px outline on every control.
STYLE = """
:root{color-scheme:light}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
background:#eef0f3;color:#1b1b1b}
main{max-width:440px;margin:40px auto 16px;background:#fff;padding:32px 40px 28px;
box-shadow:0 2px 8px rgba(0,0,0,.18)}
.tenant{margin:0 0 20px;font-weight:600;letter-spacing:.02em}
.tenant span{font-weight:400;color:#505050}
h1{font-size:1.5rem;font-weight:600;margin:0 0 12px}
p{margin:0 0 12px}
.muted{color:#505050}
.who{font-weight:600;margin-bottom:16px}
fieldset{border:0;padding:0;margin:0 0 8px}
legend{padding:0;margin-bottom:8px;font-weight:600}
.account{display:flex;align-items:center;gap:12px;border:1px solid #8a8a8a;
padding:10px 12px;margin-bottom:8px}
.account:focus-within{outline:3px solid #0b5cad;outline-offset:2px}
.account input{width:1.1rem;height:1.1rem;margin:0}
.account label{display:flex;flex-direction:column;cursor:pointer;flex:1}
.account .name{font-weight:600}
.tag{display:inline-block;font-size:.8rem;border:1px solid #505050;padding:0 6px;
margin-top:2px;color:#1b1b1b;width:max-content}
.field{display:block;font-weight:600;margin:12px 0 4px}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;font:inherit;
padding:8px;border:1px solid #605e5c;border-bottom-width:2px;background:#fff;color:#1b1b1b}
input:focus-visible,button:focus-visible{outline:3px solid #0b5cad;outline-offset:2px}
.actions{display:flex;gap:8px;margin-top:24px;flex-wrap:wrap}
button{font:inherit;padding:8px 20px;min-width:108px;cursor:pointer;border:1px solid #0b5cad}
.primary{background:#0b5cad;color:#fff}
.secondary{background:#fff;color:#1b1b1b;border-color:#605e5c}
.error{color:#a4262c;border-left:4px solid #a4262c;padding-left:8px;font-weight:600}
ul.scopes{padding-left:20px;margin:0 0 12px}
ul.scopes li{margin-bottom:8px}
ul.scopes code{display:block;font-size:.85rem;color:#505050}
footer{max-width:520px;margin:0 auto 40px;text-align:center;font-size:.85rem;color:#505050}
"""


class Hidden(NamedTuple):
    """The fields every form carries: which sign-in it is and its anti-CSRF token."""

    flow: str
    csrf: str


def e(value: object) -> str:
    return html.escape(str(value), quote=True)


def page(*, tenant: str, title: str, body: str, nonce: str, form_action: str = "'self'",
         status: int = 200, script: str = "", cookie: str | None = None) -> Response:
    """A whole page and its security headers: CSP with a nonce, no framing, no referrer to
    other origins (the code never leaks through a Referer). Not "no-referrer": with it,
    browsers send `Origin: null` on the pages' own form posts, which the Origin check
    must refuse."""
    markup = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{e(title)} · {e(tenant)} (sandbox)</title>"
        f'<style nonce="{nonce}">{STYLE}</style></head><body>'
        f'<main aria-labelledby="page-title"><p class="tenant">{e(tenant)} '
        "<span>· sandbox tenant</span></p>"
        f"{body}</main>"
        "<footer><p>entra-tui sandbox: a local stand-in for Microsoft Entra ID, for learning "
        "and tests. Not a Microsoft page; never enter a real password here.</p></footer>"
        + (f'<script nonce="{nonce}">{script}</script>' if script else "")
        + "</body></html>")
    headers = {
        "Content-Security-Policy": (
            f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
            f"form-action {form_action}; base-uri 'none'; frame-ancestors 'none'"),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    if cookie:
        headers["Set-Cookie"] = cookie
    return Response(status, markup.encode(), "text/html; charset=utf-8", headers)


def _hidden(hidden: Hidden) -> str:
    return (f'<input type="hidden" name="flow" value="{e(hidden.flow)}">'
            f'<input type="hidden" name="csrf" value="{e(hidden.csrf)}">')


def _error(message: str, field_id: str) -> str:
    return (f'<p class="error" id="{field_id}-error" role="alert">{e(message)}</p>'
            if message else "")


def _field(field_id: str, label: str, attributes: str, message: str = "",
           hint: str = "") -> str:
    """A labelled text field; its error (announced) and hint are tied to it for screen
    readers with aria-describedby. `hint` is this module's own markup, never data."""
    described = [f"{field_id}-error"] if message else []
    if hint:
        described.append(f"{field_id}-hint")
    aria = (f' aria-describedby="{" ".join(described)}"' if described else "") + (
        ' aria-invalid="true"' if message else "")
    return (_error(message, field_id)
            + f'<label class="field" for="{field_id}">{e(label)}</label>'
            f'<input id="{field_id}" name="{field_id}" {attributes} required autofocus{aria}>'
            + (f'<p class="muted" id="{field_id}-hint">{hint}</p>' if hint else ""))


def _actions(primary: tuple[str, str], secondary: tuple[str, str] | None = None) -> str:
    """The primary button comes first: Enter in a field submits it, and focus order matches
    what the eye sees."""
    buttons = (f'<button class="primary" type="submit" name="action" value="{e(primary[0])}">'
               f"{e(primary[1])}</button>")
    if secondary:
        buttons += (f'<button class="secondary" type="submit" name="action" '
                    f'value="{e(secondary[0])}" formnovalidate>{e(secondary[1])}</button>')
    return f'<div class="actions">{buttons}</div>'


def _form(action: str, hidden: Hidden, inner: str) -> str:
    return f'<form method="post" action="{e(action)}">{_hidden(hidden)}{inner}</form>'


class Account(NamedTuple):
    name: str
    upn: str
    mfa: bool
    signed_in: bool


def account_picker(action: str, hidden: Hidden, app: str, accounts: Sequence[Account],
                   selected: str, message: str = "") -> tuple[str, str]:
    """(heading, body): one radio button per account, the hinted (or first) one checked."""
    chosen = selected if any(a.upn == selected for a in accounts) else accounts[0].upn
    rows = []
    for index, account in enumerate(accounts):
        tags = ""
        if account.signed_in:
            tags += '<span class="tag">Signed in</span>'
        if account.mfa:
            tags += '<span class="tag">Requires multi-factor authentication</span>'
        checked = " checked autofocus" if account.upn == chosen else ""
        rows.append(
            f'<div class="account"><input type="radio" name="account" id="account-{index}" '
            f'value="{e(account.upn)}"{checked}><label for="account-{index}">'
            f'<span class="name">{e(account.name)}</span><span>{e(account.upn)}</span>'
            f"{tags}</label></div>")
    body = _form(action, hidden, (
        f'<p class="muted">to continue to <strong>{e(app)}</strong></p>'
        + _error(message, "account")
        + '<fieldset><legend>Accounts in this tenant</legend>' + "".join(rows) + "</fieldset>"
        + _actions(("pick", "Next"))))
    return "Pick an account", body


def password_form(action: str, hidden: Hidden, upn: str, message: str = "") -> tuple[str, str]:
    body = _form(action, hidden, (
        f'<p class="who">{e(upn)}</p>'
        + _field("password", "Password", 'type="password" autocomplete="current-password"',
                 message, "Sandbox users' password is printed by <code>entra-tui sandbox</code>.")
        + _actions(("password", "Sign in"), ("back", "Back"))))
    return "Enter password", body


def mfa_form(action: str, hidden: Hidden, upn: str, message: str = "") -> tuple[str, str]:
    body = _form(action, hidden, (
        f'<p class="who">{e(upn)}</p>'
        "<p>Your organization requires a second way to prove who you are. Enter the code "
        "from your authenticator app.</p>"
        + _field("otc", "Code", 'type="text" inputmode="numeric" autocomplete="one-time-code"',
                 message, "Sandbox: the demo shows this code in the description of its "
                 "interactive profile.")
        + _actions(("mfa", "Verify"))))
    return "Verify your identity", body


def consent_form(action: str, hidden: Hidden, app: str, upn: str,
                 scopes: Iterable[tuple[str, str]]) -> tuple[str, str]:
    items = "".join(f"<li>{e(text)}<code>{e(scope)}</code></li>" for scope, text in scopes)
    body = _form(action, hidden, (
        f'<p class="who">{e(upn)}</p>'
        f"<p><strong>{e(app)}</strong> would like to:</p>"
        f'<ul class="scopes">{items}</ul>'
        '<p class="muted">Accepting allows this app to use your data as described. You can '
        "change these permissions later. Cancel returns to the app without signing in.</p>"
        + _actions(("accept", "Accept"), ("cancel", "Cancel"))))
    return "Permissions requested", body


def device_code_form(action: str, hidden: Hidden, message: str = "") -> tuple[str, str]:
    body = _form(action, hidden, (
        "<p>Enter the code displayed on your app or device.</p>"
        + _field("code", "Code", 'type="text" autocomplete="off" autocapitalize="characters" '
                 'spellcheck="false"', message)
        + _actions(("code", "Next"))))
    return "Enter code", body


def device_confirm_form(action: str, hidden: Hidden, app: str) -> tuple[str, str]:
    body = _form(action, hidden, (
        f"<p>Are you trying to sign in to <strong>{e(app)}</strong>?</p>"
        '<p class="muted">Only continue if you started this sign-in yourself, on a device or '
        "app you trust. Someone who sent you this code could get access to your account.</p>"
        + _actions(("continue", "Continue"), ("cancel", "Cancel"))))
    return "Confirm the app", body


def message_body(text: str, detail: str = "") -> str:
    return f"<p>{e(text)}</p>" + (f'<p class="muted">{e(detail)}</p>' if detail else "")


def form_post_body(action: str, params: dict[str, str]) -> tuple[str, str, str]:
    """(heading, body, script) of the page that posts the answer to the app: submitted by the
    script at once, or by the person with the visible button when scripts are off."""
    fields = "".join(f'<input type="hidden" name="{e(k)}" value="{e(v)}">'
                     for k, v in params.items())
    body = (f'<form method="post" action="{e(action)}" id="response">{fields}'
            "<p>Returning you to the app.</p>"
            '<p class="muted">If nothing happens, press Continue.</p>'
            '<div class="actions"><button class="primary" type="submit" autofocus>Continue'
            "</button></div></form>")
    return "Signing you in", body, 'document.getElementById("response").submit();'
