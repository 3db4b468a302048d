"""Add or edit a profile in a form that checks every keystroke with the loader's own rules.

Only the fields the chosen flow uses are shown; credentials are references (env:NAME or
file:PATH), so a pasted secret value is refused before it could reach the file. Where the
authority lives (cloud, authority_host, ca_bundle) is part of the form: a new profile starts
with the location every other profile in the file shares (in the demo, the sandbox's
authority and CA), so it does not point at real Entra by surprise. Esc asks before it
throws changes away."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from entra_tui.core.clouds import CLOUD_HOSTS
from entra_tui.core.errors import ConfigError
from entra_tui.core.flows import DEFAULT_FLOW, FLOW_FIELDS, FLOWS, Flow
from entra_tui.core.profile_store import check_name
from entra_tui.core.profiles import check_profile_table
from entra_tui.core.safe_files import read_small_file
from entra_tui.core.safe_text import safe_text
from entra_tui.core.secrets import resolve_path
from entra_tui.ui.inert import inert, inert_markup


class Field(NamedTuple):
    key: str
    label: str
    placeholder: str

    def used_by(self, flow: str) -> bool:
        """Shown for `flow`: every flow's field, or one of the keys its row in FLOWS lists."""
        return self.key not in FLOW_FIELDS or self.key in FLOWS[flow].fields


FIELDS = (
    Field("name", "Name", "orders-sync (letters, digits, - _ .)"),
    Field("description", "Description", "what this app is for (optional)"),
    Field("tenant", "Tenant", "contoso.onmicrosoft.com or the tenant GUID"),
    Field("client_id", "Client ID", "the app's Application (client) ID, a GUID"),
    Field("scopes", "Scopes", "api://orders/.default  (spaces or commas between scopes)"),
    Field("secret", "Secret", "env:ORDERS_SECRET or file:~/.secrets/orders"),
    Field("certificate", "Certificate", "~/certs/app.pem or app.pfx"),
    Field("certificate_password", "PFX password", "env:PFX_PASSWORD (optional)"),
    Field("federated_token_file", "Federated file", "/var/run/secrets/azure/tokens/token"),
    Field("username", "Username", "adele@contoso.onmicrosoft.com"),
    Field("password", "Password", "env:USER_PASSWORD"),
    Field("redirect_port", "Redirect port", "0 = any free port (optional)"),
    Field("assertion_profile", "User token from", "the profile whose user token is exchanged"),
    Field("cloud", "Cloud", f"{', '.join(CLOUD_HOSTS)} (optional; default public)"),
    Field("authority_host", "Authority host",
          "https://login.microsoftonline.com (optional)"),
    Field("ca_bundle", "CA bundle", "PEM of CAs to trust for the authority (optional)"),
    Field("expect.audiences", "Expect aud", "api://orders (optional, for the report)"),
    Field("expect.roles", "Expect roles", "Orders.Read.All (optional, for the report)"),
)
LISTS = {"scopes", "expect.audiences", "expect.roles"}
LOCATION = ("cloud", "authority_host", "ca_bundle")  # where the identity provider is
Save = Callable[[str, dict[str, Any], str | None], "str | None"]  # error text, or None


