"""What the shown token is, where it came from, in a few facts, and the state of its
signature."""

from __future__ import annotations

from rich.text import Text

from entra_tui.core.claims import describe_token
from entra_tui.core.history import InspectedToken
from entra_tui.core.masking import Masker
from entra_tui.core.safe_text import safe_text
from entra_tui.core.token import TokenKind
from entra_tui.ui.masked import mask_rich
from entra_tui.ui.widgets.text_lines import TextLines

# By SignatureState value: the verify module (and its imports) loads when first needed.
SIGNATURE_STYLES = {"verified": "bold green", "failed": "bold red",
                    "not checked": "bold yellow"}


class TokenSummary(TextLines):
    def show_entry(self, entry: InspectedToken | None, *, position: tuple[int | None, int],
                   verifying: bool = False, masker: Masker | None = None) -> None:
        """`position`: the entry's place in the history and the history's length."""
        self.display = entry is not None
        if entry is None:
            return
        # Kept per entry and state: switching back to a token costs no text work.
        key = (entry.id, position, verifying, entry.verification) if masker is None else None
        self.show(lambda: mask_rich(summary_text(entry, position, verifying), masker), key)


def summary_text(entry: InspectedToken, position: tuple[int | None, int], verifying: bool) -> Text:
    token = entry.token
    text = Text.assemble((safe_text(entry.origin), "bold"))
    if position[0]:  # None once the entry has dropped off the history
        text.append(f" · {position[0]}/{position[1]}", style="dim")
    text.append("\n")
    if token.kind is TokenKind.UNSIGNED:
        text.append("UNSIGNED (alg: none) ", style="bold red")
    text.append(" · ".join(safe_text(fact) for fact in describe_token(token)))
    text.append("\nSignature: ", style="dim")
    if verifying:
        text.append("checking…", style="bold")
    elif entry.verification is None:
        text.append("not checked", style="bold")
        text.append(" (v verifies online, K with a key file)", style="dim")
    else:
        state = entry.verification.state
        text.append(state.value, style=SIGNATURE_STYLES[state.value])
        text.append(f": {safe_text(entry.verification.reason)}")
    return text
