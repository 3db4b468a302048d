"""Signature verification with three distinct outcomes: verified, failed (with why), not checked.

Online, keys come from Entra's published metadata, fetched from a constant origin per cloud
(login.microsoftonline.com, .us, login.chinacloudapi.cn) or from an origin the user trusts
explicitly (a profile's authority, --authority, the sandbox). A token's text never names a host
we connect to: its issuer is parsed strictly only to pick the cloud and the tenant id, and the
tenant id is percent-encoded into a path on that fixed origin. The discovery document's
`jwks_uri` must sit on the same origin. No redirects, a size cap and a deadline on every fetch.

v1.0 tokens are checked through v1 metadata ({origin}/{tid}/.well-known/openid-configuration,
whose keys at /common/discovery/keys carry no `issuer`), v2.0 tokens through v2 metadata
({origin}/{tid}/v2.0/.well-known/openid-configuration, keys carrying an `issuer` template); see
https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens ("Validate the
signature") and https://learn.microsoft.com/en-us/entra/identity-platform/signing-key-rollover.
A kid missing from the tenant's keys is looked up in the app's own keys (`?appid=`, for apps
with a claims-mapping policy or their own signing key) before the verdict "no key with kid".

Offline, keys come from a JWKS or PEM file. Every entry point returns a Verification, never
raises. PyJWT (and its crypto) and requests load only when a signature is actually checked.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Callable, Mapping
from enum import Enum
from pathlib import Path
from typing import Any, NamedTuple, ParamSpec
from urllib.parse import quote

from entra_tui.core.clouds import (
    CLOUD_HOSTS,
    canonical_origin,
    is_guid,
    is_tenant_id,
    parse_entra_issuer,
)
from entra_tui.core.token import DecodedToken

ASYMMETRIC_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
                         "ES384", "ES512")
# The curve each ECDSA algorithm signs with (RFC 7518 section 3.4).
EC_CURVES = {"ES256": "secp256r1", "ES384": "secp384r1", "ES512": "secp521r1"}
# Microsoft Graph's audiences: its tokens carry a header nonce and only Graph can verify them
# (https://learn.microsoft.com/en-us/troubleshoot/entra/entra-id/app-integration/
#  troubleshooting-signature-validation-errors lists these values).
GRAPH_AUDIENCES = frozenset({
    "00000003-0000-0000-c000-000000000000",
    "https://graph.microsoft.com", "https://graph.microsoft.com/",
    "https://graph.microsoft.us", "https://graph.microsoft.us/",
    "https://dod-graph.microsoft.us", "https://dod-graph.microsoft.us/",
})
MAX_RESPONSE_BYTES = 1024 * 1024  # discovery documents and JWKS are a few KiB
MAX_KEY_FILE_BYTES = 1024 * 1024
MAX_KEYS_TRIED = 50


class SignatureState(Enum):
    VERIFIED = "verified"
    FAILED = "failed"
    NOT_CHECKED = "not checked"


class Verification(NamedTuple):
    state: SignatureState
    reason: str
    key_source: str | None = None
    # The token's iss when the key that verified it was bound to that issuer (the key's
    # `issuer` template, or the issuer of the metadata it was fetched through); else None.
    issuer: str | None = None

    @property
    def summary(self) -> str:
        return f"{self.state.value}: {self.reason}"


_P = ParamSpec("_P")


def _never_raises(function: Callable[_P, Verification]) -> Callable[_P, Verification]:
    """The last line of defence: a verdict for every input, never a traceback or a UI that
    waits forever. Known failures are handled where they happen with a precise reason."""

    @functools.wraps(function)
    def guarded(*args: _P.args, **kwargs: _P.kwargs) -> Verification:
        try:
            return function(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - deliberately total
            return Verification(SignatureState.NOT_CHECKED, "the signature could not be "
                                f"checked ({type(exc).__name__})")
    return guarded


def _short(value: object, limit: int = 80) -> str:
    """Untrusted text in a reason: repr (controls escaped), bounded."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def is_graph_token(token: DecodedToken) -> bool:
    aud = token.claims.get("aud")
    return isinstance(aud, str) and aud in GRAPH_AUDIENCES


