"""The benchmark harness runs and reports every metric (it never judges speed here)."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from entra_tui.bench.__main__ import TARGETS


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and uses a pty")
@pytest.mark.timeout(300)
def test_harness_prints_every_metric() -> None:
    done = subprocess.run([sys.executable, "-m", "entra_tui.bench", "--smoke", "--json"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["targets"] == TARGETS
    for name in TARGETS:
        assert isinstance(report[name], int | float), name
        assert math.isfinite(report[name]), name
        assert name in report["spread"]
    assert "Traceback" not in done.stderr
