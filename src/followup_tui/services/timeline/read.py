"""Reading plans for the Gantt, the weekly review and the report.

The Gantt opens with every open planned order in memory (ten thousand orders, eleven
milestones each, in well under a second), so the read is two flat queries in plain SQL
grouped in Python, with the calendar arithmetic cached per load: the same planned end
and buffer come up thousands of times. Only an order that is slipping (a milestone that
should have started or finished by today and has not) is projected forwards from today
with the full schedule; every other order's projection is its stored plan.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from followup_tui.domain.calendar import BusinessCalendar, CalendarYearUnknown, estimating
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders.rules import Urgency, days_left, urgency
from followup_tui.domain.timeline.milestones import Link, LinkKind, load_template
from followup_tui.domain.timeline.schedule import MilestoneState, project
from followup_tui.services.timeline.views import MilestoneBar, TimelineOrder
from followup_tui.store.models import MilestoneLink
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


_LINK_KINDS = {kind.value: kind for kind in LinkKind}  # Enum(value) costs 10 µs a call
_SLIPPING_CHUNK = 900  # ids per IN (...): well under every driver's parameter limit

MilestoneRow = Sequence[Any]
LinkRow = tuple[int, int, str, int]


class _Builder:
    """Turns raw rows into TimelineOrders for one ``today`` and calendar.

    Everything repeated is cached for the read: the same few hundred ISO dates, planned
    ends with their buffers and promise gaps come up a hundred thousand times.
    """

    def __init__(self, session: Session, today: date, calendar: BusinessCalendar) -> None:
        self.session = session
        self.today = today
        self.calendar = calendar
        #: The same calendar estimating a year it lacks from the weekday pattern: what a
        #: plan reaching into such a year is counted with, marked by ``calendar_note``.
        self.estimated = estimating(calendar)
        self.days: dict[Any, date] = {}
        self.buffer_end: Callable[[date, int], date] = lru_cache(maxsize=None)(self._buffer_end)
        self.short: Callable[[date, date], int] = lru_cache(maxsize=None)(self._short)
        self.anchor: Callable[[str], str] = lru_cache(maxsize=None)(self._anchor)
        self.left: Callable[[date], int | None] = lru_cache(maxsize=None)(self._left)

    def day(self, value: Any) -> date:
        found = self.days.get(value)
        if found is None:
            found = self.days[value] = _day(value)
        return found

    def _buffer_end(self, end: date, buffer_days: int) -> date:
        if buffer_days <= 0:
            return end
        return self.calendar.add_business_days(end, buffer_days)

    def _short(self, promised: date, projected: date) -> int:
        if projected <= promised:
            return 0
        return self.calendar.business_days_between(promised, projected)

    def level(self, promised: date, slip_days: int, delivered: bool) -> Urgency:
        """The one definition of late and at risk (``domain.orders.rules.urgency``)."""
        if delivered or promised < self.today or slip_days > 0:
            return urgency(promised, self.today, 0, open_order=not delivered, slip_days=slip_days)
        return urgency(promised, self.today, self.left(promised), open_order=True)

    def _left(self, promised: date) -> int | None:
        return days_left(promised, self.today, self.calendar)

    @staticmethod
    def _anchor(template: str) -> str:
        return load_template(template).anchor

    def bars(
        self, rows: Sequence[MilestoneRow], exceptions: dict[int, str]
    ) -> tuple[tuple[MilestoneBar, ...], bool, int | None]:
        """An order's bars, whether it is slipping, and a year the calendar lacks."""
        bars: list[MilestoneBar] = []
        slipping = False
        unknown_year: int | None = None
        today, day = self.today, self.day
        for row in rows:
            order_id, mid, key, _duration, buffer_days, p_start, p_end = row[:7]
            a_start, a_end, m_status, party, m_owner, note, version = row[8:]
            start, end = day(p_start), day(p_end)
            actual_start = None if a_start is None else day(a_start)
            actual_end = None if a_end is None else day(a_end)
            # Late is what still needs chasing: a finished stage is history, shown by
            # its actual bar against the planned one, not by a red mark.
            late = actual_end is None and end < today
            if late or (actual_end is None and actual_start is None and start < today):
                slipping = True
            try:
                buffer_end = self.buffer_end(end, buffer_days)
            except CalendarYearUnknown as unknown:
                unknown_year = unknown.year
                buffer_end = self.estimated.add_business_days(end, buffer_days)
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
        return tuple(bars), slipping, unknown_year

    def states(self, rows: Sequence[MilestoneRow]) -> tuple[MilestoneState, ...]:
        """The schedule's view of the rows, built only for orders that are projected."""
        day = self.day
        return tuple(
            MilestoneState(
                row[2],
                row[3],
                row[4],
                day(row[5]),
                day(row[6]),
                day(row[7]),
                None if row[8] is None else day(row[8]),
                None if row[9] is None else day(row[9]),
            )
            for row in rows
        )

    def projection(
        self,
        rows: Sequence[MilestoneRow],
        bars: Sequence[MilestoneBar],
        links: Sequence[LinkRow] | None,
        *,
        anchor: str,
        promised: date,
        projected: date,
        calendar: BusinessCalendar | None = None,
    ) -> tuple[date, int]:
        """The projected finish and the business days it lands past the promise; on
        ``calendar`` when given (the estimating one), else on the desk's."""
        if links is not None and bars:
            return project(
                self.states(rows),
                _links_of(bars, links),
                anchor,
                promised,
                self.today,
                calendar or self.calendar,
            )
        if calendar is not None:
            return projected, max(0, calendar.business_days_between(promised, projected))
        return projected, self.short(promised, projected)

    def order(
        self,
        head: Sequence[Any],
        rows: Sequence[MilestoneRow],
        exceptions: dict[int, str],
        links: Sequence[LinkRow] | None,
    ) -> TimelineOrder:
        """One order; ``links`` is given for a slipping order, which is projected from
        today through its links, and None for one whose stored plan stands."""
        order_id, order_no, customer, language, owner, status, promised_raw, template = head
        promised = self.day(promised_raw)
        bars, _slipping, unknown_year = self.bars(rows, exceptions)
        anchor = self.anchor(template)
        anchor_bar = next((b for b in bars if b.key == anchor), bars[-1] if bars else None)
        projected = promised
        if anchor_bar is not None:
            projected = anchor_bar.actual_end or anchor_bar.planned_end
        days_short = 0
        try:
            projected, days_short = self.projection(
                rows, bars, links, anchor=anchor, promised=promised, projected=projected
            )
        except CalendarYearUnknown as unknown:
            unknown_year = unknown.year
            projected, days_short = self.projection(
                rows,
                bars,
                links,
                anchor=anchor,
                promised=promised,
                projected=projected,
                calendar=self.estimated,
            )
        if not bars and not self.calendar.knows(promised):
            unknown_year = promised.year
        delivered = anchor_bar is not None and anchor_bar.actual_end is not None
        if not bars and promised < self.today:
            # No plan to project: it is late by the business days since the promise.
            try:
                days_short = self.short(promised, self.today)
            except CalendarYearUnknown as unknown:
                unknown_year = unknown.year
        level = self.level(promised, days_short, delivered)
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
            late=level is Urgency.LATE,
            at_risk=level is Urgency.AT_RISK or (level is Urgency.LATE and days_short > 0),
            milestones=bars,
            calendar_note=unknown_year,
        )


