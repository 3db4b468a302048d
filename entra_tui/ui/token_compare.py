"""A token against the one before it: the previous token of the same profile in the history,
what changed, and the one-line note after a fresh token. No Textual: an acquisition asks this
on every fresh token, and the diff view (diff_view.py) is loaded only when one is shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from entra_tui.core.history import InspectedToken, TokenHistory
    from entra_tui.core.token_diff import TokenDiff


def previous_of(history: TokenHistory, entry: InspectedToken) -> InspectedToken | None:
    """The token of the same profile (or the same paste origin) just before `entry` in the
    history, or None."""
    position = history.position(entry)
    if position is None:
        return None
    for back in range(1, position):
        earlier = history.step(entry, -back)
        if earlier is None or earlier is entry:
            return None
        if entry.profile_name is not None and earlier.profile_name == entry.profile_name:
            return earlier
    return None


def compare(previous: InspectedToken, entry: InspectedToken) -> tuple[TokenDiff, str | None]:
    """The diff from `previous` to `entry`, and the managed-identity cache note if it applies."""
    from entra_tui.core.token_diff import diff_tokens, platform_cache_note

    return diff_tokens(previous.token, entry.token), platform_cache_note(previous.token,
                                                                         entry.token)


def fresh_token_status(previous: InspectedToken | None, entry: InspectedToken,
                       compare_key: str = "=") -> str | None:
    """After a fresh token (A): how many claims changed since the profile's previous token,
    with the key that shows the comparison (`compare_key`, the user's where remapped); None
    when there is nothing to compare."""
    if previous is None:
        return None
    diff, note = compare(previous, entry)
    if note is not None:
        return note
    if diff.identical:
        return f"The same token came back (press {compare_key} to compare)."
    return (f"{diff.summary().capitalize()} since the previous token (press {compare_key} to "
            "compare).")
