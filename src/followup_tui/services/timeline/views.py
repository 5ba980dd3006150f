"""What the timeline hands to the Gantt screen, the weekly review and the report.

Frozen, slotted plain data: the Gantt keeps ten thousand orders with eleven milestones
each in memory, so every bar is a small tuple-like object with no session behind it.
Dates are desk dates (a milestone runs over whole business days, ``end`` inclusive).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class MilestoneBar:
    """One milestone of one order, as a bar on the Gantt.

    ``buffer_end`` is the last day of the buffer that follows ``planned_end`` (equal to
    ``planned_end`` when the stage has no buffer). ``late`` means it should have finished
    by today and has not; ``exception`` is the kind of the open exception that hits it,
    if any.
    """

    milestone_id: int
    order_id: int
    key: str
    planned_start: date
    planned_end: date
    buffer_end: date
    actual_start: date | None
    actual_end: date | None
    status: str  # planned | started | done
    party: str  # production | supplier | carrier | internal | customer
    owner: str
    note: str
    late: bool
    exception: str | None
    version: int


@dataclass(frozen=True, slots=True)
class TimelineOrder:
    """One open order with its plan: the Gantt's collapsed row and its milestones.

    ``days_short`` is how many business days the projected finish of the anchor
    milestone (delivery) lies past the promised date; 0 when it is on time. ``late`` is
    true when the promised date has passed undelivered, ``at_risk`` when the plan now
    ends after the promised date. ``calendar_note`` is set (to the unknown year) when a
    date of this plan lies in a year the desk's calendar has no data for.
    """

    order_id: int
    order_no: str
    customer: str
    customer_language: str
    owner: str
    status: str
    promised: date
    projected: date
    days_short: int
    late: bool
    at_risk: bool
    milestones: tuple[MilestoneBar, ...]
    calendar_note: int | None = None

    @property
    def start(self) -> date:
        """The first day any bar of the order covers."""
        days = [m.planned_start for m in self.milestones]
        days += [m.actual_start for m in self.milestones if m.actual_start is not None]
        return min(days, default=self.promised)

    @property
    def end(self) -> date:
        """The last day any bar (or the promised date) of the order covers."""
        days = [m.buffer_end for m in self.milestones] + [self.promised, self.projected]
        days += [m.actual_end for m in self.milestones if m.actual_end is not None]
        return max(days)


@dataclass(frozen=True, slots=True)
class ShipmentView:
    id: int
    order_id: int
    carrier: str
    mode: str  # sea | air | rail | truck | express
    tracking_no: str
    etd: date | None
    eta: date | None
    lines: tuple[tuple[int, str], ...]  # (line_no, quantity as text) shipped on it
    version: int


@dataclass(frozen=True, slots=True)
class ExceptionView:
    id: int
    order_id: int
    milestone_id: int | None
    milestone_key: str | None
    kind: str
    cause: str
    party: str
    impact_days: int
    status: str  # open | resolved
    recorded_at: date
    version: int


@dataclass(frozen=True, slots=True)
class NoticeFacts:
    """What the customer must be told when a shift pushed the order past its promise.

    Facts, not sentences: the notice is written in the customer's ``language`` (as the
    customer record spells it), and the wording belongs to the presentation side
    (``render.customer_notice.notice_for``), which the desk calls when it shows the draft.
    """

    language: str
    customer: str
    order_no: str
    promised: date
    new_eta: date
    slip_days: int = 0  # business days past the promise, the unit the desk shows
    clerk: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ShiftResult:
    """What a shift (or a re-plan from an actual date) did to an order's plan.

    ``moved`` lists (milestone key, old start, new start) for every milestone whose
    dates changed, the shifted one first; ``notice`` holds the facts of the customer
    notice to draft when the ripple pushed the projected finish past the promised date
    (else None).
    """

    order: TimelineOrder
    moved: tuple[tuple[str, date, date], ...]
    notice: NoticeFacts | None
