"""The sandbox's certificates pass strict RFC 5280 verification on every Python.

Python 3.13's `ssl.create_default_context()` sets `VERIFY_X509_STRICT` (and
`VERIFY_X509_PARTIAL_CHAIN`); these tests set both explicitly, so 3.11 and 3.12 check what
3.13 checks. App certificates and the token-signing certificate are checked with
cryptography's verifier (strict RFC 5280, web-PKI profile) as a verifier of `x5c` would,
and with OpenSSL's strict mode in a mutual-TLS handshake. Nothing here weakens verification.
"""

from __future__ import annotations

import base64
import datetime as dt
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import msal
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from requests.adapters import HTTPAdapter

from entra_tui.core.certificates import load_certificate_credential
from entra_tui.sandbox import Sandbox
from entra_tui.sandbox.directory import PFX_PASSWORD, TENANTS

CONTOSO = TENANTS[0]
CERTIFICATE_APPS = [client for tenant in TENANTS for client in tenant.clients
                    if client.certificate]


def strict_context(ca_path: Path) -> ssl.SSLContext:
    """An SSL context as Python 3.13's `ssl.create_default_context()` makes it."""
    context = ssl.create_default_context(cafile=str(ca_path))
    context.verify_flags |= ssl.VERIFY_X509_STRICT | ssl.VERIFY_X509_PARTIAL_CHAIN
    return context


def strict_verifier(*anchors: x509.Certificate) -> Any:
    """cryptography's client-certificate verifier (strict RFC 5280), trusting `anchors`."""
    verification = pytest.importorskip("cryptography.x509.verification")
    if not hasattr(verification.PolicyBuilder, "build_client_verifier"):
        pytest.skip("this cryptography has no client-certificate verifier (needs 43 or later)")
    return (verification.PolicyBuilder().store(verification.Store(list(anchors)))
            .time(dt.datetime.now(dt.UTC)).build_client_verifier())


def sandbox_ca(sandbox: Sandbox) -> x509.Certificate:
    return x509.load_pem_x509_certificate(sandbox.ca_path.read_bytes())


