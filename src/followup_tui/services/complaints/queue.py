"""Reading complaints: the triage queue, its levels, the alerts, and one case in full.

The triage screen opens with every open case in memory (twenty thousand of a hundred
thousand in well under a second), so the queue is two flat queries in plain SQL grouped
in Python, with each stored instant parsed once, like ``timeline_read``. Levels are
the domain's ladder (``domain.complaints.sla.clock_level``) applied to the stored
instants against ``now`` (the clocks were armed when something last happened), so the
refresh of every open clock never walks the calendar; only the alerts, a short list,
work out the time left.

``escalate_breached`` is the one write here: at breach a case goes to the supervisors
("escalated at"), and the desk's refresh and ``followup alerts`` are what notice the
breach, since nothing runs between them.
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, or_, select, text
from sqlalchemy.orm import Session

from followup_tui.domain.calendar import CalendarYearUnknown, estimating
from followup_tui.domain.complaints.sla import Level, clock_level, time_left
from followup_tui.domain.complaints.sla_policy import Basis
from followup_tui.domain.errors import FollowupError
from followup_tui.services.complaints.clocks import clock_view, pauses_of
from followup_tui.services.complaints.views import (
    Alert,
    ClockView,
    ComplaintDetail,
    ComplaintRow,
    PauseView,
    plan_of,
)
from followup_tui.services.orders.entry import order_view
from followup_tui.services.orders.views import ChangeView
from followup_tui.services.timeline.events import shipment_view
from followup_tui.store.customer_match import customer_ids_sql, customer_pattern
from followup_tui.store.models import (
    ChangeLog,
    Complaint,
    ComplaintClock,
    ComplaintPause,
    Customer,
    Order,
    OrderLine,
    Shipment,
)
from followup_tui.store.unit_of_work import StoreContext

_KIND_ORDER = {"ack": 0, "plan": 1, "resolve": 2}
_NEVER = timedelta.max
_CHUNK = 900  # ids per IN (...): well under every driver's parameter limit
_CASE_COLUMNS = (
    "c.id, c.order_id, c.order_no, c.customer_name, c.category, c.grade, c.owner, c.status,"
    " c.received_at, c.reopen_count, c.escalated_at, c.version,"
    " (SELECT p.reason FROM complaint_pauses p WHERE p.complaint_id = c.id"
    " AND p.ended_at IS NULL ORDER BY p.started_at DESC LIMIT 1),"
    # the customer's pinyin initials, for the desk's one customer matcher in the triage
    " (SELECT cu.name_initials FROM orders o JOIN customers cu ON cu.id = o.customer_id"
    " WHERE o.id = c.order_id)"
)
_CLOCK_COLUMNS = (
    "k.complaint_id, k.kind, k.target_hours, k.basis, k.role, k.armed_at, k.due_at,"
    " k.mark50_at, k.mark75_at, k.mark90_at, k.paused_since, k.remaining_seconds, k.met_at"
)


# --- one case ---------------------------------------------------------------------------


def load_complaint(session: Session, complaint_id: int) -> Complaint:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise FollowupError("error.complaint_not_found", field="complaint", complaint=complaint_id)
    return complaint


def _clocks_of(session: Session, complaint_id: int) -> tuple[ClockView, ...]:
    rows = session.scalars(
        select(ComplaintClock).where(ComplaintClock.complaint_id == complaint_id)
    )
    return tuple(sorted((clock_view(r) for r in rows), key=lambda c: _KIND_ORDER.get(c.kind, 9)))


def complaint_row(
    complaint: Complaint,
    clocks: tuple[ClockView, ...],
    pause_reason: str | None = None,
    customer_initials: str = "",
) -> ComplaintRow:
    return ComplaintRow(
        id=complaint.id,
        order_id=complaint.order_id,
        order_no=complaint.order_no,
        customer=complaint.customer_name,
        category=complaint.category,
        grade=complaint.grade,
        owner=complaint.owner,
        status=complaint.status,
        received_at=complaint.received_at,
        reopen_count=complaint.reopen_count,
        escalated=complaint.escalated_at is not None,
        paused=any(c.paused_since is not None and c.met_at is None for c in clocks),
        clocks=clocks,
        version=complaint.version,
        pause_reason=pause_reason,
        customer_initials=customer_initials,
    )


def _history(
    session: Session, complaint_id: int, pause_ids: Sequence[int]
) -> tuple[ChangeView, ...]:
    condition = and_(ChangeLog.entity == "complaint", ChangeLog.entity_id == complaint_id)
    if pause_ids:
        condition = or_(
            condition,
            and_(ChangeLog.entity == "complaint_pause", ChangeLog.entity_id.in_(pause_ids)),
        )
    rows = session.scalars(select(ChangeLog).where(condition).order_by(ChangeLog.id))
    return tuple(
        ChangeView(
            row.id, row.at, row.actor, row.entity, row.entity_id, row.action, json.loads(row.diff)
        )
        for row in rows
    )


def _pause_view(row: ComplaintPause) -> PauseView:
    return PauseView(
        row.id, row.reason, row.note, row.started_at, row.ended_at, row.paused_by, row.resumed_by
    )


def complaint_detail_in(session: Session, complaint: Complaint) -> ComplaintDetail:
    """The whole case, inside a unit of work a service already holds."""
    pauses = pauses_of(session, complaint.id)
    order = session.get(Order, complaint.order_id)
    if order is None:  # the foreign key cascades; only a broken store gets here
        raise FollowupError("error.order_not_found", field="order", order=complaint.order_no)
    line_numbers = {line.id: line.line_no for line in order.lines}
    shipments = session.scalars(
        select(Shipment).where(Shipment.order_id == order.id).order_by(Shipment.id)
    )
    line_no = None
    if complaint.order_line_id is not None:
        line_no = session.scalar(
            select(OrderLine.line_no).where(OrderLine.id == complaint.order_line_id)
        )
    return ComplaintDetail(
        row=complaint_row(
            complaint,
            _clocks_of(session, complaint.id),
            next((p.reason for p in reversed(pauses) if p.ended_at is None), None),
            session.scalar(select(Customer.name_initials).where(Customer.id == order.customer_id))
            or "",
        ),
        description=complaint.description,
        contact=complaint.contact,
        suggested_grade=complaint.suggested_grade,
        grade_reason=complaint.grade_reason,
        acknowledged_at=complaint.acknowledged_at,
        acknowledged_by=complaint.acknowledged_by,
        plan_at=complaint.plan_at,
        closed_at=complaint.closed_at,
        escalated_at=complaint.escalated_at,
        third_party_inspection=complaint.third_party_inspection,
        root_cause=complaint.root_cause,
        responsible_party=complaint.responsible_party,
        evidence=complaint.evidence,
        remedy_kind=complaint.remedy_kind,
        remedy_amount=complaint.remedy_amount,
        remedy_currency=complaint.remedy_currency,
        remedy_note=complaint.remedy_note,
        close_note=complaint.close_note,
        satisfaction_due=complaint.satisfaction_due,
        satisfaction_score=complaint.satisfaction_score,
        satisfaction_comment=complaint.satisfaction_comment,
        line_no=line_no,
        pauses=tuple(_pause_view(p) for p in pauses),
        history=_history(session, complaint.id, [p.id for p in pauses]),
        order=order_view(order),
        shipments=tuple(shipment_view(s, line_numbers) for s in shipments),
    )


# --- the queue --------------------------------------------------------------------------


@contextmanager
def _collector_waits() -> Iterator[None]:
    """Hold the garbage collector while a whole queue is built or sorted.

    Twenty thousand cases are a quarter of a million objects; a collection in the middle
    walks them all again for nothing (measured: a sort of the queue from 20 ms to 250 ms).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class StoredInstants(dict[Any, Any]):
    """Stored instants as aware UTC datetimes, each distinct raw value parsed once.

    SQLite hands back ISO text without an offset (the store keeps UTC), PostgreSQL
    aware datetimes; both come out the same, and NULL stays None. A dict with
    ``__missing__`` so that a value seen before costs one C-level lookup.
    """

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, raw: Any) -> datetime:
        if isinstance(raw, str):
            try:  # the store's UTC text: parsing with the offset saves a replace() a value
                found = datetime.fromisoformat(raw + "+00:00")
            except ValueError:  # text that carries its own offset
                found = datetime.fromisoformat(raw).astimezone(UTC)
        else:
            found = raw.replace(tzinfo=UTC) if raw.tzinfo is None else raw.astimezone(UTC)
        self[raw] = found
        return found


