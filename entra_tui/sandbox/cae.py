"""Continuous access evaluation (CAE) and the sandbox's admin actions.

What Entra and Microsoft Graph do, as documented:
- A client declares it can handle claims challenges with the client capability `cp1`, sent as
  a `claims` request `{"access_token": {"xms_cc": {"values": ["cp1"]}}}` (MSAL's
  `client_capabilities`). Its access tokens for CAE-enabled resources carry `xms_cc` and live
  far longer - up to 28 hours; the sandbox gives 24 h
  (https://learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation).
- When an administrator revokes a user's sessions (Graph's `POST /users/{id}/revokeSignInSessions`,
  https://learn.microsoft.com/graph/api/user-revokesigninsessions), the user's refresh tokens
  stop working and a CAE resource answers that user's older CAE tokens with 401 and
  `WWW-Authenticate: Bearer realm="", authorization_uri="…/common/oauth2/authorize",
  error="insufficient_claims", claims="<base64 of a claims request>"` - here
  `{"access_token":{"nbf":{"essential":true,"value":"<revocation time>"}}}`
  (https://learn.microsoft.com/entra/identity-platform/claims-challenge). Clients without `cp1`
  get no challenge: their tokens are short-lived and run out.
- The client re-acquires with that `claims` value (MSAL's `claims_challenge`); the token
  endpoint answers with a fresh token, whose `nbf` satisfies the request.

Admin actions for tests and the demo (sandbox-only, under `/_sandbox/`, POST, guarded by the
sandbox's identity header so only its owner can use them):
- `/_sandbox/revokeSignInSessions` with `user=<upn or object id>`;
- `/_sandbox/appRoles` with `client_id`, `resource` (the API's app id or identifier URI),
  `role`, `action=grant|remove`: an app permission granted or removed by an administrator,
  seen in the client's next token.
"""

from __future__ import annotations

import base64
import hmac
import json
import threading
import time
from typing import Any

import jwt

from entra_tui.sandbox import errors
from entra_tui.sandbox.access_tokens import sign_with_nonce
from entra_tui.sandbox.directory import TENANTS
from entra_tui.sandbox.tokens import sign
from entra_tui.sandbox.wire import Request, Response

CAE_LIFETIME = 24 * 3600
ADMIN_PREFIX = "/_sandbox/"
ADMIN_HEADER = "x-sandbox-admin"
# Graph's error message for this case, as reported in
# https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/1741
CHALLENGE_MESSAGE = ("Continuous access evaluation resulted in claims challenge with result: "
                     "InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp")


