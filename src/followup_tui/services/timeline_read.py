"""Reading plans for the Gantt, the weekly review and the report.

The Gantt opens with every open planned order in memory (ten thousand orders, eleven
milestones each, in well under a second), so the read is two flat queries in plain SQL
grouped in Python, with the calendar arithmetic cached per load: the same planned end
and buffer come up thousands of times. Only an order that is slipping (a milestone that
should have started or finished by today and has not) is projected forwards from today
with the full schedule; every other order's projection is its stored plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from followup_tui.domain.calendar import BusinessCalendar, CalendarYearUnknown
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.milestones import Link, LinkKind, load_template
from followup_tui.domain.schedule import MilestoneState, project
from followup_tui.services.timeline_views import MilestoneBar, TimelineOrder
from followup_tui.store.unit_of_work import StoreContext

_ORDER_COLUMNS = (
    "o.id, o.order_no, o.customer_name, c.language, o.owner, o.status,"
    " coalesce(o.confirmed_date, o.due_date), o.template"
)
_PLANNED_ORDERS = (
    " FROM orders o JOIN customers c ON c.id = o.customer_id"
    " WHERE o.status NOT IN ('closed', 'cancelled', 'draft') AND o.template IS NOT NULL"
)
_MILESTONE_COLUMNS = (
    "m.order_id, m.id, m.key, m.duration_days, m.buffer_days, m.planned_start, m.planned_end,"
    " m.floor_date, m.actual_start, m.actual_end, m.status, m.party, m.owner, m.note, m.version"
)


def _day(value: Any) -> date:
    """A date column as SQLite (ISO text) or PostgreSQL (date) hands it back."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _maybe_day(value: Any) -> date | None:
    return None if value is None else _day(value)


class _Builder:
    """Turns raw rows into TimelineOrders for one ``today`` and calendar, with caches."""

    def __init__(
        self,
        session: Session,
        today: date,
        calendar: BusinessCalendar,
        links: dict[int, list[tuple[int, int, str, int]]],
    ) -> None:
        self.session = session
        self.link_rows = links
        self.today = today
        self.calendar = calendar
        self.buffer_end: Callable[[date, int], date] = lru_cache(maxsize=None)(self._buffer_end)
        self.short: Callable[[date, date], int] = lru_cache(maxsize=None)(self._short)
        self.anchor: Callable[[str], str] = lru_cache(maxsize=None)(self._anchor)

    def _buffer_end(self, end: date, buffer_days: int) -> date:
        if buffer_days <= 0:
            return end
        return self.calendar.add_business_days(end, buffer_days)

    def _short(self, promised: date, projected: date) -> int:
        if projected <= promised:
            return 0
        return self.calendar.business_days_between(promised, projected)

    @staticmethod
    def _anchor(template: str) -> str:
        return load_template(template).anchor

    def order(
        self,
        head: Sequence[Any],
        rows: Sequence[Sequence[Any]],
        exceptions: dict[int, str],
    ) -> TimelineOrder:
        order_id, order_no, customer, language, owner, status, promised_raw, template = head
        promised = _day(promised_raw)
        bars: list[MilestoneBar] = []
        states: list[MilestoneState] = []
        slipping = False
        unknown_year: int | None = None
        for row in rows:
            (_, mid, key, duration, buffer_days, p_start, p_end, floor, a_start, a_end) = row[:10]
            m_status, party, m_owner, note, version = row[10:]
            start, end = _day(p_start), _day(p_end)
            actual_start, actual_end = _maybe_day(a_start), _maybe_day(a_end)
            if actual_end is None and (
                end < self.today or (actual_start is None and start < self.today)
            ):
                slipping = True
            try:
                buffer_end = self.buffer_end(end, buffer_days)
            except CalendarYearUnknown as unknown:
                buffer_end, unknown_year = end, unknown.year
            # Late is what still needs chasing: a finished stage is history, shown by
            # its actual bar against the planned one, not by a red mark.
            late = actual_end is None and end < self.today
            bars.append(
                MilestoneBar(
                    mid,
                    order_id,
                    key,
                    start,
                    end,
                    buffer_end,
                    actual_start,
                    actual_end,
                    m_status,
                    party,
                    m_owner,
                    note,
                    late,
                    exceptions.get(mid),
                    version,
                )
            )
            states.append(
                MilestoneState(
                    key, duration, buffer_days, start, end, _day(floor), actual_start, actual_end
                )
            )
        anchor = self.anchor(template)
        anchor_bar = next((b for b in bars if b.key == anchor), bars[-1] if bars else None)
        projected = promised
        if anchor_bar is not None:
            projected = anchor_bar.actual_end or anchor_bar.planned_end
        days_short = 0
        try:
            if slipping and states:
                projected, days_short = project(
                    tuple(states),
                    self.links(order_id, bars),
                    anchor,
                    promised,
                    self.today,
                    self.calendar,
                )
            else:
                days_short = self.short(promised, projected)
        except CalendarYearUnknown as unknown:
            unknown_year = unknown.year
        if not bars and not self.calendar.knows(promised):
            unknown_year = promised.year
        delivered = anchor_bar is not None and anchor_bar.actual_end is not None
        return TimelineOrder(
            order_id=order_id,
            order_no=order_no,
            customer=customer,
            customer_language=language,
            owner=owner,
            status=status,
            promised=promised,
            projected=projected,
            days_short=days_short,
            late=promised < self.today and not delivered,
            at_risk=days_short > 0 and not delivered,
            milestones=tuple(bars),
            calendar_note=unknown_year,
        )

    def links(self, order_id: int, bars: Sequence[MilestoneBar]) -> tuple[Link, ...]:
        keys = {bar.milestone_id: bar.key for bar in bars}
        return tuple(
            Link(keys[p], keys[s], LinkKind(kind), lag)
            for p, s, kind, lag in self.link_rows.get(order_id, ())
        )


