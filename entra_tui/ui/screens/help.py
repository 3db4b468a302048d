"""F1 / ? help: every key from the same bindings the footer and palette use, plus what the
focused pane is for."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

PANE_HELP = {
    "profiles": "Profiles, grouped by tenant. Move with ↑↓ or j/k (PgUp/PgDn, Home/End), "
                "jump with 1-9, or click one; Enter acquires a token for the highlighted "
                "profile. {new} adds, {edit} edits, {duplicate} duplicates, {delete} deletes, "
                "{filter} filters, {import} imports.",
    "profile-filter": "Filter: type words that appear in a profile's name, tenant, client id, "
                      "flow or description. Enter or ↓ goes to the list; Esc clears.",
    "error-panel": "The last failure: what it means, what to try, the ids support asks for "
                   "and Microsoft's own words. ↑↓ (PgUp/PgDn, Home/End) scroll it; c copies "
                   "the correlation id, timestamp and trace id for a support case.",
    "claims": "Claims of the token shown, in the issuer's order, with readable values and "
              "what each means. ↑↓ (j/k, PgUp/PgDn, Home/End) select a claim; {copy_claim}, "
              "Enter or a click copies its value.",
}
# The main screen's keys a pane's text names: the user's own where [ui.keymap] remaps them.
PANE_KEYS = {"new": "profiles.new", "edit": "profiles.edit", "duplicate": "profiles.duplicate",
             "delete": "profiles.delete", "filter": "profiles.filter",
             "import": "profiles.import", "copy_claim": "claims.copy"}


class HelpScreen(ModalScreen[None]):
    # Its own CSS, read when it first opens rather than at start-up.
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen #help-box {
        width: 92%; height: 85%; border: round $accent; background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "Close", id="help.close")]

    def __init__(self, bindings: list[Binding], focused: str | None) -> None:
        super().__init__()
        self.bindings_shown = bindings
        self.focused_pane = focused

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            pane = PANE_HELP.get(self.focused_pane or "")
            if pane:
                from entra_tui.ui.main_keys import key_hint

                pane = pane.format_map({name: key_hint(self.app, binding_id)
                                        for name, binding_id in PANE_KEYS.items()})
                yield Static(Text(pane, style="italic"), id="help-pane")
            yield Static(_keys(self.app, self.bindings_shown), id="help-keys")

    def on_mount(self) -> None:
        box = self.query_one("#help-box")
        box.border_title = "Keys"
        box.border_subtitle = "Esc closes · Ctrl+P searches every action"
        box.focus()

    def action_close(self) -> None:
        self.dismiss(None)


def _keys(app: App[object], bindings: list[Binding]) -> Table:
    """Keys named as the footer names them (main_keys.key_label: `/`, `?`, `[`, not their
    key names), each key of a binding in turn."""
    from entra_tui.ui.main_keys import key_label

    table = Table(box=None, expand=True, show_header=False, padding=(0, 2, 0, 0))
    table.add_column(no_wrap=True, style="bold")
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, style="dim")
    for binding in bindings:
        table.add_row(Text(key_label(app, binding)), Text(binding.description),
                      Text(binding.tooltip or ""))
    return table
