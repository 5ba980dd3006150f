"""What happens to a plan from outside: exceptions, their contingency plans, shipments.

Recording an exception with an impact shifts the milestone it hits by that many
business days in the same unit of work, so the ripple, the at-risk flag and the
customer notice follow from one keystroke. Applying a contingency plan turns its
prepared actions into follow-up notes with due dates counted on the desk's calendar.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from followup_tui.domain.data_files import company_copy
from followup_tui.domain.errors import FollowupError, Problem
from followup_tui.domain.orders.rules import NoteKind, parse_decimal
from followup_tui.domain.text import clean_text, require_text
from followup_tui.domain.timeline.contingency import (
    CONTINGENCY_FILE,
    ContingencyLibrary,
    follow_up_actions,
    load_contingency,
)
from followup_tui.domain.timeline.disruptions import (
    ExceptionDraft,
    ExceptionStatus,
    validate_exception,
)
from followup_tui.services.orders.entry import load_order
from followup_tui.services.orders.views import NoteView
from followup_tui.services.timeline.plans import shift
from followup_tui.services.timeline.views import ExceptionView, ShiftResult, ShipmentView
from followup_tui.store.models import (
    Milestone,
    Note,
    OrderException,
    OrderLine,
    Shipment,
    ShipmentLine,
)
from followup_tui.store.unit_of_work import StoreContext

SHIP_MODES: tuple[str, ...] = ("sea", "air", "rail", "truck", "express")


def exception_view(row: OrderException, milestone_key: str | None) -> ExceptionView:
    return ExceptionView(
        id=row.id,
        order_id=row.order_id,
        milestone_id=row.milestone_id,
        milestone_key=milestone_key,
        kind=row.kind,
        cause=row.cause,
        party=row.party,
        impact_days=row.impact_days,
        status=row.status,
        recorded_at=row.recorded_on,
        version=row.version,
    )


def _milestone_for(session: Session, order_id: int, key: str | None) -> Milestone | None:
    if key is None:
        return None
    row = session.scalar(
        select(Milestone).where(Milestone.order_id == order_id, Milestone.key == key)
    )
    if row is None:
        raise FollowupError("error.milestone_unknown_key", field="milestone", milestone=key)
    return row


def record_exception(
    ctx: StoreContext, order_id: int, draft: ExceptionDraft, *, apply_impact: bool = True
) -> tuple[ExceptionView, ShiftResult | None]:
    """Record an exception; with an impact, push the milestone it hits by that much.

    The exception and the shift are separate units of work, so a refused shift (a done
    milestone, say) still leaves the exception on record; the refusal is raised after.
    """
    clean = validate_exception(draft)
    with ctx.write() as session:
        order = load_order(session, order_id)
        milestone = _milestone_for(session, order.id, clean.milestone_key)
        row = OrderException(
            order_id=order.id,
            milestone_id=milestone.id if milestone else None,
            kind=clean.kind.value,
            cause=clean.cause,
            party=clean.party,
            impact_days=clean.impact_days,
            status=ExceptionStatus.OPEN.value,
            recorded_on=ctx.today(),
            recorded_at=ctx.now(),
        )
        session.add(row)
        session.flush()
        view = exception_view(row, milestone.key if milestone else None)
        milestone_id = milestone.id if milestone else None
        movable = milestone is not None and milestone.actual_end is None
    result = None
    if apply_impact and clean.impact_days > 0 and milestone_id is not None and movable:
        result = shift(ctx, milestone_id, by_days=clean.impact_days)
    return view, result


def resolve_exception(ctx: StoreContext, exception_id: int) -> ExceptionView:
    with ctx.write() as session:
        row = session.get(OrderException, exception_id)
        if row is None:
            raise FollowupError("error.exception_not_found", field="exception", id=exception_id)
        row.status = ExceptionStatus.RESOLVED.value
        session.flush()
        key = session.scalar(select(Milestone.key).where(Milestone.id == row.milestone_id))
        return exception_view(row, key)


def list_exceptions(ctx: StoreContext, order_id: int) -> tuple[ExceptionView, ...]:
    with ctx.read() as session:
        rows = session.execute(
            select(OrderException, Milestone.key)
            .outerjoin(Milestone, Milestone.id == OrderException.milestone_id)
            .where(OrderException.order_id == order_id)
            .order_by(OrderException.id)
        ).all()
        return tuple(exception_view(row, key) for row, key in rows)


def company_contingency(folder: Path | None) -> ContingencyLibrary:
    """The company's contingency library when ``folder`` (the company folder) holds a
    copy, else the shipped one. Read each time an exception is recorded, so an edited
    library is offered at once."""
    return load_contingency(company_copy(folder, CONTINGENCY_FILE))


def apply_contingency(
    ctx: StoreContext,
    exception_id: int,
    scenario_key: str,
    library: ContingencyLibrary,
    language: str,
) -> tuple[NoteView, ...]:
    """Add the scenario's prepared actions to the order as follow-up notes with due dates."""
    with ctx.write() as session:
        row = session.get(OrderException, exception_id)
        if row is None:
            raise FollowupError("error.exception_not_found", field="exception", id=exception_id)
        scenarios = {s.key: s for s in library.for_kind(row.kind)}
        scenario = scenarios.get(scenario_key)
        if scenario is None:
            raise FollowupError(
                "error.scenario_unknown", field="scenario", scenario=scenario_key, kind=row.kind
            )
        row.scenario = scenario.key
        notes: list[Note] = []
        for body, due, _party in follow_up_actions(scenario, ctx.today(), ctx.calendar, language):
            note = Note(
                order_id=row.order_id,
                kind=NoteKind.INTERNAL.value,
                body=body,
                author=ctx.actor,
                created_at=ctx.now(),
                due_on=due,
            )
            session.add(note)
            notes.append(note)
        session.flush()
        return tuple(NoteView(n.id, n.kind, n.body, n.author, n.created_at) for n in notes)


