"""The MSAL session manager: one MSAL app object per profile, reused; results, never raises.

MSAL and requests are imported on first use so the UI's first frame does not pay for them.
Calls block; the UI runs them in thread workers.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import Any

from entra_tui.core.certificates import load_certificate_credential
from entra_tui.core.clouds import is_microsoft_host
from entra_tui.core.errors import EntraTuiError
from entra_tui.core.failures import from_error_response, from_exception
from entra_tui.core.profiles import Profile
from entra_tui.core.results import AcquireError, AcquireResult, FailureKind
from entra_tui.core.secrets import resolve_reference

DEFAULT_TIMEOUT_SECONDS = 20.0
SOURCES = {"identity_provider": "identity provider", "cache": "cache"}


class SessionManager:
    """Acquires tokens for profiles, keeping each profile's MSAL app (and its cache) alive."""

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        before_network: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._timeout = timeout
        self._before_network = before_network
        self._clock = clock
        self._apps: dict[Profile, Any] = {}
        self._lock = threading.Lock()

    def acquire(self, profile: Profile, *, force_refresh: bool = False) -> AcquireResult:
        """Get an access token for `profile`; failures come back inside the result."""
        started = time.perf_counter()
        try:
            if self._before_network is not None:
                self._before_network()
            app = self._app_for(profile)
            if force_refresh:
                _forget_access_tokens(app, profile)
            response = app.acquire_token_for_client(scopes=list(profile.scopes))
        except EntraTuiError as exc:
            return self._failed(profile, started, AcquireError(FailureKind.CONFIGURATION,
                                                               str(exc)))
        except Exception as exc:  # MSAL and requests raise many types; all are reported
            return self._failed(profile, started, from_exception(exc, profile.authority_host))
        if "access_token" not in response:
            error = (from_error_response(response) if "error" in response else AcquireError(
                FailureKind.NETWORK, "the token response has no access_token"))
            return self._failed(profile, started, error)
        return AcquireResult(
            profile_name=profile.name,
            acquired_at=self._clock(),
            elapsed_ms=(time.perf_counter() - started) * 1000,
            access_token=response["access_token"],
            id_token=response.get("id_token"),
            source=SOURCES.get(response.get("token_source", ""), response.get("token_source")),
            expires_in=response.get("expires_in"),
        )

    def forget(self, profile: Profile) -> None:
        """Drop the profile's MSAL app and with it the tokens it cached."""
        with self._lock:
            self._apps.pop(profile, None)

    def _app_for(self, profile: Profile) -> Any:
        with self._lock:
            app = self._apps.get(profile)
            if app is None:
                app = self._build_app(profile)
                self._apps[profile] = app
            return app

    def _build_app(self, profile: Profile) -> Any:
        import msal

        return msal.ConfidentialClientApplication(
            profile.client_id,
            client_credential=self._credential(profile),
            authority=profile.authority,
            http_client=self._http_session(profile),
            # Off-Microsoft hosts (the sandbox, a private authority) have no instance metadata.
            instance_discovery=None if is_microsoft_host(profile.authority_host) else False,
            token_cache=msal.TokenCache(),
        )

    def _credential(self, profile: Profile) -> str | dict[str, str]:
        if profile.flow == "client_certificate":
            return load_certificate_credential(profile.certificate or "",
                                               profile.certificate_thumbprint)
        return resolve_reference(profile.secret or "", base_dir=profile.base_dir)

    def _http_session(self, profile: Profile) -> Any:
        """A profile with its own CA bundle (the sandbox, a private authority) trusts only that
        CA and ignores proxy/CA environment variables; otherwise the user's environment rules."""
        import requests

        session = requests.Session()
        if profile.ca_bundle:
            session.trust_env = False
            session.verify = profile.ca_bundle
        session.request = functools.partial(session.request, timeout=self._timeout)
        return session

    def _failed(self, profile: Profile, started: float, error: AcquireError) -> AcquireResult:
        return AcquireResult(
            profile_name=profile.name,
            acquired_at=self._clock(),
            elapsed_ms=(time.perf_counter() - started) * 1000,
            error=error,
        )


def _forget_access_tokens(app: Any, profile: Profile) -> None:
    """MSAL refuses `force_refresh` for client credentials; dropping the cached access tokens
    has the same effect and keeps the app object (and its discovery) alive."""
    import msal

    cache = app.token_cache
    for entry in list(cache.search(msal.TokenCache.CredentialType.ACCESS_TOKEN,
                                   query={"client_id": profile.client_id})):
        cache.remove_at(entry)
