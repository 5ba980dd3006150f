"""The complaint workflows: from the customer's call to the satisfaction follow-up.

One function per step, each one unit of work: the step's rule (``domain.sla``), the
change, the re-armed clocks and the change log commit together or not at all, and a
refusal is a ``FollowupError`` naming the field, raised before anything is written.
Every step returns the whole case (:class:`ComplaintDetail`), so the screen redraws
from what the store now holds.

Follow-up tasks become internal notes on the order, with a due date in business days
and the body prefixed ``Complaint #<id>:``, so they appear among the order's follow-ups
where the clerk already looks every morning. Reasons that have no column of their own
(an escalation's, a reopening's) are kept the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from followup_tui.domain.calendar import CalendarYearUnknown, estimating
from followup_tui.domain.complaints.sla import (
    NOTE_LIMIT,
    ComplaintStatus,
    check_close,
    check_complaint_move,
    check_pause,
    check_resume,
    check_satisfaction_allowed,
    check_score,
    remedy_money,
    reopens_case,
    satisfaction_due,
)
from followup_tui.domain.complaints.sla_policy import (
    check_pause_reason,
    check_remedy_kind,
    check_responsible_party,
)
from followup_tui.domain.errors import FollowupError, Problem, StaleEditError
from followup_tui.domain.orders.rules import NoteKind
from followup_tui.domain.text import clean_text, require_text
from followup_tui.services.complaints.clocks import (
    ack_refused,
    arm_complaint,
    business_days_after,
    check_acknowledger,
    open_pause,
    pauses_of,
)
from followup_tui.services.complaints.intake import (
    OWNER_LIMIT,
    REASON_LIMIT,
    ComplaintDraft,
    create_complaint,
    order_is_key_account,
    suggested_grades,
)
from followup_tui.services.complaints.queue import complaint_detail_in, load_complaint
from followup_tui.services.complaints.views import ComplaintDetail
from followup_tui.store.models import Complaint, ComplaintPause, Note
from followup_tui.store.unit_of_work import StoreContext

__all__ = [
    "ComplaintDraft",
    "acknowledge_complaint",
    "assign_complaint",
    "close_complaint",
    "create_complaint",
    "escalate_complaint",
    "get_complaint",
    "order_is_key_account",
    "pause_complaint",
    "record_cause",
    "record_remedy",
    "record_satisfaction",
    "reopen_complaint",
    "resume_complaint",
    "suggested_grades",
]

FOLLOW_UP_DAYS_MAX = 250  # a year of business days: more is a typo, not a plan
T = TypeVar("T")

#: Recording a cause moves a case that is not yet being investigated (a new one is
#: refused by the status table: it is acknowledged first); later stages stay.
_BEFORE_INVESTIGATION = (
    ComplaintStatus.NEW,
    ComplaintStatus.ACKNOWLEDGED,
    ComplaintStatus.REOPENED,
)


# --- shared steps ----------------------------------------------------------------------


def _check_version(complaint: Complaint, expected_version: int | None) -> None:
    """Refuse a step based on an older read of the case, handing back the case as it is."""
    if expected_version is not None and complaint.version != expected_version:
        raise StaleEditError(
            "complaint",
            complaint.id,
            {"status": complaint.status, "owner": complaint.owner, "version": complaint.version},
        )


def _refuse_closed(complaint: Complaint) -> None:
    if complaint.status == ComplaintStatus.CLOSED.value:
        raise FollowupError("error.complaint_is_closed", field="status", complaint=complaint.id)


def _meet_ack(ctx: StoreContext, complaint: Complaint) -> None:
    complaint.acknowledged_at = ctx.now()
    complaint.acknowledged_by = ctx.actor


def _move(
    session: Session, ctx: StoreContext, complaint: Complaint, target: ComplaintStatus
) -> None:
    """Move the status by the domain's table.

    A reopened case goes straight back to work (the table has no second
    acknowledgement), so its first working step meets the re-armed acknowledgement
    clock if nobody acknowledged the reopening explicitly, unless that acknowledgement
    is owed by a supervisor and the actor is not one: then the clock keeps running.
    """
    current = ComplaintStatus(complaint.status)
    check_complaint_move(current, target)
    if (
        current is ComplaintStatus.REOPENED
        and complaint.acknowledged_at is None
        and not ack_refused(ctx, session, complaint)
    ):
        _meet_ack(ctx, complaint)
    complaint.status = target.value


def _order_note(
    session: Session, ctx: StoreContext, complaint: Complaint, body: str, due_days: int | None
) -> Note:
    """An internal note on the complaint's order, with a due date when it is a task."""
    note = Note(
        order_id=complaint.order_id,
        kind=NoteKind.INTERNAL.value,
        body=f"Complaint #{complaint.id}: {body}",
        author=ctx.actor,
        created_at=ctx.now(),
        due_on=(
            None if due_days is None else business_days_after(ctx.calendar, ctx.today(), due_days)
        ),
    )
    session.add(note)
    return note