class StrictAdapter(HTTPAdapter):
    """requests through a Python 3.13-style SSL context."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self._context = context
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = self._context
        super().init_poolmanager(*args, **kwargs)


class RecordingSession(requests.Session):
    """A real HTTPS session (strict TLS, trusting only the sandbox CA) that keeps the form
    fields MSAL posts, so a test can read the client assertion it sent."""

    def __init__(self, ca_path: Path) -> None:
        super().__init__()
        self.trust_env = False
        self.verify = str(ca_path)
        self.mount("https://", StrictAdapter(strict_context(ca_path)))
        self.posted: list[dict[str, str]] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any,
                **kwargs: Any) -> requests.Response:
        if isinstance(kwargs.get("data"), dict):
            self.posted.append(dict(kwargs["data"]))
        kwargs.setdefault("timeout", 20)
        return super().request(method, url, *args, **kwargs)


def test_python_313_context_has_a_tls_handshake_with_the_sandbox(sandbox: Sandbox) -> None:
    context = strict_context(sandbox.ca_path)
    host, port = sandbox.address
    with socket.create_connection((host, port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname=host) as tls:
        peer = tls.getpeercert()
    assert ("IP Address", "127.0.0.1") in peer["subjectAltName"]


def test_msal_acquires_through_a_python_313_context(sandbox: Sandbox) -> None:
    """Real MSAL, real HTTPS, with the verify flags Python 3.13 sets by default."""
    billing = CERTIFICATE_APPS[0]
    session = RecordingSession(sandbox.ca_path)
    app = msal.ConfidentialClientApplication(
        billing.client_id, authority=sandbox.authority(CONTOSO), http_client=session,
        instance_discovery=False,
        client_credential=load_certificate_credential(
            str(sandbox.certificate_path(billing.slug))))
    result = app.acquire_token_for_client(["api://contoso-orders/.default"])
    assert "access_token" in result, result.get("error_description")


@pytest.mark.parametrize("app", CERTIFICATE_APPS, ids=lambda app: app.slug)
def test_app_certificates_pass_strict_verification(sandbox: Sandbox, app: Any) -> None:
    """The PEM and the PFX each hold a certificate a strict verifier accepts."""
    verifier = strict_verifier(sandbox_ca(sandbox))
    pem = x509.load_pem_x509_certificate(sandbox.certificate_path(app.slug).read_bytes()
                                         .split(b"-----END PRIVATE KEY-----")[1])
    _, pfx, _ = pkcs12.load_key_and_certificates(sandbox.pfx_path(app.slug).read_bytes(),
                                                 PFX_PASSWORD.encode())
    assert pfx is not None
    for certificate in (pem, pfx):
        verifier.verify(certificate, [])
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        assert x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH in usage


@pytest.mark.parametrize("kind", ["pem", "pfx"])
def test_the_x5c_chain_msal_sends_passes_strict_verification(sandbox: Sandbox,
                                                            kind: str) -> None:
    billing = CERTIFICATE_APPS[0]
    path = (sandbox.certificate_path(billing.slug) if kind == "pem"
            else sandbox.pfx_path(billing.slug))
    session = RecordingSession(sandbox.ca_path)
    app = msal.ConfidentialClientApplication(
        billing.client_id, authority=sandbox.authority(CONTOSO), http_client=session,
        instance_discovery=False,
        client_credential=load_certificate_credential(
            str(path), password=PFX_PASSWORD if kind == "pfx" else None, send_chain=True))
    result = app.acquire_token_for_client(["api://contoso-orders/.default"])
    assert "access_token" in result, result.get("error_description")
    assertion = next(form["client_assertion"] for form in session.posted
                     if "client_assertion" in form)
    header = jwt.get_unverified_header(assertion)
    chain = [x509.load_der_x509_certificate(base64.b64decode(der)) for der in header["x5c"]]
    strict_verifier(sandbox_ca(sandbox)).verify(chain[0], chain[1:])


def test_token_signing_certificate_passes_strict_verification(sandbox: Sandbox) -> None:
    """The JWKS `x5c` (self-signed, as Entra's) is a well-formed RFC 5280 certificate."""
    session = RecordingSession(sandbox.ca_path)
    metadata = f"{sandbox.authority(CONTOSO)}/v2.0/.well-known/openid-configuration"
    keys = session.get(session.get(metadata).json()["jwks_uri"]).json()["keys"]
    assert keys
    for key in keys:
        certificate = x509.load_der_x509_certificate(base64.b64decode(key["x5c"][0]))
        strict_verifier(certificate).verify(certificate, [])


@pytest.fixture
def strict_mutual_tls_server(sandbox: Sandbox) -> Iterator[tuple[int, list[object]]]:
    """A one-connection TLS server with the sandbox's server certificate that requires a
    client certificate and checks it with OpenSSL's strict mode against the sandbox CA."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(sandbox.ca_path))
    context.verify_flags |= ssl.VERIFY_X509_STRICT | ssl.VERIFY_X509_PARTIAL_CHAIN
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_cert_chain(sandbox.state_dir / "server.pem", sandbox.state_dir / "server.key")
    listener = socket.create_server(("127.0.0.1", 0))
    outcome: list[object] = []

    def serve() -> None:
        connection, _ = listener.accept()
        connection.settimeout(10)
        try:
            with context.wrap_socket(connection, server_side=True) as tls:
                outcome.append(tls.getpeercert())
                tls.sendall(b"ok")
        except (ssl.SSLError, OSError) as exc:
            outcome.append(exc)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], outcome
    finally:
        listener.close()
        thread.join(timeout=10)


def test_app_certificate_passes_openssl_strict_mode_in_mutual_tls(
        sandbox: Sandbox, strict_mutual_tls_server: tuple[int, list[object]]) -> None:
    port, outcome = strict_mutual_tls_server
    context = strict_context(sandbox.ca_path)
    context.load_cert_chain(sandbox.certificate_path(CERTIFICATE_APPS[0].slug))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        assert tls.recv(2) == b"ok"
    assert outcome and isinstance(outcome[0], dict), outcome
