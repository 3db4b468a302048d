"""The in-memory history of inspected tokens."""

from __future__ import annotations

from test_token import CLAIMS, make

from entra_tui.core.history import InspectedToken, TokenHistory
from entra_tui.core.token import decode_token

TOKEN = decode_token(make(CLAIMS))


def entry(name: str | None = None) -> InspectedToken:
    return InspectedToken(token=TOKEN, origin="test", added_at=0, profile_name=name)


def test_history_is_bounded_and_steps_clamp() -> None:
    history = TokenHistory(limit=3)
    entries = [history.add(entry(f"p{i}")) for i in range(5)]
    assert len(history) == 3
    assert history.position(entries[0]) is None
    assert history.step(entries[4], -1) is entries[3]
    assert history.step(entries[2], -5) is entries[2]
    assert history.step(entries[4], 1) is entries[4]
    assert history.step(entries[0], 0) is entries[4]  # dropped off: newest instead
    assert history.latest_for("p3") is entries[3]
    assert history.find(entries[2].id) is entries[2]


def test_repr_never_shows_the_token() -> None:
    assert TOKEN.raw not in repr(entry())
