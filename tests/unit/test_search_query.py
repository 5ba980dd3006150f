"""Parsing archive queries: which index each term goes to, and safe FTS5 strings."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup_tui.domain.archive.search_query import fts_string, parse_query, short_tokens


@pytest.mark.parametrize(
    ("raw", "terms"),
    [
        ("色差", [("色差", "short")]),
        ("深圳市 质检", [("深圳市", "long"), ("质检", "short")]),
        ("质检PO-1", [("质检", "short"), ("PO-1", "long")]),
        ("PO-2026-00123", [("PO-2026-00123", "long")]),
        ('"color difference" po', [("color difference", "long"), ("po", "short")]),
        ("ＰＯ－２０２６", [("PO-2026", "long")]),  # full-width from an input method
        ("破损 破损 -", [("破损", "short")]),
        ("   ", []),
    ],
)
def test_terms_and_kinds(raw: str, terms: list[tuple[str, str]]) -> None:
    assert [(term.text, term.kind) for term in parse_query(raw).terms] == terms


def test_expressions() -> None:
    query = parse_query('深圳市 质检 po say"hi"')
    assert query.fts_expression == '"深圳市" AND "say""hi"""'
    assert query.cjk_expression == '"质 检" AND "po"*'
    assert fts_string('say "hi"') == '"say ""hi"""'
    assert short_tokens("A色_1") == ("a", "色", "1")


@given(st.text(max_size=40))
def test_any_query_is_valid_fts5(raw: str) -> None:
    """Whatever a clerk types, both expressions parse in FTS5 and never raise."""
    query = parse_query(raw)
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(a, tokenize='trigram')")
    connection.execute("CREATE VIRTUAL TABLE c USING fts5(a)")
    for table, expression in (("t", query.fts_expression), ("c", query.cjk_expression)):
        if expression is not None:
            connection.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (expression,))
    for term in query.terms:
        assert (term.kind == "long") == (len(term.text) >= 3)
    connection.close()


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("色差", '"色 差"'),  # two adjacent characters, not anywhere in the document
        ("破", '"破"'),
        ("PO", '"po"*'),  # a Latin token may continue: PO finds PO-2026
        ("12", '"12"*'),
        ("A色", '"a 色"'),
        ("色A", '"色 a"*'),
        ("-", ""),  # nothing a token can hold
    ],
)
def test_short_terms_as_phrases(text: str, phrase: str) -> None:
    from followup_tui.domain.archive.search_query import Term

    assert Term(text, "short").cjk == phrase


@pytest.mark.parametrize(
    ("raw", "long_terms", "short_terms"),
    [
        ("B/L COSU123456789", ["B/L", "COSU123456789"], []),  # 3 characters: trigrams
        ("色差 破损 质检报告", ["质检报告"], ["色差", "破损"]),
        ("Carton carton CARTON", ["Carton"], []),  # the same term once, case ignored
        ('"外箱 破损"', ["外箱 破损"], []),  # a quoted phrase keeps its blank
        ("深圳市\x00质检", ["深圳市"], ["质检"]),
        ("x" * 300, ["x" * 200], []),  # the search box's limit
    ],
)
def test_long_and_short_terms(raw: str, long_terms: list[str], short_terms: list[str]) -> None:
    query = parse_query(raw)
    assert [term.text for term in query.long_terms] == long_terms
    assert [term.text for term in query.short_terms] == short_terms


def test_texts_longest_first_for_snippets() -> None:
    assert parse_query("色 深圳市 质检").texts == ("深圳市", "质检", "色")
    assert not parse_query("- / ,")
    assert parse_query("- / ,").fts_expression is None
    assert parse_query("- / ,").cjk_expression is None


WORDS = ["色差", "破损", "深圳市", "PO-2026-00123", "carton", "po"]


@given(st.lists(st.sampled_from(WORDS), max_size=12))  # 12 words stay under MAX_QUERY
def test_terms_keep_their_order_and_kind(words: list[str]) -> None:
    query = parse_query(" ".join(words))
    expected = list(dict.fromkeys(word.casefold() for word in words))
    assert [term.text.casefold() for term in query.terms] == expected
    assert all(term.fts.startswith('"') and term.fts.endswith('"') for term in query.terms)
