"""Presentation mode: hide what identifies people (e-mail addresses and UPNs, IP addresses,
object ids, display names) so a screen can be shared. Apps, tenants, scopes and times stay
visible: they are what a screen share is usually about.

Linear time, whatever the text: a token's claims are chosen by whoever made it. The regular
expressions used before backtracked (1.8 s for a 1,000-character claim, 125 s for 4,000, a
frozen UI when `m` was pressed). Now each pass walks the text once: e-mails grow outwards
from each `@` (never past the previous `@` or match), addresses are maximal runs of
hex digits, `:` and `.` that `ipaddress` then judges (at most 45 characters each), and ids are
found with `str.replace` (a linear search per id, for a bounded number of ids); the token's
own names (`name`, `given_name`, ...) are found the same way, as whole words only."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

# Claims whose values identify a person or their memberships (pairwise ids included).
PERSONAL_ID_CLAIMS = ("oid", "sub", "puid", "altsecid", "home_oid", "groups", "onprem_sid",
                      "login_hint", "sid")
# Claims that carry a person's name (ID tokens and v1 access tokens carry them).
NAME_CLAIMS = ("name", "given_name", "family_name", "middle_name", "nickname")
HIDDEN_EMAIL, HIDDEN_IP, HIDDEN_ID, HIDDEN_NAME = "‹e-mail›", "‹IP›", "‹id›", "‹name›"
MAX_IDS = 256  # a JWT carries at most 200 groups before the overage claim replaces them
MAX_ID_LENGTH = 1024
MAX_MASKED_CHARS = 200_000  # past this a value is hidden whole: the work stays bounded
MAX_ADDRESS_CHARS = 45  # the longest IPv6 text form (with an IPv4 tail)
LOCAL_PART_EXTRA = frozenset(".+#'-")
ADDRESS_RUN = re.compile(r"[0-9A-Fa-f:.]+")
WORD_RUN = re.compile(r"\w*")  # \w is str.isalnum() or "_", as _is_word; one class: linear


class Masker:
    """`apply` hides e-mails and IPs anywhere, and the token's own personal ids."""

    def __init__(self, claims: Mapping[str, Any] | None = None) -> None:
        ids: set[str] = set()
        for name in PERSONAL_ID_CLAIMS:
            value = (claims or {}).get(name)
            values = value if isinstance(value, list) else [value]
            ids.update(v for v in values[:MAX_IDS]
                       if isinstance(v, str) and 6 <= len(v) <= MAX_ID_LENGTH)
        # Longest first, so an id that contains another is hidden whole.
        self._ids = sorted(ids, key=len, reverse=True)[:MAX_IDS]
        names: set[str] = set()
        for name in NAME_CLAIMS:
            value = (claims or {}).get(name)
            if isinstance(value, str) and value.strip() and len(value) <= MAX_ID_LENGTH:
                value = value.strip()
                # Also as JSON writes it without non-ASCII (the raw view's "Jos\u00e9").
                names.update({value, json.dumps(value)[1:-1]})
        # Longest first: "Adele Vance" is hidden whole before "Adele" could be.
        self._names = sorted(names, key=len, reverse=True)

    def apply(self, text: str) -> str:
        if len(text) > MAX_MASKED_CHARS:
            return f"‹{len(text):,} characters hidden›"
        text = hide_emails(text)
        text = hide_addresses(text)
        for personal_id in self._ids:
            if personal_id in text:
                text = text.replace(personal_id, HIDDEN_ID)
        for name in self._names:
            text = hide_word(text, name, HIDDEN_NAME)
        return text


