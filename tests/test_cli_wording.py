"""What the command line says before it has anything to show: empty input to decode, and
the sign-in a user-flow profile is about to ask for."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import requests
from conftest import CONTOSO

from entra_tui.commands.decode import EXIT_UNREADABLE, DecodeOptions, run_decode
from entra_tui.commands.token import run_token
from entra_tui.core.token import decode_token
from entra_tui.demo import demo_profiles_toml
from entra_tui.sandbox import Sandbox


def decode(stdin: str, token: str | None = None, as_json: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_decode(DecodeOptions(token, as_json=as_json), io.StringIO(stdin), out, err)
    return code, out.getvalue(), err.getvalue()


def test_empty_stdin_says_no_token_was_given_and_how_to_pass_one() -> None:
    for stdin in ("", "  \n"):
        code, _, err = decode(stdin)
        assert code == EXIT_UNREADABLE
        assert "nothing was pasted" not in err
        assert "no token was given on stdin" in err and "| entra-tui decode" in err
    code, out, err = decode("", "-", as_json=True)
    assert code == EXIT_UNREADABLE and "no token was given on stdin" in json.loads(out)["error"]
    code, _, err = decode("", "")
    assert code == EXIT_UNREADABLE and "no token was given (the argument is empty)" in err


class ApprovingStderr(io.StringIO):
    """stderr that, seeing the device-code instructions, approves the code as the user would
    on another device (a POST to the sandbox's verification page)."""

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__()
        self.sandbox = sandbox

    def write(self, text: str) -> int:
        found = re.search(r"(https://\S+/device)\S* and enter the code (\S+)", text)
        if found:
            requests.post(found.group(1), data={"code": found.group(2)},
                          verify=str(self.sandbox.ca_path), timeout=10)
        return super().write(text)


def test_a_device_code_profile_says_what_to_do_then_prints_the_token(
        sandbox: Sandbox, tmp_path: Path) -> None:
    config = tmp_path / "profiles.toml"
    config.write_text(demo_profiles_toml(sandbox))
    (tmp_path / "secrets").mkdir()
    out, err = io.StringIO(), ApprovingStderr(sandbox)
    code = run_token("contoso-ops-device", config=config, as_json=False, copy=False,
                     scopes=[], from_env=False, stdout=out, stderr=err)
    first = err.getvalue().splitlines()[0]
    assert code == 0, err.getvalue()
    assert "run it in the TUI" not in first  # it read like a refusal, then it worked
    assert "signs a user in with a device code" in first
    assert "The token is printed once the sign-in is complete" in first
    assert decode_token(out.getvalue().strip()).claims["tid"] == CONTOSO.tenant_id
