"""What the shown token is, in a few facts, and the state of its signature."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from entra_tui.core.claims import describe_token
from entra_tui.core.history import InspectedToken
from entra_tui.core.masking import Masker
from entra_tui.core.token import TokenKind
from entra_tui.core.verify import SignatureState
from entra_tui.ui.masked import mask_rich
from entra_tui.ui.quick_update import update_text

SIGNATURE_STYLES = {SignatureState.VERIFIED: "bold green", SignatureState.FAILED: "bold red",
                    SignatureState.NOT_CHECKED: "bold yellow"}


class TokenSummary(Static):
    def show_entry(self, entry: InspectedToken | None, *, verifying: bool = False,
                   masker: Masker | None = None) -> None:
        self.display = entry is not None
        if entry is None:
            return
        token = entry.token
        text = Text()
        if token.kind is TokenKind.UNSIGNED:
            text.append("UNSIGNED (alg: none) ", style="bold red")
        text.append(" · ".join(describe_token(token)))
        text.append("\nSignature: ", style="dim")
        if verifying:
            text.append("checking…", style="bold")
        elif entry.verification is None:
            text.append("not checked", style="bold")
            text.append(" (v verifies online, K with a key file)", style="dim")
        else:
            state = entry.verification.state
            text.append(state.value, style=SIGNATURE_STYLES[state])
            text.append(f": {entry.verification.reason}")
        update_text(self, mask_rich(text, masker))