def hide_word(text: str, word: str, mask: str) -> str:
    """`word` where it stands as a whole word (not inside one: the name "Li" leaves "Link"
    alone) becomes `mask`. Linear: a match glued to a word is passed by skipping to the end of
    that word (a whole word cannot start inside it), so every search moves forward."""
    at = text.find(word)
    if at == -1:
        return text
    check_start, check_end = _is_word(word[0]), _is_word(word[-1])
    pieces: list[str] = []
    done, length = 0, len(text)
    while at != -1:
        end = at + len(word)
        if (not check_start or at == 0 or not _is_word(text[at - 1])) and (
                not check_end or end == length or not _is_word(text[end])):
            pieces += [text[done:at], mask]
            done = end
            at = text.find(word, end)
            continue
        after = at + 1
        if check_start:  # the next whole word starts after this run of word characters
            run = WORD_RUN.match(text, at)  # `\w*` matches (maybe empty) at every position
            after = (run.end() if run else at) + 1
        at = text.find(word, after)
    pieces.append(text[done:])
    return "".join(pieces)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def hide_emails(text: str) -> str:
    """`local@label.label...` (local: word characters and `.+#'-`; at least two labels of
    word characters and `-`) becomes ‹e-mail›. One pass: a local part never reaches back past
    the end of the previous match or the previous `@`, a domain never past the next `@`."""
    if "@" not in text:
        return text
    pieces: list[str] = []
    done = 0  # text[:done] is in `pieces`
    at = text.find("@")
    while at != -1:
        start = at
        while start > done and (_is_word(text[start - 1]) or text[start - 1] in LOCAL_PART_EXTRA):
            start -= 1
        end = _domain_end(text, at + 1)
        if start < at and end is not None:
            pieces += [text[done:start], HIDDEN_EMAIL]
            done = end
            at = text.find("@", end)
        else:
            at = text.find("@", at + 1)
    pieces.append(text[done:])
    return "".join(pieces)


def _domain_end(text: str, start: int) -> int | None:
    """Where `label(.label)+` starting at `start` ends, or None when there is none."""
    position, labels, length = start, 0, len(text)
    while True:
        label_start = position
        while position < length and (_is_word(text[position]) or text[position] == "-"):
            position += 1
        if position == label_start:  # empty label: the domain ended at the dot before it
            return (label_start - 1) if labels >= 2 else None
        labels += 1
        if position < length and text[position] == ".":
            position += 1
            continue
        return position if labels >= 2 else None


def hide_addresses(text: str) -> str:
    """IPv4 and IPv6 addresses become ‹IP›. Candidates are maximal runs of hex digits, `:`
    and `.` not glued to a word (`v1.2.3.4` is no address); `ipaddress` decides, so times
    (08:06:16) and versions (1.2.3.4000) stay. `host:port` hides the host."""
    if "." not in text and ":" not in text:
        return text
    pieces: list[str] = []
    done, length = 0, len(text)
    for run in ADDRESS_RUN.finditer(text):  # one character class: no backtracking
        start, end = run.span()
        if (start and _is_word(text[start - 1])) or (end < length and _is_word(text[end])):
            continue
        rest = _address_in(run.group())
        if rest is not None:
            pieces += [text[done:start], HIDDEN_IP, rest]
            done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _address_in(run: str) -> str | None:
    """What is left of `run` after the address it holds is hidden (a trailing full stop, a
    `:port`), or None when it holds none."""
    candidate = run.rstrip(".")
    if len(candidate) > MAX_ADDRESS_CHARS + 6 or (":" not in candidate
                                                  and candidate.count(".") != 3):
        return None
    if _is_address(candidate):
        return run[len(candidate):]
    host, colon, port = candidate.rpartition(":")
    if colon and port.isdigit() and len(port) <= 5 and "." in host and _is_address(host):
        return run[len(host):]
    return None


def _is_address(candidate: str) -> bool:
    if len(candidate) > MAX_ADDRESS_CHARS or not candidate.strip(".:"):
        return False
    import ipaddress

    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


def mask_edges(text: str, keep: int = 6) -> str:
    """First and last characters only: enough to recognise a token, not to use it."""
    if len(text) <= 2 * keep + 3:
        return "…" * min(len(text), 3)
    return f"{text[:keep]}…{text[-keep:]}"