def precheck(token: DecodedToken) -> Verification | None:
    """Outcomes decided by the header alone, before any key is fetched."""
    alg = token.header.get("alg")
    if not isinstance(alg, str):
        return Verification(SignatureState.FAILED, f"the header's alg {_short(alg)} is not "
                            "an algorithm name")
    if alg.lower() == "none" or not token.signature:
        why = "alg: none" if alg.lower() == "none" else "its signature is empty"
        return Verification(SignatureState.FAILED, f"the token is unsigned ({why}); nobody "
                            "can vouch for its contents")
    if alg not in ASYMMETRIC_ALGORITHMS:
        return Verification(SignatureState.FAILED, f"alg {_short(alg)} is not a public-key "
                            "algorithm; Entra signs with RS256, and accepting a shared-secret "
                            "algorithm here would allow key confusion")
    if "nonce" in token.header:
        if is_graph_token(token):
            return Verification(SignatureState.NOT_CHECKED, "this is a Microsoft Graph token: "
                                "its header carries a nonce that Graph re-hashes before "
                                "checking, so only Graph can verify it; the nonce alone says "
                                "nothing about who signed it")
        return Verification(SignatureState.NOT_CHECKED, "header nonce: a token with a nonce "
                            "in its header cannot be verified by a third party, and only "
                            "Microsoft Graph's tokens (this one's aud is not Graph) are "
                            "issued that way")
    return None


@_never_raises
def verify_with_jwks(token: DecodedToken, jwks: Any, source: str) -> Verification:
    """Pick the key by `kid`, check its `issuer` (with `{tenantid}`), verify the signature."""
    early = precheck(token)
    if early is not None:
        return early
    keys = _keys_of(jwks)
    if not keys:
        return Verification(SignatureState.NOT_CHECKED, f"{source} holds no keys", source)
    kid = token.header.get("kid")
    if kid is not None and not isinstance(kid, str):
        return Verification(SignatureState.FAILED, f"the header's kid {_short(kid)} is not a "
                            "string", source)
    candidates = _candidates(keys, kid)
    if not candidates:
        return Verification(SignatureState.FAILED, f"no key with kid {_short(kid)} in "
                            f"{source}: signed by another tenant or cloud, or the keys were "
                            "rotated", source)
    return _verify_candidates(token, candidates, source, source)


def _keys_of(jwks: Any) -> list[dict[str, Any]]:
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if isinstance(jwks, dict) and keys is None and "kty" in jwks:
        keys = [jwks]
    if not isinstance(keys, list):
        return []
    return [k for k in keys if isinstance(k, dict) and k.get("use", "sig") == "sig"]


def _candidates(keys: list[dict[str, Any]], kid: str | None) -> list[dict[str, Any]]:
    """Keys with the token's kid; without a kid, every key (Entra always sends one)."""
    found = [k for k in keys if kid is None or k.get("kid") == kid]
    return found[:MAX_KEYS_TRIED]


def _verify_candidates(token: DecodedToken, candidates: list[dict[str, Any]], source: str,
                       key_set: str, bound: str | None = None) -> Verification:
    """Try each key with the token's kid (normally exactly one): verified if one verifies,
    else the first key's verdict."""
    first: Verification | None = None
    for key in candidates:
        result = _verify_one(token, key, source, key_set, bound)
        if result.state is SignatureState.VERIFIED:
            return result
        first = first or result
    assert first is not None
    return first


def _verify_one(token: DecodedToken, key: dict[str, Any], source: str,
                key_set: str, bound: str | None) -> Verification:
    kid = key.get("kid")
    name = f"key {_short(kid, 60)}" if kid is not None else "the key"
    issuer = key.get("issuer")
    if issuer is not None:
        if not isinstance(issuer, str):
            return Verification(SignatureState.NOT_CHECKED, f"{name} in {source} has an "
                                "issuer that is not text", source)
        tid = token.claims.get("tid")
        expected = issuer.replace("{tenantid}", tid if isinstance(tid, str) else "")
        if expected != token.claims.get("iss"):
            return Verification(SignatureState.FAILED, f"{name} belongs to issuer "
                                f"{_short(expected, 120)}, but the token says iss "
                                f"{_short(token.claims.get('iss'), 120)}", source)
        bound = expected
    alg = str(token.header.get("alg"))
    key_alg = key.get("alg")
    if key_alg is not None and key_alg != alg:
        return Verification(SignatureState.FAILED, f"{name} is published for "
                            f"{_short(key_alg, 20)}, but the token says alg {alg}", source)
    jwt = _jwt()
    try:
        public_key = jwt.PyJWK(key).key
    except (jwt.PyJWTError, ValueError, TypeError, KeyError, AttributeError) as exc:
        return Verification(SignatureState.NOT_CHECKED, f"{name} in {source} is unusable: "
                            f"{_short(str(exc), 120)}", source)
    return _check(token, public_key, source, name, key_set, bound)


