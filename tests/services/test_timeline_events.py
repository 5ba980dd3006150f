"""Exceptions, their contingency plans, and shipments: what happens to a plan from
outside, recorded in one unit of work each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders.rules import OrderDraft
from followup_tui.domain.timeline.contingency import load_contingency
from followup_tui.domain.timeline.disruptions import ExceptionDraft, ExceptionKind
from followup_tui.services.orders.entry import create_order, get_order
from followup_tui.services.orders.flow import confirm_order
from followup_tui.services.timeline.events import (
    add_shipment,
    apply_contingency,
    list_exceptions,
    list_shipments,
    record_exception,
    resolve_exception,
)
from followup_tui.services.timeline.read import order_timeline
from followup_tui.store.models import Note, OrderException, Shipment
from followup_tui.store.unit_of_work import StoreContext


def confirmed(store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]) -> int:
    order = create_order(store_ctx, make_draft(requested_date=date(2026, 6, 30)))
    confirm_order(store_ctx, order.id)
    return order.id


def test_an_exception_with_an_impact_shifts_the_milestone_it_hits(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    order_id = confirmed(store_ctx, make_draft)
    before = order_timeline(store_ctx, order_id)
    draft = ExceptionDraft(
        ExceptionKind.EQUIPMENT_FAILURE, "注塑机故障", "production", 4, "production"
    )
    view, shifted = record_exception(store_ctx, order_id, draft)
    assert view.kind == "equipment_failure" and view.milestone_key == "production"
    assert shifted is not None and shifted.moved[0][0] == "production"
    after = order_timeline(store_ctx, order_id)
    production = next(m for m in after.milestones if m.key == "production")
    old = next(m for m in before.milestones if m.key == "production")
    assert production.planned_start == store_ctx.calendar.add_business_days(old.planned_start, 4)
    assert production.exception == "equipment_failure"  # the Gantt shows what hit it
    resolve_exception(store_ctx, view.id)
    assert list_exceptions(store_ctx, order_id)[0].status == "resolved"
    cleared = order_timeline(store_ctx, order_id)
    assert next(m for m in cleared.milestones if m.key == "production").exception is None


def test_a_bad_exception_is_refused_whole(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    order_id = confirmed(store_ctx, make_draft)
    with pytest.raises(FollowupError) as refused:
        record_exception(
            store_ctx, order_id, ExceptionDraft(ExceptionKind.DAMAGE, " ", "nobody", -1, None)
        )
    fields = {problem.field for problem in refused.value.problems}
    assert {"cause", "party", "impact_days"} <= fields
    with pytest.raises(FollowupError) as unknown:
        record_exception(
            store_ctx,
            order_id,
            ExceptionDraft(ExceptionKind.DAMAGE, "箱子破损", "carrier", 0, "teleport"),
        )
    assert unknown.value.params["milestone"] == "teleport"
    with store_ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(OrderException)) == 0


def test_applying_a_contingency_plan_adds_follow_ups_with_due_dates(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    order_id = confirmed(store_ctx, make_draft)
    view, _ = record_exception(
        store_ctx,
        order_id,
        ExceptionDraft(ExceptionKind.MATERIAL_SHORTAGE, "IC 缺货", "supplier", 0, "materials"),
    )
    library = load_contingency()
    scenario = library.for_kind("material_shortage")[0]
    notes = apply_contingency(store_ctx, view.id, scenario.key, library, "zh_CN")
    assert len(notes) == len(scenario.actions)
    assert notes[0].body == scenario.actions[0].text("zh_CN")
    with store_ctx.read() as session:
        due = session.scalars(select(Note.due_on).where(Note.order_id == order_id)).all()
    today = store_ctx.today()
    assert sorted(d for d in due if d is not None) == sorted(
        store_ctx.calendar.add_business_days(today, a.due_days) for a in scenario.actions
    )
    detail = get_order(store_ctx, order_id)
    assert len(detail.notes) == len(scenario.actions)
    with pytest.raises(FollowupError):
        apply_contingency(store_ctx, view.id, "no-such-plan", library, "en")


def test_partial_shipments_never_ship_more_than_ordered(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    order_id = confirmed(store_ctx, make_draft)  # one line of 1,200 pcs
    first = add_shipment(
        store_ctx,
        order_id,
        carrier="中远海运",
        mode="sea",
        tracking_no="COSU123",
        etd=date(2026, 6, 1),
        eta=date(2026, 6, 20),
        lines={1: "500"},
    )
    assert first.lines == ((1, "500"),)
    with pytest.raises(FollowupError) as too_much:
        add_shipment(store_ctx, order_id, carrier="DHL", mode="air", lines={1: "701"})
    assert too_much.value.field == "lines[1]"
    rest = add_shipment(store_ctx, order_id, carrier="DHL", mode="air")
    assert rest.lines == ((1, "700"),)
    assert [s.carrier for s in list_shipments(store_ctx, order_id)] == ["中远海运", "DHL"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"mode": "rocket"}, "mode"),
        ({"etd": date(2026, 6, 10), "eta": date(2026, 6, 1)}, "eta"),
        ({"carrier": "  "}, "carrier"),
        ({"lines": {9: "1"}}, "lines[9]"),
    ],
)
def test_a_bad_shipment_names_its_field_and_saves_nothing(
    store_ctx: StoreContext,
    make_draft: Callable[..., OrderDraft],
    fields: dict[str, Any],
    field: str,
) -> None:
    order_id = confirmed(store_ctx, make_draft)
    values: dict[str, Any] = {"carrier": "中远海运", "mode": "sea"}
    values.update(fields)
    with pytest.raises(FollowupError) as refused:
        add_shipment(store_ctx, order_id, **values)
    assert field in {problem.field for problem in refused.value.problems}
    with store_ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(Shipment)) == 0


def test_booking_a_shipment_is_part_of_the_orders_history(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    order_id = confirmed(store_ctx, make_draft)
    before = {change.id for change in get_order(store_ctx, order_id).changes}
    add_shipment(
        store_ctx, order_id, carrier="中远海运", mode="sea", tracking_no="COSU123", lines={1: "500"}
    )
    booked = [c for c in get_order(store_ctx, order_id).changes if c.id not in before]
    assert [(c.entity, c.action) for c in booked] == [
        ("shipment", "insert"),
        ("shipment_line", "insert"),
    ]
    assert booked[0].diff["carrier"] == [None, "中远海运"]
    assert booked[1].diff["quantity"] == [None, "500"]
