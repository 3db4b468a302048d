"""Run the sandbox tenant: HTTPS on 127.0.0.1, an ephemeral port, a CA it makes itself.

`bind()` is cheap (a socket, no crypto, no HTTP server imports) and fixes the port, so callers
can build authority URLs at once; `start()` makes the keys and serves. The demo binds first
and starts after the first frame is drawn.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from entra_tui.sandbox.devicecodes import DeviceCodes
from entra_tui.sandbox.directory import (
    PFX_PASSWORD,
    TENANTS,
    WORKLOAD_ISSUER,
    WORKLOAD_SUBJECT,
)
from entra_tui.sandbox.faults import Faults
from entra_tui.sandbox.files import write_private
from entra_tui.sandbox.layout import SandboxLayout

if TYPE_CHECKING:
    from entra_tui.sandbox.pki import ClientCertificate, SigningKey


class Sandbox(SandboxLayout):
    """A running (or about to run) sandbox tenant. Use as a context manager or call stop()."""

    def __init__(self, *, device_auto_approve_after: float | None = None,
                 device_poll_interval: int = 5, state_dir: Path | None = None,
                 identity_header: str | None = None,
                 listening: socket.socket | None = None, sign_in: str = "auto") -> None:
        """`sign_in`: "auto" signs users in without pages (hands-free), "pages" shows the
        sign-in pages at the authorize endpoint and /device (see endpoints.py)."""
        super().__init__(state_dir=state_dir, identity_header=identity_header)
        self.sign_in = sign_in
        self._socket = listening  # a socket bound elsewhere (the demo's parent process)
        self._device_codes = DeviceCodes(auto_approve_after=device_auto_approve_after)
        self._device_poll_interval = device_poll_interval
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.client_certificates: dict[str, ClientCertificate] = {}
        self._workload_key: SigningKey | None = None
        self.faults = Faults()

    @property
    def served_seconds(self) -> float:
        """Total time the server spent handling requests so far."""
        return self._server.served_seconds if self._server is not None else 0.0

    def mint_workload_token(self, *, lifetime: int = 3600, subject: str = WORKLOAD_SUBJECT,
                            audience: str = "api://AzureADTokenExchange") -> str:
        """A token from the sandbox's external workload issuer (for tests of the trust)."""
        import jwt

        now = int(time.time())
        key = self._workload_key
        if key is None:
            raise RuntimeError("the sandbox has not started: it has no workload issuer key yet")
        return jwt.encode({"iss": WORKLOAD_ISSUER, "sub": subject, "aud": audience,
                           "iat": now, "nbf": min(now, now + lifetime),
                           "exp": now + lifetime}, key.private_key,
                          algorithm="RS256", headers={"kid": key.kid})

    # --- lifecycle ----------------------------------------------------------------------
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
            client.client_id: pki.make_client_certificate(self.state_dir, client.slug,
                                                          (ca_key, ca_cert))
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
            workload_key=self._workload_key, identity_header=self.identity_header,
            device_poll_interval=self._device_poll_interval, sign_in=self.sign_in,
            mfa_code=self.mfa_code), self.faults)

    def _serve(self) -> None:
        assert self._server is not None
        self._server.serve_forever(poll_interval=0.2)


