"""The one base of the widgets drawn with Textual's line API: text lines, the profile list
and the claims table (see base.py)."""

from entra_tui.ui.widgets.lines.base import LinesWidget, own_style

__all__ = ["LinesWidget", "own_style"]
