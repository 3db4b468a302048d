"""Pasting: edges a mutation run (`mutmut`, see README "Mutation testing") showed untested.

Each test here failed on a surviving mutant of entra_tui/core/paste.py and passes on the code.
"""

from __future__ import annotations

import pytest
from test_token import CLAIMS, make

from entra_tui.core.errors import TokenDecodeError
from entra_tui.core.paste import MAX_PASTE_CHARS, extract_token

TOKEN = make(CLAIMS)
ID_TOKEN = make({**CLAIMS, "aud": "client-id", "idtyp": "user"})


def test_refusals_say_exactly_what_happened() -> None:
    with pytest.raises(TokenDecodeError) as empty:
        extract_token(" \t\n")
    assert str(empty.value) == "nothing was pasted"
    with pytest.raises(TokenDecodeError) as huge:
        extract_token("x" * (MAX_PASTE_CHARS + 1))
    assert str(huge.value) == (f"the pasted text is {MAX_PASTE_CHARS + 1:,} characters; tokens "
                               "are far smaller, so this is not one")


def test_a_paste_of_exactly_the_limit_is_still_read() -> None:
    assert extract_token("x" * MAX_PASTE_CHARS).token == "x" * MAX_PASTE_CHARS


def test_quotes_are_stripped_but_a_token_ending_in_x_keeps_it() -> None:
    ends_in_x = TOKEN + "X"
    assert extract_token(f"'{ends_in_x}'").token == ends_in_x
    assert extract_token(f"`{ends_in_x}`").token == ends_in_x


def test_a_hybrid_flow_fragment_with_both_tokens_gives_the_access_token() -> None:
    # response_type=id_token token: the redirect carries both, access_token first in priority
    found = extract_token(f"https://app/cb#id_token={ID_TOKEN}&access_token={TOKEN}&state=s")
    assert found == (TOKEN, "access_token in the URL fragment")


def test_an_empty_access_token_parameter_is_skipped() -> None:
    found = extract_token(f"#access_token=&id_token={ID_TOKEN}")
    assert found == (ID_TOKEN, "id_token in the URL fragment")


def test_a_hash_router_fragment_is_read() -> None:
    # single-page apps with a hash router redirect to .../#?access_token=...
    assert extract_token(f"#?access_token={TOKEN}") == (
        TOKEN, "access_token in the pasted parameters")


def test_a_line_wrapped_redirect_url_gives_the_token_without_the_breaks() -> None:
    wrapped = f"https://app/cb#access_token={TOKEN[:50]}\n    {TOKEN[50:]}&token_type=Bearer"
    assert extract_token(wrapped).token == TOKEN