@_never_raises
def verify_with_file(token: DecodedToken, path: Path) -> Verification:
    """Offline: a JWKS (or single JWK) JSON file, or a PEM public key or certificate."""
    path = Path(path)
    source = str(path)
    early = precheck(token)
    if early is not None:
        return early
    from entra_tui.core.safe_files import NotASmallFile, read_small_file

    try:  # a FIFO swapped in after a check would block the read: one non-blocking open
        data = read_small_file(path, MAX_KEY_FILE_BYTES)
    except NotASmallFile as exc:
        return Verification(SignatureState.NOT_CHECKED, f"{source} is larger than 1 MiB; a "
                            "key file is a few KiB" if "large" in str(exc) else
                            f"{source} is not a regular file")
    except OSError as exc:
        return Verification(SignatureState.NOT_CHECKED, f"cannot read {source}: "
                            f"{exc.strerror or type(exc).__name__}")
    if data.lstrip().startswith(b"{"):
        try:
            return verify_with_jwks(token, json.loads(data), source)
        except (ValueError, RecursionError):
            return Verification(SignatureState.NOT_CHECKED, f"{source} is not valid JSON")
    public_key = _pem_public_key(data)
    if public_key is None:
        return Verification(SignatureState.NOT_CHECKED, f"{source} is neither a JWKS file nor "
                            "a PEM public key or certificate")
    return _check(token, public_key, source, "the PEM key", source)


_TENANT_MISMATCH = "the token's tid"


class KeyTarget(NamedTuple):
    """Where a token's keys are fetched: an origin we chose, never one the token named."""

    origin: str
    tenant: str
    version: str  # which metadata: "1.0" or "2.0"


