"""Complaint SLA clocks: when each promise falls due, how close it is, and why.

A complaint carries up to three clocks (acknowledge, plan, resolve), each counting its
target's hours from the moment it was armed (the complaint's receipt, or its reopening)
in business time on the desk's calendar or in wall-clock time, not counting the spans the
case was paused. Everything expensive happens once per event in :func:`arm_clock`: it
works out the due time and the instants at which the escalation ladder's 50/75/90 % are
reached, so that a refresh of twenty thousand open clocks is only comparisons
(:func:`clock_level`). A new pause, a resume or a reopen is a new event: the service arms
the clock again from the case's whole pause log, which is also what :func:`explain`
walks to show a clerk the pauses and resumes behind a due time.

Pure: no clock reads (``now`` is a parameter), no database, no UI. The complaint's
status moves and the refusals of bad input (closing without a remedy, a score outside
1-5, resuming a case that is not paused) live here too, so the desk, the CLI and the
services refuse the same things with the same messages. The policy (grades, targets,
categories) and the vocabulary (clock kinds, pause reasons, remedies) live in
:mod:`followup_tui.domain.complaints.sla_policy`; import them from there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import IntEnum, StrEnum
from types import MappingProxyType
from typing import Protocol

from followup_tui.domain.calendar import BusinessCalendar
from followup_tui.domain.complaints.sla_policy import (
    DEFAULT_LADDER,
    Basis,
    ClockKind,
    Grade,
    SlaPolicy,
    Target,
    check_remedy_kind,
)
from followup_tui.domain.errors import FollowupError, Problem
from followup_tui.domain.text import clean_text

_CURRENCY_CODE = re.compile(r"[A-Z]{3}")

NOTE_LIMIT = 2000
#: A pause shorter than this is told as "under a minute": H:MM would read "0:00".
_ONE_MINUTE = timedelta(minutes=1)


class Level(IntEnum):
    """How far along a clock is; higher is more urgent, so the queue can sort on it."""

    OK = 0
    HALF = 1
    THREE_QUARTERS = 2
    NINETY = 3
    BREACHED = 4


class ComplaintStatus(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    REMEDY = "remedy"
    AWAITING_CUSTOMER = "awaiting_customer"
    CLOSED = "closed"
    REOPENED = "reopened"


#: The one table of allowed status moves. A new case is acknowledged before anything
#: else (that is what the first clock measures); reopened continues like acknowledged;
#: a case closes only once a remedy exists (from remedy, or after the customer was asked
#: to confirm it), and closed only reopens.
COMPLAINT_TRANSITIONS: Mapping[ComplaintStatus, tuple[ComplaintStatus, ...]] = MappingProxyType(
    {
        ComplaintStatus(current): tuple(ComplaintStatus(target) for target in targets.split())
        for current, targets in (
            ("new", "acknowledged"),
            ("acknowledged", "investigating remedy awaiting_customer"),
            ("reopened", "investigating remedy awaiting_customer"),
            ("investigating", "remedy awaiting_customer"),
            ("remedy", "investigating awaiting_customer closed"),
            ("awaiting_customer", "investigating remedy closed"),
            ("closed", "reopened"),
        )
    }
)


def parse_complaint_status(value: str) -> ComplaintStatus:
    """The status spelled ``value``; an unknown spelling is refused listing the known."""
    try:
        return ComplaintStatus(value)
    except ValueError:
        raise FollowupError(
            "error.complaint_status_unknown",
            field="status",
            value=value,
            allowed=", ".join(ComplaintStatus),
        ) from None


def check_complaint_move(current: ComplaintStatus, target: ComplaintStatus) -> None:
    """Refuse a status move the table does not allow, listing the moves that are allowed.

    Closing also needs :func:`check_close` (a remedy and a note); this only checks order.
    """
    allowed = COMPLAINT_TRANSITIONS[current]
    if target not in allowed:
        raise FollowupError(
            "error.complaint_move",
            field="status",
            current=current.value,
            target=target.value,
            allowed=", ".join(allowed),
        )


# -- clocks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pause:
    """One pause of a case; ``end`` is None while it lasts. ``reason`` is a PauseReason."""

    start: datetime
    end: datetime | None
    reason: str

    def __post_init__(self) -> None:
        _utc(self.start)
        if self.end is not None and _utc(self.end) < _utc(self.start):
            raise ValueError("a pause cannot end before it starts")


@dataclass(frozen=True)
class ClockPlan:
    """One armed clock, as the store keeps it: everything a refresh needs to compare.

    ``marks`` are the instants the ladder's three steps are reached and ``due_at`` the
    instant the target is. While paused (``paused_since`` set) they are computed as if the
    case resumed at the pause's start; they move when the service re-arms on resume.
    ``remaining`` is the time left at the clock's last event: at the pause's start while
    paused, at ``met_at`` once met (negative: missed by), otherwise when it last started
    counting (arming or the last resume); :func:`time_left` gives it as of now.
    """

    kind: ClockKind
    target: Target
    armed_at: datetime
    due_at: datetime
    marks: tuple[datetime, datetime, datetime]
    paused_since: datetime | None
    remaining: timedelta
    met_at: datetime | None = None

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None and self.met_at is None

    @property
    def is_met(self) -> bool:
        return self.met_at is not None


@dataclass(frozen=True)
class ExplainLine:
    """One step behind a due time, as a catalog key (``sla.explain.*``) and its values.

    Params hold raw values (datetimes in UTC, timedeltas, codes such as the pause reason)
    so the screen formats them in the desk's time zone and language.
    """

    at: datetime
    key: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class _Line:
    """Time as one basis counts it: working time on the calendar, or the wall clock."""

    basis: Basis
    calendar: BusinessCalendar

    def between(self, a: datetime, b: datetime) -> timedelta:
        if self.basis is Basis.WALL:
            return b - a
        return self.calendar.business_time_between(a, b)

    def advance(self, start: datetime, duration: timedelta) -> datetime:
        if self.basis is Basis.WALL:
            return (start + duration).astimezone(UTC)
        return self.calendar.add_business_time(start, duration)


@dataclass(frozen=True)
class _Span:
    """A pause as the clock sees it: clipped to arming, to earlier pauses and to met."""

    start: datetime
    end: datetime | None
    reason: str
    resumed: bool


def _utc(t: datetime) -> datetime:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError("SLA clocks need aware datetimes")
    return t.astimezone(UTC)


def _spans(pauses: Sequence[Pause], armed_at: datetime, met_at: datetime | None) -> list[_Span]:
    """The pauses that stop this clock, in order, without overlaps.

    Pauses ended before arming belong to an earlier life of the case (before a reopen)
    and are dropped; an overlap counts once; nothing after ``met_at`` matters; an open
    pause covers everything after its start.
    """
    ordered = sorted(
        pauses,
        key=lambda p: (_utc(p.start), p.end is None, _utc(p.end) if p.end else _utc(p.start)),
    )
    spans: list[_Span] = []
    covered = armed_at
    for pause in ordered:
        end = None if pause.end is None else _utc(pause.end)
        if end is not None and end <= covered:
            continue
        start = max(_utc(pause.start), covered)
        resumed = end is not None
        if met_at is not None:
            if start >= met_at:
                break
            if end is None or end > met_at:
                end, resumed = met_at, False
        spans.append(_Span(start, end, pause.reason, resumed))
        if end is None:
            break
        covered = end
    return spans


@dataclass(frozen=True)
class _Walk:
    instants: tuple[datetime, ...]
    used_at_last_pause: timedelta
    frozen_at: datetime | None


def _walk(
    amounts: Sequence[timedelta], armed_at: datetime, spans: Sequence[_Span], line: _Line
) -> _Walk:
    """When each of ``amounts`` (increasing) of counted time has run, skipping the pauses.

    One walk serves every amount: each continues from where the previous one was reached,
    so the calendar's days are stepped through once. A pause that starts once an amount
    is reached does not move it (a breached clock stays breached). An open pause freezes
    the count; later amounts are then given as if the case resumed at its start.
    """
    instants: list[datetime] = []
    cursor, used, used_at_pause, index = armed_at, timedelta(0), timedelta(0), 0
    frozen_at: datetime | None = None
    for amount in amounts:
        candidate = line.advance(cursor, amount - used)
        while index < len(spans) and candidate > spans[index].start:
            span = spans[index]
            index += 1
            used += line.between(cursor, span.start)
            used_at_pause = used
            frozen_at = span.start if span.end is None else None
            cursor = span.start if span.end is None else span.end
            candidate = line.advance(cursor, amount - used)
        instants.append(candidate)
        cursor, used = candidate, amount
    return _Walk(tuple(instants), used_at_pause, frozen_at)


def arm_clock(
    target: Target,
    armed_at: datetime,
    pauses: Sequence[Pause],
    calendar: BusinessCalendar,
    *,
    met_at: datetime | None = None,
    ladder: tuple[float, float, float] = DEFAULT_LADDER,
) -> ClockPlan:
    """Work out a clock's due time and ladder marks from its arming and its pause log.

    Called once per event (received, paused, resumed, met, reopened); the result is what
    the store keeps. A case received outside working hours starts counting at the next
    working instant, and a pause over a night, a weekend or a holiday only stops the
    working time inside it. Raises ``CalendarYearUnknown`` when the calendar does not know
    a year the clock runs through.
    """
    armed = _utc(armed_at)
    met = None if met_at is None else _utc(met_at)
    if met is not None and met < armed:
        raise ValueError("a clock cannot be met before it is armed")
    line = _Line(target.basis, calendar)
    spans = _spans(pauses, armed, met)
    if not 0 < ladder[0] < ladder[1] < ladder[2] < 1:
        raise ValueError(f"the ladder must rise strictly between 0 and 1, got {ladder}")
    duration = timedelta(hours=target.hours)
    walk = _walk([*(duration * step for step in ladder), duration], armed, spans, line)
    first, second, third, due_at = walk.instants
    return ClockPlan(
        kind=target.kind,
        target=target,
        armed_at=armed,
        due_at=due_at,
        marks=(first, second, third),
        paused_since=None if met is not None else walk.frozen_at,
        remaining=duration - walk.used_at_last_pause if met is None else line.between(met, due_at),
        met_at=met,
    )


def arm_clocks(
    grade: Grade,
    armed_at: datetime,
    pauses: Sequence[Pause],
    calendar: BusinessCalendar,
    *,
    met: Mapping[ClockKind, datetime] | None = None,
    ladder: tuple[float, float, float] = DEFAULT_LADDER,
) -> tuple[ClockPlan, ...]:
    """Every clock of one case, in the grade's target order (one call per event)."""
    met_times = met or {}
    return tuple(
        arm_clock(
            target, armed_at, pauses, calendar, met_at=met_times.get(target.kind), ladder=ladder
        )
        for target in grade.targets
    )


