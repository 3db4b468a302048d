"""Signature verification with three distinct outcomes: verified, failed (with why), not checked.

Online, keys come from the issuer's discovery document and JWKS, fetched only from Entra's
hosts or a host the user trusts explicitly (a profile's authority, the sandbox): a pasted
token never makes us fetch an arbitrary URL. Offline, keys come from a JWKS or PEM file.
PyJWT (and its crypto) and requests load only when a signature is actually checked.
"""

from __future__ import annotations

import json
import threading
from enum import Enum
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from entra_tui.core.token import DecodedToken

ENTRA_HOSTS = frozenset({
    "login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn",
    "sts.windows.net", "login.windows.net", "login.partner.microsoftonline.cn",
})
# Hosts that issue tokens but publish keys under another name.
KEY_HOST_FOR = {"sts.windows.net": "login.microsoftonline.com",
                "login.windows.net": "login.microsoftonline.com"}
ASYMMETRIC_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
                         "ES384", "ES512")


class SignatureState(Enum):
    VERIFIED = "verified"
    FAILED = "failed"
    NOT_CHECKED = "not checked"


class Verification(NamedTuple):
    state: SignatureState
    reason: str
    key_source: str | None = None

    @property
    def summary(self) -> str:
        return f"{self.state.value}: {self.reason}"


def precheck(token: DecodedToken) -> Verification | None:
    """Outcomes decided by the header alone, before any key is fetched."""
    alg = str(token.header.get("alg", ""))
    if alg.lower() == "none" or not token.signature:
        return Verification(SignatureState.FAILED, "the token is unsigned (alg: none); "
                            "nobody can vouch for its contents")
    if "nonce" in token.header:
        return Verification(SignatureState.NOT_CHECKED, "this is a Microsoft Graph token: its "
                            "header carries a nonce that Graph re-hashes before checking, so "
                            "only Graph can verify it (this is by design, not a bad token)")
    if alg not in ASYMMETRIC_ALGORITHMS:
        return Verification(SignatureState.FAILED, f"alg {alg} is not a public-key algorithm; "
                            "Entra signs with RS256, and accepting a shared-secret algorithm "
                            "here would allow key confusion")
    return None


def verify_with_jwks(token: DecodedToken, jwks: Any, source: str) -> Verification:
    """Pick the key by `kid`, check its `issuer` (with `{tenantid}`), verify the signature."""
    early = precheck(token)
    if early is not None:
        return early
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if isinstance(jwks, dict) and keys is None and "kty" in jwks:
        keys = [jwks]
    if not isinstance(keys, list) or not keys:
        return Verification(SignatureState.NOT_CHECKED, f"{source} holds no keys", source)
    kid = token.header.get("kid")
    candidates = [k for k in keys if isinstance(k, dict) and (kid is None or k.get("kid") == kid)]
    if not candidates:
        return Verification(SignatureState.FAILED, f"no key with kid {kid!r} in {source}: "
                            "signed by another tenant or cloud, or the keys were rotated",
                            source)
    key = candidates[0]
    issuer = key.get("issuer")
    if isinstance(issuer, str):
        expected = issuer.replace("{tenantid}", str(token.claims.get("tid", "")))
        if expected != token.claims.get("iss"):
            return Verification(SignatureState.FAILED, f"key {kid} belongs to issuer "
                                f"{expected}, but the token says iss "
                                f"{token.claims.get('iss')}", source)
    import jwt

    try:
        public_key = jwt.PyJWK(key).key
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        return Verification(SignatureState.NOT_CHECKED, f"key {kid} in {source} is unusable: "
                            f"{exc}", source)
    return _check(token, public_key, source, f"key {kid}" if kid else "the key")


