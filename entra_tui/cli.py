"""Command line: `entra-tui` opens the TUI; `entra-tui sandbox` runs the sandbox tenant.

Thin by design: parse arguments, build the pieces, hand over. Textual, MSAL and the
sandbox's crypto are imported only by the command that needs them; argparse builds only the
named command's options, and the two forms scripts run in loops (`decode [TOKEN] [--json]`,
`diff A B [--json]`) are read without argparse at all (see `plain_command`).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from entra_tui import __version__

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from entra_tui.commands.decode import DecodeOptions
    from entra_tui.demo import DemoEnvironment
    from entra_tui.ui.app import EntraTuiApp

EXIT_OK = 0


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser. Given the arguments, only the named command's sub-parser is
    built: its options are all that can be read then (options before the command make it no
    longer the first argument), and the usage, help and errors that parsing prints are the
    same. Without a command name first, every command is built (the help lists them all)."""
    import argparse

    class Parser(argparse.ArgumentParser):
        """argparse's errors quote the command line ("unrecognized arguments: ...", "invalid
        choice: ..."): shown inert, so an argument cannot drive the terminal. Subparsers are
        made of the same class (add_subparsers' default parser_class)."""

        def error(self, message: str) -> Any:  # NoReturn: exits with 2
            from entra_tui.core.safe_text import safe_text

            super().error(safe_text(message))

    parser = Parser(
        prog="entra-tui",
        description="Acquire, inspect and copy Microsoft Entra ID app-registration tokens.",
        epilog="Profiles live in a TOML file; see the README. Try it offline with --demo.",
    )
    parser.add_argument("--version", action="version", version=f"entra-tui {__version__}")
    parser.add_argument("--config", metavar="PATH", type=_path,
                        help="profile file (default: $ENTRA_TUI_CONFIG, else profiles.toml in "
                             "the platform config dir)")
    parser.add_argument("--demo", action="store_true",
                        help="start the built-in sandbox tenant and open demo profiles for it; "
                             "your own profile file is not touched")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    named = argv[0] if argv and argv[0] in COMMANDS else None
    for name, add_command in COMMANDS.items():  # in the order the help lists them
        if named in (None, name):
            add_command(commands)
    return parser


def _path(text: str) -> Path:
    """argparse's `type` for a path (pathlib loads only when a path option is given)."""
    from pathlib import Path

    return Path(text)


def _add_sandbox(commands: Any) -> None:
    sandbox = commands.add_parser(
        "sandbox", help="run the sandbox tenant in the foreground (Ctrl-C stops it)",
        description="Run the local Entra-compatible sandbox tenant for curl, MSAL or "
                    "azure-identity. Prints authorities, the CA bundle and demo credentials.")
    sandbox.add_argument("--json", action="store_true", help="print one JSON object")
    sandbox.add_argument("--write-profiles", metavar="PATH", type=_path,
                         help="also write a profile file for this sandbox (the demo's "
                              "profiles) to PATH, for --config PATH; valid while it runs")


