"""`entra-tui token PROFILE`: the access token on stdout for `$(...)`, or JSON, or the
clipboard; `entra-tui profiles`: list profiles. Errors go to stderr, never a traceback."""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from entra_tui.core.errors import ConfigError
from entra_tui.core.profiles import (
    DEFAULT_CLIPBOARD_CLEAR_SECONDS,
    Profile,
    ProfileSet,
    load_named_profiles,
)
from entra_tui.core.safe_text import inert_json, safe_text  # the one safe-text function

if TYPE_CHECKING:
    from collections.abc import Callable

    from entra_tui.core.results import AcquireError, AcquireResult

EXIT_OK = 0
EXIT_FAILED = 1  # the identity provider or the network said no
EXIT_CONFIG = 3  # the profile (or its secret, password or certificate) cannot be used
_TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9._~+/=-]+")  # see token_shaped


def run_token(name: str | None, *, config: Path | None, as_json: bool, copy: bool,
              scopes: list[str], from_env: bool, stdout: TextIO = sys.stdout,
              stderr: TextIO = sys.stderr, trace: bool = False) -> int:
    from entra_tui.core.flows import Flow
    from entra_tui.core.session import SessionManager

    try:
        profile, profiles = _resolve(name, config, from_env, tuple(scopes) or None)
    except ConfigError as exc:
        print(f"entra-tui token: {safe_text(exc)}", file=stderr)
        if as_json:
            _print_json({"profile": name, "ok": False, "exit_code": EXIT_CONFIG,
                         "error": {"kind": "configuration", "title": "Configuration error",
                                   "summary": str(exc)}}, stdout)
        return EXIT_CONFIG
    notice = sign_in_notice(profile)
    if notice:
        print(notice, file=stderr)
    manager = SessionManager()
    assertion = None
    if profile.flow == Flow.ON_BEHALF_OF:
        source = profiles.get(profile.assertion_profile or "") if profiles else None
        if source is not None:
            assertion = manager.acquire(source).access_token
    result = manager.acquire(
        profile, user_assertion=assertion,
        on_device_code=lambda p: print(safe_text(p.message), file=stderr),
        on_sign_in_url=lambda url: print(
            "entra-tui token: no browser could be opened; to sign in, open this URL "
            f"yourself:\n{safe_text(url)}", file=stderr))
    if trace:  # the wire, redacted; render() passes every line through safe_text
        recorded = manager.last_trace(profile.name)
        if recorded is not None:
            print(recorded.render(), file=stderr)
    for warning in result.warnings:
        print(f"entra-tui token: warning: {safe_text(warning)}", file=stderr)
    if not result.ok or not result.access_token:
        from entra_tui.core.results import FailureKind

        code = EXIT_CONFIG if result.error is not None and result.error.kind in (
            FailureKind.CONFIGURATION,) else EXIT_FAILED
        _print_error(result.error, stderr)
        if as_json:
            _print_json({"profile": profile.name, "ok": False, "exit_code": code,
                         "credential": result.credential, "error": _error_json(result.error)},
                        stdout)
        return code
    if not token_shaped(result.access_token):
        # A hostile or broken authority could send terminal escapes: not printed, not in
        # the JSON, not copied, and not echoed in this message either.
        message = ("the server's access_token is not a token: it holds characters no JWT "
                   "or opaque token has (only letters, digits and . - _ ~ + / =); not "
                   "printed. Is the profile's authority the one you meant?")
        print(f"entra-tui token: {message}", file=stderr)
        if as_json:
            _print_json({"profile": profile.name, "ok": False, "exit_code": EXIT_FAILED,
                         "credential": result.credential,
                         "error": {"kind": "invalid_token", "summary": message}}, stdout)
        return EXIT_FAILED
    if copy:
        delay = profiles.ui.clipboard_clear_seconds if profiles is not None \
            else DEFAULT_CLIPBOARD_CLEAR_SECONDS
        return _copy(profile.name, result.access_token, delay, stderr)
    if as_json:
        _print_json(_summary(profile, result), stdout)
    else:
        print(result.access_token, file=stdout)
    return EXIT_OK