class KeyFetcher:
    """Fetches discovery documents and JWKS over HTTPS, caching them for the session."""

    def __init__(self, *, trusted_hosts: dict[str, str | None] | None = None,
                 timeout: float = 10.0, origins: Mapping[str, str] | None = None,
                 max_bytes: int = MAX_RESPONSE_BYTES) -> None:
        # Extra https origins the user trusts (e.g. a profile's authority), with a CA bundle.
        self._trusted: dict[str, str | None] = {}
        for origin, ca in (trusted_hosts or {}).items():
            self.trust(origin, ca)
        # The canonical key origin per cloud. `origins` replaces them for tests only (a local
        # server standing in for login.microsoftonline.com); the app never passes it.
        self._origins = dict(CLOUD_HOSTS)
        for cloud, origin in (origins or {}).items():
            fixed = canonical_origin(origin)
            if cloud not in self._origins or fixed is None:
                raise ValueError(f"not a cloud origin: {cloud}={origin}")
            self._origins[cloud] = fixed
        self._timeout = timeout
        # One verification may fetch up to six documents (tenant and app metadata and keys,
        # again after a key rollover); together they get this long.
        self._total_timeout = 2 * timeout
        self._local = threading.local()
        self._max_bytes = max_bytes
        self._cache: dict[str, Any] = {}
        self._lock = threading.Lock()

    def trust(self, origin: str | None, ca_bundle: str | None) -> None:
        """Trust an https origin the user configured; a malformed one is never trusted."""
        fixed = canonical_origin(origin)
        if fixed is not None:
            self._trusted[fixed] = ca_bundle

    def verify(self, token: DecodedToken, authority_host: str | None = None) -> Verification:
        self._local.deadline = time.monotonic() + self._total_timeout
        try:
            return self._verify(token, authority_host)
        finally:
            del self._local.deadline

    @_never_raises
    def _verify(self, token: DecodedToken, authority_host: str | None = None) -> Verification:
        early = precheck(token)
        if early is not None:
            return early
        target, problem = self.key_target(token, authority_host)
        if target is None:
            return Verification(SignatureState.FAILED if problem.startswith(_TENANT_MISMATCH)
                                else SignatureState.NOT_CHECKED, problem)
        kid = token.header.get("kid")
        if kid is not None and not isinstance(kid, str):
            return Verification(SignatureState.FAILED, f"the header's kid {_short(kid)} is not "
                                "a string")
        tenant_path = quote(target.tenant, safe="")
        metadata = (f"{target.origin}/{tenant_path}/.well-known/openid-configuration"
                    if target.version == "1.0" else
                    f"{target.origin}/{tenant_path}/v2.0/.well-known/openid-configuration")
        label = f"tenant {target.tenant}'s v{target.version} keys"
        with self._lock:
            cached = metadata in self._cache
        try:
            keys, jwks_uri = self._keys_from(metadata, target, token)
            candidates = _candidates(keys, kid)
            if not candidates and cached:  # keys roll over: a kid we have not seen yet
                keys, jwks_uri = self._keys_from(metadata, target, token, refresh=True)
                candidates = _candidates(keys, kid)
        except KeyFetchError as exc:
            return Verification(SignatureState.NOT_CHECKED, str(exc))
        except _IssuerMismatch as exc:
            return Verification(SignatureState.FAILED, str(exc), metadata)
        if candidates:
            return _verify_candidates(token, candidates, jwks_uri, label,
                                      token.claims.get("iss"))
        tried = [jwks_uri]
        for app in _app_ids(token):
            app_metadata = f"{metadata}?appid={app}"
            try:
                app_keys, app_jwks_uri = self._keys_from(app_metadata, target, token)
            except KeyFetchError as exc:
                tried.append(f"app {app}'s keys ({exc})")
                continue
            except _IssuerMismatch as exc:
                return Verification(SignatureState.FAILED, str(exc), app_metadata)
            candidates = _candidates(app_keys, kid)
            if candidates:
                return _verify_candidates(token, candidates, app_jwks_uri,
                                          f"app {app}'s own signing keys (only that app, the "
                                          "token's audience, should accept it)",
                                          token.claims.get("iss"))
            tried.append(app_jwks_uri)
        hint = (" If this is an Azure Government token, verify it with --authority "
                "https://login.microsoftonline.us." if target.version == "1.0"
                and target.origin == self._origins["public"] else "")
        return Verification(SignatureState.FAILED, f"no key with kid {_short(kid)} in "
                            f"{' nor '.join(tried)}: signed by another tenant or cloud, by a key "
                            f"Entra does not publish, or the keys were rotated.{hint}", jwks_uri)

    def key_target(self, token: DecodedToken,
                   authority_host: str | None = None) -> tuple[KeyTarget | None, str]:
        """The fixed origin, tenant and metadata version for a token, or why there is none."""
        iss = token.claims.get("iss")
        authority = None
        if authority_host:
            authority = canonical_origin(authority_host)
            if authority is None:
                return None, (f"authority {_short(authority_host)} is not a plain https origin "
                              "(https://host[:port]), so no keys are fetched from it")
        entra = parse_entra_issuer(iss)
        trusted = self._trusted_issuer(iss, ([authority] if authority else [])
                                       + list(self._trusted))
        if entra is None and trusted is None:
            if isinstance(iss, str) and iss.startswith("http://"):
                return None, (f"the issuer {_short(iss)} is not an https URL, so its keys are "
                              "not fetched")
            return None, (f"the issuer {_short(iss, 120)} is not an Entra host or an issuer of "
                          "an authority you trust (a profile's, or --authority); keys are only "
                          "fetched from those, and only for an issuer spelled exactly as they "
                          "issue it")
        if entra is not None:
            origin, tenant, version = self._origins[entra.cloud], entra.tenant, entra.version
        else:
            assert trusted is not None  # one of the two, checked above
            origin, tenant, version = trusted
        if authority is not None:
            if entra is not None and trusted is None:
                # sts.windows.net issues v1 tokens for the public and US Government clouds.
                clouds = ({"public", "usgov"} if entra.version == "1.0"
                          and entra.cloud == "public" else {entra.cloud})
                named = {cloud for cloud, host in CLOUD_HOSTS.items() if host == authority}
                if named and not named & clouds:
                    return None, (f"the token was issued in the {entra.cloud} cloud, but the "
                                  f"authority {authority} is the {named.pop()} cloud's")
            origin = authority
        claimed_ver = token.claims.get("ver")
        if claimed_ver in ("1.0", "2.0"):
            version = claimed_ver
        tid = token.claims.get("tid")
        if tid is not None and (not isinstance(tid, str) or tid.lower() != tenant.lower()):
            return None, (f"{_TENANT_MISMATCH} {_short(tid)} is not the tenant its issuer names "
                          f"({tenant}); Entra never issues such a token")
        return KeyTarget(origin, tenant, version), ""

    def _trusted_issuer(self, iss: object,
                        origins: list[str]) -> tuple[str, str, str] | None:
        """An issuer of a trusted origin: exactly {origin}/{tenant}/v2.0 or {origin}/{tenant}/."""
        if not isinstance(iss, str):
            return None
        for origin in origins:
            rest = iss[len(origin) + 1:] if iss.startswith(origin + "/") else None
            if rest is None:
                continue
            tenant, slash, suffix = rest.partition("/")
            if slash and is_tenant_id(tenant) and suffix in ("v2.0", ""):
                return origin, tenant, "2.0" if suffix else "1.0"
        return None

    def tenant_id_for(self, domain: str, authority_host: str | None = None,
                      cloud: str = "public") -> str | None:
        """The tenant id behind a verified domain, read from the issuer of the domain's v2
        metadata on a fixed origin (Entra answers /{domain}/v2.0/.well-known/... with the
        tenant's GUID in `issuer`); None when it cannot be learnt."""
        if not is_tenant_id(domain):
            return None
        origin = canonical_origin(authority_host) if authority_host else self._origins.get(cloud)
        if origin is None:
            return None
        url = f"{origin}/{quote(domain, safe='')}/v2.0/.well-known/openid-configuration"
        try:
            document = self._get_json(url, origin)
        except Exception:  # noqa: BLE001 - "unknown" is an answer here
            return None
        issuer = document.get("issuer") if isinstance(document, dict) else None
        entra = parse_entra_issuer(issuer)
        own = self._trusted_issuer(issuer, [origin])
        tenant = entra.tenant if entra is not None else own[1] if own is not None else None
        return tenant.lower() if is_guid(tenant) else None

    def _keys_from(self, metadata_url: str, target: KeyTarget, token: DecodedToken,
                   refresh: bool = False) -> tuple[list[dict[str, Any]], str]:
        """Read a discovery document, bind it to the token's issuer, fetch its keys."""
        document = self._get_json(metadata_url, target.origin, refresh)
        if not isinstance(document, dict):
            raise KeyFetchError(f"{metadata_url} is not a discovery document")
        issuer = document.get("issuer")
        if not isinstance(issuer, str):
            raise KeyFetchError(f"the discovery document at {metadata_url} names no issuer")
        expected = issuer.replace("{tenantid}", target.tenant)
        if expected != token.claims.get("iss"):
            raise _IssuerMismatch(f"the v{target.version} metadata for tenant {target.tenant} "
                                  f"says tokens come from {_short(expected, 120)}, but the token "
                                  f"says iss {_short(token.claims.get('iss'), 120)}")
        jwks_uri = _same_origin_url(document.get("jwks_uri"), target.origin)
        if jwks_uri is None:
            raise KeyFetchError(f"the discovery document at {metadata_url} names keys at "
                                f"{_short(document.get('jwks_uri'), 120)}, which is not on "
                                f"{target.origin}; keys are fetched from nowhere else")
        return _keys_of(self._get_json(jwks_uri, target.origin, refresh)), jwks_uri

    def _get_json(self, url: str, origin: str, refresh: bool = False) -> Any:
        with self._lock:
            if url in self._cache and not refresh:
                return self._cache[url]
        import requests

        # A wall-clock deadline for the whole fetch (connect, headers, body), within the
        # deadline of the verification it serves: requests' timeout restarts with every byte,
        # so a server dripping its headers could otherwise hold a verification for ever.
        deadline = min(time.monotonic() + self._timeout,
                       getattr(self._local, "deadline", float("inf")))
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise KeyFetchError(f"no time left to fetch {url}")
        session = requests.Session()
        ca_bundle = self._trusted.get(origin)
        if ca_bundle:
            session.trust_env = False
            session.verify = ca_bundle
        outcome: dict[str, Any] = {}

        def fetch() -> None:
            try:
                outcome["body"] = self._fetch_body(session, url, deadline)
            except BaseException as exc:  # handed to the waiting thread  # noqa: BLE001
                outcome["error"] = exc

        worker = threading.Thread(target=fetch, name="entra-tui key fetch", daemon=True)
        worker.start()
        worker.join(remaining)
        if worker.is_alive():
            session.close()  # the daemon thread ends with its socket
            raise KeyFetchError(f"{url} did not finish in time")
        if "error" in outcome:
            raise outcome["error"]
        try:
            data = json.loads(outcome["body"])
        except (ValueError, RecursionError):
            raise KeyFetchError(f"{url} did not return JSON") from None
        with self._lock:
            self._cache[url] = data
        return data

    def _fetch_body(self, session: Any, url: str, deadline: float) -> bytes:
        import requests
        import urllib3

        try:
            with session, session.get(url, timeout=self._timeout, allow_redirects=False,
                                      stream=True) as response:
                if response.is_redirect or 300 <= response.status_code < 400:
                    raise KeyFetchError(f"{url} answered with a redirect (HTTP "
                                        f"{response.status_code}); redirects are never "
                                        "followed when fetching keys")
                if response.status_code != 200:
                    raise KeyFetchError(f"{url} answered HTTP {response.status_code}")
                body = bytearray()
                while True:  # read1: one network read at a time, so the deadline holds
                    chunk = response.raw.read1(65536, decode_content=True)
                    if not chunk:
                        break
                    body += chunk
                    if len(body) > self._max_bytes:
                        raise KeyFetchError(f"{url} sent more than "
                                            f"{self._max_bytes // 1024} KiB; a key document is "
                                            "a few KiB")
                    if time.monotonic() > deadline:
                        raise KeyFetchError(f"{url} did not finish in time")
        except requests.exceptions.SSLError:
            raise KeyFetchError(f"TLS failed fetching {url}: certificate not trusted") from None
        except (requests.exceptions.Timeout, urllib3.exceptions.TimeoutError, TimeoutError):
            raise KeyFetchError(f"{url} did not answer in time") from None
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError):
            raise KeyFetchError(f"cannot reach {url}") from None
        return bytes(body)

