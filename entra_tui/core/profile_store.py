"""Changing the profile file from the app: add, edit, rename, duplicate, delete, remember UI
choices. Each change is applied to the file as it is on disk *now* (under a lock, so two
entra-tui processes never lose each other's edits), keeps the user's comments and ordering
(tomlkit round-trips), is checked with the same rules as loading, keeps a `.bak` of the
previous version and replaces the file atomically."""

from __future__ import annotations

import itertools
import os
import re
import stat
from collections.abc import Callable, Container, Mapping
from pathlib import Path
from typing import Any

from entra_tui.core.errors import ConfigError
from entra_tui.core.profiles import ProfileSet, parse_profiles
from entra_tui.core.safe_files import (
    PRIVATE,
    NotASmallFile,
    atomic_write,
    locked,
    read_small_file,
)

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
NEW_FILE_HEADER = ("# entra-tui profiles: one [profiles.NAME] table per app registration.\n"
                   "# Secrets are references (env:NAME or file:PATH), never values.\n")

Fields = Mapping[str, Any]  # profile keys -> value; None (or "" or []) removes the key


# Words the CLI reads in a profile's place (`entra-tui token env` reads AZURE_*).
RESERVED_NAMES = frozenset({"env"})


def check_name(name: str, *, current: str | None = None) -> str | None:
    """Why `name` cannot name a profile, or None. The profile's `current` name keeps its
    spelling (the loader takes any name the file holds, such as `東京-orders`, and editing
    only a profile's secret must not force a rename); new names follow the rules."""
    if name == current:
        return None
    if not NAME.match(name):
        return ("a profile name is 1-64 ASCII letters or digits (A-Z, a-z, 0-9), '-', '_' "
                "or '.', starting with a letter or digit")
    if name in RESERVED_NAMES:
        return (f"'{name}' is reserved: `entra-tui token {name}` reads the AZURE_* "
                "variables; choose another name")
    if name.lower() in RESERVED_NAMES:  # `token ENV` would use the profile, but it is too
        # easily taken for `token env`, which reads the environment
        return (f"'{name}' is reserved: only its case tells it from `{name.lower()}`, which "
                f"`entra-tui token {name.lower()}` takes to mean the AZURE_* variables; "
                "choose another name")
    return None


def free_name(wanted: str, taken: Container[str], separator: str = "-") -> str:
    """`wanted`, or `wanted-2`, `wanted-3`... whichever is neither taken nor reserved."""
    return next(name for name in (wanted if i == 1 else f"{wanted}{separator}{i}"
                                  for i in itertools.count(1))
                if name not in taken and name.lower() not in RESERVED_NAMES)


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


