"""The main screen owns its keys: token keys dimmed while there is no token, none under a
dialog, and the state it shows carried by reactives."""

from __future__ import annotations

from conftest import SIZE, FakeClock, acquire, wait_until

from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.commands import MainScreenCommands
from entra_tui.ui.screens.help import HelpScreen
from entra_tui.ui.screens.main import MainScreen


def footer_state(app: EntraTuiApp, action: str) -> bool | None:
    return app.main.check_action(action, ())


async def test_token_keys_are_dimmed_until_there_is_a_token(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        assert isinstance(app.screen, MainScreen)
        for action in MainScreen.TOKEN_ACTIONS:
            assert footer_state(app, action) is None, action  # None: shown dimmed
        assert footer_state(app, "acquire") is True
        await acquire(pilot, app)
        assert app.viewing is not None
        assert all(footer_state(app, action) is True for action in MainScreen.TOKEN_ACTIONS)
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        # Under a dialog the main keys are out of the chain and off the footer.
        assert footer_state(app, "acquire") is False and footer_state(app, "quit") is False


async def test_presentation_is_a_reactive_that_redraws_the_shown_token(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        await acquire(pilot, app)
        app.main.presentation = True
        await pilot.pause()
        assert app.title == "entra-tui · presentation mode"
        app.main.presentation = False
        await pilot.pause()
        assert app.title == "entra-tui"


async def test_ui_keymap_remaps_keys(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    """[ui.keymap] in the profile file: binding id -> key(s), applied with update_keymap."""
    app, _ = demo
    assert app.profile_set is not None
    path = app.profile_set.path
    path.write_text(path.read_text() + '\n[ui.keymap]\ntoken.acquire = "g"\n')
    from entra_tui.core.profiles import load_profiles

    remapped = EntraTuiApp(profiles=load_profiles(path), session=app.session, clock=app.clock,
                           on_first_frame=app._on_first_frame)  # starts the sandbox
    async with remapped.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: remapped.current is not None)
        name = remapped.current.name  # type: ignore[union-attr]
        await pilot.press("a")  # no longer Acquire
        await pilot.pause()
        assert name not in remapped.attempts and name not in remapped.working
        await pilot.press("g")
        await wait_until(pilot, lambda: name in remapped.attempts)
        assert remapped.attempts[name].ok
        titles = [str(hit.text) async for hit in MainScreenCommands(remapped.screen).discover()]
        assert "Acquire (g)" in titles  # the palette names the user's key
