"""Decoding at its edges: behaviours a mutation run (`mutmut`, see README "Mutation testing")
showed untested in entra_tui/core/token.py. A decoder's messages are what a user reads when a
paste is not a token, so they are pinned exactly; hostile numbers must never crash it."""

from __future__ import annotations

import base64
import json

import pytest
from test_token import CLAIMS, make

from entra_tui.core.errors import TokenDecodeError
from entra_tui.core.token import MAX_INT_DIGITS, NumberText, TokenKind, decode_token

TOKEN = make(CLAIMS)
HEADER, PAYLOAD, SIGNATURE = TOKEN.split(".")
OPAQUE = ("this is an opaque token, not a JWT (for example a refresh token or a personal-account "
          "ticket); only the service that issued it can read it")


def error_of(text: str) -> TokenDecodeError:
    with pytest.raises(TokenDecodeError) as caught:
        decode_token(text)
    return caught.value


def with_payload(raw_json: str) -> str:
    body = base64.urlsafe_b64encode(raw_json.encode()).rstrip(b"=").decode()
    return f"{HEADER}.{body}.{SIGNATURE}"


@pytest.mark.parametrize(("text", "message"), [
    (" \n", "the token is empty"),
    ("a.b.c.d.e", "this is an encrypted token (JWE, five parts); only its intended recipient "
                  "can read the claims"),
    (f"{HEADER}.{PAYLOAD}.not base64!", "the signature is not valid base64url"),
    (f"{HEADER}.{PAYLOAD}.", None),  # unsigned, decodes
    (f"{HEADER}.%%%.{SIGNATURE}", "the payload is not valid base64url"),
    (f"{HEADER}..{SIGNATURE}", "the payload is empty"),
    (f"{HEADER}.{base64.urlsafe_b64encode(b'{}').decode()}.{SIGNATURE}", None),
    (f"{HEADER}.{base64.urlsafe_b64encode(bytes([0xff, 0xfe])).decode()}.{SIGNATURE}",
     "the payload is not UTF-8 text"),
    (with_payload("[1, 2]"), "the payload is JSON but not an object"),
    (with_payload("{nope"), "the payload is not valid JSON: Expecting property name enclosed "
                            "in double quotes"),
    (with_payload("[" * 100_000 + "]" * 100_000), "the payload is not valid JSON: nested too "
                                                  "deeply"),
])
def test_every_failure_says_exactly_what_broke(text: str, message: str | None) -> None:
    if message is None:
        decode_token(text)
        return
    assert str(error_of(text)) == message


def test_a_refresh_token_with_dots_is_called_opaque_with_the_reason() -> None:
    caught = error_of("0.AXwAv4j5cvGGr0GRqy180BHbR-Zk3Tq2rXJHuQ_bt7ZV3U1PAAA.AgABAAEAAAD")
    assert caught.kind is TokenKind.OPAQUE
    assert str(caught) == f"{OPAQUE} (the header is not valid base64url)"


def test_a_broken_jwt_header_is_not_called_opaque() -> None:
    """'eyJ' is a JSON object's start: a header that fails to decode is a broken JWT."""
    caught = error_of("eyJub3Q.YWJjZGVmZ2hpamts.c2lnbmF0dXJl")
    assert caught.kind is not TokenKind.OPAQUE
    assert str(caught).startswith("the header is not valid JSON: ")


def test_the_decoded_token_keeps_its_text_and_signature() -> None:
    decoded = decode_token(f"  {TOKEN}\n")
    assert decoded.raw == TOKEN and decoded.signature == SIGNATURE
    assert decoded.segments == [HEADER, PAYLOAD, SIGNATURE]


def test_extra_padding_is_read() -> None:
    assert decode_token(f"{HEADER}===.{PAYLOAD}==.{SIGNATURE}").claims == CLAIMS


def test_numbers_too_big_to_be_numbers_are_kept_as_their_text() -> None:
    longest = "9" * MAX_INT_DIGITS
    decoded = decode_token(with_payload(
        f'{{"a": {longest}, "b": {longest}9, "exp": {"1" * 5000}, "c": 1e999, "d": NaN, '
        f'"e": -Infinity, "f": 1.5, "g": 12}}'))
    claims = decoded.claims
    assert claims["a"] == int(longest) and not isinstance(claims["a"], NumberText)
    assert isinstance(claims["b"], NumberText) and claims["b"] == longest + "9"
    assert isinstance(claims["exp"], NumberText) and len(claims["exp"]) == 5000
    assert isinstance(claims["c"], NumberText) and claims["c"] == "1e999"
    assert isinstance(claims["d"], NumberText) and claims["d"] == "NaN"
    assert isinstance(claims["e"], NumberText) and claims["e"] == "-Infinity"
    assert claims["f"] == 1.5 and type(claims["f"]) is float
    assert claims["g"] == 12 and type(claims["g"]) is int
    assert json.dumps(claims["exp"])  # shows like any other value
    assert repr(claims["exp"]) == "NumberText(5000 characters)"


def test_why_a_time_claim_is_not_a_time() -> None:
    decoded = decode_token(with_payload(
        f'{{"nbf": "soon", "iat": true, "exp": {"1" * 5000}, "auth_time": null}}'))
    assert decoded.time_claim("nbf") is None and decoded.time_claim("iat") is None
    assert decoded.missing_time("nbf") == "the token's nbf is not a usable time (a str)"
    assert decoded.missing_time("iat") == "the token's iat is not a usable time (a bool)"
    assert decoded.missing_time("exp") == ("the token's exp is not a usable time (a number of "
                                           "5000 characters)")
    assert decoded.missing_time("auth_time") == ("the token's auth_time is not a usable time "
                                                 "(a NoneType)")
    assert decoded.missing_time("xms_tcdt") == "the token has no xms_tcdt claim"
