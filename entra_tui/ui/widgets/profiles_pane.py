"""The profiles pane: the list, its `/` filter and the message shown instead of profiles
(no profile file, a broken one, nothing matching the filter)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from entra_tui.core.errors import ConfigError
from entra_tui.core.profiles import Profile, ProfileSet
from entra_tui.core.safe_text import safe_text
from entra_tui.ui.lazy import note_on_first_use
from entra_tui.ui.main_keys import key_hint, keymap_problems
from entra_tui.ui.widgets.profile_list import ProfileFilter, ProfileList, cells

NARROW_WIDTH, WIDE_WIDTH = 28, 32  # the pane's least width below and from 100 columns
STATE_ROOM = 14  # border, padding, number and the widest state ("✗ error") around a name


class ProfilesPane(Vertical):
    """Shows a profile set (or why there is none); the filter box is made on first use."""

    def __init__(self, on_highlight: Callable[[str | None], None],
                 on_listed: Callable[[str | None], None], *,
                 id: str | None = None) -> None:  # noqa: A002 - Textual's naming
        """`on_highlight` runs as the highlight moves; `on_listed` after each new listing,
        with the highlighted profile's name (None: nothing listed)."""
        super().__init__(id=id)
        self._on_highlight = on_highlight
        self._on_listed = on_listed
        self.profile_set: ProfileSet | None = None
        self.config_error: ConfigError | None = None
        self._note = ""  # the message shown instead of profiles, if any
        self._measured: tuple[tuple[Profile, ...], int] | None = None  # _longest_name's

    def compose(self) -> ComposeResult:
        yield ProfileList(id="profiles", on_highlight=self._on_highlight)

    def on_mount(self) -> None:
        self.border_title = "Profiles"

    @property
    def list(self) -> ProfileList:
        return self.query_one(ProfileList)

    def show(self, profile_set: ProfileSet | None, config_error: ConfigError | None) -> None:
        """List `profile_set` through the filter, or say why nothing is listed."""
        self.profile_set, self.config_error = profile_set, config_error
        self.fit_width()
        self.refresh_list()
        self._show_broken()

    def fit_width(self) -> None:
        """As wide as the longest name needs, within a quarter of the screen (and never
        narrower than the fixed widths it had): long names are not cut at 200 columns."""
        screen_width = self.app.size.width
        least = WIDE_WIDTH if screen_width >= 100 else NARROW_WIDTH
        wanted = self._longest_name() + STATE_ROOM
        width = max(least, min(wanted, screen_width // 4))
        if self.styles.width is None or self.styles.width.value != width:
            self.styles.width = width

    def _longest_name(self) -> int:
        """The longest profile name, as shown, in cells (each resize asks; the names change
        with the file)."""
        profiles = self.profile_set.profiles if self.profile_set is not None else ()
        if self._measured is None or self._measured[0] is not profiles:
            self._measured = (profiles, max((cells(safe_text(p.name)) for p in profiles),
                                            default=0))
        return self._measured[1]

    def refresh_list(self) -> None:
        profile_list = self.list
        profiles = self.profile_set.profiles if self.profile_set is not None else ()
        if self.config_error is not None:
            note = (f"Cannot load profiles.\n{safe_text(self.config_error)}\n\n"
                    f"The file was not changed. {self._fix_and_reload()}")
            profiles = ()
        elif not profiles:
            where = self.profile_set.path if self.profile_set else "the profile file"
            note = (f"No profiles in {safe_text(where)}.\nPress "
                    f"{key_hint(self.app, 'profiles.new')} to create one, or "
                    f"{key_hint(self.app, 'profiles.import')} to import them from the "
                    "AZURE_* environment variables or the Azure CLI.\n"
                    "See the README for the format, or run entra-tui --demo to try the "
                    "sandbox tenant.")
        else:
            note = ""
        profile_list.show_profiles(profiles)
        if not note and not profile_list.ordered:
            note = (f"No profile matches '{safe_text(profile_list.needle)}'. Esc clears the "
                    "filter.")
        if note != self._note:  # a new note lays the pane out again: not at every keystroke
            self._note = note
            message = note_on_first_use(self, "profiles-message", Text(
                "\n".join(safe_text(line) for line in note.split("\n"))))
            if message is not None:
                message.set_class(self.config_error is not None, "error")
        self._on_listed(profile_list.highlighted_name)

    def _fix_and_reload(self) -> str:
        return f"Fix it and press {key_hint(self.app, 'profiles.reload')} to reload."

    def _show_broken(self) -> None:
        """Profiles that cannot be used, and [ui.keymap] entries set aside, each with where
        and why; the other profiles and keys stay usable. Above the list, in a box of its
        own that scrolls: below a long list it would be out of sight at 24 rows, and a long
        reason must not push the list away either."""
        broken = self.profile_set.broken if self.profile_set is not None else ()
        lines = [f"✗ {b.name or '(no name)'} cannot be used:\n  {b.error}" for b in broken]
        lines += [f"✗ a key is not used:\n  {problem}"
                  for problem in keymap_problems(self.profile_set)]
        if lines:
            lines.append(f"The file was not changed. {self._fix_and_reload()}")
        text = Text("\n".join(safe_text(line) for text in lines for line in text.split("\n")))
        found = self.query("#profiles-broken-box")
        if found:
            box = found.first(VerticalScroll)
            note = box.query_one("#profiles-broken", Static)
        elif not lines:
            return
        else:
            note = Static(id="profiles-broken")
            box = VerticalScroll(note, id="profiles-broken-box")
            self.mount(box, before=self.list)
        note.update(text)
        box.display = bool(lines)

    def reveal(self, name: str) -> None:
        """Highlight profile `name`, clearing a filter that hides it."""
        profile_list = self.list
        if name not in [p.name for p in profile_list.ordered]:
            for box in self.query(ProfileFilter):
                box.action_close()  # its text goes, and with it the filter, at once
            if profile_list.needle:
                profile_list.needle = ""
                self.refresh_list()
        profile_list.highlight_profile(name)

    async def open_filter(self) -> None:
        box = next(iter(self.query(ProfileFilter)), None)
        if box is None:  # made on first use: an Input cost ~15 ms of start-up styling
            box = ProfileFilter(self._filter_changed, placeholder="type to filter…",
                                id="profile-filter")
            await self.mount(box, before=self.list)
        if self.screen.focused is box:  # a / typed in the filter itself
            box.insert_text_at_cursor("/")
            return
        box.display = True
        self.screen.set_focus(box)

    def _filter_changed(self, needle: str) -> None:
        self.list.needle = needle
        self.refresh_list()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if isinstance(event.input, ProfileFilter):
            self.list.focus()
