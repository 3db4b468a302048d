"""`python -m entra_tui.bench [--json] [--quick | --smoke]`: measure, compare with peers,
report."""

from __future__ import annotations

import argparse
import json
import statistics
from typing import NamedTuple

from entra_tui.bench import measures, scale, tokens

# None: reported for information, no target.
TARGETS: dict[str, float | None] = {
    "startup_ratio": 1.25, "startup_ratio_500": 1.35,
    "switch_ms": 30.0, "switch_ms_500": 30.0, "filter_ms": 30.0,
    "big_token_ms": 50.0, "acquire_overhead_ms": 40.0, "idle_cpu_pct": 1.0,
    "rss_ratio": 1.25, "rss_ratio_bare": None,
    "cache_hit_ratio": 1.1, "cache_hit_ratio_bare": None,
    "decode_cli_ratio": 1.4, "decode_cli_ratio_big": 1.5,
    "token_cli_ratio": 1.1,
    # The soak's targets are issue 18's: flat memory, and switches as fast at the end as at the
    # start (their p95s themselves are shown for information).
    "soak_rss_growth_mib": 5.0, "soak_switch_p95_ms": None, "soak_switch_p95_first_ms": None,
    "soak_switch_drift": 1.10,
}


class Plan(NamedTuple):
    """How many repetitions each measure makes."""

    name: str
    startup_runs: int
    switches: int
    repeats: int
    settle: float  # pause after each timed step, so the next starts from a quiet app
    idle_seconds: float
    memory_settle: float
    cache_calls: int
    decode_runs: int
    token_runs: int
    filter_keys: int
    soak_rounds: int


FULL = Plan("full", startup_runs=7, switches=50, repeats=10, settle=0.05, idle_seconds=30.0,
            memory_settle=2.0, cache_calls=3000, decode_runs=15, token_runs=15,
            filter_keys=len(scale.FILTER_KEYS), soak_rounds=2000)
QUICK = FULL._replace(name="quick", startup_runs=3, switches=20, repeats=3, idle_seconds=5.0,
                      cache_calls=500, decode_runs=5, token_runs=5, soak_rounds=300)
# Proves each measure runs, as fast as it can: no figure from it means anything.
SMOKE = Plan("smoke", startup_runs=1, switches=2, repeats=1, settle=0.0, idle_seconds=0.2,
             memory_settle=0.1, cache_calls=5, decode_runs=1, token_runs=1, filter_keys=4,
             soak_rounds=6)


