"""The TOML parser for profile files: tomli where it is installed (the project the standard
library's tomllib was taken from; its wheels are compiled, which reads a long profile file
two to three times faster and imports faster), else the standard library's tomllib. Both
raise `TOMLDecodeError` with the same "(at line L, column C)" message."""

from __future__ import annotations

try:
    from tomli import TOMLDecodeError, loads
except ImportError:  # a platform without a tomli wheel: the same parser, from the stdlib
    from tomllib import TOMLDecodeError, loads  # type: ignore[assignment]  # the same class

__all__ = ["TOMLDecodeError", "loads"]
