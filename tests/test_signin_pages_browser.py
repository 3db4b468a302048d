"""The sandbox's sign-in pages in a real browser: headless Chromium from Debian (`chromium`,
`chromium-driver`) driven by Selenium, against the sandbox over HTTPS, with real MSAL on the
other end. Chromium trusts the sandbox's own certificate only, pinned by its public key
(`--ignore-certificate-errors-spki-list`), never all certificates.

Skipped, with the reason, only when Chromium, chromedriver or Selenium is missing (`.ci/run`
installs the browser). With ENTRA_TUI_SIGNIN_SCREENSHOTS=<folder> the run saves the pages as
PNG there (README: `screenshots/signin-*.png`, `screenshots/device-code-page.png`).
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import os
import queue
import shutil
import ssl
import tempfile
import threading
import webbrowser
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msal
import pytest
from test_signin_pages import (
    ADELE,
    BILLING,
    CLI_TOOL,
    CONTOSO,
    MEGAN,
    ORDERS,
    REPORTS,
    Visitor,
)

from entra_tui.sandbox import Sandbox

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
try:
    import selenium  # noqa: F401

    SELENIUM = True
except ImportError:
    SELENIUM = False

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER and SELENIUM),
    reason="browser tests need chromium and chromium-driver (apt-get install chromium "
           "chromium-driver) and selenium (pip install -e '.[test]'): "
           f"chromium={CHROMIUM or 'missing'}, chromedriver={CHROMEDRIVER or 'missing'}, "
           f"selenium={'present' if SELENIUM else 'missing'}")

SCREENSHOTS = os.environ.get("ENTRA_TUI_SIGNIN_SCREENSHOTS", "")
WAIT = 20


def spki_pin(sandbox: Sandbox) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)) of the certificate the sandbox serves."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    pem = ssl.get_server_certificate(sandbox.address)
    spki = x509.load_pem_x509_certificate(pem.encode()).public_key().public_bytes(
        Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


@pytest.fixture(scope="module")
def browser_sandbox() -> Iterator[Sandbox]:
    with Sandbox(sign_in="pages", device_poll_interval=1) as running:
        yield running


def launch(sandbox: Sandbox, profile: str) -> Any:
    """Headless Chromium in a new, empty profile that trusts this sandbox's certificate."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", "--window-size=900,1000",
                 f"--ignore-certificate-errors-spki-list={spki_pin(sandbox)}"):
        options.add_argument(flag)
    # The service names the executable, so Selenium's driver manager never downloads one.
    browser = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    browser.set_page_load_timeout(WAIT)
    return browser


@pytest.fixture(scope="module")
def driver(browser_sandbox: Sandbox) -> Iterator[Any]:
    profile = tempfile.mkdtemp(prefix="entra-tui-chromium-")
    browser = launch(browser_sandbox, profile)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def fresh(driver: Any, browser_sandbox: Sandbox) -> Any:
    """A browser with no sandbox session (cookies cleared on the sandbox's origin)."""
    driver.get(f"{browser_sandbox.base_url}/device")
    driver.delete_all_cookies()
    return driver


