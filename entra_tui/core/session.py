"""The MSAL session manager: one MSAL app object per profile, reused; results, never raises.

Every flow an app registration uses is here: client credentials (secret, certificate as PEM
or PFX, optionally sending x5c, federated assertion), device code, interactive browser,
username/password, on-behalf-of and managed identity. User flows try MSAL's cache (and its
refresh token) first. MSAL and requests load on first use; calls block, so the UI runs them
in thread workers.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from entra_tui.core.clouds import is_microsoft_host
from entra_tui.core.errors import CredentialError, EntraTuiError
from entra_tui.core.flows import FLOWS, Flow
from entra_tui.core.profiles import Profile
from entra_tui.core.results import AcquireError, AcquireResult, FailureKind
from entra_tui.core.secrets import (
    CredentialWatch,
    credential_watch,
    exposure_warning,
    resolve_path,
    resolve_reference,
)
from entra_tui.core.trace import Trace

# MSAL logs whole HTTP responses (tokens included) when one cannot be parsed; with no handler
# configured, Python would print them to stderr, onto the TUI's screen. Keep them silent.
_msal_log = logging.getLogger("msal")
_msal_log.addHandler(logging.NullHandler())
_msal_log.propagate = False

DEFAULT_TIMEOUT_SECONDS = 20.0
# Flows whose token is the app's own, from MSAL's acquire_token_for_client (read from FLOWS
# once: the check runs on every cache hit).
APP_TOKEN_FLOWS = frozenset(flow for flow, needs in FLOWS.items() if needs.app_token)
INTERACTIVE_TIMEOUT_SECONDS = 300
FEDERATED_TOKEN_ENV = "AZURE_FEDERATED_TOKEN_FILE"
SOURCES = {"identity_provider": "identity provider", "cache": "cache", "broker": "broker"}


class DeviceCodePrompt(NamedTuple):
    """What the user needs to sign in on another device."""

    user_code: str
    verification_uri: str
    expires_at: float
    message: str


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
        self._apps: dict[Profile, tuple[Any, CredentialWatch | None]] = {}
        self._lock = threading.Lock()
        self._pending_warnings: dict[str, str] = {}  # told once, with the next result
        self._reads: dict[str, str] = {}  # profile name -> the credential read for a request
        # The wire trace: each profile's last attempt (its start and profile), and the trace
        # its HTTP session recorded for that attempt (made on the attempt's first request,
        # so a cache hit only notes its start). See core/trace.py.
        self._attempts: dict[str, tuple[float, Profile]] = {}
        self._traces: dict[str, tuple[float, Trace]] = {}
        # The profile asked for last, its app and the watch over its credential files/vars.
        self._last: tuple[Profile | None, Any, CredentialWatch | None] = (None, None, None)

    def acquire(
        self, profile: Profile, *, force_refresh: bool = False,
        on_device_code: Callable[[DeviceCodePrompt], None] | None = None,
        cancel: threading.Event | None = None, user_assertion: str | None = None,
        on_sign_in_url: Callable[[str], None] | None = None,
        claims_challenge: str | None = None,
    ) -> AcquireResult:
        """Get an access token for `profile`; failures come back inside the result.

        Credentials (`env:`/`file:` secrets and passwords, certificate files) are read for
        every request that goes to the identity provider; `result.credential` says which
        was read and when. `on_sign_in_url` gets the sign-in URL of an interactive flow when
        no browser could be opened. `claims_challenge` (the JSON a resource's 401 carried,
        decoded) goes to the identity provider, past MSAL's cache."""
        started = time.perf_counter()
        self._attempts[profile.name] = (started, profile)
        try:
            if self._before_network is not None:
                self._before_network()
                self._before_network = None  # ready once is ready for good
        except Exception as exc:  # the authority (e.g. the sandbox) could not start
            return self._failed(profile, started, AcquireError(
                FailureKind.NETWORK, f"the authority is not available: {exc}"))
        try:
            last_profile, app, watch = self._last
            if profile is not last_profile:  # by identity: far cheaper than hashing a profile
                app, watch = self._app_for(profile)
            changed = watch is not None and watch.changed()
            if changed:
                # A new secret, password or certificate: a token cached under the old one
                # must not answer "does the new one work?". A new app (its HTTP throttle
                # cache too) and a trip to the identity provider.
                self.forget(profile)
                app, watch = self._app_for(profile)
            if claims_challenge:
                force_refresh = True
            if cancel is None and not force_refresh and not changed \
                    and profile.flow in APP_TOKEN_FLOWS:
                # The most common call: the app's token, straight from MSAL.
                response, source = app.acquire_token_for_client(list(profile.scopes)), None
                if response.get("token_source") == "cache" and not self._pending_warnings:
                    # From MSAL's cache: no credential read, no ID token, no warning due.
                    # Built without the NamedTuple's constructor frame: the README's
                    # `cache_hit_ratio` depends on it (a test in tests/test_session.py
                    # holds it equal to the ordinary record).
                    return tuple.__new__(AcquireResult, (
                        profile.name, self._clock(), (time.perf_counter() - started) * 1000,
                        response["access_token"], None, "cache", response.get("expires_in"),
                        None, None, (), None))
            elif cancel is None:
                response, source = self._run_flow(app, profile, force_refresh or changed,
                                                  on_device_code, cancel, user_assertion,
                                                  on_sign_in_url, changed, claims_challenge)
            else:  # cancellable mid-request: it runs in a daemon thread we can leave
                run = functools.partial(self._run_flow, app, profile, force_refresh or changed,
                                        on_device_code, cancel, user_assertion,
                                        on_sign_in_url, changed, claims_challenge)
                outcome = _interruptible(lambda: dict(zip(("response", "source"), run(),
                                                          strict=True)), cancel)
                response, source = outcome.get("response", {}), outcome.get("source")
        except EntraTuiError as exc:
            return self._failed(profile, started, AcquireError(FailureKind.CONFIGURATION,
                                                               str(exc)))
        except Exception as exc:  # MSAL and requests raise many types; all are reported
            from entra_tui.core.failures import from_exception, managed_identity_failure

            if profile.flow == Flow.MANAGED_IDENTITY:  # asked the host, not the authority
                return self._failed(profile, started, managed_identity_failure(exc))
            return self._failed(profile, started, from_exception(exc, profile.authority_host))
        if cancel is not None and cancel.is_set() and "access_token" not in response:
            return self._failed(profile, started, AcquireError(
                FailureKind.CANCELLED, "sign-in cancelled"))
        if "access_token" not in response:
            from entra_tui.core.failures import from_error_response

            error = (from_error_response(response) if "error" in response else AcquireError(
                FailureKind.NETWORK, "the token response has no access_token"))
            return self._failed(profile, started, error)
        token_source = response.get("token_source")
        source = source or SOURCES.get(token_source or "", token_source)
        warnings = self._warnings(profile) if (
            source != "cache" or self._pending_warnings) else ()
        claims = response.get("id_token_claims")
        credential = self._reads.pop(profile.name, None)
        return AcquireResult(
            profile_name=profile.name, acquired_at=self._clock(),
            elapsed_ms=(time.perf_counter() - started) * 1000,
            access_token=response["access_token"], id_token=response.get("id_token"),
            source=source, expires_in=response.get("expires_in"),
            account=(claims.get("preferred_username") or claims.get("upn")) if claims else None,
            warnings=warnings, credential=credential)

    def last_trace(self, name: str) -> Trace | None:
        """The wire trace of the profile's last attempt (empty when it made no request, e.g.
        a cache hit); None before its first attempt."""
        attempt = self._attempts.get(name)
        if attempt is None:
            return None
        started, profile = attempt
        recorded = self._traces.get(name)
        if recorded is not None and recorded[0] == started:
            return recorded[1]
        return Trace(name, profile.flow, time.time() - (time.perf_counter() - started))

    def _trace_for(self, name: str) -> Trace | None:
        """The trace of the profile's attempt in progress, made on its first request."""
        attempt = self._attempts.get(name)
        if attempt is None:  # a request outside acquire() (sign-out builds an app)
            return None
        started, profile = attempt
        recorded = self._traces.get(name)
        if recorded is not None and recorded[0] == started:
            return recorded[1]
        trace = Trace(name, profile.flow, time.time() - (time.perf_counter() - started))
        self._traces[name] = (started, trace)
        return trace

    def sign_out(self, profile: Profile) -> int:
        """Remove the profile's cached accounts and tokens (persisted ones too); how many."""
        with self._lock:
            app, _ = self._apps.pop(profile, (None, None))
            self._last = (None, None, None)
        if app is None:
            try:
                app = self._build_app(profile)
            except (EntraTuiError, OSError):
                return 0
        return _clear_cache(_cache_of(app))

    def forget(self, profile: Profile) -> None:
        """Drop the profile's MSAL app (in-memory tokens go with it; persisted ones stay)."""
        with self._lock:
            self._apps.pop(profile, None)
            self._last = (None, None, None)

    # --- flows ------------------------------------------------------------------------------
    def _run_flow(self, app: Any, profile: Profile, force: bool,
                  on_device_code: Callable[[DeviceCodePrompt], None] | None,
                  cancel: threading.Event | None,
                  user_assertion: str | None,
                  on_sign_in_url: Callable[[str], None] | None = None,
                  credential_changed: bool = False,
                  claims: str | None = None) -> tuple[dict[str, Any], str | None]:
        scopes = list(profile.scopes)
        flow = profile.flow
        extra = {"claims_challenge": claims} if claims else {}
        if flow == Flow.MANAGED_IDENTITY:
            if force:  # MSAL has no force-refresh here; a fresh client skips its cache
                self.forget(profile)
                app, _ = self._app_for(profile)
            resource = scopes[0].removesuffix("/.default")
            return app.acquire_token_for_client(resource=resource, **extra), None
        if flow == Flow.ON_BEHALF_OF:
            if not user_assertion:
                raise CredentialError(f"on-behalf-of needs a user token: acquire one with "
                                      f"profile '{profile.assertion_profile}' first")
            if force:
                _forget_access_tokens(app)
            return app.acquire_token_on_behalf_of(user_assertion, scopes, **extra), None
        if not profile.is_user_flow:
            if force:  # MSAL refuses force_refresh for client credentials
                _forget_access_tokens(app)
            return app.acquire_token_for_client(scopes=scopes, **extra), None
        # A changed password is tried, not hidden behind the refresh token it replaced.
        silent = None if credential_changed else self._silent(app, profile, scopes, force,
                                                              claims)
        if silent is not None:
            return silent
        if flow == Flow.DEVICE_CODE:
            return self._device_code(app, scopes, on_device_code, cancel,
                                     claims), "identity provider"
        if flow == Flow.INTERACTIVE:
            # MSAL calls auth_uri_callback only when no browser could be opened (and logs
            # the URL, which we silence, otherwise): the user needs it on screen.
            return app.acquire_token_interactive(
                scopes, port=profile.redirect_port or None,
                timeout=INTERACTIVE_TIMEOUT_SECONDS,
                auth_uri_callback=on_sign_in_url or _no_browser, **extra), "identity provider"
        password = resolve_reference(profile.password or "", base_dir=profile.base_dir)
        self._note_read(profile, f"password from {profile.password}")
        if not is_microsoft_host(profile.authority_host):
            # MSAL's user-realm lookup drops the port from the URL (it would call
            # https://127.0.0.1:443/...); hosts other than Microsoft's have no such endpoint.
            type(app.authority)._domains_without_user_realm_discovery.add(app.authority.instance)
        with warnings.catch_warnings():  # the pane already warns about this flow, in words
            warnings.simplefilter("ignore", DeprecationWarning)
            return app.acquire_token_by_username_password(
                profile.username, password, scopes, **extra), "identity provider"

    @staticmethod
    def _silent(app: Any, profile: Profile, scopes: list[str], force: bool,
                claims: str | None = None) -> tuple[dict[str, Any], str] | None:
        accounts = app.get_accounts(username=profile.username) if profile.username \
            else app.get_accounts()
        if not accounts:
            return None
        result = app.acquire_token_silent_with_error(scopes, account=accounts[0],
                                                     force_refresh=force,
                                                     claims_challenge=claims)
        if not result or "access_token" not in result:
            return None  # no usable refresh token: sign in again
        return result, ("cache" if result.get("token_source") == "cache"
                        else "refresh token")

    @staticmethod
    def _device_code(app: Any, scopes: list[str],
                     on_device_code: Callable[[DeviceCodePrompt], None] | None,
                     cancel: threading.Event | None,
                     claims: str | None = None) -> dict[str, Any]:
        flow = app.initiate_device_flow(scopes=scopes, claims_challenge=claims)
        if "user_code" not in flow:
            return flow
        if on_device_code is not None:
            on_device_code(DeviceCodePrompt(
                user_code=flow["user_code"], verification_uri=flow["verification_uri"],
                expires_at=float(flow.get("expires_at", time.time() + 900)),
                message=flow.get("message", "")))
        stop = cancel or threading.Event()
        return app.acquire_token_by_device_flow(
            flow, exit_condition=lambda f: stop.is_set() or f.get("expires_at", 0) < time.time())

    # --- app objects --------------------------------------------------------------------------
    def _app_for(self, profile: Profile) -> tuple[Any, CredentialWatch | None]:
        with self._lock:
            entry = self._apps.get(profile)
            if entry is None:
                # Stamped before anything is read: a change racing the read is seen next time.
                watch = credential_watch(
                    (profile.secret, profile.password, profile.certificate_password),
                    (profile.certificate,), profile.base_dir)
                entry = (self._build_app(profile), watch)
                self._apps[profile] = entry
            self._last = (profile, *entry)
            return entry

    def _build_app(self, profile: Profile) -> Any:
        import msal

        from entra_tui.core.cache import build_token_cache, cache_exposure_warning

        if profile.token_cache == "persistent":
            warning = cache_exposure_warning(profile.name)
            if warning:
                self._pending_warnings[profile.name] = warning
        cache = build_token_cache(profile.name, persistent=profile.token_cache == "persistent",
                                  allow_unencrypted=profile.allow_unencrypted_cache)
        http_client = self._http_session(profile)
        if profile.flow == Flow.MANAGED_IDENTITY:
            identity = (msal.UserAssignedManagedIdentity(client_id=profile.client_id)
                        if profile.client_id else msal.SystemAssignedManagedIdentity())
            return msal.ManagedIdentityClient(
                identity, http_client=http_client, token_cache=cache,
                client_capabilities=list(profile.client_capabilities) or None)
        common = {
            "authority": profile.authority,
            "http_client": http_client,
            # Off-Microsoft hosts (the sandbox, a private authority) have no instance metadata.
            "instance_discovery": None if is_microsoft_host(profile.authority_host) else False,
            "token_cache": cache,
            # ["cp1"]: MSAL asks for CAE tokens (xms_cc) and the app handles claims challenges.
            "client_capabilities": list(profile.client_capabilities) or None,
        }
        if profile.is_user_flow:
            return msal.PublicClientApplication(profile.client_id, **common)
        built: list[Any] = []  # the app, for the assertion's audience (its token endpoint)
        app = msal.ConfidentialClientApplication(
            profile.client_id, client_credential=self._credential(profile, built), **common)
        built.append(app)
        return app

    def _credential(self, profile: Profile, built: list[Any]) -> str | dict[str, Any]:
        """What MSAL authenticates the app with. Certificates and federated tokens are
        callables MSAL runs for every request (read and signed then); a secret is read here
        and again, by the HTTP session, for every request that carries it."""
        if profile.flow == Flow.FEDERATED:
            path = _federated_token_path(profile)
            return {"client_assertion": functools.partial(self._read_assertion, profile, path)}
        if profile.certificate and (profile.flow == Flow.CLIENT_CERTIFICATE
                                    or not profile.secret):
            return {"client_assertion": functools.partial(self._certificate_assertion, profile,
                                                          built)}
        return resolve_reference(profile.secret or "", base_dir=profile.base_dir)

    def _read_secret(self, profile: Profile) -> str:
        secret = resolve_reference(profile.secret or "", base_dir=profile.base_dir)
        self._note_read(profile, f"secret from {profile.secret}")
        return secret

    def _read_assertion(self, profile: Profile, path: Path) -> str:
        token = _read_assertion(path)
        self._note_read(profile, f"federated token from {path}")
        return token

    def _certificate_assertion(self, profile: Profile, built: list[Any]) -> str:
        """Read the certificate (and its PFX password) now and sign a new assertion."""
        from entra_tui.core.certificates import client_assertion, load_certificate_credential

        assert profile.certificate is not None
        password = (resolve_reference(profile.certificate_password, base_dir=profile.base_dir)
                    if profile.certificate_password else None)
        credential = load_certificate_credential(
            profile.certificate, profile.certificate_thumbprint, password=password,
            send_chain=profile.send_certificate_chain)
        self._note_read(profile, f"certificate from {profile.certificate}" + (
            f" with password from {profile.certificate_password}"
            if profile.certificate_password else ""))
        return client_assertion(credential, audience=built[0].authority.token_endpoint,
                                client_id=profile.client_id)

    def _note_read(self, profile: Profile, what: str) -> None:
        when = time.strftime("%H:%M:%S", time.localtime(self._clock()))
        self._reads[profile.name] = f"{what} (read {when})"

    def _http_session(self, profile: Profile) -> Any:
        """A profile with its own CA bundle (the sandbox, a private authority) trusts only that
        CA and ignores proxy/CA environment variables; otherwise the user's environment rules.
        A client secret is read again for every request that carries it."""
        import requests

        session = requests.Session()
        if profile.ca_bundle:
            session.trust_env = False
            session.verify = profile.ca_bundle
        send = _traced(functools.partial(session.request,
                                         timeout=profile.timeout_seconds or self._timeout),
                       functools.partial(self._trace_for, profile.name))
        request = send
        if profile.secret and profile.flow != Flow.FEDERATED and not (
                profile.certificate and profile.flow == Flow.CLIENT_CERTIFICATE):
            def send_fresh(method: str, url: str, *args: Any, data: Any = None,
                           **kwargs: Any) -> Any:
                if isinstance(data, dict) and "client_secret" in data:
                    data = {**data, "client_secret": self._read_secret(profile)}
                return send(method, url, *args, data=data, **kwargs)

            request = send_fresh
        # Every request MSAL makes goes through Session.request: this instance's is ours.
        setattr(session, "request", request)  # noqa: B010 (mypy: no method assignment)
        return session

    def _failed(self, profile: Profile, started: float, error: AcquireError) -> AcquireResult:
        return AcquireResult(
            profile_name=profile.name,
            acquired_at=self._clock(),
            elapsed_ms=(time.perf_counter() - started) * 1000,
            warnings=self._warnings(profile),
            error=error,
            credential=self._reads.pop(profile.name, None),
        )

    def _warnings(self, profile: Profile) -> tuple[str, ...]:
        pending = self._pending_warnings.pop(profile.name, None)
        return _exposure_warnings(profile) + ((pending,) if pending else ())


