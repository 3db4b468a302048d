"""[ui.keymap] from a profile file reaches the screen only as keys: a value that is not a key
(an escape sequence, a bidi control, a space inside a key, an empty part) is set aside with
file:line:col, an id no binding has is named with the likely one, every key is shown through
safe_text and the same label in the footer and the F1 help, and notices name the key bound.
Also: a profile without a name is refused, and R is listed only in the demo."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from conftest import FakeClock, wait_until
from test_token import CLAIMS, make
from textual.app import App
from textual.binding import Binding
from textual.widgets import Static
from textual.widgets._footer import FooterKey

import entra_tui.ui
from entra_tui.core.history import InspectedToken
from entra_tui.core.profiles import keys_problem, load_profiles, parse_profiles
from entra_tui.core.safe_text import safe_text
from entra_tui.core.token import decode_token
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.main_bindings import BINDINGS
from entra_tui.ui.main_keys import OTHER_BINDING_IDS, key_label, keymap_problems
from entra_tui.ui.screens.help import HelpScreen
from entra_tui.ui.token_compare import fresh_token_status

PROFILE = """
[profiles.{name}]
tenant = "contoso.onmicrosoft.com"
client_id = "00000000-0000-0000-0000-00000000000{n}"
secret = "env:CONTOSO_SECRET"
scopes = ["https://graph.microsoft.com/.default"]
"""
HOSTILE = PROFILE.format(name="contoso", n=1) + r'''
[ui.keymap]
"inspect.report" = "\u001b]52;c;SEFDS0VE\u0007"
"inspect.verify" = "\u001b[31m"
  token.acquire = "g"
"token.copy" = "k,"
"inspect.raw" = "ctrl+ r"
"inspect.paste" = "\u202e"
'''


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profiles.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_keys_that_are_not_keys_are_set_aside_with_where_and_why(tmp_path: Path) -> None:
    """The rest of the file stays usable: the profile, and the good entry of the table."""
    path = write(tmp_path, HOSTILE)
    profiles = load_profiles(path, keep_broken=True)
    assert profiles.names() == ["contoso"] and not profiles.broken
    assert profiles.ui.keymap == (("token.acquire", "g"),)
    found = {str(problem) for problem in profiles.ui.problems}
    assert HOSTILE.split("\n")[8].startswith('"inspect.report" =')  # line 9
    assert found == {
        f"{path}:9:1: ui.keymap: 'inspect.report': U+001B (a control character) is not a "
        "key; ignored",
        f"{path}:10:1: ui.keymap: 'inspect.verify': U+001B (a control character) is not a "
        "key; ignored",
        f"{path}:12:1: ui.keymap: 'token.copy': a key is empty (a comma too many?); ignored",
        f"{path}:13:1: ui.keymap: 'inspect.raw': a key has no spaces in it (the space bar "
        "is \"space\"); ignored",
        f"{path}:14:1: ui.keymap: 'inspect.paste': U+202E (a bidi control) is not a key; "
        "ignored",
    }, found
    # Read without keep_broken too (the store checks a file before writing it): not an error.
    assert {str(p) for p in parse_profiles(path.read_bytes(), path).ui.problems} == found


def test_an_entry_spelled_under_ui_is_located_too(tmp_path: Path) -> None:
    path = write(tmp_path, PROFILE.format(name="a", n=1) + '\n[ui]\ntheme = "nord"\n\n'
                 '   keymap."app.help" = "F1"\n')
    (problem,) = load_profiles(path).ui.problems
    assert str(problem).startswith(f"{path}:11:4: ui.keymap: 'app.help': 'F1' is not a key ")


@pytest.mark.parametrize("keys", ["g", "G", "f1,h", "f1, h", "ctrl+shift+x", "?", "😀", "あ",
                                  "+", "ctrl+plus", "question_mark", "space", "pagedown",
                                  "ctrl+@"])
def test_keys_textual_binds_are_kept(keys: str) -> None:
    assert keys_problem(keys) is None


@pytest.mark.parametrize("keys", ["", " ", "a,,b", "a,", "\x1b", "\x07", "\u200b", "\u200f",
                                  "\u2066", "a b", "ctrl+", "ctlr+g", "ctrl+F1", "F1",
                                  "\u3164", "\x9b"])
def test_keys_textual_cannot_bind_are_refused(keys: str) -> None:
    assert keys_problem(keys) is not None


def test_every_binding_id_is_known() -> None:
    """OTHER_BINDING_IDS (kept by hand, so start-up imports no dialog) is every binding id in
    entra_tui/ui outside the main screen's list."""
    found: set[str] = set()
    for module_info in pkgutil.walk_packages(entra_tui.ui.__path__, "entra_tui.ui."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if inspect.isclass(value) and value.__module__ == module.__name__:
                found |= {b.id for b in getattr(value, "BINDINGS", [])
                          if isinstance(b, Binding) and b.id}
    main = {b.id for b in BINDINGS if isinstance(b, Binding) and b.id}
    assert found - main == OTHER_BINDING_IDS


def test_an_unknown_binding_id_is_told_with_the_likely_one(tmp_path: Path) -> None:
    path = write(tmp_path, PROFILE.format(name="a", n=1)
                 + '\n[ui.keymap]\n"token.aquire" = "z"\nnothing.like.this = "y"\n'
                   '"help.close" = "h"\n')
    problems = [str(p) for p in keymap_problems(load_profiles(path))]
    assert problems == [
        f"{path}:9:1: ui.keymap: 'token.aquire': no key has this id (did you mean "
        "'token.acquire'?); ignored",
        f"{path}:10:1: ui.keymap: 'nothing.like.this': no key has this id "
        "(entra_tui/ui/main_bindings.py lists the ids); ignored"]


def test_a_key_given_to_two_bindings_is_told(tmp_path: Path) -> None:
    # q for Paste left Quit without its key, and the footer and F1 help said both.
    path = write(tmp_path, PROFILE.format(name="a", n=1)
                 + '\n[ui.keymap]\n"inspect.paste" = "q"\n"token.copy" = "plus"\n'
                   '"profiles.edit" = "plus"\n"token.acquire" = "g"\n')
    problems = [str(p) for p in keymap_problems(load_profiles(path))]
    assert sorted(problems) == sorted([
        f"{path}:9:1: ui.keymap: 'inspect.paste': 'q' is also the key of 'app.quit': only "
        "one of them answers it; choose another key",
        f"{path}:10:1: ui.keymap: 'token.copy': 'plus' is also the key of 'profiles.edit': "
        "only one of them answers it; choose another key",
        f"{path}:11:1: ui.keymap: 'profiles.edit': 'plus' is also the key of 'token.copy': "
        "only one of them answers it; choose another key"])


def test_a_profile_without_a_name_is_refused(tmp_path: Path) -> None:
    """Listed as broken (it was a blank row nothing could select); the file is untouched."""
    text = (PROFILE.format(name="contoso", n=1) + "\n" + PROFILE.format(name='""', n=2)
            + PROFILE.format(name='"  "', n=3))
    path = write(tmp_path, text)
    profiles = load_profiles(path, keep_broken=True)
    assert profiles.names() == ["contoso"]
    assert [(b.name, str(b.error)) for b in profiles.broken] == [
        ("", f"{path}:9:1: profile '': has no name: give it one, such as "
             "[profiles.contoso-graph]"),
        ("  ", f"{path}:15:1: profile '  ': has no name: give it one, such as "
               "[profiles.contoso-graph]")]
    assert path.read_text(encoding="utf-8") == text


def test_footer_and_help_write_a_key_alike() -> None:
    """An emoji key: Textual binds it as grinning_face; both show 😀. Controls never pass."""
    app: App[None] = App()
    assert key_label(app, Binding("grinning_face", "x")) == "😀"
    assert key_label(app, Binding("😀", "x")) == "😀"
    assert key_label(app, Binding("f1,question_mark", "x")) == "f1, ?"
    assert key_label(app, Binding("ctrl+a", "x")) == "^a"
    assert key_label(app, Binding("\x1b[31m", "x")) == "\\x1b[31m"
    assert key_label(app, Binding("a", "x", key_display="\x1b]52;c;x\x07")) == safe_text(
        "\x1b]52;c;x\x07")


def test_the_compare_hint_names_the_key_given() -> None:
    """After a fresh token the note names the key that compares (= unless remapped)."""
    token = decode_token(make(CLAIMS))
    before, after = (InspectedToken(token, "test", 0, profile_name="a") for _ in range(2))
    assert fresh_token_status(before, after) == "The same token came back (press = to compare)."
    assert fresh_token_status(before, after, "😀") == (
        "The same token came back (press 😀 to compare).")


def footer_keys(app: App[object]) -> list[tuple[str, str]]:
    return [(k.key_display, k.description) for k in app.screen.query(FooterKey)]


def help_rows(screen: HelpScreen) -> list[tuple[str, str]]:
    table = screen.query_one("#help-keys", Static).content
    keys, names = table.columns[0]._cells, table.columns[1]._cells  # type: ignore[union-attr]
    return [(str(k), str(n)) for k, n in zip(keys, names, strict=True)]


async def test_hostile_keys_never_reach_the_terminal(tmp_path: Path) -> None:
    """The file's hostile values are not bound (V, v stay), the pane says which and where,
    the footer and F1 show no control character, and the notice after c names g."""
    path = write(tmp_path, HOSTILE.replace('"g"', '"g"\n"token.aquire" = "z"'))
    app = EntraTuiApp(profiles=load_profiles(path, keep_broken=True), clock=FakeClock())
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(app.screen.query(FooterKey)))
        await pilot.pause()
        keys = footer_keys(app)
        assert ("g", "Acquire") in keys and ("V", "Report") in keys, keys
        assert all(safe_text(key) == key for key, _ in keys), keys
        note = str(app.query_one("#profiles-broken", Static).content)
        assert f"{path}:9:1: ui.keymap: 'inspect.report': U+001B" in note.replace("\n", " ") \
            or "'inspect.report': U+001B" in note, note
        assert "did you mean 'token.acquire'?" in " ".join(note.split()), note
        assert "\x1b" not in note
        await pilot.press("c")
        await pilot.pause()
        assert "No token to copy yet: press g to acquire one." in [
            str(n.message) for n in app._notifications]
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = help_rows(app.screen)
        assert ("g", "Acquire") in rows and ("V", "Report") in rows, rows
        assert all(safe_text(key) == key for key, _ in rows), rows
        assert "Revoke sessions (sandbox)" not in [name for _, name in rows]