def _add_decode(commands: Any) -> None:
    import argparse

    decode = commands.add_parser(
        "decode", help="explain a token (from the argument or stdin); verify and validate it",
        description="Decode a JWT without a browser: header, payload with explanations, "
                    "times and state. Accepts Bearer values, Authorization headers and "
                    "redirect URLs. Exit codes: 0 ok, 3 unreadable input, 4 signature failed, "
                    "5 validation failed, 6 signature could not be checked.")
    decode.add_argument("token", nargs="?",
                        help="the token, or - (default) to read stdin; prefer stdin "
                             "(printf %%s \"$TOKEN\" | entra-tui decode): a command line is "
                             "visible to other local users in ps and /proc/PID/cmdline")
    decode.add_argument("--json", action="store_true", help="print one JSON object")
    decode.add_argument("--verify", action="store_true",
                        help="verify the signature with the issuer's published keys "
                             "(Entra hosts, or --authority)")
    decode.add_argument("--jwks", type=_path, metavar="FILE",
                        help="verify offline against a JWKS/JWK JSON file or a PEM key or "
                             "certificate")
    decode.add_argument("--authority", metavar="URL",
                        help="trust this https authority host for fetching keys")
    decode.add_argument("--ca-bundle", metavar="FILE",
                        help="CA bundle for --authority (e.g. the sandbox's)")
    decode.add_argument("--expect-aud", action="append", default=[], metavar="AUD")
    decode.add_argument("--expect-issuer", action="append", default=[], metavar="ISS")
    decode.add_argument("--expect-tenant", metavar="TID")
    decode.add_argument("--expect-role", action="append", default=[], metavar="ROLE")
    decode.add_argument("--expect-scope", action="append", default=[], metavar="SCOPE")
    decode.add_argument("--expect-version", choices=["1.0", "2.0"])
    decode.add_argument("--clock-skew", type=int, default=300, metavar="SECONDS")
    decode.add_argument("--graph-profile", metavar="NAME",
                        help="name the token's GUIDs (apps, users, groups, tenant, roles) "
                             "through Microsoft Graph with this profile's token")
    decode.add_argument("--config", metavar="PATH", type=_path, default=argparse.SUPPRESS,
                        help="profile file (for --graph-profile)")


def _add_token(commands: Any) -> None:
    import argparse

    token = commands.add_parser(
        "token", help="print a profile's access token (for $(...) in scripts)",
        description="Acquire a token for PROFILE and print only the access token. Errors go "
                    "to stderr with the AADSTS explanation; exit 1 on failure, 3 when the "
                    "profile cannot be used.")
    token.add_argument("profile", nargs="?", help="profile name; 'env' reads AZURE_* like "
                                                  "azure-identity's EnvironmentCredential")
    token.set_defaults(usage_error=token.error)  # no profile and no --from-env: exit 2
    token.add_argument("--json", action="store_true",
                       help="print the token with expiry, source and a claims summary")
    token.add_argument("--copy", action="store_true", help="copy instead of printing")
    token.add_argument("--scope", action="append", default=[], metavar="SCOPE",
                       help="override the profile's scopes (repeatable)")
    token.add_argument("--from-env", action="store_true",
                       help="use AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET / "
                            "AZURE_CLIENT_CERTIFICATE_PATH / AZURE_FEDERATED_TOKEN_FILE")
    token.add_argument("--trace", action="store_true",
                       help="print the HTTP exchange (discovery, token endpoint...) on stderr, "
                            "secrets and tokens redacted")
    token.add_argument("--config", metavar="PATH", type=_path, default=argparse.SUPPRESS,
                       help="profile file")  # also accepted after the command name


def _add_diff(commands: Any) -> None:
    diff = commands.add_parser(
        "diff", help="compare two tokens claim by claim (did my permission change land?)",
        description="Compare token A with token B: roles, scopes, groups and directory roles "
                    "added or removed, changed values (times as durations), header changes. "
                    "Each of A and B is a file, - for stdin, or the token itself. Exit codes: "
                    "0 the same claims (only the issuance differs), 1 different, 3 unreadable "
                    "input.")
    diff.add_argument("first", metavar="A",
                      help="the older token: a file or - for stdin (preferred: a command line "
                           "is visible to other local users in ps and /proc/PID/cmdline), or "
                           "the token")
    diff.add_argument("second", metavar="B", help="the newer token: a file, -, or the token")
    diff.add_argument("--json", action="store_true", help="print one JSON object")


