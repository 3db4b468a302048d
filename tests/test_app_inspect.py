"""The inspector at the keyboard: paste, history, raw view, verification, validation report."""

from __future__ import annotations

import json
from pathlib import Path

import requests
from conftest import CONTOSO, SIZE, FakeClock, acquire, number_of, text_of, wait_until
from test_token import CLAIMS, make
from textual.widgets import Static

from entra_tui.core.verify import SignatureState
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.screens.file_prompt import FilePrompt
from entra_tui.ui.screens.paste_dialog import PasteDialog, TokenTextArea
from entra_tui.ui.screens.raw_view import RawView
from entra_tui.ui.screens.report_view import ReportView

GRAPH = make({"aud": "00000003-0000-0000-c000-000000000000", "scp": "User.Read",
              "name": "\x1b[2J[b]not bold[/b]", "exp": 1_800_003_600},
             {"alg": "RS256", "kid": "k", "nonce": "n"})


async def paste(pilot: object, app: EntraTuiApp, text: str) -> None:
    await pilot.press("p")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, PasteDialog)
    app.screen.query_one(TokenTextArea).text = text
    await pilot.press("enter")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def test_paste_inspects_and_history_flips(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await acquire(pilot, app)
        acquired = app.viewing
        await paste(pilot, app, f"Authorization: Bearer {make(CLAIMS)}\n")
        assert not isinstance(app.screen, PasteDialog)
        assert app.viewing is not acquired
        assert app.viewing.origin == "pasted (an Authorization header)"  # type: ignore[union-attr]
        table = app.claims_table
        assert str(table.get_row("aud")[1]).startswith("api://orders")
        assert text_of(app, "#summary").startswith("pasted (an Authorization header) · 2/2")
        await pilot.press("left_square_bracket")
        assert app.viewing is acquired
        await pilot.press("right_square_bracket")
        assert app.viewing is not acquired
        assert text_of(app, "#summary").startswith("pasted (an Authorization header) · 2/2")
        await pilot.press("left_square_bracket")
        assert text_of(app, "#summary").startswith(f"{acquired.origin} · 1/2")


async def test_garbage_paste_keeps_the_dialog_and_the_text(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await paste(pilot, app, "eyJhbGciOiJSU0EtT0FFUCJ9.a2V5.aXY.Y2lwaGVy.dGFn")
        assert isinstance(app.screen, PasteDialog)
        problem = str(app.screen.query_one("#paste-problem", Static).content)
        assert "encrypted token (JWE" in problem
        assert app.screen.query_one(TokenTextArea).text.startswith("eyJhbGci")
        await pilot.press("escape")
        assert not isinstance(app.screen, PasteDialog) and app.viewing is None


async def test_hostile_claims_are_shown_literally(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await paste(pilot, app, GRAPH)
        value = str(app.claims_table.get_row("name")[1])
        assert "\x1b" not in value and "\\x1b[2J[b]not bold[/b]" in value
        assert "Microsoft Graph" in str(app.claims_table.get_row("aud")[1])


async def test_raw_view_shows_header_payload_and_segments(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")  # nothing to show yet: a warning, no crash
        assert not isinstance(app.screen, RawView)
        await acquire(pilot, app)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RawView)
        payload = app.screen.query_one("#raw-payload", Static).content
        assert json.loads(payload.code) == app.viewing.token.claims  # type: ignore[union-attr]
        raw = app.viewing.token.raw  # type: ignore[union-attr]
        segments = str(app.screen.query_one("#raw-segments", Static).content)
        # Masked by default: first and last characters only; no part of the token is usable.
        assert segments.startswith(f"{raw[:6]}…{raw[-6:]}")
        assert raw.split(".")[1][:40] not in segments and raw.split(".")[2] not in segments
        await pilot.press("s")
        assert str(app.screen.query_one("#raw-segments", Static).content) == raw
        await pilot.press("s")
        assert raw not in str(app.screen.query_one("#raw-segments", Static).content)
        await pilot.press("escape")
        assert not isinstance(app.screen, RawView)


async def test_verify_shows_each_state(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await acquire(pilot, app)
        assert "Signature: not checked" in text_of(app, "#summary")
        await pilot.press("v")
        entry = app.viewing
        await wait_until(pilot, lambda: entry.verification is not None)  # type: ignore[union-attr]
        assert entry.verification.state is SignatureState.VERIFIED  # type: ignore[union-attr]
        assert "Signature: verified" in text_of(app, "#summary")
        raw = entry.token.raw  # type: ignore[union-attr]
        header, payload, signature = raw.split(".")
        await paste(pilot, app, f"{header}.{payload}.{signature[:-8]}AAAAAAAA")
        await pilot.press("v")
        tampered = app.viewing
        await wait_until(pilot, lambda: tampered.verification is not None)  # type: ignore[union-attr]
        assert "Signature: failed" in text_of(app, "#summary")
        await paste(pilot, app, GRAPH)
        await pilot.press("v")
        graph = app.viewing
        await wait_until(pilot, lambda: graph.verification is not None)  # type: ignore[union-attr]
        assert "Signature: not checked: this is a Microsoft Graph token" in text_of(app, "#summary")


async def test_verify_offline_with_a_key_file(demo: tuple[EntraTuiApp, FakeClock],
                                              tmp_path: Path) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await acquire(pilot, app)
        sandbox_url = app.current.authority_host  # type: ignore[union-attr]
        keys = requests.get(f"{sandbox_url}/{CONTOSO.tenant_id}/discovery/v2.0/keys",
                            verify=app.current.ca_bundle, timeout=10).text  # type: ignore[union-attr]
        path = tmp_path / "jwks.json"
        path.write_text(keys)
        await pilot.press("K")
        await pilot.pause()
        assert isinstance(app.screen, FilePrompt)
        await pilot.press(*"/no/such/file", "enter")
        assert isinstance(app.screen, FilePrompt)  # told, not closed
        app.screen.query_one("#file-path").value = str(path)  # type: ignore[attr-defined]
        await pilot.press("enter")
        entry = app.viewing
        await wait_until(pilot, lambda: entry.verification is not None)  # type: ignore[union-attr]
        assert entry.verification.state is SignatureState.VERIFIED  # type: ignore[union-attr]
        assert str(path) in entry.verification.reason  # type: ignore[union-attr]


async def test_validation_report_against_profile_expectations(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await acquire(pilot, app)
        await pilot.press("V")
        await pilot.pause()
        assert isinstance(app.screen, ReportView)
        outcomes = {c.name: c.outcome.value for c in app.screen.report}
        assert outcomes["aud"] == "passed" and outcomes["roles"] == "passed"
        assert outcomes["signature"] == "not checked"
        # The claims pass, but nothing vouches for them until the signature is verified.
        assert str(app.screen.query_one("#report-verdict", Static).content).startswith(
            "Not accepted: the claims pass, but the signature was not verified")
        await pilot.press("escape")
        # The certificate app lacks the write role the API requires: rejected, and why.
        await pilot.press(str(number_of(app, "contoso-billing-cert")))
        await acquire(pilot, app)
        await pilot.press("V")
        await pilot.pause()
        roles = next(c for c in app.screen.report if c.name == "roles")  # type: ignore[attr-defined]
        assert roles.outcome.value == "failed" and "Orders.ReadWrite.All" in roles.reason
        assert str(app.screen.query_one("#report-verdict", Static).content).startswith(
            "Rejected")


async def test_pasted_token_checked_against_another_profile(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await paste(pilot, app, make(CLAIMS))
        pasted = app.viewing
        await pilot.press(str(number_of(app, "contoso-billing-cert")))
        assert app.viewing is pasted  # the profile has no token yet: the paste stays
        await pilot.press("V")
        await pilot.pause()
        assert isinstance(app.screen, ReportView)
        assert "contoso-billing-cert" in app.screen.subject
        aud = next(c for c in app.screen.report if c.name == "aud")
        assert aud.outcome.value == "failed"


async def test_inspect_clipboard(demo: tuple[EntraTuiApp, FakeClock], tmp_path: Path,
                                 monkeypatch: object) -> None:
    import os
    import stat

    store = tmp_path / "clipboard"
    store.write_text(f"Bearer {make(CLAIMS)}")
    fake = tmp_path / "bin" / "xclip"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\ncase "$*" in *-o*) cat "{store}" ;; *) cat > "{store}" ;; esac\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")  # type: ignore[attr-defined]
    monkeypatch.setenv("DISPLAY", ":99")  # type: ignore[attr-defined]
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("P")
        await wait_until(pilot, lambda: app.viewing is not None)
        assert app.viewing.origin == "pasted (a Bearer value)"  # type: ignore[union-attr]


async def test_inspect_clipboard_without_one_says_how(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("P")
        assert any("No system clipboard" in n.message for n in app._notifications)


async def test_an_enormous_claim_is_shortened_on_screen(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await paste(pilot, app, make({"aud": "x", "blob": "y" * 1_000_000}))
        shown = str(app.claims_table.get_row("blob")[1])
        assert len(shown) < 3000 and "998,000 more characters" in shown
        assert app.viewing.token.claims["blob"] == "y" * 1_000_000  # type: ignore[union-attr]
