"""Complaint analysis: what went wrong, whose fault it was, and whether we kept our word.

For the complaints received in a period it counts them by category, root cause,
responsible party, customer and month; it rates the SLA clocks per grade and kind (met
on time, met late, breached and still open, still running); and it averages how long
acknowledging and resolving took, in business hours on the desk's calendar and in
hours on the wall. The weekly review and the KPI pages quote these figures, so they
must agree with what the clerks see: clock levels come from the domain's
``clock_level`` and the queue's ``levels`` (the triage screen's), and the "open now"
line is counted exactly as the screen's status line and ``followup alerts`` count it.

Root causes are free text; they are grouped ignoring case and runs of white space
("Mould  worn" and "mould worn" are one cause), shown as most often written. Suppliers
are not analysed: the store does not link a product to its supplier, and a guess (the
exception log's party, say) would blame the wrong company; the result says so.

Times to acknowledge and to resolve run from the moment the clocks were armed (the
receipt, or the last reopening, as the clocks count), pauses included.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, text

from followup_tui.domain.calendar import BusinessCalendar, estimating
from followup_tui.domain.complaints.sla import Level, clock_level
from followup_tui.services.complaints.queue import (
    StoredInstants,
    levels,
    load_open_complaints,
)
from followup_tui.services.complaints.views import Alert, ClockView
from followup_tui.store.types import UTCDateTime
from followup_tui.store.unit_of_work import StoreContext

KIND_ORDER: tuple[str, ...] = ("ack", "plan", "resolve")
#: Why a breakdown is missing, as a key the report translates.
SUPPLIER_UNLINKED = "supplier_unlinked"
_HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Count:
    """One line of a breakdown: ``name`` is a code (category, party), a month
    (YYYY-MM), a customer, or a root cause as most often written; "" is "not recorded"."""

    name: str
    count: int
    share: float  # of the period's complaints, 0..1


@dataclass(frozen=True, slots=True)
class Compliance:
    """How one grade's clocks of one kind fared. ``rate`` is on time over the clocks
    decided (on time, late, breached); None when none is decided yet."""

    grade: str
    kind: str
    on_time: int
    late: int
    breached: int  # not met, past due, case open
    running: int  # not met, not yet due
    rate: float | None


@dataclass(frozen=True, slots=True)
class Average:
    """The mean time from arming to acknowledging (``ack``) or closing (``resolve``)."""

    measure: str
    cases: int
    business_hours: float | None
    wall_hours: float | None


@dataclass(frozen=True, slots=True)
class OpenSummary:
    """Open cases and how many are breached or at/past 75 % (worst clock owed), counted
    like the triage screen's status line; from alerts, ``open`` is the cases alerted."""

    open: int
    breached: int
    warned: int


@dataclass(frozen=True, slots=True)
class ComplaintAnalysis:
    start: date  # first day of the period (desk time zone)
    end: date  # first day after it
    as_of: datetime
    total: int
    open: int
    closed: int
    reopened: int  # cases reopened at least once
    overridden: int  # graded other than the policy suggested
    escalated: int
    satisfaction_responses: int
    satisfaction_average: float | None
    by_category: tuple[Count, ...]
    by_root_cause: tuple[Count, ...]
    by_party: tuple[Count, ...]
    by_customer: tuple[Count, ...]
    by_month: tuple[Count, ...]
    by_supplier: tuple[Count, ...] | None
    notes: tuple[str, ...]
    compliance: tuple[Compliance, ...]
    averages: tuple[Average, ...]
    open_now: OpenSummary


@dataclass(frozen=True, slots=True)
class _Case:
    id: int
    customer: str
    category: str
    grade: str
    suggested: str
    status: str
    received_at: datetime
    armed_at: datetime
    acknowledged_at: datetime | None
    closed_at: datetime | None
    escalated: bool
    reopen_count: int
    root_cause: str
    party: str
    score: int | None


# --- the open cases, as the screen and the alerts count them -------------------------------


