"""Taking a complaint: the order it is about, the suggested grade, the first clocks.

Split from ``complaints`` (the steps that follow) because creating a case is the one
step that reads the order and the customer to suggest a grade. ``complaints``
re-exports everything here, so callers import the whole workflow from one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_tui.domain.complaints.sla import ComplaintStatus
from followup_tui.domain.complaints.sla_policy import suggest_grade
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.text import clean_text, require_text
from followup_tui.services.complaints.clocks import arm_complaint
from followup_tui.services.complaints.queue import complaint_detail_in
from followup_tui.services.complaints.views import ComplaintDetail
from followup_tui.services.orders.entry import load_order
from followup_tui.services.orders.lookup import order_by_number
from followup_tui.store.models import Complaint, Customer, Order, OrderLine
from followup_tui.store.unit_of_work import StoreContext

DESCRIPTION_LIMIT = 4000
CONTACT_LIMIT = 200
REASON_LIMIT = 500
OWNER_LIMIT = 60


@dataclass(frozen=True)
class ComplaintDraft:
    """A new complaint as the clerk enters it.

    ``grade`` None takes the grade the policy suggests; another grade needs
    ``grade_reason``. ``received_at`` None means now (the call is being taken);
    ``owner`` None gives the case to the order's owner.
    """

    order_no: str
    category: str
    description: str
    contact: str = ""
    grade: str | None = None
    grade_reason: str = ""
    line_no: int | None = None
    received_at: datetime | None = None
    owner: str | None = None


def _key_account(session: Session, order: Order) -> bool:
    customer = session.get(Customer, order.customer_id)
    return bool(customer is not None and customer.key_account)


def order_is_key_account(ctx: StoreContext, order_id: int) -> bool:
    """Whether the order's customer is a key account (it raises the suggested grade)."""
    with ctx.read() as session:
        return _key_account(session, load_order(session, order_id))


def suggested_grades(ctx: StoreContext, order_id: int) -> dict[str, str]:
    """The grade the policy suggests for a complaint about this order, per category,
    so the new-complaint form can show it before the clerk picks a category."""
    with ctx.read() as session:
        order = load_order(session, order_id)
        key_account = _key_account(session, order)
        value = order.total_amount
    return {
        category: suggest_grade(ctx.sla, category, key_account=key_account, order_value=value)
        for category in ctx.sla.categories
    }


def _line_id(session: Session, order: Order, line_no: int | None) -> int | None:
    if line_no is None:
        return None
    found = session.scalar(
        select(OrderLine.id).where(OrderLine.order_id == order.id, OrderLine.line_no == line_no)
    )
    if found is None:
        raise FollowupError(
            "error.complaint_line_unknown", field="line_no", line=line_no, order=order.order_no
        )
    return found


def create_complaint(ctx: StoreContext, draft: ComplaintDraft) -> ComplaintDetail:
    """Record a complaint against an order and arm its grade's clocks from receipt.

    The grade is the policy's suggestion (category, key account, order value) unless
    the clerk chose another and said why; both are kept, so the analysis can show how
    often clerks override the policy.
    """
    policy = ctx.sla
    category = policy.check_category(draft.category.strip())
    description = clean_text(
        draft.description, field="description", multiline=True, max_length=DESCRIPTION_LIMIT
    )
    if not description:
        raise FollowupError("error.required", field="description")
    contact = clean_text(draft.contact, field="contact", max_length=CONTACT_LIMIT)
    chosen = None if draft.grade is None else policy.grade(draft.grade.strip()).key
    reason = clean_text(draft.grade_reason, field="grade_reason", max_length=REASON_LIMIT)
    owner = (
        None
        if draft.owner is None
        else require_text(draft.owner, field="owner", max_length=OWNER_LIMIT)
    )
    now = ctx.now()
    received = draft.received_at or now
    if received.tzinfo is None or received.utcoffset() is None:
        raise FollowupError("error.complaint_received_naive", field="received_at")
    if received > now:
        raise FollowupError("error.complaint_received_future", field="received_at")
    with ctx.write() as session:
        order = order_by_number(session, draft.order_no)
        line_id = _line_id(session, order, draft.line_no)
        suggested = suggest_grade(
            policy,
            category,
            key_account=_key_account(session, order),
            order_value=order.total_amount,
        )
        grade = chosen or suggested
        if grade != suggested and not reason:
            raise FollowupError(
                "error.complaint_grade_reason",
                field="grade_reason",
                grade=grade,
                suggested=suggested,
            )
        complaint = Complaint(
            order_id=order.id,
            order_no=order.order_no,
            customer_name=order.customer_name,
            order_line_id=line_id,
            category=category,
            description=description,
            contact=contact,
            received_at=received,
            grade=grade,
            suggested_grade=suggested,
            grade_reason=reason if grade != suggested else "",
            owner=owner or order.owner,
            status=ComplaintStatus.NEW.value,
            reopen_count=0,
            armed_at=received,
        )
        session.add(complaint)
        session.flush()
        arm_complaint(session, complaint, policy, ctx.calendar)
        session.flush()
        return complaint_detail_in(session, complaint)
