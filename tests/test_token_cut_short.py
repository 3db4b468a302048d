"""Tokens copied only in part: a signature shorter than any RS256 one, a JWT header alone;
and an Entra issuer whose tenant is not the token's tid. Told as facts, not verdicts."""

from __future__ import annotations

import pytest
from test_token import CLAIMS, SIGNATURE, make

from entra_tui.core.errors import TokenDecodeError
from entra_tui.core.token import TokenKind, decode_token
from entra_tui.core.token_story import tell

TID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
OTHER = "fa15d692-e9c7-4460-a743-29f2956fd429"


def _with_signature(raw: str, signature: str) -> str:
    return raw.rsplit(".", 1)[0] + "." + signature


def test_a_short_rs256_signature_is_told_as_probably_cut_short() -> None:
    docs_sample = _with_signature(make(CLAIMS), "ZNXp8Tj3O0Bf7cJrKQg")  # 19, as in the docs
    assert ("The signature part is 19 characters; an RS256 signature is 342 (2048-bit key) "
            "or more: the token was probably cut short") in tell(decode_token(docs_sample))
    cut = _with_signature(make(CLAIMS), SIGNATURE[:341])
    assert any("341 characters" in fact for fact in tell(decode_token(cut)))


@pytest.mark.parametrize("raw", [
    make(CLAIMS),  # 342: a 2048-bit key
    _with_signature(make(CLAIMS), SIGNATURE * 2)[:-1],  # longer: a bigger key
    make(CLAIMS, {"typ": "JWT", "alg": "ES256"}).rsplit(".", 1)[0] + "." + SIGNATURE[:86],
])
def test_full_length_or_non_rsa_signatures_say_nothing(raw: str) -> None:
    assert not any("signature part" in fact for fact in tell(decode_token(raw)))


def test_a_jwt_header_alone_is_a_jwt_cut_short_not_an_opaque_token() -> None:
    header = make(CLAIMS, {"typ": "JWT", "alg": "RS256", "x5t": "nOo3ZDrODXEK1jKWhXslHR_KXEg",
                           "kid": "nOo3ZDrODXEK1jKWhXslHR_KXEg"}).split(".")[0]
    for start in (header[:60], header):  # the first 60 characters of a token; a whole header
        with pytest.raises(TokenDecodeError) as caught:
            decode_token(start)
        assert caught.value.kind is not TokenKind.OPAQUE
        assert "JWT cut short" in str(caught.value) and "opaque" not in str(caught.value)
    with pytest.raises(TokenDecodeError) as opaque:  # a refresh-token-like string stays opaque
        decode_token("0.AXwA" + "x" * 60)
    assert opaque.value.kind is TokenKind.OPAQUE


def test_an_entra_issuer_tenant_other_than_tid_is_stated() -> None:
    v1 = {"aud": "api://orders", "iss": f"https://sts.windows.net/{OTHER}/", "tid": TID,
          "appid": "a", "idtyp": "app", "ver": "1.0"}
    assert f"The issuer's tenant {OTHER} differs from tid {TID}" in tell(decode_token(make(v1)))
    v2 = {**v1, "iss": f"https://login.microsoftonline.com/{OTHER}/v2.0", "ver": "2.0"}
    assert any("differs from tid" in fact for fact in tell(decode_token(make(v2))))
    same = {**v2, "iss": f"https://login.microsoftonline.com/{TID.upper()}/v2.0"}
    assert not any("differs from tid" in fact for fact in tell(decode_token(make(same))))
    other_issuer = {**v2, "iss": f"https://example.com/{OTHER}/v2.0"}
    assert not any("differs from tid" in fact for fact in tell(decode_token(make(other_issuer))))
