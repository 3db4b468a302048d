"""Microsoft's APIs behind the sandbox's TLS: a small Graph at `{origin}/graph` and a small ARM
at `{origin}/arm`, so clients can be pointed at them with a base URL (as at a sovereign cloud).

Both check bearer tokens as the real services do: signature (Graph's after hashing its header
nonce back), issuer (one of the sandbox's tenants, v1 or v2 form), audience (their own
identifier URIs or app id), lifetime. Failures are 401 with `WWW-Authenticate: Bearer ...` and
each service's own JSON error shape."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import jwt

from entra_tui.sandbox.access_tokens import with_hashed_nonce
from entra_tui.sandbox.directory import TENANTS
from entra_tui.sandbox.wire import Request, Response

if TYPE_CHECKING:
    from entra_tui.sandbox.cae import Cae
    from entra_tui.sandbox.pki import SigningKey
    from entra_tui.sandbox.signins import SignInLog

CLOCK_SKEW = 300


class TokenRejected(Exception):
    def __init__(self, code: str, message: str, error: str = "invalid_token") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.error = error


class Call:
    """One request to a service: its path under the service's root, query and token claims."""

    def __init__(self, request: Request, prefix: str) -> None:
        split = urlsplit(request.path)
        self.request = request
        self.path = split.path[len(prefix):] or "/"
        self.query = {k: v[0] for k, v in parse_qs(split.query).items()}
        self.claims: dict[str, Any] = {}

    @property
    def app_only(self) -> bool:
        return "scp" not in self.claims

    @property
    def permissions(self) -> set[str]:
        granted = self.claims.get("roles") if self.app_only else \
            str(self.claims.get("scp", "")).split()
        return {str(p) for p in granted or []}


class Services:
    cae: Cae | None = None  # continuous access evaluation (set by the endpoints)

    def __init__(self, *, base_url: str, signing_key: SigningKey, sign_ins: SignInLog) -> None:
        self.base_url = base_url
        self.signing_key = signing_key
        self.sign_ins = sign_ins

    def handle(self, name: str, request: Request) -> Response:
        from entra_tui.sandbox import arm, graph

        service = graph if name == "graph" else arm
        call = Call(request, f"/{name}")
        if not service.needs_token(call):
            return service.route(self, call)
        try:
            call.claims = self.validate(request, service.AUDIENCES, graph=name == "graph")
        except TokenRejected as exc:
            return service.unauthorized(self, call, exc)
        challenge = self.cae.challenge(call.claims) if self.cae is not None and \
            name == "graph" else None
        if challenge is not None:  # a CAE token from before its user's revocation: cae.py
            from entra_tui.sandbox.cae import CHALLENGE_MESSAGE

            response = Response.json(401, graph.error("InvalidAuthenticationToken",
                                                      CHALLENGE_MESSAGE, call))
            response.headers["WWW-Authenticate"] = challenge
            return response
        return service.route(self, call)

    def validate(self, request: Request, audiences: frozenset[str], *,
                 graph: bool) -> dict[str, Any]:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise TokenRejected("InvalidAuthenticationToken", "Access token is empty.")
        token = token.strip()
        try:
            head = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise TokenRejected("InvalidAuthenticationToken", "IDX14100: JWT is not well "
                                "formed, there are no dots (.).") from None
        aud = unverified.get("aud")
        if aud not in audiences:
            raise TokenRejected("InvalidAuthenticationTokenAudience",
                                f"Invalid audience '{aud}'.")
        if graph and "nonce" in head:
            token = with_hashed_nonce(token) or token
        issuers = {f"{self.base_url}/{t.tenant_id}/" for t in TENANTS} | {
            f"{self.base_url}/{t.tenant_id}/v2.0" for t in TENANTS}
        try:
            claims = jwt.decode(token, self.signing_key.private_key.public_key(),
                                algorithms=["RS256"], audience=aud, leeway=CLOCK_SKEW,
                                options={"require": ["exp", "iss", "aud"]})
        except jwt.ExpiredSignatureError:
            raise TokenRejected("ExpiredAuthenticationToken", "Lifetime validation failed, "
                                "the token is expired.") from None
        except jwt.ImmatureSignatureError:
            raise TokenRejected("InvalidAuthenticationToken", "The token is not yet valid."
                                ) from None
        except jwt.InvalidSignatureError:
            raise TokenRejected("InvalidAuthenticationToken", "Signature verification failed."
                                ) from None
        except jwt.PyJWTError as exc:
            raise TokenRejected("InvalidAuthenticationToken", f"Access token validation "
                                f"failure. {exc}") from None
        if claims.get("iss") not in issuers:
            raise TokenRejected("InvalidAuthenticationTokenTenant",
                                f"Invalid issuer '{claims.get('iss')}'.")
        return claims


def inner_error(call: Call) -> dict[str, str]:
    """Graph's innerError: when, and the ids to quote to support."""
    return {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            "request-id": str(uuid.uuid4()),
            "client-request-id": call.request.headers.get("client-request-id")
            or str(uuid.uuid4())}


def iso(offset_days: float = 0) -> str:
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(days=offset_days)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def now() -> int:
    return int(time.time())
