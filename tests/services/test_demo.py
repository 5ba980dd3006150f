"""The demo data set: reproducible, realistic enough to try the desk on, and consistent
with what the order services would have written for the same orders."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from followup_tui.demo import bulk as demo_bulk
from followup_tui.demo import dataset as demo
from followup_tui.demo import plans as demo_plans
from followup_tui.demo.catalog import load_catalog
from followup_tui.demo.dataset import DemoSummary, load_demo
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders import lifecycle
from followup_tui.domain.orders.lifecycle import OPEN_STATUSES, OrderStatus
from followup_tui.domain.text import fold, pinyin_initials
from followup_tui.services.orders.entry import draft_from_order, edit_order, get_order
from followup_tui.store import schema
from followup_tui.store.location import parse_store
from followup_tui.store.models import Customer, Milestone, Note, Order, OrderLine
from followup_tui.store.unit_of_work import StoreContext, open_store

TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
UNDELIVERED = sorted(
    s.value for s in OPEN_STATUSES if s not in (OrderStatus.DELIVERED, OrderStatus.ACCEPTED)
)

OpenStore = Callable[..., StoreContext]


@pytest.fixture
def open_demo_store(tmp_path: Path) -> Iterator[OpenStore]:
    """``open_demo_store("a")``: a fresh, upgraded SQLite file store acting as ``tester``."""
    opened: list[StoreContext] = []

    def factory(name: str = "d", *, now: datetime = NOW) -> StoreContext:
        ctx = open_store(
            parse_store(str(tmp_path / f"{name}.db")), actor="tester", clock=lambda: now
        )
        schema.upgrade(ctx.engine)
        opened.append(ctx)
        return ctx

    yield factory
    for ctx in opened:
        ctx.dispose()


def rows(ctx: StoreContext, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Raw rows, as stored: the comparisons below are about what is in the file."""
    assert ctx.location.path is not None
    with closing(sqlite3.connect(ctx.location.path)) as db:
        return db.execute(sql, [str(p) if isinstance(p, date) else p for p in params]).fetchall()


def scalar(ctx: StoreContext, sql: str, *params: Any) -> Any:
    return rows(ctx, sql, *params)[0][0]


@pytest.fixture
def loaded(open_demo_store: OpenStore) -> tuple[StoreContext, DemoSummary]:
    ctx = open_demo_store()
    return ctx, load_demo(ctx, today=TODAY)


def test_same_seed_and_day_give_the_same_orders(open_demo_store: OpenStore) -> None:
    first, second, other = open_demo_store("a"), open_demo_store("b"), open_demo_store("c")
    load_demo(first, orders=400, seed=3, today=TODAY)
    load_demo(second, orders=400, seed=3, today=TODAY)
    load_demo(other, orders=400, seed=4, today=TODAY)

    def dump(ctx: StoreContext) -> tuple[list[tuple[Any, ...]], ...]:
        return (
            rows(ctx, "SELECT * FROM orders ORDER BY id"),
            rows(ctx, "SELECT * FROM order_lines ORDER BY id"),
            rows(ctx, "SELECT * FROM notes ORDER BY id"),
        )

    assert dump(first) == dump(second)
    assert dump(first)[0] != dump(other)[0]


def test_today_defaults_to_the_clock_in_shanghai(open_demo_store: OpenStore) -> None:
    # 20:00 UTC on the 27th is already the 28th in Shanghai.
    late_evening = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    implicit = open_demo_store("implicit", now=late_evening)
    explicit = open_demo_store("explicit", now=late_evening)
    load_demo(implicit, orders=200)
    load_demo(explicit, orders=200, today=date(2026, 11, 28))
    query = "SELECT * FROM orders ORDER BY id"
    assert rows(implicit, query) == rows(explicit, query)


def test_the_summary_counts_what_is_in_the_tables(
    loaded: tuple[StoreContext, DemoSummary],
) -> None:
    ctx, summary = loaded
    catalog = load_catalog()
    assert summary.orders == 300 == scalar(ctx, "SELECT count(*) FROM orders")
    assert summary.lines == scalar(ctx, "SELECT count(*) FROM order_lines")
    assert summary.notes == scalar(ctx, "SELECT count(*) FROM notes")
    assert summary.customers == scalar(ctx, "SELECT count(*) FROM customers")
    assert summary.products == scalar(ctx, "SELECT count(*) FROM products")
    assert summary.suppliers == scalar(ctx, "SELECT count(*) FROM suppliers")
    assert (summary.customers, summary.products, summary.suppliers) == (
        len(catalog.customers),
        len(catalog.products),
        len(catalog.suppliers),
    )
    assert 50 <= summary.customers <= 70 and 70 <= summary.products <= 90
    assert 300 <= summary.lines <= 900  # 1-3 lines per order
    assert 0 < summary.notes <= 900  # 0-3 notes per order
    assert summary.seconds > 0


