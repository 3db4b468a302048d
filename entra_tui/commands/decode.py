"""`entra-tui decode`: explain a token in a terminal or a pipeline, optionally verified and
validated. Plain decoding imports neither Textual nor MSAL (nor any crypto)."""

from __future__ import annotations

import re
import sys
import time
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from entra_tui.core.claims import (
    HEADER_MEANINGS,
    describe_token,
    explain_claims,
    value_text,
)
from entra_tui.core.errors import TokenDecodeError
from entra_tui.core.expectations import Expectations
from entra_tui.core.expiry import ExpiryState, expiry_status
from entra_tui.core.paste import extract_token
from entra_tui.core.safe_text import inert_json, safe_text
from entra_tui.core.timefmt import countdown, local_time
from entra_tui.core.token import DecodedToken, TokenKind, decode_token

if TYPE_CHECKING:
    from pathlib import Path

EXIT_OK = 0
EXIT_UNREADABLE = 3
EXIT_SIGNATURE_FAILED = 4
EXIT_VALIDATION_FAILED = 5
EXIT_SIGNATURE_NOT_CHECKED = 6
_SPACE_RUN = re.compile(" {4,}")  # tabs are already escaped (\\t) by safe_text
MAX_INPUT_CHARS = 1024 * 1024  # a token is a few KiB; /dev/zero must not fill the memory


class DecodeOptions(NamedTuple):
    token: str | None
    as_json: bool = False
    verify: bool = False
    jwks: Path | None = None
    authority: str | None = None
    ca_bundle: str | None = None
    expect: Expectations = Expectations()
    graph_profile: str | None = None  # name the token's GUIDs with this profile's Graph token
    config: Path | None = None



def _names_a_file(argument: str) -> bool:
    """`entra-tui decode token.txt`: the argument is a path, not a token (`diff` reads files,
    `decode` reads its argument or stdin)."""
    import os

    return len(argument) < 4096 and "\n" not in argument and os.path.isfile(argument)

