"""Presentation mode hides people's names too, and the raw view asks before it shows the
encoded token (which decodes to everything the mode hides)."""

from __future__ import annotations

from test_token import IAT, make
from textual.app import App
from textual.widgets import Static

from entra_tui.core.masking import HIDDEN_NAME, Masker
from entra_tui.core.token import decode_token
from entra_tui.ui.screens.confirm import Confirm
from entra_tui.ui.screens.raw_view import RawView

CLAIMS = {"aud": "api://orders", "iat": IAT, "exp": IAT + 3600, "name": "José Álvarez",
          "given_name": "José", "family_name": "Álvarez", "upn": "jose@contoso.com",
          "oid": "0f1e2d3c-aaaa-bbbb-cccc-000000000001"}


def test_display_names_are_masked_as_whole_words() -> None:
    masker = Masker(CLAIMS)
    assert masker.apply("José Álvarez") == HIDDEN_NAME
    assert masker.apply("José") == HIDDEN_NAME and masker.apply("Álvarez") == HIDDEN_NAME
    assert masker.apply("acts for José Álvarez (José)") == f"acts for {HIDDEN_NAME} ({HIDDEN_NAME})"
    # JSON's escaped spelling (the raw view) is hidden too; words that merely contain a name
    # stay (a short given name must not eat the rest of the screen).
    assert masker.apply('"name": "Jos\\u00e9 \\u00c1lvarez"') == f'"name": "{HIDDEN_NAME}"'
    assert masker.apply("Josémaria xJosé José_1") == "Josémaria xJosé José_1"
    assert Masker({"name": "Li"}).apply("Link to Li's page") == f"Link to {HIDDEN_NAME}'s page"


def test_names_over_hostile_text_finish() -> None:
    """Whole-word search skips the rest of a word it landed in: no quadratic rescans."""
    masker = Masker({"name": "a" * 1000, "given_name": "a", "family_name": "a b"})
    assert masker.apply("a" * 199_999 + "g").endswith("g")
    assert masker.apply("a " * 3) == f"{HIDDEN_NAME} {HIDDEN_NAME} {HIDDEN_NAME} "


class RawApp(App[None]):
    def __init__(self, masker: Masker | None) -> None:
        super().__init__()
        self.token = decode_token(make(CLAIMS))
        self.masker = masker

    def on_mount(self) -> None:
        self.push_screen(RawView(self.token, self.masker))


def shown(app: App[None], selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def test_presentation_mode_raw_view_masks_names_and_asks_before_revealing() -> None:
    app = RawApp(Masker(CLAIMS))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        payload = app.screen.query_one("#raw-payload", Static).content.code  # type: ignore[attr-defined]
        assert "Jos" not in payload and "lvarez" not in payload and HIDDEN_NAME in payload
        raw = app.token.raw
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, RawView) and raw not in shown(app, "#raw-segments")
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, RawView) and shown(app, "#raw-segments") == raw
        await pilot.press("s")  # hiding again needs no question
        await pilot.pause()
        assert isinstance(app.screen, RawView) and raw not in shown(app, "#raw-segments")


async def test_without_presentation_mode_s_reveals_at_once() -> None:
    app = RawApp(None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, RawView) and shown(app, "#raw-segments") == app.token.raw
