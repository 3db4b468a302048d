"""The claims table draws every claim whole: row heights come from the wrap that draws the
cells (Rich's, by cell width), so wide characters, long notes and lists are never cut. It
keeps the lines it drew for the last few tokens, and only for those."""

from __future__ import annotations

import gc

import pytest
from test_token import IAT, make
from textual.app import App, ComposeResult

from entra_tui.core.token import decode_token
from entra_tui.core.wellknown import DIRECTORY_ROLES
from entra_tui.ui.widgets.claims_table import CLAIM_WIDTH, KEPT_TOKENS, ClaimsTable, Row

WIDS = list(DIRECTORY_ROLES)[:5]
CJK = "東京都千代田区丸の内一丁目" * 7  # 91 characters, 182 cells
EMOJI = "🔑🛡️🚀" * 20
GROUPS = [f"{n:08x}-69f5-4237-9190-012177145e10" for n in range(12)]
TOKEN = make({"aud": "00000003-0000-0000-c000-000000000000", "iat": IAT, "exp": IAT + 3600,
              "wids": WIDS, "cjk": CJK, "emoji": EMOJI, "groups": GROUPS,
              "roles": ["Orders.Read.All", "Orders.Write"], "ver": "1.0"})


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ClaimsTable(lambda: IAT + 60, id="claims")


def value_column(table: ClaimsTable) -> dict[str, list[str]]:
    """What each row shows in the value column, line by line, as drawn."""
    start = 1 + CLAIM_WIDTH + 2  # padding, the claim column, its padding, the value's padding
    end = start + table._widths[1]
    rows: dict[str, list[str]] = {}
    for y in range(1, table.size.height):
        line = table.scroll_offset.y + y - 1
        names = [i for i, top in enumerate(table._tops) if top <= line]
        if not names or line >= table._tops[-1] + table.row_height(table.row_count - 1):
            break
        name = table._rows[names[-1]].name
        strip = table.render_line(y)
        rows.setdefault(name, []).append(strip.crop(start, end).text.rstrip())
    return rows


# Table widths where the value column is 36 or 18 cells (a GUID's length and half of it),
# the widths where ", " between GUIDs used to strand a comma; and the 120 columns.
@pytest.mark.parametrize("width", [40, 49, 57, 86, 87, 118, 120, 200])
async def test_every_claim_is_drawn_whole(width: int) -> None:
    app = TableApp()
    async with app.run_test(size=(width, 150)) as pilot:
        table = app.query_one(ClaimsTable)
        table.show_token(decode_token(TOKEN))
        await pilot.pause()
        shown = value_column(table)
        words = " ".join(" ".join(lines) for lines in shown.values()).split()
        flowing = " ".join(words)
        for role in (DIRECTORY_ROLES[w] for w in WIDS):
            assert role in flowing, (role, shown["wids"])
        assert CJK in "".join(shown["cjk"]).replace(" ", "")
        assert EMOJI in "".join(shown["emoji"]).replace(" ", "")
        for group in GROUPS:
            assert group in "".join(shown["groups"]).replace(" ", "").replace(",", "")
        for lines in shown.values():  # no separator left alone on a line
            assert all(line.strip() not in {",", ";"} for line in lines), lines
        # Each row is exactly as tall as what it draws (no blank tail, nothing cut).
        for index in range(table.row_count):
            lines = table._rows[index].wrapped
            assert table.row_height(index) == max(len(cell) for cell in lines)


async def test_a_value_shortened_for_the_screen_says_so() -> None:
    app = TableApp()
    async with app.run_test(size=(100, 60)) as pilot:
        table = app.query_one(ClaimsTable)
        table.show_token(decode_token(make({"blob": "語" * 5000})))
        await pilot.pause()
        assert "… (3,000 more characters; r shows them all)" in str(table.get_row("blob")[1])


@pytest.mark.parametrize("width", [12, 18, 36])
def test_a_fold_leaves_no_punctuation_alone_at_the_start_of_a_line(width: int) -> None:
    from rich.console import Console
    from rich.text import Text

    from entra_tui.ui.widgets.claims_table import wrap_cell

    guid = "00000003-0000-0000-c000-000000000000"
    for text in (f"→ Microsoft Graph (app id {guid})", f"{guid}, next"):
        lines = wrap_cell(Text(text), Console(), width)
        assert all(line.plain[:1] not in {")", ","} for line in lines), lines
        assert "".join(line.plain for line in lines).replace(" ", "") == text.replace(" ", "")


def numbered_tokens(count: int) -> list[str]:
    return [make({"aud": "api://orders", "iat": IAT, "exp": IAT + 3600, "n": n,
                  "roles": ["Orders.Read.All", "Orders.Write"], "groups": GROUPS})
            for n in range(count)]


async def test_lines_drawn_for_a_token_go_when_it_is_no_longer_kept() -> None:
    """A long session shows thousands of tokens. What the table drew for one lives as long
    as the table keeps that token: every full collection of the garbage collector walks
    whatever stays, and a table that held the lines of tokens long gone made those pauses
    grow through the session (issue 18's soak)."""
    def rows_alive() -> list[Row]:
        gc.collect()
        return [row for row in gc.get_objects() if isinstance(row, Row)]

    before = len(rows_alive())  # an earlier test's table may not be collected yet
    app = TableApp()
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(ClaimsTable)
        per_token = 0
        for token in numbered_tokens(5 * KEPT_TOKENS):
            table.show_token(decode_token(token))
            await pilot.pause()
            per_token = max(per_token, table.row_count)
        rows = rows_alive()
        assert len(rows) - before <= KEPT_TOKENS * per_token, (len(rows), before, per_token)
        # A row keeps a line per state it was drawn in (plain or striped, under the cursor).
        assert all(len(row.drawn) <= 2 * row.height for row in rows)


async def test_a_token_shown_again_is_drawn_with_the_lines_it_drew(
        monkeypatch: pytest.MonkeyPatch) -> None:
    styled: list[object] = []
    original = ClaimsTable._styled

    def counting(*args: object) -> object:
        styled.append(args)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(ClaimsTable, "_styled", staticmethod(counting))
    app = TableApp()
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(ClaimsTable)
        first, *others = [decode_token(token) for token in numbered_tokens(KEPT_TOKENS)]
        table.show_token(first)
        await pilot.pause()
        assert styled, "drawn"
        for token in others:  # the kept few, the first among them
            table.show_token(token)
            await pilot.pause()
        before = len(styled)
        table.show_token(first)
        await pilot.pause()
        assert len(styled) == before, "redrawn"