def _step(
    ctx: StoreContext,
    complaint_id: int,
    expected_version: int | None,
    change: Callable[[Session, Complaint], None],
    *,
    rearm: bool = True,
) -> ComplaintDetail:
    """Load, check the version, change, re-arm the clocks and read the case back."""
    with ctx.write() as session:
        complaint = load_complaint(session, complaint_id)
        _check_version(complaint, expected_version)
        change(session, complaint)
        session.flush()
        if rearm:
            arm_complaint(session, complaint, ctx.sla, ctx.calendar)
            session.flush()
        return complaint_detail_in(session, complaint)


# --- reading ---------------------------------------------------------------------------


def get_complaint(
    ctx: StoreContext, complaint_id: int, now: datetime | None = None
) -> ComplaintDetail:
    """The whole case: its row and clocks, pauses, history, order and shipments.

    ``now`` is accepted so callers can pass the time they render for; the detail holds
    stored instants only, and levels are worked out from them by the caller at its now.
    """
    del now
    with ctx.read() as session:
        return complaint_detail_in(session, load_complaint(session, complaint_id))


# --- the steps -------------------------------------------------------------------------


def acknowledge_complaint(
    ctx: StoreContext, complaint_id: int, *, expected_version: int | None = None
) -> ComplaintDetail:
    """Meet the acknowledgement clock and record who acknowledged.

    A major grade's acknowledgement is owed by a supervisor (the clock's role): when
    the desk lists its supervisors (config ``supervisors``) anyone else is refused,
    naming them; with no list anyone may. A new case moves to ``acknowledged``. A
    reopened round not yet acknowledged keeps its status (``reopened``, or the stage a
    clerk who may not acknowledge has since moved it to), because the status table
    continues a reopened case like an acknowledged one.
    """

    def change(session: Session, complaint: Complaint) -> None:
        status = ComplaintStatus(complaint.status)
        pending = complaint.acknowledged_at is None and status is not ComplaintStatus.CLOSED
        if status is ComplaintStatus.REOPENED and not pending:
            raise FollowupError(
                "error.complaint_already_acknowledged",
                field="status",
                by=complaint.acknowledged_by,
            )
        if not pending:  # the status table's refusal comes before the role's
            check_complaint_move(status, ComplaintStatus.ACKNOWLEDGED)
        check_acknowledger(ctx, session, complaint)
        if status is ComplaintStatus.NEW:
            _move(session, ctx, complaint, ComplaintStatus.ACKNOWLEDGED)
        _meet_ack(ctx, complaint)

    return _step(ctx, complaint_id, expected_version, change)


def assign_complaint(
    ctx: StoreContext, complaint_id: int, owner: str, *, expected_version: int | None = None
) -> ComplaintDetail:
    """Give the case to another clerk; the clocks keep running as they were."""
    name = require_text(owner, field="owner", max_length=OWNER_LIMIT)

    def change(_session: Session, complaint: Complaint) -> None:
        complaint.owner = name

    return _step(ctx, complaint_id, expected_version, change, rearm=False)


def pause_complaint(
    ctx: StoreContext,
    complaint_id: int,
    reason: str,
    note: str = "",
    *,
    expected_version: int | None = None,
) -> ComplaintDetail:
    """Stop the clocks while the case waits on the customer, a supplier, QC or a carrier."""
    known = check_pause_reason(reason)
    text = clean_text(note, field="note", multiline=True, max_length=NOTE_LIMIT)

    def change(session: Session, complaint: Complaint) -> None:
        _refuse_closed(complaint)
        running = open_pause(pauses_of(session, complaint.id))
        check_pause(None if running is None else running.started_at)
        session.add(
            ComplaintPause(
                complaint_id=complaint.id,
                reason=known.value,
                note=text,
                started_at=ctx.now(),
                paused_by=ctx.actor,
            )
        )

    return _step(ctx, complaint_id, expected_version, change)


