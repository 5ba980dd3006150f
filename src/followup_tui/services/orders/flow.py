"""Moving orders through their lifecycle, alone or in bulk.

Every move is checked against the one transition table in ``domain.lifecycle``. Bulk
actions apply what is allowed and report what was refused, order by order. Taking any
of these back is ``services.orders.undo``'s, through the change log the moves wrote.

There is one advance (``_advance``), which the CLI's ``order advance`` reaches through
``advance_order`` and the desk's ``a`` through ``bulk_advance``; on a draft it is the
confirmation ``confirm_order`` makes (``_confirm``), plan included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders import lifecycle
from followup_tui.domain.orders.lifecycle import OrderStatus
from followup_tui.domain.orders.rules import NoteKind, due_date
from followup_tui.domain.text import clean_text, require_text
from followup_tui.domain.timeline.milestones import load_template
from followup_tui.services.archive.checklist import ShippingGate
from followup_tui.services.orders.entry import check_version, load_order, order_view
from followup_tui.services.orders.views import BulkResult, NoteView, OrderView, UndoStep
from followup_tui.services.timeline.plans import plan_in_session
from followup_tui.store.models import Note, Order
from followup_tui.store.unit_of_work import StoreContext


def _set_status(order: Order, target: OrderStatus) -> None:
    current = OrderStatus(order.status)
    lifecycle.check_move(current, target, held_from=order.held_from)
    if target is OrderStatus.ON_HOLD:
        order.held_from = current.value
    elif current is OrderStatus.ON_HOLD:
        order.held_from = None
    order.status = target.value
    order.status_rank = lifecycle.rank(target)


def _note(session: Session, ctx: StoreContext, order: Order, kind: NoteKind, body: str) -> Note:
    note = Note(
        order_id=order.id, kind=kind.value, body=body, author=ctx.actor, created_at=ctx.now()
    )
    session.add(note)
    return note


def _single(
    ctx: StoreContext,
    order_id: int,
    expected_version: int | None,
    change: Callable[[Session, Order], None],
) -> OrderView:
    with ctx.write() as session:
        order = load_order(session, order_id)
        check_version(order, expected_version)
        change(session, order)
        order.updated_at = ctx.now()
        session.flush()
        return order_view(order)


def confirm_order(
    ctx: StoreContext,
    order_id: int,
    confirmed_date: date | None = None,
    *,
    expected_version: int | None = None,
    template: str | None = None,
) -> OrderView:
    """Draft to confirmed, with the date we promise (the requested date by default).

    The order gets its milestone plan in the same unit of work, from ``template`` or the
    one its customer's country suggests; when the calendar has no data for the year the
    plan would need, the plan is estimated from the weekday pattern and the timeline
    marks it as an estimate.
    """
    if template is not None:
        load_template(template)  # an unknown key is refused before anything is written

    def change(session: Session, order: Order) -> None:
        _confirm(session, ctx, order, confirmed_date, template)

    return _single(ctx, order_id, expected_version, change)


def _confirm(
    session: Session,
    ctx: StoreContext,
    order: Order,
    confirmed_date: date | None = None,
    template: str | None = None,
) -> None:
    """The one confirmation, for ``confirm_order`` and for advancing a draft: the promise
    (``confirmed_date``, else the one the draft carries, else its requested date), not
    before the order date; the due date from it; the milestone plan."""
    if order.status != OrderStatus.DRAFT.value:
        raise FollowupError("error.confirm_not_draft", order=order.order_no, status=order.status)
    promised = confirmed_date or order.confirmed_date or order.requested_date
    if promised < order.order_date:
        raise FollowupError("error.confirmed_before_order", field="confirmed_date")
    order.confirmed_date = promised
    order.due_date = due_date(promised, order.requested_date)
    _set_status(order, OrderStatus.CONFIRMED)
    plan_in_session(session, ctx, order, template)


def _advance(
    session: Session, ctx: StoreContext, gate: ShippingGate, order: Order, to: OrderStatus | None
) -> None:
    """The one advance, for ``advance_order`` (the CLI) and ``bulk_advance`` (the desk).

    A draft moves on by being confirmed, exactly as ``confirm_order`` confirms it without
    a date; any other order moves one stage, or to ``to``, through "shipped" only with its
    required documents filed or waived.
    """
    current = OrderStatus(order.status)
    if current is OrderStatus.DRAFT and to in (None, OrderStatus.CONFIRMED):
        _confirm(session, ctx, order)
        return
    target = to or lifecycle.next_status(current)
    lifecycle.check_move(current, target, held_from=order.held_from)
    gate.check(session, order, target)
    _set_status(order, target)


def advance_order(
    ctx: StoreContext,
    order_id: int,
    to: OrderStatus | None = None,
    *,
    expected_version: int | None = None,
) -> OrderView:
    """One stage forward, or to ``to`` when the table allows it; a draft is confirmed with
    its requested date; through "shipped" only with the order's required documents filed
    or waived (``services.checklist``)."""
    gate = ShippingGate(ctx)

    def change(session: Session, order: Order) -> None:
        _advance(session, ctx, gate, order, to)

    return _single(ctx, order_id, expected_version, change)


def hold_order(
    ctx: StoreContext, order_id: int, reason: str = "", *, expected_version: int | None = None
) -> OrderView:
    text = clean_text(reason, field="reason", max_length=500)

    def change(session: Session, order: Order) -> None:
        _set_status(order, OrderStatus.ON_HOLD)
        if text:
            _note(session, ctx, order, NoteKind.INTERNAL, text)

    return _single(ctx, order_id, expected_version, change)


def resume_order(
    ctx: StoreContext, order_id: int, *, expected_version: int | None = None
) -> OrderView:
    def change(_session: Session, order: Order) -> None:
        if order.status != OrderStatus.ON_HOLD.value:
            raise FollowupError("error.not_on_hold", order=order.order_no, status=order.status)
        _set_status(order, lifecycle.resume_target(order.held_from))

    return _single(ctx, order_id, expected_version, change)


def cancel_order(
    ctx: StoreContext, order_id: int, reason: str, *, expected_version: int | None = None
) -> OrderView:
    text = require_text(reason, field="reason", max_length=500)

    def change(session: Session, order: Order) -> None:
        _set_status(order, OrderStatus.CANCELLED)
        _note(session, ctx, order, NoteKind.INTERNAL, text)

    return _single(ctx, order_id, expected_version, change)


def assign_owner(
    ctx: StoreContext, order_id: int, owner: str, *, expected_version: int | None = None
) -> OrderView:
    name = require_text(owner, field="owner", max_length=60)

    def change(_session: Session, order: Order) -> None:
        order.owner = name

    return _single(ctx, order_id, expected_version, change)


def add_note(ctx: StoreContext, order_id: int, body: str, kind: str = "internal") -> NoteView:
    """Append to the order's communication log (call, e-mail, visit, internal)."""
    try:
        note_kind = NoteKind(kind)
    except ValueError:
        raise FollowupError(
            "error.unknown_note_kind",
            field="kind",
            value=kind,
            allowed=", ".join(k.value for k in NoteKind),
        ) from None
    text = clean_text(body, field="body", multiline=True, max_length=4000)
    if not text:
        raise FollowupError("error.required", field="body")
    with ctx.write() as session:
        order = load_order(session, order_id)
        note = _note(session, ctx, order, note_kind, text)
        session.flush()
        return NoteView(note.id, note.kind, note.body, note.author, note.created_at)


