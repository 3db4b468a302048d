"""Compare two decoded tokens claim by claim: "did my permission change land?"

Set-like claims (`roles`, `scp`, `groups`, `wids`, `amr`, `xms_cc`) are compared as sets and
report what was added and removed (`wids` named from the directory-role catalogue); time claims
report both times and the difference as a duration; other claims old -> new; header members too
(a new `kid` is a key rollover). Claims that differ between any two issued tokens (`iat`,
`nbf`, `exp`, `uti`, `rh`, `aio`, the header's `nonce`) are "reissue" changes: listed, but not
counted as a difference, so `entra-tui diff old new` exits 0 when only the issuance changed.

Pure and Textual-free; every value shown passes through the one safe-text function.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from entra_tui.core.safe_text import safe_text
from entra_tui.core.token import TIME_CLAIMS, DecodedToken

SET_CLAIMS = frozenset({"roles", "scp", "groups", "wids", "amr", "xms_cc"})
# Differ between any two tokens the issuer mints, whatever changed in the directory.
REISSUE_CLAIMS = frozenset({"iat", "nbf", "exp", "uti", "rh", "aio",
                            "c_hash", "at_hash", "nonce"})
REISSUE_HEADER = frozenset({"nonce"})


class Change(NamedTuple):
    """One claim (or header member) that differs. `added`/`removed` for set-like claims."""

    part: str            # "header" or "claims"
    name: str
    kind: str            # "added" (claim new in B), "removed", "changed"
    old: Any = None
    new: Any = None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    reissue: bool = False  # differs between any two issued tokens

    def describe(self) -> str:
        """One line, safe for any screen."""
        name = safe_text(self.name)
        if self.kind == "added":
            return f"+ {name} (new claim): {_shown(self.name, self.new)}"
        if self.kind == "removed":
            return f"- {name} (claim gone): was {_shown(self.name, self.old)}"
        if self.added or self.removed:
            parts = [f"+ {_item(self.name, v)}" for v in self.added] + \
                [f"- {_item(self.name, v)}" for v in self.removed]
            return f"~ {name}: " + "; ".join(parts)
        if self.name in TIME_CLAIMS and _is_number(self.old) and _is_number(self.new):
            from entra_tui.core.timefmt import local_time

            delta = float(self.new) - float(self.old)
            return (f"~ {name}: {local_time(self.old)} -> {local_time(self.new)} "
                    f"({_duration(delta)} {'later' if delta > 0 else 'earlier'})")
        note = " (the signing key rolled over)" if (self.part, self.name) == ("header", "kid") \
            else ""
        return f"~ {name}: {_shown(self.name, self.old)} -> {_shown(self.name, self.new)}{note}"


class TokenDiff(NamedTuple):
    header: tuple[Change, ...]
    claims: tuple[Change, ...]
    identical: bool  # the very same token text
    lifetimes: tuple[float, float] | None = None  # exp - iat of each, when they differ

    @property
    def changes(self) -> tuple[Change, ...]:
        """What differs beyond a routine reissue (the count people ask about)."""
        return tuple(c for c in self.header + self.claims if not c.reissue)

    @property
    def reissued(self) -> tuple[Change, ...]:
        return tuple(c for c in self.header + self.claims if c.reissue)

    @property
    def equal(self) -> bool:
        """No difference beyond the issuance itself."""
        return not self.changes

    @property
    def empty(self) -> bool:
        """Nothing at all differs (the same token, or an exact copy of its claims)."""
        return not self.header and not self.claims

    def summary(self) -> str:
        if self.identical:
            return "the same token"
        count = len(self.changes)
        if not count:
            return ("the same claims; only the issuance differs (times and token ids)"
                    if self.reissued else "the same header and claims")
        return f"{count} claim{'s' if count != 1 else ''} changed"

    def lines(self) -> list[str]:
        """The comparison as text lines, meaningful changes first."""
        summary = self.summary()
        out = [safe_text(summary[:1].upper() + summary[1:])]
        header = [c for c in self.header if not c.reissue]
        claims = [c for c in self.claims if not c.reissue]
        if header:
            out += ["", "Header:"] + [f"  {c.describe()}" for c in header]
        if claims:
            out += ["", "Claims:"] + [f"  {c.describe()}" for c in claims]
        if self.lifetimes is not None:
            before, after = self.lifetimes
            out += ["", f"Lifetime (exp - iat): {_duration(before)} -> {_duration(after)}"]
        if self.reissued:
            out += ["", "Reissue (differs between any two tokens):"] + \
                [f"  {c.describe()}" for c in self.reissued]
        return out

    def as_json(self) -> dict[str, Any]:
        def entry(change: Change) -> dict[str, Any]:
            data: dict[str, Any] = {"part": change.part, "name": change.name,
                                    "kind": change.kind, "reissue": change.reissue}
            if change.added or change.removed:
                data["added"] = [{"value": v, "name": _name_of(change.name, v)}
                                 for v in change.added]
                data["removed"] = [{"value": v, "name": _name_of(change.name, v)}
                                   for v in change.removed]
            else:
                data["old"], data["new"] = change.old, change.new
            if change.name in TIME_CLAIMS and _is_number(change.old) and _is_number(change.new):
                data["delta_seconds"] = float(change.new) - float(change.old)
            return data

        return {"equal": self.equal, "identical": self.identical, "summary": self.summary(),
                "changed": len(self.changes),
                "lifetime_seconds": list(self.lifetimes) if self.lifetimes else None,
                "changes": [entry(c) for c in self.header + self.claims]}


def diff_tokens(old: DecodedToken, new: DecodedToken) -> TokenDiff:
    """What changed from `old` to `new`."""
    old_lifetime, new_lifetime = _lifetime(old), _lifetime(new)
    lifetimes = ((old_lifetime, new_lifetime) if old_lifetime is not None
                 and new_lifetime is not None and old_lifetime != new_lifetime else None)
    return TokenDiff(header=tuple(_compare("header", old.header, new.header)),
                     claims=tuple(_compare("claims", old.claims, new.claims)),
                     identical=old.raw == new.raw,
                     lifetimes=lifetimes)


def _lifetime(token: DecodedToken) -> float | None:
    issued, expires = token.time_claim("iat"), token.time_claim("exp")
    return expires - issued if issued is not None and expires is not None else None


def platform_cache_note(old: DecodedToken, new: DecodedToken) -> str | None:
    """A managed identity token that came back unchanged from a fresh request: say why."""
    if "xms_mirid" in new.claims and diff_tokens(old, new).empty:
        return ("Managed identity: the same token came back. The platform's identity "
                "endpoint caches managed identity tokens (for up to 24 hours) and a fresh "
                "request cannot skip that cache; new role assignments show up when it expires.")
    return None


def _compare(part: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    reissue_names = REISSUE_HEADER if part == "header" else REISSUE_CLAIMS
    changes: list[Change] = []
    for name in list(old) + [n for n in new if n not in old]:
        reissue = name in reissue_names
        if name not in new:
            changes.append(Change(part, name, "removed", old=old[name], reissue=reissue))
            continue
        if name not in old:
            changes.append(Change(part, name, "added", new=new[name], reissue=reissue))
            continue
        before, after = old[name], new[name]
        if _same(before, after):
            continue
        if part == "claims" and name in SET_CLAIMS:
            old_items, new_items = _items(before), _items(after)
            if old_items is not None and new_items is not None:
                if set(old_items) == set(new_items):
                    continue  # the same members in another order
                changes.append(Change(
                    part, name, "changed", before, after,
                    added=tuple(v for v in new_items if v not in set(old_items)),
                    removed=tuple(v for v in old_items if v not in set(new_items)),
                    reissue=reissue))
                continue
        changes.append(Change(part, name, "changed", before, after, reissue=reissue))
    return changes


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _items(value: Any) -> list[str] | None:
    """`scp` is space-separated, the others are arrays of strings."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _name_of(claim: str, value: str) -> str | None:
    if claim == "wids":
        from entra_tui.core.wellknown import DIRECTORY_ROLES

        return DIRECTORY_ROLES.get(value.lower())
    return None


def _item(claim: str, value: str) -> str:
    name = _name_of(claim, value)
    return f"{safe_text(name)} ({safe_text(value)})" if name else safe_text(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _duration(seconds: float) -> str:
    total = int(abs(seconds))
    if total < 60:
        return f"{total} s"
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "",
             f"{minutes} min" if minutes else "", f"{secs} s" if secs and not days else ""]
    return " ".join(p for p in parts if p)


def _shown(name: str, value: Any) -> str:
    if name == "wids" and isinstance(value, list):
        return ", ".join(_item(name, v) if isinstance(v, str) else safe_text(v) for v in value)
    if isinstance(value, str):
        return safe_text(json.dumps(value, ensure_ascii=False))
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = str(value)
    return safe_text(text if len(text) <= 400 else text[:399] + "…")
