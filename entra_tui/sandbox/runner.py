"""Run the sandbox tenant: HTTPS on 127.0.0.1, an ephemeral port, a CA it makes itself.

`bind()` is cheap (a socket, no crypto, no HTTP server imports) and fixes the port, so callers
can build authority URLs at once; `start()` makes the keys and serves. The demo binds first
and starts after the first frame is drawn.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from entra_tui.sandbox.devicecodes import DeviceCodes
from entra_tui.sandbox.directory import TENANTS, WORKLOAD_ISSUER, WORKLOAD_SUBJECT, Tenant
from entra_tui.sandbox.faults import Faults
from entra_tui.sandbox.files import write_private

HOST = "127.0.0.1"
PFX_PASSWORD = "sandbox-pfx-password"


class Sandbox:
    """A running (or about to run) sandbox tenant. Use as a context manager or call stop()."""

    def __init__(self, *, device_auto_approve_after: float | None = None,
                 device_poll_interval: int = 5) -> None:
        self._device_codes = DeviceCodes(auto_approve_after=device_auto_approve_after)
        self._device_poll_interval = device_poll_interval
        self._socket: socket.socket | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self.state_dir = Path(tempfile.mkdtemp(prefix="entra-tui-sandbox-"))
        self.client_certificates: dict[str, object] = {}
        # What App Service would put in IDENTITY_HEADER: proves a caller is on the "host".
        self.identity_header = secrets.token_urlsafe(24)
        self._workload_key: object = None
        self.faults = Faults()

    # --- where things are -------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._socket is None:
            raise RuntimeError("the sandbox is not bound yet")
        return self._socket.getsockname()[1]

    @property
    def served_seconds(self) -> float:
        """Total time the server spent handling requests so far."""
        return self._server.served_seconds if self._server is not None else 0.0

    @property
    def address(self) -> tuple[str, int]:
        return (HOST, self.port)

    @property
    def base_url(self) -> str:
        return f"https://{HOST}:{self.port}"

    @property
    def ca_path(self) -> Path:
        return self.state_dir / "ca.pem"

    @property
    def tenants(self) -> tuple[Tenant, ...]:
        return TENANTS

    def authority(self, tenant: Tenant) -> str:
        return f"{self.base_url}/{tenant.tenant_id}"

    def certificate_path(self, slug: str) -> Path:
        return self.state_dir / f"{slug}.pem"

    def pfx_path(self, slug: str) -> Path:
        """The same certificate as PKCS#12, protected by PFX_PASSWORD."""
        return self.state_dir / f"{slug}.pfx"

    @property
    def workload_token_path(self) -> Path:
        """A federated token file, as AKS workload identity mounts it."""
        return self.state_dir / "workload-token.jwt"

    @property
    def identity_endpoint(self) -> str:
        return f"{self.base_url}/msi/token"

    def mint_workload_token(self, *, lifetime: int = 3600, subject: str = WORKLOAD_SUBJECT,
                            audience: str = "api://AzureADTokenExchange") -> str:
        """A token from the sandbox's external workload issuer (for tests of the trust)."""
        import jwt

        now = int(time.time())
        return jwt.encode({"iss": WORKLOAD_ISSUER, "sub": subject, "aud": audience,
                           "iat": now, "nbf": min(now, now + lifetime),
                           "exp": now + lifetime}, self._workload_key.private_key,  # type: ignore[attr-defined]
                          algorithm="RS256", headers={"kid": self._workload_key.kid})  # type: ignore[attr-defined]

    # --- lifecycle ----------------------------------------------------------------------
    def bind(self) -> Sandbox:
        if self._socket is None:
            listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listening.bind((HOST, 0))  # loopback only, never a routable address
            listening.listen(64)
            self._socket = listening
        return self

    def start(self) -> Sandbox:
        """Make keys and certificates, then serve in a daemon thread; returns when ready."""
        self.bind()
        try:
            self._prepare()
        except BaseException as exc:
            self._failure = exc
            self._ready.set()
            raise
        self._thread = threading.Thread(target=self._serve, name="entra-tui-sandbox",
                                        daemon=True)
        self._thread.start()
        self._ready.set()
        return self

    def wait_ready(self, timeout: float = 30.0) -> None:
        if not self._ready.wait(timeout):
            raise TimeoutError("the sandbox did not start in time")
        if self._failure is not None:
            raise RuntimeError(f"the sandbox failed to start: {self._failure}")

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.shutdown()
        if self._socket is not None:
            self._socket.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        shutil.rmtree(self.state_dir, ignore_errors=True)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _prepare(self) -> None:
        import ssl

        from entra_tui.sandbox import pki
        from entra_tui.sandbox.endpoints import Endpoints
        from entra_tui.sandbox.server import make_server

        ca_key, ca_cert, _ = pki.make_ca(self.state_dir)
        cert_path, key_path = pki.make_server_certificate(self.state_dir, ca_key, ca_cert)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert_path, key_path)
        certificates = {
            client.client_id: pki.make_client_certificate(self.state_dir, client.slug)
            for tenant in TENANTS for client in tenant.clients if client.certificate
        }
        self.client_certificates = certificates
        for certificate in certificates.values():
            slug = certificate.pem_path.stem
            pki.write_pfx(self.pfx_path(slug), certificate.pem_path, PFX_PASSWORD)
        self._workload_key = pki.make_signing_key()
        write_private(self.workload_token_path, self.mint_workload_token())
        assert self._socket is not None
        self._server = make_server(self._socket, context, Endpoints(
            base_url=self.base_url, signing_key=pki.make_signing_key(),
            client_certificates=certificates, device_codes=self._device_codes,
            workload_key=self._workload_key, identity_header=self.identity_header,  # type: ignore[arg-type]
            device_poll_interval=self._device_poll_interval), self.faults)

    def _serve(self) -> None:
        assert self._server is not None
        self._server.serve_forever(poll_interval=0.2)