def open_summary(found: Mapping[int, Level]) -> OpenSummary:
    """From ``complaint_queue.levels`` of the open cases: the screen's own counts."""
    breached = sum(1 for level in found.values() if level >= Level.BREACHED)
    warned = sum(1 for level in found.values() if Level.THREE_QUARTERS <= level < Level.BREACHED)
    return OpenSummary(len(found), breached, warned)


def alert_summary(alerts: Iterable[Alert]) -> OpenSummary:
    """The same counts from ``complaint_queue.alerts``: a case counts once, at the worst
    level of its alerted clocks, which is its worst level overall (alerts start at 75 %)."""
    worst: dict[int, Level] = {}
    for alert in alerts:
        worst[alert.complaint_id] = max(worst.get(alert.complaint_id, Level.OK), Level(alert.level))
    return open_summary(worst)


# --- reading the period -----------------------------------------------------------------


def period_bounds(start: date, end: date, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) as UTC instants: midnight to midnight in the desk's time zone."""
    zone = ZoneInfo(timezone)
    return (
        datetime.combine(start, time(), zone).astimezone(UTC),
        datetime.combine(end, time(), zone).astimezone(UTC),
    )


_CASES_SQL = (
    "SELECT id, customer_name, category, grade, suggested_grade, status, received_at,"
    " armed_at, acknowledged_at, closed_at, escalated_at, reopen_count, root_cause,"
    " responsible_party, satisfaction_score FROM complaints"
    " WHERE received_at >= :start AND received_at < :end ORDER BY id"
)
_CLOCKS_SQL = (
    "SELECT k.complaint_id, k.kind, k.target_hours, k.basis, k.role, k.armed_at, k.due_at,"
    " k.mark50_at, k.mark75_at, k.mark90_at, k.paused_since, k.remaining_seconds, k.met_at"
    " FROM complaint_clocks k JOIN complaints c ON c.id = k.complaint_id"
    " WHERE c.received_at >= :start AND c.received_at < :end"
)


def _read(
    ctx: StoreContext, start: datetime, end: datetime
) -> tuple[list[_Case], dict[int, list[ClockView]]]:
    """The period's cases and their clocks, in plain SQL (a year can be 100,000 cases)."""
    moment = UTCDateTime()
    params = [bindparam("start", type_=moment), bindparam("end", type_=moment)]
    window = {"start": start, "end": end}
    with ctx.read() as session:
        rows = session.execute(text(_CASES_SQL).bindparams(*params), window).all()
        clock_rows = session.execute(text(_CLOCKS_SQL).bindparams(*params), window).all()
    at = StoredInstants().__getitem__  # each distinct stored instant parsed once
    grouped: dict[int, list[ClockView]] = defaultdict(list)
    for r in clock_rows:
        remaining = None if r[11] is None else timedelta(seconds=r[11])
        marks = (at(r[7]), at(r[8]), at(r[9]))
        grouped[r[0]].append(
            ClockView(
                r[1],
                float(r[2]),
                r[3],
                r[4],
                at(r[5]),
                at(r[6]),
                marks,
                at(r[10]),
                remaining,
                at(r[12]),
            )
        )
    cases = [
        _Case(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            at(r[6]),
            at(r[7]),
            at(r[8]),
            at(r[9]),
            r[10] is not None,
            r[11],
            r[12],
            r[13],
            r[14],
        )
        for r in rows
    ]
    return cases, grouped


