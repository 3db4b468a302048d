"""Resolve credential references: profile files hold `env:NAME` or `file:PATH`, never values."""

from __future__ import annotations

import os
from pathlib import Path

from entra_tui.core.errors import CredentialError

REFERENCE_KINDS = ("env", "file")


def validate_reference(reference: str) -> None:
    """Raise if `reference` is not `env:NAME` or `file:PATH` (checked when the file is loaded)."""
    kind, sep, target = reference.partition(":")
    if not sep or kind not in REFERENCE_KINDS or not target.strip():
        raise CredentialError(
            "a secret must be a reference like 'env:MY_APP_SECRET' or 'file:~/.secrets/app'; "
            "secret values do not belong in the profile file"
        )


def resolve_reference(reference: str, *, base_dir: Path | None = None) -> str:
    """Return the secret named by `reference`; relative file paths are taken from `base_dir`."""
    validate_reference(reference)
    kind, _, target = reference.partition(":")
    target = target.strip()
    if kind == "env":
        value = os.environ.get(target)
        if value is None:
            raise CredentialError(f"environment variable {target} (from '{reference}') is not set")
        if not value.strip():
            raise CredentialError(f"environment variable {target} (from '{reference}') is empty")
        return value.strip()
    path = resolve_path(target, base_dir)
    try:
        value = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CredentialError(f"secret file {path} (from '{reference}') does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not readable text"
        raise CredentialError(f"secret file {path} cannot be read: {reason}") from None
    if not value.strip():
        raise CredentialError(f"secret file {path} (from '{reference}') is empty")
    return value.strip()


def exposure_warning(reference: str | None, base_dir: Path | None = None,
                     what: str = "secret file") -> str | None:
    """A warning when a `file:` secret can be read by other users (mode wider than 0600)."""
    if not reference or not reference.startswith("file:"):
        return None
    path = resolve_path(reference.partition(":")[2].strip(), base_dir)
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if os.name == "posix" and mode & 0o077:
        return (f"{what} {path} is readable by other users (mode "
                f"{mode & 0o777:o}); run: chmod 600 {path}")
    return None


class CredentialWatch:
    """Notices a changed credential cheaply, so a token cached under the old one is dropped.

    Watches the profile's `env:` variables (their values' hashes) and files (`file:` secrets,
    passwords, certificate files: inode, size, modification and change times). The stamp is
    taken before the credential is read, so a change racing the read shows up next time.
    It runs on every acquisition, cache hits included, so the usual case (one file) is one
    `stat` and a compare: the session manager's cache-hit benchmark figure depends on it.
    """

    __slots__ = ("_names", "_one_file", "_paths", "stamp")

    def __init__(self, names: tuple[str, ...], paths: tuple[str, ...]) -> None:
        self._names = names
        self._paths = paths
        # One file and no variable (a `file:` secret, a PEM certificate): the common case,
        # checked with a single stat and no further calls (it runs on every cache hit).
        self._one_file = os.fsencode(paths[0]) if not names and len(paths) == 1 else None
        self.stamp = self.take()

    def take(self) -> tuple[object, ...]:
        get = os.environ.get
        return (*[hash(get(name)) for name in self._names],
                *[_file_stamp(path) for path in self._paths])

    def changed(self) -> bool:
        if self._one_file is not None:
            try:
                info = os.stat(self._one_file)
            except OSError:
                return self.stamp[0] is not None
            return self.stamp[0] != (info.st_ino, info.st_size, info.st_mtime_ns,
                                     info.st_ctime_ns)
        return self.take() != self.stamp


def _file_stamp(path: str) -> tuple[int, int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def credential_watch(references: tuple[str | None, ...], files: tuple[str | None, ...],
                     base_dir: Path | None) -> CredentialWatch | None:
    """A watch over `references` (`env:`/`file:`) and plain `files`; None when there are none."""
    names: list[str] = []
    paths: list[str] = []
    for reference in references:
        kind, sep, target = (reference or "").partition(":")
        if sep and kind == "env" and target.strip():
            names.append(target.strip())
        elif sep and kind == "file" and target.strip():
            paths.append(str(resolve_path(target.strip(), base_dir)))
    paths += [str(resolve_path(f, base_dir)) for f in files if f]
    return CredentialWatch(tuple(names), tuple(paths)) if names or paths else None


def resolve_path(target: str, base_dir: Path | None) -> Path:
    """Expand `~` and make relative paths relative to the profile file, not the working dir."""
    path = Path(target).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    return path
