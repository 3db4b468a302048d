"""Each metric as a function returning samples; `__main__` runs and reports them."""

from __future__ import annotations

import asyncio
import base64
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from entra_tui.bench.bare_app import READY_MARKER
from entra_tui.bench.terminal import TerminalRun

PYTHON = sys.executable
FIRST_PROFILE = "contoso-orders-sync"


def startup_seconds(runs: int) -> tuple[list[float], list[float]]:
    """Process start to first frame with the demo profiles listed, and the bare app's."""
    ours, bare = [], []
    for _ in range(runs):  # interleaved, so drift on the machine hits both alike
        for argv, marker, into in (
            ([PYTHON, "-m", "entra_tui.bench.bare_app"], READY_MARKER, bare),
            ([PYTHON, "-m", "entra_tui", "--demo"], FIRST_PROFILE, ours),
        ):
            run = TerminalRun(argv)
            try:
                into.append(run.wait_for(marker))
            finally:
                run.close()
    return ours, bare


def memory_and_idle(idle_seconds: float) -> dict[str, float]:
    """Peak RSS after acquiring a token (and the bare app's), CPU while idle on a token."""
    bare = TerminalRun([PYTHON, "-m", "entra_tui.bench.bare_app"])
    try:
        bare.wait_for(READY_MARKER)
        bare.idle(2.0)
        bare_rss = bare.peak_rss_kib()
    finally:
        bare.close()
    app = TerminalRun([PYTHON, "-m", "entra_tui", "--demo"])
    try:
        app.wait_for(FIRST_PROFILE)
        app.idle(1.0)
        app.send("a")
        app.wait_for("Token from", timeout=60)
        app.idle(2.0)
        rss = app.peak_rss_kib()
        sandbox_rss = app.children_peak_rss_kib()
        before = app.cpu_seconds()
        app.idle(idle_seconds)
        cpu = app.cpu_seconds() - before
    finally:
        app.close()
    return {"rss_kib": rss, "bare_rss_kib": bare_rss, "sandbox_rss_kib": sandbox_rss,
            "idle_cpu_pct": 100.0 * cpu / idle_seconds}


def in_process(switches: int, repeats: int) -> dict[str, list[float]]:
    return asyncio.run(_in_process(switches, repeats))


class FrameClock:
    """Timestamps every frame the app sends to the terminal, with what it showed.

    Pilot runs headless, where Textual composes each frame but skips turning it into
    terminal output; the hook does that step too (to the same string a terminal would
    receive), so a frame costs what it costs in a terminal. Timings are taken from the key
    press to the first frame showing the result, not to Pilot's own bookkeeping after it
    (Pilot's press-and-settle costs ~90 ms per key on this machine by itself).
    """

    def __init__(self, app: object) -> None:
        from textual._compositor import CompositorUpdate

        self.frames: list[tuple[float, object]] = []
        original = app._display  # type: ignore[attr-defined]

        def display(screen: object, renderable: object) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)  # type: ignore[attr-defined]
            viewing = app.viewing  # type: ignore[attr-defined]
            self.frames.append((time.perf_counter(), viewing.id if viewing else None))

        app._display = display  # type: ignore[attr-defined]

    def first_showing(self, entry_id: int, since: float) -> float:
        return next(t for t, shown in self.frames if t >= since and shown == entry_id)


async def _frame_after(pilot: object, frames: FrameClock, entry_id: object,
                       since: float) -> float:
    deadline = time.monotonic() + 30
    while True:
        try:
            return frames.first_showing(entry_id, since) - since  # type: ignore[arg-type]
        except StopIteration:
            if time.monotonic() > deadline:
                raise TimeoutError("no frame showed the token") from None
            await pilot.pause(0.001)  # type: ignore[attr-defined]