def test_one_change_log_row_per_table_loaded(loaded: tuple[StoreContext, DemoSummary]) -> None:
    ctx, summary = loaded
    log = rows(ctx, "SELECT entity, entity_id, action, actor, at, diff FROM change_log")
    assert {(entity, action, actor) for entity, _, action, actor, _, _ in log} == {
        ("demo", "insert", "tester")
    }
    diffs = {table: change for *_, diff in log for table, change in json.loads(diff).items()}
    assert diffs == {
        "customers": [None, summary.customers],
        "products": [None, summary.products],
        "suppliers": [None, summary.suppliers],
        "orders": [None, summary.orders],
        "order_lines": [None, summary.lines],
        "notes": [None, summary.notes],
        "milestones": [None, summary.milestones],
        "milestone_links": [None, scalar(ctx, "SELECT count(*) FROM milestone_links")],
        "complaints": [None, summary.complaints],
        "complaint_pauses": [None, scalar(ctx, "SELECT count(*) FROM complaint_pauses")],
        "complaint_clocks": [None, scalar(ctx, "SELECT count(*) FROM complaint_clocks")],
        "documents": [None, summary.documents],
        "document_texts": [None, summary.documents],
    }
    assert summary.complaints == scalar(ctx, "SELECT count(*) FROM complaints") == 25


def test_every_lifecycle_status_and_a_realistic_mix(
    loaded: tuple[StoreContext, DemoSummary],
) -> None:
    ctx, _ = loaded
    statuses = Counter(dict(rows(ctx, "SELECT status, count(*) FROM orders GROUP BY status")))
    assert set(statuses) == {s.value for s in OrderStatus}

    marks = ", ".join("?" for _ in UNDELIVERED)
    undelivered = f"FROM orders WHERE status IN ({marks})"
    open_count = sum(statuses[s.value] for s in OPEN_STATUSES)
    late = scalar(ctx, f"SELECT count(*) {undelivered} AND due_date < ?", *UNDELIVERED, TODAY)
    at_risk = scalar(
        ctx,
        f"SELECT count(*) {undelivered} AND due_date BETWEEN ? AND date(?, '+3 day')",
        *UNDELIVERED,
        TODAY,
        TODAY,
    )
    assert 0.03 * open_count <= late <= 0.12 * open_count
    assert at_risk > 0
    # Orders due long ago are done: delivered, accepted, closed (or cancelled).
    long_past = dict(
        rows(
            ctx,
            "SELECT status, count(*) FROM orders WHERE due_date < date(?, '-60 day') "
            "GROUP BY status",
            TODAY,
        )
    )
    done = sum(long_past.get(s, 0) for s in ("delivered", "accepted", "closed", "cancelled"))
    assert done >= 0.95 * sum(long_past.values())


def test_dates_follow_the_lifecycle(loaded: tuple[StoreContext, DemoSummary]) -> None:
    ctx, _ = loaded
    for order_date, requested, confirmed, due, status, held_from in rows(
        ctx,
        "SELECT order_date, requested_date, confirmed_date, due_date, status, held_from "
        "FROM orders",
    ):
        ordered, asked = date.fromisoformat(order_date), date.fromisoformat(requested)
        assert 0 <= (TODAY - ordered).days <= 150
        assert 20 <= (asked - ordered).days <= 90
        assert due == (confirmed or requested)
        if status == "draft":
            assert confirmed is None
        elif status != "cancelled":
            assert confirmed is not None and confirmed >= requested
        if status == "on_hold":
            assert held_from in {"confirmed", "materials", "production", "qc", "packed"}
        else:
            assert held_from is None


