"""`entra-tui doctor` against the demo's sandbox over real HTTPS with real MSAL tokens: app
registration health (credential expiry, requested vs granted vs in the token, accepted token
version), why an expected claim is missing, sign-in lookup by correlation id, the test call,
exit codes, --json, and nothing secret or raw in the output."""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from entra_tui.cli import main
from entra_tui.commands.doctor import run_doctor_command
from entra_tui.core.doctor import (
    Level,
    explain_refusal,
    parse_challenge,
    run_doctor,
)
from entra_tui.core.graph_client import Reply
from entra_tui.core.profiles import load_profiles
from entra_tui.core.session import SessionManager
from entra_tui.demo import DemoEnvironment, prepare_demo
from entra_tui.sandbox.directory import TENANTS

CONTOSO = TENANTS[0]
SECRETS = [c.secret for t in TENANTS for c in t.clients if c.secret] + \
    [c.expired_secret for t in TENANTS for c in t.clients if c.expired_secret]


@pytest.fixture(scope="module")
def demo_env() -> Iterator[DemoEnvironment]:
    environment = prepare_demo()
    environment.sandbox.start()
    try:
        yield environment
    finally:
        environment.stop()


def doctor(env: DemoEnvironment, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    name, *rest = args
    options = {"as_json": "--json" in rest}
    if "--correlation-id" in rest:
        options["correlation_id"] = rest[rest.index("--correlation-id") + 1]
    if "--expect-role" in rest:
        options["expect_roles"] = [rest[rest.index("--expect-role") + 1]]
    if "--expect-scope" in rest:
        options["expect_scopes"] = [rest[rest.index("--expect-scope") + 1]]
    if "--expect-aud" in rest:
        options["expect_audiences"] = [rest[rest.index("--expect-aud") + 1]]
    code = run_doctor_command(name, config=env.profiles_path, stdout=out, stderr=err,
                              **options)  # type: ignore[arg-type]
    return code, out.getvalue(), err.getvalue()


def assert_nothing_secret(text: str) -> None:
    assert not re.search(r"eyJ[\w-]{10,}\.[\w-]{10,}\.", text), "a token was printed"
    for secret in SECRETS:
        assert secret not in text


def test_graph_app_needs_fixing_secret_expiry_and_missing_consent(demo_env: DemoEnvironment
                                                                   ) -> None:
    code, out, err = doctor(demo_env, "contoso-graph-app")
    assert code == 1, out
    assert re.search(r"\[FIX\] secret 'sandbox secret' \(this profile's\) expires in \d days",
                     out)
    assert "[FIX] Microsoft Graph: Directory.Read.All is requested but not granted" in out
    assert "fix: grant admin consent in API permissions" in out
    assert "application permissions granted: Application.Read.All, AuditLog.Read.All, " \
           "User.Read.All" in out
    assert "Microsoft Graph is Microsoft's: it takes v1.0 tokens" in out
    assert re.search(r"\[ok\] GET https://127\.0\.0\.1:\d+/graph/v1\.0/organization: HTTP 200",
                     out)
    assert re.search(r'\n +"@odata\.context": "https://127\.0\.0\.1:\d+/graph/v1\.0/'
                     r'\$metadata#organization",', out)  # the answer's first lines
    assert out.rstrip().endswith("exit 1")
    assert_nothing_secret(out + err)


def test_a_longer_window_and_a_healthy_profile(demo_env: DemoEnvironment) -> None:
    out = io.StringIO()
    code = run_doctor_command("contoso-arm-sp", config=demo_env.profiles_path, as_json=False,
                              stdout=out, stderr=io.StringIO())
    assert code == 0, out.getvalue()
    text = out.getvalue()
    assert "the token has no roles because no application permission of ARM is granted: " \
           "ARM uses Azure RBAC instead" in text
    assert re.search(r"GET https://127\.0\.0\.1:\d+/arm/subscriptions\?api-version=2022-12-01: "
                     r"HTTP 200", text)
    assert "Contoso Sandbox Subscription" in text
    far = io.StringIO()
    assert run_doctor_command("contoso-arm-sp", config=demo_env.profiles_path, as_json=False,
                              fail_within_days=600, stdout=far, stderr=io.StringIO()) == 1
    assert "[FIX] secret 'sandbox secret' (this profile's) expires in" in far.getvalue()


def test_json_and_exit_codes(demo_env: DemoEnvironment) -> None:
    code, out, _ = doctor(demo_env, "contoso-graph-app", "--json")
    data = json.loads(out)
    assert code == data["exit_code"] == 1
    assert data["graph_profile"] == "contoso-graph-app"
    levels = {(f["area"], f["level"]) for f in data["findings"]}
    assert ("credentials", "problem") in levels and ("permissions", "problem") in levels
    assert data["test_call"]["status"] == 200 and data["test_call"]["preview"][0] == "{"
    assert_nothing_secret(out)
    code, out, err = doctor(demo_env, "no-such-profile", "--json")
    assert code == 3 and json.loads(out)["exit_code"] == 3 and "no profile named" in err


def test_fabrikam_cannot_be_checked_with_a_contoso_graph_profile(demo_env: DemoEnvironment
                                                                 ) -> None:
    code, out, _ = doctor(demo_env, "fabrikam-inventory")
    assert code == 6, out
    assert "reads another tenant than this token's" in out


def test_expired_secret_unusable_sign_in_looked_up(demo_env: DemoEnvironment) -> None:
    """The legacy job's only secret expired: AADSTS7000222, the credential flagged, and the
    failed attempt found in the sandbox's sign-in log by its correlation id."""
    code, out, err = doctor(demo_env, "contoso-legacy-job")
    assert code == 1, out
    assert "no token: AADSTS7000222" in out
    assert re.search(r"\[FIX\] secret 'sandbox secret' \(this profile's\) expired 30 days ago",
                     out)
    assert re.search(r"\[FIX\] .*Contoso Legacy Job \(expired secret\) -> Contoso Orders API: "
                     r"failed with AADSTS7000222", out)
    assert_nothing_secret(out + err)


def test_correlation_id_lookup_and_refusal(demo_env: DemoEnvironment) -> None:
    profiles = load_profiles(demo_env.profiles_path)
    manager = SessionManager()
    failed = manager.acquire(profiles.get("contoso-wrong-secret"))
    assert failed.error is not None and failed.error.correlation_id
    code, out, _ = doctor(demo_env, "contoso-orders-sync", "--correlation-id",
                          failed.error.correlation_id)
    assert "failed with AADSTS7000215" in out and code == 1
    code, out, _ = doctor(demo_env, "contoso-orders-sync", "--correlation-id",
                          "00000000-0000-0000-0000-000000000000")
    assert "no sign-in with correlation id" in out and code == 0
    code, out, _ = doctor(demo_env, "contoso-orders-sync", "--correlation-id", "x' or 1 eq 1")
    assert "the correlation id is not a GUID" in out and code == 1


def test_sign_ins_refused_without_audit_log_permission(demo_env: DemoEnvironment) -> None:
    from dataclasses import replace

    profiles = load_profiles(demo_env.profiles_path)
    graph_arm = replace(profiles.get("contoso-arm-sp"), name="arm-graph", graph_profile=None,
                        scopes=("https://graph.microsoft.com/.default",))
    report = run_doctor(graph_arm, profiles, SessionManager().acquire, now=time.time(),
                        correlation_id="11111111-1111-1111-1111-111111111111",
                        test_call=False)
    refused = [f for f in report.findings if f.area == "sign-in"]
    assert refused[0].level is Level.UNCHECKED
    assert "needs AuditLog.Read.All, and a Microsoft Entra ID P1 or P2 licence" in refused[0].text


def test_why_missing_says_the_likeliest_cause(demo_env: DemoEnvironment) -> None:
    code, out, _ = doctor(demo_env, "contoso-billing-cert")
    assert code == 1
    assert "role Orders.ReadWrite.All is missing: not requested by the app" in out
    _, out, _ = doctor(demo_env, "contoso-arm-sp", "--expect-role", "Reader")
    assert "role Reader is missing: ARM tokens carry no roles: ARM authorises with Azure RBAC" \
        in out
    _, out, _ = doctor(demo_env, "contoso-graph-app", "--expect-role", "Directory.Read.All")
    assert "role Directory.Read.All is missing: requested but not consented" in out
    _, out, _ = doctor(demo_env, "contoso-graph-app", "--expect-scope", "User.Read")
    assert "scope User.Read is missing: app-only tokens never carry scp" in out
    _, out, _ = doctor(demo_env, "contoso-orders-sync", "--expect-aud", "api://contoso-orders")
    assert "v2.0 tokens carry the API's app id as aud, not its Application ID URI" in out
    _, out, _ = doctor(demo_env, "contoso-orders-sync", "--expect-role", "Reports.Read.All")
    assert "it is granted on Contoso Reports API (v1 tokens), a different API" in out


def test_version_mismatch_with_expectations(demo_env: DemoEnvironment) -> None:
    _, out, _ = doctor(demo_env, "contoso-reports-v1")
    assert "accessTokenAcceptedVersion null: v1.0 tokens, so iss is sts.windows.net" in out
    _, out, _ = doctor(demo_env, "contoso-orders-sync")  # a client that is also an API (OBO)
    assert "accessTokenAcceptedVersion 2: v2.0 tokens" in out


def test_the_cli_entry_point(demo_env: DemoEnvironment, capsys: pytest.CaptureFixture[str]
                             ) -> None:
    code = main(["doctor", "contoso-arm-sp", "--config", str(demo_env.profiles_path),
                 "--json", "--no-test-call"])
    data = json.loads(capsys.readouterr().out)
    assert code == data["exit_code"] == 0 and data["test_call"] is None


def test_refusals_are_explained_with_the_challenge_decoded() -> None:
    header = ('Bearer realm="", error="insufficient_claims", claims='
              '"eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNjA0MTA2NjUxIn19fQ=="')
    assert parse_challenge(header)["error"] == "insufficient_claims"
    lines = explain_refusal(Reply(401, None, {"www-authenticate": header}, 1.0),
                            {"exp": time.time() + 600}, time.time(), "/me")
    assert 'claims_challenge = {"access_token":{"nbf":{"essential":true,' \
           '"value":"1604106651"}}}' in lines[0]
    expired = explain_refusal(Reply(401, {"error": {"code": "InvalidAuthenticationToken",
                                                   "message": "Lifetime validation failed"}},
                                    {}, 1.0), {"exp": 1}, time.time(), "/me")
    assert expired[0].startswith("the token has expired")
    denied = explain_refusal(Reply(403, {"error": {"code": "Authorization_RequestDenied",
                                                  "message": "Insufficient privileges"}}, {}, 1.0),
                             {"roles": ["X.Read"], "exp": time.time() + 60}, time.time(),
                             "/organization")
    assert "(/organization needs Organization.Read.All or User.Read)" in denied[-1]


def test_hostile_text_from_the_directory_is_inert(tmp_path: Path) -> None:
    """A server's display name with escapes and line breaks prints escaped."""
    from entra_tui.commands.doctor import print_report
    from entra_tui.core.doctor import Finding, HealthReport

    report = HealthReport("p\x1b]2;x\x07", (Finding(
        "credentials", Level.PROBLEM, "secret '\x1b[31mci\nSignature: VERIFIED' expired",
        "fix \u202e"),))
    out = io.StringIO()
    print_report(report, out)
    text = out.getvalue()
    assert "\x1b" not in text and "\u202e" not in text and "\\x1b" in text
    assert "\nSignature: VERIFIED" not in text
    # --json: the one inert JSON sink; a reader gets the server's exact text back.
    from entra_tui.commands.doctor import print_json_report

    json_out = io.StringIO()
    print_json_report(report, json_out)
    raw = json_out.getvalue()
    assert raw.isascii() and "\x1b" not in raw and "\x7f" not in raw
    assert json.loads(raw)["profile"] == "p\x1b]2;x\x07"


def decode(*args: str, **options: object) -> tuple[int, str, str]:
    from entra_tui.commands.decode import DecodeOptions, run_decode

    out, err = io.StringIO(), io.StringIO()
    token, *_ = args
    code = run_decode(DecodeOptions(token=token, **options),  # type: ignore[arg-type]
                      stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_decode_names_the_guids_with_a_graph_profile(demo_env: DemoEnvironment) -> None:
    profiles = load_profiles(demo_env.profiles_path)
    token = SessionManager().acquire(profiles.get("contoso-orders-sync")).access_token
    assert token
    config = demo_env.profiles_path
    code, out, _ = decode(token, as_json=True, graph_profile="contoso-graph-app",
                          config=config)
    assert code == 0
    data = json.loads(out)
    claims = data["payload"]
    assert data["names"]["tid"][claims["tid"]] == {
        "name": "Contoso", "detail": CONTOSO.domain, "kind": "organization"}
    assert data["names"]["azp"][claims["azp"]]["name"] == "Contoso Order Sync"
    _, text, _ = decode(token, graph_profile="contoso-graph-app", config=config)
    assert "Names (from the directory):" in text and "  tid: → Contoso (" in text
    _, out, err = decode(token, as_json=True, graph_profile="nobody", config=config)
    assert "no profile named 'nobody'" in err
    assert json.loads(out)["names"]["tid"][claims["tid"]]["why"] == "no profile named 'nobody'"
    _, out, _ = decode(token, as_json=True)
    assert "names" not in json.loads(out)


def test_decode_graph_profile_on_the_command_line(demo_env: DemoEnvironment) -> None:
    """The option reaches the command (argparse wiring); output goes to the real stdout."""
    from entra_tui.cli import build_parser

    args = build_parser().parse_args(["decode", "x", "--graph-profile", "contoso-graph-app",
                                      "--config", str(demo_env.profiles_path)])
    assert args.graph_profile == "contoso-graph-app"
    assert args.config == demo_env.profiles_path


def test_test_url_is_called_and_kept_to_the_tokens_api(demo_env: DemoEnvironment,
                                                       tmp_path: Path) -> None:
    """A custom API's token goes to the profile's test_url (a local HTTPS server here); a
    Graph token is never sent to a test_url outside Graph's origin."""
    from dataclasses import replace

    from entra_keys_server import Reply as ServerReply
    from entra_keys_server import json_reply, make_tls, running

    tls = make_tls(tmp_path, "api")
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(Path(demo_env.sandbox.ca_path).read_bytes() + b"\n" + tls.ca_pem)
    profiles = load_profiles(demo_env.profiles_path)
    with running(tls) as server:
        server.routes["/health?check=1"] = json_reply({"status": "ok"})
        orders = replace(profiles.get("contoso-orders-sync"), ca_bundle=str(bundle),
                         test_url=f"{server.origin}/health?check=1")
        report = run_doctor(orders, profiles, SessionManager().acquire, now=time.time())
        assert report.test_call is not None and report.test_call.status == 200
        assert '  "status": "ok"' in report.test_call.preview
        assert server.requests == ["/health?check=1"]
        server.routes["/ping"] = ServerReply(200, b"OK\n", (("Content-Type", "text/plain"),))
        plain = run_doctor(replace(orders, test_url=f"{server.origin}/ping"), profiles,
                           SessionManager().acquire, now=time.time())
        assert plain.test_call is not None and plain.test_call.preview == ("OK",)
        server.requests.clear()
        graph = replace(profiles.get("contoso-graph-app"), ca_bundle=str(bundle),
                        test_url=f"{server.origin}/steal")
        report = run_doctor(graph, profiles, SessionManager().acquire, now=time.time())
        assert report.test_call is not None and report.test_call.status is None
        assert "is not the token's API" in report.test_call.explanation[0]
        assert server.requests == []  # nothing sent to /steal
