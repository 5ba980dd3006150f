"""The queue's keyset window over a couple of thousand orders.

Whatever way the clerk pages (from the top, from the bottom, jumping to a row), the window
must show exactly the rows of one full sorted list, in the same order, for every sort
column in both directions. The reference list is built in Python from the ORM, so the
keyset SQL of ``OrderWindow`` is checked against an independent reading of the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, text

from followup_tui.domain.calendar import load_calendar
from followup_tui.domain.orders.lifecycle import OPEN_STATUSES, OrderStatus, awaits_delivery, rank
from followup_tui.domain.orders.rules import (
    LineDraft,
    OrderDraft,
    Urgency,
    at_risk_limit,
    days_left,
    urgency,
)
from followup_tui.domain.text import fold, reverse_key
from followup_tui.services.orders.entry import create_order, customer_for, product_for
from followup_tui.services.orders.flow import advance_order, assign_owner
from followup_tui.services.orders.queue import (
    CountInterrupted,
    OrderWindow,
    QueueQuery,
    QueueRow,
    StoreState,
    change_mark,
    late_and_at_risk,
    store_state,
)
from followup_tui.store import schema
from followup_tui.store.location import parse_store
from followup_tui.store.models import Customer, Order, Product
from followup_tui.store.queue_indexes import SORT_COLUMNS
from followup_tui.store.unit_of_work import StoreContext, open_store
from followup_tui.store.window_reader import QueryInterrupted, WindowReader

BULK = 2_000
PAGE = 97  # odd, so pages end in the middle of runs of equal sort values
TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)

CUSTOMERS = (
    "深圳市华强电子有限公司",  # 华强, initials szshqdzyxgs
    "华强北贸易行",  # 华强, initials hqbmyh
    "上海汇桥五金",  # no 华强, but initials shhqwj contain "hq"
    "Acme GmbH",
    "Huaqiang Trading Ltd",  # the spelling, not the initials: "hq" must not match
    "[bold]x[/] 100%_co",
)
PRODUCTS = (("LED 灯条", "5050"), ("电源适配器", "12V 2A"), ("Cable", "3m"), ("华强牌开关", ""))
OWNERS = ("li.na", "wang.fang", "zhang.wei", "陈静")


@dataclass(frozen=True)
class Ref:
    """One order as the ORM reads it: the reference the window is compared with."""

    id: int
    order_no: str
    customer: str
    product: str
    quantity: Decimal
    due_date: date
    status: str
    owner: str
    confirmed: bool
    customer_folded: str
    customer_initials: str
    product_folded: str
    product_initials: str
    slip_days: int = 0

    def sort_value(self, sort: str) -> Any:
        return {
            "order_no": self.order_no,
            "customer": self.customer,
            "product": self.product,
            "quantity": self.quantity,
            "due_date": self.due_date,
            "days_left": self.due_date,
            "status": rank(OrderStatus(self.status)),
            "owner": self.owner,
            "slip": self.slip_days,
        }[sort]


@dataclass
class Desk:
    ctx: StoreContext
    reader: WindowReader
    refs: list[Ref]
    special: dict[str, int]  # order_no -> id of orders entered through create_order

    def expected(self, query: QueueQuery) -> list[int]:
        chosen = [r for r in self.refs if matches(r, query)]
        chosen.sort(key=lambda r: (r.sort_value(query.sort), r.id), reverse=query.descending)
        return [r.id for r in chosen]

    def window(self, **fields: Any) -> OrderWindow:
        return OrderWindow(self.reader, QueueQuery(**fields))


def matches(ref: Ref, query: QueueQuery) -> bool:
    """What the filter box promises, spelled out in Python."""
    if query.status == "open" and OrderStatus(ref.status) not in OPEN_STATUSES:
        return False
    if query.status not in ("open", "all") and ref.status != query.status:
        return False
    if query.owner and ref.owner != query.owner:
        return False
    term = fold(query.text).strip()
    if not term:
        return True
    upper = query.text.strip().upper()
    initials = term.isascii() and term.isalnum()
    return (
        term in ref.customer_folded
        or (initials and term in ref.customer_initials)
        or term in ref.product_folded
        or (initials and term in ref.product_initials)
        or ref.order_no.startswith(upper)
        or ref.order_no.endswith(upper)
    )


def bulk_orders(ctx: StoreContext, count: int, rng: random.Random) -> None:
    """Insert ``count`` orders in one transaction, with the denormalised columns the
    services keep (create_order costs a transaction each, too slow for thousands)."""
    serials = list(range(1, count + 1))
    rng.shuffle(serials)  # ids and order numbers in different orders
    statuses = list(OrderStatus)
    with ctx.write() as session:
        customers = [customer_for(session, name, ctx) for name in CUSTOMERS]
        products = [product_for(session, name, spec) for name, spec in PRODUCTS]
        rows: list[dict[str, Any]] = []
        for serial in serials:
            customer = rng.choice(customers)
            product = rng.choice(products)
            status = rng.choice(statuses)
            requested = TODAY + timedelta(days=rng.randint(-20, 40))
            confirmed = (
                requested + timedelta(days=rng.randint(0, 5)) if rng.random() < 0.5 else None
            )
            quantity = Decimal(rng.choice([100, 250, 1000, 1200])) + Decimal(
                rng.choice([0, 0, 0, 5, 125])
            ).scaleb(-3)
            order_no = f"PO-2026-{serial:05d}"
            rows.append(
                {
                    "order_no": order_no,
                    "order_no_rev": reverse_key(order_no),
                    "customer_id": customer.id,
                    "customer_name": customer.name,
                    "owner": rng.choice(OWNERS),
                    "order_date": TODAY - timedelta(days=30),
                    "requested_date": requested,
                    "confirmed_date": confirmed,
                    "due_date": confirmed or requested,
                    "status": status.value,
                    "status_rank": rank(status),
                    "lead_product": product.name,
                    "lead_product_id": product.id,
                    "total_quantity": quantity,
                    "unit": "pcs",
                    "total_amount": quantity * 2,
                    "currency": "USD",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
        session.execute(insert(Order), rows)


def read_refs(ctx: StoreContext) -> list[Ref]:
    with ctx.read() as session:
        customers = {c.id: c for c in session.scalars(select(Customer))}
        products = {p.id: p for p in session.scalars(select(Product))}
        refs = []
        for order in session.scalars(select(Order)):
            customer = customers[order.customer_id]
            product = products[order.lead_product_id] if order.lead_product_id else None
            refs.append(
                Ref(
                    id=order.id,
                    order_no=order.order_no,
                    customer=order.customer_name,
                    product=order.lead_product,
                    quantity=order.total_quantity,
                    due_date=order.due_date,
                    status=order.status,
                    owner=order.owner,
                    confirmed=order.confirmed_date is not None,
                    customer_folded=customer.name_folded,
                    customer_initials=customer.name_initials,
                    product_folded=product.name_folded if product else "",
                    product_initials=product.name_initials if product else "",
                    slip_days=order.slip_days,
                )
            )
    return refs


def line(product: str = "LED 灯条", spec: str = "5050", quantity: str = "10") -> LineDraft:
    return LineDraft(product, Decimal(quantity), "pcs", Decimal(1), "USD", spec=spec)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    path = tmp_path_factory.mktemp("queue") / "desk.db"
    ctx = open_store(parse_store(str(path)), actor="tester", clock=lambda: NOW)
    schema.upgrade(ctx.engine)
    bulk_orders(ctx, BULK, random.Random(20260302))
    special: dict[str, int] = {}
    for order_no, customer, lines, owner in (
        ("SO-2025-00123", "Acme GmbH", [line("Cable", "3m", "7")], "陈静"),
        ("HK/7788-A", "深圳市华强电子有限公司", [line("电源适配器", "12V 2A", "1.5")], "li.na"),
        ("ab-99", "宁波港口物流", [line("Widget", "", "3")], "zhang.wei"),
    ):
        view = create_order(
            ctx,
            OrderDraft(
                order_no=order_no,
                customer=customer,
                owner=owner,
                order_date=TODAY,
                requested_date=TODAY + timedelta(days=3),
                lines=lines,
            ),
        )
        special[order_no] = view.id
    reader = WindowReader(ctx.location)
    try:
        yield Desk(ctx, reader, read_refs(ctx), special)
    finally:
        reader.close()
        ctx.dispose()


def walk_forward(window: OrderWindow) -> list[QueueRow]:
    rows = window.head(PAGE)
    out = list(rows)
    while rows:
        rows = window.after(out[-1], PAGE)
        out += rows
    return out


def walk_backward(window: OrderWindow) -> list[QueueRow]:
    rows = window.tail(PAGE)
    out = list(rows)
    while rows:
        rows = window.before(out[0], PAGE)
        out = rows + out
    return out


# ------------------------------------------------------------------ paging and sorting


def test_the_fixture_is_what_the_tests_assume(desk: Desk) -> None:
    assert len(desk.refs) == BULK + 3
    # every sort column has long runs of equal values, so ties really are exercised
    for sort in ("customer", "product", "quantity", "due_date", "status", "owner"):
        values = [r.sort_value(sort) for r in desk.refs]
        assert len(set(values)) < len(values) / 10, sort


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("sort", sorted(SORT_COLUMNS))
def test_every_way_of_paging_gives_the_same_sorted_list(
    desk: Desk, sort: str, descending: bool
) -> None:
    query = QueueQuery(status="all", sort=sort, descending=descending)
    expected = desk.expected(query)
    assert len(expected) == BULK + 3
    window = OrderWindow(desk.reader, query)
    forward = walk_forward(window)
    assert [r.id for r in forward] == expected
    assert [r.id for r in walk_backward(window)] == expected
    assert window.count_is_exact is False
    assert window.exact_count() == len(expected)
    assert window.count() == len(expected)
    assert [r.id for r in window.head(5)] == expected[:5]
    assert [r.id for r in window.tail(5)] == expected[-5:]
    for position in (0, 1, PAGE - 1, PAGE, 777, len(expected) - 3, len(expected) - 1):
        anchor = forward[position]
        assert [r.id for r in window.starting_at(anchor, PAGE)] == expected[
            position : position + PAGE
        ]
        assert [r.id for r in window.after(anchor, 3)] == expected[position + 1 : position + 4]
        assert [r.id for r in window.before(anchor, 3)] == expected[max(0, position - 3) : position]
    assert window.after(forward[-1], PAGE) == []
    assert window.before(forward[0], PAGE) == []


def test_rows_carry_the_values_of_the_order(desk: Desk) -> None:
    refs = {r.id: r for r in desk.refs}
    for row in walk_forward(desk.window(status="all", sort="order_no")):
        ref = refs[row.id]
        assert (row.order_no, row.customer, row.product) == (
            ref.order_no,
            ref.customer,
            ref.product,
        )
        assert row.quantity == ref.quantity
        assert row.due_date == ref.due_date
        assert row.status == ref.status
        assert row.owner == ref.owner
        assert row.confirmed == ref.confirmed
    hk = desk.window(status="all", text="HK/7788-A").head(5)
    assert [r.quantity for r in hk] == [Decimal("1.5")]


# ------------------------------------------------------------------ filtering


def check_filter(desk: Desk, **fields: Any) -> list[int]:
    query = QueueQuery(**fields)
    expected = desk.expected(query)
    window = OrderWindow(desk.reader, query)
    assert window.count_is_exact is False
    assert window.exact_count() == len(expected)
    assert window.count() == len(expected)
    assert [r.id for r in walk_forward(window)] == expected
    assert [r.id for r in walk_backward(window)] == expected
    return expected


def names(desk: Desk, ids: list[int]) -> set[str]:
    refs = {r.id: r for r in desk.refs}
    return {refs[i].order_no for i in ids}


def test_order_number_prefix(desk: Desk) -> None:
    found = check_filter(desk, status="all", text="PO-2026-001")
    assert names(desk, found) == {f"PO-2026-{n:05d}" for n in range(100, 200)}
    # typed in lower case, as a clerk does
    assert check_filter(desk, status="all", text=" po-2026-001") == found
    assert names(desk, check_filter(desk, status="all", text="HK/77")) == {"HK/7788-A"}


def test_order_number_suffix(desk: Desk) -> None:
    found = check_filter(desk, status="all", text="00123")
    assert names(desk, found) == {"PO-2026-00123", "SO-2025-00123"}
    assert names(desk, check_filter(desk, status="all", text="88-a")) == {"HK/7788-A"}


def test_chinese_customer_substring(desk: Desk) -> None:
    found = check_filter(desk, status="all", text="华强")
    refs = {r.id: r for r in desk.refs}
    assert found
    for ref in desk.refs:
        has = "华强" in ref.customer or "华强" in ref.product
        assert (ref.id in found) == has, ref
    assert {refs[i].customer for i in found} >= {"深圳市华强电子有限公司", "华强北贸易行"}
    assert "上海汇桥五金" not in {refs[i].customer for i in found if "华强" not in refs[i].product}
    assert names(desk, check_filter(desk, status="all", text="宁波港")) == {"ab-99"}


def test_pinyin_initials(desk: Desk) -> None:
    found = set(check_filter(desk, status="all", text="hq"))
    for ref in desk.refs:
        expected = (
            ref.customer in ("深圳市华强电子有限公司", "华强北贸易行", "上海汇桥五金")
            or ref.product == "华强牌开关"
        )
        assert (ref.id in found) == expected, ref
    # initials from the start of the name, typed in capitals
    szs = set(check_filter(desk, status="all", text="SZSHQ"))
    assert szs == {r.id for r in desk.refs if r.customer == "深圳市华强电子有限公司"}


def test_product_name(desk: Desk) -> None:
    found = check_filter(desk, status="all", text="适配器")
    assert found
    assert {r.product for r in desk.refs if r.id in set(found)} == {"电源适配器"}
    assert len(found) == sum(1 for r in desk.refs if r.product == "电源适配器")
    cable = check_filter(desk, status="all", text="CABLE")
    assert {r.product for r in desk.refs if r.id in set(cable)} == {"Cable"}
    # the spec is searchable too
    assert check_filter(desk, status="all", text="12v 2a") == desk.expected(
        QueueQuery(status="all", text="适配器")
    )


def test_like_wildcards_in_the_filter_are_literal(desk: Desk) -> None:
    found = check_filter(desk, status="all", text="100%_co")
    assert found
    assert {r.customer for r in desk.refs if r.id in set(found)} == {"[bold]x[/] 100%_co"}
    assert check_filter(desk, status="all", text="%") == desk.expected(
        QueueQuery(status="all", text="100%_co")
    )
    assert check_filter(desk, status="all", text="zz_") == []


def test_status_and_owner_facets(desk: Desk) -> None:
    everything = check_filter(desk, status="all")
    open_ = check_filter(desk)
    assert 0 < len(open_) < len(everything)
    refs = {r.id: r for r in desk.refs}
    assert {refs[i].status for i in open_} == {s.value for s in OPEN_STATUSES}
    qc = check_filter(desk, status="qc")
    assert qc
    assert {refs[i].status for i in qc} == {"qc"}
    mine = check_filter(desk, status="all", owner="陈静")
    assert {refs[i].owner for i in mine} == {"陈静"}
    assert desk.special["SO-2025-00123"] in mine
    both = check_filter(desk, status="on_hold", owner="li.na", text="华强", sort="quantity")
    assert both
    assert all(refs[i].status == "on_hold" and refs[i].owner == "li.na" for i in both)
    check_filter(desk, status="cancelled", owner="wang.fang", sort="customer", descending=True)


def test_nothing_found(desk: Desk) -> None:
    window = desk.window(status="all", text="no such thing")
    assert window.exact_count() == 0
    assert window.head(PAGE) == []
    assert window.tail(PAGE) == []


@pytest.mark.parametrize("today", [TODAY, date(2026, 2, 27)], ids=["monday", "friday"])
def test_late_and_at_risk(desk: Desk, today: date) -> None:
    """At risk is counted in business days, so the header counts the rows marked "!"."""
    calendar = load_calendar("mon-fri")
    # Delivered and accepted orders owe nothing any more: they are never late.
    open_refs = [r for r in desk.refs if awaits_delivery(OrderStatus(r.status))]
    assert any(r.status in ("delivered", "accepted") and r.due_date < today for r in desk.refs)
    late = sum(1 for r in open_refs if r.due_date < today)
    levels = [
        urgency(r.due_date, today, days_left(r.due_date, today, calendar), open_order=True)
        for r in open_refs
    ]
    soon = levels.count(Urgency.AT_RISK)
    by_calendar_days = sum(1 for r in open_refs if 0 <= (r.due_date - today).days <= 3)
    assert late and soon
    assert soon > by_calendar_days or today.weekday() != 4  # a Friday's 3 reach Wednesday
    assert late_and_at_risk(desk.reader, today, at_risk_limit(today, calendar)) == (late, soon)
    # A calendar without data for the days ahead: late is still exact, at risk unknown.
    assert late_and_at_risk(desk.reader, today, None) == (late, None)


# ------------------------------------------------------------------ store state and changes


def test_store_state(tmp_path: Path, make_draft: Callable[..., OrderDraft]) -> None:
    location = parse_store(str(tmp_path / "new.db"))
    ctx = open_store(location, actor="tester", clock=lambda: NOW)
    reader = WindowReader(location)
    try:
        assert store_state(reader, schema.HEAD_REVISION) is StoreState.MISSING
        schema.upgrade(ctx.engine)
        assert store_state(reader, schema.HEAD_REVISION) is StoreState.EMPTY
        create_order(ctx, make_draft())
        assert store_state(reader, schema.HEAD_REVISION) is StoreState.READY
        with ctx.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '20250101_0000'"))
        assert store_state(reader, schema.HEAD_REVISION) is StoreState.OUTDATED
        # a read-only reader decides the same
        watcher = WindowReader(location, read_only=True)
        try:
            assert store_state(watcher, schema.HEAD_REVISION) is StoreState.OUTDATED
        finally:
            watcher.close()
    finally:
        reader.close()
        ctx.dispose()


class _InterruptedReader(WindowReader):
    """A reader whose every query was stopped by a newer one."""

    def scalar(self, sql: str, params: Any = ()) -> Any:
        raise QueryInterrupted(sql)

    def fetch(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        raise QueryInterrupted(sql)


def test_an_interrupted_count_is_the_services_own_exception(tmp_path: Path) -> None:
    # screens reach the store only through the services, so they catch this one
    reader = _InterruptedReader(parse_store(str(tmp_path / "any.db")))
    window = OrderWindow(reader, QueueQuery())
    with pytest.raises(CountInterrupted):
        window.exact_count()
    assert not window.count_is_exact
    for limit in (None, date(2026, 12, 4)):
        with pytest.raises(CountInterrupted):
            late_and_at_risk(reader, date(2026, 11, 27), limit)


def test_change_mark_moves_with_every_write(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    reader = WindowReader(store_ctx.location)
    try:
        assert change_mark(reader) == 0
        order = create_order(store_ctx, make_draft(confirmed_date=date(2026, 4, 20)))
        first = change_mark(reader)
        assert first > 0
        assert change_mark(reader) == first  # reading changes nothing
        assign_owner(store_ctx, order.id, "wang.fang")
        second = change_mark(reader)
        assert second > first
        advance_order(store_ctx, order.id)
        assert change_mark(reader) > second
        # the reader sees every committed write at once: it never holds a snapshot
        window = OrderWindow(reader, QueueQuery())
        assert [(r.owner, r.status) for r in window.head(10)] == [("wang.fang", "materials")]
    finally:
        reader.close()
