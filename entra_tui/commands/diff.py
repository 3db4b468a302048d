"""`entra-tui diff A B`: compare two tokens claim by claim. Each of A and B is a file, `-`
(stdin) or the token itself (visible to other users in ps; prefer files or stdin). Exit 0
when the tokens carry the same claims (only the issuance differs), 1 when they differ, 3 when
an input cannot be read. Imports neither Textual nor MSAL (nor any crypto)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from entra_tui.core.errors import TokenDecodeError
from entra_tui.core.paste import extract_token
from entra_tui.core.safe_files import NotASmallFile, read_small_file
from entra_tui.core.safe_text import inert_json, safe_text
from entra_tui.core.token import DecodedToken, decode_token

EXIT_EQUAL = 0
EXIT_DIFFERENT = 1
EXIT_UNREADABLE = 3
MAX_FILE_BYTES = 1024 * 1024


class Unreadable(Exception):
    """An input that is not a token (or cannot be read); the message says which and why."""


def run_diff(first: str, second: str, *, as_json: bool = False, stdin: TextIO = sys.stdin,
             stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    from entra_tui.core.token_diff import diff_tokens

    if first == "-" and second == "-":
        print("entra-tui diff: only one of A and B can be read from stdin (-)", file=stderr)
        return EXIT_UNREADABLE
    try:
        old = _read("A", first, stdin)
        new = _read("B", second, stdin)
    except Unreadable as exc:
        if as_json:
            print(inert_json({"error": str(exc)}, indent=None), file=stdout)
        print(f"entra-tui diff: {safe_text(exc)}", file=stderr)
        return EXIT_UNREADABLE
    diff = diff_tokens(old, new)
    if as_json:
        print(inert_json(diff.as_json()), file=stdout)
    else:
        print("\n".join(diff.lines()), file=stdout)
    return EXIT_EQUAL if diff.equal else EXIT_DIFFERENT


def _read(label: str, source: str, stdin: TextIO) -> DecodedToken:
    where = "stdin"
    if source == "-":
        if stdin.isatty():
            raise Unreadable(f"{label}: pipe a token in to read it from stdin (-)")
        text = stdin.read(MAX_FILE_BYTES + 1)
    elif _looks_like_path(source):
        path = Path(source)
        where = f"file {source}"
        try:  # a FIFO or a device is refused before any read (a blocking open would hang)
            data = read_small_file(path, MAX_FILE_BYTES)
        except NotASmallFile as exc:
            raise Unreadable(f"{label}: {source}: {_not_small(exc)}") from None
        except OSError as exc:
            raise Unreadable(f"{label}: cannot read {source}: {exc.strerror or exc}") from None
        text = data.decode("utf-8", "replace")
    else:
        text, where = source, "the argument"
    try:
        return decode_token(extract_token(text).token)
    except TokenDecodeError as exc:
        raise Unreadable(f"{label} ({where}): {exc}") from None


def _not_small(exc: NotASmallFile) -> str:
    """read_small_file's reason, told about a token file rather than settings."""
    if "regular" in str(exc):
        return "not a regular file (a FIFO, device or directory); give a file or -"
    return "over 1 MiB; tokens are far smaller"


def _looks_like_path(source: str) -> bool:
    """A token has no path separators and is not a file; anything that exists is a file."""
    if source.count(".") == 2 and source.startswith("eyJ") and "/" not in source:
        return False
    try:
        return Path(source).exists() or "/" in source or source.endswith((".jwt", ".txt"))
    except (OSError, ValueError):
        return False
