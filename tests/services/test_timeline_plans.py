"""Planning on confirmation, shifting with ripple, actual dates, links, and what the
timeline reads back: the services the Gantt, the CLI and the report share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from followup_tui.domain.calendar import load_calendar
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders.rules import OrderDraft
from followup_tui.domain.timeline.milestones import load_template
from followup_tui.render.customer_notice import notice_for
from followup_tui.services.orders.entry import create_order
from followup_tui.services.orders.flow import confirm_order
from followup_tui.services.timeline.plans import link, mark_done, mark_started, shift
from followup_tui.services.timeline.read import load_timeline, order_timeline
from followup_tui.services.timeline.review import Reason, weekly_review
from followup_tui.services.timeline.views import TimelineOrder
from followup_tui.store.models import ChangeLog, Milestone, MilestoneLink
from followup_tui.store.unit_of_work import StoreContext

TODAY = date(2026, 3, 2)  # the test clock's Monday


def planned(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft], **fields: Any
) -> TimelineOrder:
    order = create_order(store_ctx, make_draft(**fields))
    confirm_order(store_ctx, order.id)
    return order_timeline(store_ctx, order.id)


def bar(order: TimelineOrder, key: str) -> Any:
    return next(m for m in order.milestones if m.key == key)


def test_confirming_plans_every_stage_backwards_from_the_promise(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    order = planned(store_ctx, make_draft, requested_date=date(2026, 6, 30))
    template = load_template("export-sea")
    assert [m.key for m in order.milestones] == [s.key for s in template.stages]
    delivery = bar(order, template.anchor)
    assert delivery.planned_end == date(2026, 6, 30)
    assert order.days_short == 0 and not order.at_risk and not order.late
    confirmation = bar(order, "confirmation")
    assert confirmation.actual_end == TODAY and confirmation.status == "done"
    cal = store_ctx.calendar
    for m in order.milestones:
        assert cal.is_working_day(m.planned_start) and cal.is_working_day(m.planned_end)


def test_the_confirmation_is_planned_on_the_day_it_was_done(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    """A plan made backwards puts confirmation on its latest possible day, weeks ahead;
    it was done today, so its planned bar is today too, not a late plan beside it."""
    order = planned(store_ctx, make_draft, requested_date=date(2026, 6, 30))
    confirmation = bar(order, "confirmation")
    assert (confirmation.planned_start, confirmation.planned_end) == (TODAY, TODAY)
    assert (confirmation.actual_start, confirmation.actual_end) == (TODAY, TODAY)
    assert confirmation.buffer_end == TODAY
    assert bar(order, "materials").planned_start > TODAY  # the rest stays as late as it can


def test_a_promise_too_close_is_planned_forwards_and_flagged_short(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    order = planned(store_ctx, make_draft, requested_date=date(2026, 3, 20))
    assert order.at_risk and order.days_short > 0
    assert order.projected > date(2026, 3, 20)
    assert store_ctx.calendar.business_days_between(date(2026, 3, 20), order.projected) == (
        order.days_short
    )


def test_shift_ripples_and_shifting_back_restores(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    order = planned(store_ctx, make_draft, requested_date=date(2026, 6, 30))
    production = bar(order, "production")
    later = shift(store_ctx, production.milestone_id, by_days=5)
    assert later.moved[0][0] == "production"
    moved_keys = {key for key, _old, _new in later.moved}
    assert len(moved_keys) > 1  # five days is more than any buffer: successors follow
    after = later.order
    assert bar(after, "production").planned_start == store_ctx.calendar.add_business_days(
        production.planned_start, 5
    )
    for m in after.milestones:
        before = bar(order, m.key)
        assert m.planned_start >= before.planned_start  # pushing never pulls anything in
    back = shift(store_ctx, production.milestone_id, by_days=-5)
    assert [(m.key, m.planned_start, m.planned_end) for m in back.order.milestones] == [
        (m.key, m.planned_start, m.planned_end) for m in order.milestones
    ]


def test_a_ripple_past_the_promise_flags_the_order_and_drafts_the_notice(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    order = planned(store_ctx, make_draft, requested_date=date(2026, 6, 30))
    result = shift(store_ctx, bar(order, "production").milestone_id, by_days=15)
    assert result.order.at_risk and result.order.days_short > 0
    assert result.notice is not None
    notice = notice_for(result.notice)  # the desk drafts the wording from the facts
    assert order.order_no in notice
    assert "2026年" in notice  # the customer (深圳市华强电子) reads Chinese
    eta = result.order.projected
    assert f"{eta.year}年{eta.month}月{eta.day}日" in notice


def test_a_typed_date_on_a_holiday_is_refused_and_nothing_changes(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    order = planned(store_ctx, make_draft, requested_date=date(2026, 6, 30))
    production = bar(order, "production")
    with store_ctx.read() as session:
        log_before = session.scalar(select(func.count()).select_from(ChangeLog))
    with pytest.raises(FollowupError) as refused:
        shift(store_ctx, production.milestone_id, to_start=date(2026, 5, 2))  # a Saturday
    assert refused.value.params.get("milestone") == "production"
    assert order_timeline(store_ctx, order.order_id) == order
    with store_ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(ChangeLog)) == log_before


def test_a_late_finish_pushes_what_follows(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft], clock: Any
) -> None:
    order = planned(store_ctx, make_draft, requested_date=date(2026, 4, 30))
    qc = bar(order, "qc")  # packing waits for QC to finish
    mark_started(store_ctx, qc.milestone_id, on=qc.planned_start)
    late_finish = store_ctx.calendar.add_business_days(qc.planned_end, 6)
    result = mark_done(store_ctx, qc.milestone_id, on=late_finish)
    after = bar(result.order, "qc")
    assert after.actual_end == late_finish and after.status == "done" and not after.late
    assert after.actual_end > after.planned_end  # finished late: history, not a chase
    packing = bar(result.order, "packing")
    assert packing.planned_start == store_ctx.calendar.add_business_days(late_finish, 1)


def test_a_link_that_makes_a_cycle_is_refused_naming_the_milestones(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    order = planned(store_ctx, make_draft, requested_date=date(2026, 6, 30))
    with store_ctx.read() as session:
        links_before = session.scalar(select(func.count()).select_from(MilestoneLink))
    with pytest.raises(FollowupError) as refused:
        link(store_ctx, bar(order, "qc").milestone_id, bar(order, "materials").milestone_id)
    assert refused.value.key == "error.link_cycle"
    assert "materials" in str(refused.value.params["milestones"])
    with store_ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(MilestoneLink)) == links_before


def test_a_new_link_ripples(store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]) -> None:
    order = planned(store_ctx, make_draft, requested_date=date(2026, 6, 30))
    # booking waits for the end of QC plus 10 days: it has to move
    result = link(
        store_ctx, bar(order, "qc").milestone_id, bar(order, "booking").milestone_id, lag_days=10
    )
    assert "booking" in {key for key, _old, _new in result.moved}


def test_the_timeline_lists_open_planned_orders_and_the_review_picks_what_is_due(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    planned(store_ctx, make_draft, requested_date=date(2026, 6, 30))
    tight = planned(
        store_ctx, make_draft, order_no="PO-2026-00002", requested_date=date(2026, 3, 20)
    )
    create_order(store_ctx, make_draft(order_no="PO-2026-00003"))  # a draft: no plan
    rows = load_timeline(store_ctx)
    assert [row.order_no for row in rows] == ["PO-2026-00002", "PO-2026-00001"]
    review = weekly_review(rows, TODAY, weeks=2)
    reasons = {(item.order.order_no, item.reason) for g in review.groups for item in g.items}
    assert (tight.order_no, Reason.AT_RISK) in reasons
    assert all(
        item.milestone is None or item.milestone.planned_end < review.until
        for g in review.groups
        for item in g.items
    )


def test_a_year_the_calendar_does_not_know_is_estimated_and_said(
    tmp_path: Any, make_draft: Callable[..., OrderDraft], clock: Any
) -> None:
    from followup_tui.store import schema
    from followup_tui.store.location import parse_store
    from followup_tui.store.unit_of_work import open_store

    ctx = open_store(
        parse_store(str(tmp_path / "cn.db")),
        actor="tester",
        clock=clock,
        calendar=load_calendar("cn-mainland"),
    )
    try:
        schema.upgrade(ctx.engine)
        order = create_order(ctx, make_draft(requested_date=date(2027, 3, 1)))
        confirm_order(ctx, order.id)  # planned all the same, from the weekday pattern
        with ctx.read() as session:
            count = session.scalar(select(func.count()).select_from(Milestone))
        assert count is not None and count > 0
        (row,) = load_timeline(ctx)
        assert row.calendar_note == 2027 and row.milestones
    finally:
        ctx.dispose()


def test_a_shift_past_the_promise_reaches_the_queue_and_the_header_counts(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    """One definition of late and at risk: after a shift the timeline counts the order at
    risk, and so do the header's count and the queue's row, both read through DB-API on
    the order's own columns (the projected slip is kept on the order)."""
    from followup_tui.domain.orders.rules import Urgency, at_risk_limit, days_left, urgency
    from followup_tui.services.orders.queue import OrderWindow, QueueQuery, late_and_at_risk
    from followup_tui.store.models import Order
    from followup_tui.store.window_reader import WindowReader

    order = planned(store_ctx, make_draft, requested_date=date(2026, 6, 30))
    cal = store_ctx.calendar
    limit = at_risk_limit(TODAY, cal)
    reader = WindowReader(store_ctx.location)
    try:
        assert late_and_at_risk(reader, TODAY, limit) == (0, 0)
        with store_ctx.read() as session:
            version = session.get(Order, order.order_id).version  # type: ignore[union-attr]
        result = shift(store_ctx, bar(order, "production").milestone_id, to_start=date(2026, 8, 3))
        assert result.order.at_risk and result.order.days_short > 0
        assert late_and_at_risk(reader, TODAY, limit) == (0, 1)
        (row,) = OrderWindow(reader, QueueQuery()).head(5)
        assert row.slip_days == result.order.days_short
        left = days_left(row.due_date, TODAY, cal)
        level = urgency(row.due_date, TODAY, left, open_order=True, slip_days=row.slip_days)
        assert level is Urgency.AT_RISK
        with store_ctx.read() as session:
            # derived from the plan: another desk's open form of this order stays current
            assert session.get(Order, order.order_id).version == version  # type: ignore[union-attr]
        shift(
            store_ctx,
            bar(order, "production").milestone_id,
            to_start=bar(order, "production").planned_start,
        )
        assert late_and_at_risk(reader, TODAY, limit) == (0, 0)
        assert OrderWindow(reader, QueueQuery()).head(5)[0].slip_days == 0
    finally:
        reader.close()


