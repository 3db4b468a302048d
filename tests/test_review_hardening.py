"""Findings of the security review (input limits, inert output, exit codes, secrets)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from test_token import CLAIMS, make

from entra_tui.commands.decode import DecodeOptions, run_decode
from entra_tui.commands.diff import run_diff

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
