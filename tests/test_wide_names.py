"""Names in CJK or with emoji take two terminal cells a character: the profile list keeps
its state column, `entra-tui profiles` keeps its columns, and the footer counts a key's
cells. Measured in cells (rich's cell_len), as a terminal draws them."""

from __future__ import annotations

import io
from pathlib import Path

from conftest import SIZE, wait_until
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from entra_tui.cli import build_app
from entra_tui.commands.token import run_profiles
from entra_tui.core.profile_state import ProfileState
from entra_tui.ui.widgets.fitting_footer import ShownKey
from entra_tui.ui.widgets.profile_list import NameFitter, ProfileList, fit_name

WIDE = ["東京の注文同期サービス本番環境", "東京の注文同期サービス検証環境", "🚀🚀🚀 rocket-deploy",
        "graph-daemon", "ünïcödé-accents"]
PROFILE = """[profiles."{name}"]
tenant = "contoso.onmicrosoft.com"
client_id = "11111111-2222-4333-8444-555555555555"
secret = "env:S"
scopes = ["api://x/.default"]
"""


def profile_file(tmp_path: Path) -> Path:
    path = tmp_path / "profiles.toml"
    path.write_text("\n".join(PROFILE.format(name=name) for name in WIDE))
    return path


async def test_the_list_keeps_the_state_column_beside_wide_names(tmp_path: Path) -> None:
    app, _ = build_app(config=profile_file(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        profile_list = app.query_one(ProfileList)
        await wait_until(pilot, lambda: bool(profile_list.size.width))
        profile_list.set_state(WIDE[0], ProfileState("valid", "● 42m"))
        width = profile_list.scrollable_content_region.width
        rows = {name: text.plain for name, text in profile_list.lines() if name is not None}
        assert all(cell_len(row) == width for row in rows.values()), rows
        assert rows[WIDE[0]].endswith(" ● 42m") and rows[WIDE[2]].endswith(" –")
        # Both long names are cut, and still read apart (their ends differ).
        assert "…" in rows[WIDE[0]] and rows[WIDE[0]] != rows[WIDE[1]]


def test_a_cut_wide_name_fits_its_room_in_cells() -> None:
    shown = [fit_name(name, 16, WIDE) for name in WIDE]
    assert all(cell_len(name) <= 16 for name in shown)
    assert len(set(shown)) == len(WIDE)
    assert shown[0] == "東京の注…番環境" and shown[1] == "東京の注…証環境"  # 8 + 1 + 6 cells


wide_names = st.lists(st.text(alphabet="ab東京🚀-", min_size=1, max_size=14), min_size=1,
                      max_size=8)


@given(names=wide_names, room=st.integers(min_value=3, max_value=20),
       other=st.text("ab東京🚀-"))
def test_wide_names_fitted_per_listing_read_as_fit_name_has_them(
        names: list[str], room: int, other: str) -> None:
    fitter = NameFitter(names, room)
    for name in [*names, other or "a"]:
        fitted = fitter.fit(name)
        assert fitted == fit_name(name, room, names)
        assert cell_len(fitted) <= room


def test_the_profiles_command_keeps_its_columns(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_profiles(config=profile_file(tmp_path), as_json=False, stdout=out,
                        stderr=err) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == len(WIDE)
    # Every line's flow starts at the same cell, and so does its tenant.
    flow_at = {cell_len(line[:line.index("client_secret")]) for line in lines}
    tenant_at = {cell_len(line[:line.index("contoso.")]) for line in lines}
    assert len(flow_at) == 1 and len(tenant_at) == 1, lines


def test_the_footer_counts_a_wide_key_in_cells() -> None:
    """A key from [ui.keymap] can be any character: a CJK one takes two cells."""
    key = ShownKey("あ", "あ", "Acquire", "acquire", True, "")
    assert key.width == len(" あ ") + 1 + len("Acquire ")  # " あ " takes four cells


def test_a_long_name_pushes_on_only_its_own_row(tmp_path: Path) -> None:
    """One 70-character CJK name (140 cells) put every row's flow at cell 142, so every line
    wrapped at 80 or 120 columns. The name column stops growing at 32 cells: the long name
    is written whole (it is copied into `entra-tui token NAME`) and pushes on only its own
    row; the other rows keep their columns, and no line ends in spaces."""
    long_name = "東京" * 35
    path = tmp_path / "profiles.toml"
    path.write_text("\n".join(PROFILE.format(name=name) for name in [*WIDE, long_name]))
    out = io.StringIO()
    assert run_profiles(config=path, as_json=False, stdout=out, stderr=io.StringIO()) == 0
    *lines, long_line = out.getvalue().splitlines()
    assert long_line.startswith(long_name + "  client_secret  contoso.")
    flow_at = {cell_len(line[:line.index("client_secret")]) for line in lines}
    assert flow_at == {max(cell_len(name) for name in WIDE) + 2}  # as without the long name
    assert all(cell_len(line) <= 120 for line in lines)
    assert all(line == line.rstrip() for line in [*lines, long_line])
