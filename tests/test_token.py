"""Token model: decoding, time claims, expiry states at a fixed "now", human times."""

from __future__ import annotations

import base64
import json

import jwt
import pytest

from entra_tui.core.claims import explain_claims
from entra_tui.core.errors import TokenDecodeError
from entra_tui.core.expiry import ExpiryState, expiry_status
from entra_tui.core.timefmt import countdown, relative
from entra_tui.core.token import decode_token

IAT = 1_800_000_000


def segment(data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


# As long as a real RS256 signature with a 2048-bit key (256 bytes: 342 base64url characters),
# so test tokens are not told as cut short; the bytes are not a valid signature.
SIGNATURE = base64.urlsafe_b64encode(bytes(range(256))).rstrip(b"=").decode()


def make(claims: dict[str, object], header: dict[str, object] | None = None) -> str:
    header = header or {"typ": "JWT", "alg": "RS256", "kid": "k1"}
    return f"{segment(header)}.{segment(claims)}.{SIGNATURE}"


NOT_UTF8 = base64.urlsafe_b64encode(b"\xff\xfe").decode()
CLAIMS = {"aud": "api://orders", "iss": "https://login.microsoftonline.com/t/v2.0",
          "iat": IAT, "nbf": IAT, "exp": IAT + 3600, "azpacr": "2", "idtyp": "app",
          "roles": ["Orders.Read.All", "Orders.Write"], "ver": "2.0"}


def test_decodes_header_and_claims_in_issuer_order() -> None:
    token = decode_token("  " + make(CLAIMS) + "\n")
    assert token.header["kid"] == "k1"
    assert list(token.claims) == list(CLAIMS)
    assert token.time_claim("exp") == IAT + 3600
    assert token.is_app_only


def test_agrees_with_pyjwt_unverified_decode() -> None:
    raw = make(CLAIMS)
    expected = jwt.decode(raw, options={"verify_signature": False})
    assert decode_token(raw).claims == expected
    assert decode_token(raw).header == jwt.get_unverified_header(raw)


@pytest.mark.parametrize(("raw", "message"), [
    ("", "empty"),
    ("0.AXwA9k_opaque-refresh-token-value", "opaque token"),
    ("hello world", "three dot-separated parts; this has 1"),
    ("a.b", "three dot-separated parts; this has 2"),
    ("a.b.c.d.e", "encrypted token (JWE"),
    # Two parts of a real JWT (the signature lost in copying) is not an "opaque token".
    (make(CLAIMS).rsplit(".", 1)[0], "cut short .*it has 2 dot-separated parts"),
    (make(CLAIMS) + ".extra", "it has 4 dot-separated parts"),
    ("!!!.e30.sig", "header is not valid base64url"),
    (f"{segment({'alg': 'RS256'})}.bm90IGpzb24.sig", "payload is not valid JSON"),
    (f"{segment({'alg': 'RS256'})}.{segment([1, 2])}.sig", "payload is JSON but not an object"),
    (f"{segment({'alg': 'RS256'})}.{NOT_UTF8}.sig", "payload is not UTF-8"),
])
def test_garbage_says_which_part_failed(raw: str, message: str) -> None:
    with pytest.raises(TokenDecodeError, match=message.replace("(", r"\(")):
        decode_token(raw)


@pytest.mark.parametrize(("now", "state", "fraction"), [
    (IAT + 60, ExpiryState.VALID, (3600 - 60) / 3600),
    (IAT + 3600 - 120, ExpiryState.EXPIRING_SOON, 120 / 3600),
    (IAT + 3601, ExpiryState.EXPIRED, 0.0),
    (IAT - 30, ExpiryState.NOT_YET_VALID, 1.0),
])
def test_expiry_states_at_fixed_now(now: float, state: ExpiryState, fraction: float) -> None:
    status = expiry_status(decode_token(make(CLAIMS)), now)
    assert status.state is state
    assert status.fraction_left == pytest.approx(fraction)
    assert status.seconds_left == IAT + 3600 - now


def test_token_without_exp_has_no_expiry() -> None:
    status = expiry_status(decode_token(make({"aud": "x"})), IAT)
    assert status.state is ExpiryState.NO_EXPIRY


def test_human_times() -> None:
    assert countdown(59 * 60 + 32) == "59:32"
    assert countdown(3723) == "1:02:03"
    assert countdown(-65) == "-01:05"
    assert relative(IAT + 54 * 60 + 10, IAT) == "in 54 min"
    assert relative(IAT - 180, IAT) == "3 min ago"
    assert relative(IAT, IAT) == "now"


def test_claims_are_explained_with_readable_notes() -> None:
    rows = {row.name: row for row in explain_claims(decode_token(make(CLAIMS)), IAT + 60)}
    assert rows["exp"].is_time and "(in 59 min)" in rows["exp"].note
    assert rows["azpacr"].note == "certificate or federated assertion"
    assert rows["idtyp"].note == "app-only token"
    assert rows["roles"].value == "Orders.Read.All, Orders.Write"
    assert rows["aud"].meaning.startswith("Audience")
    assert list(rows) == list(CLAIMS)


def test_unknown_claims_are_shown_plainly() -> None:
    rows = explain_claims(decode_token(make({"custom_thing": {"a": 1}})), IAT)
    assert rows[0].name == "custom_thing" and rows[0].value == '{"a": 1}'
    assert rows[0].meaning == ""