# --- bulk actions -----------------------------------------------------------------------

# confirmed_date, due_date and template: a bulk advance confirms drafts (and plans them),
# and a refused confirmation must leave nothing of itself behind.
_BULK_FIELDS = (
    "status",
    "status_rank",
    "held_from",
    "owner",
    "confirmed_date",
    "due_date",
    "template",
)


def _bulk(
    ctx: StoreContext,
    action: str,
    order_ids: Sequence[int],
    change: Callable[[Session, Order], None],
) -> BulkResult:
    done: list[UndoStep] = []
    refused: list[tuple[str, str, dict[str, Any]]] = []
    with ctx.write() as session:
        for order_id in order_ids:
            order = load_order(session, order_id)
            before = {name: getattr(order, name) for name in _BULK_FIELDS}
            try:
                change(session, order)
            except FollowupError as error:
                # A confirmation can be refused after it set the status (a template the
                # company file lost): put the fields back so nothing half-done is saved.
                for name, value in before.items():
                    setattr(order, name, value)
                refused.append((order.order_no, error.key, error.params))
                continue
            order.updated_at = ctx.now()
            session.flush()
            done.append(UndoStep(order.id, order.order_no, before, order.version))
    return BulkResult(action, tuple(done), tuple(refused))


def bulk_advance(ctx: StoreContext, order_ids: Sequence[int]) -> BulkResult:
    """Each order one stage forward through the one advance (a draft is confirmed, plan
    and all); one that is refused (a draft promised before its order date, an order that
    would ship without its documents) is refused on its own and the others still move."""
    gate = ShippingGate(ctx)

    def change(session: Session, order: Order) -> None:
        _advance(session, ctx, gate, order, None)

    return _bulk(ctx, "advance", order_ids, change)


def bulk_hold(ctx: StoreContext, order_ids: Sequence[int]) -> BulkResult:
    def change(_session: Session, order: Order) -> None:
        _set_status(order, OrderStatus.ON_HOLD)

    return _bulk(ctx, "hold", order_ids, change)


def bulk_assign(ctx: StoreContext, order_ids: Sequence[int], owner: str) -> BulkResult:
    name = require_text(owner, field="owner", max_length=60)

    def change(_session: Session, order: Order) -> None:
        order.owner = name

    return _bulk(ctx, "assign", order_ids, change)
