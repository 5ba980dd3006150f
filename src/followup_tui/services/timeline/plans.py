"""Planning an order and re-planning it: confirm, shift, record actual dates, link.

Each workflow loads the order's milestones and links, hands them to the pure schedule
in ``domain.schedule`` and writes back only the dates that changed, in one unit of work
with the change log. The result is the order's timeline as it now stands, plus the
facts of a customer notice when the ripple pushed the projected finish past the promise
(the desk drafts its wording, ``render.customer_notice``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from followup_tui.domain.calendar import BusinessCalendar, CalendarYearUnknown, estimating
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders import lifecycle
from followup_tui.domain.timeline.milestones import Link, LinkKind, Template, load_template
from followup_tui.domain.timeline.schedule import (
    MilestoneState,
    add_link,
    plan_order,
    record_actual,
    shift_milestone,
)
from followup_tui.services.orders.entry import load_order
from followup_tui.services.timeline.read import order_timeline_in
from followup_tui.services.timeline.views import NoticeFacts, ShiftResult
from followup_tui.store.models import Customer, Milestone, MilestoneLink, Order
from followup_tui.store.unit_of_work import StoreContext

DOMESTIC_COUNTRIES = frozenset({"cn", "china", "中国", "prc"})


def choose_template(order: Order, country: str) -> str:
    """The template a new plan starts from: domestic for a customer in China, else sea.

    A clerk can pick another one with ``--template`` (or re-plan); the rule only has to
    be a good first guess.
    """
    if order.template:
        return order.template
    return "domestic" if country.strip().casefold() in DOMESTIC_COUNTRIES else "export-sea"


def template_for(session: Session, order: Order, template_name: str | None = None) -> str:
    """The template an order's plan is made from (see ``choose_template``)."""
    with session.no_autoflush:
        customer = session.get(Customer, order.customer_id)
    return template_name or choose_template(order, customer.country if customer else "")


def last_working_day(calendar: BusinessCalendar, day: date) -> date:
    """``day`` itself or the working day before it: when work done today is dated."""
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def plan_in_session(
    session: Session, ctx: StoreContext, order: Order, template_name: str | None = None
) -> int | None:
    """Give a just-confirmed order its milestones and links.

    Returns the unknown year when the plan reaches a year the calendar has no holidays
    for, else None. Such a plan is still made, from the weekday pattern
    (:func:`~followup_tui.domain.calendar.estimating`), and the timeline marks it as an
    estimate: an order with no plan at all drops out of every late and at-risk count,
    which is worse than a plan that says it may move when the holidays are known.
    Confirmation itself is recorded done on the last working day up to today.
    """
    name = template_for(session, order, template_name)  # no flush: one version step
    template = load_template(name)
    order.template = name
    promised = order.confirmed_date or order.due_date
    today = ctx.today()
    unknown_year: int | None = None
    try:
        states, slip = _first_plan(template, promised, today, ctx.calendar)
    except CalendarYearUnknown as unknown:
        unknown_year = unknown.year
        states, slip = _first_plan(template, promised, today, estimating(ctx.calendar))
    order.slip_days = slip
    parties = {stage.key: stage.party.value for stage in template.stages}
    rows: dict[str, Milestone] = {}
    for seq, state in enumerate(states):
        row = Milestone(
            order_id=order.id,
            seq=seq,
            key=state.key,
            duration_days=state.duration_days,
            buffer_days=state.buffer_days,
            party=parties[state.key],
            owner=order.owner,
        )
        _write_state(row, state)
        rows[state.key] = row
        session.add(row)
    for link in template.links:
        session.add(_link_row(order.id, rows, link))
    return unknown_year


def _first_plan(
    template: Template, promised: date, today: date, calendar: BusinessCalendar
) -> tuple[tuple[MilestoneState, ...], int]:
    """The new plan's milestones with the confirmation recorded done, and the business
    days the plan ends past the promise (the order's stored slip).

    Confirmation is done now, so it is planned where it was done: the backward plan put
    it on its latest possible day, and a bar there would read as work to come.
    """
    plan = plan_order(template, promised, today, calendar)
    first = template.stages[0].key
    done_on = last_working_day(calendar, today)
    states = tuple(
        replace(state, start=done_on, end=done_on, floor=done_on) if state.key == first else state
        for state in plan.milestones
    )
    states = record_actual(
        states, template.links, first, calendar, started=done_on, finished=done_on
    )
    return states, plan.days_short


