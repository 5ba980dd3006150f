"""Milestone plans: schedule an order backwards from its promise, project it, ripple a change.

Dates are whole business days of the desk's calendar. A milestone of ``d`` days occupies
``d`` working days from ``start`` to ``end`` inclusive, so a bar on the Gantt covers exactly
the days someone works on it. Links constrain a successor ``s`` by its predecessor ``p``:

- finish-to-start, lag L: ``s.start ≥ p.end + 1 + L`` working days
- start-to-start, lag L: ``s.start ≥ p.start + L``
- finish-to-finish, lag L: ``s.end ≥ p.end + L``

Planning adds each predecessor's buffer to the lag of every link leaving it (FS, SS and
FF alike): the buffer is slack the plan reserves between a stage and what waits on it, so
a stage whose successor waits on its start (materials, production starting once the first
materials arrive) protects that start as well. Rippling does not: each milestone goes to the later
of its floor (where the plan or a clerk put it) and what its links demand, so a slip no
longer than the buffer is absorbed and the promise holds.

Facts beat plans: a done milestone's links use its actual dates, a started one's start is
its actual start. ``start``/``end`` of a done milestone are left as they were last planned,
so the Gantt can draw the plan next to ``actual_start``/``actual_end``. Everything here is
pure and returns new frozen objects; ``today`` is always a parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from followup_tui.domain.calendar import BusinessCalendar, CalendarYearUnknown
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.timeline.milestones import (
    Link,
    LinkKind,
    MilestoneStatus,
    Template,
    check_duration,
    order_links,
)

PLAN_SOURCE = "plan"


@dataclass(frozen=True)
class MilestoneState:
    """One milestone of one order's plan, with what has actually happened to it.

    ``floor`` is the not-before date: where the plan put the start, or where a clerk last
    moved it. Rippling never places a milestone earlier than its floor, which is what makes
    a shift later followed by the same shift earlier land exactly where it began.
    """

    key: str
    duration_days: int
    buffer_days: int
    start: date
    end: date
    floor: date
    actual_start: date | None = None
    actual_end: date | None = None

    def __post_init__(self) -> None:
        """Refuse a state no clerk could have recorded: a finish without or before a start."""
        check_duration(self.key, self.duration_days, self.buffer_days)
        if self.actual_end is not None and (
            self.actual_start is None or self.actual_end < self.actual_start
        ):
            raise FollowupError("error.ends_before_start", field="finished", milestone=self.key)

    @property
    def status(self) -> MilestoneStatus:
        if self.actual_end is not None:
            return MilestoneStatus.DONE
        if self.actual_start is not None:
            return MilestoneStatus.STARTED
        return MilestoneStatus.PLANNED

    @property
    def effective_start(self) -> date:
        """The start successors wait on: the actual one once it is known."""
        return self.actual_start if self.actual_start is not None else self.start

    @property
    def effective_end(self) -> date:
        """The end successors wait on: the actual one once the milestone is done."""
        return self.actual_end if self.actual_end is not None else self.end


@dataclass(frozen=True)
class Plan:
    """An order's milestones in topological order, and where the anchor is heading."""

    milestones: tuple[MilestoneState, ...]
    projected: date
    days_short: int

    @property
    def at_risk(self) -> bool:
        return self.days_short > 0


# -- link arithmetic ----------------------------------------------------------------------


def _span_end(start: date, duration_days: int, calendar: BusinessCalendar) -> date:
    """The last working day of a milestone that starts on working day ``start``."""
    return calendar.add_business_days(start, duration_days - 1)


def _span_start(end: date, duration_days: int, calendar: BusinessCalendar) -> date:
    """The first working day of a milestone that ends on working day ``end``."""
    return calendar.add_business_days(end, -(duration_days - 1))


def _earliest_start(
    link: Link,
    predecessor: tuple[date, date],
    duration_days: int,
    extra_lag: int,
    calendar: BusinessCalendar,
) -> date:
    """The earliest start ``link`` allows a successor of ``duration_days``.

    ``predecessor`` is its (start, end) as successors see it; ``extra_lag`` is the
    predecessor's buffer when planning and 0 when rippling, whatever the link's kind.
    """
    start, end = predecessor
    if link.kind is LinkKind.FINISH_TO_START:
        return calendar.add_business_days(end, 1 + link.lag_days + extra_lag)
    if link.kind is LinkKind.START_TO_START:
        return calendar.add_business_days(start, link.lag_days + extra_lag)
    earliest_end = calendar.add_business_days(end, link.lag_days + extra_lag)
    return _span_start(earliest_end, duration_days, calendar)