def domain_tenant_ids(expected_tenant: str | None, token: DecodedToken,
                      authority_host: str | None = None, ca_bundle: str | None = None,
                      fetcher: KeyFetcher | None = None) -> dict[str, str]:
    """{domain: tenant id} for an expected tenant given as a verified domain, looked up online
    on a fixed origin (the authority, or the token's cloud's); empty when not a domain or not
    found. For `--expect-tenant contoso.com` with `--verify`."""
    from entra_tui.core.expectations import is_domain

    if not expected_tenant or not is_domain(expected_tenant):
        return {}
    fetcher = fetcher or KeyFetcher()
    if authority_host:
        fetcher.trust(authority_host, ca_bundle)
    entra = parse_entra_issuer(token.claims.get("iss"))
    tid = fetcher.tenant_id_for(expected_tenant, authority_host,
                                entra.cloud if entra else "public")
    return {expected_tenant: tid} if tid else {}


class KeyFetchError(Exception):
    """Keys could not be fetched; verification is then 'not checked', never 'failed'."""


class _IssuerMismatch(Exception):
    """The tenant's metadata names another issuer than the token: 'failed'."""


_URL_PATH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/")
_URL_QUERY_CHARS = _URL_PATH_CHARS | frozenset("=&")


def _same_origin_url(url: object, origin: str) -> str | None:
    """`url` when it is exactly `origin` + a plain path (+ a plain query), else None."""
    if not isinstance(url, str) or not url.startswith(origin + "/"):
        return None
    path, _, query = url[len(origin):].partition("?")
    if not set(path) <= _URL_PATH_CHARS or not set(query) <= _URL_QUERY_CHARS:
        return None
    if "//" in path or any(part in (".", "..") for part in path.split("/")):
        return None
    return url


