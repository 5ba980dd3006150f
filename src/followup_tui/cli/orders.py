"""``followup order ...``: enter, list, show and move orders from a shell or a script.

Every command calls the same services as the desk (``services.orders``,
``services.order_flow``, the queue reader), so a script can never do what the desk
would refuse. Typed values are parsed with the domain's parsers, so ``--quantity 1,2x``
is reported as "Line 1 quantity: ..." exactly like the desk's form would.

JSON output (``--json``), stable keys:

``order list``: a list of objects, in queue order::

    order_no, customer, product, quantity (string), unit, due_date (YYYY-MM-DD),
    days_left, slip_days, status, owner

    slip_days is how many business days the order's plan now ends past the promise
    (0 when on time or unplanned); with it the order is at risk whatever days_left says.

    days_left is business days on the desk's calendar (config ``calendar``): the
    working days after today up to and including the due date, negative when late,
    with "today" taken in the desk's time zone. It is null when the calendar has no
    holiday data for a year between today and the due date (the text output shows
    "?" and names the year); it is never a calendar-day guess. It is null too once the
    customer has the goods (delivered, accepted, closed, cancelled): the text output
    shows "—", as the desk does.

``order show``: one object::

    order:   id, order_no, customer, customer_po, owner, status, held_from, priority,
             incoterm, payment_terms, packaging, labels, technical, order_date,
             requested_date, confirmed_date, due_date, product (the lead line's),
             quantity, unit, amount, currency (totals; unit/currency "" when mixed),
             created_at, updated_at (ISO, UTC), version
    lines:   [{id, line_no, product, spec, quantity, unit, unit_price, currency,
              requested_date, confirmed_date}]
    shipments: [{id, order_no, carrier, mode, tracking_no, etd, eta,
              lines: [{line_no, quantity}]}], as ``order ship`` prints them, booked order
    notes:   [{id, kind, body, author, created_at}], newest first
    changes: [{id, at, actor, entity, entity_id, action (insert|update|delete),
              diff: {field: [old, new]}}], oldest first: every change-log row of the
              order (entity order, order_line, note, shipment, shipment_line,
              milestone, milestone_link, exception, document, document_waiver,
              complaint, complaint_pause), raw values, instants in UTC

``order add`` and the moves (confirm, advance, hold, resume, cancel, assign) print the
``order`` object above; ``order note`` prints the note object; ``order ship`` is in
``cli/shipments.py``.

Status values are the lifecycle's names (draft, confirmed, ... see ``domain.lifecycle``),
never translated in JSON; quantities, prices and amounts are decimal strings.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from followup_tui.cli.output import (
    cell,
    console,
    decimal_text,
    fit_limits,
    line_json,
    note_json,
    order_json,
    print_json,
    table,
)
from followup_tui.desk_settings import DeskSettings, Invocation, desk_today, public_store
from followup_tui.domain.errors import FollowupError, Problem
from followup_tui.domain.orders.rules import (
    PRICE_PLACES,
    QUANTITY_PLACES,
    LineDraft,
    days_left,
    one_per_field,
    parse_date,
    parse_decimal,
)
from followup_tui.i18n import t

if TYPE_CHECKING:
    from followup_tui.domain.calendar import BusinessCalendar
    from followup_tui.domain.orders.rules import OrderDraft
    from followup_tui.services.orders.queue import QueueRow
    from followup_tui.services.orders.views import OrderView
    from followup_tui.store.unit_of_work import StoreContext

T = TypeVar("T")
LATE_MARK = "‼"
AT_RISK_MARK = "!"
#: Days left when the calendar has no holiday data for a year they cross.
UNKNOWN_DAYS = "?"
#: Customer and product: the columns that give up width when the terminal is narrow.
FLEXIBLE_COLUMNS = (1, 2)


# --- opening the store ------------------------------------------------------------------


def missing_store(settings: DeskSettings) -> FollowupError:
    return FollowupError("cli.store.missing", store=public_store(settings.location))


def _refuse_outdated(revision: str, head: str) -> None:
    if revision != head:
        # Revisions are named YYYYMMDD_NNNN, so a later name is a newer schema.
        key = "cli.store.newer" if revision > head else "error.store_outdated"
        raise FollowupError(key, revision=revision, head=head)


def open_for_read(settings: DeskSettings) -> StoreContext:
    """A read-only context; a store that does not exist yet is not created by a read."""
    if settings.location.path is not None and not settings.location.path.exists():
        raise missing_store(settings)
    from followup_tui.store import schema

    ctx = settings.open_store(read_only=True)
    revision = schema.current_revision(ctx.engine)
    if revision is None:
        ctx.dispose()
        raise missing_store(settings)
    _refuse_outdated(revision, schema.HEAD_REVISION)
    return ctx


def open_for_write(settings: DeskSettings) -> StoreContext:
    """A writable context; a brand-new store gets its schema first, an old one is refused
    (upgrading is an administrator's decision: ``followup db upgrade`` after a backup)."""
    from followup_tui.store import schema

    ctx = settings.open_store()
    revision = schema.current_revision(ctx.engine)
    if revision is None:
        schema.upgrade(ctx.engine)
    else:
        _refuse_outdated(revision, schema.HEAD_REVISION)
    return ctx


# --- order add --------------------------------------------------------------------------


_STAND_IN_ORDER_NO = "PO-0000-00000"
_STAND_IN_OWNER = "clerk"


class _Problems:
    """Collects every bad value before anything is saved, so the clerk fixes them all in
    one go instead of re-running the command once per typo."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def take(self, parse: Callable[[], T]) -> T | None:
        try:
            return parse()
        except FollowupError as error:
            self.found.extend(error.problems)
            return None

    def require(self, field: str, value: str | None) -> str | None:
        if value is None or not value.strip():
            self.found.append(Problem("error.required", field))
            return None
        return value

    def raise_any(self) -> None:
        """Refuse with every problem found, one per field (see ``one_per_field``)."""
        found = one_per_field(self.found)
        if found:
            first = found[0]
            raise FollowupError(
                first.key, field=first.field, problems=tuple(found), **dict(first.params)
            )


def _line(problems: _Problems, index: int, raw: tuple[str | None, ...]) -> LineDraft:
    """The line as typed; a value that is missing or does not read is a problem, and a
    stand-in lets the order's rules check every other field in the same pass."""
    product, spec, quantity, unit, price, currency = raw
    prefix = f"lines.{index}."
    product = problems.require(prefix + "product", product)
    unit = problems.require(prefix + "unit", unit)
    currency = problems.require(prefix + "currency", currency)
    raw_quantity = problems.require(prefix + "quantity", quantity)
    raw_price = problems.require(prefix + "unit_price", price)
    amount = None
    if raw_quantity is not None:
        amount = problems.take(
            lambda: parse_decimal(raw_quantity, field=prefix + "quantity", places=QUANTITY_PLACES)
        )
    unit_price = None
    if raw_price is not None:
        unit_price = problems.take(
            lambda: parse_decimal(raw_price, field=prefix + "unit_price", places=PRICE_PLACES)
        )
    return LineDraft(
        product=product or "",
        spec=spec or "",
        quantity=Decimal(0) if amount is None else amount,
        unit=unit or "",
        unit_price=Decimal(0) if unit_price is None else unit_price,
        currency=(currency or "").strip().upper(),
    )


def _lines(args: argparse.Namespace, problems: _Problems) -> list[LineDraft]:
    raw_lines: list[tuple[str | None, ...]] = []
    flags = (args.product, args.spec, args.quantity, args.unit, args.price, args.currency)
    if any(value not in (None, "") for value in flags):
        raw_lines.append(flags)
    raw_lines.extend(tuple(parts) for parts in args.lines)
    return [_line(problems, index, raw) for index, raw in enumerate(raw_lines)]


def _optional_date(problems: _Problems, raw: str | None, field: str) -> date | None:
    if raw is None:
        return None
    return problems.take(lambda: parse_date(raw, field=field))


def _draft(
    args: argparse.Namespace,
    lines: list[LineDraft],
    *,
    order_no: str,
    owner: str,
    order_date: date,
    requested: date,
    confirmed: date | None,
) -> OrderDraft:
    from followup_tui.domain.orders.rules import OrderDraft, Priority

    return OrderDraft(
        order_no=order_no,
        customer=args.customer,
        owner=owner,
        order_date=order_date,
        requested_date=requested,
        confirmed_date=confirmed,
        lines=lines,
        priority=Priority(args.priority),
        incoterm=args.incoterm.strip().upper(),
        payment_terms=args.payment_terms.strip().upper(),
        packaging=args.packaging,
        labels=args.labels,
        technical=args.technical,
        customer_po=args.customer_po,
    )


def run_add(run: Invocation) -> int:
    """Add an order; every problem of the command line is reported in one refusal, one
    per field: what does not read (a missing unit, a date that is not a date) and what
    the order's rules refuse (an empty customer, a quantity below 1) alike, before the
    store is opened (a refused command creates nothing)."""
    from followup_tui.domain.orders.rules import order_problems
    from followup_tui.services.orders.entry import create_order, next_order_no

    args = run.args
    settings = run.settings()
    problems = _Problems()
    requested = problems.take(lambda: parse_date(args.requested, field="requested_date"))
    confirmed = _optional_date(problems, args.confirmed, "confirmed_date")
    order_date = _optional_date(problems, args.order_date, "order_date")
    lines = _lines(args, problems)
    # What the store would fill in (the next number, the clerk, today) and what did not
    # read get stand-ins the rules accept, so every other field is checked now.
    checked = _draft(
        args,
        lines,
        order_no=args.order_no or _STAND_IN_ORDER_NO,
        owner=args.owner or _STAND_IN_OWNER,
        order_date=order_date or date.min,
        requested=requested or order_date or date.min,
        confirmed=confirmed,
    )
    problems.found += order_problems(checked)
    problems.raise_any()
    assert requested is not None  # raise_any() raised if it did not parse
    ctx = open_for_write(settings)
    try:
        today = desk_today(settings.config, ctx.now())
        draft = _draft(
            args,
            lines,
            order_no=args.order_no or next_order_no(ctx, today),
            owner=args.owner or ctx.actor,
            order_date=order_date or today,
            requested=requested,
            confirmed=confirmed,
        )
        view = create_order(ctx, draft)
    finally:
        ctx.dispose()
    return _report_order(run, view, "cli.order.created")


# --- order list -------------------------------------------------------------------------


def _days_cell(row: QueueRow, today: date, days: int | None) -> tuple[str, str]:
    """Days left with a mark, so late rows read as late without colour (decisions.md,
    "Every screen"); "?" when the calendar cannot count them; "—" as on the desk once
    the customer has the goods, since nothing is owed any more."""
    from followup_tui.domain.orders.lifecycle import OrderStatus, awaits_delivery
    from followup_tui.domain.orders.rules import Urgency, urgency

    open_order = awaits_delivery(OrderStatus(row.status))
    if not open_order:
        return "—", "dim"
    level = urgency(row.due_date, today, days, open_order=open_order, slip_days=row.slip_days)
    shown = UNKNOWN_DAYS if days is None else str(days)
    if level is Urgency.LATE:
        return f"{LATE_MARK} {shown}", "bold red"
    if level is Urgency.AT_RISK:
        return f"{AT_RISK_MARK} {shown}", "yellow"
    return shown, "dim" if days is None else ""


def _row_json(row: QueueRow, days: int | None) -> dict[str, Any]:
    return {
        "order_no": row.order_no,
        "customer": row.customer,
        "product": row.product,
        "quantity": decimal_text(row.quantity),
        "unit": row.unit,
        "due_date": row.due_date.isoformat(),
        "days_left": days,
        "slip_days": row.slip_days,
        "status": row.status,
        "owner": row.owner,
    }


def _print_rows(
    rows: list[QueueRow],
    days: list[int | None],
    total: int,
    today: date,
    calendar: BusinessCalendar,
) -> None:
    from followup_tui.domain.orders.lifecycle import OrderStatus, awaits_delivery
    from followup_tui.domain.orders.rules import unknown_year_between

    headers = [
        t("field.order_no"),
        t("field.customer"),
        t("field.product"),
        t("field.quantity"),
        t("cli.list.due"),
        t("cli.list.days_left"),
        t("field.status"),
        t("field.owner"),
    ]
    cells = []
    for row, row_days in zip(rows, days, strict=True):
        shown, style = _days_cell(row, today, row_days)
        cells.append(
            [
                cell(row.order_no),
                cell(row.customer),
                cell(row.product),
                cell(f"{decimal_text(row.quantity, grouped=True)} {row.unit}".rstrip()),
                cell(row.due_date.isoformat()),
                cell(shown, style=style),
                cell(t(f"status.{row.status}")),
                cell(row.owner),
            ]
        )
    out = console()
    if rows:
        limits = fit_limits(headers, cells, FLEXIBLE_COLUMNS, out.width)
        right = (3, 5)
        grid = table(
            [(h, "right" if i in right else "left") for i, h in enumerate(headers)],
            limits=limits,
        )
        for row_cells in cells:
            grid.add_row(*row_cells)
        out.print(grid)
    out.print(cell(t("cli.list.shown", shown=len(rows), total=total)))
    uncounted = [
        row.due_date
        for row, row_days in zip(rows, days, strict=True)
        if row_days is None and awaits_delivery(OrderStatus(row.status))
    ]
    if uncounted:
        # Say why some rows read "?", naming the year an administrator has to add.
        year = unknown_year_between(today, max(uncounted), calendar)
        out.print(cell(t("queue.calendar_unknown_year", calendar=calendar.name, year=year)))


def run_list(run: Invocation) -> int:
    from followup_tui.domain.orders.lifecycle import OrderStatus, awaits_delivery
    from followup_tui.services.orders.queue import OrderWindow, QueueQuery, StoreState, store_state
    from followup_tui.store.identity import os_account
    from followup_tui.store.schema import HEAD_REVISION
    from followup_tui.store.window_reader import WindowReader

    args = run.args
    settings = run.settings()
    if settings.location.path is not None and not settings.location.path.exists():
        raise missing_store(settings)
    reader = WindowReader(settings.location, read_only=True)
    try:
        state = store_state(reader, HEAD_REVISION)
        if state is StoreState.MISSING:
            raise missing_store(settings)
        if state is StoreState.OUTDATED:
            revision = str(reader.scalar("SELECT version_num FROM alembic_version"))
            _refuse_outdated(revision, HEAD_REVISION)
        owner = os_account() if args.owner == "me" else (args.owner or None)
        query = QueueQuery(
            text=args.filter,
            status=args.status,
            owner=owner,
            sort=args.sort,
            descending=args.desc,
        )
        window = OrderWindow(reader, query)
        rows = window.head(args.limit)
        total = window.exact_count() if not run.json else len(rows)
    finally:
        reader.close()
    today = desk_today(settings.config)
    calendar = settings.calendar
    days = [
        days_left(row.due_date, today, calendar)
        if awaits_delivery(OrderStatus(row.status))
        else None
        for row in rows
    ]
    if run.json:
        print_json([_row_json(row, row_days) for row, row_days in zip(rows, days, strict=True)])
    else:
        _print_rows(rows, days, total, today, calendar)
    return 0


# --- order show -------------------------------------------------------------------------


def run_show(run: Invocation) -> int:
    from followup_tui.cli.output import change_json, print_detail
    from followup_tui.cli.shipments import shipment_json
    from followup_tui.services.orders.entry import find_order_id, get_order
    from followup_tui.services.timeline.events import list_shipments

    settings = run.settings()
    ctx = open_for_read(settings)
    try:
        detail = get_order(ctx, find_order_id(ctx, run.args.order_no))
        shipments = list_shipments(ctx, detail.order.id)
    finally:
        ctx.dispose()
    if run.json:
        order_no = detail.order.order_no
        print_json(
            {
                "order": order_json(detail.order),
                "lines": [line_json(line) for line in detail.lines],
                "shipments": [shipment_json(view, order_no) for view in shipments],
                "notes": [note_json(note) for note in detail.notes],
                "changes": [change_json(change) for change in detail.changes],
            }
        )
    else:
        print_detail(detail, settings.config.timezone, shipments)
    return 0


# --- moves ------------------------------------------------------------------------------


def _report_order(run: Invocation, view: OrderView, key: str) -> int:
    if run.json:
        print_json(order_json(view))
    else:
        message = t(key, order=view.order_no, status=t(f"status.{view.status}"), owner=view.owner)
        console().print(cell(message))
    return 0


def _move(run: Invocation, action: Callable[[StoreContext, int], OrderView], key: str) -> int:
    from followup_tui.services.orders.entry import find_order_id

    ctx = open_for_write(run.settings())
    try:
        view = action(ctx, find_order_id(ctx, run.args.order_no))
    finally:
        ctx.dispose()
    return _report_order(run, view, key)


def run_confirm(run: Invocation) -> int:
    from followup_tui.services.orders.flow import confirm_order

    raw = run.args.date
    promised = parse_date(raw, field="confirmed_date") if raw is not None else None
    template = run.args.template  # None: the one the customer's country suggests
    estimated: list[int] = []

    def confirm(ctx: StoreContext, order: int) -> OrderView:
        from followup_tui.services.timeline.read import order_timeline

        view = confirm_order(ctx, order, promised, template=template)
        note = order_timeline(ctx, order).calendar_note
        if note is not None:
            estimated.append(note)
        return view

    code = _move(run, confirm, "cli.order.moved")
    if estimated and not run.json:
        # The plan rests on a year without holidays: say so where the clerk confirmed it.
        years = ", ".join(map(str, sorted(set(estimated))))
        console().print(cell(t("timeline.calendar_unknown", years=years)))
    return code


def run_advance(run: Invocation) -> int:
    from followup_tui.domain.orders.lifecycle import parse_status
    from followup_tui.services.orders.flow import advance_order

    raw = run.args.to
    target = parse_status(raw, field="status") if raw is not None else None
    return _move(run, lambda ctx, order: advance_order(ctx, order, target), "cli.order.moved")


def run_hold(run: Invocation) -> int:
    from followup_tui.services.orders.flow import hold_order

    reason = run.args.reason
    return _move(run, lambda ctx, order: hold_order(ctx, order, reason), "cli.order.moved")


def run_resume(run: Invocation) -> int:
    from followup_tui.services.orders.flow import resume_order

    return _move(run, resume_order, "cli.order.moved")


def run_cancel(run: Invocation) -> int:
    from followup_tui.services.orders.flow import cancel_order

    reason = run.args.reason
    return _move(run, lambda ctx, order: cancel_order(ctx, order, reason), "cli.order.moved")


def run_assign(run: Invocation) -> int:
    from followup_tui.services.orders.flow import assign_owner

    owner = run.args.owner
    return _move(run, lambda ctx, order: assign_owner(ctx, order, owner), "cli.order.assigned")


def run_note(run: Invocation) -> int:
    from followup_tui.services.orders.entry import find_order_id
    from followup_tui.services.orders.flow import add_note

    args = run.args
    ctx = open_for_write(run.settings())
    try:
        note = add_note(ctx, find_order_id(ctx, args.order_no), args.text, args.kind)
    finally:
        ctx.dispose()
    if run.json:
        print_json(note_json(note))
    else:
        kind = t(f"note_kind.{note.kind}")
        console().print(cell(t("cli.order.noted", order=args.order_no, kind=kind)))
    return 0