def resume_complaint(
    ctx: StoreContext, complaint_id: int, *, expected_version: int | None = None
) -> ComplaintDetail:
    """End the running pause; the clocks are re-armed, pushing the due times out by the
    paused time (business time for business clocks)."""

    def change(session: Session, complaint: Complaint) -> None:
        running = open_pause(pauses_of(session, complaint.id))
        check_resume(None if running is None else running.started_at)
        assert running is not None  # check_resume refused otherwise
        running.ended_at = ctx.now()
        running.resumed_by = ctx.actor

    return _step(ctx, complaint_id, expected_version, change)


def escalate_complaint(
    ctx: StoreContext,
    complaint_id: int,
    reason: str = "",
    *,
    expected_version: int | None = None,
) -> ComplaintDetail:
    """Put the case in front of the supervisors now, before any clock breaches.

    Breached cases are escalated without anyone asking (``complaint_queue.
    escalate_breached``); a case already escalated is refused, so the time it first
    reached the supervisors stays on record.
    """
    text = clean_text(reason, field="reason", max_length=REASON_LIMIT)

    def change(session: Session, complaint: Complaint) -> None:
        _refuse_closed(complaint)
        if complaint.escalated_at is not None:
            raise FollowupError(
                "error.complaint_already_escalated",
                field="escalated_at",
                since=complaint.escalated_at,
            )
        complaint.escalated_at = ctx.now()
        if text:
            _order_note(session, ctx, complaint, f"escalated: {text}", None)

    return _step(ctx, complaint_id, expected_version, change, rearm=False)


def record_cause(
    ctx: StoreContext,
    complaint_id: int,
    *,
    root_cause: str,
    responsible_party: str,
    third_party_inspection: bool = False,
    evidence: str = "",
    expected_version: int | None = None,
) -> ComplaintDetail:
    """Record the root cause and who is responsible; an acknowledged (or reopened) case
    moves to investigating, a later one keeps its status."""
    cause = clean_text(root_cause, field="root_cause", multiline=True, max_length=NOTE_LIMIT)
    if not cause:
        raise FollowupError("error.required", field="root_cause")
    party = check_responsible_party(responsible_party.strip())
    proof = clean_text(evidence, field="evidence", multiline=True, max_length=NOTE_LIMIT)

    def change(session: Session, complaint: Complaint) -> None:
        if ComplaintStatus(complaint.status) in _BEFORE_INVESTIGATION:
            _move(session, ctx, complaint, ComplaintStatus.INVESTIGATING)
        else:
            _refuse_closed(complaint)
        complaint.root_cause = cause
        complaint.responsible_party = party
        complaint.third_party_inspection = bool(third_party_inspection)
        complaint.evidence = proof

    return _step(ctx, complaint_id, expected_version, change, rearm=False)


