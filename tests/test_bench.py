"""The benchmark harness runs and reports every metric (it never judges speed here)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from entra_tui.bench.__main__ import TARGETS


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and uses a pty")
@pytest.mark.timeout(600)
def test_harness_prints_every_metric() -> None:
    done = subprocess.run([sys.executable, "-m", "entra_tui.bench", "--quick", "--json"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    for name in TARGETS:
        assert isinstance(report[name], int | float), name
        assert report[name] > 0, name
        assert name in report["spread"]
    assert "Traceback" not in done.stderr
