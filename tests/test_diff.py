"""Token diff: claim by claim, in the core and from `entra-tui diff`; a fresh token after an
administrator changed the app's permissions in the sandbox (real MSAL over real HTTPS)."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ORDERS_API, ORDERS_SYNC, sandbox_profile
from sandbox_clients import http

from entra_tui.cli import main
from entra_tui.commands.diff import run_diff
from entra_tui.core.session import SessionManager
from entra_tui.core.token import decode_token
from entra_tui.core.token_diff import diff_tokens, platform_cache_note
from entra_tui.sandbox import Sandbox

GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"
READER = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"


def b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def make(claims: dict[str, object], header: dict[str, object] | None = None) -> str:
    head = header or {"typ": "JWT", "alg": "RS256", "kid": "k1"}
    return f"{b64(head)}.{b64(claims)}.c2lnbmF0dXJl"


BASE = {"aud": "api://x", "iss": "https://login.microsoftonline.com/t/v2.0", "iat": 1700000000,
        "nbf": 1700000000, "exp": 1700003600, "uti": "a", "roles": ["A.Read", "B.Write"],
        "scp": "User.Read Mail.Read", "wids": [READER], "groups": ["g1", "g2"], "ver": "2.0"}


def test_set_claims_report_added_and_removed_items_named() -> None:
    new = {**BASE, "iat": 1700007200, "nbf": 1700007200, "exp": 1700012600, "uti": "b",
           "roles": ["B.Write", "C.Admin"], "scp": "Mail.Read User.Read Files.Read",
           "wids": [READER, GLOBAL_ADMIN], "groups": ["g2", "g1"], "ver": "1.0", "xms_cc": ["cp1"]}
    diff = diff_tokens(decode_token(make(BASE)), decode_token(make(new, {
        "typ": "JWT", "alg": "RS256", "kid": "k2"})))
    by_name = {c.name: c for c in diff.changes}
    assert set(by_name) == {"kid", "roles", "scp", "wids", "ver", "xms_cc"}  # groups: reordered
    assert by_name["roles"].added == ("C.Admin",) and by_name["roles"].removed == ("A.Read",)
    assert by_name["scp"].added == ("Files.Read",) and not by_name["scp"].removed
    assert "Global Administrator" in by_name["wids"].describe()
    assert by_name["xms_cc"].kind == "added" and by_name["kid"].part == "header"
    assert "rolled over" in by_name["kid"].describe()
    text = "\n".join(diff.lines())
    assert diff.summary() == "6 claims changed" and not diff.equal
    assert "+ C.Admin" in text and "- A.Read" in text
    assert "(2 h later)" in text and "(2 h 30 min later)" in text  # iat and exp, durations
    assert "Lifetime (exp - iat): 1 h -> 1 h 30 min" in text
    data = diff.as_json()
    assert data["changed"] == 6 and data["equal"] is False
    wids = next(c for c in data["changes"] if c["name"] == "wids")
    assert wids["added"] == [{"value": GLOBAL_ADMIN, "name": "Global Administrator"}]
    exp = next(c for c in data["changes"] if c["name"] == "exp")
    assert exp["delta_seconds"] == 9000 and exp["reissue"] is True


def test_only_the_issuance_differs_means_equal_and_same_token_is_identical() -> None:
    again = {**BASE, "iat": 1700000100, "nbf": 1700000100, "exp": 1700003700, "uti": "z"}
    diff = diff_tokens(decode_token(make(BASE)), decode_token(make(again)))
    assert diff.equal and not diff.empty and diff.summary().startswith("the same claims")
    same = diff_tokens(decode_token(make(BASE)), decode_token(make(BASE)))
    assert same.identical and same.empty and same.summary() == "the same token"


def test_hostile_claim_values_are_shown_inert() -> None:
    new = {**BASE, "roles": ["A.Read", "B.Write", "\x1b]52;c;ZXZpbA==\x07\u202eX"],
           "name": "[red]x[/red]\n"}
    text = "\n".join(diff_tokens(decode_token(make(BASE)), decode_token(make(new))).lines())
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert all(line.isprintable() for line in text.splitlines())


def test_managed_identity_token_unchanged_mentions_the_platform_cache() -> None:
    mi = {**BASE, "xms_mirid": "/subscriptions/s/resourcegroups/r/providers/x/y"}
    token = decode_token(make(mi))
    note = platform_cache_note(token, decode_token(make(mi)))
    assert note is not None and "24 hours" in note
    assert platform_cache_note(decode_token(make(BASE)), decode_token(make(BASE))) is None
    assert platform_cache_note(token, decode_token(make({**mi, "uti": "new"}))) is None


def test_fresh_token_after_an_admin_grants_and_removes_an_app_role(
        sandbox: Sandbox, tmp_path: Path) -> None:
    manager = SessionManager()
    profile = sandbox_profile(sandbox, tmp_path)
    before = manager.acquire(profile)
    assert before.ok, before.error

    def change(action: str, role: str) -> None:
        answer = http(sandbox).post(
            f"{sandbox.base_url}/_sandbox/appRoles", timeout=10,
            headers={"x-sandbox-admin": sandbox.identity_header},
            data={"client_id": ORDERS_SYNC.client_id, "resource": "api://contoso-orders",
                  "role": role, "action": action})
        assert answer.status_code == 200, answer.text

    change("grant", "Orders.Admin")
    change("remove", "Orders.Read.All")
    try:
        cached = manager.acquire(profile)
        assert cached.source == "cache"  # the change shows only in a new token
        assert diff_tokens(decode_token(before.access_token or ""),
                           decode_token(cached.access_token or "")).identical
        after = manager.acquire(profile, force_refresh=True)
        assert after.ok, after.error
        diff = diff_tokens(decode_token(before.access_token or ""),
                           decode_token(after.access_token or ""))
        (roles,) = diff.changes
        assert roles.name == "roles"
        assert roles.added == ("Orders.Admin",) and roles.removed == ("Orders.Read.All",)
        assert diff.summary() == "1 claim changed"
        a, b = tmp_path / "a.jwt", tmp_path / "b.jwt"
        a.write_text(before.access_token or "")
        b.write_text((after.access_token or "") + "\n")
        out, err = io.StringIO(), io.StringIO()
        assert run_diff(str(a), str(b), stdout=out, stderr=err) == 1
        assert "+ Orders.Admin" in out.getvalue() and "- Orders.Read.All" in out.getvalue()
    finally:
        change("grant", "Orders.Read.All")
        change("remove", "Orders.Admin")
    assert ORDERS_API  # the API whose roles changed


class Stdin(io.StringIO):
    def isatty(self) -> bool:
        return False


def test_cli_exit_codes_stdin_files_and_json(tmp_path: Path) -> None:
    old, new = make(BASE), make({**BASE, "roles": ["A.Read"]})
    path = tmp_path / "new.txt"
    path.write_text(f"Authorization: Bearer {new}\n")
    out, err = io.StringIO(), io.StringIO()
    assert run_diff("-", str(path), as_json=True, stdin=Stdin(old), stdout=out,
                    stderr=err) == 1
    data = json.loads(out.getvalue())
    assert data["changes"][0]["removed"] == [{"value": "B.Write", "name": None}]
    out = io.StringIO()
    assert run_diff(old, "-", stdin=Stdin(old), stdout=out, stderr=err) == 0
    assert "The same token" in out.getvalue()
    err = io.StringIO()
    assert run_diff("-", "-", stdin=Stdin(old), stdout=io.StringIO(), stderr=err) == 3
    err = io.StringIO()
    assert run_diff(str(tmp_path / "missing.jwt"), old, stdout=io.StringIO(), stderr=err) == 3
    assert "A: cannot read" in err.getvalue()
    err = io.StringIO()
    assert run_diff(old, "not a token", stdout=io.StringIO(), stderr=err) == 3
    assert err.getvalue().startswith("entra-tui diff: B (the argument):")
    with pytest.raises(SystemExit):
        main(["diff", "--help"])


def test_plain_diff_loads_neither_textual_nor_msal() -> None:
    old, new = make(BASE), make({**BASE, "roles": ["A.Read"]})
    code = ("import sys, io; from entra_tui.cli import main; sys.stdout = io.StringIO(); "
            f"rc = main(['diff', {old!r}, {new!r}]); sys.stdout = sys.__stdout__; "
            "print(rc, ','.join(m for m in ('textual', 'msal', 'jwt', 'cryptography', "
            "'requests') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "1"