def _link_row(order_id: int, rows: dict[str, Milestone], link: Link) -> MilestoneLink:
    return MilestoneLink(
        order_id=order_id,
        predecessor=rows[link.predecessor],
        successor=rows[link.successor],
        kind=link.kind.value,
        lag_days=link.lag_days,
    )


def _write_state(row: Milestone, state: MilestoneState) -> None:
    """Copy a schedule state onto its row; SQLAlchemy only writes the fields that moved."""
    row.planned_start = state.start
    row.planned_end = state.end
    row.floor_date = state.floor
    row.actual_start = state.actual_start
    row.actual_end = state.actual_end
    row.status = state.status.value


def _state(row: Milestone) -> MilestoneState:
    return MilestoneState(
        key=row.key,
        duration_days=row.duration_days,
        buffer_days=row.buffer_days,
        start=row.planned_start,
        end=row.planned_end,
        floor=row.floor_date,
        actual_start=row.actual_start,
        actual_end=row.actual_end,
    )


class _LoadedPlan:
    """An order's milestone rows and links, loaded for one re-planning step."""

    def __init__(self, session: Session, order_id: int) -> None:
        self.session = session
        self.order = load_order(session, order_id)
        if not lifecycle.is_open(lifecycle.OrderStatus(self.order.status)):
            raise FollowupError(
                "error.order_closed", order=self.order.order_no, status=self.order.status
            )
        self.rows = list(
            session.scalars(
                select(Milestone).where(Milestone.order_id == order_id).order_by(Milestone.seq)
            )
        )
        if not self.rows:
            raise FollowupError("error.order_has_no_plan", order=self.order.order_no)
        self.by_id = {row.id: row for row in self.rows}
        self.by_key = {row.key: row for row in self.rows}
        link_rows = session.scalars(
            select(MilestoneLink).where(MilestoneLink.order_id == order_id)
        ).all()
        self.links = tuple(
            Link(
                self.by_id[link.predecessor_id].key,
                self.by_id[link.successor_id].key,
                LinkKind(link.kind),
                link.lag_days,
            )
            for link in link_rows
        )

    @property
    def states(self) -> tuple[MilestoneState, ...]:
        return tuple(_state(row) for row in self.rows)

    def write(self, states: Sequence[MilestoneState]) -> tuple[tuple[str, date, date], ...]:
        """Store the new states; returns (key, old start, new start) of what moved."""
        moved: list[tuple[str, date, date]] = []
        for state in states:
            row = self.by_key[state.key]
            if row.planned_start != state.start or row.planned_end != state.end:
                moved.append((state.key, row.planned_start, state.start))
            _write_state(row, state)
        return tuple(moved)


def store_slip(session: Session, order_id: int, slip_days: int) -> None:
    """Keep the order's denormalised slip in step with its projection.

    A Core update: the slip is derived from the plan, so it neither bumps the order's
    version (an open order form elsewhere stays current) nor reads as an edit in the
    change log; the queue and the header count it (decisions.md, "One definition of
    late").
    """
    session.execute(
        update(Order.__table__)  # type: ignore[arg-type]
        .where(Order.__table__.c.id == order_id, Order.__table__.c.slip_days != slip_days)
        .values(slip_days=slip_days)
    )


def refresh_slips(ctx: StoreContext, today: date | None = None) -> int:
    """Store every open planned order's slip as the timeline projects it ``today``.

    A plan's projection moves with the calendar as well as with the clerk's keys: a
    stage that should have finished and has not pushes what follows a day at a time,
    with nobody pressing anything. The desk runs this once a day (its first sweep), so
    the queue and the header catch up with what the timeline shows. Returns how many
    orders changed.
    """
    from followup_tui.services.timeline.read import load_timeline

    projected = {row.order_id: row.days_short for row in load_timeline(ctx, today)}
    with ctx.write() as session:
        query = select(Order.id, Order.slip_days).where(Order.template.is_not(None))
        stored = {order_id: slip for order_id, slip in session.execute(query)}
        changed = {oid: slip for oid, slip in projected.items() if stored.get(oid) != slip}
        for order_id, slip in changed.items():
            store_slip(session, order_id, slip)
    return len(changed)


def _milestone_order_id(ctx: StoreContext, milestone_id: int) -> int:
    with ctx.read() as session:
        order_id = session.scalar(select(Milestone.order_id).where(Milestone.id == milestone_id))
    if order_id is None:
        raise FollowupError("error.milestone_not_found", field="milestone", milestone=milestone_id)
    return order_id


