"""`entra-tui sandbox --write-profiles PATH`: a ready profile file for the running sandbox
(the demo's profiles, from the same generator), so README's `--config demo-profiles.toml`
examples work as written; a user's own file is never overwritten."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _start(path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "entra_tui", "sandbox", "--json",
                             "--write-profiles", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _printed(process: subprocess.Popen[str]) -> dict[str, object]:
    assert process.stdout is not None
    printed = ""
    while True:  # one JSON object over several lines
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else ""
        printed += line
        if line.startswith("}"):
            return json.loads(printed)  # type: ignore[no-any-return]


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_write_profiles_gives_a_file_the_cli_can_use(tmp_path: Path) -> None:
    path = tmp_path / "demo-profiles.toml"
    for _ in range(2):  # a second run replaces the file the first one wrote
        process = _start(path)
        try:
            info = _printed(process)
            assert info["profiles_file"] == str(path)
            assert str(info["base_url"]) in path.read_text()
            assert path.stat().st_mode & 0o077 == 0
            done = subprocess.run([sys.executable, "-m", "entra_tui", "--config", str(path),
                                   "token", "contoso-orders-sync"],
                                  capture_output=True, text=True, timeout=90)
            assert done.returncode == 0, done.stderr
            assert done.stdout.count(".") == 2
        finally:
            _stop(process)


def test_write_profiles_never_overwrites_a_users_file(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    mine = "# my own profiles\n[profiles.work]\ntenant = \"contoso.onmicrosoft.com\"\n"
    path.write_text(mine)
    process = _start(path)
    try:
        assert process.wait(timeout=60) == 3
        assert "not writing" in (process.stderr.read() if process.stderr else "")
    finally:
        _stop(process)
    assert path.read_text() == mine