class ProfileEditor(ModalScreen[str | None]):
    """Dismisses with the saved profile's name, or None when cancelled."""

    # Its own CSS, read when it first opens rather than at start-up.
    DEFAULT_CSS = """
    ProfileEditor { align: center middle; }
    ProfileEditor #editor-box {
        width: 90%; max-width: 100; height: 90%; max-height: 34;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ProfileEditor #editor-form { height: 1fr; }
    ProfileEditor .editor-row { height: auto; }
    ProfileEditor .editor-label {
        width: 16; padding: 0 1 0 0; text-align: right; color: $text-muted;
    }
    /* One line per field, so a whole profile fits on an 80x24 screen. No border, even
       on a field at fault (Input's own `.-invalid` border would fill its one line and
       hide what is typed): the background says so. */
    ProfileEditor .editor-row > Input {
        width: 1fr; height: 1; border: none !important; padding: 0 1; background: $boost;
    }
    ProfileEditor .editor-row > Input:focus { background: $primary 25%; }
    ProfileEditor .editor-row > Input.-invalid { background: $error 30%; }
    ProfileEditor .editor-row > Select { width: 1fr; }
    ProfileEditor .editor-row > Select > SelectCurrent {
        border: none; height: 1; padding: 0 1; background: $boost;
    }
    ProfileEditor .editor-row > Select:focus > SelectCurrent { background: $primary 25%; }
    ProfileEditor #editor-problem { color: $error; height: auto; min-height: 1; }
    ProfileEditor #editor-help { color: $text-muted; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="editor.save"),
        Binding("escape", "cancel", "Cancel", id="editor.cancel"),
    ]

    def __init__(self, *, title: str, table: dict[str, Any], name: str,
                 previous_name: str | None, path: Path, taken: set[str], save: Save) -> None:
        super().__init__()
        self.title_text = title
        self.prefilled: dict[str, str] = {}
        if previous_name is None and not any(key in table for key in LOCATION):
            self.prefilled = shared_location(path)
        self.initial = {**self.prefilled, **_flatten(table), "name": name}
        self.unchanged: tuple[str, dict[str, Any]] | None = None  # the form as opened
        self._save_tried = False
        self.previous_name = previous_name
        self.path = path
        self.taken = taken - ({previous_name} if previous_name else set())
        self.save_profile = save

    def compose(self) -> ComposeResult:
        with Vertical(id="editor-box"):
            with VerticalScroll(id="editor-form"):
                yield _row("Flow", Select([(f.value, f.value) for f in Flow], allow_blank=False,
                                          value=self.initial.get("flow") or DEFAULT_FLOW.value,
                                          id="field-flow"), "flow")
                for field in FIELDS:
                    yield _row(field.label, Input(
                        value=_text(self.initial.get(field.key)), placeholder=field.placeholder,
                        id=f"field-{_dom(field.key)}", select_on_focus=False), field.key)
            yield Static(id="editor-problem")
            if self.prefilled:
                yield Static(Text("Authority and CA bundle as every other profile in this "
                                  "file has them: clear them for Microsoft Entra itself."),
                             id="editor-prefilled")
            yield Static("Enter or Ctrl+S saves (comments and order are kept, the old file "
                         "goes to .bak) · Esc cancels", id="editor-help")

    def on_mount(self) -> None:
        box = self.query_one("#editor-box")
        box.border_title = self.title_text
        box.border_subtitle = inert_markup(self.path)
        self._show_fields_for_flow()
        self.query_one("#field-name", Input).focus()
        self.unchanged = self.values()
        self.check()

    @property
    def flow(self) -> str:
        return str(self.query_one("#field-flow", Select).value)

    def _show_fields_for_flow(self) -> None:
        for field in FIELDS:
            self.query_one(f"#row-{_dom(field.key)}").display = field.used_by(self.flow)

    def on_select_changed(self, event: Select.Changed) -> None:
        self._show_fields_for_flow()
        self.check()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.check()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a one-line field submits the form, as in most forms (the hint says so)."""
        self.action_save()

    def edited(self, key: str) -> bool:
        """The field no longer shows what it showed when the form opened. A field the user
        did not change saves the value it came with, not the text shown for it (which has
        controls and bidi marks escaped, as every untrusted text on screen)."""
        return self.query_one(f"#field-{_dom(key)}", Input).value \
            != _text(self.initial.get(key))

    def values(self) -> tuple[str, dict[str, Any]]:
        """(name, fields): what the form says; fields the flow does not use are removed."""
        flow: str | None = self.flow
        if flow == DEFAULT_FLOW.value and not self.initial.get("flow"):
            flow = None  # left at the default the file leaves unsaid: still unsaid
        fields: dict[str, Any] = {"flow": flow, "expect": {}}
        # A key the flow does not use is not shown; it stays as the file has it unless the
        # flow was changed here (then it belonged to the old flow and goes).
        flow_changed = self.flow != str(self.initial.get("flow") or DEFAULT_FLOW.value)
        name = ""
        for field in FIELDS:
            value = self._value(field.key)
            if field.key == "name":
                name = value or ""
                continue
            if not field.used_by(self.flow):
                if not flow_changed:
                    continue
                value = None
            if field.key.startswith("expect."):
                fields["expect"][field.key.removeprefix("expect.")] = value
            else:
                fields[field.key] = value
        return name, fields

    def _value(self, key: str) -> Any:
        """The field's value: as the file had it when not edited, else read from its text."""
        if not self.edited(key):
            return self.initial.get(key)
        raw = self.query_one(f"#field-{_dom(key)}", Input).value.strip()
        if key in LISTS:
            return [part for part in re.split(r"[\s,]+", raw) if part]
        if key == "redirect_port" and raw.isdigit():
            return int(raw)
        return raw or None

    def check(self) -> str | None:
        """Validate the whole form; mark the field at fault and say why. None when fine."""
        name, fields = self.values()
        problem, key = self._typed_controls()
        if problem is None:
            problem, key = check_name(name, current=self.previous_name), "name"
        if problem is None and name in self.taken:
            problem = f"a profile named '{name}' already exists"
        if problem is None:
            table = {k: v for k, v in fields.items() if v not in (None, [], "")}
            table["expect"] = {k: v for k, v in fields["expect"].items() if v}
            if not table["expect"]:
                del table["expect"]
            try:
                check_profile_table(name, table, self.path)
            except ConfigError as exc:
                problem, key = exc.reason.split(": ", 1)[-1], exc.key or ""
        # A new profile's form, as it opened, is not yet wrong: it is empty. It says what is
        # missing once something is typed or a save is tried.
        told = problem if not self._untouched_new_form() else None
        for field in FIELDS:
            widget = self.query_one(f"#field-{_dom(field.key)}", Input)
            widget.set_class(told is not None and field.key.split(".")[-1] == key,
                             "-invalid")
        note = told or self._escapes_note() or self._ca_bundle_warning(fields.get("ca_bundle"))
        self.query_one("#editor-problem", Static).update(inert(note or ""))
        return problem

    def _untouched_new_form(self) -> bool:
        """A blank new profile (`n`) as it opened; a duplicate (`D`) opens filled in."""
        return (self.previous_name is None and not self._save_tried
                and self.unchanged is not None and self.unchanged[0] == ""
                and self.values() == self.unchanged)

    def action_save(self) -> None:
        self._save_tried = True
        if self.check() is not None:
            self.app.bell()
            return
        name, fields = self.values()
        error = self.save_profile(name, fields, self.previous_name)
        if error:
            self.query_one("#editor-problem", Static).update(inert(error))
            return
        self.dismiss(name)

    def _typed_controls(self) -> tuple[str | None, str]:
        """A control, bidi or invisible character typed or pasted into a field: refused, as
        the form could only show it escaped (what is saved would not be what is seen)."""
        for field in FIELDS:
            value = self.query_one(f"#field-{_dom(field.key)}", Input).value
            if field.used_by(self.flow) and self.edited(field.key) \
                    and safe_text(value) != value:
                unseen = next(ch for ch in value if safe_text(ch) != ch)
                return (f"{field.label} holds a control or invisible character "
                        f"({safe_text(unseen)}): type plain text",
                        field.key.split(".")[-1])
        return None, ""

    def _escapes_note(self) -> str | None:
        """A field that came with controls (shown escaped) and has been edited is saved as
        it now reads: the escapes become plain text."""
        for field in FIELDS:
            shown = _text(self.initial.get(field.key))
            if shown != _plain(self.initial.get(field.key)) and self.edited(field.key):
                return (f"Note: {field.label} had control or invisible characters, shown "
                        "escaped; as edited, it is saved as shown (the escapes as plain text)")
        return None

    def _ca_bundle_warning(self, value: str | None) -> str | None:
        """A CA bundle that is not there (yet) fails every request with a TLS error: said
        at once, though saving is allowed (the file may be made later, as the loader allows)."""
        if not value:
            return None
        target = resolve_path(value, self.path.parent)
        if target.is_file():
            return None
        return f"Note: no CA bundle at {safe_text(target)} yet (requests will fail TLS)"

    def action_cancel(self) -> None:
        if self.unchanged is None or self.values() == self.unchanged:
            self.dismiss(None)
            return
        from entra_tui.ui.screens.confirm import Confirm

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(Confirm(Text("Throw away the changes made in this form?"),
                                     "Discard changes?"), answered)


