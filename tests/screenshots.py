"""Regenerate the README's screenshots from the demo: `python tests/screenshots.py`.

Drives the real app against the sandbox tenant with Pilot and saves SVGs into screenshots/.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from entra_tui.cli import build_app
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.widgets.profile_list import ProfileList

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZE = (120, 36)


async def settle(pilot: object, app: EntraTuiApp, name: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while name in app.working or name not in app.attempts:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no result for {name}")
        await pilot.pause(0.05)  # type: ignore[attr-defined]
    await pilot.pause(0.2)  # type: ignore[attr-defined]


async def main() -> None:
    app, environment = build_app(demo=True)
    assert environment is not None
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.sub_title = "demo · sandbox tenant"  # the port changes every run
            await pilot.press("a")
            await settle(pilot, app, "contoso-orders-sync")
            app.save_screenshot("main.svg", str(OUT))
            ordered = app.query_one(ProfileList).ordered
            wrong = next(i for i, p in enumerate(ordered, 1) if p.name == "contoso-wrong-secret")
            await pilot.press(str(wrong), "a")
            await settle(pilot, app, "contoso-wrong-secret")
            app.save_screenshot("error.svg", str(OUT))
            await pilot.press("1", "v")
            entry = app.viewing
            while entry is not None and entry.verification is None:
                await pilot.pause(0.05)
            await pilot.press("V")
            await pilot.pause(0.2)
            app.save_screenshot("report.svg", str(OUT))
            await pilot.press("escape", "r")
            await pilot.pause(0.2)
            app.save_screenshot("raw.svg", str(OUT))
            await pilot.press("escape", "p")
            await pilot.pause(0.2)
            app.save_screenshot("paste.svg", str(OUT))
            await pilot.press("escape")
            app.query_one(ProfileList).highlight_profile("contoso-ops-device")
            await pilot.pause(0.1)
            await pilot.press("a")
            while type(app.screen).__name__ != "DeviceCodeScreen":
                await pilot.pause(0.05)
            await pilot.pause(0.2)
            app.save_screenshot("device-code.svg", str(OUT))
            await pilot.press("escape")
            await pilot.pause(0.2)
            await pilot.press("f1")
            await pilot.pause(0.2)
            app.save_screenshot("help.svg", str(OUT))
            await pilot.press("escape", "1")
            app.clear_notifications()
            await pilot.press("e")
            await pilot.pause(0.3)
            for field in app.screen.query("Input"):
                field.cursor_blink = False  # type: ignore[attr-defined]
            app.save_screenshot("editor.svg", str(OUT))
            await pilot.press("escape", "ctrl+p", *"switch")
            await pilot.pause(0.6)
            app.save_screenshot("palette.svg", str(OUT))
            await pilot.press("escape")
            await wire_screens(pilot, app)
            await doctor_screens(pilot, app)
    finally:
        environment.stop()
    print(f"wrote {', '.join(sorted(p.name for p in OUT.glob('*.svg')))} in {OUT}")


async def wire_screens(pilot: object, app: EntraTuiApp) -> None:
    """The wire trace (w), a fresh token compared (A, =) and a pasted claims challenge (p)."""
    import base64
    import json

    app.query_one(ProfileList).highlight_profile("contoso-wrong-secret")
    await pilot.pause(0.1)  # type: ignore[attr-defined]
    await pilot.press("w")  # type: ignore[attr-defined]
    await pilot.pause(0.3)  # type: ignore[attr-defined]
    app.screen.query_one("#trace-box").scroll_to(y=40, animate=False)
    await pilot.pause(0.2)  # type: ignore[attr-defined]
    app.save_screenshot("trace.svg", str(OUT))
    await pilot.press("escape", "1", "A")  # type: ignore[attr-defined]
    await settle(pilot, app, "contoso-orders-sync")
    await pilot.press("equals_sign")  # type: ignore[attr-defined]
    await pilot.pause(0.3)  # type: ignore[attr-defined]
    app.save_screenshot("diff.svg", str(OUT))
    await pilot.press("escape", "p")  # type: ignore[attr-defined]
    await pilot.pause(0.3)  # type: ignore[attr-defined]
    request = {"access_token": {"nbf": {"essential": True, "value": str(int(time.time()))},
                                "xms_caeerror": {"value": "10012"}}}
    claims = base64.b64encode(json.dumps(request).encode()).decode()
    app.screen.query_one("TextArea").text = (  # type: ignore[attr-defined]
        'WWW-Authenticate: Bearer realm="", authorization_uri="https://login.microsoftonline'
        f'.com/common/oauth2/authorize", error="insufficient_claims", claims="{claims}"')
    await pilot.press("enter")  # type: ignore[attr-defined]
    while type(app.screen).__name__ != "ChallengeView":
        await pilot.pause(0.05)  # type: ignore[attr-defined]
    await pilot.pause(0.3)  # type: ignore[attr-defined]
    app.save_screenshot("challenge.svg", str(OUT))
    await pilot.press("escape")  # type: ignore[attr-defined]


async def doctor_screens(pilot: object, app: EntraTuiApp) -> None:
    """Names filled in under the claims (the Graph app's own token) and its health view (H)."""
    from entra_tui.ui.screens.health_view import HealthView

    app.query_one(ProfileList).highlight_profile("contoso-graph-app")
    await pilot.pause(0.1)  # type: ignore[attr-defined]
    await pilot.press("a")  # type: ignore[attr-defined]
    await settle(pilot, app, "contoso-graph-app")
    deadline = time.monotonic() + 20
    while "→" not in app.claims_table.get_row("tid")[1].plain and time.monotonic() < deadline:
        await pilot.pause(0.05)  # type: ignore[attr-defined]
    table = app.claims_table
    table.focus()
    rows = [table.get_row_at(i)[0].plain for i in range(table.row_count)]
    table.move_cursor(row=rows.index("tid"))  # the named claims above it come into view
    await pilot.pause(0.2)  # type: ignore[attr-defined]
    app.save_screenshot("names.svg", str(OUT))
    await pilot.press("H")  # type: ignore[attr-defined]
    while not (isinstance(app.screen, HealthView) and app.screen.report is not None):
        await pilot.pause(0.05)  # type: ignore[attr-defined]
    await pilot.pause(0.3)  # type: ignore[attr-defined]
    app.save_screenshot("health.svg", str(OUT))
    await pilot.press("escape")  # type: ignore[attr-defined]


if __name__ == "__main__":
    asyncio.run(main())