def verify_with_file(token: DecodedToken, path: Path) -> Verification:
    """Offline: a JWKS (or single JWK) JSON file, or a PEM public key or certificate."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Verification(SignatureState.NOT_CHECKED, f"cannot read {path}: {exc.strerror}")
    if data.lstrip().startswith(b"{"):
        try:
            return verify_with_jwks(token, json.loads(data), source)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return Verification(SignatureState.NOT_CHECKED, f"{path} is not valid JSON")
    early = precheck(token)
    if early is not None:
        return early
    public_key = _pem_public_key(data)
    if public_key is None:
        return Verification(SignatureState.NOT_CHECKED, f"{path} is neither a JWKS file nor a "
                            "PEM public key or certificate")
    return _check(token, public_key, source, "the PEM key")


class KeyFetcher:
    """Fetches discovery documents and JWKS over HTTPS, caching them for the session."""

    def __init__(self, *, trusted_hosts: dict[str, str | None] | None = None,
                 timeout: float = 10.0) -> None:
        # Extra https origins the user trusts (e.g. a profile's authority), with a CA bundle.
        self._trusted = {origin.rstrip("/"): ca for origin, ca in (trusted_hosts or {}).items()}
        self._timeout = timeout
        self._cache: dict[str, Any] = {}
        self._lock = threading.Lock()

    def trust(self, origin: str, ca_bundle: str | None) -> None:
        self._trusted[origin.rstrip("/")] = ca_bundle

    def verify(self, token: DecodedToken, authority_host: str | None = None) -> Verification:
        early = precheck(token)
        if early is not None:
            return early
        origin, problem = self._key_origin(token, authority_host)
        if origin is None:
            return Verification(SignatureState.NOT_CHECKED, problem)
        tid = str(token.claims.get("tid") or self._tenant_from_iss(token) or "common")
        discovery_url = f"{origin}/{tid}/v2.0/.well-known/openid-configuration"
        try:
            discovery = self._get_json(discovery_url, origin)
            jwks_uri = str(discovery.get("jwks_uri", ""))
            jwks_origin = _origin(jwks_uri)
            if jwks_origin is None or not self._allowed(jwks_origin):
                return Verification(SignatureState.NOT_CHECKED, f"the discovery document at "
                                    f"{discovery_url} names keys at an untrusted place: "
                                    f"{jwks_uri!r}")
            jwks = self._get_json(jwks_uri, jwks_origin)
        except KeyFetchError as exc:
            return Verification(SignatureState.NOT_CHECKED, str(exc))
        return verify_with_jwks(token, jwks, jwks_uri)

    def _key_origin(self, token: DecodedToken,
                    authority_host: str | None) -> tuple[str | None, str]:
        if authority_host:
            origin = _origin(authority_host)
            if origin is None:
                return None, f"authority {authority_host} is not an https URL"
            self._trusted.setdefault(origin, None)
            return _key_host(origin), ""
        iss = str(token.claims.get("iss", ""))
        origin = _origin(iss)
        if origin is None:
            return None, f"the issuer {iss!r} is not an https URL, so its keys are not fetched"
        if not self._allowed(origin):
            return None, (f"the issuer {origin} is not an Entra host; keys are only fetched "
                          "from Entra or an authority you trust (a profile's, or --authority)")
        return _key_host(origin), ""

    def _allowed(self, origin: str) -> bool:
        host = urlsplit(origin).hostname or ""
        return host in ENTRA_HOSTS or origin in self._trusted

    @staticmethod
    def _tenant_from_iss(token: DecodedToken) -> str | None:
        parts = urlsplit(str(token.claims.get("iss", ""))).path.strip("/").split("/")
        return parts[0] if parts and parts[0] else None

    def _get_json(self, url: str, origin: str) -> Any:
        with self._lock:
            if url in self._cache:
                return self._cache[url]
        import requests

        session = requests.Session()
        ca_bundle = self._trusted.get(origin)
        if ca_bundle:
            session.trust_env = False
            session.verify = ca_bundle
        try:
            response = session.get(url, timeout=self._timeout)
        except requests.exceptions.SSLError:
            raise KeyFetchError(f"TLS failed fetching {url}: certificate not trusted") from None
        except requests.exceptions.Timeout:
            raise KeyFetchError(f"{url} did not answer in time") from None
        except requests.exceptions.RequestException:
            raise KeyFetchError(f"cannot reach {url}") from None
        if response.status_code != 200:
            raise KeyFetchError(f"{url} answered HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError:
            raise KeyFetchError(f"{url} did not return JSON") from None
        with self._lock:
            self._cache[url] = data
        return data


class KeyFetchError(Exception):
    """Keys could not be fetched; verification is then 'not checked', never 'failed'."""


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return None
    return f"https://{parts.netloc}"


def _key_host(origin: str) -> str:
    host = urlsplit(origin).hostname or ""
    return f"https://{KEY_HOST_FOR[host]}" if host in KEY_HOST_FOR else origin


def _pem_public_key(data: bytes) -> Any | None:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        if b"BEGIN CERTIFICATE" in data:
            return x509.load_pem_x509_certificate(data).public_key()
        return load_pem_public_key(data)
    except ValueError:
        return None


def _check(token: DecodedToken, public_key: Any, source: str, key_name: str) -> Verification:
    import jwt

    alg = str(token.header.get("alg"))
    try:
        jwt.decode(token.raw, public_key, algorithms=[alg], options={
            "verify_signature": True, "verify_aud": False, "verify_iss": False,
            "verify_exp": False, "verify_nbf": False, "verify_iat": False})
    except jwt.InvalidSignatureError:
        return Verification(SignatureState.FAILED, f"the signature does not match {key_name} "
                            f"from {source}: the token was altered or signed by someone else",
                            source)
    except jwt.InvalidKeyError as exc:
        return Verification(SignatureState.FAILED, f"{key_name} cannot check an {alg} "
                            f"signature: {exc}", source)
    except jwt.PyJWTError as exc:
        return Verification(SignatureState.FAILED, f"the signature could not be checked: "
                            f"{exc}", source)
    return Verification(SignatureState.VERIFIED, f"signed by {key_name} from {source}", source)