def _latest_end(
    link: Link,
    successor: tuple[date, date],
    duration_days: int,
    buffer_days: int,
    calendar: BusinessCalendar,
) -> date:
    """The latest end of a predecessor of ``duration_days`` that keeps ``link`` satisfied.

    The mirror of :func:`_earliest_start`: stepping back the same number of working days
    from a working day and forward again lands on the same day, so a backward plan passes
    the forward check exactly.
    """
    start, end = successor
    if link.kind is LinkKind.FINISH_TO_START:
        return calendar.add_business_days(start, -(1 + link.lag_days + buffer_days))
    if link.kind is LinkKind.START_TO_START:
        latest_start = calendar.add_business_days(start, -(link.lag_days + buffer_days))
        return _span_end(latest_start, duration_days, calendar)
    return calendar.add_business_days(end, -(link.lag_days + buffer_days))


def _incoming(links: Iterable[Link]) -> dict[str, list[Link]]:
    by_successor: dict[str, list[Link]] = {}
    for link in links:
        by_successor.setdefault(link.successor, []).append(link)
    return by_successor


def _in_topological_order(
    states: Sequence[MilestoneState], links: Sequence[Link]
) -> list[MilestoneState]:
    """``states`` sorted once per call; a cycle or an unknown key is refused here."""
    by_key = {state.key: state for state in states}
    return [by_key[key] for key in order_links(list(by_key), links, PLAN_SOURCE)]


def _find(states: Sequence[MilestoneState], key: str) -> MilestoneState:
    for state in states:
        if state.key == key:
            return state
    raise FollowupError("error.milestone_unknown", field="milestone", milestone=key)


# -- planning -----------------------------------------------------------------------------


def plan_order(template: Template, promised: date, today: date, calendar: BusinessCalendar) -> Plan:
    """The plan for an order promised for ``promised``, made on ``today``.

    As late as possible first, so materials are not bought and capacity not held earlier
    than the promise needs: the anchor ends on the promised date (or the working day
    before it) and everything before it is packed backwards with its buffers; stages after
    the anchor follow it. If that plan would need a stage to start before today, it cannot
    be kept, and the plan is instead as early as possible from today; ``days_short`` then
    says how many working days the anchor lands past the promise.
    """
    first_day = calendar.next_working_day(today)
    backward: dict[str, tuple[date, date]] | None
    try:
        backward = _backward(template, promised, calendar)
    except CalendarYearUnknown as unknown:
        # A backward walk that reaches a year before today's has put a stage before
        # today, so it would be dropped for the forward plan anyway: that one may lie
        # wholly in a known year, and refusing it would leave the order with no plan.
        if unknown.year >= first_day.year:
            raise
        backward = None
    if backward is not None and all(start >= first_day for start, _ in backward.values()):
        placed = backward
    else:
        placed = _forward(template, first_day, {}, calendar)
    projected = placed[template.anchor][1]
    states = tuple(
        MilestoneState(spec.key, spec.duration_days, spec.buffer_days, start, end, floor=start)
        for spec in template.stages
        for start, end in (placed[spec.key],)
    )
    return Plan(states, projected, _days_short(promised, projected, calendar))


def _days_short(promised: date, projected: date, calendar: BusinessCalendar) -> int:
    return max(0, calendar.business_days_between(promised, projected))


def _after_anchor(template: Template) -> set[str]:
    """The stages that (transitively) wait on the anchor; they follow it, not the promise."""
    incoming = _incoming(template.links)
    found = {template.anchor}
    for spec in template.stages:  # topological order: predecessors are decided first
        if any(link.predecessor in found for link in incoming.get(spec.key, [])):
            found.add(spec.key)
    return found - {template.anchor}


def _backward(
    template: Template, promised: date, calendar: BusinessCalendar
) -> dict[str, tuple[date, date]]:
    """As-late-as-possible (start, end) per stage, the anchor ending on the promise."""
    anchor_end = (
        promised if calendar.is_working_day(promised) else calendar.add_business_days(promised, -1)
    )
    after = _after_anchor(template)
    outgoing: dict[str, list[Link]] = {}
    for link in template.links:
        if link.successor not in after:
            outgoing.setdefault(link.predecessor, []).append(link)
    placed: dict[str, tuple[date, date]] = {}
    for spec in reversed(template.stages):
        if spec.key in after:
            continue
        if spec.key == template.anchor:
            end = anchor_end
        elif spec.key in outgoing:
            end = min(
                _latest_end(
                    link, placed[link.successor], spec.duration_days, spec.buffer_days, calendar
                )
                for link in outgoing[spec.key]
            )
        else:
            end = calendar.add_business_days(anchor_end, -spec.buffer_days)
        placed[spec.key] = (_span_start(end, spec.duration_days, calendar), end)
    return _forward(template, anchor_end, placed, calendar)