def test_denormalised_columns_agree_with_the_lines(
    loaded: tuple[StoreContext, DemoSummary],
) -> None:
    ctx, _ = loaded
    disagreeing = rows(
        ctx,
        """
        SELECT o.order_no FROM orders o JOIN (
            SELECT order_id, sum(quantity) AS quantity, count(*) AS lines,
                   count(DISTINCT unit) AS units, min(unit) AS unit,
                   count(DISTINCT currency) AS currencies, min(currency) AS currency
            FROM order_lines GROUP BY order_id
        ) l ON l.order_id = o.id
        JOIN order_lines first ON first.order_id = o.id AND first.line_no = 1
        WHERE o.total_quantity != l.quantity
           OR o.unit != CASE WHEN l.units = 1 THEN l.unit ELSE '' END
           OR o.currency != CASE WHEN l.currencies = 1 THEN l.currency ELSE '' END
           OR o.lead_product != first.product OR o.lead_product_id IS NOT first.product_id
           OR l.lines NOT BETWEEN 1 AND 3
        """,
    )
    assert disagreeing == []
    assert (
        scalar(
            ctx, "SELECT count(*) FROM orders WHERE id NOT IN (SELECT order_id FROM order_lines)"
        )
        == 0
    )
    for order_no, order_no_rev, status, rank in rows(
        ctx, "SELECT order_no, order_no_rev, status, status_rank FROM orders"
    ):
        assert order_no_rev == order_no[::-1]
        assert rank == lifecycle.rank(OrderStatus(status))


def test_amounts_are_exact_and_currencies_follow_the_customer(
    loaded: tuple[StoreContext, DemoSummary],
) -> None:
    ctx, _ = loaded
    with ctx.read() as session:
        domestic = {
            customer.id: customer.language == "zh_CN"
            for customer in session.scalars(select(Customer))
        }
        for order in session.scalars(select(Order)):
            lines = order.lines
            assert order.total_amount == sum(
                (line.quantity * line.unit_price for line in lines), Decimal(0)
            )
            assert order.created_at.tzinfo is not None
            assert order.created_at <= order.updated_at <= NOW
            assert order.version == 1
            expected = {"CNY"} if domestic[order.customer_id] else {"USD", "EUR"}
            assert {line.currency for line in lines} <= expected
        quantities = session.scalars(select(OrderLine.quantity)).all()
        assert any(quantity != int(quantity) for quantity in quantities)  # kg and m


def test_an_edit_through_the_services_changes_no_figure(
    loaded: tuple[StoreContext, DemoSummary],
) -> None:
    """What the demo wrote is what ``_apply_draft`` would write for the same order."""
    ctx, _ = loaded
    figures: tuple[str, ...] = ("order_no_rev", "customer_name", "due_date", "status_rank")
    figures += ("lead_product", "total_quantity", "unit", "total_amount", "currency")
    with ctx.read() as session:
        open_ids = [
            order.id
            for order in session.query(Order).order_by(Order.id)
            if lifecycle.is_open(OrderStatus(order.status)) and len(order.lines) > 1
        ][:5]
    assert open_ids
    for order_id in open_ids:
        detail = get_order(ctx, order_id)
        before = {name: getattr(detail.order, name, None) for name in figures}
        with ctx.read() as session:
            stored = session.get(Order, order_id)
            assert stored is not None
            before.update({name: getattr(stored, name) for name in figures})
            lead_id = stored.lead_product_id
        edit_order(ctx, order_id, draft_from_order(detail), detail.order.version)
        with ctx.read() as session:
            after = session.get(Order, order_id)
            assert after is not None
            assert {name: getattr(after, name) for name in figures} == before
            assert after.lead_product_id == lead_id


def test_order_numbers_are_unique_and_follow_the_order_date(
    loaded: tuple[StoreContext, DemoSummary],
) -> None:
    ctx, _ = loaded
    numbers = rows(ctx, "SELECT order_no, order_date FROM orders ORDER BY id")
    assert len({no for no, _ in numbers}) == len(numbers)
    assert all(no.startswith(f"PO-{day[:4]}-") and len(no) == 13 for no, day in numbers)
    assert [day for _, day in numbers] == sorted(day for _, day in numbers)
    with_po = scalar(ctx, "SELECT count(*) FROM orders WHERE customer_po != ''")
    assert 0.4 * len(numbers) <= with_po <= 0.8 * len(numbers)


def test_serials_widen_past_99999_orders_a_year() -> None:
    assert demo._serial_width(99_999) == 5
    assert demo._serial_width(100_000) == 7
    assert demo._serial_width(1_000_000) == 7
    assert demo._serial_width(12_345_678) == 8


