"""Holes a security review found after the trust work, each closed with a test:
an app's own key vouching for tokens to other APIs, a report headline of "Accepted" for an
unverified token, a key server dripping its headers, and weak RSA keys."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from entra_keys_server import API, TENANT, entra_world, make_tls, v1_claims, v2_claims

from entra_tui.core.token import decode_token
from entra_tui.core.validation import Check, Outcome, headline
from entra_tui.core.verify import KeyFetcher, SignatureState, verify_with_file

VICTIM = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"


def test_an_apps_own_key_vouches_only_for_tokens_to_that_app(tmp_path: Path) -> None:
    # The owner of app API holds its signing key: tokens naming API as their *client* (azp,
    # appid) for another audience must not verify through API's keys.
    with entra_world(tmp_path) as world:
        fetcher = KeyFetcher(origins={"public": world.entra.origin})
        for claims in (v2_claims(TENANT, aud=VICTIM, azp=API, roles=["Admin"]),
                       v2_claims(TENANT, aud="api://victim", azp=API),
                       v1_claims(TENANT, appid=API)):
            verdict = fetcher.verify(decode_token(world.app_key.sign(claims)))
            assert verdict.state is SignatureState.FAILED, (claims, verdict)
            assert not any(f"appid={API}" in path for path in world.entra.requests)
        # The app's keys still verify a token whose audience is the app itself.
        own = fetcher.verify(decode_token(world.app_key.sign(v2_claims(TENANT, aud=API))))
        assert own.state is SignatureState.VERIFIED
        assert "only that app, the token's audience, should accept it" in own.reason


def test_the_report_headline_is_never_accepted_without_a_verified_signature() -> None:
    claims = [Check("aud", Outcome.PASSED, "ok"), Check("exp", Outcome.PASSED, "ok")]
    for signature in (None, Check("signature", Outcome.NOT_CHECKED, "keys unreachable")):
        words, kind = headline(claims + ([signature] if signature else []))
        assert kind == "unverified" and not words.startswith("Accepted")
    assert headline([*claims, Check("signature", Outcome.PASSED, "k")]) == ("Accepted",
                                                                            "accepted")
    assert headline([*claims, Check("signature", Outcome.FAILED, "x")])[1] == "rejected"


def test_a_key_server_dripping_its_headers_cannot_hold_a_verification(tmp_path: Path) -> None:
    # requests' timeout restarts with every byte: one header byte a second would last for
    # ever without a wall-clock deadline. The pytest timeout fails the test if it hangs.
    tls = make_tls(tmp_path, "slow")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls.cert_path, tls.key_path)
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def drip(connection: socket.socket) -> None:
        try:
            with context.wrap_socket(connection, server_side=True) as tls_socket:
                tls_socket.recv(4096)
                tls_socket.sendall(b"HTTP/1.1 200 OK\r\n")
                while not stop.wait(0.2):
                    tls_socket.sendall(b"X")
        except OSError:
            pass

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=drip, args=(connection,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    origin = f"https://127.0.0.1:{listener.getsockname()[1]}"
    (tmp_path / "ca.pem").write_bytes(tls.ca_pem)
    try:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        token = jwt.encode(v2_claims(TENANT, iss=f"{origin}/{TENANT}/v2.0"), key,
                           algorithm="RS256", headers={"kid": "k"})
        fetcher = KeyFetcher(trusted_hosts={origin: str(tmp_path / "ca.pem")}, timeout=0.5)
        started = time.monotonic()
        verdict = fetcher.verify(decode_token(token), origin)
        assert verdict.state is SignatureState.NOT_CHECKED
        assert "did not finish in time" in verdict.reason or "in time" in verdict.reason
        assert time.monotonic() - started < 60  # bounded (the real bound is 2 x timeout)
    finally:
        stop.set()
        listener.close()


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # our own signing
def test_a_weak_rsa_key_vouches_for_nothing(tmp_path: Path) -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = tmp_path / "weak.pem"
    pem.write_bytes(weak.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    token = jwt.encode({"aud": "x"}, weak, algorithm="RS256", headers={"kid": "k"})
    verdict = verify_with_file(decode_token(token), pem)
    assert verdict.state is SignatureState.FAILED
    assert "1024-bit RSA key, too weak" in verdict.reason


def test_a_key_file_that_is_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "keys.json"
    os.mkfifo(fifo)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode({"aud": "x"}, key, algorithm="RS256", headers={"kid": "k"})
    verdict = verify_with_file(decode_token(token), fifo)  # the pytest timeout catches a hang
    assert verdict.state is SignatureState.NOT_CHECKED
    assert "not a regular file" in verdict.reason
