"""The sandbox's sign-in log: every token request it answered, failures with their AADSTS
code and reason, served by its Graph at /auditLogs/signIns in the shape of Graph's `signIn`
resource (https://learn.microsoft.com/en-us/graph/api/resources/signin)."""

from __future__ import annotations

import collections
import datetime as dt
import threading
import uuid
from urllib.parse import parse_qs

from entra_tui.sandbox.wire import Request

MAX_ENTRIES = 500


class SignInLog:
    def __init__(self) -> None:
        self._entries: collections.deque[dict[str, object]] = collections.deque(
            maxlen=MAX_ENTRIES)
        self._lock = threading.Lock()

    def record(self, request: Request, correlation_id: str, error_code: int | None,
               failure_reason: str) -> None:
        """Log a token-endpoint request (other paths are not sign-ins)."""
        path = request.path.split("?", 1)[0]
        if request.method != "POST" or not path.endswith(("/token", "/msi/token")):
            return
        try:
            form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8")).items()}
        except UnicodeDecodeError:
            form = {}
        from entra_tui.sandbox.directory import TENANTS, find_tenant

        parts = [p for p in path.split("/") if p]
        tenant = find_tenant(parts[0]) if parts else None
        client_id = form.get("client_id", "").lower()
        client = next((c for t in ([tenant] if tenant else TENANTS)
                       if (c := t.client(client_id)) is not None), None)
        username = form.get("username", "")
        user = tenant.user(username) if tenant and username else None
        resource = form.get("resource") or next(
            (s.rpartition("/")[0] for s in form.get("scope", "").split() if "/" in s), "")
        api = tenant.api_for_scope_resource(resource) if tenant and resource else None
        entry: dict[str, object] = {
            "id": str(uuid.uuid4()),
            "createdDateTime": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "userDisplayName": user.name if user else None,
            "userPrincipalName": user.upn if user else (username or None),
            "userId": user.object_id if user else None,
            "appId": client_id or None,
            "appDisplayName": client.name if client else None,
            "ipAddress": "127.0.0.1",
            "clientAppUsed": "Mobile Apps and Desktop clients",
            "correlationId": correlation_id,
            "conditionalAccessStatus": "notApplied",
            "isInteractive": form.get("grant_type") in ("authorization_code", "password"),
            "resourceDisplayName": api.name if api else None,
            "resourceId": api.client_id if api else None,
            "status": {"errorCode": error_code or 0,
                       "failureReason": failure_reason if error_code else None,
                       "additionalDetails": None},
            "_tenant": tenant.tenant_id if tenant else None,
        }
        with self._lock:
            self._entries.appendleft(entry)

    def entries(self, tenant_id: str) -> list[dict[str, object]]:
        """Newest first, as Graph lists them; only the tenant's own."""
        with self._lock:
            chosen = [e for e in self._entries if e["_tenant"] in (tenant_id, None)]
        return [{k: v for k, v in e.items() if k != "_tenant"} for e in chosen]
