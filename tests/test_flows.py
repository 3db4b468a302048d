"""Every flow through the session manager: real MSAL over real HTTPS to the sandbox."""

from __future__ import annotations

import stat
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from conftest import (
    BILLING,
    CLI_TOOL,
    CONTOSO,
    DEPLOY_BOT,
    LEGACY_JOB,
    ORDERS_API,
    sandbox_profile,
)

from entra_tui.core.errors import CredentialError
from entra_tui.core.profiles import Profile
from entra_tui.core.results import AcquireResult, FailureKind
from entra_tui.core.session import DeviceCodePrompt, SessionManager
from entra_tui.core.token import decode_token
from entra_tui.sandbox import Sandbox
from entra_tui.sandbox.directory import TENANTS
from entra_tui.sandbox.runner import PFX_PASSWORD

ADELE, MEGAN = CONTOSO.users
# A "browser": returns at once like a launcher, then submits the sign-in page's form_post
# form to MSAL's loopback listener, as a browser running the page's script would.
BROWSER_SCRIPT = """#!{python}
import html, os, re, sys, requests
if os.fork():
    sys.exit(0)
page = requests.get(sys.argv[1], verify={ca!r}, timeout=20).text
action = html.unescape(re.search(r'action="([^"]+)"', page).group(1))
fields = dict((html.unescape(k), html.unescape(v))
              for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', page))
requests.post(action, data=fields, timeout=20)
"""


def claims_of(result: object) -> dict[str, object]:
    return decode_token(result.access_token or "").claims  # type: ignore[attr-defined]


def cert_profile(sandbox: Sandbox, tmp_path: Path, **changes: object) -> Profile:
    values: dict[str, object] = {"client_id": BILLING.client_id, "flow": "client_certificate",
                                 "secret": None,
                                 "certificate": str(sandbox.certificate_path(BILLING.slug))}
    values.update(changes)
    return sandbox_profile(sandbox, tmp_path, **values)


def user_profile(sandbox: Sandbox, tmp_path: Path, flow: str, **changes: object) -> Profile:
    values: dict[str, object] = {"client_id": CLI_TOOL.client_id, "flow": flow, "secret": None,
                                 "scopes": ("api://contoso-orders/Orders.Read",)}
    values.update(changes)
    return sandbox_profile(sandbox, tmp_path, **values)


def test_certificate_sending_x5c_uses_ps256(sandbox: Sandbox, tmp_path: Path) -> None:
    result = SessionManager().acquire(cert_profile(sandbox, tmp_path,
                                                   send_certificate_chain=True))
    assert result.ok, result.error
    assert claims_of(result)["azpacr"] == "2"


