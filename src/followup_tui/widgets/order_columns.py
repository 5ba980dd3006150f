"""How an order reads in the queue: the columns, their widths and their marks.

Late and at-risk rows carry a mark (‼ and !) as well as a colour, because colour is
never the only signal (DESIGN.md section 9). Every cell is built as ``Text`` from the
row's data, never as a markup string.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from rich.text import Text

from followup_tui.domain.lifecycle import OrderStatus, awaits_delivery
from followup_tui.domain.orders import Urgency, days_left, urgency
from followup_tui.i18n import t
from followup_tui.services.queue import QueueRow
from followup_tui.widgets.table_render import Column

LATE_STYLE = "bold red"
AT_RISK_STYLE = "yellow"


def format_quantity(quantity: Decimal) -> str:
    """1,200 for whole numbers, 12.5 otherwise: what a clerk reads on a PO."""
    if quantity == quantity.to_integral_value():
        return f"{int(quantity):,}"
    return f"{quantity.normalize():,f}"


def days_left_cell(row: QueueRow, today: date) -> Text:
    open_order = awaits_delivery(OrderStatus(row.status))
    days = days_left(row.due_date, today)
    level = urgency(days, open_order=open_order)
    if level is Urgency.DONE:
        return Text("—", style="dim")
    if level is Urgency.LATE:
        return Text(f"‼ {days}", style=LATE_STYLE)
    if level is Urgency.AT_RISK:
        return Text(f"! {days}", style=AT_RISK_STYLE)
    return Text(str(days))


def _plain(getter: Callable[[QueueRow], str]) -> Callable[[QueueRow], Text]:
    return lambda row: Text(getter(row))


def order_columns(today: date) -> list[Column[QueueRow]]:
    """The queue's columns, titled in the active language."""
    return [
        Column("order_no", t("queue.col.order_no"), 15, _plain(lambda r: r.order_no)),
        Column("customer", t("queue.col.customer"), 26, _plain(lambda r: r.customer)),
        Column("product", t("queue.col.product"), 18, _plain(lambda r: r.product)),
        Column(
            "quantity",
            t("queue.col.quantity"),
            9,
            lambda r: Text(format_quantity(r.quantity)),
            align="right",
        ),
        Column(
            "due_date",
            t("queue.col.due_date"),
            10,
            lambda r: Text(r.due_date.isoformat(), style="" if r.confirmed else "italic"),
        ),
        Column(
            "days_left",
            t("queue.col.days_left"),
            6,
            lambda r: days_left_cell(r, today),
            align="right",
        ),
        # 10 cells: "production" and "in transit" are the longest English statuses.
        Column("status", t("queue.col.status"), 10, lambda r: Text(t(f"status.{r.status}"))),
        Column("owner", t("queue.col.owner"), 8, _plain(lambda r: r.owner)),
    ]
