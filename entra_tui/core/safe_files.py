"""Writing files so that a crash, a kill or a second process never leaves a half-written one:
write a temporary file beside the target, flush it to disk, then rename it over the target
(atomic on POSIX and Windows). A lock file serialises read-modify-write cycles between
processes."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

PRIVATE = 0o600
TEMP_PREFIX = ".entra-tui-"  # leftovers of a killed writer are recognisable and harmless
MAX_SETTINGS_BYTES = 1024 * 1024  # a profile file is a few KiB; 1 MiB is plenty


class NotASmallFile(OSError):
    """The path names a FIFO, a device or a directory, or a file too large to be settings."""


def read_small_file(path: Path, limit: int = MAX_SETTINGS_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. A FIFO would block the read
    (and the app) until a writer came; /dev/zero never ends: both are refused before any
    read. Opened non-blocking and checked on the open file, so a swap after a check cannot
    slip a FIFO in; at most `limit` + 1 bytes are read, whatever the size claims."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotASmallFile("not a regular file (a FIFO, device or directory cannot "
                                "hold settings)")
        if info.st_size > limit:
            raise NotASmallFile(f"the file is too large ({info.st_size:,} bytes; settings "
                                f"files are at most {limit:,})")
    except BaseException:
        os.close(descriptor)
        raise
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise NotASmallFile(f"the file is too large (over {limit:,} bytes)")
    return data


def atomic_write(path: Path, data: str | bytes, *, mode: int = PRIVATE) -> None:
    """Replace `path` with `data` in one step; readers see the old file or the new one."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    descriptor, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp",
                                             dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.chmod(temporary, mode)  # mkstemp makes it 0600; widen only when asked
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path`.lock for a read-modify-write of `path`."""
    lock_path = Path(f"{path}.lock")
    handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, PRIVATE)
    try:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            import msvcrt

            msvcrt.locking(handle, msvcrt.LK_LOCK, 1)
        else:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock on every platform


def too_open(path: Path) -> bool:
    """True when group or others may read or write `path` (POSIX permissions)."""
    try:
        return os.name == "posix" and bool(stat.S_IMODE(path.stat().st_mode) & 0o077)
    except OSError:
        return False
