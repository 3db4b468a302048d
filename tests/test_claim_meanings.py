"""Claim meanings depend on the token: in an ID token `aud` is the client app that signed
the user in, not "the API this token is for" (Microsoft's ID token claims reference)."""

from __future__ import annotations

import subprocess
import sys

from test_token import CLAIMS, make

from entra_tui.core.claims import explain_claims
from entra_tui.core.token import decode_token

CLIENT = "6e74172b-be56-4843-9ff4-e66a39bb12e3"
ID_TOKEN = {"aud": CLIENT, "iss": "https://login.microsoftonline.com/t/v2.0",
            "iat": 1, "exp": 2, "nonce": "123", "preferred_username": "adele@contoso.com",
            "oid": "o", "tid": "t", "sub": "s", "ver": "2.0"}


def _meanings(raw: str) -> dict[str, str]:
    return {row.name: row.meaning for row in explain_claims(decode_token(raw), 0)}


def test_id_token_aud_is_the_client_app_not_an_api() -> None:
    id_meanings = _meanings(make(ID_TOKEN))
    assert "client app that signed the user in" in id_meanings["aud"]
    assert "the API this token is for" not in id_meanings["aud"]
    assert "nonce" in id_meanings and id_meanings["nonce"]
    access = _meanings(make(CLAIMS))
    assert access["aud"].startswith("Audience: the API this token is for")


def test_decode_prints_the_id_token_meaning() -> None:
    done = subprocess.run([sys.executable, "-m", "entra_tui", "decode", make(ID_TOKEN)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode in (0, 1), done.stderr
    assert "client app that signed the user in" in done.stdout
    assert "the API this token is for" not in done.stdout