def test_pfx_certificate_with_password_reference(sandbox: Sandbox, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PFX_PASSWORD", PFX_PASSWORD)
    profile = cert_profile(sandbox, tmp_path, certificate=str(sandbox.pfx_path(BILLING.slug)),
                           certificate_password="env:PFX_PASSWORD")
    assert SessionManager().acquire(profile).ok
    monkeypatch.setenv("PFX_PASSWORD", "wrong")
    failed = SessionManager().acquire(profile)
    assert failed.error is not None and failed.error.kind is FailureKind.CONFIGURATION
    assert "wrong certificate_password" in failed.error.summary
    assert "wrong" not in failed.error.summary.replace("wrong certificate_password", "")


def test_federated_assertion_from_file(sandbox: Sandbox, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    profile = sandbox_profile(sandbox, tmp_path, client_id=DEPLOY_BOT.client_id,
                              flow="federated", secret=None)
    monkeypatch.setenv("AZURE_FEDERATED_TOKEN_FILE", str(sandbox.workload_token_path))
    result = SessionManager().acquire(profile)
    assert result.ok, result.error
    assert claims_of(result)["azp"] == DEPLOY_BOT.client_id
    assert claims_of(result)["roles"] == ["Orders.Read.All"]


@pytest.mark.parametrize(("mint", "code"), [
    ({"lifetime": -600}, 700024),
    ({"subject": "system:serviceaccount:other:intruder"}, 70021),
    ({"audience": "api://something-else"}, 700212),
])
def test_federated_trust_is_checked(sandbox: Sandbox, tmp_path: Path, mint: dict[str, object],
                                    code: int) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(sandbox.mint_workload_token(**mint))  # type: ignore[arg-type]
    profile = sandbox_profile(sandbox, tmp_path, client_id=DEPLOY_BOT.client_id,
                              flow="federated", secret=None,
                              federated_token_file=str(token_file))
    result = SessionManager().acquire(profile)
    assert result.error is not None and result.error.code == code


def test_expired_secret_is_7000222(sandbox: Sandbox, tmp_path: Path) -> None:
    secret = tmp_path / "legacy"
    secret.write_text(LEGACY_JOB.expired_secret or "")
    result = SessionManager().acquire(sandbox_profile(
        sandbox, tmp_path, client_id=LEGACY_JOB.client_id, secret=f"file:{secret}"))
    assert result.error is not None and result.error.code == 7000222
    assert result.error.help is not None and "expired" in result.error.help.meaning


def test_device_code_then_cache_then_refresh_then_sign_out(sandbox: Sandbox,
                                                           tmp_path: Path) -> None:
    manager = SessionManager()
    profile = user_profile(sandbox, tmp_path, "device_code")
    prompts: list[DeviceCodePrompt] = []

    def approve(prompt: DeviceCodePrompt) -> None:
        prompts.append(prompt)
        requests.post(prompt.verification_uri, data={"code": prompt.user_code},
                      verify=str(sandbox.ca_path), timeout=10)

    first = manager.acquire(profile, on_device_code=approve)
    assert first.ok, first.error
    assert prompts and prompts[0].verification_uri.endswith("/device")
    assert first.account == ADELE.upn and first.id_token
    assert claims_of(first)["scp"] == "Orders.Read"
    assert manager.acquire(profile).source == "cache"
    refreshed = manager.acquire(profile, force_refresh=True)
    assert refreshed.source == "refresh token"
    assert refreshed.access_token != first.access_token
    assert manager.sign_out(profile) > 0
    again: list[DeviceCodePrompt] = []
    cancel = threading.Event()

    def shown_then_cancelled(prompt: DeviceCodePrompt) -> None:
        again.append(prompt)
        cancel.set()

    cancelled = manager.acquire(profile, on_device_code=shown_then_cancelled, cancel=cancel)
    assert again, "after sign-out the user must sign in again"
    assert cancelled.error is not None and cancelled.error.kind is FailureKind.CANCELLED


def test_device_code_cancel_stops_the_worker(sandbox: Sandbox, tmp_path: Path) -> None:
    cancel = threading.Event()
    outcome: list[object] = []
    worker = threading.Thread(target=lambda: outcome.append(SessionManager().acquire(
        user_profile(sandbox, tmp_path, "device_code"),
        on_device_code=lambda _: cancel.set(), cancel=cancel)))
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert outcome[0].error.kind is FailureKind.CANCELLED  # type: ignore[attr-defined]


def test_device_code_without_consent_is_65001(sandbox: Sandbox, tmp_path: Path) -> None:
    result = SessionManager().acquire(
        user_profile(sandbox, tmp_path, "device_code",
                     scopes=("api://contoso-billing/Billing.Read",)),
        on_device_code=lambda _: None)
    assert result.error is not None and result.error.code == 65001


def test_interactive_browser_with_pkce(sandbox: Sandbox, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The "browser" is a script named by BROWSER: it follows the sandbox's redirect to
    MSAL's loopback listener, as a real browser would."""
    browser = tmp_path / "browser"
    browser.write_text(BROWSER_SCRIPT.format(python=sys.executable, ca=str(sandbox.ca_path)))
    browser.chmod(0o700)
    monkeypatch.setenv("BROWSER", str(browser))
    import webbrowser

    monkeypatch.setattr(webbrowser, "_tryorder", None)  # re-read BROWSER
    result = SessionManager().acquire(user_profile(sandbox, tmp_path, "interactive"))
    assert result.ok, result.error
    assert result.account == ADELE.upn
    assert claims_of(result)["scp"] == "Orders.Read"


def test_username_password(sandbox: Sandbox, tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADELE_PASSWORD", ADELE.password)
    profile = user_profile(sandbox, tmp_path, "username_password", username=ADELE.upn,
                           password="env:ADELE_PASSWORD")
    result = SessionManager().acquire(profile)
    assert result.ok, result.error
    assert claims_of(result)["preferred_username"] == ADELE.upn
    monkeypatch.setenv("ADELE_PASSWORD", "wrong")
    assert SessionManager().acquire(profile).error.code == 50126  # type: ignore[union-attr]
    monkeypatch.setenv("MEGAN_PASSWORD", MEGAN.password)
    mfa = SessionManager().acquire(replace(profile, username=MEGAN.upn,
                                           password="env:MEGAN_PASSWORD"))
    assert mfa.error is not None and mfa.error.code == 50076


def adele_signs_in(sandbox: Sandbox, tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> AcquireResult:
    """Adele's token from the public CLI app (username/password)."""
    monkeypatch.setenv("ADELE_PASSWORD", ADELE.password)
    return SessionManager().acquire(user_profile(sandbox, tmp_path, "username_password",
                                                 username=ADELE.upn,
                                                 password="env:ADELE_PASSWORD"))


def test_on_behalf_of_exchanges_a_user_token(sandbox: Sandbox, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    user = adele_signs_in(sandbox, tmp_path, monkeypatch)
    secret = tmp_path / "orders-api"
    secret.write_text(ORDERS_API.secret or "")
    obo = sandbox_profile(sandbox, tmp_path, client_id=ORDERS_API.client_id,
                          flow="on_behalf_of", secret=f"file:{secret}",
                          assertion_profile="adele", scopes=("api://contoso-billing/Billing.Read",))
    manager = SessionManager()
    missing = manager.acquire(obo)
    assert missing.error is not None and "acquire one with profile 'adele'" in missing.error.summary
    result = manager.acquire(obo, user_assertion=user.access_token)
    assert result.ok, result.error
    claims = claims_of(result)
    assert claims["aud"] == CONTOSO.apis[1].client_id and claims["scp"] == "Billing.Read"
    assert claims["preferred_username"] == ADELE.upn
    # azpacr is how the client authenticated: the public CLI app "0", the API's secret "1".
    assert claims_of(user)["azpacr"] == "0" and claims["azpacr"] == "1"
    assert claims["azp"] == ORDERS_API.client_id
    wrong_audience = manager.acquire(obo, user_assertion=result.access_token,
                                     force_refresh=True)
    assert wrong_audience.error is not None and wrong_audience.error.code == 50013


def test_managed_identity_app_service_endpoint(sandbox: Sandbox, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_ENDPOINT", sandbox.identity_endpoint)
    monkeypatch.setenv("IDENTITY_HEADER", sandbox.identity_header)
    profile = sandbox_profile(sandbox, tmp_path, flow="managed_identity", client_id="",
                              secret=None, tenant="managed-identity")
    manager = SessionManager()
    result = manager.acquire(profile)
    assert result.ok, result.error
    assert claims_of(result)["roles"] == ["Orders.Read.All"]
    assert manager.acquire(profile).source == "cache"
    assert manager.acquire(profile, force_refresh=True).source == "identity provider"
    monkeypatch.setenv("IDENTITY_HEADER", "forged")
    assert not SessionManager().acquire(profile).ok



def test_a_managed_identity_failure_names_the_endpoint_asked(
        sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The token comes from the host's identity endpoint, not from Entra: an endpoint that
    answers a web page is named as such (it was blamed on login.microsoftonline.com)."""
    from entra_tui.core.failures import managed_identity_failure

    page = f"{sandbox.base_url}/device"  # answers HTML, not a token
    monkeypatch.setenv("IDENTITY_ENDPOINT", page)
    monkeypatch.setenv("IDENTITY_HEADER", sandbox.identity_header)
    profile = sandbox_profile(sandbox, tmp_path, flow="managed_identity", client_id="",
                              secret=None, tenant="managed-identity")
    result = SessionManager().acquire(profile)
    assert result.error is not None
    assert page in result.error.summary and "login.microsoftonline" not in result.error.summary
    monkeypatch.delenv("IDENTITY_ENDPOINT")
    monkeypatch.delenv("MSI_ENDPOINT", raising=False)
    import json

    off_azure = managed_identity_failure(json.JSONDecodeError("Expecting value", "Forbidden", 0))
    assert "169.254.169.254" in off_azure.summary
    assert off_azure.hint is not None and "IDENTITY_ENDPOINT" in off_azure.hint

def test_persistent_cache_survives_a_new_manager_and_is_private(
        sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENTRA_TUI_CACHE_DIR", str(tmp_path / "cache"))
    profile = sandbox_profile(sandbox, tmp_path, token_cache="persistent",
                              allow_unencrypted_cache=True)
    first = SessionManager().acquire(profile)
    second = SessionManager().acquire(profile)  # another "app instance"
    assert (first.source, second.source) == ("identity provider", "cache")
    assert second.access_token == first.access_token
    files = list((tmp_path / "cache").glob("*.msal-cache"))
    assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert SessionManager().sign_out(profile) > 0
    assert SessionManager().acquire(profile).source == "identity provider"


def test_unencrypted_persistence_is_refused_without_opt_in(
        sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENTRA_TUI_CACHE_DIR", str(tmp_path / "cache"))
    try:
        import gi  # noqa: F401  # libsecret present: encryption works, nothing to refuse
        pytest.skip("this machine can encrypt the cache")
    except ImportError:
        pass
    result = SessionManager().acquire(sandbox_profile(sandbox, tmp_path,
                                                      token_cache="persistent"))
    assert result.error is not None and result.error.kind is FailureKind.CONFIGURATION
    assert "allow_unencrypted_cache = true" in result.error.summary
    assert not list((tmp_path / "cache").glob("*.msal-cache"))


def test_certificate_errors_name_the_file_not_the_key(tmp_path: Path) -> None:
    from entra_tui.core.certificates import load_certificate_credential

    with pytest.raises(CredentialError, match="does not exist"):
        load_certificate_credential(str(tmp_path / "absent.pem"))
    (tmp_path / "nokey.pem").write_text("hello")
    with pytest.raises(CredentialError, match="no PEM private key"):
        load_certificate_credential(str(tmp_path / "nokey.pem"))


def test_device_code_expiry_is_70019(tmp_path: Path) -> None:
    with Sandbox(device_poll_interval=1) as short_lived:
        short_lived._device_codes.lifetime = 1
        started = time.time()
        result = SessionManager().acquire(user_profile(short_lived, tmp_path, "device_code"),
                                          on_device_code=lambda _: None)
        assert time.time() - started < 30
        assert result.error is not None
        assert result.error.code in (70019, None)  # MSAL may stop polling at expires_at itself


def test_interactive_cancel_ends_the_wait_at_once(sandbox: Sandbox, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """No browser ever answers; cancelling must not wait for MSAL's timeout."""
    monkeypatch.setenv("BROWSER", "/bin/true")
    import webbrowser

    monkeypatch.setattr(webbrowser, "_tryorder", None)
    cancel = threading.Event()
    outcome: list[object] = []
    worker = threading.Thread(target=lambda: outcome.append(SessionManager().acquire(
        user_profile(sandbox, tmp_path, "interactive"), cancel=cancel)))
    worker.start()
    time.sleep(1.0)
    cancel.set()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert outcome[0].error is not None  # type: ignore[attr-defined]
    assert outcome[0].error.kind is FailureKind.CANCELLED  # type: ignore[attr-defined]


def test_a_cache_file_readable_by_others_is_tightened_with_a_warning(
        sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENTRA_TUI_CACHE_DIR", str(tmp_path / "cache"))
    profile = sandbox_profile(sandbox, tmp_path, token_cache="persistent",
                              allow_unencrypted_cache=True)
    (tmp_path / "orders-sync.secret").chmod(0o600)
    assert SessionManager().acquire(profile).warnings == ()
    [cache] = (tmp_path / "cache").glob("*.msal-cache")
    cache.chmod(0o644)
    result = SessionManager().acquire(profile)
    assert result.source == "cache"
    assert any("readable by other users" in w and str(cache) in w for w in result.warnings)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert SessionManager().acquire(profile).warnings == ()


@pytest.mark.parametrize("tenant", TENANTS, ids=[t.slug for t in TENANTS])
def test_user_tokens_carry_their_own_tenant(sandbox: Sandbox, tenant: object) -> None:
    """Access and ID tokens for a user say the user's tenant in `tid` and `iss` (each tenant's
    confidential client signs its own user in, over HTTPS: "1" for the secret it sent)."""
    client = next(c for c in tenant.clients if c.secret)  # type: ignore[attr-defined]
    user = tenant.users[0]  # type: ignore[attr-defined]
    tid = tenant.tenant_id  # type: ignore[attr-defined]
    answer = requests.post(
        f"{sandbox.base_url}/{tenant.domain}/oauth2/v2.0/token",  # type: ignore[attr-defined]
        data={"grant_type": "password", "client_id": client.client_id,
              "client_secret": client.secret, "username": user.upn,
              "password": user.password, "scope": "openid profile email"},
        verify=str(sandbox.ca_path), timeout=20)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    access, id_token = (decode_token(body[k]).claims for k in ("access_token", "id_token"))
    for claims in (access, id_token):
        assert claims["tid"] == tid
        # v1 tokens (Microsoft's own APIs, e.g. Graph) name the tenant without /v2.0
        suffix = "/v2.0" if claims.get("ver") != "1.0" else "/"
        assert claims["iss"] == f"{sandbox.base_url}/{tid}{suffix}"
        assert user.upn in (claims.get("preferred_username"), claims.get("upn"))
    assert access.get("azpacr", access.get("appidacr")) == "1"  # v2 / v1 name for it
    assert id_token["aud"] == client.client_id


def test_user_tokens_from_msal_carry_the_tenant(sandbox: Sandbox, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    result = adele_signs_in(sandbox, tmp_path, monkeypatch)
    assert result.ok and result.id_token
    for token in (result.access_token, result.id_token):
        claims = decode_token(token or "").claims
        suffix = "/v2.0" if claims.get("ver") != "1.0" else "/"
        assert claims["tid"] == CONTOSO.tenant_id
        assert claims["iss"] == f"{sandbox.base_url}/{CONTOSO.tenant_id}{suffix}"


def test_a_user_token_for_a_certificate_client_says_azpacr_2(sandbox: Sandbox) -> None:
    """A confidential client that proves itself with a certificate: "2" (v1: appidacr)."""
    from entra_tui.core.certificates import client_assertion, load_certificate_credential

    endpoint = f"{sandbox.base_url}/{CONTOSO.tenant_id}/oauth2/v2.0/token"
    credential = load_certificate_credential(str(sandbox.certificate_path(BILLING.slug)))
    answer = requests.post(endpoint, data={
        "grant_type": "password", "client_id": BILLING.client_id, "username": ADELE.upn,
        "password": ADELE.password, "scope": "openid profile email",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": client_assertion(credential, audience=endpoint,
                                             client_id=BILLING.client_id)},
        verify=str(sandbox.ca_path), timeout=20)
    assert answer.status_code == 200, answer.text
    access = decode_token(answer.json()["access_token"]).claims
    assert access.get("azpacr", access.get("appidacr")) == "2"