def _traced(send: Callable[..., Any],
            trace_for: Callable[[], Trace | None]) -> Callable[..., Any]:
    """`send` recording each exchange, raw, in the attempt's trace (redacted when shown)."""
    clock = time.perf_counter

    def request(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        begun = clock()
        try:
            response = send(method, url, *args, **kwargs)
        except Exception as exc:
            trace = trace_for()
            if trace is not None:
                trace.record(method, _with_params(url, kwargs.get("params")),
                             kwargs.get("data"), kwargs.get("headers"), begun,
                             (clock() - begun) * 1000, None, f"{type(exc).__name__}: {exc}")
            raise
        trace = trace_for()
        if trace is not None:
            trace.record(method, getattr(response, "url", None) or url, kwargs.get("data"),
                         kwargs.get("headers"), begun, (clock() - begun) * 1000, response)
        return response

    return request


def _with_params(url: str, params: Any) -> str:
    if not params:
        return url
    from urllib.parse import urlencode

    try:
        return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
    except (TypeError, ValueError):
        return url


def _federated_token_path(profile: Profile) -> Path:
    configured = profile.federated_token_file or os.environ.get(FEDERATED_TOKEN_ENV)
    if not configured:
        raise CredentialError(f"flow 'federated' needs federated_token_file, or "
                              f"{FEDERATED_TOKEN_ENV} set as workload identity does")
    return resolve_path(configured, profile.base_dir)


def _read_assertion(path: Path) -> str:
    """Read on every request: Kubernetes and GitHub rotate the file under us."""
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise CredentialError(f"federated token file {path} cannot be read: "
                              f"{exc.strerror}") from None
    if not token:
        raise CredentialError(f"federated token file {path} is empty")
    return token


def _no_browser(url: str) -> None:
    """No one to show the URL to: the sign-in waits for MSAL's timeout or a cancel."""


def _exposure_warnings(profile: Profile) -> tuple[str, ...]:
    references = (profile.secret, profile.password, profile.certificate_password)
    found = [exposure_warning(r, profile.base_dir) for r in references]
    if profile.certificate:
        found.append(exposure_warning(f"file:{profile.certificate}", what="certificate file"))
    return tuple(w for w in found if w)


def _interruptible(call: Callable[[], dict[str, Any]],
                   cancel: threading.Event | None) -> dict[str, Any]:
    """Run a request in a daemon thread, so a cancel (or quitting the app) returns at once.
    MSAL offers no way to stop a request, or its browser listener, early; the abandoned
    thread ends with the request's timeout (MSAL's, for a browser sign-in) or the process."""
    if cancel is None:
        return call()
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["result"] = call()
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="entra-tui-sign-in", daemon=True).start()
    while not done.wait(0.1):
        if cancel.is_set():
            return {}
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def _cache_of(app: Any) -> Any:
    return getattr(app, "token_cache", None) or getattr(app, "_token_cache", None)


def _forget_access_tokens(app: Any) -> None:
    """Drop cached access tokens (not accounts or refresh tokens) so the next call goes to
    the identity provider; keeps the app object and its discovery alive."""
    import msal

    cache = _cache_of(app)
    for entry in list(cache.search(msal.TokenCache.CredentialType.ACCESS_TOKEN)):
        cache.remove_at(entry)


def _clear_cache(cache: Any) -> int:
    import msal

    if cache is None:
        return 0
    kinds = msal.TokenCache.CredentialType
    removed = 0
    for kind, remove in ((kinds.ACCESS_TOKEN, cache.remove_at), (kinds.REFRESH_TOKEN,
                         cache.remove_rt), (kinds.ID_TOKEN, cache.remove_idt),
                         (kinds.ACCOUNT, cache.remove_account)):
        for entry in list(cache.search(kind)):
            remove(entry)
            removed += 1
    return removed
