"""A browser sign-in where no browser can be opened (headless, SSH): the URL reaches the
user (session callback, TUI notification, `c` copies it, `entra-tui token` on stderr),
and the sign-in completes once it is opened elsewhere. Real MSAL, real sandbox."""

from __future__ import annotations

import html
import re
import threading
import webbrowser
from pathlib import Path

import pytest
import requests
from conftest import CLI_TOOL, SIZE, FakeClock, sandbox_profile, wait_until

from entra_tui.core.session import SessionManager
from entra_tui.sandbox import Sandbox
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.widgets.profile_list import ProfileList


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """BROWSER names a program that does not exist: Python's webbrowser cannot open one."""
    monkeypatch.setenv("BROWSER", str(tmp_path / "no-such-browser"))
    monkeypatch.setattr(webbrowser, "_tryorder", None)  # re-read BROWSER


def open_elsewhere(url: str, ca: str) -> None:
    """What the user does on another machine: load the sign-in page and let it post the
    answer to MSAL's loopback listener (as the page's script would)."""
    page = requests.get(url, verify=ca, timeout=20).text
    action = html.unescape(re.search(r'action="([^"]+)"', page).group(1))  # type: ignore[union-attr]
    fields = {html.unescape(k): html.unescape(v)
              for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', page)}
    requests.post(action, data=fields, timeout=20)


def test_session_hands_over_the_url_when_no_browser_opens(sandbox: Sandbox, tmp_path: Path,
                                                          no_browser: None) -> None:
    profile = sandbox_profile(sandbox, tmp_path, client_id=CLI_TOOL.client_id,
                              flow="interactive", secret=None,
                              scopes=("api://contoso-orders/Orders.Read",))
    shown: list[str] = []

    def show(url: str) -> None:
        shown.append(url)
        threading.Thread(target=open_elsewhere, args=(url, str(sandbox.ca_path)),
                         daemon=True).start()

    result = SessionManager().acquire(profile, on_sign_in_url=show)
    assert result.ok, result.error
    [url] = shown
    assert url.startswith(f"{sandbox.base_url}/") and "code_challenge=" in url


async def test_tui_shows_the_url_and_c_copies_it(demo: tuple[EntraTuiApp, FakeClock],
                                                 no_browser: None) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        app.query_one(ProfileList).highlight_profile("contoso-ops-browser")
        await pilot.pause()
        await pilot.press("a")
        await wait_until(pilot, lambda: "contoso-ops-browser" in app.sign_in_urls)
        url = app.sign_in_urls["contoso-ops-browser"]
        notes = [n.message for n in app._notifications if url in n.message]
        assert notes and "No browser could be opened" in notes[0]
        await pilot.press("c")
        assert app.clipboard == url
        profile = app.profile_set.get("contoso-ops-browser")  # type: ignore[union-attr]
        threading.Thread(target=open_elsewhere, args=(url, profile.ca_bundle),
                         daemon=True).start()
        await wait_until(pilot, lambda: "contoso-ops-browser" in app.attempts
                         and "contoso-ops-browser" not in app.working)
        assert app.attempts["contoso-ops-browser"].ok
        assert "contoso-ops-browser" not in app.sign_in_urls
        assert not [n for n in app._notifications if url in n.message]
        await pilot.press("c")  # the access token again, not the spent URL
        assert app.clipboard == app.tokens["contoso-ops-browser"].access_token


def test_token_command_prints_the_url_on_stderr(sandbox: Sandbox, tmp_path: Path,
                                                no_browser: None) -> None:
    import io

    from entra_tui.commands.token import run_token
    from entra_tui.demo import demo_profiles_toml

    config = tmp_path / "profiles.toml"
    config.write_text(demo_profiles_toml(sandbox).replace(
        '"file:secrets/', f'"file:{sandbox.state_dir}/secrets/'))

    class Terminal(io.StringIO):
        """stderr, read by a user who opens the URL it shows on another machine."""

        def write(self, text: str) -> int:
            found = re.search(r"^https://\S+$", text, re.MULTILINE)
            if found:
                threading.Thread(target=open_elsewhere, args=(found.group(0),
                                 str(sandbox.ca_path)), daemon=True).start()
            return super().write(text)

    err, out = Terminal(), io.StringIO()
    code = run_token("contoso-ops-browser", config=config, as_json=False, copy=False,
                     scopes=[], from_env=False, stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    assert "no browser could be opened" in err.getvalue()
    assert out.getvalue().count(".") == 2
