"""Local HTTPS servers for verification tests: one laid out exactly like Entra's metadata and
key endpoints (standing in for login.microsoftonline.com), one an attacker's that answers any
path with its own discovery document and keys and records every request it sees.

Each server has its own CA. Tests trust them the way a public CA is trusted, through the
environment (REQUESTS_CA_BUNDLE / SSL_CERT_FILE name a bundle that includes them), so a client
that connects where a token points would really reach the attacker.

Entra's layout, from Microsoft's docs:
- v1 metadata {origin}/{tenant}/.well-known/openid-configuration: issuer
  https://sts.windows.net/{tid}/, jwks_uri https://login.microsoftonline.com/common/discovery/keys,
  whose keys carry no `issuer`
  (https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens, "Validate the
  signature"; https://learn.microsoft.com/en-us/troubleshoot/entra/entra-id/app-integration/
  troubleshooting-signature-validation-errors, on the keys each metadata endpoint names;
  and the v1 document itself as Entra serves it: "issuer":"https://sts.windows.net/{tenantid}/").
- v2 metadata {origin}/{tenant}/v2.0/.well-known/openid-configuration: issuer
  https://login.microsoftonline.com/{tid}/v2.0, jwks_uri {origin}/{tid}/discovery/v2.0/keys,
  keys with "issuer": "https://login.microsoftonline.com/{tenantid}/v2.0"
  (https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc).
- App-specific signing keys (claims-mapping policy, own signing key): "append an appid query
  parameter that contains the application ID to get a jwks_uri that points to the signing key
  information of the application" (the access-tokens page above).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import ipaddress
import json
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

SYSTEM_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Tls(NamedTuple):
    ca_pem: bytes
    cert_path: Path
    key_path: Path


def make_tls(directory: Path, name: str) -> Tls:
    """A CA of our own and a server certificate for 127.0.0.1 and localhost signed by it."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(hours=1))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                       False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    cert_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return Tls(ca.public_bytes(serialization.Encoding.PEM), cert_path, key_path)


def trust_bundle(directory: Path, *cas: bytes) -> Path:
    """The system's public CAs plus ours: what REQUESTS_CA_BUNDLE / SSL_CERT_FILE will name."""
    bundle = directory / "bundle.pem"
    system = SYSTEM_BUNDLE.read_bytes() if SYSTEM_BUNDLE.exists() else b""
    bundle.write_bytes(system + b"\n" + b"\n".join(cas))
    return bundle


class Reply(NamedTuple):
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
    delay: float = 0.0  # seconds before answering
    drip: float = 0.0  # seconds between body bytes


def json_reply(data: object, status: int = 200) -> Reply:
    return Reply(status, json.dumps(data).encode())


