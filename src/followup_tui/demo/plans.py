"""Milestone plans for the demo's open orders, with actual dates that match each status.

Every confirmed, open demo order is planned the way ``confirm_order`` plans a real
one, as of the day it was confirmed, so the timeline opens on a believable desk: the
stages an order has passed are done (a little early or late, at random), the stage it is
in has started, and orders that slipped show as late or at risk. Plans that share a
template, a promised date and a planning day are computed once; a large demo has
thousands of orders per day and only a few hundred distinct plans.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection

from followup_tui.demo.bulk import insert_sql, next_id
from followup_tui.demo.catalog import table_of
from followup_tui.domain.calendar import BusinessCalendar, CalendarYearUnknown
from followup_tui.domain.orders.lifecycle import OrderStatus
from followup_tui.domain.timeline.milestones import Template, load_template
from followup_tui.domain.timeline.schedule import (
    MilestoneState,
    Plan,
    plan_order,
    project,
    ripple,
)
from followup_tui.services.timeline.plans import DOMESTIC_COUNTRIES
from followup_tui.store.models import Milestone, MilestoneLink

#: How far an order in each status has come: stages done before the one in progress.
_PIPELINE = (
    "confirmation",
    "materials",
    "production",
    "qc",
    "packing",
    "booking",
    "customs",
    "shipping",
    "transit",
    "delivery",
    "acceptance",
)
_STAGES_DONE: dict[str, tuple[str, ...]] = {
    OrderStatus.CONFIRMED: _PIPELINE[:1],
    OrderStatus.MATERIALS: _PIPELINE[:1],
    OrderStatus.PRODUCTION: _PIPELINE[:2],
    OrderStatus.QC: _PIPELINE[:3],
    OrderStatus.PACKED: _PIPELINE[:5],
    OrderStatus.SHIPPED: _PIPELINE[:8],
    OrderStatus.IN_TRANSIT: _PIPELINE[:8],
    OrderStatus.DELIVERED: _PIPELINE[:10],
    OrderStatus.ACCEPTED: _PIPELINE,
}
MILESTONE_COLUMNS = (
    "id",
    "order_id",
    "seq",
    "key",
    "duration_days",
    "buffer_days",
    "planned_start",
    "planned_end",
    "floor_date",
    "actual_start",
    "actual_end",
    "status",
    "owner",
    "party",
    "note",
    "version",
)
_LINK_COLUMNS = ("id", "order_id", "predecessor_id", "successor_id", "kind", "lag_days")
_BATCH = 20_000


def _orders(connection: Connection) -> Iterator[tuple[Any, ...]]:
    yield from connection.exec_driver_sql(
        "SELECT o.id, o.status, o.held_from, o.order_date,"
        " coalesce(o.confirmed_date, o.due_date), c.country, o.owner"
        " FROM orders o JOIN customers c ON c.id = o.customer_id"
        " WHERE o.status NOT IN ('draft', 'closed', 'cancelled') ORDER BY o.id"
    )


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


class _Planner:
    def __init__(self, calendar: BusinessCalendar, today: date, seed: int) -> None:
        self.calendar = calendar
        self.today = today
        self.rng = random.Random(seed)
        self.template: Any = lru_cache(maxsize=None)(load_template)
        self.plan: Any = lru_cache(maxsize=200_000)(self._plan)
        self.last_working = self._last_working_day(today)

    def _last_working_day(self, day: date) -> date:
        while not self.calendar.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def _plan(self, name: str, promised: date, planned_on: date) -> Plan:
        return plan_order(self.template(name), promised, planned_on, self.calendar)

    def states(
        self, template: Template, plan: Plan, status: str, planned_on: date
    ) -> tuple[MilestoneState, ...]:
        """The plan with actual dates for the stages the order's status says are behind it.

        Confirmation is done, and planned, on the day the plan was made, as
        ``confirm_order`` records it for a real order.
        """
        done = set(_STAGES_DONE.get(status, ()))
        states = list(plan.milestones)
        jitter = self.rng.choice((-1, 0, 0, 0, 1, 1, 2, 3))
        running = False
        confirmed_on = min(self._last_working_day(planned_on), self.last_working)
        for index, state in enumerate(states):
            if index == 0 and state.key in done:
                states[index] = replace(
                    state,
                    start=confirmed_on,
                    end=confirmed_on,
                    floor=confirmed_on,
                    actual_start=confirmed_on,
                    actual_end=confirmed_on,
                )
            elif state.key in done:
                start = self._clamp(state.start, jitter)
                end = max(start, self._clamp(state.end, jitter))
                states[index] = replace(state, actual_start=start, actual_end=end)
            elif not running and all(s.key in done for s in states[:index]):
                running = True
                if status != OrderStatus.CONFIRMED and state.start <= self.today:
                    start = self._clamp(state.start, jitter)
                    states[index] = replace(state, actual_start=start)
        return ripple(tuple(states), template.links, self.calendar)

    def slip(self, template: Template, states: Sequence[MilestoneState], promised: date) -> int:
        """The business days the order's plan ends past its promise, as the timeline
        projects it today (``services.timeline.read``): slipping plans are projected
        from today, the rest end where they are planned."""
        slipping = any(
            s.actual_end is None
            and (s.end < self.today or (s.actual_start is None and s.start < self.today))
            for s in states
        )
        if slipping:
            return project(
                states, template.links, template.anchor, promised, self.today, self.calendar
            )[1]
        anchor = next(s for s in states if s.key == template.anchor)
        end = anchor.actual_end or anchor.end
        return max(0, self.calendar.business_days_between(promised, end)) if end > promised else 0

    def _clamp(self, day: date, jitter: int) -> date:
        moved = self.calendar.add_business_days(day, jitter) if jitter else day
        return min(moved, self.last_working)


def plan_demo_orders(
    connection: Connection, calendar: BusinessCalendar, today: date, seed: int
) -> dict[str, int]:
    """Plan every open demo order; returns the rows added per table."""
    planner = _Planner(calendar, today, seed)
    milestone_sql = insert_sql(connection, table_of(Milestone), MILESTONE_COLUMNS)
    link_sql = insert_sql(connection, table_of(MilestoneLink), _LINK_COLUMNS)
    milestone_id = next_id(connection, table_of(Milestone))
    link_id = next_id(connection, table_of(MilestoneLink))
    milestones: list[tuple[Any, ...]] = []
    links: list[tuple[Any, ...]] = []
    templates: list[tuple[str, int]] = []
    slips: list[tuple[int, int]] = []
    counts = {"milestones": 0, "milestone_links": 0}
    batches = ((milestone_sql, milestones, "milestones"), (link_sql, links, "milestone_links"))
    for order_id, status, held_from, order_date, promised, country, owner in list(
        _orders(connection)
    ):
        name = "domestic" if str(country).casefold() in DOMESTIC_COUNTRIES else "export-sea"
        template = planner.template(name)
        planned_on = _day(order_date) + timedelta(days=1)
        try:
            plan = planner.plan(name, _day(promised), planned_on)
            states = planner.states(template, plan, held_from or status, planned_on)
            slip = planner.slip(template, states, _day(promised))
        except CalendarYearUnknown:
            continue  # the timeline shows such orders as waiting for the calendar
        templates.append((name, order_id))
        if slip:
            slips.append((slip, order_id))
        ids: dict[str, int] = {}
        parties = {spec.key: spec.party.value for spec in template.stages}
        for seq, state in enumerate(states):
            ids[state.key] = milestone_id
            milestones.append(
                (
                    milestone_id,
                    order_id,
                    seq,
                    state.key,
                    state.duration_days,
                    state.buffer_days,
                    state.start,
                    state.end,
                    state.floor,
                    state.actual_start,
                    state.actual_end,
                    state.status.value,
                    owner,
                    parties[state.key],
                    "",
                    1,
                )
            )
            milestone_id += 1
        for link in template.links:
            links.append(
                (
                    link_id,
                    order_id,
                    ids[link.predecessor],
                    ids[link.successor],
                    link.kind.value,
                    link.lag_days,
                )
            )
            link_id += 1
        if len(milestones) >= _BATCH:
            _flush(connection, batches, counts)
    _flush(connection, batches, counts)
    _set_templates(connection, templates)
    _set_slips(connection, slips)
    return counts


def _flush(
    connection: Connection,
    batches: Sequence[tuple[str, list[tuple[Any, ...]], str]],
    counts: dict[str, int],
) -> None:
    """Insert and empty each (sql, rows, table) batch; SQLite takes dates as ISO text."""
    iso = connection.dialect.name == "sqlite"
    for sql, rows, name in batches:
        if not rows:
            continue
        if iso:
            rows[:] = [tuple(_iso(value) for value in row) for row in rows]
        connection.exec_driver_sql(sql, rows)
        counts[name] += len(rows)
        rows.clear()


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _set_templates(connection: Connection, templates: Sequence[tuple[str, int]]) -> None:
    if not templates:
        return
    marker = "?" if connection.dialect.name == "sqlite" else "%s"
    connection.exec_driver_sql(
        f"UPDATE orders SET template = {marker} WHERE id = {marker}", list(templates)
    )


def _set_slips(connection: Connection, slips: Sequence[tuple[int, int]]) -> None:
    """Fill the orders' projected slip, as the timeline services keep it for real ones."""
    if not slips:
        return
    marker = "?" if connection.dialect.name == "sqlite" else "%s"
    connection.exec_driver_sql(
        f"UPDATE orders SET slip_days = {marker} WHERE id = {marker}", list(slips)
    )