def screenshot(driver: Any, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        driver.set_window_size(900, 1400)  # then fit the window to the page, no scrollbar
        bottom, chrome = driver.execute_script(
            "return [Math.ceil(document.querySelector('footer').getBoundingClientRect()"
            ".bottom), window.outerHeight - window.innerHeight]")
        driver.set_window_size(900, int(bottom) + 48 + int(chrome))
        driver.save_screenshot(str(Path(SCREENSHOTS) / f"{name}.png"))


def wait_for(driver: Any, condition: Callable[[Any], Any]) -> Any:
    from selenium.common.exceptions import (
        JavascriptException,
        NoSuchElementException,
        StaleElementReferenceException,
    )
    from selenium.webdriver.support.ui import WebDriverWait

    # A page being replaced by the next one may answer with any of these for a moment.
    return WebDriverWait(driver, WAIT, ignored_exceptions=(
        NoSuchElementException, StaleElementReferenceException,
        JavascriptException)).until(condition)


def heading(driver: Any) -> str:
    """The page's h1, read in one script call (no element handle to go stale while the
    browser moves on to the next page)."""
    return str(driver.execute_script(
        "const h = document.querySelector('h1'); return h ? h.textContent.trim() : ''"))


def wait_heading(driver: Any, text: str) -> None:
    try:
        wait_for(driver, lambda d: heading(d) == text)
    except Exception:  # say where the browser is instead of a bare timeout
        print("The browser is at", driver.current_url, driver.page_source[:3000])
        raise


def click(driver: Any, label: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.XPATH, f"//button[normalize-space()='{label}']").click()


def type_into(driver: Any, field_id: str, text: str) -> None:
    from selenium.webdriver.common.by import By

    field = driver.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(text)


def assert_accessible(driver: Any) -> None:
    """What a screen reader and a keyboard user need from each page: a language, one h1,
    a label for every field, a name for every button, focus already in the form's field
    (not on consent's Accept: Enter must not accept unread permissions)."""
    problems = driver.execute_script("""
        const problems = [];
        if (!document.documentElement.lang) problems.push('no lang');
        if (document.querySelectorAll('h1').length !== 1) problems.push('not one h1');
        for (const field of document.querySelectorAll('input:not([type=hidden])'))
            if (field.labels.length === 0) problems.push('unlabelled ' + field.name);
        for (const button of document.querySelectorAll('button'))
            if (!button.textContent.trim()) problems.push('unnamed button');
        const field = document.querySelector('form input:not([type=hidden])');
        if (field && !document.activeElement.closest('form'))
            problems.push('focus not in the form');
        return problems;""")
    assert problems == [], problems


def pick(driver: Any, upn: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, f"input[value='{upn}']").click()
    click(driver, "Next")


def pick_and_sign_in(driver: Any, user: Any) -> None:
    """The account picker, then the password page, with the mouse."""
    wait_heading(driver, "Pick an account")
    pick(driver, user.upn)
    wait_heading(driver, "Enter password")
    type_into(driver, "password", user.password)
    click(driver, "Sign in")


def system_browser(monkeypatch: pytest.MonkeyPatch) -> queue.Queue[str]:
    """Be the system browser that `webbrowser.open` (MSAL's way) launches: the URLs it is
    asked to open arrive in the queue, for the test to open in Chromium."""
    urls: queue.Queue[str] = queue.Queue()

    class Hand(webbrowser.BaseBrowser):
        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            urls.put(url)
            return True

    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    monkeypatch.delenv("BROWSER", raising=False)
    webbrowser.register("selenium-chromium", None, Hand("selenium-chromium"), preferred=True)
    return urls


class InteractiveSignIn:
    """MSAL's own `acquire_token_interactive` in a thread; the "system browser" it opens is a
    webbrowser controller that hands the URL to the test, which opens it in Chromium."""

    def __init__(self, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
        self.urls = system_browser(monkeypatch)
        self.result: dict[str, Any] = {}
        self.app = msal.PublicClientApplication(
            CLI_TOOL.client_id, authority=f"{sandbox.base_url}/{CONTOSO.tenant_id}",
            http_client=Visitor(sandbox).session, instance_discovery=False)

    def start(self, scopes: list[str], **kwargs: Any) -> str:
        def run() -> None:
            self.result.update(self.app.acquire_token_interactive(scopes, timeout=60,
                                                                  **kwargs))

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        return self.urls.get(timeout=WAIT)

    def finish(self) -> dict[str, Any]:
        self.thread.join(timeout=WAIT)
        assert not self.thread.is_alive(), "MSAL never got the sign-in's answer"
        return self.result


def claims(token: str) -> dict[str, Any]:
    import json

    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


def test_interactive_sign_in_with_account_picker_and_consent(
        fresh: Any, browser_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    driver = fresh
    sign_in = InteractiveSignIn(browser_sandbox, monkeypatch)
    driver.get(sign_in.start([BILLING], login_hint=ADELE.upn))
    wait_heading(driver, "Pick an account")
    from selenium.webdriver.common.by import By

    hinted = driver.find_element(By.CSS_SELECTOR, f"input[value='{ADELE.upn}']")
    assert hinted.is_selected()  # login_hint pre-selects
    assert driver.switch_to.active_element == hinted  # and has the focus
    assert "Contoso" in driver.page_source and CLI_TOOL.name in driver.page_source
    screenshot(driver, "signin-account")
    assert_accessible(driver)
    click(driver, "Next")
    wait_heading(driver, "Enter password")
    screenshot(driver, "signin-password")
    assert_accessible(driver)
    type_into(driver, "password", ADELE.password)
    click(driver, "Sign in")
    wait_heading(driver, "Permissions requested")
    assert "Read your billing data in the Contoso Billing API" in driver.page_source
    screenshot(driver, "signin-consent")
    assert_accessible(driver)
    click(driver, "Accept")  # then the form_post page submits itself to MSAL's listener
    result = sign_in.finish()
    assert "access_token" in result, result
    assert claims(result["access_token"])["scp"] == "Billing.Read"
    assert result["id_token_claims"]["preferred_username"] == ADELE.upn


def test_mfa_user_signs_in_with_the_keyboard_only(
        fresh: Any, browser_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tab, arrows, typing and Enter; no mouse. Megan needs MFA (ROPC gets AADSTS50076)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver = fresh
    sign_in = InteractiveSignIn(browser_sandbox, monkeypatch)
    driver.get(sign_in.start([ORDERS]))
    wait_heading(driver, "Pick an account")
    keys = ActionChains(driver)
    keys.send_keys(Keys.ARROW_DOWN).send_keys(Keys.ENTER).perform()  # next account, submit
    wait_heading(driver, "Enter password")
    assert MEGAN.upn in driver.page_source
    ActionChains(driver).send_keys("wrong" + Keys.ENTER).perform()  # focus is in the field
    wait_for(driver, lambda d: "incorrect" in d.page_source)
    ActionChains(driver).send_keys(MEGAN.password + Keys.ENTER).perform()
    wait_heading(driver, "Verify your identity")
    screenshot(driver, "signin-mfa")
    assert_accessible(driver)
    ActionChains(driver).send_keys(browser_sandbox.mfa_code + Keys.ENTER).perform()
    result = sign_in.finish()  # Orders.Read is consented tenant-wide: no consent page
    assert "access_token" in result, result
    assert result["id_token_claims"]["preferred_username"] == MEGAN.upn


def test_declined_consent_reaches_msal_as_access_denied(
        fresh: Any, browser_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    driver = fresh
    sign_in = InteractiveSignIn(browser_sandbox, monkeypatch)
    driver.get(sign_in.start([REPORTS], login_hint=ADELE.upn))
    wait_heading(driver, "Pick an account")
    click(driver, "Next")
    wait_heading(driver, "Enter password")
    type_into(driver, "password", ADELE.password)
    click(driver, "Sign in")
    wait_heading(driver, "Permissions requested")
    click(driver, "Cancel")
    result = sign_in.finish()
    assert result.get("error") == "access_denied", result
    assert "AADSTS65004" in result.get("error_description", "")


def test_device_code_through_the_page(fresh: Any, browser_sandbox: Sandbox) -> None:
    driver = fresh
    app = msal.PublicClientApplication(
        CLI_TOOL.client_id, authority=f"{browser_sandbox.base_url}/{CONTOSO.tenant_id}",
        http_client=Visitor(browser_sandbox).session, instance_discovery=False)
    flow = app.initiate_device_flow([ORDERS])
    driver.get(flow["verification_uri"])
    wait_heading(driver, "Enter code")
    type_into(driver, "code", flow["user_code"])
    screenshot(driver, "device-code-page")
    type_into(driver, "code", "WRONGCODE")
    click(driver, "Next")
    wait_for(driver, lambda d: "recognised" in d.page_source)
    screenshot(driver, "signin-device-wrong-code")
    assert_accessible(driver)
    type_into(driver, "code", flow["user_code"])
    click(driver, "Next")
    wait_heading(driver, "Confirm the app")
    click(driver, "Continue")
    pick_and_sign_in(driver, ADELE)
    wait_heading(driver, "You're signed in")
    assert "You may now close this window." in driver.page_source
    screenshot(driver, "signin-device-done")
    result = app.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result
    assert result["id_token_claims"]["preferred_username"] == ADELE.upn


class Attacker(http.server.BaseHTTPRequestHandler):
    """Another web site the person has open: a form that posts to the sandbox's sign-in."""

    page = b""

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(self.page)))
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """quiet"""


def test_cross_origin_post_is_refused(fresh: Any, browser_sandbox: Sandbox) -> None:
    """Even knowing the sign-in's id and token (the worst case), a form on another origin
    cannot advance the person's sign-in: the sandbox checks Origin, and SameSite keeps the
    browser's cookie off the cross-site post."""
    from selenium.webdriver.common.by import By

    driver = fresh
    driver.get(f"{browser_sandbox.base_url}/{CONTOSO.tenant_id}/oauth2/v2.0/authorize?"
               f"client_id={CLI_TOOL.client_id}&response_type=code&redirect_uri="
               f"http://localhost:9&scope=openid&state=s")
    wait_heading(driver, "Pick an account")
    flow = driver.find_element(By.NAME, "flow").get_attribute("value")
    csrf = driver.find_element(By.NAME, "csrf").get_attribute("value")
    Attacker.page = (
        f'<!doctype html><title>Win a prize</title><form method="post" '
        f'action="{browser_sandbox.base_url}/signin"><input name="flow" value="{flow}">'
        f'<input name="csrf" value="{csrf}"><input name="action" value="pick">'
        f'<input name="account" value="{ADELE.upn}"><button id="go">Claim</button>'
        "</form>").encode()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        driver.get(f"http://127.0.0.1:{server.server_address[1]}/")
        driver.find_element(By.ID, "go").click()
        wait_heading(driver, "Request refused")
        assert "another web site" in driver.page_source
    finally:
        server.shutdown()
        server.server_close()


async def test_the_tui_demo_shows_the_token_after_the_pages(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The issue's "done": in the demo (with its sign-in pages), `a` on the interactive
    profile opens the browser; Megan picks her account, types her password and the MFA code
    the profile shows; the TUI shows her token."""
    import asyncio
    import re

    from conftest import SIZE, text_of, wait_until

    from entra_tui.cli import build_app
    from entra_tui.ui.widgets.profile_list import ProfileList

    urls = system_browser(monkeypatch)
    app, environment = build_app(demo=True, demo_sign_in="pages")
    assert environment is not None
    browser = None
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: app.current is not None)
            await asyncio.to_thread(environment.sandbox.wait_ready)
            browser = await asyncio.to_thread(launch, environment.sandbox, str(tmp_path))
            app.query_one(ProfileList).highlight_profile("contoso-ops-browser")
            await pilot.pause()
            shown = text_of(app, "#profile-details")
            code = re.search(r"MFA code: (\d{6})", shown)
            assert code, shown
            await pilot.press("a")
            url = await asyncio.to_thread(urls.get, True, WAIT)

            def person() -> None:
                browser.get(url)
                pick_and_sign_in(browser, MEGAN)
                wait_heading(browser, "Verify your identity")
                type_into(browser, "otc", code.group(1))
                click(browser, "Verify")

            await asyncio.to_thread(person)
            await wait_until(pilot, lambda: "contoso-ops-browser" in app.tokens, timeout=WAIT)
            attempt = app.attempts["contoso-ops-browser"]
            assert attempt.ok and attempt.account == MEGAN.upn, attempt.error
    finally:
        if browser is not None:
            browser.quit()
        environment.stop()