def _where(
    grade: str | None, status: str | None, owner: str | None, customer: str | None
) -> tuple[str, dict[str, Any]]:
    clauses, params = ["c.status <> 'closed'"], {}
    if grade:
        clauses.append("c.grade = :grade")
        params["grade"] = grade
    if status:
        clauses.append("c.status = :status")
        params["status"] = status
    if owner:
        clauses.append("c.owner = :owner")
        params["owner"] = owner
    pattern = customer_pattern(customer or "")
    if pattern is not None:
        # The desk's one customer matcher, through the case's order (pinyin initials:
        # "nbht" finds 宁波海天), and the name copied onto the case.
        clauses.append(
            "(lower(c.customer_name) LIKE :customer ESCAPE '\\'"
            " OR c.order_id IN (SELECT o.id FROM orders o"
            f" WHERE o.customer_id IN ({customer_ids_sql(':customer')})))"
        )
        params["customer"] = pattern
    return " WHERE " + " AND ".join(clauses), params


def load_open_complaints(
    ctx: StoreContext,
    *,
    grade: str | None = None,
    status: str | None = None,
    owner: str | None = None,
    customer: str | None = None,
) -> list[ComplaintRow]:
    """Every case not closed, with its clocks, by id; the filters are exact except
    ``customer``, which is the desk's customer matcher (``store/customer_match.py``):
    any part of the name, ignoring case, or of its pinyin initials."""
    where, params = _where(grade, status, owner, customer)
    with ctx.read() as session:
        cases = session.execute(
            text(f"SELECT {_CASE_COLUMNS} FROM complaints c{where} ORDER BY c.id"), params
        ).all()
        clock_rows = session.execute(
            text(
                f"SELECT {_CLOCK_COLUMNS} FROM complaints c"
                f" JOIN complaint_clocks k ON k.complaint_id = c.id{where}"
                " ORDER BY c.id, k.kind"  # ack < plan < resolve, as the unique index has them
            ),
            params,
        ).all()
    with _collector_waits():
        return _build(cases, clock_rows)