def test_chinese_and_foreign_customers_with_searchable_names(
    loaded: tuple[StoreContext, DemoSummary],
) -> None:
    ctx, _ = loaded
    customers = rows(
        ctx,
        "SELECT name, language, country, name_initials, name_folded, key_account, contact "
        "FROM customers",
    )
    languages = Counter(language for _, language, *_ in customers)
    assert languages["zh_CN"] >= 40 and languages["en"] >= 12
    assert 0.10 <= sum(key for *_, key, _ in customers) / len(customers) <= 0.20
    by_name = {name: rest for name, *rest in customers}
    assert by_name["深圳市华强电子有限公司"][2] == "szshqdzyxgs"
    assert by_name["Acme GmbH"][:3] == ["en", "DE", "ag"]
    for name, _, _, initials, folded, _, contact in customers:
        assert initials == pinyin_initials(name) and folded == fold(name) and contact
    for name, spec, initials, folded in rows(
        ctx, "SELECT name, spec, name_initials, name_folded FROM products"
    ):
        assert initials == pinyin_initials(name) and folded == fold(f"{name} {spec}")
    assert (
        scalar(
            ctx,
            "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id "
            "WHERE c.language = 'en'",
        )
        > 0
    )


def test_the_person_running_the_demo_owns_about_a_quarter(
    loaded: tuple[StoreContext, DemoSummary],
) -> None:
    ctx, _ = loaded
    owners = Counter(dict(rows(ctx, "SELECT owner, count(*) FROM orders GROUP BY owner")))
    assert set(owners) == {"tester", "李娜", "王强", "张伟", "陈静", "刘洋"}
    assert 0.15 <= owners["tester"] / 300 <= 0.35


def test_requirements_and_notes_speak_both_languages(
    loaded: tuple[StoreContext, DemoSummary],
) -> None:
    ctx, _ = loaded
    texts = [
        text
        for (text,) in rows(
            ctx,
            "SELECT packaging FROM orders UNION ALL SELECT labels FROM orders "
            "UNION ALL SELECT technical FROM orders UNION ALL SELECT body FROM notes",
        )
        if text
    ]
    assert any(any("\u4e00" <= c <= "\u9fff" for c in text) for text in texts)
    assert any(text.isascii() for text in texts)
    kinds = {kind for (kind,) in rows(ctx, "SELECT DISTINCT kind FROM notes")}
    assert kinds == {"call", "email", "visit", "internal"}
    terms = rows(
        ctx, "SELECT DISTINCT incoterm FROM orders UNION SELECT DISTINCT payment_terms FROM orders"
    )
    assert {"FOB", "CIF", "EXW", "DDP", "T/T", "L/C"} <= {term for (term,) in terms}


def test_a_second_load_is_refused_and_changes_nothing(
    loaded: tuple[StoreContext, DemoSummary],
) -> None:
    ctx, summary = loaded
    tables = ("customers", "products", "suppliers", "orders", "order_lines", "notes", "change_log")
    before = {table: scalar(ctx, f"SELECT count(*) FROM {table}") for table in tables}
    with pytest.raises(FollowupError) as refused:
        load_demo(ctx, today=TODAY, seed=8)
    assert refused.value.key == "error.store_not_empty"
    assert refused.value.params == {"count": summary.orders}
    assert {table: scalar(ctx, f"SELECT count(*) FROM {table}") for table in tables} == before