def _add_doctor(commands: Any) -> None:
    import argparse

    doctor = commands.add_parser(
        "doctor", help="check a profile's app registration, grants, token and API (for CI too)",
        description="The token doctor: credentials and their expiry, requested vs granted vs "
                    "in-the-token permissions, accessTokenAcceptedVersion, why an expected "
                    "claim is missing, a sign-in by correlation id, one read-only test call. "
                    "Reads Microsoft Graph with the graph_profile's token. Exit codes: 0 "
                    "healthy, 1 something needs fixing, 3 unusable profile or file, 6 could "
                    "not check.")
    doctor.add_argument("profile", help="profile name")
    doctor.add_argument("--json", action="store_true", help="print one JSON object")
    doctor.add_argument("--correlation-id", metavar="ID",
                        help="look this sign-in up in the sign-in logs (AuditLog.Read.All)")
    doctor.add_argument("--expect-role", action="append", default=[], metavar="ROLE")
    doctor.add_argument("--expect-scope", action="append", default=[], metavar="SCOPE")
    doctor.add_argument("--expect-aud", action="append", default=[], metavar="AUD")
    doctor.add_argument("--fail-within", type=int, default=14, metavar="DAYS",
                        help="a credential expiring within DAYS needs fixing (default 14)")
    doctor.add_argument("--no-test-call", action="store_true",
                        help="do not call the token's API")
    doctor.add_argument("--config", metavar="PATH", type=_path, default=argparse.SUPPRESS,
                        help="profile file")  # also accepted after the command name


def _add_profiles(commands: Any) -> None:
    import argparse

    listing = commands.add_parser("profiles", help="list the profiles")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    listing.add_argument("--config", metavar="PATH", type=_path, default=argparse.SUPPRESS,
                         help="profile file")  # also accepted after the command name


COMMANDS: dict[str, Callable[[Any], None]] = {
    "sandbox": _add_sandbox, "decode": _add_decode, "token": _add_token, "diff": _add_diff,
    "doctor": _add_doctor, "profiles": _add_profiles,
}


def plain_command(argv: Sequence[str]) -> tuple[str, list[str], bool] | None:
    """(command, its values, --json) for `decode [TOKEN] [--json]` and `diff A B [--json]`,
    the forms scripts run once per token: read without argparse, whose import and set-up
    would be most of such a run. Anything else (any other option, a value starting with a
    dash, help, another count of values) is left to argparse; tests/test_cli_plain.py holds
    the two readings to the same result."""
    if not argv or argv[0] not in ("decode", "diff"):
        return None
    values = [arg for arg in argv[1:] if arg != "--json"]
    if any(value.startswith("-") and value != "-" for value in values):
        return None
    if len(values) not in ((0, 1) if argv[0] == "decode" else (2,)):
        return None
    return argv[0], values, len(values) < len(argv) - 1


EXIT_BROKEN_PIPE = 141  # what a shell reports for a program stopped by SIGPIPE