def _follow_ups(follow_ups: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    clean: list[tuple[str, int]] = []
    for index, (body, days) in enumerate(follow_ups):
        field = f"follow_ups[{index}]"
        text = require_text(body, field=field, max_length=REASON_LIMIT)
        if isinstance(days, bool) or not isinstance(days, int):
            raise FollowupError("error.complaint_follow_up_days", field=field, value=days)
        if not 0 <= days <= FOLLOW_UP_DAYS_MAX:
            raise FollowupError("error.complaint_follow_up_days", field=field, value=days)
        clean.append((text, days))
    return clean


def record_remedy(
    ctx: StoreContext,
    complaint_id: int,
    *,
    kind: str,
    amount: str | None,
    currency: str,
    note: str,
    follow_ups: Sequence[tuple[str, int]] = (),
    expected_version: int | None = None,
) -> ComplaintDetail:
    """Record what the company will do; this is the resolution plan, so it meets the
    plan clock (the first time), and its follow-up tasks become dated order notes.

    ``follow_ups`` are (task, business days from today) pairs.
    """
    problems: list[Problem] = []

    def take(check: Callable[[], T]) -> T | None:
        try:
            return check()
        except FollowupError as error:
            problems.extend(error.problems)
            return None

    # Every problem at once: a refusal per field, not one per save.
    checked_kind = take(lambda: check_remedy_kind(kind.strip()))
    checked_money = take(lambda: remedy_money(amount, currency))
    checked_text = take(
        lambda: clean_text(note, field="note", multiline=True, max_length=NOTE_LIMIT)
    )
    checked_tasks = take(lambda: _follow_ups(follow_ups))
    if problems:
        first = problems[0]
        raise FollowupError(
            first.key, field=first.field, problems=tuple(problems), **dict(first.params)
        )
    assert checked_kind is not None and checked_money is not None  # no problems
    assert checked_text is not None and checked_tasks is not None
    remedy, (value, money), text, tasks = checked_kind, checked_money, checked_text, checked_tasks

    def change(session: Session, complaint: Complaint) -> None:
        if complaint.status != ComplaintStatus.REMEDY.value:
            _move(session, ctx, complaint, ComplaintStatus.REMEDY)
        complaint.remedy_kind = remedy.value
        complaint.remedy_amount = value
        complaint.remedy_currency = money if value is not None else ""
        complaint.remedy_note = text
        if complaint.plan_at is None:
            complaint.plan_at = ctx.now()
        for body, days in tasks:
            _order_note(session, ctx, complaint, body, days)

    return _step(ctx, complaint_id, expected_version, change)


def close_complaint(
    ctx: StoreContext, complaint_id: int, note: str, *, expected_version: int | None = None
) -> ComplaintDetail:
    """Close a case with a remedy and a note; meets the resolution clock and schedules
    the satisfaction follow-up ``policy.satisfaction_days`` business days later, also as
    a dated note on the order so it comes up with the order's other follow-ups."""

    def change(session: Session, complaint: Complaint) -> None:
        text = check_close(complaint.remedy_kind, note)
        _move(session, ctx, complaint, ComplaintStatus.CLOSED)
        now = ctx.now()
        running = open_pause(pauses_of(session, complaint.id))
        if running is not None:  # nothing waits on anyone once the case is closed
            running.ended_at = now
            running.resumed_by = ctx.actor
        complaint.closed_at = now
        complaint.close_note = text
        days = ctx.sla.satisfaction_days
        try:
            complaint.satisfaction_due = satisfaction_due(now, days, ctx.calendar)
        except CalendarYearUnknown:  # an estimated day rather than a case left open
            complaint.satisfaction_due = satisfaction_due(now, days, estimating(ctx.calendar))
        session.add(
            Note(
                order_id=complaint.order_id,
                kind=NoteKind.INTERNAL.value,
                body=f"Complaint #{complaint.id}: satisfaction follow-up (score 1-5)",
                author=ctx.actor,
                created_at=now,
                due_on=complaint.satisfaction_due,
            )
        )

    return _step(ctx, complaint_id, expected_version, change)


def _reopen(session: Session, ctx: StoreContext, complaint: Complaint, reason: str) -> None:
    """A new round: the clocks start again from now, their met marks cleared."""
    _move(session, ctx, complaint, ComplaintStatus.REOPENED)
    complaint.reopen_count += 1
    complaint.armed_at = ctx.now()
    complaint.acknowledged_at = None
    complaint.acknowledged_by = ""
    complaint.plan_at = None
    complaint.closed_at = None
    complaint.close_note = ""
    complaint.escalated_at = None
    complaint.satisfaction_due = None
    _order_note(session, ctx, complaint, f"reopened: {reason}", None)


def record_satisfaction(
    ctx: StoreContext,
    complaint_id: int,
    score: int,
    comment: str = "",
    *,
    expected_version: int | None = None,
) -> ComplaintDetail:
    """Record the follow-up call's score (1-5) and comment; an unsatisfied customer
    (at or below the policy's reopen score) reopens the case in the same unit of work."""
    check_score(score)
    text = clean_text(comment, field="comment", multiline=True, max_length=NOTE_LIMIT)

    def change(session: Session, complaint: Complaint) -> None:
        check_satisfaction_allowed(complaint.status)
        complaint.satisfaction_score = score
        complaint.satisfaction_comment = text
        if reopens_case(score, ctx.sla):
            _reopen(session, ctx, complaint, f"satisfaction {score}/5 {text}".strip())

    return _step(ctx, complaint_id, expected_version, change)


def reopen_complaint(
    ctx: StoreContext, complaint_id: int, reason: str, *, expected_version: int | None = None
) -> ComplaintDetail:
    """Reopen a closed case: the reopen is counted and every clock is re-armed from now."""
    text = require_text(reason, field="reason", max_length=REASON_LIMIT)

    def change(session: Session, complaint: Complaint) -> None:
        _reopen(session, ctx, complaint, text)

    return _step(ctx, complaint_id, expected_version, change)