def shared_location(path: Path) -> dict[str, str]:
    """cloud / authority_host / ca_bundle as every profile in the file at `path` has them
    (the demo's file points all of them at the sandbox); nothing where they differ."""
    from entra_tui.core import toml_reader

    try:
        document = toml_reader.loads(read_small_file(path).decode("utf-8-sig"))
    except (OSError, ValueError):  # no file yet, unreadable, not TOML: nothing to share
        return {}
    profiles = document.get("profiles")
    tables = [t for t in profiles.values() if isinstance(t, dict)] \
        if isinstance(profiles, dict) else []
    shared: dict[str, str] = {}
    for key in LOCATION:
        values = [t.get(key) for t in tables]
        if values and isinstance(values[0], str) and values[0] \
                and all(v == values[0] for v in values):
            shared[key] = values[0]
    return shared


def _row(label: str, widget: Any, key: str) -> Horizontal:
    return Horizontal(Label(label, classes="editor-label"), widget, id=f"row-{_dom(key)}",
                      classes="editor-row")


def _dom(key: str) -> str:
    return key.replace(".", "-").replace("_", "-")


def _flatten(table: dict[str, Any]) -> dict[str, Any]:
    flat = {k: v for k, v in table.items() if k != "expect"}
    expect = table.get("expect")
    if isinstance(expect, dict):
        flat.update({f"expect.{k}": v for k, v in expect.items()})
    return flat


def _text(value: Any) -> str:
    """A field's value as the form shows it; controls and the like from the file are shown
    escaped (an Input draws what it holds). Saved as the file had it unless edited."""
    return safe_text(_plain(value))


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)
