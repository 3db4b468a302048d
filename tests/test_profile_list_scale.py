"""The profile list at the size a platform team has (500 profiles in 20 tenants, issue 18):
it lists them once at start, makes only the rows on screen, and a keystroke in the filter
makes only the rows it shows, without laying the screen out again while the list stays
taller than the pane. Counted, never timed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SIZE
from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text

from entra_tui.bench.profile_file import PROFILE_COUNT, write_profile_file
from entra_tui.core.profiles import load_profiles
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.widgets.profile_list import (
    NameFitter,
    ProfileFilter,
    ProfileList,
    Row,
    fit_name,
)


class Counts:
    """What the list did: listings made, rows made (with the width each was made at), and
    the times it asked for the screen to be laid out again once it had been."""

    def __init__(self) -> None:
        self.listings = 0
        self.row_widths: list[int] = []
        self.layouts = 0

    def reset(self) -> None:
        self.listings, self.row_widths, self.layouts = 0, [], 0


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counts]:
    seen = Counts()
    show_profiles, row_text, refresh = (ProfileList.show_profiles, ProfileList._row_text,
                                        ProfileList.refresh)

    def counted_show(self: ProfileList, *args: object, **kwargs: object) -> None:
        seen.listings += 1
        show_profiles(self, *args, **kwargs)  # type: ignore[arg-type]

    def counted_row(self: ProfileList, row: Row, width: int) -> Text:
        seen.row_widths.append(width)
        return row_text(self, row, width)

    def counted_refresh(self: ProfileList, *regions: object, **options: bool) -> ProfileList:
        seen.layouts += bool(options.get("layout")) and bool(self.size)
        return refresh(self, *regions, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(ProfileList, "show_profiles", counted_show)
    monkeypatch.setattr(ProfileList, "_row_text", counted_row)
    monkeypatch.setattr(ProfileList, "refresh", counted_refresh)
    yield seen


def big_app(tmp_path: Path) -> EntraTuiApp:
    return EntraTuiApp(profiles=load_profiles(write_profile_file(tmp_path), keep_broken=True))


async def test_500_profiles_are_listed_once_at_start_with_only_the_rows_shown(
        tmp_path: Path, counts: Counts) -> None:
    app = big_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        profile_list = app.query_one(ProfileList)
        shown = profile_list.scrollable_content_region
        assert len(profile_list.ordered) == PROFILE_COUNT
        assert counts.listings == 1
        # Only the rows on screen were made, each once, at the width they are drawn at
        # (the scrollbar's room taken from the start, not found after a first layout).
        assert 0 < len(counts.row_widths) <= shown.height
        assert set(counts.row_widths) == {shown.width}
        assert profile_list.show_vertical_scrollbar and counts.layouts == 0
        assert not profile_list.show_horizontal_scrollbar


async def test_a_keystroke_in_the_filter_makes_only_the_rows_it_shows(
        tmp_path: Path, counts: Counts) -> None:
    app = big_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        profile_list = app.query_one(ProfileList)
        height = profile_list.size.height
        await pilot.press("/")
        await pilot.pause()
        for key in "prod":  # 100 profiles in 20 tenants: still more than the pane shows
            counts.reset()
            await pilot.press(key)
            await pilot.pause()
            assert counts.listings == 1
            assert len(counts.row_widths) <= profile_list.scrollable_content_region.height
            # Still taller than the pane: only what it scrolls over changed.
            assert len(profile_list.lines()) > height
            assert counts.layouts == 0 and profile_list.size.height == height
        assert profile_list.needle == "prod" and len(profile_list.ordered) == 100
        assert all(p.name.endswith("-prod") for p in profile_list.ordered)
        # A filter that leaves a few profiles: the list is as tall as they are.
        await pilot.press(*" wing")
        await pilot.pause()
        rows = [text.plain.split() for name, text in profile_list.lines() if name]
        assert [row[0] for row in rows] == ["1", "2", "3", "4", "5"]
        assert all(row[1].startswith("wingtip-") for row in rows)
        assert profile_list.size.height == len(profile_list.lines()) < height
        await pilot.press("escape")  # and back: everything, as tall as the pane
        await pilot.pause()
        assert len(profile_list.ordered) == PROFILE_COUNT
        assert profile_list.size.height == height


async def test_the_list_is_filtered_in_the_same_step_as_the_key(tmp_path: Path) -> None:
    """Not one frame later, when the box's Changed message arrives."""
    app = big_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/")
        await pilot.pause()
        box = app.query_one(ProfileFilter)
        profile_list = app.query_one(ProfileList)
        box.insert_text_at_cursor("wingtip")
        assert profile_list.needle == "wingtip"
        assert len(profile_list.ordered) == 25
        assert all(p.name.startswith("wingtip-") for p in profile_list.ordered)
        box.action_close()
        assert profile_list.needle == "" and len(profile_list.ordered) == PROFILE_COUNT


async def test_a_state_change_remakes_only_its_row(tmp_path: Path, counts: Counts) -> None:
    from entra_tui.core.profile_state import ProfileState

    app = big_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        profile_list = app.query_one(ProfileList)
        first, last = profile_list.ordered[0].name, profile_list.ordered[-1].name
        counts.reset()
        profile_list.set_state(last, ProfileState("valid", "● 42m"))  # not on screen
        profile_list.set_state(first, ProfileState("error", "✗ error"))
        await pilot.pause()
        assert len(counts.row_widths) == 1
        assert dict(profile_list.lines())[first].plain.endswith("✗ error")
        assert dict(profile_list.lines())[last].plain.endswith("● 42m")


names = st.lists(st.text(alphabet="ab-", min_size=1, max_size=14), min_size=1, max_size=8)


@given(names=names, room=st.integers(min_value=0, max_value=14), other=st.text("ab-"))
def test_names_fitted_per_listing_read_as_fit_name_has_them(
        names: list[str], room: int, other: str) -> None:
    fitter = NameFitter(names, room)
    for name in [*names, other or "a"]:
        assert fitter.fit(name) == fit_name(name, room, names)
