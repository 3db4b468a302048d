"""Each metric as a function returning samples; `__main__` runs and reports them."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from entra_tui.bench.bare_app import READY_MARKER, WITH_MSAL
from entra_tui.bench.in_app import (
    FrameClock,
    main_screen,
    profile_list,
    send_key,
    showing,
    until,
    until_new_token,
)
from entra_tui.bench.terminal import TerminalRun
from entra_tui.bench.tokens import big_token, typical_token

if TYPE_CHECKING:
    from entra_tui.sandbox.runner import Sandbox

PYTHON = sys.executable
FIRST_PROFILE = "contoso-orders-sync"
BARE_APP = [PYTHON, "-m", "entra_tui.bench.bare_app"]
BARE_APP_WITH_MSAL = [*BARE_APP, WITH_MSAL]


def startup_seconds(runs: int, ours: list[str] | None = None,
                    marker: str = FIRST_PROFILE) -> tuple[list[float], list[float]]:
    """Process start to the first frame showing `marker` (by default: `entra-tui --demo` with
    its profiles listed), and to the bare app's first frame."""
    argv = ours or [PYTHON, "-m", "entra_tui", "--demo"]
    our_times: list[float] = []
    bare_times: list[float] = []
    for _ in range(runs):  # interleaved, so drift on the machine hits both alike
        for command, wanted, into in ((BARE_APP, READY_MARKER, bare_times),
                                      (argv, marker, our_times)):
            run = TerminalRun(command)
            try:
                into.append(run.wait_for(wanted))
            finally:
                run.close()
    return our_times, bare_times


def _peak_rss_kib(argv: list[str], settle: float) -> int:
    run = TerminalRun(argv)
    try:
        run.wait_for(READY_MARKER)
        run.idle(settle)
        return run.peak_rss_kib()
    finally:
        run.close()


def memory_and_idle(idle_seconds: float, settle: float) -> dict[str, float]:
    """Peak RSS after acquiring a token, and the peers' (the bare app, and the bare app that
    also imports msal and requests, which entra-tui cannot do without); CPU while idle on a
    token."""
    bare_rss = _peak_rss_kib(BARE_APP, settle)
    bare_msal_rss = _peak_rss_kib(BARE_APP_WITH_MSAL, settle)
    app = TerminalRun([PYTHON, "-m", "entra_tui", "--demo"])
    try:
        app.wait_for(FIRST_PROFILE)
        app.idle(settle / 2)
        app.send("a")
        app.wait_for("Token from", timeout=60)
        app.idle(settle)
        rss = app.peak_rss_kib()
        sandbox_rss = app.children_peak_rss_kib()
        before = app.cpu_seconds()
        app.idle(idle_seconds)
        cpu = app.cpu_seconds() - before
    finally:
        app.close()
    return {"rss_kib": rss, "bare_rss_kib": bare_rss, "bare_msal_rss_kib": bare_msal_rss,
            "sandbox_rss_kib": sandbox_rss, "idle_cpu_pct": 100.0 * cpu / idle_seconds}


def in_process(switches: int, repeats: int, settle: float) -> dict[str, list[float]]:
    return asyncio.run(_in_process(switches, repeats, settle))


async def _in_process(switches: int, repeats: int, settle: float) -> dict[str, list[float]]:
    """The demo's profiles: switches between two tokens, a 16 KB token shown, and a fresh
    acquisition (key to token shown, minus the sandbox's own time)."""
    from entra_tui.cli import build_app
    from entra_tui.core.token import decode_token

    app, environment = build_app(demo=True)
    assert environment is not None
    samples: dict[str, list[float]] = {"switch_ms": [], "big_token_ms": [],
                                       "acquire_overhead_ms": []}
    try:
        async with app.run_test(size=(120, 40)):
            main = main_screen(app)
            frames = FrameClock(app)
            names = [p.name for p in profile_list(app).ordered[:2]]
            for number, name in enumerate(names, 1):
                send_key(app, str(number))
                send_key(app, "a")
                await until_new_token(main, name)
            for index in range(switches):
                expected = main.history.latest_for(names[index % 2])
                assert expected is not None
                started = send_key(app, str(1 + index % 2))
                elapsed = await frames.wait(
                    started, showing(expected.id))
                assert main.claims_table.row_count > 0
                samples["switch_ms"].append(elapsed * 1000)
                await asyncio.sleep(settle)  # the next switch starts from a quiet app
            big = decode_token(big_token())
            for _ in range(repeats):
                started = time.perf_counter()
                entry = main.inspect(decode_token(big.raw), "benchmark")
                elapsed = await frames.wait(started, showing(entry.id))
                assert main.claims_table.row_count == len(big.claims)
                samples["big_token_ms"].append(elapsed * 1000)
                await asyncio.sleep(settle)
            send_key(app, "1")
            await until(lambda: main.current is not None and main.current.name == names[0])
            for _ in range(repeats):
                # Nothing else in flight (directory-name look-ups also reach the sandbox,
                # whose time is taken off).
                await until(lambda: not any(w.is_running for w in app.workers))
                before = main.history.latest_for(names[0])
                served = environment.sandbox.served_seconds
                started = send_key(app, "A")
                await until_new_token(main, names[0], before)
                acquired = main.history.latest_for(names[0])
                assert acquired is not None
                elapsed = await frames.wait(started, showing(acquired.id))
                server = environment.sandbox.served_seconds - served
                samples["acquire_overhead_ms"].append((elapsed - server) * 1000)
                await asyncio.sleep(settle)
    finally:
        environment.stop()
    return samples