def _build(
    cases: Sequence[Sequence[Any]], clock_rows: Sequence[Sequence[Any]]
) -> list[ComplaintRow]:
    """Rows from the raw results; clock rows come ordered by case, then kind."""
    instant = StoredInstants()
    grouped: dict[int, list[ClockView]] = defaultdict(list)
    for row in clock_rows:
        case_id, kind, hours, basis, role, armed, due, half, three_q, ninety = row[:10]
        paused, remaining, met = row[10:]
        # positional: keyword arguments cost a third more over sixty thousand clocks
        grouped[case_id].append(
            ClockView(
                kind,
                float(hours),
                basis,
                role,
                instant[armed],
                instant[due],
                (instant[half], instant[three_q], instant[ninety]),
                instant[paused],
                None if remaining is None else timedelta(seconds=remaining),
                instant[met],
            )
        )
    rows: list[ComplaintRow] = []
    empty: list[ClockView] = []
    for case in cases:
        clocks = grouped.get(case[0], empty)
        rows.append(
            ComplaintRow(
                id=case[0],
                order_id=case[1],
                order_no=case[2],
                customer=case[3],
                category=case[4],
                grade=case[5],
                owner=case[6],
                status=case[7],
                received_at=instant[case[8]],
                reopen_count=case[9],
                escalated=case[10] is not None,
                paused=any(c.paused_since is not None and c.met_at is None for c in clocks),
                clocks=tuple(clocks),
                version=case[11],
                pause_reason=case[12],
                customer_initials=case[13] or "",
            )
        )
    return rows


def row_level(row: ComplaintRow, now: datetime) -> Level:
    """The worst level of the clocks still owed; a met clock is history, not urgency.

    The stored views go to the domain's ladder as they are (they carry the instants it
    compares), so a refresh builds no plan objects.
    """
    worst = Level.OK
    for clock in row.clocks:
        if clock.met_at is None:
            level = clock_level(clock, now)
            worst = max(worst, level)
    return worst


def levels(rows: Iterable[ComplaintRow], now: datetime) -> dict[int, Level]:
    """Each row's worst level at ``now`` (comparisons only), by complaint id."""
    with _collector_waits():
        return {row.id: row_level(row, now) for row in rows}


