"""Archive search on a small corpus: what each kind of term finds, and what it must not.

The corpus is written straight into the tables (document row, its text, both indexes
through ``index_document``) so these tests depend only on the store and the search.
The mixed query ``深圳市 质检`` is the trap seen on SQLite 3.40: a trigram MATCH silently
drops the 2-character term, so a document holding only 深圳市 would be found.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from followup_tui.domain.text import pinyin_initials
from followup_tui.services.archive.index import index_document
from followup_tui.services.archive.search import count_hits, search, snippet
from followup_tui.store.archive_models import Document, DocumentText
from followup_tui.store.models import Customer

FILED = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)

CORPUS: tuple[dict[str, Any], ...] = (
    {
        "title": "质检报告 PO-2026-00123",
        "kind": "qc_report",
        "order_no": "PO-2026-00123",
        "customer": "深圳市华强电子有限公司",
        "body": "抽检发现色差明显，外箱破损三箱。Shade variation found.",
    },
    {
        "title": "Packing list",
        "kind": "packing_list",
        "order_no": "PO-2026-00124",
        "customer": "宁波宏达贸易有限公司",
        "body": "颜色一致，差价另议。Carton count 120, no damage.",
    },
    {
        "title": "提单 COSU123456789",
        "kind": "bill_of_lading",
        "order_no": "PO-2026-00125",
        "customer": "深圳市华强电子有限公司",
        "body": "B/L No. COSU123456789 vessel loading 深圳市 盐田港",
    },
    {
        "title": "邮件",
        "kind": "email",
        "order_no": "PO-2026-00126",
        "customer": "Acme GmbH",
        "body": "深圳市工厂质检合格，安排出货。Inspection passed.",
    },
    {
        "title": "Commercial invoice",
        "kind": "commercial_invoice",
        "order_no": "PO-2026-00127",
        "customer": "宁波宏达贸易有限公司",
        "body": "Invoice for damaged goods credit: 破损补偿 USD 300.",
    },
    {
        "title": "Contract",
        "kind": "contract",
        "order_no": "PO-2026-00128",
        "customer": "Acme GmbH",
        "body": "颜色 偏差 允许范围；color difference tolerance 0.5.",
    },
)


def _file(session: Any, number: int, spec: dict[str, Any], customers: dict[str, int]) -> int:
    initials = pinyin_initials(spec["customer"])
    row = Document(
        sha256=f"{number:064x}",
        title=spec["title"],
        filename=f"doc{number}.txt",
        kind=spec["kind"],
        kind_guessed=spec["kind"],
        order_no=spec["order_no"],
        customer_id=customers.get(spec["customer"]),
        customer_name=spec["customer"],
        doc_date=date(2026, 10, number + 1),
        size=len(spec["body"]),
        extension="txt",
        text_status="indexed",
        fields=json.dumps({"bl_no": "COSU123456789"} if number == 2 else {}),
        filed_at=FILED + timedelta(hours=number),
        filed_by="clerk" if number % 2 else "lead",
    )
    session.add(row)
    session.flush()
    session.add(DocumentText(document_id=row.id, body=spec["body"]))
    meta = f"{spec['kind']} {spec['order_no']} {spec['customer']} {initials} doc{number}.txt"
    index_document(session.connection(), row.id, spec["title"], meta, spec["body"])
    return row.id


@pytest.fixture
def corpus(store_ctx: Any) -> tuple[Any, list[int]]:
    with store_ctx.write() as session:
        customers: dict[str, int] = {}
        for name in ("深圳市华强电子有限公司", "宁波宏达贸易有限公司"):
            customer = Customer(
                name=name, name_initials=pinyin_initials(name), name_folded=name, created_at=FILED
            )
            session.add(customer)
            session.flush()
            customers[name] = customer.id
        ids = [_file(session, number, spec, customers) for number, spec in enumerate(CORPUS)]
    return store_ctx, ids


def found(ctx: Any, query: str, **filters: Any) -> list[int]:
    return [hit.document.id for hit in search(ctx, query, **filters).hits]


def test_two_character_chinese_is_found_without_false_hits(corpus: tuple[Any, list[int]]) -> None:
    ctx, ids = corpus
    # Document 1 holds 色 and 差 apart (颜色一致，差价): it must not match 色差.
    assert found(ctx, "色差") == [ids[0]]
    assert found(ctx, "破损") == [ids[4], ids[0]]
    assert count_hits(ctx, "色差") == 1


def test_longer_chinese_and_english(corpus: tuple[Any, list[int]]) -> None:
    ctx, ids = corpus
    assert found(ctx, "质检报告") == [ids[0]]
    assert found(ctx, "inspection") == [ids[3]]
    assert found(ctx, "DAMAGE") == [ids[4], ids[1]]  # substring, any case


def test_mixed_terms_are_all_required(corpus: tuple[Any, list[int]]) -> None:
    ctx, ids = corpus
    # ids[2] holds 深圳市 but not 质检; the trigram index alone would return it.
    assert found(ctx, "深圳市 质检") == [ids[3], ids[0]]
    assert ids[2] not in found(ctx, "深圳市 质检")
    assert found(ctx, "深圳市工厂质检合格") == [ids[3]]  # one run of 3+ characters
    assert count_hits(ctx, "深圳市 质检") == 2


@pytest.mark.parametrize("rare_below", [0, 10_000], ids=["long-term-drives", "short-term-drives"])
def test_mixed_terms_give_the_same_page_whichever_side_drives(
    corpus: tuple[Any, list[int]], monkeypatch: pytest.MonkeyPatch, rare_below: int
) -> None:
    """A mixed query is walked on its rarer side; both plans must find the same page."""
    from followup_tui.services.archive import search as search_module

    ctx, ids = corpus
    monkeypatch.setattr(search_module, "RARE_SHORT", rare_below)
    assert found(ctx, "深圳市 质检") == [ids[3], ids[0]]
    assert found(ctx, '"PO-2026-0012" 破损') == [ids[4], ids[0]]


def test_numbers(corpus: tuple[Any, list[int]]) -> None:
    ctx, ids = corpus
    assert found(ctx, "PO-2026-00123") == [ids[0]]
    assert found(ctx, "COSU123456789") == [ids[2]]
    assert found(ctx, "00125") == [ids[2]]
    assert found(ctx, '"PO-2026-0012" 破损') == [ids[4], ids[0]]


def test_punctuation_and_quotes_are_literal(corpus: tuple[Any, list[int]]) -> None:
    ctx, _ids = corpus
    for query in ('"', '"" OR', "NEAR(a b)", "title:x", "*", "-", 'a"b"c'):
        search(ctx, query)  # no FTS5 syntax error
    assert found(ctx, "-") == []


def test_pinyin_initials_find_customers(corpus: tuple[Any, list[int]]) -> None:
    ctx, ids = corpus
    assert found(ctx, "szshq") == [ids[2], ids[0]]
    assert found(ctx, "", customer="nbhd") == [ids[4], ids[1]]
    assert found(ctx, "", customer="华强") == [ids[2], ids[0]]


def test_filters_and_empty_query(corpus: tuple[Any, list[int]]) -> None:
    ctx, ids = corpus
    assert found(ctx, "") == list(reversed(ids))
    assert found(ctx, "", kind="qc_report") == [ids[0]]
    assert found(ctx, "破损", kind="commercial_invoice") == [ids[4]]
    assert found(ctx, "", order_no="PO-2026-00125") == [ids[2]]
    october = {"date_from": date(2026, 10, 2), "date_to": date(2026, 10, 3)}
    assert found(ctx, "", **october) == [ids[2], ids[1]]
    assert found(ctx, "", filed_by="lead") == [ids[4], ids[2], ids[0]]
    assert count_hits(ctx, "", filed_by="lead") == 3


def test_newest_first_and_paging(corpus: tuple[Any, list[int]]) -> None:
    ctx, ids = corpus
    everything = list(reversed(ids))
    pages = [found(ctx, "", limit=2, offset=offset) for offset in (0, 2, 4, 6)]
    assert pages == [everything[0:2], everything[2:4], everything[4:6], []]
    ranks = [hit.rank for hit in search(ctx, "", limit=2, offset=2).hits]
    assert ranks == [3, 4]


def test_snippets_flag_the_match(corpus: tuple[Any, list[int]]) -> None:
    ctx, _ids = corpus
    (hit,) = search(ctx, "色差").hits
    assert ("色差", True) in hit.snippet
    assert "".join(piece for piece, _ in hit.snippet) == CORPUS[0]["body"]
    (hit,) = search(ctx, "shade").hits
    assert ("Shade", True) in hit.snippet


def test_snippet_window_and_case() -> None:
    pieces = snippet("x" * 100 + " Carton DAMAGED " + "y" * 200, ["damaged", "carton"])
    assert pieces[0] == ("…", False) and pieces[-1] == ("…", False)
    assert [piece for piece, flagged in pieces if flagged] == ["Carton", "DAMAGED"]
    assert snippet("", ["x"]) == ()
    assert snippet("no match here", ["zz"]) == (("no match here", False),)


def test_short_terms_never_reach_the_trigram_index(corpus: tuple[Any, list[int]]) -> None:
    """The plan of a 2-character query reads documents_cjk, never LIKE on documents_fts."""
    from sqlalchemy import text

    from followup_tui.domain.archive.search_query import parse_query
    from followup_tui.services.archive.search import Filters, _compose

    ctx, _ids = corpus
    with ctx.read() as session:
        body, params = _compose(session, parse_query("质检"), Filters())
        assert "documents_cjk MATCH" in body and "documents_fts" not in body
        assert "LIKE" not in body
        plan = session.execute(text(f"EXPLAIN QUERY PLAN SELECT d.id{body}"), params).all()
    assert any("VIRTUAL TABLE" in str(row) for row in plan)
    assert not any("SCAN d" in str(row) for row in plan)


@pytest.fixture
def cli_env(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOLLOWUP_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("FOLLOWUP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FOLLOWUP_DB", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("COLUMNS", "200")


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    import contextvars

    from followup_tui.cli import main

    code = contextvars.copy_context().run(main, list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return code, out


def test_cli_json_is_the_service_result(
    corpus: tuple[Any, list[int]],
    cli_env: None,
    tmp_path: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from followup_tui.cli.search import hit_json

    ctx, _ids = corpus
    db = str(tmp_path / "desk.db")
    _code, out = cli(capsys, "search", "破损", "--db", db, "--json")
    data = json.loads(out)
    expected = [hit_json(hit) for hit in search(ctx, "破损").hits]
    assert data["hits"] == json.loads(json.dumps(expected))
    assert data["total"] == count_hits(ctx, "破损") == 2
    assert set(data["hits"][0]) == {
        "rank",
        "id",
        "title",
        "filename",
        "kind",
        "order_no",
        "customer",
        "doc_date",
        "filed_at",
        "filed_by",
        "sha256",
        "snippet",
    }
    _code, out = cli(
        capsys, "search", "", "--customer", "nbhd", "--kind", "packing_list", "--db", db, "--json"
    )
    assert [hit["order_no"] for hit in json.loads(out)["hits"]] == ["PO-2026-00124"]


def test_cli_text_marks_the_match_and_escapes(
    corpus: tuple[Any, list[int]],
    cli_env: None,
    tmp_path: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ctx, _ids = corpus
    with ctx.write() as session:
        _file(session, 9, {**CORPUS[0], "body": "色差 \x1b[2J [bold]x[/bold]"}, {})
    _code, out = cli(capsys, "search", "色差", "--db", str(tmp_path / "desk.db"))
    assert "【色差】" in out and "PO-2026-00123" in out
    assert "\x1b" not in out and "\\x1b[2J" in out and "[bold]x[/bold]" in out
    assert "2 of 2 documents." in out
