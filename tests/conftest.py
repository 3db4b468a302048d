"""Shared fixtures: a real sandbox tenant over HTTPS, and isolation from the user's machine."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from entra_tui.core.profiles import Profile
from entra_tui.sandbox import Sandbox
from entra_tui.sandbox.directory import TENANTS

CONTOSO, FABRIKAM = TENANTS
ORDERS_SYNC, BILLING, CLI_TOOL = CONTOSO.clients
(INVENTORY,) = FABRIKAM.clients


@pytest.fixture(autouse=True)
def isolated_machine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never read the user's profiles or touch their clipboard; no display, no clipboard."""
    monkeypatch.setenv("ENTRA_TUI_CONFIG", str(tmp_path / "no-such-profiles.toml"))
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
