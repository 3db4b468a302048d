"""Renaming one key of a TOML document by changing only the text that spells it.

tomlkit renames a key only by rebuilding the table that holds it, and a rebuilt table is
written out again whole: its siblings' quoting (`[profiles."billing"]` became
`[profiles.billing]`), their escapes (`\\u009b` became the raw C1 byte) and the blank lines
between a table and the comment above it all changed. Here a small scanner reads where every
key is spelled (table headers, dotted keys, inline tables), the spellings of the one key are
replaced, and both versions are parsed to check that the only change is that key's name."""

from __future__ import annotations

from typing import Any, NamedTuple

BARE_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_SCALAR_ENDS = frozenset(",]}#\r\n")
Path = tuple[str, ...]


class KeySpan(NamedTuple):
    """One spelling of a key: `text[start:end]` (quotes included) names the last part of
    `path`, the key's full path from the document's root."""

    path: Path
    start: int
    end: int


def rename_key(text: str, parent: Path, old: str, new: str) -> str:
    """`text` with the key `old` of the table at `parent` renamed `new` wherever it is
    spelled (a table's header and its sub-tables' headers, dotted keys, an inline table),
    every other character as it was. ValueError when the document cannot be renamed so
    (the check after the change is what guarantees nothing else moved)."""
    from entra_tui.core import toml_reader

    target = (*parent, old)
    spans = [span for span in key_spans(text) if span.path == target]
    if not spans:
        raise ValueError(f"no key {old!r} found in the text")
    renamed = text
    for span in reversed(spans):  # from the end, so earlier offsets stay right
        spelled = spell_key(new, like=text[span.start:span.end])
        renamed = renamed[:span.start] + spelled + renamed[span.end:]
    expected = _with_key_renamed(toml_reader.loads(text), parent, old, new)
    if repr(toml_reader.loads(renamed)) != repr(expected):  # repr: order counts, nan == nan
        raise ValueError("renaming the key would change more than its name")
    return renamed


def spell_key(name: str, like: str = "") -> str:
    """`name` as a TOML key, quoted as the key it replaces (`like`) was where it can be:
    bare, a literal string, else a basic string."""
    bare = bool(name) and BARE_KEY.issuperset(name)
    if bare and not like.startswith(("'", '"')):
        return name
    if like.startswith("'") and name.isprintable() and "'" not in name:
        return f"'{name}'"
    import json

    return json.dumps(name, ensure_ascii=False).replace("\x7f", "\\u007f")


def key_spans(text: str) -> list[KeySpan]:
    """Every key spelled in `text` (valid TOML), with its full path. Keys of inline tables
    inside arrays are skipped: no path through an array names a table."""
    scanner = _Scanner(text)
    scanner.document()
    return scanner.spans


def _with_key_renamed(data: dict[str, Any], parent: Path, old: str, new: str) -> dict[str, Any]:
    if not parent:
        if old not in data or new in data:
            raise ValueError(f"cannot rename {old!r} to {new!r}")
        return {new if key == old else key: value for key, value in data.items()}
    head, *rest = parent
    child = data.get(head)
    if not isinstance(child, dict):
        raise ValueError(f"{head!r} is not a table")
    return {**data, head: _with_key_renamed(child, tuple(rest), old, new)}


