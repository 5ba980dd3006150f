"""What makes an order valid, and how its dates read to a clerk.

Validation collects every problem at once, each naming its field, so the form can mark
all of them in one pass instead of making the clerk fix one error at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from followup_tui.domain.calendar import BusinessCalendar, CalendarYearUnknown
from followup_tui.domain.errors import FollowupError, Problem
from followup_tui.domain.text import find_control_character

CURRENCIES: frozenset[str] = frozenset(
    {"CNY", "USD", "EUR", "HKD", "JPY", "GBP", "KRW", "AUD", "CAD", "SGD", "CHF", "TWD"}
)
INCOTERMS: tuple[str, ...] = (
    "EXW",
    "FCA",
    "FAS",
    "FOB",
    "CFR",
    "CIF",
    "CPT",
    "CIP",
    "DAP",
    "DPU",
    "DDP",
)
PAYMENT_TERMS: tuple[str, ...] = ("T/T", "L/C", "D/P", "D/A", "O/A", "CAD")
UNITS: tuple[str, ...] = ("pcs", "set", "kg", "m", "box", "carton", "roll", "pair", "t")
QUANTITY_PLACES = 3
PRICE_PLACES = 4
ORDER_NO_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{1,39}$")


class Priority(StrEnum):
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class NoteKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    VISIT = "visit"
    INTERNAL = "internal"


@dataclass(frozen=True)
class LineDraft:
    product: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    currency: str
    spec: str = ""
    requested_date: date | None = None
    confirmed_date: date | None = None


@dataclass(frozen=True)
class OrderDraft:
    """An order as a clerk enters it, before it has an id."""

    order_no: str
    customer: str
    owner: str
    order_date: date
    requested_date: date
    lines: Sequence[LineDraft]
    confirmed_date: date | None = None
    priority: Priority = Priority.NORMAL
    incoterm: str = "FOB"
    payment_terms: str = "T/T"
    packaging: str = ""
    labels: str = ""
    technical: str = ""
    customer_po: str = ""


def parse_decimal(raw: str, *, field: str, places: int) -> Decimal:
    """Parse a typed number (with thousands separators) or say which field is wrong."""
    text = raw.strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise FollowupError("error.not_a_number", field=field, value=raw) from None
    if not value.is_finite():
        raise FollowupError("error.not_a_number", field=field, value=raw)
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise FollowupError("error.too_many_places", field=field, places=places)
    return value


def parse_date(raw: str, *, field: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise FollowupError("error.not_a_date", field=field, value=raw) from None


def _text_problems(name: str, value: str, *, required: bool, limit: int) -> list[Problem]:
    if find_control_character(value) is not None:
        return [Problem("error.control_character_short", name)]
    if required and not value.strip():
        return [Problem("error.required", name)]
    if len(value.strip()) > limit:
        return [Problem("error.too_long", name, {"limit": limit})]
    return []


def line_problems(index: int, line: LineDraft, order_date: date) -> list[Problem]:
    prefix = f"lines.{index}."
    found = _text_problems(prefix + "product", line.product, required=True, limit=120)
    found += _text_problems(prefix + "spec", line.spec, required=False, limit=200)
    if line.quantity <= 0:
        found.append(Problem("error.quantity_positive", prefix + "quantity"))
    if line.unit_price < 0:
        found.append(Problem("error.price_negative", prefix + "unit_price"))
    if line.currency not in CURRENCIES:
        found.append(
            Problem(
                "error.unknown_currency",
                prefix + "currency",
                {"value": line.currency, "allowed": ", ".join(sorted(CURRENCIES))},
            )
        )
    found += _text_problems(prefix + "unit", line.unit, required=True, limit=12)
    if line.confirmed_date is not None and line.confirmed_date < order_date:
        found.append(Problem("error.confirmed_before_order", prefix + "confirmed_date"))
    return found


def order_problems(draft: OrderDraft) -> list[Problem]:
    """Every reason ``draft`` cannot be saved, each naming its field."""
    found: list[Problem] = []
    if not ORDER_NO_PATTERN.match(draft.order_no.strip()):
        found.append(Problem("error.order_no_form", "order_no", {"value": draft.order_no}))
    found += _text_problems("customer", draft.customer, required=True, limit=120)
    found += _text_problems("owner", draft.owner, required=True, limit=60)
    found += _text_problems("customer_po", draft.customer_po, required=False, limit=60)
    for name, value in (
        ("packaging", draft.packaging),
        ("labels", draft.labels),
        ("technical", draft.technical),
    ):
        found += _text_problems(name, value.replace("\n", " "), required=False, limit=2000)
    if draft.incoterm not in INCOTERMS:
        found.append(
            Problem(
                "error.unknown_incoterm",
                "incoterm",
                {"value": draft.incoterm, "allowed": ", ".join(INCOTERMS)},
            )
        )
    if draft.payment_terms not in PAYMENT_TERMS:
        found.append(
            Problem(
                "error.unknown_payment_terms",
                "payment_terms",
                {"value": draft.payment_terms, "allowed": ", ".join(PAYMENT_TERMS)},
            )
        )
    if draft.requested_date < draft.order_date:
        found.append(Problem("error.requested_before_order", "requested_date"))
    if draft.confirmed_date is not None and draft.confirmed_date < draft.order_date:
        found.append(Problem("error.confirmed_before_order", "confirmed_date"))
    if not draft.lines:
        found.append(Problem("error.no_lines", "lines"))
    for index, line in enumerate(draft.lines):
        found += line_problems(index, line, draft.order_date)
    return found


def one_per_field(problems: Iterable[Problem]) -> list[Problem]:
    """The first problem of each field, and every one that names no field.

    Reading comes before the rules: a quantity left empty is "required", and the rule
    that the quantity be above 0 then sees a stand-in, so the clerk is told once what
    is wrong with the field, not twice.
    """
    seen: set[str] = set()
    kept: list[Problem] = []
    for problem in problems:
        if problem.field is not None:
            if problem.field in seen:
                continue
            seen.add(problem.field)
        kept.append(problem)
    return kept


def validate_order(draft: OrderDraft) -> None:
    """Raise one error carrying every problem, or return quietly."""
    problems = order_problems(draft)
    if problems:
        first = problems[0]
        raise FollowupError(
            first.key, field=first.field, problems=tuple(problems), **dict(first.params)
        )


def due_date(confirmed: date | None, requested: date) -> date:
    """The date the clerk is held to: what we promised, else what the customer asked."""
    return confirmed if confirmed is not None else requested


def days_left(due: date, today: date, calendar: BusinessCalendar) -> int | None:
    """Business days from ``today`` to ``due``: the working days in (today, due], negative
    when late; None when the calendar has no holiday data for a year in between.

    Clerks promise and chase in working days, so a Friday with the order due on Monday
    reads 1, not 3, and the National Day week does not count as a week of production.
    An unknown year is None rather than a guess, because counting an unannounced year as
    plain weekdays would put deadlines on holidays without anyone noticing. (An order due
    on a Saturday reads 0 on the Sunday after: late by date, no working day lost yet.)
    """
    try:
        return calendar.business_days_between(today, due)
    except CalendarYearUnknown:
        return None


def unknown_year_between(a: date, b: date, calendar: BusinessCalendar) -> int | None:
    """The first year from ``a`` to ``b`` (either order) the calendar has no data for;
    the year to name when ``days_left`` came back None."""
    first, last = min(a, b), max(a, b)
    for year in range(first.year, last.year + 1):
        if not calendar.knows(date(year, 1, 1)):
            return year
    return None


class Urgency(StrEnum):
    LATE = "late"
    AT_RISK = "at_risk"
    ON_TRACK = "on_track"
    UNKNOWN = "unknown"  # the calendar cannot say how many working days are left
    DONE = "done"


#: An open order due within this many business days is at risk.
AT_RISK_DAYS = 3


def at_risk_limit(today: date, calendar: BusinessCalendar) -> date | None:
    """The last due date that is at risk: the day before the (AT_RISK_DAYS + 1)th working
    day after ``today``; None when the calendar does not know a year on the way.

    Defined this way (rather than as the third working day itself) so that "due on or
    before the limit" means exactly "``days_left`` is at most AT_RISK_DAYS": an order due
    on the Saturday after the third working day has three business days left, and the
    header's count and the row's mark must agree about it.
    """
    try:
        fourth = calendar.add_business_days(today, AT_RISK_DAYS + 1)
    except CalendarYearUnknown:
        return None
    return fourth - timedelta(days=1)


def urgency(
    due: date, today: date, days: int | None, *, open_order: bool, slip_days: int = 0
) -> Urgency:
    """How pressing an order is; ``days`` is ``days_left(due, today, calendar)``.

    The one definition of late and at risk, for the queue's marks, the header's counts,
    the timeline and the reports: late when the promise (``due``) has passed
    undelivered; at risk when not late and either its plan's projected finish lies
    ``slip_days`` business days past the promise, or it is due within AT_RISK_DAYS.

    ``open_order`` means it still owes a delivery (``lifecycle.awaits_delivery``): a
    delivered order is never late. Late is a fact of dates (due before today), so it
    needs no calendar; at risk is at most AT_RISK_DAYS business days left. When the
    calendar cannot count (``days`` None) an order due within AT_RISK_DAYS calendar days
    is still at risk, because business days never outnumber calendar days; anything
    later is UNKNOWN. The caller passes ``days`` because it has them already (the cell
    shows them), and counting them is the only part that walks the calendar.
    """
    if not open_order:
        return Urgency.DONE
    if due < today:
        return Urgency.LATE
    if slip_days > 0:
        return Urgency.AT_RISK
    if days is None:
        return Urgency.AT_RISK if (due - today).days <= AT_RISK_DAYS else Urgency.UNKNOWN
    return Urgency.AT_RISK if days <= AT_RISK_DAYS else Urgency.ON_TRACK


def summarise_lines(lines: Sequence[LineDraft]) -> tuple[str, Decimal, str, Decimal, str]:
    """Lead product, total quantity, unit ('' when mixed), amount, currency ('' when mixed).

    The queue shows one line per order; these denormalised figures let it sort and page
    by an index instead of joining the lines of a million orders.
    """
    lead = lines[0].product if lines else ""
    units = {line.unit for line in lines}
    currencies = {line.currency for line in lines}
    quantity = sum((line.quantity for line in lines), Decimal(0))
    amount = sum((line.quantity * line.unit_price for line in lines), Decimal(0))
    return (
        lead,
        quantity,
        units.pop() if len(units) == 1 else "",
        amount,
        currencies.pop() if len(currencies) == 1 else "",
    )