class WorkingTime:
    """Business time between instants, as ``BusinessCalendar.business_time_between``
    counts it (a test holds them equal), for many spans at once.

    Each day's working slots are summed once and kept as running totals, so a span of
    weeks costs two partial days and a subtraction instead of a walk over its days
    (a year's report has 170,000 spans). Years the calendar does not know are counted
    as plain weekdays, like an estimated clock.
    """

    def __init__(self, calendar: BusinessCalendar, since: date | None = None) -> None:
        self.calendar = estimating(calendar)
        self.zone = self.calendar.zone
        self.first = since  # running totals start here (earlier days start them again)
        self.totals: list[timedelta] = [timedelta(0)]  # working time before each day

    def _day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def _index(self, day: date) -> int:
        """The day's place in the running totals, extending them as far as needed."""
        if self.first is None or day < self.first:
            self.first, self.totals = day, [timedelta(0)]
        while len(self.totals) <= (day - self.first).days + 1:
            current = self.first + timedelta(days=len(self.totals) - 1)
            worked = sum((e - s for s, e in self.calendar.intervals_on(current)), timedelta(0))
            self.totals.append(self.totals[-1] + worked)
        return (day - self.first).days

    def _part(self, day: date, a: datetime | None, b: datetime | None) -> timedelta:
        total = timedelta(0)
        for s, e in self.calendar.intervals_on(day):
            overlap = min(e, b or e) - max(s, a or s)
            if overlap > timedelta(0):
                total += overlap
        return total

    def between(self, a: datetime, b: datetime) -> timedelta:
        if b < a:
            return -self.between(b, a)
        first, last = self._day(a), self._day(b)
        if first == last:
            return self._part(first, a, b)
        start = self._index(first)  # may start the totals again: before reading them
        end = self._index(last)
        inside = self.totals[end] - self.totals[start + 1]
        return self._part(first, a, None) + inside + self._part(last, None, b)


# --- the figures ------------------------------------------------------------------------


def _counts(names: Sequence[str], total: int) -> tuple[Count, ...]:
    """Most frequent first, ties by name, "not recorded" ("") last."""
    counted = Counter(names)
    ordered = sorted(counted.items(), key=lambda item: (item[0] == "", -item[1], item[0]))
    return tuple(Count(name, count, round(count / total, 4)) for name, count in ordered)


def normalise_cause(text: str) -> str:
    """The grouping key of a root cause: case and runs of white space ignored."""
    return " ".join(text.split()).casefold()