def cache_hits(sandbox: Sandbox, calls: int) -> dict[str, list[float]]:
    """Per-call time of a cache hit: through the session manager (`ours`); through raw MSAL
    that also checks its secret file first, as #13 requires of any answer to "does the new
    secret work?" (`checked`, the peer); and through raw MSAL alone (`bare`)."""
    import msal
    import requests

    from entra_tui.core.profiles import check_profile_table
    from entra_tui.core.session import SessionManager
    from entra_tui.sandbox.directory import TENANTS

    contoso = TENANTS[0]
    client = contoso.clients[0]
    scopes = ["api://contoso-orders/.default"]
    with tempfile.TemporaryDirectory() as folder:
        secret = Path(folder) / "secret"
        secret.write_text(client.secret or "")
        profile = check_profile_table("bench", {
            "tenant": contoso.domain, "client_id": client.client_id, "flow": "client_secret",
            "scopes": scopes, "authority_host": sandbox.base_url,
            "secret": f"file:{secret}", "ca_bundle": str(sandbox.ca_path)},
            Path(folder) / "profiles.toml")
        manager = SessionManager()
        manager.acquire(profile)
        session = requests.Session()
        session.trust_env = False
        session.verify = str(sandbox.ca_path)
        raw = msal.ConfidentialClientApplication(
            client.client_id, client_credential=client.secret,
            authority=f"{sandbox.base_url}/{contoso.domain}", http_client=session,
            instance_discovery=False)
        raw.acquire_token_for_client(scopes)
        secret_path = os.fsencode(secret)

        def stamp() -> tuple[int, int, int, int]:
            info = os.stat(secret_path)
            return info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns

        written = stamp()
        samples: dict[str, list[float]] = {"ours": [], "checked": [], "bare": []}
        for _ in range(calls):
            started = time.perf_counter()
            assert manager.acquire(profile).source == "cache"
            samples["ours"].append(time.perf_counter() - started)
            started = time.perf_counter()
            assert stamp() == written  # a rotated secret would need a new app
            assert raw.acquire_token_for_client(scopes)["token_source"] == "cache"
            samples["checked"].append(time.perf_counter() - started)
            started = time.perf_counter()
            assert raw.acquire_token_for_client(scopes)["token_source"] == "cache"
            samples["bare"].append(time.perf_counter() - started)
    return samples


FLOOR_SCRIPT = """import base64, json, sys
header, payload, _ = sys.argv[1].split(".")
for part in (header, payload):
    print(json.dumps(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))),
                     indent=2))
"""


def decode_cli(runs: int) -> dict[str, list[float]]:
    """Wall time of `entra-tui decode TOKEN` and of the floor (a script that base64-decodes
    and prints the same token), for a typical access token and for the 16 KB one."""
    times: dict[str, list[float]] = {"typical": [], "typical_floor": [], "big": [],
                                     "big_floor": []}
    tokens = {"typical": typical_token(), "big": big_token()}
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "floor.py"
        script.write_text(FLOOR_SCRIPT)
        for _ in range(runs):  # interleaved: floor, entra-tui, floor, entra-tui
            for kind, token in tokens.items():
                for argv, into in (([PYTHON, str(script), token], times[f"{kind}_floor"]),
                                   ([PYTHON, "-m", "entra_tui", "decode", token], times[kind])):
                    started = time.perf_counter()
                    subprocess.run(argv, check=True, capture_output=True)
                    into.append(time.perf_counter() - started)
    return times


TOKEN_SCOPE = "api://contoso-orders/.default"
MSAL_SCRIPT = """import os, sys
import msal

app = msal.ConfidentialClientApplication(
    os.environ["AZURE_CLIENT_ID"], client_credential=os.environ["AZURE_CLIENT_SECRET"],
    authority=os.environ["AZURE_AUTHORITY_HOST"] + "/" + os.environ["AZURE_TENANT_ID"],
    instance_discovery=False)
print(app.acquire_token_for_client([sys.argv[1]])["access_token"])
"""


def token_cli(sandbox: Sandbox, runs: int) -> tuple[list[float], list[float]]:
    """Wall time of `entra-tui token --from-env` getting a fresh token from the sandbox, and
    of a bare MSAL script making the same client-credentials request. Each run is a new
    process with MSAL's in-memory cache: every token is fresh from the token endpoint."""
    from entra_tui.sandbox.directory import TENANTS

    contoso = TENANTS[0]
    client = contoso.clients[0]
    env = {**os.environ, "AZURE_TENANT_ID": contoso.tenant_id,
           "AZURE_CLIENT_ID": client.client_id, "AZURE_CLIENT_SECRET": client.secret or "",
           "AZURE_AUTHORITY_HOST": sandbox.base_url,
           "REQUESTS_CA_BUNDLE": str(sandbox.ca_path), "NO_PROXY": "127.0.0.1"}
    ours: list[float] = []
    bare: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "msal_token.py"
        script.write_text(MSAL_SCRIPT)
        for _ in range(runs):  # interleaved
            for argv, into in (([PYTHON, str(script), TOKEN_SCOPE], bare),
                               ([PYTHON, "-m", "entra_tui", "token", "--from-env", "--scope",
                                 TOKEN_SCOPE], ours)):
                started = time.perf_counter()
                done = subprocess.run(argv, capture_output=True, text=True, env=env)
                into.append(time.perf_counter() - started)
                if done.returncode != 0 or done.stdout.count(".") != 2:
                    raise RuntimeError(f"{argv[1]} got no token: {done.stderr[-500:]}")
    return ours, bare


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
