"""The triage queue on a frozen clock: its order, the ladder levels, the alerts, the
escalation at breach, and the filters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from followup_tui.domain.complaints.sla import Level, clock_level
from followup_tui.domain.orders.rules import OrderDraft
from followup_tui.services.complaints.queue import (
    alerts,
    escalate_breached,
    levels,
    load_open_complaints,
    supervisor_view,
    triage_sorted,
)
from followup_tui.services.complaints.steps import (
    ComplaintDraft,
    acknowledge_complaint,
    assign_complaint,
    close_complaint,
    create_complaint,
    get_complaint,
    pause_complaint,
    record_remedy,
)
from followup_tui.services.complaints.views import ComplaintDetail, plan_of
from followup_tui.services.orders.entry import create_order
from followup_tui.services.orders.views import OrderView
from followup_tui.store.location import parse_store
from followup_tui.store.models import ChangeLog
from followup_tui.store.unit_of_work import StoreContext, open_store

MONDAY = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # the test clock's start: 09:30 in Shanghai
# An ordinary complaint received then owes its acknowledgement in 4 business hours
# (09:00-12:00, 13:00-18:00): 50 % at 11:30, 75 % at 13:30, 90 % at 14:06, due 14:30.
HALF = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
THREE_QUARTERS = datetime(2026, 3, 2, 5, 30, tzinfo=UTC)
NINETY = datetime(2026, 3, 2, 6, 6, tzinfo=UTC)
DUE = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.fixture
def order(store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]) -> OrderView:
    return create_order(store_ctx, make_draft())


@pytest.fixture
def case(store_ctx: StoreContext, order: OrderView) -> Callable[..., ComplaintDetail]:
    def make(on: OrderView | None = None, **fields: Any) -> ComplaintDetail:
        values: dict[str, Any] = {"category": "quality", "description": "Cracked housings"}
        values.update(fields)
        return create_complaint(store_ctx, ComplaintDraft((on or order).order_no, **values))

    return make


@pytest.fixture
def watcher(store_ctx: StoreContext, clock: Any) -> Iterator[StoreContext]:
    """The same store opened read-only (``followup watch``), on the same clock."""
    assert store_ctx.location.path is not None
    ctx = open_store(
        parse_store(str(store_ctx.location.path)), read_only=True, actor="boss", clock=clock
    )
    try:
        yield ctx
    finally:
        ctx.dispose()


def test_the_ladder_levels_at_fifty_seventy_five_ninety_and_breach(
    store_ctx: StoreContext, case: Callable[..., ComplaintDetail]
) -> None:
    made = case()
    ack = made.row.clock("ack")
    assert ack is not None and ack.marks == (HALF, THREE_QUARTERS, NINETY) and ack.due_at == DUE
    [row] = load_open_complaints(store_ctx)
    expected = [
        (MONDAY, Level.OK),
        (HALF - SECOND, Level.OK),
        (HALF, Level.HALF),
        (THREE_QUARTERS - SECOND, Level.HALF),
        (THREE_QUARTERS, Level.THREE_QUARTERS),
        (NINETY, Level.NINETY),
        (DUE, Level.NINETY),  # reaching the due instant exactly is still in time
        (DUE + SECOND, Level.BREACHED),
    ]
    for now, level in expected:
        assert levels([row], now) == {row.id: level}, now
        for clock_view in row.clocks:  # the stored view and its plan: one ladder
            assert clock_level(clock_view, now) == clock_level(plan_of(clock_view), now)


def test_a_met_clock_no_longer_counts_and_a_paused_one_keeps_its_level(
    store_ctx: StoreContext, case: Callable[..., ComplaintDetail], clock: Any
) -> None:
    made, other = case(), case()
    clock.set(THREE_QUARTERS)
    acknowledge_complaint(store_ctx, made.row.id)
    row = next(r for r in load_open_complaints(store_ctx) if r.id == made.row.id)
    assert levels([row], DUE + timedelta(hours=1)) == {row.id: Level.OK}  # plan: far off
    clock.set(NINETY)
    pause_complaint(store_ctx, other.row.id, "customer")
    paused = next(r for r in load_open_complaints(store_ctx) if r.id == other.row.id)
    assert paused.paused
    later = DUE + timedelta(days=3)
    assert levels([paused], later) == {paused.id: Level.NINETY}


def test_triage_puts_the_breached_first_then_the_nearest_breach(
    store_ctx: StoreContext, case: Callable[..., ComplaintDetail], clock: Any
) -> None:
    ordinary = case()  # ack due 14:30
    clock.advance(minutes=30)  # 10:00
    major = case(grade="major", grade_reason="Key buyer")  # ack in 2 business hours: 12:00
    minor = case(category="missing_documents")  # ack in 8 business hours: Tuesday 10:00
    now = DUE + timedelta(minutes=10)  # 14:40
    rows = load_open_complaints(store_ctx)
    # the most overdue first: the major one fell due at 12:00, the ordinary one at 14:30
    assert [r.id for r in triage_sorted(rows, now)] == [
        major.row.id,
        ordinary.row.id,
        minor.row.id,
    ]
    assert levels(rows, now) == {
        major.row.id: Level.BREACHED,
        ordinary.row.id: Level.BREACHED,
        minor.row.id: Level.OK,
    }
    earlier = MONDAY + timedelta(hours=1)  # 10:30: nothing breached, the major one is nearest
    assert [r.id for r in triage_sorted(rows, earlier)] == [
        major.row.id,
        ordinary.row.id,
        minor.row.id,
    ]
    assert triage_sorted(reversed(rows), now) == triage_sorted(rows, now)


def test_a_paused_case_is_placed_by_what_it_had_left(
    store_ctx: StoreContext, case: Callable[..., ComplaintDetail], clock: Any
) -> None:
    waiting = case()
    clock.set(HALF)
    pause_complaint(store_ctx, waiting.row.id, "qc")  # 2 business hours left on ack
    fresh = case()  # 4 business hours left, due at 16:30
    now = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 15:00: fresh has 1.5 h left
    rows = load_open_complaints(store_ctx)
    assert [r.id for r in triage_sorted(rows, now)] == [fresh.row.id, waiting.row.id]


def test_alerts_list_clocks_at_seventy_five_percent_or_breached_only(
    store_ctx: StoreContext, case: Callable[..., ComplaintDetail]
) -> None:
    made = case()
    assert alerts(store_ctx, HALF) == []
    [alert] = alerts(store_ctx, THREE_QUARTERS)
    assert (alert.complaint_id, alert.kind, alert.level, alert.due_at) == (
        made.row.id,
        "ack",
        Level.THREE_QUARTERS,
        DUE,
    )
    assert alert.left == timedelta(hours=1) and alert.role == "owner"
    [breached] = alerts(store_ctx, DUE + timedelta(minutes=30))
    assert breached.level == Level.BREACHED and breached.left == -timedelta(minutes=30)


def test_closed_cases_raise_no_alerts(
    store_ctx: StoreContext, case: Callable[..., ComplaintDetail]
) -> None:
    made = case()
    acknowledge_complaint(store_ctx, made.row.id)
    record_remedy(store_ctx, made.row.id, kind="refund", amount="5", currency="USD", note="")
    close_complaint(store_ctx, made.row.id, "Confirmed")
    assert load_open_complaints(store_ctx) == []
    assert alerts(store_ctx, MONDAY + timedelta(days=60)) == []
    assert escalate_breached(store_ctx, MONDAY + timedelta(days=60)) == 0


def test_escalate_breached_sets_the_time_once(
    store_ctx: StoreContext, case: Callable[..., ComplaintDetail], clock: Any
) -> None:
    made = case()
    case(category="missing_documents")  # minor: not breached yet at 14:31
    assert escalate_breached(store_ctx, DUE) == 0  # due, not past due
    clock.set(DUE + timedelta(minutes=1))
    assert escalate_breached(store_ctx, clock()) == 1
    detail = get_complaint(store_ctx, made.row.id)
    assert detail.escalated_at == clock() and detail.row.escalated
    assert detail.history[-1].diff == {"escalated_at": [None, clock().isoformat()]}
    clock.advance(hours=1)
    assert escalate_breached(store_ctx, clock()) == 0
    assert get_complaint(store_ctx, made.row.id).escalated_at == DUE + timedelta(minutes=1)
    assert [r.id for r in supervisor_view(load_open_complaints(store_ctx), clock())] == [
        made.row.id
    ]


def test_escalation_is_never_written_ahead_of_the_stores_clock(
    store_ctx: StoreContext, case: Callable[..., ComplaintDetail]
) -> None:
    case()
    assert escalate_breached(store_ctx, DUE + timedelta(days=1)) == 0  # the clock is at 09:30


def test_a_read_only_desk_counts_what_it_would_escalate_and_writes_nothing(
    store_ctx: StoreContext,
    case: Callable[..., ComplaintDetail],
    clock: Any,
    watcher: StoreContext,
) -> None:
    made = case()
    clock.set(DUE + timedelta(minutes=1))
    with store_ctx.read() as session:
        before = session.scalar(select(func.count()).select_from(ChangeLog))
    assert escalate_breached(watcher, clock()) == 1
    assert escalate_breached(watcher, clock()) == 1  # still not escalated
    assert get_complaint(store_ctx, made.row.id).escalated_at is None
    with store_ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(ChangeLog)) == before


def test_a_case_paused_after_its_breach_is_still_escalated(
    store_ctx: StoreContext, case: Callable[..., ComplaintDetail], clock: Any
) -> None:
    late = case()
    in_time = case()
    clock.set(NINETY)
    pause_complaint(store_ctx, in_time.row.id, "supplier")  # paused before its due time
    clock.set(DUE + timedelta(minutes=5))
    pause_complaint(store_ctx, late.row.id, "customer")  # paused after it
    clock.advance(days=2)
    assert escalate_breached(store_ctx, clock()) == 1
    assert get_complaint(store_ctx, late.row.id).row.escalated
    assert not get_complaint(store_ctx, in_time.row.id).row.escalated


def test_filters_by_grade_status_owner_and_customer(
    store_ctx: StoreContext,
    case: Callable[..., ComplaintDetail],
    make_draft: Callable[..., OrderDraft],
) -> None:
    acme = create_order(store_ctx, make_draft(customer="Acme_Trading GmbH", owner="wang.fang"))
    first = case()
    second = case(on=acme, grade="major", grade_reason="Key buyer")
    third = case(on=acme, category="missing_documents")
    acknowledge_complaint(store_ctx, third.row.id)
    assign_complaint(store_ctx, first.row.id, "zhao.lei")

    def ids(**filters: str) -> list[int]:
        return [r.id for r in load_open_complaints(store_ctx, **filters)]

    assert ids() == [first.row.id, second.row.id, third.row.id]
    assert ids(grade="major") == [second.row.id]
    assert ids(status="acknowledged") == [third.row.id]
    assert ids(owner="zhao.lei") == [first.row.id]
    assert ids(owner="wang.fang") == [second.row.id, third.row.id]
    assert ids(customer="acme_t") == [second.row.id, third.row.id]  # any part, any case
    assert ids(customer="华强") == [first.row.id]
    assert ids(customer="acme%") == []  # wildcards are matched literally
    assert ids(grade="major", owner="zhao.lei") == []
    [row] = load_open_complaints(store_ctx, grade="major")
    assert row == get_complaint(store_ctx, second.row.id).row  # the raw read matches the ORM