def _links(
    session: Session, where: str, params: dict[str, Any]
) -> dict[int, list[tuple[int, int, str, int]]]:
    """Every link of the orders read, in one query (a query per slipping order cost a
    second on ten thousand orders)."""
    result = session.execute(
        text(
            "SELECT l.order_id, l.predecessor_id, l.successor_id, l.kind, l.lag_days"
            " FROM milestone_links l JOIN orders o ON o.id = l.order_id"
            " WHERE o.status NOT IN ('closed', 'cancelled', 'draft')"
            f" AND o.template IS NOT NULL{where}"
        ),
        params,
    )
    grouped: dict[int, list[tuple[int, int, str, int]]] = defaultdict(list)
    for order_id, predecessor, successor, kind, lag in result:
        grouped[order_id].append((predecessor, successor, kind, lag))
    return grouped


def _open_exceptions(session: Session, where: str, params: dict[str, Any]) -> dict[int, str]:
    result = session.execute(
        text(
            "SELECT x.milestone_id, x.kind FROM order_exceptions x JOIN orders o"
            " ON o.id = x.order_id WHERE x.status = 'open' AND x.milestone_id IS NOT NULL" + where
        ),
        params,
    )
    return {milestone_id: kind for milestone_id, kind in result}


def _read(
    session: Session, today: date, calendar: BusinessCalendar, where: str, params: dict[str, Any]
) -> list[TimelineOrder]:
    heads = session.execute(
        text(f"SELECT {_ORDER_COLUMNS}{_PLANNED_ORDERS}{where} ORDER BY 7, o.id"), params
    ).all()
    grouped: dict[int, list[Sequence[Any]]] = defaultdict(list)
    milestones = session.execute(
        text(
            f"SELECT {_MILESTONE_COLUMNS} FROM milestones m JOIN orders o ON o.id = m.order_id"
            " WHERE o.status NOT IN ('closed', 'cancelled', 'draft')"
            f" AND o.template IS NOT NULL{where} ORDER BY m.order_id, m.seq"
        ),
        params,
    )
    for row in milestones:
        grouped[row[0]].append(row)
    exceptions = _open_exceptions(session, where, params)
    builder = _Builder(session, today, calendar, _links(session, where, params))
    return [builder.order(head, grouped.get(head[0], ()), exceptions) for head in heads]


def load_timeline(
    ctx: StoreContext, today: date | None = None, *, owner: str | None = None
) -> tuple[TimelineOrder, ...]:
    """Every open, planned order (of ``owner`` when given), by promised date."""
    where, params = ("", {}) if owner is None else (" AND o.owner = :owner", {"owner": owner})
    with ctx.read() as session:
        return tuple(_read(session, today or ctx.today(), ctx.calendar, where, params))


def order_timeline_in(
    session: Session, order_id: int, today: date, calendar: BusinessCalendar
) -> TimelineOrder:
    """One order's timeline, inside a unit of work another service already holds."""
    rows = _read(session, today, calendar, " AND o.id = :order_id", {"order_id": order_id})
    if not rows:
        raise FollowupError("error.order_has_no_plan", field="order", order=str(order_id))
    return rows[0]


def order_timeline(ctx: StoreContext, order_id: int, today: date | None = None) -> TimelineOrder:
    with ctx.read() as session:
        return order_timeline_in(session, order_id, today or ctx.today(), ctx.calendar)


def unknown_years(rows: Iterable[TimelineOrder]) -> tuple[int, ...]:
    """The years some plan needed and the calendar has no data for (for one notice)."""
    return tuple(sorted({row.calendar_note for row in rows if row.calendar_note is not None}))