def token_shaped(token: str) -> bool:
    """Made only of the characters of a JWT (base64url and dots) or an opaque token (RFC 6750's
    b64token: base64url plus ~ + / =)."""
    return _TOKEN_CHARACTERS.fullmatch(token) is not None


def sign_in_notice(profile: Profile) -> str:
    """What the user is about to do for a user flow, said as an instruction (it read like a
    refusal: "run it in the TUI once", and then the sign-in went ahead and worked)."""
    how = profile.needs.sign_in
    if not how:
        return ""
    text = (f"entra-tui token: profile '{safe_text(profile.name)}' signs a user in "
            f"{how}. The token is printed once the sign-in is complete.")
    if profile.token_cache != "persistent":
        text += (" (With token_cache = \"persistent\" in the profile, later runs reuse "
                 "the sign-in.)")
    return text


def _copy(name: str, token: str, delay: int, stderr: TextIO) -> int:
    """To the system clipboard, cleared after `delay` seconds by a detached helper (this
    process exits at once, as scripts expect) if the clipboard still holds the token."""
    from entra_tui.core.clipboard import SystemClipboard, clear_later_detached

    if not SystemClipboard().copy(token):
        print("entra-tui token: no system clipboard here (no xclip, xsel or wl-copy); "
              "print it instead", file=stderr)
        return EXIT_FAILED
    copied = f"Access token for '{safe_text(name)}' copied to the clipboard"
    if delay <= 0:
        print(f"{copied}; it will not be cleared (clipboard_clear_seconds = 0).", file=stderr)
    elif clear_later_detached(token, delay):
        print(f"{copied}; it will be cleared in {delay} s if it is still there "
              "(clipboard_clear_seconds).", file=stderr)
    else:
        print(f"{copied}; it will NOT be cleared (the clearing helper could not start): "
              "clear it yourself.", file=stderr)
    return EXIT_OK


def _print_json(data: object, stdout: TextIO) -> None:
    print(inert_json(data), file=stdout)  # server and profile text: DEL escaped too


def _error_json(error: AcquireError | None) -> dict[str, object]:
    """The failure as data: every field of AcquireError (none is secret), plus Microsoft's
    meaning and fix for known AADSTS codes."""
    if error is None:
        return {"kind": "network", "title": "Network error",
                "summary": "no access token in the response"}
    data: dict[str, object] = {"kind": error.kind.value, "title": error.title}
    for field in error._fields:
        if field != "kind":
            data[field] = getattr(error, field)
    help_ = error.help
    if help_ is not None:
        data["meaning"], data["fix"] = help_.meaning, help_.fix
    return data


def run_profiles(*, config: Path | None, as_json: bool, stdout: TextIO = sys.stdout,
                 stderr: TextIO = sys.stderr) -> int:
    try:
        profiles = load_named_profiles(config, keep_broken=True)
    except ConfigError as exc:
        print(f"entra-tui profiles: {safe_text(exc)}", file=stderr)
        return EXIT_CONFIG
    for broken in profiles.broken:  # listed apart; the file is left as it is
        print(f"entra-tui profiles: cannot use {safe_text(broken.error)}", file=stderr)
    for problem in profiles.ui.problems:  # [ui.keymap] entries set aside (not keys)
        print(f"entra-tui profiles: {safe_text(problem)}", file=stderr)
    rows = [{"name": p.name, "tenant": p.tenant, "client_id": p.client_id, "flow": p.flow,
             "authority": p.authority, "scopes": list(p.scopes),
             "credential": p.credential_summary} for p in profiles.profiles]
    if as_json:
        _print_json({"path": str(profiles.path), "profiles": rows,
                     "broken": [{"name": b.name, "error": str(b.error)}
                                for b in profiles.broken]}, stdout)
        return EXIT_OK
    if not rows:
        print(f"No profiles in {safe_text(profiles.path)}.", file=stdout)
    table = [[safe_text(row[key]) for key in ("name", "flow", "tenant", "client_id")]
             for row in rows]
    for line in _aligned(table, widest=(NAME_COLUMN_CELLS, None, TENANT_COLUMN_CELLS, None)):
        print(line, file=stdout)
    return EXIT_OK


