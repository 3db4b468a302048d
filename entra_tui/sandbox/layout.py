"""Where a sandbox tenant is and what it keeps where: shared by the in-process sandbox and
the one that runs in a child process, so both look the same to the demo and the tests."""

from __future__ import annotations

import base64
import os
import socket
import tempfile
import threading
from pathlib import Path

from entra_tui.sandbox.directory import TENANTS, Tenant

HOST = "127.0.0.1"


def _random_token() -> str:
    """As `secrets.token_urlsafe(24)`, without importing hashlib and hmac before the demo's
    first frame."""
    return base64.urlsafe_b64encode(os.urandom(24)).rstrip(b"=").decode()


class SandboxLayout:
    """A port, a folder and a readiness flag; `bind()` is cheap and fixes the port."""

    def __init__(self, *, state_dir: Path | None = None,
                 identity_header: str | None = None) -> None:
        self._socket: socket.socket | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self.state_dir = state_dir or Path(tempfile.mkdtemp(prefix="entra-tui-sandbox-"))
        # What App Service would put in IDENTITY_HEADER: proves a caller is on the "host".
        self.identity_header = identity_header or _random_token()

    def bind(self) -> SandboxLayout:
        if self._socket is None:
            listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listening.bind((HOST, 0))  # loopback only, never a routable address
            listening.listen(64)
            self._socket = listening
        return self

    def wait_ready(self, timeout: float = 30.0) -> None:
        if not self._ready.wait(timeout):
            raise TimeoutError("the sandbox did not start in time")
        if self._failure is not None:
            raise RuntimeError(f"the sandbox failed to start: {self._failure}")

    # --- where things are -------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._socket is None:
            raise RuntimeError("the sandbox is not bound yet")
        return self._socket.getsockname()[1]

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

    @property
    def mfa_code(self) -> str:
        """The code the MFA user's "authenticator app" shows on the sign-in pages: six digits,
        the same in the demo's process and the sandbox's child (both know the identity
        header), new for every sandbox. A checksum, not a hash: zlib is loaded already, and
        the code only has to be unguessable from outside the machine, not keep the header
        secret from someone who sees the code (the demo shows both to its user)."""
        import zlib

        return f"{zlib.crc32(b'mfa-code:' + self.identity_header.encode()) % 1_000_000:06d}"
