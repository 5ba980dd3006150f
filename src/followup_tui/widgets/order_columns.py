"""How an order reads in the queue: the columns, their widths and their marks.

Late and at-risk rows carry a mark (‼ and !) as well as a colour, because colour is
never the only signal (decisions.md, "Every screen"). Every cell is built as ``Text`` from the
row's data, never as a markup string.

Days left are business days on the desk's calendar. When the calendar has no holiday
data for a year a due date reaches into, the cell shows "?" (still with its mark when
the date alone makes the order late or at risk) and the screen is told once, through
``on_unknown_year``, so it can say why.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from rich.text import Text

from followup_tui.domain.calendar import BusinessCalendar
from followup_tui.domain.orders.lifecycle import OrderStatus, awaits_delivery
from followup_tui.domain.orders.rules import Urgency, days_left, unknown_year_between, urgency
from followup_tui.i18n import t
from followup_tui.services.orders.queue import QueueRow
from followup_tui.widgets.table_render import Column

LATE_STYLE = "bold red"
AT_RISK_STYLE = "yellow"
UNKNOWN_STYLE = "dim italic"
UNKNOWN_DAYS = "?"


def format_quantity(quantity: Decimal) -> str:
    """1,200 for whole numbers, 12.5 otherwise: what a clerk reads on a PO."""
    if quantity == quantity.to_integral_value():
        return f"{int(quantity):,}"
    return f"{quantity.normalize():,f}"


class DaysLeftCells:
    """The days-left cell for one today on one calendar, remembered per due date.

    Counting business days walks the calendar a day at a time: measured here, a page of
    35 rows due up to a year out costs about 1 ms, growing with the distance. Rows are
    redrawn on every reload (each poll that sees a change clears the table's drawn
    lines), and many rows share a due date, so the count is kept per date: a repaint
    of dates already seen costs about 0.07 ms a page. A new ``today`` means a new
    instance (the screen builds the columns), so nothing ever needs invalidating; the
    cache is simply cleared when it reaches ``limit`` dates.
    """

    def __init__(
        self,
        today: date,
        calendar: BusinessCalendar,
        on_unknown_year: Callable[[int], None] | None = None,
        *,
        limit: int = 4096,
    ) -> None:
        self.today = today
        self.calendar = calendar
        self._on_unknown_year = on_unknown_year
        self._limit = limit
        self._days: dict[date, int | None] = {}
        #: The first year the calendar could not count, once a cell has met one.
        self.unknown_year: int | None = None

    def days(self, due: date) -> int | None:
        """Business days from today to ``due``; None when the calendar cannot say."""
        if due in self._days:
            return self._days[due]
        value = days_left(due, self.today, self.calendar)
        if len(self._days) >= self._limit:
            self._days.clear()
        self._days[due] = value
        if value is None and self.unknown_year is None:
            self.unknown_year = unknown_year_between(self.today, due, self.calendar)
            if self.unknown_year is not None and self._on_unknown_year is not None:
                self._on_unknown_year(self.unknown_year)
        return value

    def cell(self, row: QueueRow) -> Text:
        if not awaits_delivery(OrderStatus(row.status)):
            return Text("—", style="dim")  # no count needed: nothing is owed any more
        days = self.days(row.due_date)
        level = urgency(row.due_date, self.today, days, open_order=True, slip_days=row.slip_days)
        shown = UNKNOWN_DAYS if days is None else str(days)
        if level is Urgency.LATE:
            return Text(f"‼ {shown}", style=LATE_STYLE)
        if level is Urgency.AT_RISK:
            return Text(f"! {shown}", style=AT_RISK_STYLE)
        if days is None:
            return Text(shown, style=UNKNOWN_STYLE)
        return Text(shown)


def slip_cell(row: QueueRow) -> Text:
    """The plan's projected slip in business days ("+18"), blank when on time.

    The same figure as the timeline's "N bd short": the queue's clerk learns that an
    order will be late before its days left run out.
    """
    if row.slip_days <= 0 or not awaits_delivery(OrderStatus(row.status)):
        return Text("")
    return Text(f"+{row.slip_days}", style=AT_RISK_STYLE)


def _plain(getter: Callable[[QueueRow], str]) -> Callable[[QueueRow], Text]:
    return lambda row: Text(getter(row))


def order_columns(
    today: date,
    calendar: BusinessCalendar,
    on_unknown_year: Callable[[int], None] | None = None,
) -> list[Column[QueueRow]]:
    """The queue's columns, titled in the active language; days left are counted on
    ``calendar``, and ``on_unknown_year`` hears of the first year it has no data for."""
    days = DaysLeftCells(today, calendar, on_unknown_year)
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
        Column("days_left", t("queue.col.days_left"), 7, days.cell, align="right"),
        Column("slip", t("queue.col.slip"), 5, slip_cell, align="right"),
        # 10 cells: "production" and "in transit" are the longest English statuses.
        Column("status", t("queue.col.status"), 10, lambda r: Text(t(f"status.{r.status}"))),
        Column("owner", t("queue.col.owner"), 8, _plain(lambda r: r.owner)),
    ]