async def _in_process(switches: int, repeats: int) -> dict[str, list[float]]:
    from entra_tui.cli import build_app
    from entra_tui.core.token import decode_token
    from entra_tui.ui.widgets.profile_list import ProfileList

    app, environment = build_app(demo=True)
    assert environment is not None
    samples: dict[str, list[float]] = {"switch_ms": [], "big_token_ms": [],
                                       "acquire_overhead_ms": [], "noop_press_ms": []}
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            frames = FrameClock(app)
            names = [p.name for p in app.query_one(ProfileList).ordered[:2]]
            for number, name in enumerate(names, 1):
                await pilot.press(str(number), "a")
                await _until(pilot, lambda n=name: n in app.tokens)
            for _ in range(repeats):  # Pilot's own cost of a key press that does nothing
                started = time.perf_counter()
                await pilot.press("z")
                await pilot.pause()
                samples["noop_press_ms"].append((time.perf_counter() - started) * 1000)
            for index in range(switches):
                number = 1 + index % 2
                expected = app.main.history.latest_for(names[number - 1])
                started = time.perf_counter()
                await pilot.press(str(number))
                elapsed = await _frame_after(pilot, frames, expected.id, started)
                assert app.viewing is expected and app.claims_table.row_count > 0
                samples["switch_ms"].append(elapsed * 1000)
                await pilot.pause(0.05)  # let the next switch start from a quiet app
            big = decode_token(big_token())
            for _ in range(repeats):
                started = time.perf_counter()
                entry = app.main.inspect(decode_token(big.raw), "benchmark")
                elapsed = await _frame_after(pilot, frames, entry.id, started)
                assert app.claims_table.row_count == len(big.claims)
                samples["big_token_ms"].append(elapsed * 1000)
                await pilot.pause(0.05)
            await pilot.press("1")
            await pilot.pause(0.1)
            for _ in range(repeats):
                before = app.attempts.get(names[0])
                served = environment.sandbox.served_seconds
                started = time.perf_counter()
                await pilot.press("A")
                await _until(pilot, lambda b=before: app.attempts.get(names[0]) is not b,
                             step=0.0005)
                entry = app.main.history.latest_for(names[0])
                elapsed = await _frame_after(pilot, frames, entry.id, started)
                server = environment.sandbox.served_seconds - served
                samples["acquire_overhead_ms"].append((elapsed - server) * 1000)
                await pilot.pause(0.05)
    finally:
        environment.stop()
    return samples


async def _until(pilot: object, condition: object, timeout: float = 30.0,
                 step: float = 0.005) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        await pilot.pause(step)  # type: ignore[attr-defined]


def big_token() -> str:
    """About 16 KB: 200 group ids and 60 claims, as a large real token can be."""
    import uuid

    now = int(time.time())
    claims: dict[str, object] = {
        "aud": "00000003-0000-0000-c000-000000000000", "iss": "https://sts.windows.net/t/",
        "iat": now, "nbf": now, "exp": now + 3600, "ver": "1.0", "scp": "User.Read Mail.Read",
        "groups": [str(uuid.UUID(int=i + 1)) for i in range(200)],
    }
    for index in range(60 - len(claims)):
        claims[f"ext_claim_{index:02d}"] = f"value {index} " + "x" * 40
    def part(data: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'typ': 'JWT', 'kid': 'k'})}.{part(claims)}.c2ln"


def cache_hits(calls: int) -> tuple[list[float], list[float]]:
    """Per-call time of a cache hit through the session manager and through raw MSAL."""
    import msal
    import requests

    from entra_tui.core.profiles import Profile
    from entra_tui.core.session import SessionManager
    from entra_tui.sandbox import Sandbox
    from entra_tui.sandbox.directory import TENANTS

    contoso = TENANTS[0]
    client = contoso.clients[0]
    with Sandbox() as sandbox, tempfile.TemporaryDirectory() as folder:
        secret = Path(folder) / "secret"
        secret.write_text(client.secret or "")
        profile = Profile(name="bench", tenant=contoso.domain, client_id=client.client_id,
                          flow="client_secret", scopes=("api://contoso-orders/.default",),
                          authority_host=sandbox.base_url, secret=f"file:{secret}",
                          ca_bundle=str(sandbox.ca_path))
        manager = SessionManager()
        manager.acquire(profile)
        session = requests.Session()
        session.trust_env = False
        session.verify = str(sandbox.ca_path)
        raw = msal.ConfidentialClientApplication(
            client.client_id, client_credential=client.secret,
            authority=f"{sandbox.base_url}/{contoso.domain}", http_client=session,
            instance_discovery=False)
        raw.acquire_token_for_client(["api://contoso-orders/.default"])
        ours, theirs = [], []
        for _ in range(calls):
            started = time.perf_counter()
            assert manager.acquire(profile).source == "cache"
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            assert raw.acquire_token_for_client(["api://contoso-orders/.default"])[
                "token_source"] == "cache"
            theirs.append(time.perf_counter() - started)
    return ours, theirs


FLOOR_SCRIPT = """import base64, json, sys
header, payload, _ = sys.argv[1].split(".")
for part in (header, payload):
    print(json.dumps(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))),
                     indent=2))
"""


def decode_cli(runs: int) -> tuple[list[float], list[float]]:
    """Wall time of `entra-tui decode TOKEN` and of the floor: a script that base64-decodes
    and prints the same token."""
    token = big_token()
    ours, floor = [], []
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "floor.py"
        script.write_text(FLOOR_SCRIPT)
        for _ in range(runs):
            for argv, into in (([PYTHON, str(script), token], floor),
                               ([PYTHON, "-m", "entra_tui", "decode", token], ours)):
                started = time.perf_counter()
                subprocess.run(argv, check=True, capture_output=True)
                into.append(time.perf_counter() - started)
    return ours, floor


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
