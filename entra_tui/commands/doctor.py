"""`entra-tui doctor PROFILE`: the token doctor without the TUI, for people and for CI.

Exit codes: 0 healthy; 1 something needs fixing (an expired or soon-expiring credential, a
permission requested but not granted, an expected claim missing, a refused test call...);
3 the profile or the profile file cannot be used; 6 could not check (no Graph access, Graph or
the API did not answer). Every string from a server, a token or the profile file is printed
through `safe_text`; no token or secret is ever printed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from entra_tui.core.errors import ConfigError
from entra_tui.core.safe_text import inert_json, safe_text

if TYPE_CHECKING:
    from entra_tui.core.health import HealthReport
    from entra_tui.core.profiles import Profile, ProfileSet
    from entra_tui.core.results import AcquireResult

EXIT_UNUSABLE = 3
TAGS = {"ok": "ok", "info": "info", "warning": "warning", "problem": "FIX",
        "not checked": "not checked"}
SUMMARY = {0: "healthy", 1: "something needs fixing", 3: "the profile cannot be used",
           6: "could not check everything"}


def run_doctor_command(name: str, *, config: Path | None, as_json: bool,
                       correlation_id: str | None = None, expect_roles: list[str] | None = None,
                       expect_scopes: list[str] | None = None,
                       expect_audiences: list[str] | None = None,
                       fail_within_days: int = 14, test_call: bool = True,
                       stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    from entra_tui.core.doctor import run_doctor

    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    from entra_tui.core.expectations import Expectations
    from entra_tui.core.profiles import load_named_profiles

    try:
        profiles = load_named_profiles(config)
        profile = profiles.get(name)
        if profile is None:
            known = ", ".join(profiles.names()) or "none"
            raise ConfigError(f"no profile named '{name}' (profiles: {known})",
                              path=str(profiles.path))
    except ConfigError as exc:
        print(f"entra-tui doctor: {safe_text(exc)}", file=stderr)
        if as_json:
            print(inert_json({"profile": name, "exit_code": EXIT_UNUSABLE,
                              "error": str(exc)}), file=stdout)
        return EXIT_UNUSABLE
    acquire = _acquirer(profiles, stderr)
    report = run_doctor(
        profile, profiles, acquire, now=time.time(), correlation_id=correlation_id,
        expect=Expectations(roles=tuple(expect_roles or ()), scopes=tuple(expect_scopes or ()),
                            audiences=tuple(expect_audiences or ())),
        fail_within_days=fail_within_days, test_call=test_call)
    if as_json:
        print_json_report(report, stdout)
    else:
        print_report(report, stdout)
    return report.exit_code


def _acquirer(profiles: ProfileSet, stderr: TextIO) -> Callable[[Profile], AcquireResult]:
    """SessionManager.acquire with a device-code prompt on stderr and on-behalf-of's user
    token from its assertion profile, as `entra-tui token` does."""
    from entra_tui.core.flows import Flow
    from entra_tui.core.session import SessionManager

    manager = SessionManager()

    def acquire(profile: Profile) -> AcquireResult:
        assertion = None
        if profile.flow == Flow.ON_BEHALF_OF:
            source = profiles.get(profile.assertion_profile or "")
            if source is not None:
                assertion = manager.acquire(source).access_token
        return manager.acquire(
            profile, user_assertion=assertion,
            on_device_code=lambda p: print(safe_text(p.message), file=stderr))
    return acquire


def print_json_report(report: HealthReport, out: TextIO) -> None:
    """The report as JSON through the one inert JSON sink: exact values, escaped."""
    print(inert_json(report.as_json()), file=out)


def print_report(report: HealthReport, out: TextIO) -> None:
    graph = f" (directory read with '{safe_text(report.graph_profile)}')" \
        if report.graph_profile else ""
    print(f"Doctor: {safe_text(report.profile)}{graph}", file=out)
    area = None
    for finding in report.findings:
        if finding.area != area:
            area = finding.area
            print(f"  {area}", file=out)
        tag = TAGS.get(finding.level.value, finding.level.value)
        print(f"    [{tag}] {safe_text(finding.text)}", file=out)
        if finding.fix:
            print(f"        fix: {safe_text(finding.fix)}", file=out)
    call = report.test_call
    if call is not None and call.preview:
        for line in call.preview:
            print(f"        {safe_text(line)}", file=out)
    code = report.exit_code
    problems = sum(1 for f in report.findings if f.level.value == "problem")
    detail = f" ({problems} to fix)" if problems else ""
    print(f"Result: {SUMMARY.get(code, code)}{detail}: exit {code}", file=out)