def test_the_notice_says_the_business_days_the_desk_shows(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    """ "推迟 3 天" beside "1 business day short" were two units for one delay."""
    order = planned(store_ctx, make_draft, requested_date=date(2026, 6, 30))
    result = shift(store_ctx, bar(order, "production").milestone_id, by_days=15)
    assert result.notice is not None
    short = result.order.days_short
    assert result.notice.slip_days == short
    assert f"推迟 {short} 个工作日" in notice_for(result.notice)


def test_a_late_order_without_milestones_is_late_by_business_days(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    """ "‼ N bd late" means business days for every order: one whose plan is gone used to
    count calendar days since the promise, another unit under the same words."""
    from sqlalchemy import delete

    promised = date(2026, 2, 13)  # a Friday, two weekends before today
    order = planned(store_ctx, make_draft, order_date=date(2026, 2, 2), requested_date=promised)
    with store_ctx.write() as session:
        session.execute(delete(MilestoneLink).where(MilestoneLink.order_id == order.order_id))
        session.execute(delete(Milestone).where(Milestone.order_id == order.order_id))
    bare = order_timeline(store_ctx, order.order_id)
    assert bare.late and not bare.milestones
    assert bare.days_short == store_ctx.calendar.business_days_between(promised, TODAY)
    assert bare.days_short < (TODAY - promised).days


def test_the_daily_sweep_stores_the_slip_a_silent_overrun_projects(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    """Nobody pressed a key, but materials should have finished weeks ago: the timeline
    projects the order past its promise, and the sweep makes the queue say so too."""
    from followup_tui.services.timeline.plans import refresh_slips
    from followup_tui.store.models import Order

    order = planned(store_ctx, make_draft, requested_date=date(2026, 6, 30))
    materials = bar(order, "materials")
    mark_started(store_ctx, materials.milestone_id, on=materials.planned_start)
    later = store_ctx.calendar.add_business_days(date(2026, 6, 30), -5)
    projected = order_timeline(store_ctx, order.order_id, later)
    assert projected.days_short > 0

    def stored() -> int:
        with store_ctx.read() as session:
            return session.get(Order, order.order_id).slip_days  # type: ignore[union-attr]

    assert stored() == 0
    assert refresh_slips(store_ctx, later) == 1
    assert stored() == projected.days_short
    assert refresh_slips(store_ctx, later) == 0  # nothing left to catch up