def _app_ids(token: DecodedToken) -> list[str]:
    """The app whose own signing keys may have signed the token: only the audience (the
    resource with a claims-mapping policy or its own key, which is the one app that should
    accept such a token), and only as a GUID. Never the client (`appid`/`azp`): the token
    names its client itself, and that app's owner holds its key, so trusting the client's keys
    would let any app with its own key vouch for tokens to every other API in the tenant.
    https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-the-signature"""
    aud = token.claims.get("aud")
    return [aud.lower()] if is_guid(aud) else []


def _pem_public_key(data: bytes) -> Any | None:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        if b"BEGIN CERTIFICATE" in data:
            return x509.load_pem_x509_certificate(data).public_key()
        return load_pem_public_key(data)
    except (ValueError, TypeError):
        return None


def _jwt() -> Any:
    """PyJWT, loaded when a signature is checked. Its key-length warning would print a
    source line on stderr; weak keys get a verdict of their own (`_key_mismatch`)."""
    import warnings

    import jwt
    import jwt.warnings

    warnings.filterwarnings("ignore", category=jwt.warnings.InsecureKeyLengthWarning)
    return jwt


MIN_RSA_BITS = 2048  # NIST SP 800-131A; Entra's published keys are 2048-bit


def _key_mismatch(alg: str, public_key: Any) -> str | None:
    """Why `public_key` cannot have made an `alg` signature, or None when it can."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if alg[:2] in ("RS", "PS"):
        if not isinstance(public_key, rsa.RSAPublicKey):
            return f"is {_kind(public_key)}, but an {alg} signature needs an RSA key"
        if public_key.key_size < MIN_RSA_BITS:
            return (f"is a {public_key.key_size}-bit RSA key, too weak to vouch for anything "
                    f"(Entra signs with {MIN_RSA_BITS}-bit keys or larger)")
        return None
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        return f"is {_kind(public_key)}, but an {alg} signature needs an EC key"
    if public_key.curve.name != EC_CURVES[alg]:
        return f"is on curve {public_key.curve.name}, but {alg} signs on {EC_CURVES[alg]}"
    return None


def _kind(public_key: Any) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if isinstance(public_key, rsa.RSAPublicKey):
        return "an RSA key"
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return "an EC key"
    return f"a {type(public_key).__name__.removeprefix('_')}"


def _check(token: DecodedToken, public_key: Any, source: str, key_name: str,
           key_set: str, bound: str | None = None) -> Verification:
    jwt = _jwt()
    alg = str(token.header.get("alg"))
    mismatch = _key_mismatch(alg, public_key)
    if mismatch is not None:
        return Verification(SignatureState.FAILED, f"{key_name} from {source} {mismatch}",
                            source)
    try:
        # The JWS layer only: the signature covers bytes, and parsing the payload's JSON
        # again here (PyJWT refuses a 5,000-digit number) must not decide the verdict.
        jwt.api_jws.PyJWS().decode(token.raw, public_key, algorithms=[alg])
    except jwt.InvalidSignatureError:
        return Verification(SignatureState.FAILED, f"the signature does not match {key_name} "
                            f"from {source}: the token was altered or signed by someone else",
                            source)
    except jwt.InvalidKeyError as exc:
        return Verification(SignatureState.FAILED, f"{key_name} cannot check an {alg} "
                            f"signature: {_short(str(exc), 120)}", source)
    except jwt.PyJWTError as exc:
        return Verification(SignatureState.FAILED, "the signature could not be checked: "
                            f"{_short(str(exc), 120)}", source)
    except (TypeError, ValueError) as exc:
        return Verification(SignatureState.FAILED, f"{key_name} cannot check an {alg} "
                            f"signature ({type(exc).__name__})", source)
    where = source if key_set == source else f"{key_set} ({source})"
    return Verification(SignatureState.VERIFIED, f"signed by {key_name} from {where}", source,
                        bound)
