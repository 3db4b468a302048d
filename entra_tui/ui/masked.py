"""Presentation mode for Rich text: mask each uniformly styled run, keeping its style."""

from __future__ import annotations

from rich.text import Text

from entra_tui.core.masking import Masker


def mask_rich(text: Text, masker: Masker | None) -> Text:
    if masker is None:
        return text
    cuts = sorted({offset for span in text.spans for offset in (span.start, span.end)})
    masked = Text(style=text.style, end=text.end)
    for piece in text.divide(cuts):
        style = piece.spans[0].style if piece.spans else ""
        masked.append(masker.apply(piece.plain), style=style)
    return masked