class LadderInstants(Protocol):
    """What the ladder compares: the due instant, the three marks and when it stopped.

    A :class:`ClockPlan` has them, and so does the services' stored clock view, which is
    what the triage queue holds for every open case: a refresh of twenty thousand cases
    asks for the levels of sixty thousand clocks, and building a plan for each would cost
    more than the comparisons. So :func:`clock_level` takes either, and the ladder is
    written once.
    """

    @property
    def due_at(self) -> datetime: ...
    @property
    def marks(self) -> tuple[datetime, datetime, datetime]: ...
    @property
    def paused_since(self) -> datetime | None: ...
    @property
    def met_at(self) -> datetime | None: ...


def clock_level(plan: LadderInstants, now: datetime) -> Level:
    """The clock's ladder step at ``now``: comparisons only, cheap enough for every refresh.

    A paused clock stays at the step it had when paused, a met one at the step it had
    when met (breached when met after its due time). Reaching the due instant exactly is
    still in time; a moment later is a breach.
    """
    at = now
    stop = plan.met_at if plan.met_at is not None else plan.paused_since
    if stop is not None and stop < at:
        at = stop
    if at > plan.due_at:
        return Level.BREACHED
    half, three_quarters, ninety = plan.marks
    if at >= ninety:
        return Level.NINETY
    if at >= three_quarters:
        return Level.THREE_QUARTERS
    if at >= half:
        return Level.HALF
    return Level.OK