# The widest a name or tenant column grows: one long name (a 70-character CJK one takes 140
# cells) pushed every row's later columns past the terminal's edge, and each line wrapped.
# A longer cell is written whole (a name is copied from here into `entra-tui token NAME`)
# and pushes on only its own row's later cells. A tenant GUID takes 36.
NAME_COLUMN_CELLS = 32
TENANT_COLUMN_CELLS = 40


def _aligned(table: list[list[str]],
             widest: tuple[int | None, ...] | None = None) -> list[str]:
    """Each row's cells in columns as wide as their widest cell (of those no wider than
    `widest`, column by column, where given: a wider cell overflows its own row), two
    spaces apart. Measured in terminal cells: a CJK character or an emoji takes two (padded
    by characters, the columns after such a name would drift)."""
    cells: Callable[[str], int] = len
    if not all(cell.isascii() for row in table for cell in row):
        from rich.cells import cell_len  # imported only when some cell needs it

        cells = cell_len
    limits = (widest or (None,) * len(table[0])) if table else ()
    widths = [max((width for width in map(cells, column) if most is None or width <= most),
                  default=most or 0)
              for column, most in zip(zip(*table, strict=True), limits, strict=True)]
    return ["  ".join(cell + " " * (room - cells(cell))  # negative: an overflowing cell
                      for cell, room in zip(row, widths, strict=True)).rstrip()
            for row in table]


def _resolve(name: str | None, config: Path | None, from_env: bool,
             scopes: tuple[str, ...] | None) -> tuple[Profile, ProfileSet | None]:
    from entra_tui.core.environment import profile_from_environment

    if from_env or name == "env":
        return profile_from_environment(scopes), None
    if not name:
        raise ConfigError("name a profile (see `entra-tui profiles`), or use --from-env")
    profiles = load_named_profiles(config, keep_broken=True)
    profile = profiles.get(name)
    broken = profiles.broken_profile(name)
    if profile is None and broken is not None:
        raise broken.error  # this profile's own mistake; the others still work
    if profile is None:
        known = ", ".join(profiles.names()) or "none"
        raise ConfigError(f"no profile named '{name}' (profiles: {known})",
                          path=str(profiles.path))
    return (replace(profile, scopes=scopes) if scopes else profile), profiles


def _summary(profile: Profile, result: AcquireResult) -> dict[str, object]:
    from entra_tui.core.claims import describe_token
    from entra_tui.core.errors import TokenDecodeError
    from entra_tui.core.token import decode_token

    data: dict[str, object] = {
        "profile": profile.name, "access_token": result.access_token,
        "expires_in": result.expires_in, "source": result.source,
        "elapsed_ms": round(result.elapsed_ms, 1),
    }
    try:
        token = decode_token(result.access_token or "")
    except TokenDecodeError:
        return data
    keep = ("aud", "iss", "tid", "azp", "appid", "roles", "scp", "exp", "ver", "idtyp")
    data["expires_on"] = token.claims.get("exp")
    data["claims"] = {k: token.claims[k] for k in keep if k in token.claims}
    data["summary"] = describe_token(token)
    return data


def _print_error(error: AcquireError | None, stderr: TextIO) -> None:
    """The explanation the TUI's error panel shows (AcquireError.explain), as lines."""
    if error is None:
        print("entra-tui token: no access token in the response", file=stderr)
        return
    told = error.explain()
    lines = [f"entra-tui token: {told.title}: {safe_text(told.what)}"]
    if told.meaning:
        lines.append(f"  What it means: {safe_text(told.meaning)}")
    if told.fix:
        lines.append(f"  Try: {safe_text(told.fix)}")
    for label, value in (*told.ids, ("More", told.more)):
        if value:
            lines.append(f"  {label}: {safe_text(value)}")
    print("\n".join(lines), file=stderr)