class HttpsServer:
    """A threaded HTTPS server answering from `routes` (path + query -> Reply) or `fallback`,
    recording every request line it receives (also ones it answers 404)."""

    def __init__(self, tls: Tls) -> None:
        self.routes: dict[str, Reply] = {}
        self.fallback: Callable[[str], Reply] | None = None
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                outer.requests.append(self.path)
                reply = outer.routes.get(self.path)
                if reply is None and outer.fallback is not None:
                    reply = outer.fallback(self.path)
                reply = reply or json_reply({"error": "not_found"}, 404)
                try:
                    time.sleep(reply.delay)
                    self.send_response(reply.status)
                    for name, value in reply.headers:
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if not reply.drip:
                        self.wfile.write(reply.body)
                    for index in range(len(reply.body) if reply.drip else 0):
                        self.wfile.write(reply.body[index:index + 1])
                        self.wfile.flush()
                        time.sleep(reply.drip)
                except OSError:  # the client gave up: that is what some tests want
                    self.close_connection = True

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls.cert_path, tls.key_path)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.origin = f"https://127.0.0.1:{self._server.server_address[1]}"
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class SigningKey:
    """An RSA (or EC) signing key as Entra publishes one: kid, x5t, n/e (x/y), x5c."""

    def __init__(self, kid: str, algorithm: str = "RS256") -> None:
        self.kid = kid
        self.algorithm = algorithm
        curve = {"ES256": ec.SECP256R1(), "ES384": ec.SECP384R1(), "ES512": ec.SECP521R1()}
        self.private_key: Any = (ec.generate_private_key(curve[algorithm])
                                 if algorithm.startswith("ES")
                                 else rsa.generate_private_key(public_exponent=65537,
                                                               key_size=2048))
        now = datetime.datetime.now(datetime.UTC)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "accounts.example")])
        self.certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                            .public_key(self.private_key.public_key())
                            .serial_number(x509.random_serial_number())
                            .not_valid_before(now - datetime.timedelta(hours=1))
                            .not_valid_after(now + datetime.timedelta(days=2))
                            .sign(self.private_key, hashes.SHA256()))
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        self.x5t = b64url(hashlib.sha1(der).digest())  # noqa: S324 - Entra's x5t is SHA-1
        self.x5c = base64.b64encode(der).decode()

    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def jwk(self, issuer: str | None = None) -> dict[str, object]:
        if self.algorithm.startswith("ES"):
            data = jwt.algorithms.ECAlgorithm.to_jwk(self.private_key.public_key(),
                                                      as_dict=True)
        else:
            data = jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key(),
                                                       as_dict=True)
        data = {"kty": data["kty"], "use": "sig", "kid": self.kid, "x5t": self.x5t,
                **{k: v for k, v in data.items() if k not in ("kty", "key_ops")},
                "x5c": [self.x5c]}
        if issuer is not None:
            data["issuer"] = issuer
        return data

    def sign(self, claims: dict[str, object], **header: object) -> str:
        headers: dict[str, object] = {"typ": "JWT", "kid": self.kid}
        if not self.algorithm.startswith("ES"):
            headers["x5t"] = self.x5t
        headers.update(header)
        return jwt.encode(claims, self.private_key, algorithm=self.algorithm, headers=headers)


V2_TEMPLATE = "https://login.microsoftonline.com/{tenantid}/v2.0"


def v1_issuer(tid: str) -> str:
    return f"https://sts.windows.net/{tid}/"


def v2_issuer(tid: str) -> str:
    return f"https://login.microsoftonline.com/{tid}/v2.0"


class EntraKeys:
    """Routes on `server` laid out like login.microsoftonline.com for some tenants."""

    def __init__(self, server: HttpsServer, common: SigningKey) -> None:
        self.server = server
        self.common = common  # Entra's shared keys sign every tenant's tokens

    def _metadata(self, tid: str, v2: bool, jwks_uri: str) -> dict[str, object]:
        origin = self.server.origin
        base = f"{origin}/{tid}" + ("/oauth2/v2.0" if v2 else "/oauth2")
        return {
            "token_endpoint": f"{base}/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                                                      "client_secret_basic"],
            "jwks_uri": jwks_uri,
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "token id_token",
                                         "token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"] if v2
            else ["openid"],
            "issuer": v2_issuer(tid) if v2 else v1_issuer(tid),
            "authorization_endpoint": f"{base}/authorize",
            "tenant_region_scope": "EU",
            "cloud_instance_name": "microsoftonline.com",
        }

    def add_tenant(self, tid: str, *, domain: str | None = None) -> None:
        origin = self.server.origin
        routes = self.server.routes
        for name in (tid, domain) if domain else (tid,):
            routes[f"/{name}/.well-known/openid-configuration"] = json_reply(
                self._metadata(tid, False, f"{origin}/common/discovery/keys"))
            routes[f"/{name}/v2.0/.well-known/openid-configuration"] = json_reply(
                self._metadata(tid, True, f"{origin}/{tid}/discovery/v2.0/keys"))
        routes["/common/discovery/keys"] = json_reply({"keys": [self.common.jwk()]})
        routes[f"/{tid}/discovery/v2.0/keys"] = json_reply(
            {"keys": [self.common.jwk(V2_TEMPLATE)]})

    def add_app_keys(self, tid: str, appid: str, key: SigningKey) -> None:
        """An app's own signing key, published beside the common ones under ?appid=."""
        origin = self.server.origin
        routes = self.server.routes
        routes[f"/{tid}/.well-known/openid-configuration?appid={appid}"] = json_reply(
            self._metadata(tid, False, f"{origin}/{tid}/discovery/keys?appid={appid}"))
        routes[f"/{tid}/v2.0/.well-known/openid-configuration?appid={appid}"] = json_reply(
            self._metadata(tid, True, f"{origin}/{tid}/discovery/v2.0/keys?appid={appid}"))
        routes[f"/{tid}/discovery/keys?appid={appid}"] = json_reply(
            {"keys": [self.common.jwk(), key.jwk()]})
        routes[f"/{tid}/discovery/v2.0/keys?appid={appid}"] = json_reply(
            {"keys": [self.common.jwk(V2_TEMPLATE), key.jwk(v2_issuer(tid))]})


