"""Token caches: in memory by default; persisted per profile only when asked, encrypted where
the platform can (libsecret, Keychain, DPAPI) and otherwise refused unless the user allows an
unencrypted file, which is then owner-only (0600) and locked against concurrent writers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from entra_tui.core.errors import CredentialError
from entra_tui.core.safe_files import PRIVATE, atomic_write, too_open

CACHE_DIR_ENV = "ENTRA_TUI_CACHE_DIR"


def cache_dir() -> Path:
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("entra-tui", appauthor=False)


def cache_path(profile_name: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in profile_name)
    return cache_dir() / f"{safe}.msal-cache"


def build_token_cache(profile_name: str, *, persistent: bool, allow_unencrypted: bool) -> Any:
    import msal

    if not persistent:
        return msal.TokenCache()
    import msal_extensions

    path = cache_path(profile_name)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        persistence = msal_extensions.build_encrypted_persistence(str(path))
    except Exception as exc:  # ImportError (no gi/libsecret), PersistenceNotFound, ...
        if not allow_unencrypted:
            raise CredentialError(
                "this machine offers no encrypted storage for the token cache "
                f"({type(exc).__name__}: no libsecret, Keychain or DPAPI); keep "
                "token_cache = \"memory\", or set allow_unencrypted_cache = true to store it "
                f"in {path} readable only by you") from None
        _owner_only(path)
        persistence = _atomic_file_persistence(str(path))
    return msal_extensions.PersistedTokenCache(persistence)


def cache_exposure_warning(profile_name: str) -> str | None:
    """A warning when an existing cache file is open to other users (it is then tightened)."""
    path = cache_path(profile_name)
    if not too_open(path):
        return None
    return (f"the token cache {path} was readable by other users; it is now 0600 "
            "(owner only). Anyone who copied it may hold your refresh tokens: sign out (x).")


def _owner_only(path: Path) -> None:
    """Create the file 0600 before anything is written; tighten an existing looser one."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE))
    elif too_open(path):
        os.chmod(path, PRIVATE)


def _atomic_file_persistence(location: str) -> Any:
    import msal_extensions  # lazily, like MSAL: importing the core must stay cheap

    class AtomicFilePersistence(msal_extensions.FilePersistence):
        """msal-extensions truncates and rewrites in place, so a kill mid-write would leave
        a broken cache. Write beside it and rename instead (msal-extensions still locks)."""

        def save(self, content: str) -> None:
            atomic_write(Path(self.get_location()), content)

    return AtomicFilePersistence(location)
