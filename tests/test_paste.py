"""What people paste: every shape yields the same token; garbage says what it is."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_token import CLAIMS, make

from entra_tui.core.errors import EntraTuiError, TokenDecodeError
from entra_tui.core.paste import extract_token
from entra_tui.core.token import TokenKind, decode_token

TOKEN = make(CLAIMS)


@pytest.mark.parametrize(("pasted", "found_in"), [
    (TOKEN, "pasted text"),
    (f"\n  {TOKEN}  \n", "pasted text"),
    (f"Bearer {TOKEN}", "a Bearer value"),
    (f"bearer {TOKEN}", "a Bearer value"),
    (f"Authorization: Bearer {TOKEN}", "an Authorization header"),
    (f"authorization:Bearer {TOKEN}\r\n", "an Authorization header"),
    (f'"{TOKEN}"', "pasted text"),
    (f"{TOKEN[:40]}\n{TOKEN[40:90]}\n{TOKEN[90:]}", "pasted text"),
    (f"https://localhost:5000/cb#access_token={TOKEN}&token_type=Bearer&expires_in=3599",
     "access_token in the URL fragment"),
    (f"https://app/cb?code=x&id_token={TOKEN}", "id_token in the URL query"),
    (f"#id_token={TOKEN}&state=abc", "id_token in the URL fragment"),
    (f"access_token={TOKEN}", "access_token in the pasted parameters"),
])
def test_every_pasted_shape_gives_the_token(pasted: str, found_in: str) -> None:
    found = extract_token(pasted)
    assert found.token == TOKEN
    assert found.found_in == found_in


def test_padding_is_accepted() -> None:
    header, payload, signature = TOKEN.split(".")
    padded = f"{header}{'=' * (-len(header) % 4)}.{payload}{'=' * (-len(payload) % 4)}." \
             f"{signature}"
    assert decode_token(extract_token(padded).token).claims == CLAIMS


@pytest.mark.parametrize(("text", "kind"), [
    ("eyJhbGciOiJSU0EtT0FFUCJ9.a2V5.aXY.Y2lwaGVy.dGFn", TokenKind.ENCRYPTED),
    ("0.AXwAv4j5cvGGr0GRqy180BHbR-Zk3Tq2rXJHuQ_bt7ZV3U1PAAA.AgABAAEAAAD", TokenKind.OPAQUE),
    ("EwBwA8l6BAAURSN/FHlDW5xN74t6GzbtsBBeBUYAAQsMY7opaque+ticket==", TokenKind.OPAQUE),
])
def test_non_jwts_are_named(text: str, kind: TokenKind) -> None:
    with pytest.raises(TokenDecodeError) as caught:
        decode_token(extract_token(text).token)
    assert caught.value.kind is kind


def test_unsigned_token_is_recognised() -> None:
    unsigned = make(CLAIMS, {"alg": "none", "typ": "JWT"}).rsplit(".", 1)[0] + "."
    assert decode_token(unsigned).kind is TokenKind.UNSIGNED


def test_empty_and_huge_pastes_are_refused_clearly() -> None:
    with pytest.raises(TokenDecodeError, match="nothing was pasted"):
        extract_token("  \n ")
    with pytest.raises(TokenDecodeError, match="not one"):
        extract_token("x" * (3 * 1024 * 1024))


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_no_input_makes_the_decoder_raise_anything_else(text: str) -> None:
    try:
        decode_token(extract_token(text).token)
    except EntraTuiError as exc:
        assert str(exc)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=64), min_size=1, max_size=6))
def test_dotted_random_segments_only_raise_our_error(segments: list[bytes]) -> None:
    import base64

    text = ".".join(base64.urlsafe_b64encode(s).decode().rstrip("=") for s in segments)
    try:
        decode_token(extract_token(text).token)
    except EntraTuiError as exc:
        assert str(exc)
