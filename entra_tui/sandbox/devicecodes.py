"""Device-code sign-ins waiting for a person (or, in the demo, a timer) to approve them."""

from __future__ import annotations

import secrets
import string
import threading
import time
from dataclasses import dataclass

USER_CODE_ALPHABET = string.ascii_uppercase.replace("O", "").replace("I", "") + "23456789"


@dataclass
class PendingSignIn:
    device_code: str
    user_code: str
    tenant_id: str
    client_id: str
    scopes: list[str]
    expires_at: float
    created_at: float
    approved: bool = False
    redeemed: bool = False
    user_upn: str | None = None  # who approved it on the page (None: the demo user)
    declined: bool = False


class DeviceCodes:
    """Thread-safe store; `auto_approve_after` approves codes by themselves (demo mode)."""

    def __init__(self, *, lifetime: int = 900, auto_approve_after: float | None = None) -> None:
        self.lifetime = lifetime
        self.auto_approve_after = auto_approve_after
        self._by_device: dict[str, PendingSignIn] = {}
        self._lock = threading.Lock()

    def create(self, tenant_id: str, client_id: str, scopes: list[str]) -> PendingSignIn:
        now = time.time()
        user_code = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(9))
        pending = PendingSignIn(
            device_code=secrets.token_urlsafe(48), user_code=user_code, tenant_id=tenant_id,
            client_id=client_id, scopes=scopes, expires_at=now + self.lifetime, created_at=now)
        with self._lock:
            self._by_device[pending.device_code] = pending
        return pending

    def approve(self, user_code: str) -> bool:
        wanted = user_code.strip().upper().replace("-", "")
        with self._lock:
            for pending in self._by_device.values():
                if pending.user_code == wanted and time.time() < pending.expires_at:
                    pending.approved = True
                    return True
        return False

    def find(self, user_code: str) -> tuple[str, PendingSignIn | None]:
        """The sign-in a code typed on the page names: 'pending', 'expired', 'used' or
        'unknown'."""
        wanted = user_code.strip().upper().replace("-", "").replace(" ", "")
        with self._lock:
            pending = next((p for p in self._by_device.values() if p.user_code == wanted),
                           None)
            if pending is None:
                return "unknown", None
            if time.time() >= pending.expires_at:
                return "expired", pending
            if pending.approved or pending.declined or pending.redeemed:
                return "used", pending
            return "pending", pending

    def approve_as(self, pending: PendingSignIn, upn: str) -> None:
        with self._lock:
            pending.user_upn, pending.approved = upn, True

    def decline(self, pending: PendingSignIn) -> None:
        with self._lock:
            pending.declined = True

    def tenant_of(self, device_code: str) -> str | None:
        """Whose sign-in it is, without redeeming it (for `common` authorities)."""
        with self._lock:
            pending = self._by_device.get(device_code)
        return pending.tenant_id if pending is not None else None

    def redeem(self, device_code: str) -> tuple[str, PendingSignIn | None]:
        """'approved' (once), 'pending', 'declined', 'expired' or 'unknown'."""
        with self._lock:
            pending = self._by_device.get(device_code)
            if pending is None or pending.redeemed:
                return "unknown", None
            now = time.time()
            if now >= pending.expires_at:
                return "expired", pending
            if pending.declined:
                pending.redeemed = True
                return "declined", pending
            auto = self.auto_approve_after
            if auto is not None and now - pending.created_at >= auto:
                pending.approved = True
            if not pending.approved:
                return "pending", pending
            pending.redeemed = True
            return "approved", pending
