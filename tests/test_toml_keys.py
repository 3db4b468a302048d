"""Renaming one key of a TOML document changes only the text that spells that key."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entra_tui.core.toml_keys import key_spans, rename_key, spell_key

TRICKY = "\n".join([
    "# [profiles.a] in a comment",
    r'title = "[profiles.a] in a string # not a comment \" ["',
    'lines = """',
    "[profiles.a]",
    r'a.b = "\""" """""',
    "raw = '''",
    "[profiles.a] ''''",
    "when = 1979-05-27 07:32:00Z",
    'nested = [ [1, 2], { a = "in an array", "b" = { c = 1 } }, # comment',
    '  "]" ]  # ] in a string',
    "",
    '[ profiles . a ]   # ["x"] in a comment',
    '"a.b" = 1',
    "'c' = \"}\"",
    'a.b = { "x.y" = [1], z = { a = 2 } }',
    "",
    '[profiles."a".sub]',
    "a = 1",
    "",
    "[[profiles.a.list]]",
    "a = 1",
    "",
    "[\"profiles\".'b']",
    "a = 1",
    "",
])


def test_only_the_spellings_of_the_key_change() -> None:
    renamed = rename_key(TRICKY, ("profiles",), "a", "a2")
    assert renamed == (TRICKY.replace("[ profiles . a ]", "[ profiles . a2 ]")
                       .replace('[profiles."a".sub]', '[profiles."a2".sub]')
                       .replace("[[profiles.a.list]]", "[[profiles.a2.list]]"))


def test_keys_under_the_renamed_one_keep_their_names() -> None:
    spans = {span.path for span in key_spans(TRICKY)}
    assert ("profiles", "a", "a.b") in spans and ("profiles", "a", "a", "b", "x.y") in spans
    assert ("nested",) in spans and not any("in an array" in str(p) for p in spans)


@pytest.mark.parametrize(("name", "like", "spelled"), [
    ("orders2", "orders", "orders2"), ("orders2", '"orders"', '"orders2"'),
    ("orders2", "'orders'", "'orders2'"), ("v1.2", "orders", '"v1.2"'),
    ("東京", "'x'", "'東京'"), ("tab\there", "x", '"tab\\there"'), ("del\x7f", "x", '"del\\u007f"'),
])
def test_a_new_name_is_quoted_as_the_old_one_was_where_it_can_be(
        name: str, like: str, spelled: str) -> None:
    assert spell_key(name, like) == spelled
    assert tomllib.loads(f"{spelled} = 1") == {name: 1}


def test_a_key_that_is_not_there_is_refused() -> None:
    with pytest.raises(ValueError):
        rename_key("[profiles.a]\nx = 1\n", ("profiles",), "b", "c")
    with pytest.raises(ValueError):  # the new name is taken: the check sees a change
        rename_key("[profiles.a]\nx = 1\n[profiles.c]\nx = 2\n", ("profiles",), "a", "c")


keys = st.sampled_from(["a", "b", '"a"', "'b'", '"c d"', "x"])
values = st.sampled_from(['1', '"s"', "'[profiles.a]'", '"""\n[profiles.a]\n"""', "[1, \n 2]",
                          '{ a = 1, "b" = [2] }', "2024-01-01 10:00:00"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Profile tables in the layouts TOML allows, with keys and values that look alike."""
    parts, seen = [], set()
    for name in draw(st.lists(keys, min_size=1, max_size=4, unique=True)):
        bare = tomllib.loads(f"{name} = 1").popitem()[0]
        if bare in seen:
            continue
        seen.add(bare)
        pairs = draw(st.dictionaries(st.sampled_from(["k", "l", '"m n"']), values,
                                     min_size=1, max_size=3)).items()
        layout = draw(st.sampled_from(["header", "spaced", "dotted"]))
        body = "".join(f"{k} = {v}\n" for k, v in pairs)
        if layout == "header":
            parts.append(f"# {name}\n[profiles.{name}]  # c\n{body}")
        elif layout == "spaced":
            parts.append(f"[ profiles . {name} ]\n{body}")
        else:
            parts.append("".join(f"profiles.{name}.{k} = {v}\n" for k, v in pairs))
    dotted = [p for p in parts if not p.lstrip().startswith(("[", "#"))]
    return "".join(dotted) + "\n".join(p for p in parts if p not in dotted)


@given(documents())
def test_renaming_any_profile_moves_nothing_else(text: str) -> None:
    profiles = tomllib.loads(text)["profiles"]
    for old in profiles:
        renamed = rename_key(text, ("profiles",), old, "renamed-profile")  # checks itself
        assert list(tomllib.loads(renamed)["profiles"]) == [
            "renamed-profile" if key == old else key for key in profiles]
        spans = [span for span in key_spans(text) if span.path == ("profiles", old)]
        assert renamed.startswith(text[:spans[0].start])
        assert renamed.endswith(text[spans[-1].end:])
