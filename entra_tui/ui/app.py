"""The entra-tui application: services, theme, signals and the main screen.

The app holds what every screen shares (the profile file, the MSAL session manager, the
clock, the clipboard and its guard) and nothing of the main UI: the panes, their keys and
each profile's run live in `ui/screens/main.py`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from textual.app import App
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker, WorkerState

from entra_tui.core.clipboard import ClipboardGuard, SystemClipboard
from entra_tui.core.errors import ConfigError
from entra_tui.core.profiles import DEFAULT_CLIPBOARD_CLEAR_SECONDS, ProfileSet
from entra_tui.core.safe_text import safe_text
from entra_tui.core.session import SessionManager
from entra_tui.ui.main_state import MainScreenState
from entra_tui.ui.screens.main import MainScreen, size_classes
from entra_tui.ui.startup_gc import resume_collector_after_first_frame
from entra_tui.ui.widgets.clipboard_countdown import ClipboardCountdown


class EntraTuiApp(MainScreenState, App[None]):
    """Keyboard-first token inspector for Entra app registrations."""

    TITLE = "entra-tui"
    CSS_PATH = "app.tcss"

    def __init__(
        self,
        *,
        profiles: ProfileSet | None,
        config_error: ConfigError | None = None,
        session: SessionManager | None = None,
        clock: Callable[[], float] = time.time,
        system_clipboard: SystemClipboard | None = None,
        on_first_frame: Callable[[], None] | None = None,
        reload: Callable[[], ProfileSet] | None = None,
        subtitle: str = "",
    ) -> None:
        super().__init__()
        self.profile_set = profiles
        self.config_error = config_error
        self.session = session or SessionManager()
        self.clock = clock
        self.system_clipboard = system_clipboard or SystemClipboard()
        self.clipboard_guard = ClipboardGuard(self.system_clipboard, clock)
        self._on_first_frame = on_first_frame
        self._reload = reload
        self.sub_title = subtitle
        if profiles is not None and profiles.ui.keymap:
            self.update_keymap(dict(profiles.ui.keymap))  # [ui.keymap]: the user's keys
        self._saved_theme = profiles.ui.theme if profiles is not None else None
        if self._saved_theme in self.available_themes:
            self.theme = self._saved_theme

    def get_default_screen(self) -> Screen[Any]:
        """The main screen, made with the size classes its first resize would give it: added
        after the first styling, they restyled every widget again (~40 ms of start-up)."""
        return MainScreen(classes=size_classes(*self.size))

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Never markup: messages carry claim names, profile names and server text (`[/]`
        crashed the app, `[@click=...]` ran an action). Each line goes through safe_text, so
        only our own line breaks break lines."""
        super().notify("\n".join(safe_text(line) for line in str(message).split("\n")),
                       title=safe_text(title), severity=severity, timeout=timeout,
                       markup=False)

    def _fatal_error(self) -> None:
        """Textual's crash report, without local variables: they held the token being
        decoded (and could hold a secret)."""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        self._exit_renderables.append(Segments(self.console.render(
            Traceback(show_locals=False, width=None, suppress=[rich]), self.console.options)))
        self._close_messages_no_wait()

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        resume_collector_after_first_frame(self)  # paused by the command line
        if not self.is_headless:
            self._quit_on_signals()
        if self._on_first_frame is not None:
            # After the first frame has reached the terminal: a thread importing crypto would
            # otherwise hold the GIL while Textual's writer thread draws it.
            self.call_after_refresh(self.set_timer, 0.15, partial(
                self.run_worker, self._on_first_frame, thread=True, group="startup",
                exit_on_error=False))

    def _quit_on_signals(self) -> None:
        """`kill` and a closed terminal (SIGTERM, SIGHUP) quit as q does: Python would just
        stop, leaving the terminal raw, the clipboard full and the demo's files behind."""
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        for name in ("SIGTERM", "SIGHUP"):  # AttributeError: no SIGHUP on Windows
            with contextlib.suppress(AttributeError, NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(getattr(signal, name), self.call_later, self.action_quit)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.group == "startup":
            self.notify("The sandbox tenant failed to start.", severity="error")

    async def action_quit(self) -> None:
        """Quitting clears a token we left on the clipboard at once rather than never."""
        if self.clipboard_guard.clear_at is not None:
            self.clipboard_guard.clear_now()
        await super().action_quit()

    def cancel_all(self) -> None:
        """Stop every sign-in in flight (device code, browser), e.g. when the app quits, so
        no worker thread keeps the process alive."""
        if self.screen_stack:
            self.main.runs.cancel_all()

    # --- services -------------------------------------------------------------------------
    def reload_profiles(self) -> bool:
        """Read the profile file again (F5); False when there is no file to read."""
        if self._reload is None:
            return False
        try:
            self.profile_set = self._reload()
            self.config_error = None
            self.set_keymap(dict(self.profile_set.ui.keymap))
        except ConfigError as exc:
            self.config_error = exc
            self.notify(safe_text(exc), title="Profiles not reloaded", severity="error", timeout=10)
        return True

    def copy_secret_text(self, text: str, what: str) -> str:
        """Copy with the system clipboard, else OSC 52; say which. Returns the method used.
        The system clipboard is cleared after [ui] clipboard_clear_seconds if unchanged."""
        delay = (self.profile_set.ui.clipboard_clear_seconds if self.profile_set
                 else DEFAULT_CLIPBOARD_CLEAR_SECONDS)
        if self.system_clipboard.copy(text):
            self.clipboard_guard.copied(text, delay)
            self.notify(f"{what} copied to the system clipboard"
                        + (f"; cleared in {delay} s if still there." if delay else "."))
            method = "system"
            self._clipboard_tick()
        else:
            super().copy_to_clipboard(text)
            self.notify(f"{what} sent to the terminal clipboard (OSC 52): no system clipboard "
                        "here; your terminal must allow clipboard access. entra-tui cannot "
                        "clear it later: copy something else over it when done.")
            method = "osc52"
        self.last_copy_method = method
        return method

    def copy_to_clipboard(self, text: str) -> None:
        """Every copy Textual makes for the user (Ctrl+C on a mouse selection, a text box's
        copy or cut) takes the one path `c` takes: the system clipboard when there is one,
        cleared later, and a notice; a selected token is as secret as a copied one."""
        self.copy_secret_text(text, "Selection")

    def _clipboard_tick(self) -> None:
        ClipboardCountdown.on_screen(self.main, self.clipboard_guard).tick()

    def _remember_theme(self, theme: Theme) -> None:
        if theme.name == self._saved_theme or self.config_error is not None \
                or self.profile_set is None:
            return
        self._saved_theme = theme.name
        from entra_tui.core.profile_store import ProfileStore  # not needed to start

        store = ProfileStore(self.profile_set.path)

        def save() -> None:
            try:
                store.set_ui("theme", theme.name)
            except (ConfigError, OSError) as exc:
                self.call_from_thread(self.notify, f"Theme not remembered: {exc}",
                                      severity="warning")

        self.run_worker(save, thread=True, group="save-theme", exclusive=True,
                        exit_on_error=False, description="remember theme")
