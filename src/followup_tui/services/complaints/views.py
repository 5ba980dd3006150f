"""What the complaint services hand to the triage screen, the CLI and the reports.

Frozen, slotted plain data. A clock is carried as the instants the store keeps (due,
the 50/75/90 % marks, a pause) so the screen can recompute every open clock's level
on each refresh with comparisons only (``domain.complaints.sla.clock_level`` takes the
view as it is), and work out the time left, which needs the calendar, only for the rows
on screen. :func:`plan_of` turns a stored clock back into the domain's plan, for what
needs more than the instants (the time left, the target behind an explanation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from followup_tui.domain.complaints.sla import ClockPlan
from followup_tui.domain.complaints.sla_policy import Basis, ClockKind, Target
from followup_tui.services.orders.views import ChangeView, OrderView
from followup_tui.services.timeline.views import ShipmentView


@dataclass(frozen=True, slots=True)
class ClockView:
    """One SLA clock: what it counts, when it falls due, and whether it stopped."""

    kind: str  # ack | plan | resolve
    target_hours: float
    basis: str  # business | wall
    role: str  # owner | supervisor
    armed_at: datetime
    due_at: datetime
    marks: tuple[datetime, datetime, datetime]  # 50 %, 75 %, 90 %
    paused_since: datetime | None
    remaining: timedelta | None  # what was left when it paused
    met_at: datetime | None


def plan_of(view: ClockView) -> ClockPlan:
    """The domain's plan behind a stored clock, for ``time_left`` and the target.

    Here, next to the view, because the services, the CLI, the triage screen and its
    clock cells all need it, and none of them may hold its own copy of the rule. A clock
    that runs has no stored remainder; the plan then carries zero, which ``time_left``
    never reads for a running clock.
    """
    kind = ClockKind(view.kind)
    return ClockPlan(
        kind=kind,
        target=Target(kind, view.target_hours, Basis(view.basis), view.role),
        armed_at=view.armed_at,
        due_at=view.due_at,
        marks=view.marks,
        paused_since=view.paused_since,
        remaining=view.remaining if view.remaining is not None else timedelta(0),
        met_at=view.met_at,
    )


@dataclass(frozen=True, slots=True)
class ComplaintRow:
    """A complaint as the triage queue lists it."""

    id: int
    order_id: int
    order_no: str
    customer: str
    category: str
    grade: str
    owner: str
    status: str
    received_at: datetime
    reopen_count: int
    escalated: bool
    paused: bool
    clocks: tuple[ClockView, ...]
    version: int
    pause_reason: str | None = None  # why the case stands still, while it does
    customer_initials: str = ""  # the customer's pinyin initials, for the customer filter

    def clock(self, kind: str) -> ClockView | None:
        return next((c for c in self.clocks if c.kind == kind), None)


@dataclass(frozen=True, slots=True)
class PauseView:
    id: int
    reason: str
    note: str
    started_at: datetime
    ended_at: datetime | None
    paused_by: str
    resumed_by: str


@dataclass(frozen=True, slots=True)
class ComplaintDetail:
    """One case in full: the row, what was found and done, and the order behind it."""

    row: ComplaintRow
    description: str
    contact: str
    suggested_grade: str
    grade_reason: str
    acknowledged_at: datetime | None
    acknowledged_by: str
    plan_at: datetime | None
    closed_at: datetime | None
    escalated_at: datetime | None
    third_party_inspection: bool
    root_cause: str
    responsible_party: str
    evidence: str
    remedy_kind: str | None
    remedy_amount: Decimal | None
    remedy_currency: str
    remedy_note: str
    close_note: str
    satisfaction_due: date | None
    satisfaction_score: int | None
    satisfaction_comment: str
    line_no: int | None
    pauses: tuple[PauseView, ...]
    history: tuple[ChangeView, ...]
    order: OrderView
    shipments: tuple[ShipmentView, ...]


@dataclass(frozen=True, slots=True)
class Alert:
    """A clock at or past the ladder's 75 % mark, or breached, as ``followup alerts``
    prints it and the supervisor's view shows it."""

    complaint_id: int
    order_no: str
    customer: str
    grade: str
    owner: str
    kind: str
    level: int  # domain.sla.Level
    due_at: datetime
    left: timedelta | None  # None when the calendar cannot count it
    role: str
    #: The year the calendar has no holidays for that ``due_at``/``left`` rest on (they
    #: are then estimated from the weekday pattern); None when they are exact.
    estimated_year: int | None = None