class ProfileStore:
    """The profile file at `path`, changed one whole, checked step at a time."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def raw_table(self, name: str) -> dict[str, Any]:
        """The profile's keys as written (paths unresolved), for the editor to start from."""
        from entra_tui.core import toml_reader

        try:
            document = toml_reader.loads(read_small_file(self.path).decode("utf-8-sig"))
        except (OSError, toml_reader.TOMLDecodeError, UnicodeDecodeError):
            return {}
        table = document.get("profiles", {}).get(name, {})
        return table if isinstance(table, dict) else {}

    def save_profile(self, name: str, fields: Fields, *, previous_name: str | None = None,
                     copy_of: str | None = None) -> ProfileSet:
        """Create profile `name`, or update it (renaming `previous_name` to it). A new
        profile made `copy_of` another starts as that whole table (keys the form does not
        show, `[expect]` among them) with `fields` on top."""
        problem = check_name(name, current=previous_name)
        if problem:
            raise ConfigError(problem, path=str(self.path), key="name")

        def change(document: Any) -> None:
            profiles = _profiles_table(document)
            existing = previous_name if previous_name and previous_name in profiles else None
            if name in profiles and name != existing:
                raise ConfigError(f"a profile named '{name}' already exists",
                                  path=str(self.path), key="name")
            if existing is not None and existing != name:
                document = self._renamed(document, existing, name)
                profiles = document["profiles"]
            if name not in profiles:
                source = profiles.get(copy_of) if copy_of else None
                profiles[name] = _table_in(profiles, source)
            _merge(profiles[name], fields)
            return document

        return self._update(change)

    def _renamed(self, document: Any, old: str, new: str) -> Any:
        """The document with [profiles.old] renamed where it stands: only the text that
        spells the name changes (its header, its sub-tables' headers, or its key in a
        dotted or inline layout); every other table keeps its quoting, escapes, comments
        and blank lines (tomlkit renames a key only by writing its whole table out again)."""
        import tomlkit

        from entra_tui.core.toml_keys import rename_key

        try:
            return tomlkit.parse(rename_key(tomlkit.dumps(document), ("profiles",), old, new))
        except ValueError as exc:  # the check after the rename refused it: nothing written
            raise ConfigError(f"cannot rename '{old}' in this file ({exc}); rename it in "
                              "the file itself", path=str(self.path), key="name") from None

    def add_profiles(self, items: list[tuple[str, Fields]]) -> tuple[ProfileSet, list[str]]:
        """Add imported profiles in one save; a taken name gets -2, -3... Returns the names."""
        added: list[str] = []

        def change(document: Any) -> None:
            profiles = _profiles_table(document)
            added.clear()
            for wanted, fields in items:
                name = free_name(wanted, profiles)
                profiles[name] = _table_in(profiles)
                _merge(profiles[name], fields)
                added.append(name)

        return self._update(change), added

    def duplicate_profile(self, source: str, name: str) -> ProfileSet:
        def change(document: Any) -> None:
            profiles = _profiles_table(document)
            if source not in profiles:
                raise ConfigError(f"no profile named '{source}'", path=str(self.path))
            if name in profiles:
                raise ConfigError(f"a profile named '{name}' already exists",
                                  path=str(self.path), key="name")
            profiles[name] = _table_in(profiles, profiles[source])

        problem = check_name(name)
        if problem:
            raise ConfigError(problem, path=str(self.path), key="name")
        return self._update(change)

    def delete_profile(self, name: str) -> ProfileSet:
        def change(document: Any) -> None:
            profiles = _profiles_table(document)
            if name in profiles:
                del profiles[name]

        return self._update(change)

    def set_ui(self, key: str, value: Any) -> ProfileSet:
        """Remember a UI choice (theme, clipboard delay) in the [ui] table."""
        def change(document: Any) -> None:
            import tomlkit

            if "ui" not in document:
                document["ui"] = tomlkit.table()
            document["ui"][key] = value

        return self._update(change)

    # --- one read-change-check-write cycle --------------------------------------------------
    def _update(self, change: Callable[[Any], Any]) -> ProfileSet:
        """Apply `change` to the file as it is now; `change` edits the tomlkit document it
        is given in place, or returns the document that replaces it (a rename)."""
        import tomlkit
        from tomlkit.exceptions import ParseError, TOMLKitError

        self.path.parent.mkdir(parents=True, exist_ok=True)
        with locked(self.path):
            try:
                before: bytes | None = read_small_file(self.path)
            except FileNotFoundError:
                before = None
            except NotASmallFile as exc:  # never replace a FIFO or device with a file
                raise ConfigError(str(exc), path=str(self.path)) from None
            text = before.decode("utf-8-sig", errors="replace") if before else NEW_FILE_HEADER
            try:
                document = tomlkit.parse(text)
            except ParseError as exc:  # never overwrite a file we cannot read
                raise ConfigError(f"cannot change the file: {exc.args[0] if exc.args else exc}"
                                  .split(" at line ")[0], path=str(self.path),
                                  line=exc.line, column=exc.col) from None
            if before is not None:
                parse_profiles(before, self.path)  # refuse to build on a file that is broken
            try:
                replaced = change(document)
                if replaced is not None:
                    document = replaced
                after = tomlkit.dumps(document)
            except (ValueError, TypeError, TOMLKitError) as exc:  # a layout tomlkit cannot edit
                raise ConfigError(f"cannot change this file's layout from the app ({exc}); "
                                  "edit it in a text editor", path=str(self.path)) from None
            result = parse_profiles(after.encode("utf-8"), self.path)  # same rules as loading
            if before is not None and after == text:
                return result  # nothing changed: the file, and the backup of the real last
                # change, stay as they are
            mode = stat.S_IMODE(os.stat(self.path).st_mode) if before is not None else PRIVATE
            if before is not None:
                atomic_write(backup_path(self.path), before, mode=PRIVATE)
            atomic_write(self.path, after, mode=mode)
        return result


def _copy_table(table: Any) -> Any:
    import tomlkit

    return tomlkit.parse(tomlkit.dumps({"p": table.unwrap()}))["p"]


def _table_in(parent: Any, source: Any = None) -> Any:
    """A new table to put in `parent` (a copy of `source`, if given). An inline table
    (`x = { ... }`, `profiles = { x = { ... } }`) can hold only inline tables: tomlkit
    refuses a standard one with a ValueError."""
    import tomlkit
    from tomlkit.items import InlineTable

    if not isinstance(parent, InlineTable):
        return _copy_table(source) if source is not None else tomlkit.table()
    table = tomlkit.inline_table()
    for key, value in (source.unwrap() if source is not None else {}).items():
        table[key] = _inline(value)
    return table


def _inline(value: Any) -> Any:
    import tomlkit

    if not isinstance(value, Mapping):
        return value
    table = tomlkit.inline_table()
    for key, item in value.items():
        table[key] = _inline(item)
    return table


def _profiles_table(document: Any) -> Any:
    import tomlkit

    if "profiles" not in document:
        document["profiles"] = tomlkit.table(is_super_table=True)
    return document["profiles"]


def _merge(table: Any, fields: Fields) -> None:
    """Set changed values, drop emptied ones, leave everything else (and its comments)."""

    for key, value in fields.items():
        if isinstance(value, Mapping):
            if key not in table:
                if not any(_present(v) for v in value.values()):
                    continue
                table[key] = _table_in(table)
            _merge(table[key], value)
            if not table[key]:
                del table[key]
        elif not _present(value):
            if key in table:
                del table[key]
        elif key not in table or table[key] != value:
            table[key] = value


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != ()
