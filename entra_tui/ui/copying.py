"""One way to the clipboard for every copy key: the app's, with its notice and auto-clear."""

from __future__ import annotations

from typing import Any

from textual.app import App


def copy_text(app: App[Any], text: str, what: str) -> None:
    """Copy `text` as entra-tui copies a token (the system clipboard when there is one,
    cleared later, else OSC 52), telling the user `what` went where."""
    copy_secret_text = getattr(app, "copy_secret_text", None)
    if copy_secret_text is not None:
        copy_secret_text(text, what)
    else:  # a dialog shown on its own, outside entra-tui's app (tests)
        app.copy_to_clipboard(text)
        app.notify(f"{what} copied.", markup=False)
