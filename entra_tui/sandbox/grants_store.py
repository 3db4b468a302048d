"""Short-lived sandbox state: authorization codes, refresh tokens and used assertion ids."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass


@dataclass
class UserGrant:
    """What a code or refresh token stands for: a user, a client and the scopes granted."""

    tenant_id: str
    client_id: str
    user_upn: str
    scopes: list[str]
    redirect_uri: str = ""
    code_challenge: str = ""
    nonce: str | None = None
    expires_at: float = 0.0
    # The sign-in session (`sid`): a refresh continues it, a new sign-in starts another.
    session_id: str = ""


class GrantStore:
    CODE_LIFETIME = 600

    def __init__(self) -> None:
        self._codes: dict[str, UserGrant] = {}
        self._refresh: dict[str, UserGrant] = {}
        self._used_jti: set[str] = set()
        self._lock = threading.Lock()

    def new_code(self, grant: UserGrant) -> str:
        code = "0.sbx" + secrets.token_urlsafe(48)
        grant.expires_at = time.time() + self.CODE_LIFETIME
        with self._lock:
            self._codes[code] = grant
        return code

    def redeem_code(self, code: str) -> UserGrant | None:
        """Once only: a second use finds nothing, as with Entra."""
        with self._lock:
            grant = self._codes.pop(code, None)
        return grant if grant is not None and time.time() < grant.expires_at else None

    def tenant_of_code(self, code: str) -> str | None:
        """Whose code it is, without redeeming it (for `common` authorities)."""
        with self._lock:
            grant = self._codes.get(code)
        return grant.tenant_id if grant is not None else None

    def new_refresh_token(self, grant: UserGrant) -> str:
        token = "1.sbx" + secrets.token_urlsafe(64)
        with self._lock:
            self._refresh[token] = grant
        return token

    def refresh_grant(self, token: str) -> UserGrant | None:
        with self._lock:
            return self._refresh.get(token)

    def first_use_of(self, jti: str) -> bool:
        """False when an assertion id was seen before (a replay)."""
        with self._lock:
            if jti in self._used_jti:
                return False
            self._used_jti.add(jti)
            return True
