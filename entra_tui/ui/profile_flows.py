"""Changing the profile file from the main screen: new, edit, duplicate, import, delete.

Each flow opens a dialog, writes the file through `ProfileStore` (atomically, keeping
comments) and hands the new profile set back to the main screen, which reconciles its runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from entra_tui.core.errors import ConfigError
from entra_tui.core.flows import DEFAULT_FLOW
from entra_tui.core.profile_store import ProfileStore
from entra_tui.core.safe_text import safe_text
from entra_tui.ui.inert import inert_lines, inert_markup
from entra_tui.ui.main_keys import key_hint
from entra_tui.ui.widgets.profile_list import ProfileList

if TYPE_CHECKING:
    from entra_tui.ui.screens.main import MainScreen


class ProfileFlows:
    """The profile file's editing flows, run on behalf of `screen`."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    @property
    def app(self) -> Any:
        return self.screen.app

    @property
    def store(self) -> ProfileStore | None:
        """The profile file to change, or None (and a message) while it cannot be changed."""
        app = self.app
        if app.config_error is not None:
            app.notify("The profile file has an error; fix it first (see the profiles "
                       f"pane), then press {key_hint(app, 'profiles.reload')}.",
                       severity="error")
            return None
        if app.profile_set is None:
            return None
        return ProfileStore(app.profile_set.path)

    def _taken(self) -> set[str]:
        profile_set = self.app.profile_set
        return set(profile_set.names()) if profile_set else set()

    def new(self) -> None:
        store = self.store
        if store is not None:
            self._open_editor(store, "New profile", {"flow": DEFAULT_FLOW.value}, "", None)

    def edit(self) -> None:
        profile, store = self.screen.current, self.store
        if profile is not None and store is not None:
            self._open_editor(store, f"Edit {profile.name}", store.raw_table(profile.name),
                              profile.name, profile.name)

    def duplicate(self) -> None:
        profile, store = self.screen.current, self.store
        if profile is not None and store is not None:
            from entra_tui.core.profile_store import free_name

            self._open_editor(store, f"Duplicate {profile.name}", store.raw_table(profile.name),
                              free_name(f"{profile.name}-copy", self._taken(), separator=""),
                              None, copy_of=profile.name)

    def _open_editor(self, store: ProfileStore, title: str, table: dict[str, Any], name: str,
                     previous_name: str | None, *, copy_of: str | None = None) -> None:
        from entra_tui.ui.screens.profile_editor import ProfileEditor

        def save(new_name: str, fields: dict[str, Any], previous: str | None) -> str | None:
            try:
                self.app.profile_set = store.save_profile(new_name, fields,
                                                          previous_name=previous,
                                                          copy_of=copy_of)
            except ConfigError as exc:
                return str(exc)
            except OSError as exc:
                return f"cannot write {store.path}: {exc.strerror}"
            return None

        def saved(new_name: str | None) -> None:
            if new_name is not None:
                self.changed(new_name, f"Profile {safe_text(new_name)} saved to "
                                      f"{safe_text(store.path.name)}.")

        self.app.push_screen(ProfileEditor(title=inert_markup(title), table=table, name=name,
                                           previous_name=previous_name, path=store.path,
                                           taken=self._taken(), save=save), saved)

    def choose_import(self) -> None:
        if self.store is None:
            return
        from entra_tui.core.azure_cli import azure_cli_profile_path
        from entra_tui.ui.screens.choice import Choice

        self.app.push_screen(Choice("Import profiles", [
            ("env", "Environment: AZURE_TENANT_ID, AZURE_CLIENT_ID and a credential variable"),
            ("azcli", f"Azure CLI: one profile per tenant in {azure_cli_profile_path()}"),
        ], "Imported profiles refer to secrets (env:NAME); no secret value is copied."),
            self.import_from)

    def import_from(self, source: str | None) -> None:
        store = self.store
        if source is None or store is None:
            return
        try:
            if source == "env":
                from entra_tui.core.environment import environment_fields

                items: list[tuple[str, Mapping[str, Any]]] = [
                    ("azure-env", environment_fields())]
            else:
                from entra_tui.core.azure_cli import profiles_from_azure_cli

                items = list(profiles_from_azure_cli())
            self.app.profile_set, names = store.add_profiles(items)
        except (ConfigError, OSError) as exc:
            self.app.notify(safe_text(exc), title="Nothing imported", severity="error",
                            timeout=10)
            return
        self.changed(
            names[0] if names else None,
            f"Imported {len(names)} profile{'s' if len(names) != 1 else ''}: "
            f"{safe_text(', '.join(names))}. Press {key_hint(self.app, 'profiles.edit')} to "
            "review.")

    def delete(self) -> None:
        profile, store = self.screen.current, self.store
        if profile is None or store is None:
            return
        from entra_tui.ui.screens.confirm import Confirm

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.app.profile_set = store.delete_profile(profile.name)
            except (ConfigError, OSError) as exc:
                self.app.notify(safe_text(exc), title="Profile not deleted", severity="error")
                return
            self.changed(None, f"Profile {safe_text(profile.name)} deleted "
                                f"(the previous file is in "
                                f"{safe_text(store.path.name)}.bak).")

        self.app.push_screen(Confirm(inert_lines(f"Delete profile {profile.name}?",
                                                 f"{profile.tenant} · "
                                                 f"{profile.client_id or profile.flow}"),
                                     "Delete profile"),
                             answered)

    # --- after the file changed ---------------------------------------------------------------
    def changed(self, select: str | None, message: str) -> None:
        """The profile file was written: follow it, list it, select `select`."""
        screen = self.screen
        self.reconcile()
        screen.current = None
        screen.show_profiles()
        if select is not None and self.app.profile_set is not None:
            screen.query_one(ProfileList).highlight_profile(select)
            screen.current = screen.profile_named(select)
        self.app.notify(message)

    def reload(self) -> None:
        """F5: read the file again and list what it now holds."""
        if self.app.reload_profiles():
            self.reconcile()
        self.screen.show_profiles()

    def reconcile(self) -> None:
        """The profile file changed: runs of removed or changed profiles stop and go."""
        screen = self.screen
        for run in screen.runs.reconcile(self.app.profile_set):
            screen.acquisition.close_device_code(run)
