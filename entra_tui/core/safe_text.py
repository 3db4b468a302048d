"""The one way untrusted text (from a token, a server or a profile file) reaches a screen.

`safe_text` makes a string inert for every sink: a terminal, a Textual widget, a log line.
Anything that could act on a terminal or mislead a reader is shown escaped instead, in the
form Python would write it (`\\x1b`, `\\u202e`, `\\n`):

- C0 and C1 control characters (ESC, BEL, U+009B CSI...) and DEL: they drive terminals
  (OSC 2 retitles the window, OSC 52 writes the clipboard);
- line breaks (\\n, \\r, U+0085, U+2028, U+2029): a claim must not print a line that looks
  like the tool's own (`Signature: VERIFIED`);
- bidi overrides, embeddings, isolates and marks: they reorder what is shown ("Trojan
  Source");
- zero-width and other invisible characters: they make two different values look equal.

The rule is `str.isprintable()` (which is False for every control, format, separator,
private-use, surrogate and unassigned character) plus a few printable-but-invisible letters.
The result is always printable and escaping is idempotent. A backslash is kept as is, so an
ordinary `DOMAIN\\user` reads naturally.

Markup is a separate matter: Textual and Rich parse `[b]`/`[@click=...]` in `str` content.
Untrusted text goes to widgets as `rich.text.Text` / `Content` objects (or `markup=False`),
never as a `str` that is parsed. A tiny pure-Python module: imported by the `decode` path.
"""

from __future__ import annotations

# Printable by Python's rules but invisible or blank when drawn (fillers, joiners).
INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0\u2800")
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def safe_text(text: object) -> str:
    """`text` (any value; `str()` is applied) with every unsafe character shown escaped."""
    string = text if isinstance(text, str) else _as_string(text)
    if string.isprintable() and INVISIBLE.isdisjoint(string):
        return string  # the common case: one pass in C
    return "".join(ch if ch.isprintable() and ch not in INVISIBLE else _escape(ch)
                   for ch in string)


def inert_json(data: object, indent: int | None = 2) -> str:
    """JSON with every non-ASCII and control character escaped (`\\u202e`, `\\u009b`): a
    terminal or a log shows it inert, and any JSON reader gets the same text back. The one
    function every JSON printer calls (decode, diff, doctor, token, the raw view); DEL is
    escaped by `ensure_ascii` already, the replace keeps it so whatever json does."""
    import json  # only the callers that print JSON pay for it

    return json.dumps(data, indent=indent, ensure_ascii=True).replace("\x7f", "\\u007f")


def _escape(ch: str) -> str:
    named = NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _as_string(value: object) -> str:
    try:
        return str(value)
    except ValueError:  # an int past Python's digit limit: say what it is
        return f"<a number too long to show ({value.bit_length()} bits)>" \
            if isinstance(value, int) else "<unprintable value>"
