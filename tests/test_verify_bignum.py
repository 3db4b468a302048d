"""Verdicts are about bytes: a payload PyJWT cannot parse again must not decide them, and a
signature part that is not base64url is refused when decoding (it reached the screens)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from entra_tui.core.errors import TokenDecodeError
from entra_tui.core.token import decode_token
from entra_tui.core.verify import SignatureState, verify_with_file


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_genuine_signature_over_a_huge_number_is_verified(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = tmp_path / "key.pem"
    pem.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo))
    signing_input = (b64(json.dumps({"alg": "RS256", "kid": "k"}).encode()) + "."
                     + b64(b'{"exp": ' + b"9" * 5000 + b', "aud": "api://x"}'))
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    token = decode_token(f"{signing_input}.{b64(signature)}")
    assert verify_with_file(token, pem).state is SignatureState.VERIFIED
    altered = decode_token(f"{signing_input}.{b64(signature[:-1] + bytes([signature[-1] ^ 1]))}")
    assert verify_with_file(altered, pem).state is SignatureState.FAILED


@pytest.mark.parametrize("signature", ["\x1b]2;pwned\x07", "abc def", "abc!", "a.b"[:1] + "+/"])
def test_a_signature_part_that_is_not_base64url_is_refused(signature: str) -> None:
    header = b64(json.dumps({"alg": "RS256"}).encode())
    payload = b64(json.dumps({"aud": "x"}).encode())
    with pytest.raises(TokenDecodeError, match="signature is not valid base64url"):
        decode_token(f"{header}.{payload}.{signature}")


def test_a_huge_exp_is_called_unusable_not_missing() -> None:
    from entra_tui.core.expectations import Expectations
    from entra_tui.core.validation import validation_report

    header = b64(json.dumps({"alg": "RS256"}).encode())
    payload = b64(b'{"exp": ' + b"9" * 5000 + b"}")
    token = decode_token(f"{header}.{payload}.c2ln")
    assert token.missing_time("exp") == ("the token's exp is not a usable time (a number of "
                                         "5000 characters)")
    assert token.missing_time("nbf") == "the token has no nbf claim"
    checks = {check.name: check for check in validation_report(token, Expectations(), 0, None)}
    assert "not a usable time" in checks["exp"].reason