def run_decode(options: DecodeOptions, stdin: TextIO = sys.stdin,
               stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    from_stdin = options.token in (None, "-")
    if options.token is not None and not from_stdin:
        raw = options.token
    else:
        if options.token is None and stdin.isatty():
            print("entra-tui decode: give a token, or pipe one in (use - for stdin)",
                  file=stderr)
            return EXIT_UNREADABLE
        raw = stdin.read(MAX_INPUT_CHARS + 1)  # at most one more than allowed, as diff
        if len(raw) > MAX_INPUT_CHARS:
            return _refuse("the input on stdin is over 1 MiB; a token is a few KiB",
                           None, options, stdout, stderr)
    if not raw.strip():  # not "nothing was pasted": nobody pasted anything here
        where = "on stdin (it was empty)" if from_stdin else "(the argument is empty)"
        return _refuse(f"no token was given {where}; pipe one in: "
                       "printf %s \"$TOKEN\" | entra-tui decode", None, options, stdout, stderr)
    try:
        token = decode_token(extract_token(raw).token)
    except TokenDecodeError as exc:
        kind = exc.kind.value if isinstance(exc.kind, TokenKind) else None
        reason = str(exc)
        if not from_stdin and _names_a_file(raw):
            import shlex

            reason += f"; to read the token from that file: entra-tui decode - < {shlex.quote(raw)}"
        return _refuse(reason, kind, options, stdout, stderr)
    now = time.time()
    verification = None
    if options.verify or options.jwks:
        verification = _verify(token, options)
    report = None
    if not options.expect.empty or verification is not None:  # asked to judge the token
        from entra_tui.core.validation import validation_report

        tenant_ids = None
        if options.verify and options.jwks is None and options.expect.tenant:
            from entra_tui.core.verify import domain_tenant_ids

            tenant_ids = domain_tenant_ids(options.expect.tenant, token, options.authority,
                                           options.ca_bundle)
        report = validation_report(token, options.expect, now, verification,
                                   authority=options.authority, tenant_ids=tenant_ids)
    names = _names(token, options, stderr) if options.graph_profile else None
    if options.as_json:
        data = _as_json(token, now, verification, report)
        if names is not None:
            from entra_tui.core.directory_names import names_json

            data["names"] = names_json(names)
        print(inert_json(data), file=stdout)
    else:
        text = _as_text(token, now, verification, report)
        if names is not None:
            from entra_tui.core.directory_names import name_lines

            text += "\nNames (from the directory):\n" + "\n".join(
                f"  {_shown(claim)}: {_shown(line)}"
                for claim, line in name_lines(names).items())
        print(text, file=stdout)
    return _exit_code(verification, report, options)


def _refuse(message: str, kind: str | None, options: DecodeOptions, stdout: TextIO,
            stderr: TextIO) -> int:
    """Unreadable input: the reason on stderr (and as JSON on stdout with --json); exit 3."""
    if options.as_json:
        print(inert_json({"error": message, "kind": kind}, indent=None), file=stdout)
    print(f"entra-tui decode: {safe_text(message)}", file=stderr)
    return EXIT_UNREADABLE


def _names(token: DecodedToken, options: DecodeOptions, stderr: TextIO) -> Any:
    """The token's GUIDs named through Microsoft Graph (MSAL and requests load only here)."""
    from entra_tui.core.directory_names import NameCache, graph_access, resolve_names
    from entra_tui.core.errors import ConfigError
    from entra_tui.core.profiles import load_named_profiles
    from entra_tui.core.session import SessionManager

    try:
        profiles = load_named_profiles(options.config)
    except ConfigError as exc:
        print(f"entra-tui decode: names: {safe_text(exc)}", file=stderr)
        return resolve_names(token.claims, str(exc), NameCache())
    profile = profiles.get(options.graph_profile or "")
    access = graph_access(profile, profiles, SessionManager().acquire) if profile else \
        f"no profile named '{options.graph_profile}'"
    if isinstance(access, str):
        print(f"entra-tui decode: names: {safe_text(access)}", file=stderr)
    return resolve_names(token.claims, access, NameCache())


def _verify(token: DecodedToken, options: DecodeOptions) -> Any:
    from entra_tui.core.verify import KeyFetcher, verify_with_file

    if options.jwks is not None:
        return verify_with_file(token, options.jwks)
    fetcher = KeyFetcher()
    if options.authority:
        fetcher.trust(options.authority, options.ca_bundle)
    return fetcher.verify(token, authority_host=options.authority)


def _exit_code(verification: Any, report: list[Any] | None, options: DecodeOptions) -> int:
    """Plain decoding only inspects (0, whatever the token's state). --verify / --jwks ask
    whether the token can be trusted now: a genuine but expired or not-yet-valid one (beyond
    the clock skew) fails validation, as it does with any --expect-*."""
    from_state = {"failed": EXIT_SIGNATURE_FAILED, "not checked": EXIT_SIGNATURE_NOT_CHECKED}
    if verification is not None and verification.state.value in from_state:
        return from_state[verification.state.value]
    if report is not None:
        from entra_tui.core.validation import passed

        judged = report if not options.expect.empty else \
            [check for check in report if check.name in ("exp", "nbf")]
        if not passed(judged):
            return EXIT_VALIDATION_FAILED
    return EXIT_OK


def _as_json(token: DecodedToken, now: float, verification: Any,
             report: list[Any] | None) -> dict[str, Any]:
    status = expiry_status(token, now)
    data: dict[str, Any] = {
        "kind": token.kind.value,
        "version": token.version,
        "summary": describe_token(token),
        "header": token.header,
        "payload": token.claims,
        "expiry": {"state": status.state.value, "seconds_left": status.seconds_left,
                   "fraction_left": round(status.fraction_left, 4)},
    }
    if verification is not None:
        data["signature"] = {"state": verification.state.value, "reason": verification.reason,
                             "key_source": verification.key_source}
    if report is not None:
        data["validation"] = [{"check": c.name, "outcome": c.outcome.value, "reason": c.reason}
                              for c in report]
    return data


def _as_text(token: DecodedToken, now: float, verification: Any,
             report: list[Any] | None) -> str:
    lines = [f"{token.kind.value}"]
    lines += [f"  {_shown(fact)}" for fact in describe_token(token)]
    status = expiry_status(token, now)
    exp = token.time_claim("exp")
    if status.state is ExpiryState.NO_EXPIRY or exp is None:
        lines.append(f"State: no expiry: {token.missing_time('exp')}")
    elif status.seconds_left is not None and status.seconds_left > 0:
        lines.append(f"State: {status.state.value}, expires in {countdown(status.seconds_left)}"
                     f" (at {local_time(exp)})")
    else:
        lines.append(f"State: {status.state.value} at {local_time(exp)}")
    lines.append("")
    lines.append("Header")
    for name, value in token.header.items():
        lines.append(_row(_shown(name), _shown(value_text(value)), "",
                          HEADER_MEANINGS.get(name, "")))
    lines.append("")
    lines.append("Payload")
    for row in explain_claims(token, now):
        lines.append(_row(_shown(row.name), _shown(row.value), _shown(row.note),
                          row.meaning))
    if verification is not None:
        lines += ["", f"Signature: {verification.state.value.upper()}: "
                      f"{_shown(verification.reason)}"]
    if report is not None:
        lines += ["", "Validation"]
        marks = {"passed": "✓", "failed": "✗", "not checked": "·"}
        lines += [f"  {marks[c.outcome.value]} {c.name:<9} {c.outcome.value:<11} "
                  f"{_shown(c.reason)}" for c in report]
    # Every untrusted piece above was made safe on its own, so the only line breaks left
    # are ours; each printed line goes through safe_text once more all the same.
    return "\n".join(safe_text(line) for block in lines for line in block.split("\n"))


def _shown(value: object) -> str:
    """An untrusted value for a terminal line: safe_text, and each run of 4 or more spaces
    shown counted (`␠×54`): blank runs would let a value push its own text to the start of
    the terminal's next line, where it reads as ours (`Signature: VERIFIED`). The layout's
    own spaces (the padding after a claim's name) are added around the shown values."""
    return _SPACE_RUN.sub(lambda run: f"␠×{len(run.group())}", safe_text(value))


def _row(name: str, value: str, note: str, meaning: str) -> str:
    text = f"  {name:<18} {value}"
    for extra in (note, meaning):
        if extra:
            text += "\n" + "\n".join(f"  {'':<18}   {part}" for part in extra.splitlines())
    return text

