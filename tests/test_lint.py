"""Checked habits (issue 14 §6): ruff and mypy clean over entra_tui/. Both come with the
`test` extra; each test skips when its tool is absent."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.skipif(find_spec("ruff") is None, reason="ruff is not installed ('.[test]')")
def test_ruff_is_clean() -> None:
    done = run("ruff", "check", "entra_tui")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(find_spec("mypy") is None, reason="mypy is not installed ('.[test]')")
def test_mypy_is_clean() -> None:
    done = run("mypy", "entra_tui")
    found = re.search(r"Found (\d+) errors?", done.stdout)
    errors = int(found.group(1)) if found else 0
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 2: mypy itself failed
    assert errors == 0, done.stdout