class _Scanner:
    """A reader of TOML's structure only: where keys are and where values end."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.spans: list[KeySpan] = []

    def fail(self, what: str) -> ValueError:
        return ValueError(f"{what} at offset {self.at}")

    def char(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def skip_blanks(self) -> None:
        while self.char() in (" ", "\t"):
            self.at += 1

    def skip_lines_and_comments(self) -> None:
        while True:
            ch = self.char()
            if ch and ch in " \t\r\n":
                self.at += 1
            elif ch == "#":
                self.skip_comment()
            else:
                return

    def skip_comment(self) -> None:
        end = self.text.find("\n", self.at)
        self.at = len(self.text) if end < 0 else end

    def expect(self, token: str) -> None:
        if not self.text.startswith(token, self.at):
            raise self.fail(f"expected {token!r}")
        self.at += len(token)

    def document(self) -> None:
        table: Path = ()
        while True:
            self.skip_lines_and_comments()
            if not self.char():
                return
            if self.char() == "[":
                close = "]]" if self.text.startswith("[[", self.at) else "]"
                self.at += len(close)
                table = self.key(()) or ()
                self.skip_blanks()
                self.expect(close)
            else:
                path = self.key(table)
                self.skip_blanks()
                self.expect("=")
                self.value(path)
            self.skip_blanks()
            if self.char() == "#":
                self.skip_comment()
            if self.char() not in ("", "\r", "\n"):
                raise self.fail("expected the end of the line")

    def key(self, base: Path | None) -> Path | None:
        """A dotted key; each part is recorded with its path under `base` (None: not kept)."""
        path = base
        while True:
            self.skip_blanks()
            start, ch = self.at, self.char()
            if ch == '"':
                self.basic_string()
                from entra_tui.core import toml_reader

                name = toml_reader.loads("k = " + self.text[start:self.at])["k"]
            elif ch == "'":
                self.literal_string()
                name = self.text[start + 1:self.at - 1]
            else:
                while self.char() and self.char() in BARE_KEY:
                    self.at += 1
                if self.at == start:
                    raise self.fail("expected a key")
                name = self.text[start:self.at]
            if path is not None:
                path = (*path, name)
                self.spans.append(KeySpan(path, start, self.at))
            self.skip_blanks()
            if self.char() != ".":
                return path
            self.at += 1

    def value(self, path: Path | None) -> None:
        self.skip_blanks()
        ch = self.char()
        if self.text.startswith(('"""', "'''"), self.at):
            self.multiline_string(self.text[self.at:self.at + 3])
        elif ch == '"':
            self.basic_string()
        elif ch == "'":
            self.literal_string()
        elif ch == "[":
            self.array()
        elif ch == "{":
            self.inline_table(path)
        else:  # a number, a boolean or a date (which may hold a space)
            start = self.at
            while self.char() and self.char() not in _SCALAR_ENDS:
                self.at += 1
            if self.at == start:
                raise self.fail("expected a value")

    def basic_string(self) -> None:
        self.at += 1
        while True:
            ch = self.char()
            if ch in ("", "\n"):
                raise self.fail("unterminated string")
            self.at += 2 if ch == "\\" else 1
            if ch == '"':
                return

    def literal_string(self) -> None:
        end = self.text.find("'", self.at + 1)
        if end < 0:
            raise self.fail("unterminated string")
        self.at = end + 1

    def multiline_string(self, quotes: str) -> None:
        self.at += 3
        while True:
            if not self.char():
                raise self.fail("unterminated string")
            if quotes == '"""' and self.char() == "\\":
                self.at += 2
            elif self.text.startswith(quotes, self.at):
                self.at += 3
                for _ in range(2):  # up to two quotes just before the closing three
                    if self.char() == quotes[0]:
                        self.at += 1
                return
            else:
                self.at += 1

    def array(self) -> None:
        self.at += 1
        while True:
            self.skip_lines_and_comments()
            if self.char() == "]":
                self.at += 1
                return
            self.value(None)
            self.skip_lines_and_comments()
            if self.char() == ",":
                self.at += 1
            elif self.char() != "]":
                raise self.fail("expected ',' or ']'")

    def inline_table(self, path: Path | None) -> None:
        self.at += 1
        while True:
            self.skip_lines_and_comments()  # TOML 1.1 lets an inline table span lines
            if self.char() == "}":
                self.at += 1
                return
            key = self.key(path)
            self.skip_blanks()
            self.expect("=")
            self.value(key)
            self.skip_lines_and_comments()
            if self.char() == ",":
                self.at += 1
            elif self.char() != "}":
                raise self.fail("expected ',' or '}'")
