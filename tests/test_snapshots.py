"""One snapshot per screen and dialog at 80x24 and 160x48: an accidental change to any
screen fails here. After an intended change: pytest tests/test_snapshots.py
--snapshot-update, then look at the SVGs in tests/__snapshots__/ before committing."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from snapshot_scenes import FIXTURES, SCENES, scene_app


@pytest.fixture(autouse=True)
def fixed_place_and_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(FIXTURES)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
@pytest.mark.parametrize("scene", list(SCENES))
def test_screen(snap_compare: Callable[..., bool], scene: str, size: tuple[int, int]) -> None:
    assert snap_compare(scene_app(), terminal_size=size, run_before=SCENES[scene])
