"""What start-up does for speed must not cost behaviour: the collector comes back on, the
screen is born with the size classes a resize would give it, the filter appears on first use."""

from __future__ import annotations

import gc
import weakref

from conftest import SIZE, FakeClock, wait_until

from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.startup_gc import pause_collector_for_startup
from entra_tui.ui.widgets.profile_list import ProfileFilter, ProfileList


async def test_the_garbage_collector_is_back_on_after_start(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    """Paused as `entra-tui` pauses it; after the first frame it is on again, start-up's
    garbage collected and what is alive frozen (the app itself among it: no full collection
    scans it again)."""
    app, _ = demo
    gc.unfreeze()  # earlier tests' apps froze theirs
    pause_collector_for_startup()

    class Garbage:
        """A reference cycle made during start-up: only the collector can free it."""

    try:
        cycle = Garbage()
        cycle.itself = cycle  # type: ignore[attr-defined]
        freed = weakref.ref(cycle)
        del cycle
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, gc.isenabled, timeout=5)
            assert gc.get_freeze_count() > 0
            assert not any(thing is app for generation in range(3)
                           for thing in gc.get_objects(generation))
            assert freed() is None  # collected before the freeze, not held for the session
    finally:
        gc.enable()


async def test_the_screen_starts_with_its_size_classes(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.screen.has_class("-narrow", "-short")
        assert not app.screen.has_class("-wide") and not app.screen.has_class("-tall")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert app.screen.has_class("-wide", "-tall")
        assert not app.screen.has_class("-narrow") and not app.screen.has_class("-short")


async def test_the_filter_is_made_when_first_asked_for(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        assert not app.query(ProfileFilter)
        await pilot.press("/", *"fabrikam")
        box = app.query_one(ProfileFilter)
        assert app.focused is box and box.value == "fabrikam"
        assert all("fabrikam" in p.name for p in app.query_one(ProfileList).ordered)
        await pilot.press("escape", "/", "x")  # the same box, opened again
        assert len(app.query(ProfileFilter)) == 1 and box.value == "x"


def test_size_classes_match_textual_breakpoints() -> None:
    from entra_tui.ui.screens.main import MainScreen, size_classes

    assert MainScreen.HORIZONTAL_BREAKPOINTS == [(0, "-narrow"), (100, "-wide")]
    assert MainScreen.VERTICAL_BREAKPOINTS == [(0, "-short"), (34, "-tall")]
    assert [size_classes(w, 80).split()[0] for w in (40, 99, 100, 250)] == \
        ["-narrow", "-narrow", "-wide", "-wide"]
    assert [size_classes(80, h).split()[1] for h in (10, 33, 34, 80)] == \
        ["-short", "-short", "-tall", "-tall"]
