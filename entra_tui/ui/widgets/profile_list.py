"""The profiles pane: profiles grouped by tenant, numbered 1-9 for quick jumps."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from entra_tui.core.profiles import Profile

HEADING_WIDTH = 24


def shorten(text: str, width: int) -> str:
    """Tenant GUIDs are longer than the pane; keep the start, which people recognise."""
    return text if len(text) <= width else text[: width - 1] + "…"


class ProfileList(OptionList):
    """Arrow keys or j/k move; Enter acquires; the highlighted profile is the current one."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="profile.down"),
        Binding("k", "cursor_up", "Up", show=False, id="profile.up"),
    ]

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's naming
        super().__init__(id=id)
        self.ordered: list[Profile] = []

    def show_profiles(self, profiles: tuple[Profile, ...]) -> None:
        """Group by tenant in file order; number profiles in the order they appear."""
        groups: dict[str, list[Profile]] = {}
        for profile in profiles:
            groups.setdefault(profile.tenant, []).append(profile)
        self.ordered = [p for group in groups.values() for p in group]
        options: list[Option] = []
        for tenant, members in groups.items():
            options.append(Option(Text(shorten(tenant, HEADING_WIDTH), style="bold cyan"),
                                  disabled=True))
            for profile in members:
                number = self.ordered.index(profile) + 1
                label = Text.assemble(
                    (f"{number} " if number <= 9 else "  ", "dim"), profile.name)
                options.append(Option(label, id=profile.name))
        self.clear_options()
        self.add_options(options)
        if self.ordered:
            self.highlight_profile(self.ordered[0].name)

    def highlight_profile(self, name: str) -> None:
        self.highlighted = self.get_option_index(name)

    def profile_at(self, number: int) -> Profile | None:
        return self.ordered[number - 1] if 0 < number <= len(self.ordered) else None
