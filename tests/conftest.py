"""Shared fixtures: a real sandbox tenant over HTTPS, and isolation from the user's machine."""

from __future__ import annotations

import asyncio
import os
import stat
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from entra_tui.cli import build_app
from entra_tui.core.profiles import Profile
from entra_tui.sandbox import Sandbox
from entra_tui.sandbox.directory import TENANTS
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.widgets.profile_list import ProfileList
from entra_tui.ui.widgets.text_lines import TextLines

CONTOSO, FABRIKAM = TENANTS
ORDERS_SYNC, BILLING, CLI_TOOL, ORDERS_API, DEPLOY_BOT, LEGACY_JOB = CONTOSO.clients[:6]
INVENTORY = FABRIKAM.clients[0]


@pytest.fixture(autouse=True)
def isolated_machine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never read the user's profiles or touch their clipboard; no display, no clipboard."""
    monkeypatch.setenv("ENTRA_TUI_CONFIG", str(tmp_path / "no-such-profiles.toml"))
    monkeypatch.setenv("ENTRA_TUI_CACHE_DIR", str(tmp_path / "token-cache"))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(device_poll_interval=1) as running:
        yield running


def sandbox_profile(sandbox: Sandbox, tmp_path: Path, **overrides: object) -> Profile:
    """A client-secret profile for Contoso Order Sync, secret kept in a file reference."""
    secret_file = tmp_path / "orders-sync.secret"
    if not secret_file.exists():
        secret_file.write_text(ORDERS_SYNC.secret or "")
    values: dict[str, object] = {
        "name": "orders-sync", "tenant": CONTOSO.domain, "client_id": ORDERS_SYNC.client_id,
        "flow": "client_secret", "scopes": ("api://contoso-orders/.default",),
        "authority_host": sandbox.base_url, "secret": f"file:{secret_file}",
        "ca_bundle": str(sandbox.ca_path), "base_dir": tmp_path,
    }
    values.update(overrides)
    return Profile(**values)  # type: ignore[arg-type]


async def wait_until(pilot: object, condition: Callable[[], bool], timeout: float = 15) -> None:
    """Let the app run until `condition` holds (workers run in real threads)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.02)  # type: ignore[attr-defined]
        await asyncio.sleep(0)


@pytest.fixture
def fake_xclip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in `xclip` on PATH (this machine has none): pyperclip itself finds and runs
    it, as on a desktop. Returns the file that holds the clipboard's contents."""
    store = tmp_path / "clipboard"
    store.write_text("")
    fake = tmp_path / "bin" / "xclip"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\ncase "$*" in *-o*) cat "{store}" ;; *) cat > "{store}" ;; esac\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("DISPLAY", ":99")
    return store


# --- Pilot helpers ---------------------------------------------------------------

SIZE = (120, 40)


class FakeClock:
    def __init__(self) -> None:
        # A little ahead of real time: a token issued during the test (nbf in whole
        # seconds) is valid at once, however fast the sandbox answers.
        self.now = time.time() + 2

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def demo() -> AsyncIterator[tuple[EntraTuiApp, FakeClock]]:
    clock = FakeClock()
    app, environment = build_app(demo=True, clock=clock)
    try:
        yield app, clock
    finally:
        assert environment is not None
        environment.stop()


def text_of(app: EntraTuiApp, selector: str) -> str:
    widget = app.query_one(selector)
    return widget.plain if isinstance(widget, TextLines) else str(widget.content)


def number_of(app: EntraTuiApp, name: str) -> int:
    ordered = app.query_one(ProfileList).ordered
    return next(i for i, p in enumerate(ordered, 1) if p.name == name)


async def acquire(pilot: object, app: EntraTuiApp, key: str = "a") -> None:
    name = app.current.name if app.current else ""
    before = app.attempts.get(name)
    await pilot.press(key)  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: app.attempts.get(name) is not before
                     and name not in app.working)