Step = Callable[[_LoadedPlan, str], tuple[MilestoneState, ...]]


def _replan(
    ctx: StoreContext, milestone_id: int, expected_version: int | None, step: Step
) -> ShiftResult:
    """Load, apply one schedule step, write, and report what moved (shifted one first)."""
    order_id = _milestone_order_id(ctx, milestone_id)
    today = ctx.today()
    with ctx.write() as session:
        loaded = _LoadedPlan(session, order_id)
        row = loaded.by_id[milestone_id]
        if expected_version is not None and row.version != expected_version:
            raise FollowupError("error.milestone_changed", field="milestone", milestone=row.key)
        before = order_timeline_in(session, order_id, today, ctx.calendar)
        moved = loaded.write(step(loaded, row.key))
        moved = tuple(sorted(moved, key=lambda item: item[0] != row.key))
        session.flush()
        after = order_timeline_in(session, order_id, today, ctx.calendar)
        store_slip(session, order_id, after.days_short)
        notice = None
        if after.days_short > 0 and after.projected > before.projected:
            customer = session.get(Customer, loaded.order.customer_id)
            notice = NoticeFacts(
                language=customer.language if customer else "en",
                customer=loaded.order.customer_name,
                order_no=loaded.order.order_no,
                promised=after.promised,
                new_eta=after.projected,
                slip_days=after.days_short,
                clerk=ctx.actor,
            )
        return ShiftResult(after, moved, notice)


def shift(
    ctx: StoreContext,
    milestone_id: int,
    *,
    by_days: int | None = None,
    to_start: date | None = None,
    expected_version: int | None = None,
) -> ShiftResult:
    """Move a milestone by business days (``<``/``>``) or to a typed start date; what
    follows it ripples in business days."""

    def step(plan: _LoadedPlan, key: str) -> tuple[MilestoneState, ...]:
        return shift_milestone(
            plan.states, plan.links, key, ctx.calendar, by_days=by_days, to_start=to_start
        )

    return _replan(ctx, milestone_id, expected_version, step)


def mark_started(ctx: StoreContext, milestone_id: int, on: date | None = None) -> ShiftResult:
    """Record that work on a milestone began (today by default)."""
    day = on or last_working_day(ctx.calendar, ctx.today())

    def step(plan: _LoadedPlan, key: str) -> tuple[MilestoneState, ...]:
        return record_actual(plan.states, plan.links, key, ctx.calendar, started=day)

    return _replan(ctx, milestone_id, None, step)


def mark_done(ctx: StoreContext, milestone_id: int, on: date | None = None) -> ShiftResult:
    """Record a milestone finished (today by default); a late finish pushes what follows."""
    day = on or last_working_day(ctx.calendar, ctx.today())

    def step(plan: _LoadedPlan, key: str) -> tuple[MilestoneState, ...]:
        row = plan.by_key[key]
        started = row.actual_start or min(row.planned_start, day)
        return record_actual(
            plan.states, plan.links, key, ctx.calendar, started=started, finished=day
        )

    return _replan(ctx, milestone_id, None, step)


def link(
    ctx: StoreContext,
    predecessor_id: int,
    successor_id: int,
    kind: LinkKind = LinkKind.FINISH_TO_START,
    lag_days: int = 0,
) -> ShiftResult:
    """Make one milestone wait for another of the same order; a cycle is refused."""
    if lag_days < 0:
        raise FollowupError("error.link_negative_lag", field="lag", lag=lag_days)
    order_id = _milestone_order_id(ctx, predecessor_id)
    if _milestone_order_id(ctx, successor_id) != order_id:
        raise FollowupError("error.link_across_orders", field="successor")

    def step(plan: _LoadedPlan, key: str) -> tuple[MilestoneState, ...]:
        successor = plan.by_id[successor_id].key
        new_link = Link(key, successor, kind, lag_days)
        if any((x.predecessor, x.successor) == (key, successor) for x in plan.links):
            raise FollowupError("error.link_exists", field="successor", milestone=successor)
        links, states = add_link(plan.states, plan.links, new_link, ctx.calendar)
        plan.session.add(_link_row(order_id, plan.by_key, new_link))
        plan.links = links
        return states

    return _replan(ctx, predecessor_id, None, step)
