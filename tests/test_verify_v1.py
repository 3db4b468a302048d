"""v1.0 and v2.0 tokens verified through the metadata of their own version, app-specific
signing keys, and the fixed origin: against a local HTTPS server laid out exactly like
login.microsoftonline.com (see entra_keys_server for the documented layout)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from entra_keys_server import (
    API,
    DOMAIN,
    OTHER_TENANT,
    TENANT,
    V2_TEMPLATE,
    SigningKey,
    World,
    entra_world,
    json_reply,
    v1_claims,
    v1_issuer,
    v2_claims,
)

from entra_tui.core.expectations import Expectations
from entra_tui.core.token import decode_token
from entra_tui.core.validation import Outcome, validation_report
from entra_tui.core.verify import KeyFetcher, SignatureState, verify_with_file

OTHER = OTHER_TENANT


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with entra_world(tmp_path_factory.mktemp("entra-keys")) as running_world:
        yield running_world


@pytest.fixture
def world_fresh(world: World) -> World:
    world.entra.requests.clear()
    world.attacker.requests.clear()
    return world


def fetcher(world: World) -> KeyFetcher:
    """Entra's canonical origin replaced by the local server (tests only)."""
    return KeyFetcher(origins={"public": world.entra.origin})


def test_genuine_v1_token_verifies_through_v1_metadata(world_fresh: World) -> None:
    token = decode_token(world_fresh.common.sign(v1_claims(TENANT)))
    result = fetcher(world_fresh).verify(token)
    assert result.state is SignatureState.VERIFIED, result.reason
    assert "v1.0 keys" in result.reason
    assert result.key_source == f"{world_fresh.entra.origin}/common/discovery/keys"
    assert world_fresh.entra.requests == [f"/{TENANT}/.well-known/openid-configuration",
                                          "/common/discovery/keys"]
    assert world_fresh.attacker.requests == []


def test_genuine_v1_token_verifies_with_a_profile_authority(world_fresh: World) -> None:
    """The same through a trusted authority (a profile's authority_host, --authority)."""
    keys = KeyFetcher()
    keys.trust(world_fresh.entra.origin, None)
    token = decode_token(world_fresh.common.sign(v1_claims(TENANT)))
    result = keys.verify(token, authority_host=world_fresh.entra.origin)
    assert result.state is SignatureState.VERIFIED, result.reason


def test_genuine_v2_token_verifies_through_v2_metadata(world_fresh: World) -> None:
    token = decode_token(world_fresh.common.sign(v2_claims(TENANT)))
    result = fetcher(world_fresh).verify(token)
    assert result.state is SignatureState.VERIFIED, result.reason
    assert result.key_source == f"{world_fresh.entra.origin}/{TENANT}/discovery/v2.0/keys"
    assert world_fresh.entra.requests == [f"/{TENANT}/v2.0/.well-known/openid-configuration",
                                          f"/{TENANT}/discovery/v2.0/keys"]


def test_a_v1_token_without_ver_is_told_by_its_issuer(world_fresh: World) -> None:
    claims = v1_claims(TENANT)
    del claims["ver"]
    result = fetcher(world_fresh).verify(decode_token(world_fresh.common.sign(claims)))
    assert result.state is SignatureState.VERIFIED, result.reason
    assert "/common/discovery/keys" in (result.key_source or "")


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_app_specific_signing_key(world_fresh: World, version: str) -> None:
    claims = (v1_claims(TENANT, aud=API) if version == "1.0" else v2_claims(TENANT, aud=API))
    token = decode_token(world_fresh.app_key.sign(claims))
    result = fetcher(world_fresh).verify(token)
    assert result.state is SignatureState.VERIFIED, result.reason
    assert f"app {API}'s own signing keys" in result.reason
    assert f"appid={API}" in (result.key_source or "")
    assert all(path.startswith(f"/{TENANT}/") or path == "/common/discovery/keys"
               for path in world_fresh.entra.requests)


def test_v1_token_claiming_another_tenant_fails(world_fresh: World) -> None:
    # Signed by the key only tenant TENANT's app publishes, but claims tenant OTHER.
    forged = decode_token(world_fresh.app_key.sign(v1_claims(OTHER, aud=API)))
    result = fetcher(world_fresh).verify(forged)
    assert result.state is SignatureState.FAILED, result.reason
    assert "no key with kid 'app-key-1'" in result.reason
    # iss names one tenant, tid another: Entra never issues that.
    mixed = decode_token(world_fresh.common.sign(v1_claims(TENANT, tid=OTHER)))
    result = fetcher(world_fresh).verify(mixed)
    assert result.state is SignatureState.FAILED and "not the tenant its issuer" in result.reason


