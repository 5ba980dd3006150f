"""One customer matcher everywhere: ``hq`` finds 华强 in the queue, the archive (search
and customer facet), the complaint list and the triage's filter alike.

Before, the queue matched pinyin initials anywhere in the name's initials while the
archive matched them only from the start (``szshq``) and the complaints not at all, so
the README's example worked in one place of three.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from followup_tui.domain.orders.rules import OrderDraft
from followup_tui.domain.text import customer_matches, customer_needle, pinyin_initials
from followup_tui.services.archive.index import index_document
from followup_tui.services.archive.search import count_hits, search
from followup_tui.services.complaints.queue import load_open_complaints
from followup_tui.services.complaints.steps import ComplaintDraft, create_complaint
from followup_tui.services.orders.entry import create_order
from followup_tui.store.archive_models import Document, DocumentText
from followup_tui.store.models import Customer
from followup_tui.store.unit_of_work import StoreContext

FILED = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
HUAQIANG = "深圳市华强电子有限公司"  # initials szshqdzyxgs: "hq" is in the middle
HAITIAN = "宁波海天塑机集团"  # nbhtsjjt


def test_the_rule_is_a_substring_of_the_name_or_of_its_initials() -> None:
    initials = pinyin_initials(HUAQIANG)
    assert customer_matches(customer_needle(" HQ "), HUAQIANG, initials)
    assert customer_matches(customer_needle("华强"), HUAQIANG, initials)
    assert customer_matches(customer_needle("ｈｑ"), HUAQIANG, initials)  # full width
    assert not customer_matches(customer_needle("nbht"), HUAQIANG, initials)


def _file(ctx: StoreContext, number: int, customer: str, body: str) -> int:
    with ctx.write() as session:
        row = Customer(
            name=customer,
            name_initials=pinyin_initials(customer),
            name_folded=customer,
            created_at=FILED,
        )
        session.add(row)
        session.flush()
        meta = f"contract {customer} {pinyin_initials(customer)}"
        document = Document(
            sha256=f"{number:064x}",
            title=f"Contract {number}",
            filename=f"doc{number}.txt",
            kind="contract",
            kind_guessed="contract",
            order_no=f"PO-2026-{number:05d}",
            customer_id=row.id,
            customer_name=customer,
            fields="{}",
            size=len(body),
            extension="txt",
            text_status="indexed",
            filed_by="tester",
            filed_at=FILED,
        )
        session.add(document)
        session.flush()
        session.add(DocumentText(document_id=document.id, body=body))
        index_document(session.connection(), document.id, document.title, meta, body)
        return document.id


def test_the_archive_finds_customers_by_initials_in_search_and_facet(
    store_ctx: StoreContext,
) -> None:
    huaqiang = _file(store_ctx, 1, HUAQIANG, "外观良好，无色差。")
    _file(store_ctx, 2, HAITIAN, "Carton count 120.")
    hits = [hit.document.id for hit in search(store_ctx, "hq").hits]
    assert hits == [huaqiang]
    assert count_hits(store_ctx, "hq") == 1
    assert [hit.document.id for hit in search(store_ctx, "", customer="hq").hits] == [huaqiang]
    assert [hit.document.id for hit in search(store_ctx, "色差 hq").hits] == [huaqiang]
    assert search(store_ctx, "色差 nb").hits == ()  # every term is still required


def test_the_complaints_find_customers_by_initials(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    haitian = create_order(store_ctx, make_draft(customer=HAITIAN))
    create_order(store_ctx, make_draft())  # 华强
    case = create_complaint(
        store_ctx, ComplaintDraft(haitian.order_no, category="quality", description="Cracked")
    )
    assert [row.id for row in load_open_complaints(store_ctx, customer="nbht")] == [case.row.id]
    assert [row.id for row in load_open_complaints(store_ctx, customer="HT")] == [case.row.id]
    # the triage filters the cases it holds with the same rule, from the initials read
    [row] = load_open_complaints(store_ctx)
    assert row.customer_initials == pinyin_initials(HAITIAN)
    assert customer_matches(customer_needle("nbht"), row.customer, row.customer_initials)
