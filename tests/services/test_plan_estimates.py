"""A plan that reaches a year the calendar does not know is made all the same, from the
weekday pattern, and marked as an estimate; a plan whose backward walk alone reaches an
unknown past year is planned forwards from today, exactly."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from followup_tui.domain.calendar import load_calendar
from followup_tui.domain.orders.rules import OrderDraft
from followup_tui.domain.timeline.milestones import load_template
from followup_tui.domain.timeline.schedule import plan_order
from followup_tui.services.orders.entry import create_order
from followup_tui.services.orders.flow import confirm_order
from followup_tui.services.timeline.read import load_timeline, unknown_years
from followup_tui.store.models import Milestone
from followup_tui.store.unit_of_work import StoreContext

CN = load_calendar("cn-mainland")
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def cn_ctx(tmp_path: Path, clock: Any) -> Iterator[StoreContext]:
    from followup_tui.store import schema
    from followup_tui.store.location import parse_store
    from followup_tui.store.unit_of_work import open_store

    ctx = open_store(parse_store(str(tmp_path / "cn.db")), actor="tester", clock=clock, calendar=CN)
    schema.upgrade(ctx.engine)
    try:
        yield ctx
    finally:
        ctx.dispose()


def test_the_forward_plan_is_made_when_only_the_backward_walk_reaches_last_year() -> None:
    plan = plan_order(load_template("domestic"), date(2026, 1, 23), date(2026, 1, 5), CN)

    # The forward plan from today: materials' one-day buffer now holds production back
    # too (its start-to-start link), so delivery is 02-02, six business days short.
    assert plan.projected == date(2026, 2, 2)
    assert plan.days_short == 6
    assert all(m.start >= date(2026, 1, 5) for m in plan.milestones)


def test_an_order_confirmed_in_december_gets_an_estimated_plan_into_next_year(
    cn_ctx: StoreContext, clock: Any, make_draft: Callable[..., OrderDraft]
) -> None:
    clock.set(datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI))
    order = create_order(
        cn_ctx,
        make_draft(order_date=date(2026, 12, 7), requested_date=date(2027, 3, 1)),
    )

    confirm_order(cn_ctx, order.id, template="domestic")

    with cn_ctx.read() as session:
        count = session.scalar(select(func.count()).select_from(Milestone))
    assert count == len(load_template("domestic").stages)
    (row,) = load_timeline(cn_ctx)
    assert row.calendar_note == 2027
    assert row.milestones and row.projected == date(2027, 3, 1)
    assert unknown_years([row]) == (2027,)


def test_an_order_confirmed_on_new_years_holiday_keeps_its_plan(
    cn_ctx: StoreContext, clock: Any, make_draft: Callable[..., OrderDraft]
) -> None:
    clock.set(datetime(2026, 1, 2, 10, 0, tzinfo=SHANGHAI))  # 元旦 holiday, 2025 unknown
    order = create_order(
        cn_ctx, make_draft(order_date=date(2026, 1, 2), requested_date=date(2026, 6, 1))
    )

    confirm_order(cn_ctx, order.id, template="domestic")

    (row,) = load_timeline(cn_ctx)
    assert row.milestones  # the confirmation is dated on the last working day, estimated
    confirmation = next(m for m in row.milestones if m.key == "confirmation")
    assert confirmation.actual_end == date(2025, 12, 31)
