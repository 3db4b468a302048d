"""Read-only views of the main screen's state on the app (`app.current`, `app.attempts`,
...): what tests, the screenshot script and the benchmark read, kept out of `app.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from textual.screen import Screen

    from entra_tui.core.history import InspectedToken
    from entra_tui.core.profiles import Profile
    from entra_tui.core.results import AcquireResult
    from entra_tui.ui.screens.main import MainScreen
    from entra_tui.ui.widgets.claims_table import ClaimsTable


class MainScreenState:
    """Mixed into the app; `main` is its default screen."""

    screen_stack: list[Screen[object]]

    @property
    def main(self) -> MainScreen:
        return cast("MainScreen", self.screen_stack[0])  # the default screen, pushed first

    @property
    def current(self) -> Profile | None:
        return self.main.current

    @property
    def viewing(self) -> InspectedToken | None:
        return self.main.viewing

    @property
    def presentation(self) -> bool:
        return self.main.presentation

    @property
    def claims_table(self) -> ClaimsTable:
        return self.main.claims_table

    @property
    def attempts(self) -> dict[str, AcquireResult]:
        return {run.name: run.attempt for run in self.main.runs if run.attempt is not None}

    @property
    def tokens(self) -> dict[str, AcquireResult]:
        return {run.name: run.token for run in self.main.runs if run.token is not None}

    @property
    def working(self) -> set[str]:
        return {run.name for run in self.main.runs if run.working}

    @property
    def refresh_timers(self) -> dict[str, float]:
        return {run.name: run.refresh_at for run in self.main.runs if run.refresh_at is not None}

    @property
    def sign_in_urls(self) -> dict[str, str]:
        return {run.name: run.sign_in_url for run in self.main.runs
                if run.sign_in_url is not None}