def time_left(plan: ClockPlan, now: datetime, calendar: BusinessCalendar) -> timedelta:
    """Counted time from ``now`` to the due time; negative is the amount it was missed by.

    A paused clock shows what it had left when paused, a met one what it had left when
    met. Business clocks count working time on ``calendar``, so "1:30 left" on a Friday
    evening means an hour and a half of Monday's work.
    """
    stop = plan.met_at if plan.met_at is not None else plan.paused_since
    if stop is not None and now >= stop:
        return plan.remaining
    line = _Line(plan.target.basis, calendar)
    return line.between(max(_utc(now), plan.armed_at), plan.due_at)


def explain(
    target: Target,
    armed_at: datetime,
    pauses: Sequence[Pause],
    calendar: BusinessCalendar,
    *,
    met_at: datetime | None = None,
) -> tuple[ExplainLine, ...]:
    """The arming, the pauses and resumes, and the meeting behind a clock's due time.

    Each line names its catalog key; ``due`` params carry the due time as it stood after
    that step, so the last one equals the armed plan's ``due_at``. A pause that starts
    after the due time is listed but does not move it.

    A business clock armed outside working time says when it starts counting, and names
    the public holiday it waited through: "within 2 business hours, due 10-08 10:30"
    for a case received on 10-01 reads as wrong until the clerk remembers National Day.
    A pause of under a minute says so, rather than "0:00 paused".
    """
    armed = _utc(armed_at)
    met = None if met_at is None else _utc(met_at)
    line = _Line(target.basis, calendar)
    remaining, cursor = timedelta(hours=target.hours), armed
    due = line.advance(armed, remaining)
    hours, basis = f"{target.hours:g}", target.basis.value
    lines = [_step(armed, "armed", kind=target.kind.value, target=hours, basis=basis, due=due)]
    spans = _spans(pauses, armed, met)
    waited = _waited(line, armed, spans)
    if waited is not None:
        lines.append(waited)
    reached = False
    for span in spans:
        if reached or line.advance(cursor, remaining) <= span.start:
            reached = True
            lines.append(_step(span.start, "paused_after_due", reason=span.reason, due=due))
            continue
        remaining -= line.between(cursor, span.start)
        lines.append(_step(span.start, "paused", reason=span.reason, left=remaining))
        if span.end is None:
            break
        cursor = span.end
        due = line.advance(cursor, remaining)
        if span.resumed:
            paused_for = line.between(span.start, span.end)
            if paused_for < _ONE_MINUTE:
                lines.append(_step(span.end, "resumed_briefly", due=due))
            else:
                lines.append(_step(span.end, "resumed", paused_for=paused_for, due=due))
    if met is not None and met <= due:
        lines.append(_step(met, "met", due=due, early_by=line.between(met, due)))
    elif met is not None:
        lines.append(_step(met, "missed", due=due, late_by=line.between(due, met)))
    return tuple(lines)


