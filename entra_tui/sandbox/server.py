"""The HTTPS plumbing under the sandbox: a threading server that does each TLS handshake in
the connection's own thread, and a handler that hands requests to the endpoints."""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

from entra_tui.sandbox.faults import HOSTILE_ACCESS_TOKEN, Fault, Faults
from entra_tui.sandbox.wire import MAX_BODY_BYTES, Request, Response

if TYPE_CHECKING:
    from entra_tui.sandbox.endpoints import Endpoints


def make_server(listening: socket.socket, context: ssl.SSLContext,
                endpoints: Endpoints, faults: Faults) -> Server:
    """Serve on an already bound and listening socket."""
    server = Server(listening.getsockname(), Handler, bind_and_activate=False)
    server.socket.close()
    server.socket = listening
    server.ssl_context = context
    server.endpoints = endpoints
    server.faults = faults
    return server


class Server(ThreadingHTTPServer):
    daemon_threads = True
    ssl_context: ssl.SSLContext
    endpoints: Endpoints
    faults: Faults
    # Time spent handling requests, so a benchmark can subtract the server's own share.
    served_seconds = 0.0

    def finish_request(self, request: socket.socket | tuple[bytes, socket.socket],
                       client_address: object) -> None:
        """TLS handshake in the connection's own thread, so a slow client blocks nobody."""
        assert isinstance(request, socket.socket)  # a TCP server: never a datagram
        request.settimeout(30)
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            Handler(tls, client_address, self)
        finally:
            with contextlib.suppress(OSError):
                tls.close()

    def handle_error(self, request: object, client_address: object) -> None:
        """A dropped connection is routine; keep stderr quiet."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes; with Nagle on, the body waited for the
    # client's delayed ACK: 40 ms on every answer, as no real identity provider does.
    disable_nagle_algorithm = True
    server: Server

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._dispatch(b"")

    def do_POST(self) -> None:  # noqa: N802
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self._send(Response.json(413, {"error": "invalid_request",
                                           "error_description": "Bad Content-Length."}))
            self.close_connection = True
            return
        self._dispatch(self.rfile.read(length))

    def _dispatch(self, body: bytes) -> None:
        started = time.perf_counter()
        fault = self.server.faults.take(self.path)
        if fault is not None and self._misbehave(fault):
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        response = self.server.endpoints.handle(Request(self.command, self.path, headers, body))
        if fault is not None and fault.kind == "malformed_json":
            response = Response(response.status, response.body[: len(response.body) // 2])
        elif fault is not None and fault.kind == "no_access_token":
            response = Response.json(200, {"token_type": "Bearer", "expires_in": 3599})
        elif fault is not None and fault.kind == "hostile_access_token":
            response = Response.json(200, {"token_type": "Bearer", "expires_in": 3599,
                                           "access_token": HOSTILE_ACCESS_TOKEN})
        self._send(response)
        self.server.served_seconds += time.perf_counter() - started

    def _misbehave(self, fault: Fault) -> bool:
        """Apply a fault that replaces the answer; True when nothing more is to be sent."""
        if fault.kind == "slow":
            time.sleep(fault.delay)
            return False
        if fault.kind == "reset":
            with contextlib.suppress(OSError):  # RST instead of an orderly close
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.connection.close()
            self.close_connection = True
            return True
        if fault.kind == "status":
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
            self._send(Response(fault.status, b"<html>Service Unavailable</html>",
                                "text/html", headers))
            return True
        return False

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silent: the demo runs beside a TUI that owns the terminal."""
