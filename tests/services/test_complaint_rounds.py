"""A complaint's later life: the satisfaction call, reopening, and what every step
leaves behind (the change log in the same transaction, nothing on a read-only store,
an estimate where the calendar runs out)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from followup_tui.domain.calendar import load_calendar
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders.rules import OrderDraft
from followup_tui.services.complaints import steps as complaints
from followup_tui.services.complaints.clocks import is_estimate
from followup_tui.services.complaints.queue import alerts
from followup_tui.services.complaints.steps import (
    ComplaintDraft,
    acknowledge_complaint,
    assign_complaint,
    close_complaint,
    create_complaint,
    escalate_complaint,
    get_complaint,
    pause_complaint,
    record_cause,
    record_remedy,
    record_satisfaction,
    reopen_complaint,
    resume_complaint,
)
from followup_tui.services.complaints.views import ComplaintDetail
from followup_tui.services.orders.entry import create_order
from followup_tui.services.orders.views import OrderView
from followup_tui.store.models import ChangeLog, Note
from followup_tui.store.unit_of_work import StoreContext

HOUR = timedelta(hours=1)


@pytest.fixture
def order(store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]) -> OrderView:
    return create_order(store_ctx, make_draft())


def new_case(store_ctx: StoreContext, order: OrderView, **fields: Any) -> ComplaintDetail:
    values: dict[str, Any] = {"category": "quality", "description": "Cracked housings"}
    values.update(fields)
    return create_complaint(store_ctx, ComplaintDraft(order.order_no, **values))


def log_count(store_ctx: StoreContext) -> int:
    with store_ctx.read() as session:
        return session.scalar(select(func.count()).select_from(ChangeLog)) or 0


def notes_of(store_ctx: StoreContext, order_id: int) -> list[Note]:
    with store_ctx.read() as session:
        return list(session.scalars(select(Note).where(Note.order_id == order_id)))


@pytest.fixture
def unchanged(store_ctx: StoreContext) -> Iterator[Callable[[int], None]]:
    """``check(id)``: the first call remembers the case and the change log's length,
    every later one asserts both are as remembered (a refusal changed nothing)."""
    seen: dict[int, tuple[ComplaintDetail, int]] = {}

    def check(complaint_id: int) -> None:
        now = (get_complaint(store_ctx, complaint_id), log_count(store_ctx))
        if complaint_id not in seen:
            seen[complaint_id] = now
        else:
            assert now == seen[complaint_id]

    yield check


def closed_case(store_ctx: StoreContext, order: OrderView) -> ComplaintDetail:
    case = acknowledge_complaint(store_ctx, new_case(store_ctx, order).row.id)
    record_remedy(store_ctx, case.row.id, kind="reship", amount=None, currency="", note="")
    return close_complaint(store_ctx, case.row.id, "Customer confirmed by phone")


# --- satisfaction and reopening ------------------------------------------------------------


@pytest.mark.parametrize("score", [0, 6, True])
def test_a_score_outside_one_to_five_is_refused(
    store_ctx: StoreContext, order: OrderView, unchanged: Callable[[int], None], score: Any
) -> None:
    case = closed_case(store_ctx, order)
    unchanged(case.row.id)
    with pytest.raises(FollowupError) as refused:
        record_satisfaction(store_ctx, case.row.id, score)
    assert (refused.value.key, refused.value.field) == ("error.satisfaction_score", "score")
    unchanged(case.row.id)


def test_a_satisfied_customer_leaves_the_case_closed(
    store_ctx: StoreContext, order: OrderView
) -> None:
    case = closed_case(store_ctx, order)
    done = record_satisfaction(store_ctx, case.row.id, 4, "Fine")
    assert (done.row.status, done.satisfaction_score, done.satisfaction_comment) == (
        "closed",
        4,
        "Fine",
    )
    open_case = new_case(store_ctx, order)
    with pytest.raises(FollowupError) as refused:
        record_satisfaction(store_ctx, open_case.row.id, 5)
    assert refused.value.key == "error.complaint_not_closed"


def test_an_unsatisfied_customer_reopens_the_case_and_rearms_every_clock(
    store_ctx: StoreContext, order: OrderView, clock: Any
) -> None:
    case = closed_case(store_ctx, order)
    clock.advance(days=3)
    done = record_satisfaction(store_ctx, case.row.id, 2, "Still cracked")
    assert (done.row.status, done.row.reopen_count, done.satisfaction_score) == ("reopened", 1, 2)
    assert done.acknowledged_at is None and done.plan_at is None and done.closed_at is None
    assert done.satisfaction_due is None and done.close_note == ""
    assert done.remedy_kind == "reship"  # what was done stays on record
    for kept in done.row.clocks:
        assert kept.armed_at == clock() and kept.met_at is None
    ack = done.row.clock("ack")
    assert ack is not None and ack.due_at == store_ctx.calendar.add_business_time(clock(), 4 * HOUR)
    assert any(
        "reopened: satisfaction 2/5 Still cracked" in n.body for n in notes_of(store_ctx, order.id)
    )
    # a reopened case goes back to work; the first step meets the re-armed ack clock
    clock.advance(hours=1)
    worked = record_cause(
        store_ctx, case.row.id, root_cause="Second batch", responsible_party="production"
    )
    assert worked.row.status == "investigating" and worked.acknowledged_at == clock()


def test_reopening_by_hand_needs_a_reason_and_a_closed_case(
    store_ctx: StoreContext, order: OrderView
) -> None:
    open_case = new_case(store_ctx, order)
    with pytest.raises(FollowupError) as refused:
        reopen_complaint(store_ctx, open_case.row.id, "again")
    assert refused.value.key == "error.complaint_move"
    case = closed_case(store_ctx, order)
    with pytest.raises(FollowupError) as no_reason:
        reopen_complaint(store_ctx, case.row.id, "")
    assert no_reason.value.field == "reason"
    done = reopen_complaint(store_ctx, case.row.id, "Customer found more")
    assert (done.row.status, done.row.reopen_count) == ("reopened", 1)
    again = acknowledge_complaint(store_ctx, case.row.id)
    assert again.row.status == "reopened" and again.acknowledged_by == "tester"
    with pytest.raises(FollowupError) as twice:
        acknowledge_complaint(store_ctx, case.row.id)
    assert twice.value.key == "error.complaint_already_acknowledged"


# --- the change log, read-only stores, unknown calendar years -------------------------------


def test_every_step_writes_the_change_log_at_its_own_time(
    store_ctx: StoreContext, order: OrderView, clock: Any
) -> None:
    case = new_case(store_ctx, order)
    steps: list[Callable[[int], object]] = [
        lambda i: acknowledge_complaint(store_ctx, i),
        lambda i: assign_complaint(store_ctx, i, "wang.fang"),
        lambda i: escalate_complaint(store_ctx, i),
        lambda i: record_cause(store_ctx, i, root_cause="x", responsible_party="carrier"),
        lambda i: record_remedy(store_ctx, i, kind="refund", amount="1", currency="USD", note=""),
        lambda i: close_complaint(store_ctx, i, "ok"),
        lambda i: record_satisfaction(store_ctx, i, 1),
        lambda i: pause_complaint(store_ctx, i, "qc"),
        lambda i: resume_complaint(store_ctx, i),
    ]
    for step in steps:
        clock.advance(minutes=5)
        step(case.row.id)
        with store_ctx.read() as session:
            latest = session.scalars(select(ChangeLog).where(ChangeLog.at == clock())).all()
        assert latest, step
        assert {row.entity for row in latest} <= {"complaint", "complaint_pause", "note"}


def test_a_step_that_fails_midway_leaves_neither_the_change_nor_its_log(
    store_ctx: StoreContext,
    order: OrderView,
    monkeypatch: pytest.MonkeyPatch,
    unchanged: Callable[[int], None],
) -> None:
    case = new_case(store_ctx, order)
    unchanged(case.row.id)

    def broken(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(complaints, "arm_complaint", broken)
    with pytest.raises(RuntimeError):
        acknowledge_complaint(store_ctx, case.row.id)
    unchanged(case.row.id)


def test_a_read_only_store_refuses_every_step(store_ctx: StoreContext, order: OrderView) -> None:
    from followup_tui.store.location import parse_store
    from followup_tui.store.unit_of_work import open_store

    case = new_case(store_ctx, order)
    assert store_ctx.location.path is not None
    watcher = open_store(parse_store(str(store_ctx.location.path)), read_only=True, actor="boss")
    try:
        assert get_complaint(watcher, case.row.id) == case
        with pytest.raises(FollowupError) as refused:
            acknowledge_complaint(watcher, case.row.id)
        assert refused.value.key == "error.read_only"
    finally:
        watcher.dispose()


def test_a_clock_into_a_year_the_calendar_lacks_is_estimated_not_refused(
    store_ctx: StoreContext, order: OrderView, clock: Any
) -> None:
    store_ctx.calendar = load_calendar("cn-mainland")  # knows 2026 only
    clock.set(datetime(2026, 12, 30, 2, 0, tzinfo=UTC))  # Wednesday 10:00 in Shanghai
    case = new_case(store_ctx, order)
    ack, resolve = case.row.clock("ack"), case.row.clock("resolve")
    assert ack is not None and resolve is not None
    assert not is_estimate(ack, store_ctx.calendar)  # due the same afternoon
    assert is_estimate(resolve, store_ctx.calendar) and resolve.due_at.year == 2027
    clock.set(datetime(2027, 1, 20, 2, 0, tzinfo=UTC))
    late = {a.kind: a for a in alerts(store_ctx, clock())}
    # Counted from the weekday pattern, and said to be an estimate.
    assert late["resolve"].left is not None and late["resolve"].left < timedelta(0)
    assert late["resolve"].estimated_year == 2027
    done = closed_case(store_ctx, order)  # closing in an unknown year still schedules
    assert done.satisfaction_due is not None and done.satisfaction_due.year == 2027


def test_a_case_that_does_not_exist_is_named(store_ctx: StoreContext) -> None:
    with pytest.raises(FollowupError) as refused:
        get_complaint(store_ctx, 404)
    assert (refused.value.key, refused.value.params["complaint"]) == (
        "error.complaint_not_found",
        404,
    )


def shipped_policy_text() -> str:
    from importlib import resources

    return resources.files("followup_tui").joinpath("data", "sla_policy.toml").read_text("utf-8")


def test_a_policy_change_reaches_an_open_case_at_its_next_event(
    store_ctx: StoreContext, order: OrderView, clock: Any
) -> None:
    from followup_tui.domain.complaints.sla_policy import policy_from_text

    case = new_case(store_ctx, order)
    plan = case.row.clock("plan")
    assert plan is not None and plan.target_hours == 24
    text = shipped_policy_text().replace(
        '{ kind = "plan", hours = 24 }', '{ kind = "plan", hours = 16 }'
    )
    store_ctx.sla = policy_from_text(text, "company.toml")
    assert get_complaint(store_ctx, case.row.id).row.clock("plan") == plan  # nothing moved yet
    clock.advance(hours=1)
    done = acknowledge_complaint(store_ctx, case.row.id)
    moved = done.row.clock("plan")
    assert moved is not None and moved.target_hours == 16 and moved.armed_at == plan.armed_at
    assert moved.due_at == store_ctx.calendar.add_business_time(plan.armed_at, 16 * HOUR)


def test_a_case_whose_grade_the_policy_dropped_keeps_its_armed_targets(
    store_ctx: StoreContext, order: OrderView
) -> None:
    from followup_tui.domain.complaints.sla_policy import policy_from_text

    case = new_case(store_ctx, order, category="missing_documents")  # minor
    assert case.row.grade == "minor"
    text = shipped_policy_text()
    start = text.index('[[grade]]\nkey = "minor"')
    end = text.index("# --- 类别 categories")
    store_ctx.sla = policy_from_text(
        (text[:start] + text[end:]).replace('grade = "minor"', 'grade = "ordinary"'), "company.toml"
    )
    done = acknowledge_complaint(store_ctx, case.row.id)
    assert [(c.kind, c.target_hours) for c in done.row.clocks] == [
        (c.kind, c.target_hours) for c in case.row.clocks
    ]
    ack = done.row.clock("ack")
    assert ack is not None and ack.met_at is not None