class Cae:
    """The sandbox's CAE state: revocations, CAE-capable token minting, admin role changes."""

    def __init__(self, signing_key: Any, base_url: str, identity_header: str) -> None:
        self._key = signing_key
        self._base_url = base_url
        self._admin_secret = identity_header
        self._lock = threading.Lock()
        # user object id -> when its sessions were revoked (epoch s): tokens issued earlier
        # (iat below it) are refused
        self._revoked: dict[str, int] = {}
        self._refresh_issued: dict[str, tuple[str, float]] = {}  # refresh token -> (oid, when)
        self._roles: dict[tuple[str, str], set[str]] = {}  # (client id, api id) -> roles
        self._removed: dict[tuple[str, str], set[str]] = {}

    # --- admin ------------------------------------------------------------------------------
    def handles(self, request: Request) -> bool:
        return request.path.startswith(ADMIN_PREFIX)

    def admin(self, request: Request, form: dict[str, str]) -> Response:
        sent = request.headers.get(ADMIN_HEADER, "")
        if request.method != "POST" or not hmac.compare_digest(sent.encode(),
                                                               self._admin_secret.encode()):
            return Response.json(403, {"error": "forbidden", "error_description":
                                       "Sandbox admin actions need POST and the "
                                       f"{ADMIN_HEADER} header (the sandbox's identity "
                                       "header)."})
        action = request.path[len(ADMIN_PREFIX):].split("?", 1)[0]
        if action == "revokeSignInSessions":
            user = _find_user(form.get("user", ""))
            if user is None:
                return Response.json(404, {"error": "not_found",
                                           "error_description": "No such user."})
            # Tokens carry whole seconds: the revocation takes effect at the next second, and
            # the answer waits for it, so every token issued before the answer is older and
            # every token issued after it is newer.
            when = int(time.time()) + 1
            time.sleep(max(0.0, when - time.time()))
            with self._lock:
                self._revoked[user.object_id] = when
            return Response.json(200, {"value": True, "revokedAt": when,
                                       "userId": user.object_id})
        if action == "appRoles":
            return self._change_role(form)
        return Response.json(404, {"error": "not_found",
                                   "error_description": f"No admin action {action}."})

    def _change_role(self, form: dict[str, str]) -> Response:
        client_id = form.get("client_id", "").lower()
        resource, role = form.get("resource", ""), form.get("role", "")
        wanted = resource.rstrip("/")
        api = next((a for t in TENANTS for a in t.apis if wanted in (
            a.client_id, a.identifier_uri.rstrip("/"),
            *(u.rstrip("/") for u in a.other_identifier_uris))), None)
        if api is None or not role or form.get("action") not in ("grant", "remove"):
            return Response.json(400, {"error": "invalid_request", "error_description":
                                       "Give client_id, resource (an API's app id or "
                                       "identifier URI), role and action=grant|remove."})
        key = (client_id, api.client_id)
        with self._lock:
            added, removed = self._roles.setdefault(key, set()), \
                self._removed.setdefault(key, set())
            if form["action"] == "grant":
                added.add(role)
                removed.discard(role)
            else:
                removed.add(role)
                added.discard(role)
        return Response.json(200, {"client_id": client_id, "resource": api.client_id,
                                   "role": role, "action": form["action"]})

    def roles(self, client_id: str, api_id: str, granted: tuple[str, ...]) -> tuple[str, ...]:
        """The client's roles on the API after the admin's changes."""
        key = (client_id.lower(), api_id)
        with self._lock:
            added, removed = self._roles.get(key, set()), self._removed.get(key, set())
            if not added and not removed:
                return granted
            return tuple([r for r in granted if r not in removed]
                         + sorted(r for r in added if r not in granted))

    def route(self, request: Request, route: Any) -> Response:
        """Answer `request` with `route`, adding admin actions and the token endpoint's CAE
        behaviour (revoked refresh tokens refused, `cp1` clients' tokens made CAE ones)."""
        if request.path.startswith(ADMIN_PREFIX):
            return self.admin(request, _form(request.body))
        path = request.path.split("?", 1)[0]
        if request.method != "POST" or not path.endswith("/token") \
                or path.startswith(("/graph/", "/arm/", "/msi/")):
            return route(request)
        form = _form(request.body)
        self.check_refresh(form)
        return self.after_token(form, route(request))

    # --- the token endpoint -------------------------------------------------------------
    def check_refresh(self, form: dict[str, str]) -> None:
        """A refresh token issued before its user's sessions were revoked no longer works."""
        if form.get("grant_type") != "refresh_token":
            return
        with self._lock:
            issued = self._refresh_issued.get(form.get("refresh_token", ""))
            revoked = self._revoked.get(issued[0]) if issued else None
        if issued is not None and revoked is not None and issued[1] < revoked:
            raise errors.EntraError(
                400, "invalid_grant", 50173,
                "The provided grant has expired due to it being revoked, a fresh auth token "
                "is needed. The user might have changed or reset their password. The grant "
                f"was issued on '{_iso(int(issued[1]))}' and the TokensValidFrom date (before "
                f"which tokens are not valid) for this user is '{_iso(revoked)}'.")

    def after_token(self, form: dict[str, str], response: Response) -> Response:
        """Note refresh tokens' issue times; make a `cp1` client's access token a CAE one."""
        if response.status != 200 or not response.content_type.startswith("application/json"):
            return response
        try:
            body = json.loads(response.body)
        except ValueError:
            return response
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str):
            return response
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return response
        refresh = body.get("refresh_token")
        if isinstance(refresh, str) and claims.get("oid"):
            with self._lock:
                self._refresh_issued[refresh] = (str(claims["oid"]), time.time())
        if not _asks_cp1(form.get("claims", "")):
            return response
        now = int(time.time())
        claims.update({"iat": now, "nbf": now, "exp": now + CAE_LIFETIME, "xms_cc": ["cp1"]})
        header = jwt.get_unverified_header(token)
        body["access_token"] = sign_with_nonce(claims, self._key) if "nonce" in header \
            else sign(claims, self._key)
        body["expires_in"] = body["ext_expires_in"] = CAE_LIFETIME
        if "refresh_in" not in body:
            body["refresh_in"] = CAE_LIFETIME // 2  # as Entra suggests for long-lived tokens
        return Response(200, json.dumps(body).encode(), response.content_type,
                        dict(response.headers))

    # --- resources (the sandbox's Graph) --------------------------------------------------
    def challenge(self, claims: dict[str, Any]) -> str | None:
        """Graph's WWW-Authenticate claims challenge for a CAE token older than its user's
        revocation (the 401's body is Graph's error with CHALLENGE_MESSAGE), else None."""
        oid = str(claims.get("oid", ""))
        with self._lock:
            revoked = self._revoked.get(oid)
        if revoked is None or "cp1" not in (claims.get("xms_cc") or ()):
            return None
        issued = claims.get("iat")
        if not isinstance(issued, int | float) or issued >= revoked:
            return None
        request = {"access_token": {"nbf": {"essential": True, "value": str(revoked)}}}
        encoded = base64.b64encode(json.dumps(request, separators=(",", ":")).encode()).decode()
        return (f'Bearer realm="", authorization_uri="{self._base_url}/common/oauth2/authorize", '
                f'client_id="00000003-0000-0000-c000-000000000000", '
                f'error="insufficient_claims", claims="{encoded}"')


def _asks_cp1(claims_text: str) -> bool:
    if not claims_text:
        return False
    try:
        requested = json.loads(claims_text)
        values = requested["access_token"]["xms_cc"]["values"]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(values, list) and "cp1" in values


def _form(body: bytes) -> dict[str, str]:
    from urllib.parse import parse_qs

    try:
        return {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
    except UnicodeDecodeError:
        return {}


def _find_user(key: str) -> Any:
    key = key.lower()
    return next((u for t in TENANTS for u in t.users
                 if key in (u.upn.lower(), u.object_id.lower())), None)


def _iso(epoch: int) -> str:
    return time.strftime("%m/%d/%Y %H:%M:%S", time.gmtime(epoch))
