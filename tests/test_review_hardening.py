"""Findings of the security review (input limits, inert output, exit codes, secrets)."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from entra_keys_server import TENANT, SigningKey, v2_claims
from test_token import CLAIMS, make

from entra_tui.commands.decode import DecodeOptions, run_decode
from entra_tui.commands.diff import run_diff
from entra_tui.demo import demo_profiles_toml
from entra_tui.sandbox import Sandbox

TOKEN = make(CLAIMS)


class EndlessZeros(io.TextIOBase):
    """stdin as `< /dev/zero`: any size asked is there; an unbounded read never ends."""

    def isatty(self) -> bool:
        return False

    def read(self, size: int | None = -1) -> str:
        if size is None or size < 0:
            raise AssertionError("read stdin with no limit")
        return "\0" * size

    def readable(self) -> bool:
        return True


def test_decode_reads_at_most_1_mib_of_stdin_and_says_why_it_stops() -> None:
    for as_json in (False, True):
        out, err = io.StringIO(), io.StringIO()
        code = run_decode(DecodeOptions(token=None, as_json=as_json), stdin=EndlessZeros(),
                          stdout=out, stderr=err)
        assert code == 3
        assert "over 1 MiB" in err.getvalue() and "Traceback" not in err.getvalue()
        if as_json:
            assert "over 1 MiB" in json.loads(out.getvalue())["error"]


def test_diff_refuses_a_fifo_instead_of_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "a.jwt"
    os.mkfifo(fifo)  # nobody ever writes: a blocking open would wait for ever
    done = subprocess.run([sys.executable, "-m", "entra_tui", "diff", str(fifo), TOKEN],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 3
    assert "not a regular file" in done.stderr and "Traceback" not in done.stderr


def test_diff_refuses_a_file_over_1_mib(tmp_path: Path) -> None:
    big = tmp_path / "big.jwt"
    big.write_text(TOKEN + " " * (1024 * 1024))
    out, err = io.StringIO(), io.StringIO()
    assert run_diff(str(big), TOKEN, stdout=out, stderr=err) == 3
    assert "over 1 MiB" in err.getvalue()


def test_diff_json_escapes_csi_bidi_and_del() -> None:
    hostile = "a\x9b31m\u202eb\x7fc\x1b]2;X\x07"
    out, err = io.StringIO(), io.StringIO()
    run_diff(TOKEN, make({**CLAIMS, "name": hostile}), as_json=True, stdout=out, stderr=err)
    printed = out.getvalue()
    assert printed.isascii() and "\x7f" not in printed and "\x1b" not in printed
    changes = json.loads(printed)["changes"]
    assert [c["new"] for c in changes if c["name"] == "name"] == [hostile]  # same value back


@pytest.mark.parametrize(("exp_days", "nbf_days", "code"), [
    (-30, -31, 5),  # expired a month ago
    (2, 1, 5),  # not valid until tomorrow
    (1, -1, 0),  # valid now
])
def test_decode_jwks_judges_expired_and_not_yet_valid_tokens(
        tmp_path: Path, exp_days: int, nbf_days: int, code: int) -> None:
    key = SigningKey("k1")
    jwks = tmp_path / "k.json"
    jwks.write_text(json.dumps({"keys": [key.jwk()]}))
    now = int(time.time())
    token = key.sign(v2_claims(TENANT, exp=now + exp_days * 86400, nbf=now + nbf_days * 86400))
    for options in (DecodeOptions(token=token, jwks=jwks),
                    DecodeOptions(token=token, jwks=jwks, as_json=True)):
        out, err = io.StringIO(), io.StringIO()
        assert run_decode(options, stdout=out, stderr=err) == code, out.getvalue()
    # Without --verify / --jwks, decode only inspects: exit 0, the State line tells.
    out = io.StringIO()
    assert run_decode(DecodeOptions(token=token), stdout=out, stderr=io.StringIO()) == 0
    if code:
        assert ("State: expired" if exp_days < 0 else "State: not yet valid") in out.getvalue()


@pytest.mark.parametrize("argv", [
    ["--bogus\x1b]2;X\x07"],  # unrecognized arguments (the main parser)
    ["decode", "--expect-version", "\x1b]2;X\x07"],  # invalid choice (a subparser)
    ["\x9b31m\u202e"],  # invalid command
])
def test_argparse_errors_show_the_command_line_inert(argv: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "entra_tui", *argv],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert all(line.isprintable() for line in done.stderr.splitlines())
    assert "\\x1b" in done.stderr or "\\x9b" in done.stderr


def test_decode_text_shows_runs_of_spaces_in_values_counted() -> None:
    """A claim of "Adele" + 54 spaces + "Signature: VERIFIED" wraps in an 80-column terminal
    so the fake line starts at column 0: values show blank runs as ␠×N instead."""
    fake = "Signature: VERIFIED: signed by key 'kx'"
    claims = {**CLAIMS, "name": "Adele" + " " * 54 + fake, "odd    name": "x" + " " * 4 + "y",
              "roles": ["A" + " " * 70 + fake], "iss": "https://sts.windows.net/t/" + " " * 9}
    token = make(claims, header={"alg": "RS256", "kid": "k" + " " * 60 + fake})
    out = io.StringIO()
    assert run_decode(DecodeOptions(token=token), stdout=out, stderr=io.StringIO()) == 0
    text = out.getvalue()
    for line in text.splitlines():
        value = re.sub(r"^ *\S+ +", "", line, count=1)  # our indent, a name, our padding
        assert "    " not in value, line
    assert "Adele␠×54Signature" in text and "odd␠×4name" in text and "x␠×4y" in text
    assert "k␠×60Signature" in text and "A␠×70Signature" in text


@pytest.mark.parametrize("mode", ["print", "json", "copy"])
def test_token_refuses_an_access_token_with_terminal_escapes(
        sandbox: Sandbox, mode: str) -> None:
    from entra_tui.commands.token import run_token
    from entra_tui.sandbox.faults import HOSTILE_ACCESS_TOKEN, Fault

    config = sandbox.state_dir / "review-profiles.toml"
    config.write_text(demo_profiles_toml(sandbox))
    sandbox.faults.clear()
    sandbox.faults.inject(Fault("hostile_access_token", path_contains="/token"))
    out, err = io.StringIO(), io.StringIO()
    try:
        code = run_token("contoso-orders-sync", config=config, as_json=mode == "json",
                         copy=mode == "copy", scopes=[], from_env=False, stdout=out,
                         stderr=err)
    finally:
        sandbox.faults.clear()
    assert code == 1
    assert "not a token" in err.getvalue()
    for seen in (out.getvalue(), err.getvalue()):
        assert "\x1b" not in seen and "PWNED" not in seen and "Y3VybCBl" not in seen
    assert HOSTILE_ACCESS_TOKEN not in json.dumps(out.getvalue())
    if mode == "json":
        assert json.loads(out.getvalue())["ok"] is False


def test_klipper_is_never_used_its_qdbus_command_line_would_show_the_token(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from entra_tui.core.clipboard import SystemClipboard

    seen = tmp_path / "argv"
    tools = tmp_path / "bin"
    tools.mkdir()
    for name in ("klipper", "qdbus"):  # a KDE desktop without xclip, xsel or wl-copy
        tool = tools / name
        tool.write_text(f'#!/bin/sh\necho "{name} $*" >> "{seen}"\n')
        tool.chmod(0o755)
    monkeypatch.setenv("PATH", str(tools))
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    clipboard = SystemClipboard()
    assert clipboard.copy(TOKEN) is False and not clipboard.available()
    assert not seen.exists() or TOKEN not in seen.read_text()


def test_the_clearing_helper_gets_a_minimal_environment(
        fake_xclip: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from entra_tui.core.clipboard import clear_later_detached

    monkeypatch.setenv("AZURE_CLIENT_SECRET", "s3cret-for-the-token-only")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    seen = fake_xclip.parent / "environment"
    xclip = fake_xclip.parent / "bin" / "xclip"  # the helper's xclip notes its environment
    xclip.write_text(f'#!/bin/sh\nenv >> "{seen}"\n' + xclip.read_text().split("\n", 1)[1])
    fake_xclip.write_text(TOKEN)
    assert clear_later_detached(TOKEN, 0)
    for _ in range(600):  # until the helper has cleared the clipboard (at most a minute)
        if fake_xclip.read_text() == "":
            break
        time.sleep(0.1)
    assert fake_xclip.read_text() == ""
    environment = seen.read_text()
    assert "AZURE_CLIENT_SECRET" not in environment and "s3cret" not in environment
    assert "DISPLAY=:99" in environment and "LC_ALL=C.UTF-8" in environment
