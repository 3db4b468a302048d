"""The project's own error types: each carries a message fit to show a person as is."""

from __future__ import annotations


class EntraTuiError(Exception):
    """Base of every error the core raises on purpose; `str()` is the user-facing message."""


class ConfigError(EntraTuiError):
    """The profile file cannot be used; names the file and, where known, line and column."""

    def __init__(
        self, message: str, *, path: str | None = None, line: int | None = None,
        column: int | None = None, key: str | None = None,
    ) -> None:
        self.path = path
        self.key = key  # the profile key at fault, so a form can point at its field
        self.line = line
        self.column = column
        self.reason = message
        where = path or "profile file"
        if line is not None:
            where += f":{line}" + (f":{column}" if column is not None else "")
        super().__init__(f"{where}: {message}")


class CredentialError(EntraTuiError):
    """A secret reference or certificate file could not be used.

    The message names the reference or the path, never a secret value.
    """


class TokenDecodeError(EntraTuiError):
    """Text that is not a decodable JWT; the message says which part failed and why.

    `kind` is set when the text is recognisably something else (a JWE, an opaque token);
    it holds a `TokenKind`, kept untyped here so this module stays free of imports.
    """

    def __init__(self, message: str, *, kind: object = None) -> None:
        super().__init__(message)
        self.kind = kind