def _forward(
    template: Template,
    first_day: date,
    placed: Mapping[str, tuple[date, date]],
    calendar: BusinessCalendar,
) -> dict[str, tuple[date, date]]:
    """As-early-as-possible (start, end) for every stage not yet ``placed``, with buffers.

    No stage starts before ``first_day`` (a working day).
    """
    result = dict(placed)
    incoming = _incoming(template.links)
    buffers = {spec.key: spec.buffer_days for spec in template.stages}
    for spec in template.stages:
        if spec.key in result:
            continue
        start = first_day
        for link in incoming.get(spec.key, []):
            limit = _earliest_start(
                link,
                result[link.predecessor],
                spec.duration_days,
                buffers[link.predecessor],
                calendar,
            )
            start = max(start, limit)
        result[spec.key] = (start, _span_end(start, spec.duration_days, calendar))
    return result


# -- projection and ripple ----------------------------------------------------------------


def _place(
    state: MilestoneState,
    not_before: date,
    incoming: Sequence[Link],
    placed: Mapping[str, tuple[date, date]],
    calendar: BusinessCalendar,
) -> tuple[date, date]:
    """Where a not-done milestone goes, by its links without buffers.

    A planned milestone starts no earlier than ``not_before``. A started one keeps its
    actual start, and ``not_before`` and finish-to-finish links can only stretch its end.
    """
    if state.actual_start is not None:
        end = max(_span_end(state.actual_start, state.duration_days, calendar), not_before)
        for link in incoming:
            if link.kind is LinkKind.FINISH_TO_FINISH:
                ff_end = calendar.add_business_days(placed[link.predecessor][1], link.lag_days)
                end = max(end, ff_end)
        return state.actual_start, end
    start = calendar.next_working_day(not_before)
    for link in incoming:
        limit = _earliest_start(link, placed[link.predecessor], state.duration_days, 0, calendar)
        start = max(start, limit)
    return start, _span_end(start, state.duration_days, calendar)


def project(  # noqa: PLR0917 - read as a question: these milestones, promised, as of today
    states: Sequence[MilestoneState],
    links: Sequence[Link],
    anchor: str,
    promised: date,
    today: date,
    calendar: BusinessCalendar,
) -> tuple[date, int]:
    """The anchor's projected end and the working days it lies past ``promised``.

    Assumes nothing unfinished can happen before today: a milestone that should have
    started already starts today, and one under way ends today at the earliest. The
    stored plan is left alone; this is the "where are we heading" figure on the queue.
    """
    first_day = calendar.next_working_day(today)
    incoming = _incoming(links)
    placed: dict[str, tuple[date, date]] = {}
    for state in _in_topological_order(states, links):
        if state.status is MilestoneStatus.DONE:
            placed[state.key] = (state.effective_start, state.effective_end)
            continue
        not_before = first_day if state.actual_start else max(state.start, first_day)
        placed[state.key] = _place(state, not_before, incoming.get(state.key, []), placed, calendar)
    if anchor not in placed:
        raise FollowupError("error.milestone_unknown", field="milestone", milestone=anchor)
    projected = placed[anchor][1]
    return projected, _days_short(promised, projected, calendar)


def ripple(
    states: Sequence[MilestoneState], links: Sequence[Link], calendar: BusinessCalendar
) -> tuple[MilestoneState, ...]:
    """Every not-done milestone re-placed at the later of its floor and its links.

    Done milestones keep their dates. The result is in topological order. A plan that
    already satisfies its links comes back unchanged, so rippling is safe to repeat.
    """
    incoming = _incoming(links)
    placed: dict[str, tuple[date, date]] = {}
    result: list[MilestoneState] = []
    for state in _in_topological_order(states, links):
        if state.status is MilestoneStatus.DONE:
            placed[state.key] = (state.effective_start, state.effective_end)
            result.append(state)
            continue
        not_before = state.floor if state.actual_start is None else state.actual_start
        start, end = _place(state, not_before, incoming.get(state.key, []), placed, calendar)
        placed[state.key] = (start, end)
        unchanged = (start, end) == (state.start, state.end)
        result.append(state if unchanged else replace(state, start=start, end=end))
    return tuple(result)


# -- a clerk's changes --------------------------------------------------------------------


def _refuse_non_working_day(d: date, milestone: str, field: str, cal: BusinessCalendar) -> None:
    if not cal.is_working_day(d):
        raise FollowupError(
            "error.non_working_day", field=field, milestone=milestone, date=d.isoformat()
        )


