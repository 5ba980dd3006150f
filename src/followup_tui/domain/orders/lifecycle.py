"""The order lifecycle: one table of allowed moves, read by every workflow.

Orders move forward one stage at a time (a clerk may also skip ahead, e.g. straight from
packed to delivered for a local truck run, with ``advance --to``), can be put on hold and
resumed to the stage they were in, and can be cancelled from any open state. Closed and
cancelled are terminal.
"""

from __future__ import annotations

from enum import StrEnum

from followup_tui.domain.errors import FollowupError


class OrderStatus(StrEnum):
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    MATERIALS = "materials"
    PRODUCTION = "production"
    QC = "qc"
    PACKED = "packed"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    ACCEPTED = "accepted"
    CLOSED = "closed"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"


#: The main line, in order. Position in this tuple is the status rank used for sorting.
PIPELINE: tuple[OrderStatus, ...] = (
    OrderStatus.DRAFT,
    OrderStatus.CONFIRMED,
    OrderStatus.MATERIALS,
    OrderStatus.PRODUCTION,
    OrderStatus.QC,
    OrderStatus.PACKED,
    OrderStatus.SHIPPED,
    OrderStatus.IN_TRANSIT,
    OrderStatus.DELIVERED,
    OrderStatus.ACCEPTED,
    OrderStatus.CLOSED,
)

TERMINAL: frozenset[OrderStatus] = frozenset({OrderStatus.CLOSED, OrderStatus.CANCELLED})
OPEN_STATUSES: frozenset[OrderStatus] = frozenset(OrderStatus) - TERMINAL


def _pipeline_moves() -> dict[OrderStatus, frozenset[OrderStatus]]:
    moves: dict[OrderStatus, frozenset[OrderStatus]] = {}
    for index, status in enumerate(PIPELINE):
        ahead = PIPELINE[index + 1 :]
        extra: set[OrderStatus] = set()
        if status not in TERMINAL:
            extra = {OrderStatus.ON_HOLD, OrderStatus.CANCELLED}
        # Draft can only be confirmed (or cancelled): nothing skips confirmation.
        forward = set(ahead[:1]) if status is OrderStatus.DRAFT else set(ahead)
        moves[status] = frozenset(forward | extra)
    # From hold the order goes back to where it was (see ``resume_target``) or is cancelled.
    moves[OrderStatus.ON_HOLD] = frozenset(
        (set(PIPELINE) - {OrderStatus.CLOSED}) | {OrderStatus.CANCELLED}
    )
    moves[OrderStatus.CANCELLED] = frozenset()
    return moves


#: The one table of allowed moves: status -> statuses it may move to.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = _pipeline_moves()


def rank(status: OrderStatus) -> int:
    """Sort position: pipeline order, then hold, then cancelled."""
    if status in PIPELINE:
        return PIPELINE.index(status)
    return len(PIPELINE) + (0 if status is OrderStatus.ON_HOLD else 1)


def parse_status(value: str, *, field: str = "status") -> OrderStatus:
    try:
        return OrderStatus(value)
    except ValueError:
        raise FollowupError(
            "error.unknown_status",
            field=field,
            value=value,
            allowed=", ".join(s.value for s in OrderStatus),
        ) from None


def allowed_moves(current: OrderStatus) -> tuple[OrderStatus, ...]:
    """Allowed targets in a stable, readable order (pipeline first)."""
    targets = TRANSITIONS[current]
    return tuple(sorted(targets, key=rank))


def check_move(current: OrderStatus, target: OrderStatus, *, held_from: str | None = None) -> None:
    """Refuse an illegal move with a message that lists the legal ones."""
    if target is current:
        raise FollowupError("error.already_in_status", status=current.value)
    if current is OrderStatus.ON_HOLD and target not in (OrderStatus.CANCELLED,):
        expected = resume_target(held_from)
        if target is not expected:
            raise FollowupError(
                "error.illegal_move",
                current=current.value,
                target=target.value,
                allowed=f"{expected.value}, {OrderStatus.CANCELLED.value}",
            )
        return
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(s.value for s in allowed_moves(current)) or "—"
        raise FollowupError(
            "error.illegal_move", current=current.value, target=target.value, allowed=allowed
        )


def next_status(current: OrderStatus) -> OrderStatus:
    """The one-step advance: the next pipeline stage."""
    if current not in PIPELINE or current is OrderStatus.CLOSED:
        allowed = ", ".join(s.value for s in allowed_moves(current)) or "—"
        raise FollowupError("error.cannot_advance", current=current.value, allowed=allowed)
    return PIPELINE[PIPELINE.index(current) + 1]


def resume_target(held_from: str | None) -> OrderStatus:
    """An order resumes to the stage it was held in; unknown history resumes to confirmed."""
    if held_from:
        try:
            status = OrderStatus(held_from)
        except ValueError:
            return OrderStatus.CONFIRMED
        if status in PIPELINE and status is not OrderStatus.CLOSED:
            return status
    return OrderStatus.CONFIRMED


def is_open(status: OrderStatus) -> bool:
    return status in OPEN_STATUSES


#: Statuses in which the customer has their goods: nothing can be late any more.
DELIVERED_STATUSES: frozenset[OrderStatus] = frozenset(
    {OrderStatus.DELIVERED, OrderStatus.ACCEPTED, OrderStatus.CLOSED, OrderStatus.CANCELLED}
)


def awaits_delivery(status: OrderStatus) -> bool:
    """Whether the order still owes the customer a delivery, and so can be late."""
    return status not in DELIVERED_STATUSES