def run(plan: Plan) -> tuple[dict[str, float], dict[str, str]]:
    # Compile bytecode first, as pip does when it installs a package: an editable checkout
    # (or PYTHONDONTWRITEBYTECODE) would otherwise re-compile every module at each start.
    import compileall
    import tempfile
    from pathlib import Path

    compileall.compile_dir(Path(__file__).resolve().parent.parent, quiet=1)
    metrics: dict[str, float] = {}
    spread: dict[str, str] = {}

    ours, bare = measures.startup_seconds(plan.startup_runs)
    metrics["startup_ratio"] = measures.median(ours) / measures.median(bare)
    spread["startup_ratio"] = (f"entra-tui --demo {_range_ms(ours)}, bare Textual "
                               f"{_range_ms(bare)}; first frame with the profiles listed")

    from entra_tui.bench.profile_file import LIVE_PROFILES, write_profile_file

    with tempfile.TemporaryDirectory() as folder:
        path = write_profile_file(Path(folder))
        ours, bare = measures.startup_seconds(
            plan.startup_runs, [measures.PYTHON, "-m", "entra_tui", "--config", str(path)],
            LIVE_PROFILES[0])
    metrics["startup_ratio_500"] = measures.median(ours) / measures.median(bare)
    spread["startup_ratio_500"] = (f"entra-tui --config (500 profiles, 20 tenants) "
                                   f"{_range_ms(ours)}, bare Textual {_range_ms(bare)}")

    samples = measures.in_process(plan.switches, plan.repeats, plan.settle)
    metrics["switch_ms"] = measures.p95(samples["switch_ms"])
    spread["switch_ms"] = (f"p95 of {len(samples['switch_ms'])}; {_range(samples['switch_ms'])}"
                           "; demo profiles, key press to the first frame showing the token")
    for name in ("big_token_ms", "acquire_overhead_ms"):
        metrics[name] = measures.median(samples[name])
        spread[name] = f"median of {len(samples[name])}; {_range(samples[name])}"

    scaled = scale.switches_and_filter(plan.switches, plan.filter_keys, plan.settle)
    metrics["switch_ms_500"] = measures.p95(scaled["switch_ms"])
    spread["switch_ms_500"] = (f"p95 of {len(scaled['switch_ms'])}; "
                               f"{_range(scaled['switch_ms'])}; 500 profiles")
    metrics["filter_ms"] = measures.p95(scaled["filter_ms"])
    listed = scaled["listed"]
    spread["filter_ms"] = (f"p95 of {len(scaled['filter_ms'])} keystrokes in the / filter "
                           f"(500 profiles; {min(listed):.0f}-{max(listed):.0f} listed); "
                           f"{_range(scaled['filter_ms'])}")

    resources = measures.memory_and_idle(plan.idle_seconds, plan.memory_settle)
    metrics["idle_cpu_pct"] = resources["idle_cpu_pct"]
    metrics["rss_ratio"] = resources["rss_kib"] / resources["bare_msal_rss_kib"]
    metrics["rss_ratio_bare"] = resources["rss_kib"] / resources["bare_rss_kib"]
    spread["rss_ratio"] = (f"entra-tui {_mib(resources['rss_kib'])}, bare Textual + msal, "
                           f"requests {_mib(resources['bare_msal_rss_kib'])} (peak RSS); the "
                           f"demo's sandbox tenant, which stands in for Entra, runs in a child "
                           f"process of {_mib(resources['sandbox_rss_kib'])}")
    spread["rss_ratio_bare"] = (f"entra-tui {_mib(resources['rss_kib'])}, bare Textual "
                                f"{_mib(resources['bare_rss_kib'])} (peak RSS)")
    spread["idle_cpu_pct"] = f"over {plan.idle_seconds:g} s on a token, countdown running"

    from entra_tui.sandbox import Sandbox

    with Sandbox() as sandbox:
        hits = {kind: measures.median(times)
                for kind, times in measures.cache_hits(sandbox, plan.cache_calls).items()}
        metrics["cache_hit_ratio"] = hits["ours"] / hits["checked"]
        metrics["cache_hit_ratio_bare"] = hits["ours"] / hits["bare"]
        spread["cache_hit_ratio"] = (f"session manager {hits['ours'] * 1e6:.1f} µs, raw MSAL "
                                     f"after checking its secret file {hits['checked'] * 1e6:.1f} "
                                     f"µs per hit")
        spread["cache_hit_ratio_bare"] = (f"session manager {hits['ours'] * 1e6:.1f} µs, raw "
                                          f"MSAL alone {hits['bare'] * 1e6:.1f} µs per hit")
        ours, bare = measures.token_cli(sandbox, plan.token_runs)
        metrics["token_cli_ratio"] = measures.median(ours) / measures.median(bare)
        spread["token_cli_ratio"] = (f"entra-tui token --from-env {_range_ms(ours)}, bare MSAL "
                                     f"script {_range_ms(bare)}; a fresh token each run")

    decode = measures.decode_cli(plan.decode_runs)
    for kind, name in (("typical", "decode_cli_ratio"), ("big", "decode_cli_ratio_big")):
        metrics[name] = measures.median(decode[kind]) / measures.median(decode[f"{kind}_floor"])
        size = len((tokens.typical_token if kind == "typical" else tokens.big_token)())
        spread[name] = (f"{size:,}-character token: entra-tui {_range_ms(decode[kind])}, floor "
                        f"{_range_ms(decode[f'{kind}_floor'])}")

    soak = scale.soak(plan.soak_rounds, plan.settle)
    compared = min(100, soak.baseline_rounds)
    first = measures.p95(soak.switch_ms[:compared])
    last = measures.p95(soak.switch_ms[-compared:])
    metrics["soak_rss_growth_mib"] = soak.rss_growth_mib
    spread["soak_rss_growth_mib"] = (
        f"{soak.rounds} rounds of switch, fresh token, verify, paste (500 profiles): RSS "
        f"{soak.rss_mib[0]:.1f} MiB after round {soak.baseline_rounds}, {soak.rss_mib[1]:.1f} "
        f"MiB at the end; {soak.workers_at_end} workers and {soak.history_at_end} history "
        f"entries left")
    metrics["soak_switch_p95_ms"] = last
    metrics["soak_switch_p95_first_ms"] = first
    metrics["soak_switch_drift"] = last / first
    spread["soak_switch_p95_ms"] = f"p95 of the last {compared} rounds' switches"
    spread["soak_switch_p95_first_ms"] = f"p95 of the first {compared} rounds' switches"
    spread["soak_switch_drift"] = (f"switch p95, last {compared} rounds / first {compared}: "
                                   f"{last:.1f} / {first:.1f} ms")
    return metrics, spread


def _range(values: list[float]) -> str:
    return (f"min {min(values):.1f}, median {statistics.median(values):.1f}, "
            f"max {max(values):.1f}")


def _range_ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.0f} ms ({min(values) * 1000:.0f}-" \
           f"{max(values) * 1000:.0f})"


def _mib(kib: float) -> str:
    return f"{kib / 1024:.0f} MiB"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m entra_tui.bench",
                                     description="Benchmark entra-tui against its peers.")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    pace = parser.add_mutually_exclusive_group()
    pace.add_argument("--quick", action="store_true",
                      help=f"fewer repetitions, a 5 s idle window, {QUICK.soak_rounds} soak "
                           "rounds")
    pace.add_argument("--smoke", action="store_true",
                      help="the fewest repetitions that prove each measure runs (figures "
                           "mean nothing)")
    args = parser.parse_args()
    plan = SMOKE if args.smoke else QUICK if args.quick else FULL
    metrics, spread = run(plan)
    if args.json:
        print(json.dumps({**{k: round(v, 3) for k, v in metrics.items()},
                          "targets": TARGETS, "plan": plan.name, "spread": spread}, indent=2))
        return 0
    for name, value in metrics.items():
        target = TARGETS[name]
        verdict = "info" if target is None else "meets" if value <= target else "MISSES"
        shown = "-" if target is None else f"<= {target:g}"
        print(f"{name:<26} {value:8.2f}  target {shown:<7} {verdict:<6}  ({spread[name]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