def shift_milestone(
    states: Sequence[MilestoneState],
    links: Sequence[Link],
    key: str,
    calendar: BusinessCalendar,
    *,
    by_days: int | None = None,
    to_start: date | None = None,
) -> tuple[MilestoneState, ...]:
    """Move one milestone and ripple what follows.

    The new start becomes the milestone's floor, so successors follow it later and come
    back when it moves earlier again (as far as their own floors allow). A milestone under
    way cannot move its start; ``by_days`` then moves its expected end instead (the clerk
    pressing ``>`` on production means "it will take longer").
    """
    if (by_days is None) == (to_start is None):
        raise TypeError("shift_milestone needs exactly one of by_days and to_start")
    state = _find(states, key)
    if state.status is MilestoneStatus.DONE:
        raise FollowupError("error.milestone_done", field="milestone", milestone=key)
    if state.status is MilestoneStatus.STARTED:
        return ripple(_stretch(states, state, by_days, to_start, calendar), links, calendar)

    if to_start is not None:
        _refuse_non_working_day(to_start, key, "start", calendar)
        new_start = to_start
    else:
        new_start = calendar.add_business_days(state.start, by_days or 0)
    _refuse_before_predecessors(states, links, state, new_start, calendar)
    moved = replace(state, floor=new_start)
    return ripple([moved if s.key == key else s for s in states], links, calendar)


def _refuse_before_predecessors(
    states: Sequence[MilestoneState],
    links: Sequence[Link],
    state: MilestoneState,
    new_start: date,
    calendar: BusinessCalendar,
) -> None:
    """Refuse a start its links forbid, naming the predecessor that holds it back most."""
    positions = {s.key: (s.effective_start, s.effective_end) for s in states}
    limits = [
        (
            _earliest_start(link, positions[link.predecessor], state.duration_days, 0, calendar),
            link.predecessor,
        )
        for link in _incoming(links).get(state.key, [])
    ]
    if limits:
        earliest, predecessor = max(limits)
        if new_start < earliest:
            raise FollowupError(
                "error.before_predecessor",
                field="start",
                milestone=state.key,
                predecessor=predecessor,
                earliest=earliest.isoformat(),
            )


def _stretch(
    states: Sequence[MilestoneState],
    state: MilestoneState,
    by_days: int | None,
    to_start: date | None,
    calendar: BusinessCalendar,
) -> list[MilestoneState]:
    """``states`` with a started milestone's expected end moved by ``by_days``."""
    if to_start is not None or by_days is None or state.actual_start is None:
        raise FollowupError("error.milestone_started", field="start", milestone=state.key)
    new_end = calendar.add_business_days(state.end, by_days)
    # An end moved before the actual start leaves no days: refused as a too-short duration.
    duration = calendar.business_days_between(state.actual_start, new_end) + 1
    stretched = replace(state, duration_days=duration)
    return [stretched if s.key == state.key else s for s in states]


def record_actual(
    states: Sequence[MilestoneState],
    links: Sequence[Link],
    key: str,
    calendar: BusinessCalendar,
    *,
    started: date | None = None,
    finished: date | None = None,
) -> tuple[MilestoneState, ...]:
    """Record that a milestone started and/or finished on a date, then ripple.

    A late finish pushes what follows; an early one lets successors start no earlier
    than their floors, because the people downstream planned for those dates. Recording
    a finish alone means it started when planned, which must not be after the finish.
    A date already recorded may be corrected by recording it again.
    """
    if started is None and finished is None:
        raise TypeError("record_actual needs started, finished or both")
    state = _find(states, key)
    if started is not None:
        _refuse_non_working_day(started, key, "started", calendar)
    if finished is not None:
        _refuse_non_working_day(finished, key, "finished", calendar)
    actual_start = started if started is not None else state.actual_start
    actual_end = finished if finished is not None else state.actual_end
    if actual_start is None:
        # Only a finish was given for a milestone never started: it started as planned.
        if actual_end is None or state.start > actual_end:
            raise FollowupError(
                "error.finish_without_start",
                field="started",
                milestone=key,
                start=state.start.isoformat(),
            )
        actual_start = state.start
    # MilestoneState refuses a finish before the start ("error.ends_before_start").
    updated = replace(state, actual_start=actual_start, actual_end=actual_end)
    return ripple([updated if s.key == key else s for s in states], links, calendar)


def add_link(
    states: Sequence[MilestoneState],
    links: Sequence[Link],
    new_link: Link,
    calendar: BusinessCalendar,
) -> tuple[tuple[Link, ...], tuple[MilestoneState, ...]]:
    """Add a dependency a clerk found, refusing unknown milestones and loops; then ripple."""
    combined = (*links, new_link)
    order_links([s.key for s in states], combined, PLAN_SOURCE)
    return combined, ripple(states, combined, calendar)
