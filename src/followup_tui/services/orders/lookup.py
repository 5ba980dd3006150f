"""Finding an order by the number a clerk types: the whole number or its unique tail.

Clerks type the tail of an order number (``00301``) far more often than its head, and
the queue's filter already takes it. Every other way in (``order show``, complaints,
re-filing and attaching documents, the checklist and the shipments) resolves through
this one function, so a number that works in one place works in all of them. A tail
that fits several orders is refused with the ones it fits, never guessed.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from followup_tui.domain.errors import FollowupError
from followup_tui.domain.text import reverse_key
from followup_tui.store.models import Order

#: How many of the orders an ambiguous tail fits are named in the refusal.
SHOWN_MATCHES = 5


def order_by_number(session: Session, typed: str) -> Order:
    """The order whose number is ``typed`` (any case), else the one it is the tail of.

    The tail is looked up through the reversed-number index, so it is an index prefix
    walk however many orders the store holds.
    """
    number = typed.strip()
    if not number:
        raise FollowupError("error.order_not_found", field="order_no", order=typed)
    exact = session.scalar(select(Order).where(Order.order_no.in_({number, number.upper()})))
    if exact is not None:
        return exact
    tails = {reverse_key(number), reverse_key(number.upper())}
    fitting = session.scalars(
        select(Order)
        .where(or_(*(Order.order_no_rev.startswith(tail, autoescape=True) for tail in tails)))
        .order_by(Order.order_no)
        .limit(SHOWN_MATCHES + 1)
    ).all()
    if len(fitting) == 1:
        return fitting[0]
    if not fitting:
        raise FollowupError("error.order_not_found", field="order_no", order=number)
    shown = ", ".join(order.order_no for order in fitting[:SHOWN_MATCHES])
    if len(fitting) > SHOWN_MATCHES:
        shown += ", …"
    raise FollowupError("error.order_ambiguous", field="order_no", order=number, matches=shown)
