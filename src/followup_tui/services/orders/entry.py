"""Entering, editing and reading orders.

Edits carry the version the clerk saw (``expected_version``): comparing against a
version re-read at save time would protect nothing, as measured when a form silently
overwrote another clerk's edit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_tui.domain.errors import FollowupError, StaleEditError
from followup_tui.domain.orders import lifecycle
from followup_tui.domain.orders.rules import (
    LineDraft,
    OrderDraft,
    Priority,
    due_date,
    summarise_lines,
    validate_order,
)
from followup_tui.domain.text import fold, pinyin_initials, reverse_key
from followup_tui.services.orders.views import (
    ChangeView,
    LineView,
    NoteView,
    OrderDetail,
    OrderView,
)
from followup_tui.store.models import ChangeLog, Customer, Note, Order, OrderLine, Product
from followup_tui.store.unit_of_work import StoreContext

EDITABLE_FIELDS: tuple[str, ...] = (
    "order_no",
    "customer",
    "customer_po",
    "owner",
    "priority",
    "incoterm",
    "payment_terms",
    "packaging",
    "labels",
    "technical",
    "order_date",
    "requested_date",
    "confirmed_date",
)


def order_view(order: Order) -> OrderView:
    return OrderView(
        id=order.id,
        order_no=order.order_no,
        customer=order.customer_name,
        customer_po=order.customer_po,
        owner=order.owner,
        priority=order.priority,
        incoterm=order.incoterm,
        payment_terms=order.payment_terms,
        packaging=order.packaging,
        labels=order.labels,
        technical=order.technical,
        order_date=order.order_date,
        requested_date=order.requested_date,
        confirmed_date=order.confirmed_date,
        due_date=order.due_date,
        status=order.status,
        held_from=order.held_from,
        lead_product=order.lead_product,
        total_quantity=order.total_quantity,
        unit=order.unit,
        total_amount=order.total_amount,
        currency=order.currency,
        created_at=order.created_at,
        updated_at=order.updated_at,
        version=order.version,
    )


def line_view(line: OrderLine) -> LineView:
    return LineView(
        id=line.id,
        line_no=line.line_no,
        product=line.product,
        spec=line.spec,
        quantity=line.quantity,
        unit=line.unit,
        unit_price=line.unit_price,
        currency=line.currency,
        requested_date=line.requested_date,
        confirmed_date=line.confirmed_date,
        version=line.version,
    )


def customer_for(session: Session, name: str, ctx: StoreContext) -> Customer:
    """The customer called ``name``, created on first use with its pinyin initials."""
    customer = session.scalar(select(Customer).where(Customer.name == name))
    if customer is None:
        customer = Customer(
            name=name,
            name_initials=pinyin_initials(name),
            name_folded=fold(name),
            created_at=ctx.now(),
        )
        session.add(customer)
        session.flush()
    return customer


def product_for(session: Session, name: str, spec: str) -> Product:
    product = session.scalar(select(Product).where(Product.name == name, Product.spec == spec))
    if product is None:
        product = Product(
            name=name,
            spec=spec,
            name_folded=fold(f"{name} {spec}"),
            name_initials=pinyin_initials(name),
        )
        session.add(product)
        session.flush()
    return product


def load_order(session: Session, order_id: int) -> Order:
    order = session.get(Order, order_id)
    if order is None:
        raise FollowupError("error.order_not_found", field="order", order=str(order_id))
    return order


def find_order_id(ctx: StoreContext, order_no: str) -> int:
    """Resolve an order number the way a clerk types it: whole (any case) or its
    unique tail (``00301``)."""
    from followup_tui.services.orders.lookup import order_by_number

    with ctx.read() as session:
        return order_by_number(session, order_no).id


def _apply_draft(session: Session, order: Order, draft: OrderDraft, ctx: StoreContext) -> None:
    """Copy the draft onto ``order``. Customers and products are looked up (and created)
    before the order is touched, so the order is flushed once and its version moves by
    exactly one per save."""
    customer = customer_for(session, draft.customer.strip(), ctx)
    products = [
        product_for(session, line.product.strip(), line.spec.strip()) for line in draft.lines
    ]
    order.order_no = draft.order_no.strip()
    order.order_no_rev = reverse_key(order.order_no)
    order.customer_id = customer.id
    order.customer_name = customer.name
    order.customer_po = draft.customer_po.strip()
    order.owner = draft.owner.strip()
    order.priority = draft.priority.value
    order.incoterm = draft.incoterm
    order.payment_terms = draft.payment_terms
    order.packaging = draft.packaging.strip()
    order.labels = draft.labels.strip()
    order.technical = draft.technical.strip()
    order.order_date = draft.order_date
    order.requested_date = draft.requested_date
    order.confirmed_date = draft.confirmed_date
    order.due_date = due_date(draft.confirmed_date, draft.requested_date)
    lead, quantity, unit, amount, currency = summarise_lines(draft.lines)
    order.lead_product = lead
    order.total_quantity = quantity
    order.unit = unit
    order.total_amount = amount
    order.currency = currency
    order.updated_at = ctx.now()
    _replace_lines(order, draft, products)


def _replace_lines(order: Order, draft: OrderDraft, products: Sequence[Product]) -> None:
    """Update lines in place by position, add new ones and drop surplus ones, so the
    change log shows the field that changed rather than a delete and an insert."""
    existing = list(order.lines)
    for index, (line_draft, product) in enumerate(zip(draft.lines, products, strict=True)):
        if index == 0:
            order.lead_product_id = product.id
        line = existing[index] if index < len(existing) else OrderLine(line_no=index + 1)
        line.product_id = product.id
        line.product = product.name
        line.spec = product.spec
        line.quantity = line_draft.quantity
        line.unit = line_draft.unit.strip()
        line.unit_price = line_draft.unit_price
        line.currency = line_draft.currency
        line.requested_date = line_draft.requested_date
        line.confirmed_date = line_draft.confirmed_date
        if index >= len(existing):
            order.lines.append(line)
    for surplus in existing[len(draft.lines) :]:
        order.lines.remove(surplus)


def _refuse_duplicate_number(session: Session, order_no: str, own_id: int | None) -> None:
    clash = session.scalar(select(Order.id).where(Order.order_no == order_no.strip()))
    if clash is not None and clash != own_id:
        raise FollowupError("error.duplicate_order_no", field="order_no", order=order_no)


def create_order(ctx: StoreContext, draft: OrderDraft) -> OrderView:
    """Enter a new order as a draft (or confirmed, when a confirmed date is given)."""
    validate_order(draft)
    with ctx.write() as session:
        _refuse_duplicate_number(session, draft.order_no, None)
        now = ctx.now()
        status = (
            lifecycle.OrderStatus.CONFIRMED if draft.confirmed_date else lifecycle.OrderStatus.DRAFT
        )
        order = Order(status=status.value, status_rank=lifecycle.rank(status), created_at=now)
        _apply_draft(session, order, draft, ctx)
        if status is lifecycle.OrderStatus.CONFIRMED:
            # Imported here: planning reads orders through this module, so a module-level
            # import would make the two import each other.
            from followup_tui.services.timeline.plans import plan_in_session, template_for

            order.template = template_for(session, order)
            session.add(order)
            session.flush()
            plan_in_session(session, ctx, order)
        session.add(order)
        session.flush()
        return order_view(order)


def _current_values(order: Order) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(order, name, None) for name in EDITABLE_FIELDS}
    values["customer"] = order.customer_name
    values["version"] = order.version
    values["lines"] = [line_view(line) for line in order.lines]
    return values


def check_version(order: Order, expected_version: int | None) -> None:
    """Refuse a save based on an older read, handing back the row as it is now."""
    if expected_version is not None and order.version != expected_version:
        raise StaleEditError("order", order.id, _current_values(order))


def edit_order(
    ctx: StoreContext, order_id: int, draft: OrderDraft, expected_version: int
) -> OrderView:
    validate_order(draft)
    with ctx.write() as session:
        order = load_order(session, order_id)
        check_version(order, expected_version)
        if not lifecycle.is_open(lifecycle.OrderStatus(order.status)):
            raise FollowupError("error.order_closed", order=order.order_no, status=order.status)
        _refuse_duplicate_number(session, draft.order_no, order.id)
        _apply_draft(session, order, draft, ctx)
        session.flush()
        return order_view(order)


def draft_from_order(detail: OrderDetail) -> OrderDraft:
    """An editable draft of a stored order, for the edit form and for tests."""
    order = detail.order
    return OrderDraft(
        order_no=order.order_no,
        customer=order.customer,
        owner=order.owner,
        order_date=order.order_date,
        requested_date=order.requested_date,
        confirmed_date=order.confirmed_date,
        priority=Priority(order.priority),
        incoterm=order.incoterm,
        payment_terms=order.payment_terms,
        packaging=order.packaging,
        labels=order.labels,
        technical=order.technical,
        customer_po=order.customer_po,
        lines=[
            LineDraft(
                product=line.product,
                spec=line.spec,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                currency=line.currency,
                requested_date=line.requested_date,
                confirmed_date=line.confirmed_date,
            )
            for line in detail.lines
        ],
    )


def order_changes(session: Session, order_id: int) -> tuple[ChangeView, ...]:
    """Everything the change log says about one order, oldest first: its header, lines,
    notes, shipments, plan, exceptions, documents, waivers and complaints, including
    rows deleted since (the log keeps the order of each row, ``store/audit.py``)."""
    rows = session.scalars(
        select(ChangeLog).where(ChangeLog.order_id == order_id).order_by(ChangeLog.id)
    )
    return tuple(
        ChangeView(
            id=row.id,
            at=row.at,
            actor=row.actor,
            entity=row.entity,
            entity_id=row.entity_id,
            action=row.action,
            diff=json.loads(row.diff),
        )
        for row in rows
    )


def get_order(ctx: StoreContext, order_id: int) -> OrderDetail:
    """Header, lines, notes (newest first) and the whole change history of one order."""
    with ctx.read() as session:
        order = load_order(session, order_id)
        lines = tuple(line_view(line) for line in order.lines)
        notes = session.scalars(
            select(Note)
            .where(Note.order_id == order.id)
            .order_by(Note.created_at.desc(), Note.id.desc())
        ).all()
        note_views = tuple(
            NoteView(id=n.id, kind=n.kind, body=n.body, author=n.author, created_at=n.created_at)
            for n in notes
        )
        return OrderDetail(order_view(order), lines, note_views, order_changes(session, order.id))


def next_order_no(ctx: StoreContext, today: date) -> str:
    """The next free number in this year's ``PO-YYYY-NNNNN`` series."""
    prefix = f"PO-{today.year}-"
    with ctx.read() as session:
        last = session.scalar(
            select(Order.order_no)
            .where(Order.order_no >= prefix, Order.order_no < prefix + "\uffff")
            .order_by(Order.order_no.desc())
            .limit(1)
        )
    serial = 1
    if last is not None:
        tail = last[len(prefix) :]
        serial = int(tail) + 1 if tail.isdigit() else 1
    return f"{prefix}{serial:05d}"