def time_to_breach(row: ComplaintRow, now: datetime) -> timedelta:
    """How long until the row's first owed clock falls due (negative: overdue).

    A running clock counts to its due instant; a paused one by what it had left when
    paused. A row with no clock owed comes last.
    """
    best = _NEVER
    for clock in row.clocks:
        if clock.met_at is not None:
            continue
        if clock.paused_since is None:
            slack = clock.due_at - now
        elif clock.remaining is not None:
            slack = clock.remaining
        else:
            slack = clock.due_at - clock.paused_since
        best = min(best, slack)
    return best


def triage_sorted(rows: Iterable[ComplaintRow], now: datetime) -> list[ComplaintRow]:
    """The queue's order: breached first (most overdue first), then by time to breach;
    ties by receipt, oldest first."""
    with _collector_waits():
        return sorted(rows, key=lambda r: (time_to_breach(r, now), r.received_at, r.id))


def supervisor_view(rows: Iterable[ComplaintRow], now: datetime) -> list[ComplaintRow]:
    """What the supervisors watch: cases escalated to them or with a breached clock."""
    return triage_sorted(
        (r for r in rows if r.escalated or row_level(r, now) is Level.BREACHED), now
    )


def alerts(ctx: StoreContext, now: datetime) -> list[Alert]:
    """Every owed clock of an open case at or past the ladder's 75 % mark, or breached,
    the worst first; ``left`` is estimated (and ``estimated_year`` set) when it runs over
    a year the calendar has no holidays for."""
    found: list[Alert] = []
    for row in load_open_complaints(ctx):
        for clock in row.clocks:
            if clock.met_at is not None:
                continue
            level = clock_level(clock, now)
            if level < Level.THREE_QUARTERS:
                continue
            try:
                left: timedelta | None = time_left(plan_of(clock), now, ctx.calendar)
            except CalendarYearUnknown:
                left = time_left(plan_of(clock), now, estimating(ctx.calendar))
            estimated = (
                ctx.calendar.unknown_year_between(clock.armed_at, max(clock.due_at, now))
                if clock.basis == Basis.BUSINESS.value
                else None
            )
            found.append(
                Alert(
                    complaint_id=row.id,
                    order_no=row.order_no,
                    customer=row.customer,
                    grade=row.grade,
                    owner=row.owner,
                    kind=clock.kind,
                    level=int(level),
                    due_at=clock.due_at,
                    left=left,
                    role=clock.role,
                    estimated_year=estimated,
                )
            )
    found.sort(key=lambda a: (-a.level, a.due_at, a.complaint_id, _KIND_ORDER.get(a.kind, 9)))
    return found


# --- escalation at breach ---------------------------------------------------------------


def _breached_query(moment: datetime) -> Select[int]:
    """Open, not yet escalated cases with an owed clock past due at ``moment``: a
    running clock past its due instant, or a paused one that was already past it.

    Driven from the cases (a few thousand open and not escalated) rather than from the
    clocks past due, which grow with every escalated case: measured 18 ms against
    260 ms per refresh with 15,000 escalated cases.
    """
    clock = ComplaintClock
    return (
        select(Complaint.id)
        .where(
            Complaint.status != "closed",
            Complaint.escalated_at.is_(None),
            exists().where(
                clock.complaint_id == Complaint.id,
                clock.met_at.is_(None),
                clock.due_at < moment,
                or_(clock.paused_since.is_(None), clock.paused_since > clock.due_at),
            ),
        )
        .order_by(Complaint.id)
    )


def escalate_breached(ctx: StoreContext, now: datetime) -> int:
    """Escalate every open case with a breached clock that is not escalated yet; the
    number of cases.

    Escalation is recorded as of ``now`` but never ahead of the store's clock, so
    ``followup alerts --as-of`` a future time does not write breaches that have not
    happened. A read-only desk (``followup watch``) writes nothing and gets the number
    it would have escalated.

    Every clerk's desk sweeps at each refresh, so the usual answer, "nothing to
    escalate", is found by a read: only a breach takes the write lock, and the write
    asks again, inside its own transaction, which cases still need it.
    """
    moment = min(now, ctx.now())
    with ctx.read() as session:
        found = session.scalars(_breached_query(moment)).all()
    if ctx.read_only or not found:
        return len(found)
    with ctx.write() as session:
        ids = session.scalars(_breached_query(moment)).all()
        for first in range(0, len(ids), _CHUNK):
            chunk = ids[first : first + _CHUNK]
            for complaint in session.scalars(select(Complaint).where(Complaint.id.in_(chunk))):
                complaint.escalated_at = moment
            session.flush()
    return len(ids)
