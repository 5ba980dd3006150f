"""Arming a complaint's SLA clocks and reading the stored clocks back as views.

Clocks are derived data. Every event that can move one (a new case, an
acknowledgement, a remedy, a close, a pause, a resume, a reopen) re-arms all of the
case's clocks from the complaint, its whole pause log and the policy as it is now, in
the same unit of work, and rewrites the ``complaint_clocks`` rows. So a policy change
reaches a case the next time something happens to it, never behind a clerk's back, and
a refresh of every open clock is comparisons of stored instants.

A business clock that runs into a year the calendar has no holiday data for is not
refused (a complaint must be recorded whatever the calendar knows): it is counted on
the same calendar with that year taken as plain weekdays, and :func:`is_estimate` tells
the screen the due time is an estimate. It is counted again, exactly, at the case's
next event once the calendar knows the year.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_tui.domain.calendar import BusinessCalendar, CalendarYearUnknown, estimating
from followup_tui.domain.complaints.sla import ClockPlan, ExplainLine, Pause, arm_clock, explain
from followup_tui.domain.complaints.sla_policy import Basis, ClockKind, SlaPolicy, Target
from followup_tui.domain.errors import FollowupError
from followup_tui.services.complaints.views import ClockView, plan_of
from followup_tui.store.models import Complaint, ComplaintClock, ComplaintPause
from followup_tui.store.unit_of_work import StoreContext


def business_days_after(calendar: BusinessCalendar, day: date, days: int) -> date:
    """``days`` business days after ``day``, estimated when the calendar lacks the year.

    Follow-up dates of a complaint (remedy tasks, the satisfaction call) must not block
    recording the remedy or closing the case in late December.
    """
    try:
        return calendar.add_business_days(day, days)
    except CalendarYearUnknown:
        return estimating(calendar).add_business_days(day, days)


def pauses_of(session: Session, complaint_id: int) -> list[ComplaintPause]:
    """The case's pause log, oldest first."""
    return list(
        session.scalars(
            select(ComplaintPause)
            .where(ComplaintPause.complaint_id == complaint_id)
            .order_by(ComplaintPause.started_at, ComplaintPause.id)
        )
    )


def open_pause(rows: Sequence[ComplaintPause]) -> ComplaintPause | None:
    """The pause that is still running, if any (there is at most one)."""
    return next((row for row in reversed(rows) if row.ended_at is None), None)


def domain_pauses(rows: Sequence[ComplaintPause]) -> tuple[Pause, ...]:
    return tuple(Pause(row.started_at, row.ended_at, row.reason) for row in rows)


def met_times(complaint: Complaint) -> dict[ClockKind, datetime]:
    """When each clock was met: acknowledged, a plan (remedy) recorded, closed.

    A reopen clears these on the complaint, so a re-armed clock runs again.
    """
    met: dict[ClockKind, datetime] = {}
    for kind, moment in (
        (ClockKind.ACK, complaint.acknowledged_at),
        (ClockKind.PLAN, complaint.plan_at),
        (ClockKind.RESOLVE, complaint.closed_at),
    ):
        if moment is not None and moment >= complaint.armed_at:
            met[kind] = moment
    return met


def plan_clock(
    target: Target,
    armed_at: datetime,
    pauses: Sequence[Pause],
    calendar: BusinessCalendar,
    *,
    met_at: datetime | None,
    ladder: tuple[float, float, float],
) -> ClockPlan:
    """One clock armed on ``calendar``, or estimated when the calendar lacks a year."""
    try:
        return arm_clock(target, armed_at, pauses, calendar, met_at=met_at, ladder=ladder)
    except CalendarYearUnknown:
        return arm_clock(
            target, armed_at, pauses, estimating(calendar), met_at=met_at, ladder=ladder
        )


def _remaining_seconds(plan: ClockPlan) -> int | None:
    """What was left when the clock stopped (paused or met); None while it runs."""
    if plan.met_at is None and plan.paused_since is None:
        return None
    return round(plan.remaining.total_seconds())


def _targets(
    complaint: Complaint, policy: SlaPolicy, stored: Iterable[ComplaintClock]
) -> tuple[Target, ...]:
    """The targets to arm: the grade's in the policy, or, when the company has since
    removed that grade, the ones the case's clocks were armed with, so an old case can
    still be worked and closed."""
    if complaint.grade in policy.grade_keys():
        return policy.grade(complaint.grade).targets
    return tuple(
        Target(ClockKind(row.kind), row.target_hours, Basis(row.basis), row.role)
        for row in sorted(stored, key=lambda row: row.kind)
    )