def test_v2_token_with_a_v1_issuer_fails(world_fresh: World) -> None:
    token = decode_token(world_fresh.common.sign(v2_claims(TENANT, iss=v1_issuer(TENANT))))
    result = fetcher(world_fresh).verify(token)
    assert result.state is SignatureState.FAILED, result.reason
    assert "v2.0 metadata" in result.reason and "sts.windows.net" in result.reason


def test_v1_token_with_a_v2_issuer_fails(world_fresh: World) -> None:
    claims = v1_claims(TENANT, iss=f"https://login.microsoftonline.com/{TENANT}/v2.0")
    result = fetcher(world_fresh).verify(decode_token(world_fresh.common.sign(claims)))
    assert result.state is SignatureState.FAILED, result.reason


def test_unknown_key_fails_after_trying_the_app_keys(world_fresh: World) -> None:
    stranger = SigningKey("unknown-kid")
    token = decode_token(stranger.sign(v2_claims(TENANT, aud=API)))
    result = fetcher(world_fresh).verify(token)
    assert result.state is SignatureState.FAILED
    assert "no key with kid 'unknown-kid'" in result.reason and "appid=" in result.reason
    assert f"/{TENANT}/v2.0/.well-known/openid-configuration?appid={API}" in \
        world_fresh.entra.requests
    assert world_fresh.attacker.requests == []


