"""Findings of the security review (input limits, inert output, exit codes, secrets)."""

from __future__ import annotations

import io
import json

from entra_tui.commands.decode import DecodeOptions, run_decode


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
