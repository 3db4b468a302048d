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


def resolve_path(target: str, base_dir: Path | None) -> Path:
    """Expand `~` and make relative paths relative to the profile file, not the working dir."""
    path = Path(target).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    return path
