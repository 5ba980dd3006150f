"""Printing for people (Rich tables) and for scripts (JSON), and nothing in between.

Two rules shape everything here. JSON is a contract: keys are fixed and documented where
the command lives, dates are ISO strings, decimals are strings (a float would turn a
quantity of 0.1 into 0.1000000000000000055), text is UTF-8 without ``\\u`` escapes so a
script in Shanghai can grep for 华强. Text is for a terminal: every value a clerk typed is
wrapped in ``rich.text.Text`` so ``[bold]`` or ``[/]`` in a customer name prints as typed
instead of being parsed as markup (decisions.md, "Hard-won rules"), and control characters are shown
as escapes, because an ESC from an imported ERP row must never reach the terminal.

Rich is imported inside the functions that draw, so importing this module for
``printable`` (the error path of ``main``) stays cheap.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TextIO

from followup_tui.domain.text import find_control_character
from followup_tui.i18n import t

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from followup_tui.services.orders.views import (
        ChangeView,
        LineView,
        NoteView,
        OrderDetail,
        OrderView,
    )
    from followup_tui.services.timeline.views import ShipmentView

Justify = Literal["left", "right", "center"]


def printable(value: str, *, multiline: bool = False) -> str:
    """``value`` with every control or format character written as its escape (``\\x1b``).

    Escaping rather than deleting keeps the evidence: a clerk who sees ``\\x1b[2J`` in a
    customer name knows the import carried garbage. Newlines and tabs survive only where
    the output has room for several lines (a note's body).
    """
    if find_control_character(value, multiline=multiline) is None:
        return value
    out: list[str] = []
    for char in value:
        if find_control_character(char, multiline=multiline) is None:
            out.append(char)
        else:
            out.append(char.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def decimal_text(value: Decimal, *, grouped: bool = False) -> str:
    """A decimal without trailing zeros or exponent: ``1200.000`` reads ``1200``.

    ``grouped`` adds thousands separators for people (``1,200``); JSON never has them.
    """
    normal = value.normalize()
    if normal == 0:
        normal = Decimal(0)
    return format(normal, ",f" if grouped else "f")


def jsonable(value: Any) -> Any:
    """Plain JSON data: dates ISO, decimals as strings, mappings and sequences walked."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value


def print_json(data: Any, stream: TextIO | None = None) -> None:
    """Write ``data`` as indented UTF-8 JSON, even when the locale's encoding is not UTF-8
    (``LANG=C`` in a cron job would otherwise turn 华强 into an encoding error)."""
    out = stream if stream is not None else sys.stdout
    text = json.dumps(jsonable(data), ensure_ascii=False, indent=2) + "\n"
    encoding = (getattr(out, "encoding", None) or "utf-8").lower().replace("-", "")
    buffer = getattr(out, "buffer", None)
    if encoding != "utf8" and buffer is not None:
        out.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:
        out.write(text)
        out.flush()


#: Columns for a wide table printed to a pipe or a cron mail rather than a terminal.
PRINTED_WIDTH = 132


def console(stream: TextIO | None = None, *, wide: bool = False) -> Console:
    """A console that never interprets what it prints: no markup, no emoji codes, no
    highlighting of numbers inside customer names.

    ``wide``: off a terminal (and without ``COLUMNS``) lines get ``PRINTED_WIDTH``
    columns instead of Rich's 80, which would fold a wide table row by row.
    """
    from rich.console import Console

    out = Console(
        file=stream if stream is not None else sys.stdout,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )
    if wide and not out.is_terminal and "COLUMNS" not in os.environ:
        out.width = PRINTED_WIDTH
    return out


def cell(value: str, *, style: str = "", multiline: bool = False) -> Text:
    """User data as inert text, control characters escaped."""
    from rich.text import Text

    return Text(printable(value, multiline=multiline), style=style)


def table(
    columns: Sequence[tuple[str, Justify]],
    *,
    title: str = "",
    limits: Sequence[int | None] | None = None,
) -> Table:
    """A borderless table (easy to copy from a terminal), headers as ``Text`` too.

    With ``limits`` every row stays on one line and a limited column ends in an ellipsis
    (the queue: one order, one line); without, long values wrap (the detail of one order).
    """
    from rich.table import Table
    from rich.text import Text

    grid = Table(
        box=None,
        show_edge=False,
        pad_edge=False,
        header_style="bold",
        title=Text(title, style="bold") if title else None,
        title_justify="left",
    )
    for index, (header, justify) in enumerate(columns):
        limit = limits[index] if limits is not None else None
        grid.add_column(
            Text(header),
            justify=justify,
            no_wrap=limits is not None,
            overflow="ellipsis" if limits is not None else "fold",
            max_width=limit,
        )
    return grid


COLUMN_GAP = 2
MIN_FLEXIBLE_WIDTH = 6


def fit_limits(
    headers: Sequence[str], rows: Sequence[Sequence[Text]], flexible: Sequence[int], width: int
) -> list[int | None]:
    """Column limits that make a one-line-per-row table fit ``width`` by shortening only
    the ``flexible`` columns (names), in proportion to their length.

    Left to itself Rich shrinks every column, and a cropped order number or date is
    useless; a customer name cut to 深圳市华强电… is still recognisable.
    """
    from rich.cells import cell_len

    natural = [
        max([cell_len(header), *(row[index].cell_len for row in rows)])
        for index, header in enumerate(headers)
    ]
    fixed = sum(w for i, w in enumerate(natural) if i not in flexible)
    room = width - fixed - COLUMN_GAP * (len(headers) - 1)
    wanted = sum(natural[i] for i in flexible)
    limits: list[int | None] = [None] * len(headers)
    if wanted <= room:
        return limits
    for index in flexible:
        share = room * natural[index] // wanted if wanted else 0
        limits[index] = max(MIN_FLEXIBLE_WIDTH, min(natural[index], share))
    return limits


def key_values(rows: Iterable[tuple[str, str]]) -> Table:
    """Label / value pairs, e.g. the header of ``order show`` or ``locate``."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(Text(label), cell(value, multiline=True))
    return grid


def date_text(value: date | None) -> str:
    return value.isoformat() if value is not None else "—"


# --- JSON shapes, documented in cli/orders.py ------------------------------------------


def order_json(view: OrderView) -> dict[str, Any]:
    return {
        "id": view.id,
        "order_no": view.order_no,
        "customer": view.customer,
        "customer_po": view.customer_po,
        "owner": view.owner,
        "status": view.status,
        "held_from": view.held_from,
        "priority": view.priority,
        "incoterm": view.incoterm,
        "payment_terms": view.payment_terms,
        "packaging": view.packaging,
        "labels": view.labels,
        "technical": view.technical,
        "order_date": view.order_date,
        "requested_date": view.requested_date,
        "confirmed_date": view.confirmed_date,
        "due_date": view.due_date,
        "product": view.lead_product,
        "quantity": view.total_quantity,
        "unit": view.unit,
        "amount": view.total_amount,
        "currency": view.currency,
        "created_at": view.created_at,
        "updated_at": view.updated_at,
        "version": view.version,
    }


def line_json(line: LineView) -> dict[str, Any]:
    return {
        "id": line.id,
        "line_no": line.line_no,
        "product": line.product,
        "spec": line.spec,
        "quantity": line.quantity,
        "unit": line.unit,
        "unit_price": line.unit_price,
        "currency": line.currency,
        "requested_date": line.requested_date,
        "confirmed_date": line.confirmed_date,
    }


def note_json(note: NoteView) -> dict[str, Any]:
    return {
        "id": note.id,
        "kind": note.kind,
        "body": note.body,
        "author": note.author,
        "created_at": note.created_at,
    }


def change_json(change: ChangeView) -> dict[str, Any]:
    return {
        "id": change.id,
        "at": change.at,
        "actor": change.actor,
        "entity": change.entity,
        "entity_id": change.entity_id,
        "action": change.action,
        "diff": change.diff,
    }


# --- order show, for people -------------------------------------------------------------


def _local(moment: datetime, timezone: str) -> str:
    from followup_tui.render.change_history import local_time

    return local_time(moment, timezone)


def _header(view: OrderView) -> list[tuple[str, str]]:
    rows = [
        (t("field.customer"), view.customer),
        (t("field.status"), t(f"status.{view.status}")),
        (t("field.owner"), view.owner),
        (t("field.priority"), t(f"priority.{view.priority}")),
        (t("field.order_date"), date_text(view.order_date)),
        (t("field.requested_date"), date_text(view.requested_date)),
        (t("field.confirmed_date"), date_text(view.confirmed_date)),
        (t("field.incoterm"), view.incoterm),
        (t("field.payment_terms"), view.payment_terms),
    ]
    optional = (
        (t("field.customer_po"), view.customer_po),
        (t("field.packaging"), view.packaging),
        (t("field.labels"), view.labels),
        (t("field.technical"), view.technical),
    )
    rows.extend((label, value) for label, value in optional if value)
    if view.currency:
        amount = f"{decimal_text(view.total_amount, grouped=True)} {view.currency}"
        rows.append((t("cli.show.amount"), amount))
    return rows


def _shipments_table(shipments: Sequence[ShipmentView]) -> Table:
    """The order's shipments, booked order: carrier, mode, tracking no., ETD, ETA and
    line × quantity of each."""
    shown = table(
        [
            (t("field.carrier"), "left"),
            (t("field.mode"), "left"),
            (t("field.tracking_no"), "left"),
            (t("field.etd"), "left"),
            (t("field.eta"), "left"),
            (t("field.lines"), "left"),
        ],
        title=t("shipment.section"),
    )
    for view in shipments:
        shown.add_row(
            cell(view.carrier),
            cell(t(f"ship_mode.{view.mode}")),
            cell(view.tracking_no or "—"),
            cell(date_text(view.etd)),
            cell(date_text(view.eta)),
            cell(", ".join(f"{line_no}×{quantity}" for line_no, quantity in view.lines)),
        )
    return shown


def print_detail(
    detail: OrderDetail, timezone: str, shipments: Sequence[ShipmentView] = ()
) -> None:
    """``order show`` for a person: header, lines, shipments, notes (newest first), and
    the history, each change with its fields one a line (``render.change_history``)."""
    from rich.text import Text

    from followup_tui.render.change_history import change_lines, change_title

    out = console()
    view = detail.order
    out.print(Text.assemble((printable(view.order_no), "bold")))
    out.print(key_values(_header(view)))
    out.print()
    lines = table(
        [
            ("#", "right"),
            (t("field.product"), "left"),
            (t("field.spec"), "left"),
            (t("field.quantity"), "right"),
            (t("field.unit"), "left"),
            (t("field.unit_price"), "right"),
            (t("field.currency"), "left"),
        ],
        title=t("field.lines"),
    )
    for line in detail.lines:
        lines.add_row(
            cell(str(line.line_no)),
            cell(line.product),
            cell(line.spec),
            cell(decimal_text(line.quantity, grouped=True)),
            cell(line.unit),
            cell(decimal_text(line.unit_price, grouped=True)),
            cell(line.currency),
        )
    out.print(lines)
    out.print()
    if shipments:
        out.print(_shipments_table(shipments))
    else:
        out.print(Text(t("shipment.section"), style="bold"))
        out.print(Text(t("history.no_shipments")))
    out.print()
    out.print(Text(t("cli.show.notes"), style="bold"))
    if not detail.notes:
        out.print(Text(t("cli.show.no_notes")))
    for note in detail.notes:
        when = _local(note.created_at, timezone)
        out.print(cell(f"{when}  {note.author} · {t(f'note_kind.{note.kind}')}", style="dim"))
        out.print(cell(f"  {note.body}", multiline=True))
    out.print()
    history = table(
        [
            (t("cli.show.when"), "left"),
            (t("cli.show.who"), "left"),
            (t("cli.show.what"), "left"),
            (t("cli.show.change"), "left"),
        ],
        title=t("cli.show.history"),
    )
    for change in detail.changes:
        history.add_row(
            cell(_local(change.at, timezone)),
            cell(change.actor),
            cell(change_title(change)),
            cell("\n".join(change_lines(change, timezone)), multiline=True),
        )
    out.print(history)


def say(message: str) -> None:
    """A refusal or a failure on stderr, prefixed with the program's name, printable."""
    import sys

    print(f"followup: {printable(message, multiline=True)}", file=sys.stderr)