def _waited(line: _Line, armed: datetime, spans: Sequence[_Span]) -> ExplainLine | None:
    """The line saying when a business clock armed outside working time starts counting,
    and the holiday it waited through (``first``..``last``, local dates), if any.

    None when the clock counts from its arming, or when a pause begins before counting
    would (then the pause lines tell the story, and "counting starts" would be wrong).
    """
    if line.basis is Basis.WALL:
        return None
    start = line.advance(armed, timedelta(0))
    if start <= armed or (spans and spans[0].start < start):
        return None
    calendar = line.calendar
    day, last_day = (t.astimezone(calendar.zone).date() for t in (armed, start))
    holidays: list[date] = []
    while day < last_day:
        if day in calendar.holidays:
            holidays.append(day)
        day += timedelta(days=1)
    if holidays:
        return _step(armed, "waited_holiday", start=start, first=holidays[0], last=holidays[-1])
    return _step(armed, "waited", start=start)


def _step(at: datetime, step: str, **params: object) -> ExplainLine:
    return ExplainLine(at, f"sla.explain.{step}", params)


def format_duration(delta: timedelta) -> str:
    """``H:MM`` with a minus sign when late (``-0:40``), as the triage queue shows it.

    Seconds are dropped toward zero so that "0:00 left" never shows on a breached clock.
    """
    sign = "-" if delta < timedelta(0) else ""
    minutes = int(abs(delta).total_seconds()) // 60
    return f"{sign}{minutes // 60}:{minutes % 60:02d}"


#: From this much business time on, a span reads in working days, not H:MM: "79:46"
#: is hard to take in, and 24-hour days ("3 d") would be about a third of the truth.
WORKING_DAYS_FROM = timedelta(hours=48)