def _shipped_so_far(session: Session, order_id: int) -> dict[int, Decimal]:
    rows = session.execute(
        select(ShipmentLine.order_line_id, func.sum(ShipmentLine.quantity))
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .where(Shipment.order_id == order_id)
        .group_by(ShipmentLine.order_line_id)
    ).all()
    return {line_id: Decimal(total or 0) for line_id, total in rows}


def add_shipment(
    ctx: StoreContext,
    order_id: int,
    *,
    carrier: str,
    mode: str,
    tracking_no: str = "",
    etd: date | None = None,
    eta: date | None = None,
    lines: Mapping[int, str] | None = None,
) -> ShipmentView:
    """Book a shipment of some (or all) lines; more than is left to ship is refused."""
    problems: list[Problem] = []
    carrier_text = require_text(carrier, field="carrier", max_length=120)
    tracking = clean_text(tracking_no, field="tracking_no", max_length=60)
    if mode not in SHIP_MODES:
        problems.append(
            Problem(
                "error.ship_mode_unknown", "mode", {"mode": mode, "known": ", ".join(SHIP_MODES)}
            )
        )
    if etd is not None and eta is not None and eta < etd:
        problems.append(Problem("error.eta_before_etd", "eta", {"etd": etd, "eta": eta}))
    if problems:
        raise FollowupError(problems[0].key, field=problems[0].field, problems=tuple(problems))
    with ctx.write() as session:
        order = load_order(session, order_id)
        by_no = {line.line_no: line for line in order.lines}
        shipped = _shipped_so_far(session, order.id)
        wanted = (
            lines
            if lines is not None
            else {
                no: str(line.quantity - shipped.get(line.id, Decimal(0)))
                for no, line in by_no.items()
            }
        )
        row = Shipment(
            order_id=order.id,
            carrier=carrier_text,
            mode=mode,
            tracking_no=tracking,
            etd=etd,
            eta=eta,
        )
        for line_no, quantity_text in sorted(wanted.items()):
            _add_line(row, by_no, shipped, line_no, quantity_text)
        if not row.lines:
            raise FollowupError("error.shipment_empty", field="lines")
        session.add(row)
        session.flush()
        return shipment_view(row, {line.id: line.line_no for line in order.lines})


def _add_line(
    shipment: Shipment,
    by_no: Mapping[int, OrderLine],
    shipped: Mapping[int, Decimal],
    line_no: int,
    quantity_text: str,
) -> None:
    field = f"lines[{line_no}]"
    line = by_no.get(line_no)
    if line is None:
        raise FollowupError("error.shipment_line_unknown", field=field, line=line_no)
    quantity = parse_decimal(quantity_text, field=field, places=3)
    left = line.quantity - shipped.get(line.id, Decimal(0))
    if quantity <= 0 and left > 0:
        raise FollowupError(
            "error.shipment_quantity", field=field, line=line_no, left=_quantity(left)
        )
    if quantity > left:
        raise FollowupError(
            "error.shipment_too_much", field=field, line=line_no, left=_quantity(left)
        )
    if quantity > 0:
        shipment.lines.append(ShipmentLine(order_line_id=line.id, quantity=quantity))


def shipment_view(row: Shipment, line_numbers: Mapping[int, int]) -> ShipmentView:
    return ShipmentView(
        id=row.id,
        order_id=row.order_id,
        carrier=row.carrier,
        mode=row.mode,
        tracking_no=row.tracking_no,
        etd=row.etd,
        eta=row.eta,
        lines=tuple(
            (line_numbers[line.order_line_id], format(line.quantity.normalize(), "f"))
            for line in row.lines
        ),
        version=row.version,
    )


def list_shipments(ctx: StoreContext, order_id: int) -> tuple[ShipmentView, ...]:
    with ctx.read() as session:
        order = load_order(session, order_id)
        numbers = {line.id: line.line_no for line in order.lines}
        rows = session.scalars(
            select(Shipment).where(Shipment.order_id == order_id).order_by(Shipment.id)
        ).all()
        return tuple(shipment_view(row, numbers) for row in rows)


def _quantity(value: Decimal) -> str:
    """1,200.000 stored as 1200 in a message: no trailing zeros, no exponent."""
    return format(value.normalize(), "f")