def _links_of(bars: Sequence[MilestoneBar], rows: Sequence[LinkRow]) -> tuple[Link, ...]:
    keys = {bar.milestone_id: bar.key for bar in bars}
    return tuple(Link(keys[p], keys[s], _LINK_KINDS[kind], lag) for p, s, kind, lag in rows)


def _slipping(rows: Sequence[MilestoneRow], today: date, today_text: str) -> bool:
    """Whether an unfinished milestone should have started or ended by today, on the
    raw rows (ISO text compares like the dates it spells; PostgreSQL gives dates)."""
    for row in rows:
        if row[9] is not None:
            continue
        mark = today if isinstance(row[6], date) else today_text
        if row[6] < mark or (row[8] is None and row[5] < mark):
            return True
    return False


def _links_for(session: Session, order_ids: Sequence[int]) -> dict[int, list[LinkRow]]:
    """The links of the slipping orders only, in chunks (the rest never need theirs)."""
    grouped: dict[int, list[LinkRow]] = defaultdict(list)
    for first in range(0, len(order_ids), _SLIPPING_CHUNK):
        chunk = list(order_ids[first : first + _SLIPPING_CHUNK])
        result = session.execute(
            select(
                MilestoneLink.order_id,
                MilestoneLink.predecessor_id,
                MilestoneLink.successor_id,
                MilestoneLink.kind,
                MilestoneLink.lag_days,
            ).where(MilestoneLink.order_id.in_(chunk))
        ).all()
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


def _read(  # noqa: PLR0917 - the where clause and its parameters travel together
    session: Session,
    today: date,
    calendar: BusinessCalendar,
    where: str,
    params: dict[str, Any],
    limit: int | None = None,
) -> list[TimelineOrder]:
    page = "" if limit is None else f" LIMIT {int(limit)}"
    heads = session.execute(
        text(f"SELECT {_ORDER_COLUMNS}{_PLANNED_ORDERS}{where} ORDER BY 7, o.id{page}"), params
    ).all()
    if limit is not None:
        # Only these orders' rows: ids are integers from the store, safe to inline.
        where += f" AND o.id IN ({','.join(str(int(head[0])) for head in heads) or 'NULL'})"
    grouped: dict[int, list[MilestoneRow]] = defaultdict(list)
    milestones = session.execute(
        text(
            f"SELECT {_MILESTONE_COLUMNS} FROM milestones m JOIN orders o ON o.id = m.order_id"
            " WHERE o.status NOT IN ('closed', 'cancelled', 'draft')"
            f" AND o.template IS NOT NULL{where} ORDER BY m.order_id, m.seq"
        ),
        params,
    ).all()
    for row in milestones:
        grouped[row[0]].append(row)
    exceptions = _open_exceptions(session, where, params)
    today_text = today.isoformat()
    slipping = [oid for oid, rows in grouped.items() if _slipping(rows, today, today_text)]
    links = _links_for(session, slipping)
    slipping_ids = set(slipping)
    builder = _Builder(session, today, calendar)
    # Ten thousand orders allocate half a million objects; a collection in the middle of
    # the build walks them all again for nothing, so the collector waits until the end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return [
            builder.order(
                head,
                grouped.get(head[0], ()),
                exceptions,
                links.get(head[0], []) if head[0] in slipping_ids else None,
            )
            for head in heads
        ]
    finally:
        if collecting:
            gc.enable()


def load_timeline(
    ctx: StoreContext,
    today: date | None = None,
    *,
    owner: str | None = None,
    limit: int | None = None,
) -> tuple[TimelineOrder, ...]:
    """Every open, planned order (of ``owner`` when given), by promised date.

    ``limit`` reads only the first orders of that list, complete with their projections:
    the Gantt shows them at once while the whole list is read behind them.
    """
    where, params = ("", {}) if owner is None else (" AND o.owner = :owner", {"owner": owner})
    with ctx.read() as session:
        return tuple(_read(session, today or ctx.today(), ctx.calendar, where, params, limit))


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
