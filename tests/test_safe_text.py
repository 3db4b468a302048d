"""The one safe-text function, hostile numbers, linear-time masking and the profile-file guard."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_token import make

from entra_tui.core.claims import explain_claims, printable, value_text
from entra_tui.core.errors import ConfigError
from entra_tui.core.masking import HIDDEN_EMAIL, HIDDEN_ID, HIDDEN_IP, Masker
from entra_tui.core.profiles import load_profiles
from entra_tui.core.safe_text import safe_text
from entra_tui.core.token import decode_token

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2061\u2062\u2063\u2064"
LINE_BREAKS = "\n\r\u2028\u2029\u0085\x0b\x0c\x1c\x1d\x1e"
C0 = "".join(map(chr, range(0x20)))
C1 = "".join(map(chr, range(0x80, 0xA0)))
UNSAFE = set(C0 + "\x7f" + C1 + BIDI + ZERO_WIDTH + LINE_BREAKS)


def unsafe_in(text: str) -> set[str]:
    """Characters that act on a terminal, reorder, hide or break lines."""
    return {ch for ch in text if ch in UNSAFE or unicodedata.category(ch) in
            ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")}


@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b]2;pwned\x07", "\\x1b]2;pwned\\x07"),  # OSC 2: retitles the terminal
    ("\x1b]52;c;Y3VybCBldmlsLnNofHNo\x07", "\\x1b]52;c;Y3VybCBldmlsLnNofHNo\\x07"),  # OSC 52
    ("\x9b31mred", "\\x9b31mred"),  # C1 CSI, one byte
    ("a\x7fb", "a\\x7fb"),
    ("admin\u202etxt.exe", "admin\\u202etxt.exe"),
    ("\u2066x\u2069", "\\u2066x\\u2069"),
    ("pay\u200bpal", "pay\\u200bpal"),
    ("\ufeffBOM", "\\ufeffBOM"),
    ("x\nSignature: VERIFIED", "x\\nSignature: VERIFIED"),
    ("a\r\nb\u2028c\u2029d\x85e", "a\\r\\nb\\u2028c\\u2029d\\x85e"),
    ("tab\there", "tab\\there"),
    ("tag\U000e0041", "tag\\U000e0041"),
    ("\u3164", "\\u3164"),  # Hangul filler: printable to Python, blank on screen
    ("DOMAIN\\user", "DOMAIN\\user"),  # ordinary text stays as it is
    ("José Müller 山田 🎉", "José Müller 山田 🎉"),
    ("[/] [@click=app.quit] [b]", "[/] [@click=app.quit] [b]"),  # markup is a sink matter
])
def test_safe_text_escapes_what_acts_or_hides(raw: str, shown: str) -> None:
    assert safe_text(raw) == shown
    assert printable(raw) == shown  # the old name is the same function


def test_safe_text_takes_any_value() -> None:
    assert safe_text(42) == "42"
    assert safe_text(None) == "None"
    assert safe_text(ValueError("bad\x1b[2J")) == "bad\\x1b[2J"


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text(alphabet=st.sampled_from(sorted(UNSAFE) + list("ab[]/@= \\"))))
def test_no_unsafe_character_survives(random: str, hostile: str) -> None:
    for text in (random, hostile, random + hostile):
        shown = safe_text(text)
        assert not unsafe_in(shown)
        assert shown.isprintable()
        assert safe_text(shown) == shown  # idempotent: safe twice is safe once


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=20), st.one_of(
    st.text(), st.lists(st.text(), max_size=4), st.integers(), st.dictionaries(
        st.text(max_size=5), st.text(max_size=10), max_size=3)), max_size=6))
def test_claim_rows_are_safe_for_any_claims(claims: dict[str, object]) -> None:
    """Every claim value and note as the claims table and `decode` show them (a note's
    own line breaks separate safe pieces)."""
    token = decode_token(make(claims))
    for row in explain_claims(token, 1_700_000_000):
        assert not unsafe_in(row.value)
        for line in row.note.split("\n"):
            assert not unsafe_in(line)
    for value in claims.values():
        assert not unsafe_in(value_text(value))


def segment(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def test_a_5000_digit_number_decodes_and_shows() -> None:
    digits = "9" * 5000
    payload = '{"exp":' + digits + ',"n":-' + digits + ',"f":1e999,"x":NaN}'
    raw = segment('{"alg":"RS256"}') + "." + segment(payload) + ".c2ln"
    token = decode_token(raw)
    assert token.time_claim("exp") is None  # not a time: no arithmetic on it
    rows = {row.name: row for row in explain_claims(token, 1_700_000_000)}
    assert rows["exp"].value == digits
    assert rows["n"].value == "-" + digits
    assert rows["f"].value == "1e999"
    assert digits not in repr(token.claims["exp"])  # a crash dump or log shows its size
    done = subprocess.run([sys.executable, "-m", "entra_tui", "decode"], input=raw,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and digits in done.stdout
    done = subprocess.run([sys.executable, "-m", "entra_tui", "decode", "--json"], input=raw,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert digits in done.stdout and "NaN" in done.stdout


# --- presentation mode: linear time ---------------------------------------------------------

def test_masking_hides_people_and_keeps_the_rest() -> None:
    masker = Masker({"oid": "0f1e2d3c-aaaa-bbbb-cccc-000000000001", "groups": ["grp-123456"]})
    cases = {
        "adele@contoso.com": HIDDEN_EMAIL,
        "to a.b+c@mail.contoso.co.uk.": f"to {HIDDEN_EMAIL}.",
        "from 10.0.0.1.": f"from {HIDDEN_IP}.",
        "10.0.0.1:443": f"{HIDDEN_IP}:443",
        "[2001:db8::1]:8080": f"[{HIDDEN_IP}]:8080",
        "::ffff:1.2.3.4": HIDDEN_IP,
        "oid 0f1e2d3c-aaaa-bbbb-cccc-000000000001 in grp-123456":
            f"oid {HIDDEN_ID} in {HIDDEN_ID}",
        "08:06:16": "08:06:16",  # a time
        "1.2.3.4000": "1.2.3.4000",  # a version
        "v1.2.3.4": "v1.2.3.4",
        "no@domain": "no@domain",
        "https://login.microsoftonline.com/t/v2.0": "https://login.microsoftonline.com/t/v2.0",
    }
    for text, masked in cases.items():
        assert masker.apply(text) == masked, text


@pytest.mark.parametrize("length", [4_000, 100_000])
@pytest.mark.parametrize("shape", [":", "a:", "0.", "a.", "a@", "a", "1.1:"])
def test_masking_hostile_claims_finishes(length: int, shape: str) -> None:
    """The old expressions backtracked cubically on these (4 s for 1,000 colons then a
    letter; a 4,000-character claim would take minutes). No time is asserted: the pytest
    timeout ends a hang, and the masker walks the text a bounded number of times."""
    text = shape * (length // len(shape)) + "g"
    masker = Masker({"oid": ("a" * 64), "groups": [shape * 10 + str(n) for n in range(300)]})
    masked = masker.apply(text)
    assert masked.endswith("g")


def test_masking_bounds_a_huge_value() -> None:
    masked = Masker().apply("x@y.z " * 400_000)
    assert "characters hidden" in masked and len(masked) < 100


# --- profile files that are no files --------------------------------------------------------

@pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero are POSIX")
def test_a_fifo_as_profile_file_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "profiles.toml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        load_profiles(fifo)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_as_profile_file_is_refused() -> None:
    with pytest.raises(ConfigError, match="not a regular file"):
        load_profiles(Path("/dev/zero"))


def test_a_huge_profile_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    with open(path, "wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: no disk used
    with pytest.raises(ConfigError, match="too large"):
        load_profiles(path)


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
def test_cli_says_why_a_fifo_config_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "entra_tui", "profiles", "--config",
                           str(fifo)], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "not a regular file" in done.stderr and "Traceback" not in done.stderr