def main(argv: list[str] | None = None) -> int:
    """Run a command. A reader that leaves early (`entra-tui token x | head -c 30`) ends the
    output quietly, for every printer: no BrokenPipeError traceback, here or at exit."""
    import sys

    try:
        code = _main(sys.argv[1:] if argv is None else argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes stdout again at exit; point it at /dev/null so that is silent too.
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return code


def _main(argv: list[str]) -> int:
    plain = plain_command(argv)
    if plain is not None:
        command, values, as_json = plain
        if command == "diff":
            from entra_tui.commands.diff import run_diff

            return run_diff(values[0], values[1], as_json=as_json)
        from entra_tui.commands.decode import DecodeOptions, run_decode

        return run_decode(DecodeOptions(token=values[0] if values else None, as_json=as_json))
    args = build_parser(argv).parse_args(argv)
    if args.command == "sandbox":
        from entra_tui.commands.sandbox import run_sandbox

        return run_sandbox(as_json=args.json, write_profiles=args.write_profiles)
    if args.command == "token":
        from entra_tui.commands.token import run_token

        if not args.profile and not args.from_env:  # a usage error, as README's table says
            args.usage_error("name a profile (see `entra-tui profiles`), or use --from-env")

        return run_token(args.profile, config=args.config, as_json=args.json, copy=args.copy,
                         scopes=args.scope, from_env=args.from_env, trace=args.trace)
    if args.command == "diff":
        from entra_tui.commands.diff import run_diff

        return run_diff(args.first, args.second, as_json=args.json)
    if args.command == "doctor":
        from entra_tui.commands.doctor import run_doctor_command

        return run_doctor_command(
            args.profile, config=args.config, as_json=args.json,
            correlation_id=args.correlation_id, expect_roles=args.expect_role,
            expect_scopes=args.expect_scope, expect_audiences=args.expect_aud,
            fail_within_days=args.fail_within, test_call=not args.no_test_call)
    if args.command == "profiles":
        from entra_tui.commands.token import run_profiles

        return run_profiles(config=args.config, as_json=args.json)
    if args.command == "decode":
        from entra_tui.commands.decode import run_decode

        return run_decode(decode_options(args))
    return run_tui(config=args.config, demo=args.demo)


def decode_options(args: argparse.Namespace) -> DecodeOptions:
    """`entra-tui decode`'s options as argparse read them."""
    from entra_tui.commands.decode import DecodeOptions
    from entra_tui.core.expectations import Expectations

    return DecodeOptions(
        token=args.token, as_json=args.json, verify=args.verify, jwks=args.jwks,
        authority=args.authority, ca_bundle=args.ca_bundle,
        expect=Expectations(
            audiences=tuple(args.expect_aud), issuers=tuple(args.expect_issuer),
            tenant=args.expect_tenant, roles=tuple(args.expect_role),
            scopes=tuple(args.expect_scope), version=args.expect_version,
            clock_skew=args.clock_skew),
        graph_profile=args.graph_profile, config=args.config)


def run_tui(*, config: Path | None, demo: bool) -> int:
    from entra_tui.ui.startup_gc import pause_collector_for_startup

    pause_collector_for_startup()  # the app turns it back on after its first frame
    # The demo's sandbox runs in a child process where a socket can be handed over (POSIX).
    app, environment = build_app(config=config, demo=demo, sandbox_process=os.name == "posix",
                                 demo_sign_in="pages")
    try:
        app.run()
    finally:
        app.cancel_all()
        if environment is not None:
            environment.stop()
    return app.return_code or EXIT_OK


def build_app(*, config: Path | None = None, demo: bool = False,
              sandbox_process: bool = False, demo_sign_in: str = "auto",
              **app_options: Any) -> tuple[EntraTuiApp, DemoEnvironment | None]:
    """The app wired to its profiles (and, with `demo`, a bound sandbox that starts after
    the first frame, in a child process with `sandbox_process`). The caller stops the
    environment when the app has exited."""
    from entra_tui.core.errors import ConfigError
    from entra_tui.core.profiles import default_config_path, load_profiles
    from entra_tui.core.session import SessionManager
    from entra_tui.ui.app import EntraTuiApp

    environment = None
    if demo:
        from entra_tui.demo import prepare_demo

        environment = prepare_demo(separate_process=sandbox_process, sign_in=demo_sign_in)
        path = environment.profiles_path
        session = SessionManager(before_network=environment.sandbox.wait_ready)
        subtitle = f"demo · sandbox tenant at {environment.sandbox.base_url}"
    else:
        path = config or default_config_path()
        session = SessionManager()
        from entra_tui.core.safe_text import safe_text

        subtitle = safe_text(path)  # shown in the header: a path is text too
    profiles, error = None, None
    try:
        profiles = load_profiles(path, keep_broken=True)
    except ConfigError as exc:
        error = exc
    app = EntraTuiApp(
        profiles=profiles, config_error=error, session=session, subtitle=subtitle,
        reload=lambda: load_profiles(path, keep_broken=True),
        on_first_frame=environment.sandbox.start if environment else None,
        **app_options,
    )
    return app, environment


if __name__ == "__main__":
    raise SystemExit(main())