def working_day_length(calendar: BusinessCalendar) -> timedelta:
    """The length of the calendar's usual working day: the most common daily total of
    working time among its weekdays (8 h on both shipped calendars). A tie goes to the
    longer day; a make-up day or a short Friday does not change it."""
    totals = [
        sum(
            (
                datetime.combine(date.min, slot.end) - datetime.combine(date.min, slot.start)
                for slot in slots
            ),
            timedelta(0),
        )
        for slots in calendar.working_slots
        if slots
    ]
    return max(totals, key=lambda total: (totals.count(total), total))


def working_days_text(delta: timedelta, day: timedelta) -> str | None:
    """``delta`` in working days of length ``day`` when it is at least
    :data:`WORKING_DAYS_FROM` ("9.9", "12"; a minus sign when late), else None (it reads
    as H:MM). Rounded toward zero, so the time left is never overstated."""
    if abs(delta) < WORKING_DAYS_FROM:
        return None
    sign = "-" if delta < timedelta(0) else ""
    days = abs(delta) / day
    shown = f"{int(days * 10) / 10:.1f}" if days < 10 else f"{int(days)}"
    return sign + shown


def satisfaction_due(closed_at: datetime, days: int, calendar: BusinessCalendar) -> date:
    """The day the satisfaction follow-up is due: ``days`` business days after closing."""
    closed_on = _utc(closed_at).astimezone(calendar.zone).date()
    return calendar.add_business_days(closed_on, days)


# -- refusals ---------------------------------------------------------------------------


def check_close(remedy_kind: str | None, note: str) -> str:
    """Refuse closing a case without a remedy or without a closing note; the clean note.

    The note is where the clerk records that the customer confirmed the case resolved,
    which is what closing means.
    """
    if not remedy_kind:
        raise FollowupError("error.close_without_remedy", field="remedy")
    check_remedy_kind(remedy_kind)
    cleaned = clean_text(note, field="note", multiline=True, max_length=NOTE_LIMIT)
    if not cleaned:
        raise FollowupError("error.close_without_note", field="note")
    return cleaned


def check_score(score: int) -> None:
    """Refuse a satisfaction score outside 1-5 (a bool is not a score)."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise FollowupError("error.satisfaction_score", field="score", value=score)


def remedy_money(amount: str | None, currency: str) -> tuple[Decimal | None, str]:
    """A remedy's amount (none when not typed) and its currency code, upper-cased.

    An amount must read as a number of at most 4 places and not be below 0, and then
    needs a three-letter currency; a currency typed without an amount must be one too.
    Every problem of the two is raised at once, so the form and the service that both
    ask this tell the clerk everything in one save.
    """
    from followup_tui.domain.orders.rules import parse_decimal

    problems: list[Problem] = []
    money = currency.strip().upper()
    value: Decimal | None = None
    typed = amount is not None and bool(amount.strip())
    if amount is not None and typed:
        try:
            value = parse_decimal(amount, field="amount", places=4)
        except FollowupError as error:
            problems += error.problems
        else:
            if value < 0:
                problems.append(Problem("error.complaint_amount_negative", "amount"))
    if (typed or money) and not _CURRENCY_CODE.fullmatch(money):
        problems.append(Problem("error.complaint_currency", "currency", {"value": currency}))
    if problems:
        first = problems[0]
        raise FollowupError(
            first.key, field=first.field, problems=tuple(problems), **dict(first.params)
        )
    return value, money


def check_satisfaction_allowed(status: str) -> None:
    """Refuse a follow-up score on a case that is not closed: the customer is asked
    how the remedy went once it is done. The desk asks this before opening the form,
    so the clerk is not told only after typing the score."""
    if status != ComplaintStatus.CLOSED.value:
        raise FollowupError("error.complaint_not_closed", field="status", status=status)


def reopens_case(score: int, policy: SlaPolicy) -> bool:
    """Whether a follow-up with ``score`` reopens the case (an unsatisfied customer)."""
    check_score(score)
    return score <= policy.reopen_score


def check_pause(paused_since: datetime | None) -> None:
    """Refuse pausing a case that is already paused (one pause at a time)."""
    if paused_since is not None:
        raise FollowupError("error.already_paused")


def check_resume(paused_since: datetime | None) -> None:
    """Refuse resuming a case that is not paused: there is nothing to push out."""
    if paused_since is None:
        raise FollowupError("error.not_paused")
