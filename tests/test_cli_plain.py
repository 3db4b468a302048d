"""`entra-tui decode TOKEN` and `entra-tui diff A B` are read without argparse, and argparse
builds only the named command: both shortcuts must read every command line as the full
parser does, and print the same help and errors."""

from __future__ import annotations

import argparse

import pytest

from entra_tui.cli import COMMANDS, build_parser, decode_options, plain_command
from entra_tui.commands.decode import DecodeOptions

TOKEN = "eyJhbGciOiJub25lIn0.eyJhIjoxfQ."
PLAIN = [
    ["decode"], ["decode", TOKEN], ["decode", "-"], ["decode", ""], ["decode", "a b"],
    ["decode", "--json"], ["decode", TOKEN, "--json"], ["decode", "--json", TOKEN, "--json"],
    ["diff", "a.jwt", "b.jwt"], ["diff", "--json", "-", TOKEN], ["diff", "a", "--json", "b"],
]
NOT_PLAIN = [
    [], ["--json"], ["decode", "--verify", TOKEN], ["decode", "-x"], ["decode", "--", TOKEN],
    ["decode", "--js", TOKEN], ["decode", "--json=1"], ["decode", "-1"], ["decode", "a", "b"],
    ["decode", "-h"], ["diff", "a"], ["diff", "a", "b", "c"], ["diff", "-h", "a", "b"],
    ["token", "x"], ["--config", "x", "decode", TOKEN], ["Decode", TOKEN],
]
# Every option `decode` has: a new one must be wired into the plain reading's defaults too.
DECODE_ARGUMENTS = {
    "config", "demo", "command", "token", "json", "verify", "jwks", "authority", "ca_bundle",
    "expect_aud", "expect_issuer", "expect_tenant", "expect_role", "expect_scope",
    "expect_version", "clock_skew", "graph_profile"}


@pytest.mark.parametrize("argv", PLAIN)
def test_the_plain_reading_is_argparses(argv: list[str]) -> None:
    plain = plain_command(argv)
    assert plain is not None
    command, values, as_json = plain
    args = build_parser().parse_args(argv)
    assert (args.command, args.json) == (command, as_json)
    if command == "decode":
        assert set(vars(args)) == DECODE_ARGUMENTS
        assert decode_options(args) == DecodeOptions(token=values[0] if values else None,
                                                     as_json=as_json)
    else:
        assert vars(args) == {"config": None, "demo": False, "command": "diff",
                              "first": values[0], "second": values[1], "json": as_json}


@pytest.mark.parametrize("argv", NOT_PLAIN)
def test_anything_else_is_left_to_argparse(argv: list[str]) -> None:
    assert plain_command(argv) is None


@pytest.mark.parametrize("argv", [
    ["decode", "--verify", "--expect-aud", "api://x", "--jwks", "keys.json", TOKEN],
    ["decode", "--config", "p.toml", "--graph-profile", "g", "-"],
    ["token", "--from-env", "--scope", "a", "--scope", "b", "--config", "p.toml"],
    ["doctor", "app", "--no-test-call", "--fail-within", "3"],
    ["profiles", "--json"], ["sandbox", "--write-profiles", "demo.toml"],
    ["diff", "--json", "a", "b"], ["--config", "p.toml", "profiles"], ["--demo"],
])
def test_building_only_the_named_command_reads_the_same(argv: list[str]) -> None:
    def read(parser: argparse.ArgumentParser) -> dict[str, object]:
        values = vars(parser.parse_args(argv))
        values.pop("usage_error", None)  # `token`'s own parser.error: a parser of each build
        return values

    assert read(build_parser(argv)) == read(build_parser())


@pytest.mark.parametrize("argv", [
    *([name, "--help"] for name in COMMANDS),
    ["decode", "--bogus"], ["decode", "--expect-version", "3"], ["decode", "--clock-skew", "x"],
    ["diff", "a"], ["doctor"], ["token", "--scope"], ["sandbox", "extra"],
])
def test_building_only_the_named_command_prints_the_same(
        argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    printed = []
    for parser in (build_parser(argv), build_parser()):
        with pytest.raises(SystemExit) as exited:
            parser.parse_args(argv)
        printed.append((exited.value.code, *capsys.readouterr()))
    assert printed[0] == printed[1]
    assert printed[0][1] or printed[0][2]