def test_a_big_load_rebuilds_its_indexes_and_reports_progress(
    open_demo_store: OpenStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bulk path (indexes dropped and rebuilt, batches, statistics) at a small size."""
    monkeypatch.setattr(demo, "REINDEX_FROM", 1_000)
    monkeypatch.setattr(demo, "BATCH_ORDERS", 700)
    ctx = open_demo_store()
    query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    indexes = rows(ctx, query)
    reports: list[tuple[int, int]] = []
    summary = load_demo(ctx, orders=5_000, today=TODAY, progress=lambda *r: reports.append(r))
    assert rows(ctx, query) == indexes
    assert reports[-1] == (5_000, 5_000) and len(reports) == 8
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)
    assert scalar(ctx, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'orders'") > 0
    assert summary.orders == scalar(ctx, "SELECT count(*) FROM orders") == 5_000
    assert scalar(ctx, "PRAGMA integrity_check") == "ok"
    assert rows(ctx, "PRAGMA foreign_key_check") == []


def test_five_thousand_orders(open_demo_store: OpenStore) -> None:
    ctx = open_demo_store()
    summary = load_demo(ctx, orders=5_000, seed=11, today=TODAY)
    assert summary.orders == 5_000
    assert 0.5 < summary.notes / summary.orders < 2.0
    assert scalar(ctx, "SELECT count(DISTINCT order_no) FROM orders") == 5_000


def test_the_row_layout_covers_every_column() -> None:
    def columns(model: Any) -> set[str]:
        return {column.name for column in model.__table__.columns}

    # template and the projected slip are written by the plan pass (demo_plans), which
    # covers the milestone rows; demo notes are a communication log, not follow-ups, so
    # they carry no due date.
    assert set(demo_bulk.ORDER_COLUMNS) == columns(Order) - {"template", "slip_days"}
    assert set(demo_bulk.LINE_COLUMNS) == columns(OrderLine) - {"id"}
    assert set(demo_bulk.NOTE_COLUMNS) == columns(Note) - {"id", "due_on"}
    assert set(demo_plans.MILESTONE_COLUMNS) == columns(Milestone)


def test_open_demo_orders_have_plans_that_match_their_status(
    loaded: tuple[StoreContext, DemoSummary],
) -> None:
    """The timeline opens on a believable desk: passed stages done, some orders late,
    some at risk, and nothing planned for drafts or closed orders."""
    from followup_tui.services.timeline.read import load_timeline

    ctx, summary = loaded
    assert summary.milestones == scalar(ctx, "SELECT count(*) FROM milestones") > 0
    unplanned = scalar(
        ctx,
        "SELECT count(*) FROM orders o WHERE o.status IN ('draft', 'closed', 'cancelled')"
        " AND EXISTS (SELECT 1 FROM milestones m WHERE m.order_id = o.id)",
    )
    assert unplanned == 0
    rows = load_timeline(ctx, ctx.today())
    assert rows and sum(1 for r in rows if r.late) > 0 and sum(1 for r in rows if r.at_risk) > 0
    for row in rows:
        by_key = {m.key: m for m in row.milestones}
        assert by_key["confirmation"].status == "done"
        if row.status == "production":
            assert by_key["materials"].status == "done"
            assert by_key["production"].status in ("started", "planned")


def test_demo_documents_are_filed_searchable_and_leave_gaps(
    loaded: tuple[StoreContext, DemoSummary],
) -> None:
    """The demo files a bounded number of documents, each stored under its hash next to
    the store, found by a 2-character Chinese word, and some export orders still lack
    documents so the checklist has something to show."""
    from followup_tui.services.archive.checklist import order_checklist
    from followup_tui.services.archive.filing import stored_file
    from followup_tui.services.archive.search import search

    ctx, summary = loaded
    assert 0 < summary.documents <= 300
    assert summary.documents == scalar(ctx, "SELECT count(*) FROM documents")
    assert scalar(ctx, "SELECT count(*) FROM document_texts") == summary.documents
    kinds = {kind for (kind,) in rows(ctx, "SELECT DISTINCT kind FROM documents")}
    assert {"qc_report", "packing_list", "commercial_invoice", "bill_of_lading"} <= kinds
    first = int(scalar(ctx, "SELECT min(id) FROM documents"))
    assert stored_file(ctx, first).exists()
    hits = search(ctx, "色差", limit=50).hits
    assert hits and all("色差" in "".join(text for text, _ in hit.snippet) for hit in hits)
    export_orders = rows(
        ctx,
        "SELECT DISTINCT o.id FROM orders o JOIN documents d ON d.order_id = o.id"
        " WHERE o.currency != 'CNY' AND o.status IN ('shipped', 'in_transit', 'delivered')",
    )
    gaps = [oid for (oid,) in export_orders if order_checklist(ctx, oid).missing]
    assert gaps


def test_the_demo_orders_carry_the_slip_the_timeline_projects(
    loaded: tuple[StoreContext, DemoSummary],
) -> None:
    """The queue and the header read the slip off the order; on the demo desk it must be
    the figure the timeline shows for the same order."""
    from followup_tui.services.timeline.read import load_timeline

    ctx, _summary = loaded
    with ctx.read() as session:
        stored = {order.id: order.slip_days for order in session.scalars(select(Order))}
    rows = load_timeline(ctx)
    assert any(row.days_short > 0 for row in rows)
    assert {row.order_id: row.days_short for row in rows} == {
        row.order_id: stored[row.order_id] for row in rows
    }


def test_demo_confirmations_are_planned_where_they_were_done(
    loaded: tuple[StoreContext, DemoSummary],
) -> None:
    """As for a real order: the confirmation bar is where it was done, not at the latest
    day a backward plan would have allowed."""
    ctx, _summary = loaded
    with ctx.read() as session:
        confirmations = session.scalars(select(Milestone).where(Milestone.key == "confirmation"))
        rows = [
            (m.planned_start, m.planned_end, m.actual_start, m.actual_end) for m in confirmations
        ]
    assert rows
    assert all(start == end == done_start == done_end for start, end, done_start, done_end in rows)