def ack_refused(ctx: StoreContext, session: Session, complaint: Complaint) -> bool:
    """Whether ``ctx.actor`` may not meet the case's acknowledgement clock.

    A target with the role ``supervisor`` (a major complaint's acknowledgement) is owed
    by one of the desk's supervisors, the accounts listed in the config. A desk that
    lists none lets anyone acknowledge: a small desk has no separate supervisors, and
    refusing everyone would leave the clock to breach. The target is the one arming
    would use (the policy's, or the stored one for a grade the company has removed).
    """
    if not ctx.supervisors or ctx.actor in ctx.supervisors:
        return False
    stored = session.scalars(
        select(ComplaintClock).where(ComplaintClock.complaint_id == complaint.id)
    )
    targets = _targets(complaint, ctx.sla, stored)
    ack = next((target for target in targets if target.kind is ClockKind.ACK), None)
    return ack is not None and ack.role == "supervisor"


def check_acknowledger(ctx: StoreContext, session: Session, complaint: Complaint) -> None:
    """Refuse an acknowledgement :func:`ack_refused` reserves for a supervisor, naming
    the supervisors, so the clerk knows whom to call; raised before anything changes."""
    if ack_refused(ctx, session, complaint):
        raise FollowupError(
            "error.ack_needs_supervisor",
            field="status",
            grade=complaint.grade,
            supervisors=", ".join(sorted(ctx.supervisors)),
        )


def arm_complaint(
    session: Session, complaint: Complaint, policy: SlaPolicy, calendar: BusinessCalendar
) -> list[ComplaintClock]:
    """Arm every clock of the complaint's grade and rewrite its clock rows.

    Rows of kinds the grade no longer has (a changed policy) are removed. The
    complaint must have been flushed (it needs its id).
    """
    pauses = domain_pauses(pauses_of(session, complaint.id))
    met = met_times(complaint)
    existing = {
        row.kind: row
        for row in session.scalars(
            select(ComplaintClock).where(ComplaintClock.complaint_id == complaint.id)
        )
    }
    rows: list[ComplaintClock] = []
    for target in _targets(complaint, policy, existing.values()):
        plan = plan_clock(
            target,
            complaint.armed_at,
            pauses,
            calendar,
            met_at=met.get(target.kind),
            ladder=policy.ladder,
        )
        row = existing.pop(target.kind.value, None)
        if row is None:
            row = ComplaintClock(complaint_id=complaint.id, kind=target.kind.value)
            session.add(row)
        row.target_hours = target.hours
        row.basis = target.basis.value
        row.role = target.role
        row.armed_at = plan.armed_at
        row.due_at = plan.due_at
        row.mark50_at, row.mark75_at, row.mark90_at = plan.marks
        row.paused_since = plan.paused_since
        row.remaining_seconds = _remaining_seconds(plan)
        row.met_at = plan.met_at
        rows.append(row)
    for stale in existing.values():
        session.delete(stale)
    return rows


def clock_view(row: ComplaintClock) -> ClockView:
    return ClockView(
        kind=row.kind,
        target_hours=row.target_hours,
        basis=row.basis,
        role=row.role,
        armed_at=row.armed_at,
        due_at=row.due_at,
        marks=(row.mark50_at, row.mark75_at, row.mark90_at),
        paused_since=row.paused_since,
        remaining=None
        if row.remaining_seconds is None
        else timedelta(seconds=row.remaining_seconds),
        met_at=row.met_at,
    )


def estimate_year(view: ClockView, calendar: BusinessCalendar) -> int | None:
    """The year a business clock's due time rests on that the calendar has no holidays
    for (from its arming to its due time: a case received on 2025-12-31 17:00 counts
    an hour of an unknown 2025 too), or None when it is exact. The screens mark such a
    clock "~" and say which year; wall-clock targets never need the calendar."""
    if view.basis != Basis.BUSINESS.value:
        return None
    return calendar.unknown_year_between(view.armed_at, view.due_at)


def is_estimate(view: ClockView, calendar: BusinessCalendar) -> bool:
    """Whether a business clock's due time was estimated (see :func:`estimate_year`)."""
    return estimate_year(view, calendar) is not None


def explain_clock(ctx: StoreContext, complaint_id: int, kind: str) -> tuple[ExplainLine, ...]:
    """The arming, pauses, resumes and meeting behind one clock's due time.

    Walked from the stored case and the clock's stored target (what it was armed with),
    so the explanation matches the due time shown even after a policy change.
    """
    with ctx.read() as session:
        complaint = session.get(Complaint, complaint_id)
        if complaint is None:
            raise FollowupError(
                "error.complaint_not_found", field="complaint", complaint=complaint_id
            )
        row = session.scalar(
            select(ComplaintClock).where(
                ComplaintClock.complaint_id == complaint_id, ComplaintClock.kind == kind
            )
        )
        if row is None:
            raise FollowupError("error.complaint_clock_unknown", field="kind", kind=kind)
        view = clock_view(row)
        pauses = domain_pauses(pauses_of(session, complaint_id))
    target = plan_of(view).target
    try:
        return explain(target, view.armed_at, pauses, ctx.calendar, met_at=view.met_at)
    except CalendarYearUnknown:
        return explain(target, view.armed_at, pauses, estimating(ctx.calendar), met_at=view.met_at)
