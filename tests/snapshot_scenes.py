"""Fixed scenes of every screen for the snapshot tests: fixed profiles, clock, token and
error, so a screenshot changes only when the UI does."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from entra_tui.core.failures import from_error_response
from entra_tui.core.profiles import load_profiles
from entra_tui.core.results import AcquireResult
from entra_tui.core.session import DeviceCodePrompt
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.messages import AcquisitionFinished, DeviceCodeShown

FIXTURES = Path(__file__).parent / "fixtures" / "snapshot"
NOW = 1749988800.0  # 2025-06-15 12:00:00 UTC, never "today": dates are always shown
TENANT_ID = "2d9f4b6a-8c1e-4f3a-b5d7-0e2c4a6b8d10"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def fixed_token() -> str:
    header = {"typ": "JWT", "alg": "RS256", "kid": "snapshot-key-1"}
    claims = {
        "aud": "api://contoso-orders", "iss": f"https://login.microsoftonline.com/{TENANT_ID}/v2.0",
        "iat": int(NOW) - 300, "nbf": int(NOW) - 300, "exp": int(NOW) + 3300,
        "aio": "k2BgYGD8", "azp": "c0a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b", "azpacr": "1",
        "oid": "5b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4", "rh": "0.AAAA-snapshot.",
        "roles": ["Orders.Read.All", "Orders.ReadWrite.All"],
        "sub": "5b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4", "tid": TENANT_ID,
        "uti": "snapshotUti0", "ver": "2.0", "idtyp": "app",
    }
    signature = bytes(range(256))
    return ".".join((_b64(json.dumps(header).encode()), _b64(json.dumps(claims).encode()),
                     _b64(signature)))


def wrong_secret_error() -> AcquireResult:
    body = {
        "error": "invalid_client", "error_codes": [7000215],
        "error_description": (
            "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in "
            "the request is the client secret value, not the client secret ID, for a secret "
            "added to app 'c0a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b'. Trace ID: "
            "0e1d2c3b-4a59-4687-9a8b-7c6d5e4f3a2b Correlation ID: "
            "9f8e7d6c-5b4a-4392-8817-26354a5b6c7d Timestamp: 2025-06-15 11:59:58Z"),
        "timestamp": "2025-06-15 11:59:58Z", "trace_id": "0e1d2c3b-4a59-4687-9a8b-7c6d5e4f3a2b",
        "correlation_id": "9f8e7d6c-5b4a-4392-8817-26354a5b6c7d",
        "error_uri": "https://login.microsoftonline.com/error?code=7000215"}
    return AcquireResult(profile_name="wrong-secret", acquired_at=NOW - 2, elapsed_ms=312,
                         error=from_error_response(body))


def scene_app() -> EntraTuiApp:
    """The app on the fixed profiles (a relative path: the same on every machine)."""
    profiles = load_profiles(Path("profiles.toml"))
    return EntraTuiApp(profiles=profiles, clock=lambda: NOW, subtitle="snapshot")


def finished(app: Any, result: AcquireResult) -> AcquisitionFinished:
    """What the acquisition worker posts for `result` (the token decoded as it decodes it)."""
    return AcquisitionFinished.decoded(app.main.runs.of(app.profile_set.get(result.profile_name)),
                                       result)


async def _settle(pilot: Pilot[Any]) -> None:
    app = pilot.app
    for widget in app.screen.query(Input):
        widget.cursor_blink = False  # a blinking cursor would make screenshots flaky
    await pilot.pause()
    app.clear_notifications()
    await pilot.pause()


async def _with_token(pilot: Pilot[Any]) -> None:
    app = pilot.app
    app.main.post_message(finished(app, AcquireResult(
        profile_name="orders-sync", acquired_at=NOW - 300, elapsed_ms=184,
        access_token=fixed_token(), source="identity provider", expires_in=3599)))
    app.main.post_message(finished(app, wrong_secret_error()))
    await pilot.pause()
    app.clear_notifications()  # the toast for the failed profile would sit under dialogs
    await pilot.pause()


async def _wait_for_screen(pilot: Pilot[Any], name: str) -> None:
    """A loaded machine mounts dialogs late; never shoot a half-built screen."""
    deadline = time.monotonic() + 10
    while type(pilot.app.screen).__name__ != name or not pilot.app.screen.is_mounted:
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} did not open")
        await pilot.pause(0.05)
    await pilot.pause(0.1)


def _then(*keys: str, screen: str = "MainScreen",
          after: Callable[[Pilot[Any]], Awaitable[None]] | None = None
          ) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run(pilot: Pilot[Any]) -> None:
        await _with_token(pilot)
        if keys:
            await pilot.press(*keys)
        if after is not None:
            await after(pilot)
        await _wait_for_screen(pilot, screen)
        await _settle(pilot)
    return run


async def _device_code(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, EntraTuiApp) and app.profile_set is not None
    run = app.main.runs.of(app.profile_set.get("ops-device"))  # type: ignore[arg-type]
    app.main.post_message(DeviceCodeShown(run, DeviceCodePrompt(
        user_code="KQ7M-ZP2D", verification_uri="https://microsoft.com/devicelogin",
        expires_at=NOW + 900, message="To sign in, use a web browser to open the page "
        "https://microsoft.com/devicelogin and enter the code KQ7M-ZP2D to authenticate.")))
    await pilot.pause()


async def _palette(pilot: Pilot[Any]) -> None:
    await _wait_for_screen(pilot, "CommandPalette")
    await pilot.press(*"switch")
    deadline = time.monotonic() + 10  # the palette searches in the background
    while len(pilot.app.screen.query("CommandList").first().options) < 5:  # type: ignore[attr-defined]
        if time.monotonic() > deadline:
            raise AssertionError("the palette found no profiles")
        await pilot.pause(0.05)
    await pilot.pause(0.3)


SCENES: dict[str, Callable[[Pilot[Any]], Awaitable[None]]] = {
    "main": _then(),
    "error": _then("3"),
    "device-code": _then(after=_device_code, screen="DeviceCodeScreen"),
    "raw": _then("r", screen="RawView"),
    "report": _then("V", screen="ReportView"),
    "editor": _then("e", screen="ProfileEditor"),
    "help": _then("f1", screen="HelpScreen"),
    "palette": _then("ctrl+p", after=_palette, screen="CommandPalette"),
}