def v1_claims(tenant: str, **extra: object) -> dict[str, object]:
    """A v1.0 app-only ARM token's claims, as Entra issues them."""
    now = int(time.time())
    claims: dict[str, object] = {
        "aud": "https://management.core.windows.net/", "iss": v1_issuer(tenant), "iat": now,
        "nbf": now, "exp": now + 3600, "aio": "E2Zg",
        "appid": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "appidacr": "1",
        "idp": v1_issuer(tenant), "idtyp": "app", "oid": "11111111-2222-3333-4444-555555555555",
        "rh": "0.AAAA", "sub": "11111111-2222-3333-4444-555555555555",
        "tid": tenant, "uti": "abc", "ver": "1.0"}
    claims.update(extra)
    return claims


def v2_claims(tenant: str, **extra: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "aud": "6e7f8091-a2b3-c4d5-e6f7-08192a3b4c5d", "iss": v2_issuer(tenant), "iat": now,
        "nbf": now, "exp": now + 3600, "azp": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        "azpacr": "1", "idtyp": "app", "oid": "11111111-2222-3333-4444-555555555555",
        "roles": ["Orders.Read.All"], "sub": "11111111-2222-3333-4444-555555555555",
        "tid": tenant, "uti": "abc", "ver": "2.0"}
    claims.update(extra)
    return claims


TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
OTHER_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
DOMAIN = "contoso.example"
API = "6e7f8091-a2b3-c4d5-e6f7-08192a3b4c5d"  # an API with its own signing key (appid keys)


class World(NamedTuple):
    entra: HttpsServer  # stands in for login.microsoftonline.com
    attacker: HttpsServer  # answers every path with its own discovery document and keys
    common: SigningKey  # Entra's shared signing key
    app_key: SigningKey  # API's own key, published under ?appid=API in TENANT
    attacker_key: SigningKey
    entra_ca: Path


@contextmanager
def entra_world(folder: Path) -> Iterator[World]:
    """Both servers running, both CAs trusted through the environment as public CAs are."""
    import pytest

    entra_tls, attacker_tls = make_tls(folder, "entra"), make_tls(folder, "attacker")
    bundle = trust_bundle(folder, entra_tls.ca_pem, attacker_tls.ca_pem)
    (folder / "entra-ca.pem").write_bytes(entra_tls.ca_pem)
    with pytest.MonkeyPatch.context() as env, running(entra_tls) as entra, \
            running(attacker_tls) as attacker:
        for name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE"):
            env.setenv(name, str(bundle))
        common, app_key = SigningKey("common-key-1"), SigningKey("app-key-1")
        attacker_key = SigningKey("attacker-key")
        layout = EntraKeys(entra, common)
        layout.add_tenant(TENANT, domain=DOMAIN)
        layout.add_tenant(OTHER_TENANT)
        layout.add_app_keys(TENANT, API, app_key)
        evil = {"issuer": f"{attacker.origin}/{TENANT}/v2.0",
                "jwks_uri": f"{attacker.origin}/keys", "keys": [attacker_key.jwk()]}
        attacker.fallback = lambda path: json_reply(evil)
        yield World(entra, attacker, common, app_key, attacker_key, folder / "entra-ca.pem")


@contextmanager
def running(tls: Tls) -> Iterator[HttpsServer]:
    server = HttpsServer(tls)
    try:
        yield server
    finally:
        server.close()
