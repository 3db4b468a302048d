"""What the shown token is, where it came from, in a few facts, and the state of its
signature.

The pane has room for MAX_LINES lines. When the whole summary wraps to more, it is cut with a
visible "…", never silently: the first line (where the token came from), the story's verdict
(App-only / Delegated / whom an ID token identifies) and the Signature line always show, and
the other facts get the lines that are left."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from rich.console import Console
from rich.text import Text
from textual.strip import Strip

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
MAX_LINES = 6  # TokenSummary's max-height in app.tcss
TALL_LINES, TALL_SCREEN = 9, 36  # on a screen this tall, the summary may take more lines
# The facts that say what the token lets its bearer do (core/token_story.py's verdicts).
VERDICT_STARTS = ("App-only", "Delegated", "Identifies")
ELLIPSIS = "…"


class SummaryParts(NamedTuple):
    head: Text  # origin and place in the history
    facts: list[Text]  # the token's story, UNSIGNED first when it is
    verdict: int | None  # index in `facts` of the verdict, if there is one
    signature: Text

    def joined(self) -> Text:
        return Text("\n").join([self.head, join_facts(self.facts), self.signature])

    def masked(self, masker: Masker | None) -> SummaryParts:
        if masker is None:
            return self
        return SummaryParts(mask_rich(self.head, masker),
                            [mask_rich(fact, masker) for fact in self.facts], self.verdict,
                            mask_rich(self.signature, masker))


class TokenSummary(TextLines):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self._parts: Callable[[], SummaryParts] | None = None
        self.max_lines = MAX_LINES

    def fit_height(self, screen_height: int) -> None:
        """More lines for the summary on a tall screen (the claims table keeps plenty)."""
        lines = TALL_LINES if screen_height >= TALL_SCREEN else MAX_LINES
        if lines != self.max_lines:
            self.max_lines = lines
            self.styles.max_height = lines
            self.rewrap()

    def show_entry(self, entry: InspectedToken | None, *, position: tuple[int | None, int],
                   verifying: bool = False, masker: Masker | None = None) -> None:
        """`position`: the entry's place in the history and the history's length."""
        self.display = entry is not None
        if entry is None:
            self._parts = None
            return
        # Kept per entry and state: switching back to a token costs no text work.
        key = (entry.id, position, verifying, entry.verification) if masker is None else None

        def parts() -> SummaryParts:
            return summary_parts(entry, position, verifying).masked(masker)

        self._parts = parts
        self.show(lambda: parts().joined(), key)

    def _wrap(self, text: Text, width: int) -> list[Strip]:
        lines = super()._wrap(text, width)
        if len(lines) <= self.max_lines or self._parts is None:
            return lines
        return super()._wrap(fit(self._parts(), width, self.app.console, self.max_lines), width)


def fit(parts: SummaryParts, width: int, console: Console, max_lines: int = MAX_LINES) -> Text:
    """The summary in at most `max_lines` lines of `width`: origin (one line), the other facts
    cut with "…", the verdict and the Signature line whole (as far as room allows)."""

    def wrapped(text: Text) -> list[Text]:
        return list(text.wrap(console, width))

    head = _cut(wrapped(parts.head), 1, width)
    signature = wrapped(parts.signature)
    verdict_fact = parts.facts[parts.verdict] if parts.verdict is not None else None
    others = [fact for number, fact in enumerate(parts.facts) if number != parts.verdict]
    verdict = wrapped(verdict_fact) if verdict_fact is not None else []
    signature = _cut(signature, max(1, max_lines - 1 - min(len(verdict), 1)), width)
    verdict = _cut(verdict, max(0, max_lines - 1 - len(signature)), width)
    room = max_lines - len(head) - len(verdict) - len(signature)
    rest = join_facts(others)
    middle = _cut(wrapped(rest), room, width) if rest.plain and room > 0 else []
    if rest.plain and not middle:  # no room for them at all: the origin line ends in "…"
        head = _cut(head + [Text()], 1, width)
    return Text("\n").join(head + middle + verdict + signature)


def join_facts(facts: list[Text]) -> Text:
    """The facts on one line, " · " between them (UNSIGNED's own trailing space is enough)."""
    text = Text()
    for number, fact in enumerate(facts):
        if number and not facts[number - 1].plain.endswith(" "):
            text.append(" · ")
        text.append_text(fact)
    return text


def _cut(lines: list[Text], keep: int, width: int) -> list[Text]:
    """`lines` as at most `keep` lines, the last ending in "…" when any were left out."""
    if len(lines) <= keep:
        return lines
    if keep <= 0:
        return []
    kept = lines[:keep]
    last = kept[-1].copy()
    last.rstrip()
    if last.cell_len > width - 1:
        last.truncate(width - 1)
    last.append(ELLIPSIS)
    return kept[:-1] + [last]


def summary_parts(entry: InspectedToken, position: tuple[int | None, int],
                  verifying: bool) -> SummaryParts:
    token = entry.token
    head = Text.assemble((safe_text(entry.origin), "bold"))
    if position[0]:  # None once the entry has dropped off the history
        head.append(f" · {position[0]}/{position[1]}", style="dim")
    facts: list[Text] = []
    if token.kind is TokenKind.UNSIGNED:
        facts.append(Text("UNSIGNED (alg: none) ", style="bold red"))
    told = [safe_text(fact) for fact in describe_token(token)]
    verdict = next((len(facts) + number for number, fact in enumerate(told)
                    if fact.startswith(VERDICT_STARTS)), None)
    facts.extend(Text(fact) for fact in told)
    signature = Text.assemble(("Signature: ", "dim"))
    if verifying:
        signature.append("checking…", style="bold")
    elif entry.verification is None:
        signature.append("not checked", style="bold")
        signature.append(" (v verifies online, K with a key file)", style="dim")
    else:
        state = entry.verification.state
        signature.append(state.value, style=SIGNATURE_STYLES[state.value])
        signature.append(f": {safe_text(entry.verification.reason)}")
    return SummaryParts(head, facts, verdict, signature)


def summary_text(entry: InspectedToken, position: tuple[int | None, int], verifying: bool) -> Text:
    return summary_parts(entry, position, verifying).joined()
