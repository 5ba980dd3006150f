"""Every complaint step on a real store: what it changes, what it refuses (changing
nothing), the clocks it moves, and the change log it writes in the same transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from followup_tui.domain.errors import FollowupError, StaleEditError
from followup_tui.domain.orders.rules import OrderDraft
from followup_tui.services.complaints.clocks import explain_clock
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
    resume_complaint,
    suggested_grades,
)
from followup_tui.services.complaints.views import ComplaintDetail
from followup_tui.services.orders.entry import create_order
from followup_tui.services.orders.views import OrderView
from followup_tui.store.models import ChangeLog, Complaint, Customer, Note
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


def complaint_log(store_ctx: StoreContext, complaint_id: int) -> list[ChangeLog]:
    with store_ctx.read() as session:
        return list(
            session.scalars(
                select(ChangeLog)
                .where(ChangeLog.entity == "complaint", ChangeLog.entity_id == complaint_id)
                .order_by(ChangeLog.id)
            )
        )


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


# --- a new complaint -------------------------------------------------------------------


def test_a_new_complaint_takes_the_suggested_grade_and_the_orders_owner(
    store_ctx: StoreContext, order: OrderView
) -> None:
    case = new_case(store_ctx, order, contact="Ms Wang, 138 0000 0000")
    row = case.row
    assert (row.grade, case.suggested_grade, case.grade_reason) == ("ordinary", "ordinary", "")
    assert (row.owner, row.status, row.order_no, row.customer) == (
        "li.na",
        "new",
        order.order_no,
        order.customer,
    )
    assert row.received_at == store_ctx.now()
    assert [c.kind for c in row.clocks] == ["ack", "plan", "resolve"]
    ack = row.clock("ack")
    assert ack is not None and ack.armed_at == row.received_at
    # Monday 09:30 in Shanghai + 4 business hours (lunch 12:00-13:00) = 14:30 = 06:30 UTC
    assert ack.due_at == datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
    assert case.order.id == order.id
    [inserted] = complaint_log(store_ctx, row.id)
    assert (inserted.action, inserted.actor) == ("insert", "tester")


def test_a_key_account_raises_the_suggested_grade(
    store_ctx: StoreContext, order: OrderView
) -> None:
    with store_ctx.write() as session:
        customer = session.scalar(select(Customer).where(Customer.name == order.customer))
        assert customer is not None
        customer.key_account = True
    assert suggested_grades(store_ctx, order.id)["quality"] == "major"
    case = new_case(store_ctx, order)
    assert case.row.grade == case.suggested_grade == "major"


def test_a_grade_override_with_a_reason_is_kept_beside_the_suggestion(
    store_ctx: StoreContext, order: OrderView
) -> None:
    case = new_case(store_ctx, order, grade="major", grade_reason="Customer threatens to cancel")
    assert (case.row.grade, case.suggested_grade) == ("major", "ordinary")
    assert case.grade_reason == "Customer threatens to cancel"
    ack = case.row.clock("ack")
    assert ack is not None and (ack.target_hours, ack.role) == (2, "supervisor")


def test_a_grade_override_without_a_reason_is_refused(
    store_ctx: StoreContext, order: OrderView
) -> None:
    before = log_count(store_ctx)
    with pytest.raises(FollowupError) as refused:
        new_case(store_ctx, order, grade="major")
    assert (refused.value.key, refused.value.field) == (
        "error.complaint_grade_reason",
        "grade_reason",
    )
    assert log_count(store_ctx) == before
    with store_ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(Complaint)) == 0


@pytest.mark.parametrize(
    ("fields", "key", "field"),
    [
        ({"grade": "critical", "grade_reason": "x"}, "error.sla_grade_unknown", "grade"),
        ({"category": "rudeness"}, "error.sla_category_unknown", "category"),
        ({"description": "  "}, "error.required", "description"),
        ({"line_no": 7}, "error.complaint_line_unknown", "line_no"),
        (
            {"received_at": datetime(2026, 3, 3, tzinfo=UTC)},
            "error.complaint_received_future",
            "received_at",
        ),
    ],
)
def test_bad_input_for_a_new_complaint_is_refused_naming_the_field(
    store_ctx: StoreContext, order: OrderView, fields: dict[str, Any], key: str, field: str
) -> None:
    before = log_count(store_ctx)
    with pytest.raises(FollowupError) as refused:
        new_case(store_ctx, order, **fields)
    assert (refused.value.key, refused.value.field) == (key, field)
    assert log_count(store_ctx) == before


def test_an_unknown_order_is_refused(store_ctx: StoreContext) -> None:
    with pytest.raises(FollowupError) as refused:
        create_complaint(store_ctx, ComplaintDraft("PO-1999-00001", "quality", "x"))
    assert refused.value.key == "error.order_not_found"


# --- acknowledge, assign, escalate -------------------------------------------------------


def test_acknowledging_meets_the_ack_clock_and_records_who(
    store_ctx: StoreContext, order: OrderView, clock: Any
) -> None:
    case = new_case(store_ctx, order)
    clock.advance(hours=1)
    done = acknowledge_complaint(store_ctx, case.row.id, expected_version=case.row.version)
    assert done.row.status == "acknowledged"
    assert (done.acknowledged_at, done.acknowledged_by) == (clock(), "tester")
    ack = done.row.clock("ack")
    assert ack is not None and ack.met_at == clock() and ack.remaining == 3 * HOUR
    plan = done.row.clock("plan")
    assert plan is not None and plan.met_at is None


def test_a_stale_acknowledgement_is_refused(
    store_ctx: StoreContext, order: OrderView, unchanged: Callable[[int], None]
) -> None:
    case = new_case(store_ctx, order)
    assign_complaint(store_ctx, case.row.id, "wang.fang")
    unchanged(case.row.id)
    with pytest.raises(StaleEditError):
        acknowledge_complaint(store_ctx, case.row.id, expected_version=case.row.version)
    unchanged(case.row.id)


def test_assigning_changes_the_owner_and_an_empty_owner_is_refused(
    store_ctx: StoreContext, order: OrderView
) -> None:
    case = new_case(store_ctx, order)
    assert assign_complaint(store_ctx, case.row.id, " wang.fang ").row.owner == "wang.fang"
    with pytest.raises(FollowupError) as refused:
        assign_complaint(store_ctx, case.row.id, " ")
    assert refused.value.field == "owner"


def test_escalating_sets_the_time_once_and_keeps_the_reason_on_the_order(
    store_ctx: StoreContext, order: OrderView, clock: Any, unchanged: Callable[[int], None]
) -> None:
    case = new_case(store_ctx, order)
    done = escalate_complaint(store_ctx, case.row.id, "Buyer called the CEO")
    assert done.escalated_at == clock() and done.row.escalated
    assert [n.body for n in notes_of(store_ctx, order.id)] == [
        f"Complaint #{case.row.id}: escalated: Buyer called the CEO"
    ]
    unchanged(case.row.id)
    with pytest.raises(FollowupError) as refused:
        escalate_complaint(store_ctx, case.row.id)
    assert refused.value.key == "error.complaint_already_escalated"
    unchanged(case.row.id)


# --- pause and resume --------------------------------------------------------------------


def test_pause_and_resume_push_the_due_times_by_the_paused_business_time(
    store_ctx: StoreContext, order: OrderView, clock: Any
) -> None:
    clock.set(datetime(2026, 3, 6, 8, 0, tzinfo=UTC))  # Friday 16:00 in Shanghai
    case = acknowledge_complaint(store_ctx, new_case(store_ctx, order).row.id)
    before = {c.kind: c.due_at for c in case.row.clocks}
    clock.set(datetime(2026, 3, 6, 9, 0, tzinfo=UTC))  # Friday 17:00
    paused = pause_complaint(store_ctx, case.row.id, "customer", "Waiting for photos")
    assert paused.row.paused
    plan = paused.row.clock("plan")
    assert plan is not None and plan.paused_since == clock()
    clock.set(datetime(2026, 3, 9, 3, 0, tzinfo=UTC))  # Monday 11:00
    resumed = resume_complaint(store_ctx, case.row.id)
    assert not resumed.row.paused
    # Friday 17:00-18:00 and Monday 09:00-11:00: three business hours, not the weekend
    calendar = store_ctx.calendar
    for kind in ("plan", "resolve"):
        after = resumed.row.clock(kind)
        assert after is not None and after.paused_since is None
        assert after.due_at == calendar.add_business_time(before[kind], 3 * HOUR)
    ack = resumed.row.clock("ack")
    assert ack is not None and ack.due_at == before["ack"]  # met before the pause
    [pause] = resumed.pauses
    assert (pause.reason, pause.note, pause.paused_by, pause.resumed_by) == (
        "customer",
        "Waiting for photos",
        "tester",
        "tester",
    )
    assert pause.ended_at == clock()
    steps = [line.key for line in explain_clock(store_ctx, case.row.id, "plan")]
    assert steps == ["sla.explain.armed", "sla.explain.paused", "sla.explain.resumed"]
    assert {c.entity for c in resumed.history} == {"complaint", "complaint_pause"}


def test_resuming_a_case_that_is_not_paused_is_refused_and_changes_nothing(
    store_ctx: StoreContext, order: OrderView, unchanged: Callable[[int], None]
) -> None:
    case = new_case(store_ctx, order)
    unchanged(case.row.id)
    with pytest.raises(FollowupError) as refused:
        resume_complaint(store_ctx, case.row.id)
    assert refused.value.key == "error.not_paused"
    unchanged(case.row.id)


@pytest.mark.parametrize("reason", ["", "  ", "lunch"])
def test_a_pause_needs_a_known_reason(
    store_ctx: StoreContext, order: OrderView, unchanged: Callable[[int], None], reason: str
) -> None:
    case = new_case(store_ctx, order)
    unchanged(case.row.id)
    with pytest.raises(FollowupError) as refused:
        pause_complaint(store_ctx, case.row.id, reason)
    assert (refused.value.key, refused.value.field) == ("error.pause_reason", "reason")
    unchanged(case.row.id)


def test_pausing_a_paused_case_is_refused(
    store_ctx: StoreContext, order: OrderView, unchanged: Callable[[int], None]
) -> None:
    case = new_case(store_ctx, order)
    pause_complaint(store_ctx, case.row.id, "qc")
    unchanged(case.row.id)
    with pytest.raises(FollowupError) as refused:
        pause_complaint(store_ctx, case.row.id, "supplier")
    assert refused.value.key == "error.already_paused"
    unchanged(case.row.id)


# --- cause, remedy, close -----------------------------------------------------------------


def test_recording_the_cause_moves_an_acknowledged_case_to_investigating(
    store_ctx: StoreContext, order: OrderView, unchanged: Callable[[int], None]
) -> None:
    case = new_case(store_ctx, order)
    unchanged(case.row.id)
    with pytest.raises(FollowupError) as refused:  # a new case is acknowledged first
        record_cause(store_ctx, case.row.id, root_cause="Mould worn", responsible_party="supplier")
    assert refused.value.key == "error.complaint_move"
    unchanged(case.row.id)
    acknowledge_complaint(store_ctx, case.row.id)
    with pytest.raises(FollowupError) as unknown:
        record_cause(store_ctx, case.row.id, root_cause="Mould worn", responsible_party="gods")
    assert unknown.value.field == "responsible_party"
    done = record_cause(
        store_ctx,
        case.row.id,
        root_cause="Mould worn",
        responsible_party="supplier",
        third_party_inspection=True,
        evidence="SGS report 2026-0311",
    )
    assert done.row.status == "investigating"
    assert (done.root_cause, done.responsible_party, done.evidence) == (
        "Mould worn",
        "supplier",
        "SGS report 2026-0311",
    )
    assert done.third_party_inspection


def test_a_remedy_meets_the_plan_clock_and_adds_dated_follow_ups(
    store_ctx: StoreContext, order: OrderView, clock: Any
) -> None:
    case = acknowledge_complaint(store_ctx, new_case(store_ctx, order).row.id)
    clock.advance(hours=2)
    done = record_remedy(
        store_ctx,
        case.row.id,
        kind="replace",
        amount="1,250.50",
        currency="usd",
        note="Replace 200 pcs",
        follow_ups=[("Ship the replacements", 3), ("Call Ms Wang", 0)],
    )
    assert done.row.status == "remedy" and done.plan_at == clock()
    assert (done.remedy_kind, done.remedy_amount, done.remedy_currency) == (
        "replace",
        Decimal("1250.50"),
        "USD",
    )
    plan = done.row.clock("plan")
    assert plan is not None and plan.met_at == clock()
    today = store_ctx.today()
    notes = {n.body: n for n in notes_of(store_ctx, order.id)}
    ship = notes[f"Complaint #{case.row.id}: Ship the replacements"]
    call = notes[f"Complaint #{case.row.id}: Call Ms Wang"]
    assert ship.due_on == store_ctx.calendar.add_business_days(today, 3) == date(2026, 3, 5)
    assert call.due_on == today
    assert ship.kind == call.kind == "internal"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "hug"}, "remedy"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "10", "currency": "dollars"}, "currency"),
        ({"follow_ups": [("Call", -1)]}, "follow_ups[0]"),
        ({"follow_ups": [("", 1)]}, "follow_ups[0]"),
    ],
)
def test_a_bad_remedy_is_refused_naming_the_field(
    store_ctx: StoreContext,
    order: OrderView,
    unchanged: Callable[[int], None],
    fields: dict[str, Any],
    field: str,
) -> None:
    case = acknowledge_complaint(store_ctx, new_case(store_ctx, order).row.id)
    unchanged(case.row.id)
    values: dict[str, Any] = {"kind": "refund", "amount": None, "currency": "", "note": ""}
    values.update(fields)
    with pytest.raises(FollowupError) as refused:
        record_remedy(store_ctx, case.row.id, **values)
    assert refused.value.field == field
    unchanged(case.row.id)
    assert notes_of(store_ctx, order.id) == []


def test_closing_needs_a_remedy_and_a_note(
    store_ctx: StoreContext, order: OrderView, unchanged: Callable[[int], None]
) -> None:
    case = acknowledge_complaint(store_ctx, new_case(store_ctx, order).row.id)
    unchanged(case.row.id)
    with pytest.raises(FollowupError) as refused:
        close_complaint(store_ctx, case.row.id, "Customer confirmed")
    assert refused.value.key == "error.close_without_remedy"
    unchanged(case.row.id)
    record_remedy(store_ctx, case.row.id, kind="refund", amount="80", currency="CNY", note="")
    with pytest.raises(FollowupError) as no_note:
        close_complaint(store_ctx, case.row.id, "   ")
    assert no_note.value.key == "error.close_without_note"


def closed_case(store_ctx: StoreContext, order: OrderView) -> ComplaintDetail:
    case = acknowledge_complaint(store_ctx, new_case(store_ctx, order).row.id)
    record_remedy(store_ctx, case.row.id, kind="reship", amount=None, currency="", note="")
    return close_complaint(store_ctx, case.row.id, "Customer confirmed by phone")


def test_closing_meets_the_resolution_clock_and_schedules_the_satisfaction_call(
    store_ctx: StoreContext, order: OrderView, clock: Any
) -> None:
    done = closed_case(store_ctx, order)
    assert done.row.status == "closed" and done.closed_at == clock()
    assert done.close_note == "Customer confirmed by phone"
    resolve = done.row.clock("resolve")
    assert resolve is not None and resolve.met_at == clock()
    days = store_ctx.sla.satisfaction_days
    due = store_ctx.calendar.add_business_days(store_ctx.today(), days)
    assert done.satisfaction_due == due == date(2026, 3, 9)
    [note] = [n for n in notes_of(store_ctx, order.id) if n.due_on is not None]
    assert note.due_on == due and note.body.startswith(f"Complaint #{done.row.id}: ")
    with pytest.raises(FollowupError) as refused:
        pause_complaint(store_ctx, done.row.id, "customer")
    assert refused.value.key == "error.complaint_is_closed"


def test_closing_a_paused_case_ends_the_pause(store_ctx: StoreContext, order: OrderView) -> None:
    case = acknowledge_complaint(store_ctx, new_case(store_ctx, order).row.id)
    record_remedy(store_ctx, case.row.id, kind="gift", amount=None, currency="", note="")
    pause_complaint(store_ctx, case.row.id, "customer")
    done = close_complaint(store_ctx, case.row.id, "Confirmed")
    assert not done.row.paused and done.pauses[0].ended_at == done.closed_at


def test_a_remedy_is_refused_with_every_problem_at_once(
    store_ctx: StoreContext, order: OrderView, unchanged: Callable[[int], None]
) -> None:
    """The kind, the amount, the currency and the follow-ups were refused one per call."""
    case = acknowledge_complaint(store_ctx, new_case(store_ctx, order).row.id)
    unchanged(case.row.id)
    with pytest.raises(FollowupError) as refused:
        record_remedy(
            store_ctx,
            case.row.id,
            kind="voucher",
            amount="-5",
            currency="dollars",
            note="",
            follow_ups=[("call back", 999)],
        )
    assert [problem.field for problem in refused.value.problems] == [
        "remedy",
        "amount",
        "currency",
        "follow_ups[0]",
    ]
    unchanged(case.row.id)
