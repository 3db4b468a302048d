"""Files are replaced in one step: a writer killed mid-save leaves the previous file."""

from __future__ import annotations

import contextlib
import signal
import stat
import subprocess
import sys
from pathlib import Path

from entra_tui.core.safe_files import TEMP_PREFIX, atomic_write, locked, too_open

# The child writes a large payload through atomic_write, but its disk is "slow": fsync
# announces itself and then hangs, which is where the parent kills it.
SLOW_WRITER = """
import os, sys, time
from pathlib import Path
from entra_tui.core.safe_files import atomic_write

def slow_fsync(fd):
    print("writing", flush=True)
    time.sleep(60)

os.fsync = slow_fsync
atomic_write(Path(sys.argv[1]), "x" * 5_000_000)
"""


def test_a_writer_killed_mid_save_leaves_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "profiles.toml"
    target.write_text('[profiles.keep]\ntenant = "contoso.onmicrosoft.com"\n')
    before = target.read_bytes()
    child = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(target)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline() == "writing\n"
    temporaries = list(tmp_path.glob(f"{TEMP_PREFIX}*"))
    assert temporaries and temporaries[0].stat().st_size == 5_000_000  # mid-save for real
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert target.read_bytes() == before
    atomic_write(target, "after = 1\n")  # the next save is unaffected by the leftover
    assert target.read_text() == "after = 1\n"


def test_atomic_write_is_private_by_default_and_cleans_up_on_error(tmp_path: Path) -> None:
    target = tmp_path / "cache.json"
    atomic_write(target, b"{}")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not too_open(target)
    target.chmod(0o644)
    assert too_open(target)
    with contextlib.suppress(FileNotFoundError):
        atomic_write(tmp_path / "missing-dir" / "x", "data")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.json"]


def test_the_lock_serialises_two_processes(tmp_path: Path) -> None:
    target = tmp_path / "profiles.toml"
    released = tmp_path / "released"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom pathlib import Path\n"
        "from entra_tui.core.safe_files import locked\n"
        "with locked(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(0.5)\n"
        "    Path(sys.argv[2]).touch()\n"
    ), str(target), str(released)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    with locked(target):
        assert released.exists()  # we got in only after the other process let go
    holder.wait(timeout=10)