async def test_an_emoji_key_reads_the_same_in_the_footer_and_the_help(tmp_path: Path) -> None:
    path = write(tmp_path, PROFILE.format(name="a", n=1) + '\n[ui.keymap]\n'
                 '"token.acquire" = "😀"\n')
    app = EntraTuiApp(profiles=load_profiles(path), clock=FakeClock())
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(app.screen.query(FooterKey)))
        await pilot.pause()
        assert ("😀", "Acquire") in footer_keys(app), footer_keys(app)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert ("😀", "Acquire") in help_rows(app.screen)


async def test_the_demo_lists_revoke_sessions(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    """R works on the demo's sandbox profiles: listed there (outside, see above: not)."""
    app, _ = demo
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert ("R", "Revoke sessions (sandbox)") in help_rows(app.screen)


def test_entra_tui_profiles_tells_the_keys_set_aside(tmp_path: Path) -> None:
    import io

    from entra_tui.commands.token import run_profiles

    path = write(tmp_path, HOSTILE)
    out, err = io.StringIO(), io.StringIO()
    assert run_profiles(config=path, as_json=False, stdout=out, stderr=err) == 0
    assert "contoso" in out.getvalue()
    told = err.getvalue()
    assert f"{path}:9:1: ui.keymap: 'inspect.report'" in told and "\x1b" not in told


def test_an_unknown_id_is_located_in_a_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_bytes(b"\xef\xbb\xbf[ui.keymap]\n\"token.aquire\" = \"z\"\n"
                     + PROFILE.format(name="a", n=1).encode())
    problems = [str(p) for p in keymap_problems(load_profiles(path))]
    assert problems == [f"{path}:2:1: ui.keymap: 'token.aquire': no key has this id (did you "
                        "mean 'token.acquire'?); ignored"]