def test_genuine_v1_token_verifies_offline_with_the_v1_jwks(world: World,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "v1-keys.json"
    path.write_bytes(world.entra.routes["/common/discovery/keys"].body)
    token = decode_token(world.common.sign(v1_claims(TENANT)))
    assert verify_with_file(token, path).state is SignatureState.VERIFIED
    # ...while the v2 key set binds its keys to the v2 issuer: a v1 token fails against it.
    v2_path = tmp_path / "v2-keys.json"
    v2_path.write_bytes(world.entra.routes[f"/{TENANT}/discovery/v2.0/keys"].body)
    failed = verify_with_file(token, v2_path)
    assert failed.state is SignatureState.FAILED and "belongs to issuer" in failed.reason


def test_validation_report_for_a_genuine_v1_token(world_fresh: World) -> None:
    token = decode_token(world_fresh.common.sign(v1_claims(TENANT)))
    signature = fetcher(world_fresh).verify(token)
    report = {c.name: c for c in validation_report(
        token, Expectations(audiences=("https://management.core.windows.net/",),
                            tenant=TENANT), time.time(), signature)}
    assert report["signature"].outcome is Outcome.PASSED
    assert report["iss"].outcome is Outcome.PASSED and "v1.0" in report["iss"].reason
    assert report["tid"].outcome is Outcome.PASSED
    # A v1 token whose iss is not Entra's for its tenant fails the default issuer check.
    other = decode_token(world_fresh.common.sign(v1_claims(
        TENANT, iss=f"https://login.microsoftonline.com/{TENANT}/v2.0")))
    checks = {c.name: c for c in validation_report(other, Expectations(), time.time())}
    assert checks["iss"].outcome is Outcome.FAILED


def test_expected_tenant_as_a_verified_domain(world_fresh: World) -> None:
    from entra_tui.core.verify import domain_tenant_ids

    token = decode_token(world_fresh.common.sign(v2_claims(TENANT)))
    unknown = {c.name: c for c in validation_report(token, Expectations(tenant=DOMAIN),
                                                    time.time())}
    assert unknown["tid"].outcome is Outcome.NOT_CHECKED and "domain" in unknown["tid"].reason
    known = domain_tenant_ids(DOMAIN, token, fetcher=fetcher(world_fresh))
    assert known == {DOMAIN: TENANT}
    assert world_fresh.entra.requests == [f"/{DOMAIN}/v2.0/.well-known/openid-configuration"]
    right = {c.name: c for c in validation_report(token, Expectations(tenant=DOMAIN),
                                                  time.time(), tenant_ids=known)}
    assert right["tid"].outcome is Outcome.PASSED
    stranger = decode_token(world_fresh.common.sign(v2_claims(OTHER)))
    wrong = {c.name: c for c in validation_report(stranger, Expectations(tenant=DOMAIN),
                                                  time.time(), tenant_ids=known)}
    assert wrong["tid"].outcome is Outcome.FAILED and TENANT in wrong["tid"].reason


def decode_cli(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "entra_tui", "decode", *args], input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_decode_verifies_a_genuine_v1_token_and_its_domain(world: World) -> None:
    token = world.common.sign(v1_claims(TENANT))
    done = decode_cli("--verify", "--authority", world.entra.origin, "--ca-bundle",
                      str(world.entra_ca), "--expect-tenant", DOMAIN, "-", stdin=token)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Signature: VERIFIED" in done.stdout
    assert f"issued by tenant {TENANT}, the tenant of {DOMAIN}" in done.stdout
    as_json = decode_cli("--verify", "--json", "--authority", world.entra.origin,
                         "--ca-bundle", str(world.entra_ca), "-",
                         stdin=world.common.sign(v2_claims(OTHER, iss=v1_issuer(OTHER))))
    assert as_json.returncode == 4
    assert json.loads(as_json.stdout)["signature"]["state"] == "failed"


async def test_tui_verifies_and_reports_a_genuine_v1_token(world: World, tmp_path: Path) -> None:
    """`v` and `V` in the app, for a v1 token of a profile whose authority is the local Entra."""
    from conftest import SIZE, text_of, wait_until

    from entra_tui.cli import build_app

    config = tmp_path / "profiles.toml"
    config.write_text(f'''[profiles.arm-reader]
tenant = "{DOMAIN}"
client_id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
flow = "client_secret"
secret = "env:ARM_READER_SECRET"
scopes = ["https://management.azure.com/.default"]
authority_host = "{world.entra.origin}"
ca_bundle = "{world.entra_ca}"

[profiles.arm-reader.expect]
tenant = "{DOMAIN}"
audiences = ["https://management.core.windows.net/"]
''')
    app, _ = build_app(config=config)
    async with app.run_test(size=SIZE) as pilot:
        entry = app.main.inspect(decode_token(world.common.sign(v1_claims(TENANT))),
                            "arm-reader from identity_provider", profile_name="arm-reader")
        await pilot.press("v")
        await wait_until(pilot, lambda: entry.verification is not None)
        assert entry.verification.state is SignatureState.VERIFIED, entry.verification.reason
        assert "Signature: verified" in text_of(app, "#summary")
        await pilot.press("V")
        await pilot.pause()
        outcomes = {c.name: c.outcome for c in app.screen.report}  # type: ignore[attr-defined]
        assert outcomes["iss"] is Outcome.PASSED and outcomes["tid"] is Outcome.PASSED
        assert outcomes["signature"] is Outcome.PASSED and outcomes["kind"] is Outcome.PASSED


def test_an_authority_of_another_cloud_is_not_asked(world_fresh: World) -> None:
    china = decode_token(world_fresh.common.sign(v1_claims(
        TENANT, iss=f"https://sts.chinacloudapi.cn/{TENANT}/")))
    result = KeyFetcher().verify(china, authority_host="https://login.microsoftonline.com")
    assert result.state is SignatureState.NOT_CHECKED and "china cloud" in result.reason
    # sts.windows.net is also the US Government cloud's v1 issuer: its authority is asked.
    gov = KeyFetcher(origins={"usgov": world_fresh.entra.origin})
    target, _ = gov.key_target(decode_token(world_fresh.common.sign(v1_claims(TENANT))),
                               "https://login.microsoftonline.us")
    assert target is not None and target.origin == "https://login.microsoftonline.us"


def test_rolled_over_keys_are_fetched_again(world_fresh: World) -> None:
    """Keys cached for the session; a kid not seen yet fetches them once more (rollover)."""
    keys = fetcher(world_fresh)
    old = decode_token(world_fresh.common.sign(v2_claims(OTHER)))
    assert keys.verify(old).state is SignatureState.VERIFIED
    path = f"/{OTHER}/discovery/v2.0/keys"
    saved = world_fresh.entra.routes[path]
    rolled = SigningKey("rolled-key-2")
    world_fresh.entra.routes[path] = json_reply({"keys": [
        world_fresh.common.jwk(V2_TEMPLATE), rolled.jwk(V2_TEMPLATE)]})
    try:
        result = keys.verify(decode_token(rolled.sign(v2_claims(OTHER))))
    finally:
        world_fresh.entra.routes[path] = saved
    assert result.state is SignatureState.VERIFIED, result.reason
    assert world_fresh.entra.requests.count(path) == 2
