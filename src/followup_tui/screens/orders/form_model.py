"""The order form's data, apart from its widgets: field values in, an ``OrderDraft`` out.

Parsing a typed number or date and validating the draft both collect problems per
field, so the form can show every one of them next to its input in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from followup_tui.domain.errors import FollowupError, Problem
from followup_tui.domain.orders.rules import (
    PRICE_PLACES,
    QUANTITY_PLACES,
    LineDraft,
    OrderDraft,
    Priority,
    one_per_field,
    order_problems,
    parse_date,
    parse_decimal,
)
from followup_tui.services.orders.views import LineView, OrderDetail

HEADER_FIELDS: tuple[str, ...] = (
    "order_no",
    "customer",
    "customer_po",
    "owner",
    "order_date",
    "requested_date",
    "confirmed_date",
    "incoterm",
    "payment_terms",
    "priority",
    "packaging",
    "labels",
    "technical",
)
LINE_FIELDS: tuple[str, ...] = ("product", "spec", "quantity", "unit", "unit_price", "currency")
DATE_FIELDS = frozenset({"order_date", "requested_date", "confirmed_date"})
#: Carried with a stored line but not shown: a line's own dates (partial shipments)
#: survive an edit of the order's header.
LINE_DATE_FIELDS: tuple[str, ...] = ("requested_date", "confirmed_date")


@dataclass(frozen=True)
class FormValues:
    header: dict[str, str]
    lines: list[dict[str, str]]


def values_from_detail(detail: OrderDetail) -> FormValues:
    order = detail.order
    header = {
        "order_no": order.order_no,
        "customer": order.customer,
        "customer_po": order.customer_po,
        "owner": order.owner,
        "order_date": order.order_date.isoformat(),
        "requested_date": order.requested_date.isoformat(),
        "confirmed_date": order.confirmed_date.isoformat() if order.confirmed_date else "",
        "incoterm": order.incoterm,
        "payment_terms": order.payment_terms,
        "priority": order.priority,
        "packaging": order.packaging,
        "labels": order.labels,
        "technical": order.technical,
    }
    lines = [_line_values(line) for line in detail.lines]
    return FormValues(header, lines)


def _line_values(line: LineView) -> dict[str, str]:
    """A stored line as the form holds it, with its own dates carried along unseen."""
    values = {
        "product": line.product,
        "spec": line.spec,
        "quantity": f"{line.quantity.normalize():f}",
        "unit": line.unit,
        "unit_price": f"{line.unit_price.normalize():f}",
        "currency": line.currency,
    }
    for name in LINE_DATE_FIELDS:
        moment = getattr(line, name)
        values[name] = moment.isoformat() if moment else ""
    return values


def blank_values(order_no: str, owner: str, today: date) -> FormValues:
    header = dict.fromkeys(HEADER_FIELDS, "")
    header.update(
        order_no=order_no,
        owner=owner,
        order_date=today.isoformat(),
        incoterm="FOB",
        payment_terms="T/T",
        priority="normal",
    )
    line = dict.fromkeys(LINE_FIELDS, "")
    line.update(unit="pcs", currency="CNY")
    return FormValues(header, [line])


def _date(raw: str, field: str, problems: list[Problem], *, optional: bool) -> date | None:
    if not raw.strip():
        if not optional:
            problems.append(Problem("error.required", field))
        return None
    try:
        return parse_date(raw, field=field)
    except FollowupError as error:
        problems.extend(error.problems)
        return None


def _decimal(raw: str, field: str, places: int, problems: list[Problem]) -> Decimal:
    if not raw.strip():
        problems.append(Problem("error.required", field))
        return Decimal(0)
    try:
        return parse_decimal(raw, field=field, places=places)
    except FollowupError as error:
        problems.extend(error.problems)
        return Decimal(0)


def build_draft(values: FormValues) -> tuple[OrderDraft | None, list[Problem]]:
    """The draft, or None with every problem found (parse and validation alike)."""
    problems: list[Problem] = []
    head = values.header
    order_date = _date(head["order_date"], "order_date", problems, optional=False)
    requested = _date(head["requested_date"], "requested_date", problems, optional=False)
    confirmed = _date(head["confirmed_date"], "confirmed_date", problems, optional=True)
    lines: list[LineDraft] = []
    for index, line in enumerate(values.lines):
        prefix = f"lines.{index}."
        if not any(value.strip() for key, value in line.items() if key not in ("unit", "currency")):
            continue  # an untouched blank line is not an error
        lines.append(
            LineDraft(
                product=line["product"],
                spec=line["spec"],
                quantity=_decimal(line["quantity"], prefix + "quantity", QUANTITY_PLACES, problems),
                unit=line["unit"],
                unit_price=_decimal(
                    line["unit_price"], prefix + "unit_price", PRICE_PLACES, problems
                ),
                currency=line["currency"].strip().upper(),
                # A stored line keeps its own dates; a new line takes the header's.
                requested_date=_date(
                    line.get("requested_date", ""),
                    prefix + "requested_date",
                    problems,
                    optional=True,
                ),
                confirmed_date=(
                    _date(
                        line["confirmed_date"], prefix + "confirmed_date", problems, optional=True
                    )
                    if "confirmed_date" in line
                    else confirmed
                ),
            )
        )
    try:
        priority = Priority(head["priority"] or "normal")
    except ValueError:
        priority = Priority.NORMAL
    draft = OrderDraft(
        order_no=head["order_no"],
        customer=head["customer"],
        owner=head["owner"],
        # A missing or unreadable date is already a problem; stand-ins that can never
        # be "too early" let every other field be checked in the same pass.
        order_date=order_date or date.min,
        requested_date=requested or order_date or date.min,
        confirmed_date=confirmed,
        priority=priority,
        incoterm=head["incoterm"],
        payment_terms=head["payment_terms"],
        packaging=head["packaging"],
        labels=head["labels"],
        technical=head["technical"],
        customer_po=head["customer_po"],
        lines=lines,
    )
    problems = one_per_field(problems + order_problems(draft))
    return (None if problems else draft), problems


def conflicting_fields(mine: FormValues, theirs: dict[str, object]) -> list[tuple[str, str, str]]:
    """(field, my value, their value) for every field where the two saves disagree."""
    current = theirs_as_values(theirs)
    found = [
        (name, mine.header.get(name, ""), current.header.get(name, ""))
        for name in HEADER_FIELDS
        if mine.header.get(name, "").strip() != current.header.get(name, "").strip()
    ]
    mine_lines, their_lines = _lines_text(mine.lines), _lines_text(current.lines)
    if mine_lines != their_lines:
        found.append(("lines", mine_lines, their_lines))
    return found


def _lines_text(lines: list[dict[str, str]]) -> str:
    return " / ".join(
        f"{line['product']} {line['spec']} × {line['quantity']} {line['unit']} @ "
        f"{line['unit_price']} {line['currency']}".strip()
        for line in lines
        if line.get("product")
    )


def theirs_as_values(theirs: dict[str, object]) -> FormValues:
    header: dict[str, str] = {}
    for name in HEADER_FIELDS:
        value = theirs.get(name)
        header[name] = (
            "" if value is None else (value.isoformat() if isinstance(value, date) else str(value))
        )
    raw_lines = theirs.get("lines")
    lines = [_line_values(line) for line in raw_lines] if isinstance(raw_lines, list) else []
    return FormValues(header, lines)


def untouched_fields(mine: FormValues, opened: FormValues) -> set[str]:
    """Fields the clerk left as they were when the form opened: in a conflict these
    default to the other save's value, so accepting never reverts someone's change to a
    field this clerk did not touch."""
    same = {
        name
        for name in HEADER_FIELDS
        if mine.header.get(name, "").strip() == opened.header.get(name, "").strip()
    }
    if _lines_text(mine.lines) == _lines_text(opened.lines):
        same.add("lines")
    return same


def _filled_lines(lines: list[dict[str, str]]) -> list[dict[str, str]]:
    """The lines as the clerk sees them, without blank ones (a unit and currency of
    their own are defaults, not typing)."""
    return [
        {name: line.get(name, "").strip() for name in LINE_FIELDS}
        for line in lines
        if any(line.get(name, "").strip() for name in LINE_FIELDS if name not in _DEFAULTED)
    ]


_DEFAULTED = frozenset({"unit", "currency"})


def typed_since(opened: FormValues, now: FormValues) -> bool:
    """Whether the clerk changed anything since the form opened: leaving then asks."""
    header_changed = any(
        now.header.get(name, "").strip() != opened.header.get(name, "").strip()
        for name in HEADER_FIELDS
    )
    return header_changed or _filled_lines(now.lines) != _filled_lines(opened.lines)


def merge(mine: FormValues, theirs: dict[str, object], take_theirs: set[str]) -> FormValues:
    """My values, with the fields the clerk chose taken from the other save."""
    current = theirs_as_values(theirs)
    header = dict(mine.header)
    for name in take_theirs & set(HEADER_FIELDS):
        header[name] = current.header[name]
    lines = current.lines if "lines" in take_theirs else mine.lines
    return FormValues(header, [dict(line) for line in lines])