def _causes(cases: Sequence[_Case]) -> list[str]:
    """Each case's cause, spelled as that cause is most often written (ties: first)."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for case in cases:
        spellings[normalise_cause(case.root_cause)][" ".join(case.root_cause.split())] += 1
    shown = {key: found.most_common(1)[0][0] for key, found in spellings.items()}
    return [shown[normalise_cause(case.root_cause)] for case in cases]


def _compliance(
    cases: Sequence[_Case],
    clocks: Mapping[int, Sequence[ClockView]],
    now: datetime,
    grade_order: Sequence[str],
) -> tuple[Compliance, ...]:
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for case in cases:
        for clock in clocks.get(case.id, ()):
            counts = tally[(case.grade, clock.kind)]
            if clock.met_at is not None:
                counts[0 if clock.met_at <= clock.due_at else 1] += 1
            elif case.status != "closed" and clock_level(clock, now) is Level.BREACHED:
                counts[2] += 1
            else:
                counts[3] += 1
    rank = {grade: index for index, grade in enumerate(grade_order)}
    kinds = {kind: index for index, kind in enumerate(KIND_ORDER)}
    result = []
    for (grade, kind), (on_time, late, breached, running) in sorted(
        tally.items(),
        key=lambda item: (rank.get(item[0][0], len(rank)), item[0][0], kinds.get(item[0][1], 9)),
    ):
        decided = on_time + late + breached
        rate = round(on_time / decided, 4) if decided else None
        result.append(Compliance(grade, kind, on_time, late, breached, running, rate))
    return tuple(result)


def _average(
    measure: str, spans: Sequence[tuple[datetime, datetime]], clock: WorkingTime
) -> Average:
    if not spans:
        return Average(measure, 0, None, None)
    business = sum((clock.between(a, b) for a, b in spans), timedelta(0))
    wall = sum((b - a for a, b in spans), timedelta(0))
    count = len(spans)
    return Average(
        measure, count, round(business / _HOUR / count, 2), round(wall / _HOUR / count, 2)
    )


def _month(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m")


def analyse(
    ctx: StoreContext, start: date, end: date, now: datetime | None = None
) -> ComplaintAnalysis:
    """Every figure for the complaints received in [start, end) (desk-time days),
    levels and "open now" taken at ``now`` (default: the store's clock)."""
    moment = now if now is not None else ctx.now()
    cases, clocks = _read(ctx, *period_bounds(start, end, ctx.timezone))
    total = len(cases)
    zone = ZoneInfo(ctx.timezone)
    scores = [case.score for case in cases if case.score is not None]
    open_rows = load_open_complaints(ctx)
    working = WorkingTime(ctx.calendar, since=start)
    acknowledged = [(c.armed_at, c.acknowledged_at) for c in cases if c.acknowledged_at]
    resolved = [(c.armed_at, c.closed_at) for c in cases if c.closed_at]
    return ComplaintAnalysis(
        start=start,
        end=end,
        as_of=moment,
        total=total,
        open=sum(1 for case in cases if case.status != "closed"),
        closed=sum(1 for case in cases if case.status == "closed"),
        reopened=sum(1 for case in cases if case.reopen_count),
        overridden=sum(1 for case in cases if case.grade != case.suggested),
        escalated=sum(1 for case in cases if case.escalated),
        satisfaction_responses=len(scores),
        satisfaction_average=round(sum(scores) / len(scores), 2) if scores else None,
        by_category=_counts([case.category for case in cases], total),
        by_root_cause=_counts(_causes(cases), total),
        by_party=_counts([case.party for case in cases], total),
        by_customer=_counts([case.customer for case in cases], total),
        by_month=tuple(
            sorted(
                _counts([_month(c.received_at, zone) for c in cases], total),
                key=lambda count: count.name,
            )
        ),
        by_supplier=None,
        notes=(SUPPLIER_UNLINKED,),
        compliance=_compliance(cases, clocks, moment, ctx.sla.grade_keys()),
        averages=(
            _average("ack", acknowledged, working),
            _average("resolve", resolved, working),
        ),
        open_now=open_summary(levels(open_rows, moment)),
    )


def analysis_json(result: ComplaintAnalysis) -> dict[str, Any]:
    """The documented JSON shape (see ``cli/complaint_report.py``)."""

    def counts(rows: Sequence[Count] | None) -> list[dict[str, Any]] | None:
        if rows is None:
            return None
        return [{"name": r.name, "count": r.count, "share": r.share} for r in rows]

    return {
        "period": {"from": result.start.isoformat(), "to": result.end.isoformat()},
        "as_of": result.as_of.isoformat(),
        "total": result.total,
        "open": result.open,
        "closed": result.closed,
        "reopened": result.reopened,
        "grade_overridden": result.overridden,
        "escalated": result.escalated,
        "satisfaction": {
            "responses": result.satisfaction_responses,
            "average": result.satisfaction_average,
        },
        "by_category": counts(result.by_category),
        "by_root_cause": counts(result.by_root_cause),
        "by_responsible_party": counts(result.by_party),
        "by_customer": counts(result.by_customer),
        "by_supplier": counts(result.by_supplier),
        "by_month": counts(result.by_month),
        "notes": list(result.notes),
        "sla": [
            {
                "grade": c.grade,
                "clock": c.kind,
                "on_time": c.on_time,
                "late": c.late,
                "breached_open": c.breached,
                "running": c.running,
                "on_time_rate": c.rate,
            }
            for c in result.compliance
        ],
        "averages": [
            {
                "measure": a.measure,
                "cases": a.cases,
                "business_hours": a.business_hours,
                "wall_hours": a.wall_hours,
            }
            for a in result.averages
        ],
        "open_now": {
            "open": result.open_now.open,
            "breached": result.open_now.breached,
            "warned": result.open_now.warned,
        },
    }
