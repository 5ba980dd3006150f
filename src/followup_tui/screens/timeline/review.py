"""The weekly cross-department review (跨部门订单评审会): what needs talking about.

The meeting walks the next few weeks customer by customer (or clerk by clerk) and
only looks at what is late, at risk or due; everything on time and quiet stays off the
agenda. The screen usually opens from the timeline with the rows already in memory, so
it shows at once and only reads the store again on ``ctrl+r``.

Regrouping and changing the window are pure work on those rows (``weekly_review`` reads
no store), so they happen in place; only loading the rows goes through a worker.

The agenda is drawn line by line rather than in a table because each group needs a
header line across the full width; columns are padded by display width so Chinese
names line up (``fit_cell``, the queue's own cell fitting, which also keeps control
characters of imported data off the terminal). Every status has a mark (‼ late,
! at risk, · due) next to its colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import ScrollableContainer
from textual.widgets import Footer, Static

from followup_tui.i18n import t
from followup_tui.screens.shared.service_calls import call_service, count_alarms, desk, desk_header
from followup_tui.screens.shared.workflows import DeskScreen, workflow_bindings
from followup_tui.screens.timeline.contingency import short_day
from followup_tui.services.timeline.review import GroupBy, Reason, Review, ReviewItem, weekly_review
from followup_tui.services.timeline.views import TimelineOrder
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.widgets.table_render import fit_cell, sanitize
from followup_tui.workflows.timeline import REVIEW

DEFAULT_WEEKS = 2
MIN_WEEKS = 1
MAX_WEEKS = 8

#: Column names (``weekly_review.col.<name>``) in the order they are drawn.
COLUMNS: tuple[str, ...] = (
    "order_no",
    "customer",
    "milestone",
    "reason",
    "due",
    "short",
    "owner",
    "exception",
)
#: Widest a column may grow (in terminal cells); longer values end in "…".
_WIDTH_LIMITS: dict[str, int] = {"customer": 26, "milestone": 12, "owner": 12, "exception": 20}
_GAP = "  "
_INDENT = "  "
_NONE = "—"

#: The mark and style of each reason; the mark alone must tell them apart.
MARKS: dict[Reason, tuple[str, str]] = {
    Reason.LATE: ("‼", "bold red"),
    Reason.AT_RISK: ("!", "bold yellow"),
    Reason.DUE: ("·", ""),
}


def item_cells(item: ReviewItem) -> tuple[Text, ...]:
    """One agenda line's cells, in ``COLUMNS`` order; user data stays plain text."""
    order, bar = item.order, item.milestone
    mark, style = MARKS[item.reason]
    reason = Text(f"{mark} {t(f'weekly_review.reason.{item.reason.value}')}", style=style)
    # How far the plan overshoots the promise is an order's figure, shown on its own line.
    short = (
        t("weekly_review.short_days", days=order.days_short)
        if bar is None and order.days_short > 0
        else ""
    )
    exception = t(f"exception_kind.{bar.exception}") if bar is not None and bar.exception else ""
    return (
        Text(order.order_no),
        Text(order.customer or _NONE),
        Text(t(f"stage.{bar.key}") if bar is not None else _NONE),
        reason,
        Text(short_day(item.due)),
        Text(short, style=style),
        Text(order.owner or _NONE),
        Text(exception, style="italic"),
    )


def _widths(rows: Sequence[Sequence[Text]]) -> list[int]:
    widths = []
    for index, column in enumerate(COLUMNS):
        widest = max(cell_len(row[index].plain) for row in rows)
        widths.append(min(widest, _WIDTH_LIMITS.get(column, widest)))
    return widths


def _line(cells: Sequence[Text], widths: Sequence[int], style: str = "") -> Text:
    line = Text(_INDENT, style=style)
    for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        if index:
            line.append(_GAP)
        line.append_text(fit_cell(cell, width))
    line.rstrip()
    return line


def review_title(review: Review) -> str:
    """The line above the agenda: the window, its last day and the grouping."""
    return t(
        "weekly_review.title",
        weeks=review.weeks,
        until=f"{review.until:%m-%d}",
        group=t(f"weekly_review.by_{review.group_by.value}"),
    )


def review_lines(review: Review) -> list[Text]:
    """The agenda: a column header, then per group a header line and its items."""
    if not review.groups:
        return [Text(t("weekly_review.empty", weeks=review.weeks), style="italic")]
    header = tuple(Text(t(f"weekly_review.col.{column}")) for column in COLUMNS)
    cells = [[item_cells(item) for item in group.items] for group in review.groups]
    widths = _widths([header, *(row for rows in cells for row in rows)])
    lines = [_line(header, widths, style="bold dim")]
    for group, rows in zip(review.groups, cells, strict=True):
        heading = Text("▸ ")
        heading.append_text(sanitize(Text(group.name or _NONE, style="bold")))
        heading.append(_GAP)
        heading.append(
            t("weekly_review.group", count=len(group.items), late=group.late),
            style="bold red" if group.late else "dim",
        )
        lines.append(Text())
        lines.append(heading)
        lines.extend(_line(row, widths) for row in rows)
    return lines


class ReviewScreen(DeskScreen[None]):
    """The agenda of the weekly review over the timeline's rows."""

    WORKFLOW_SCREEN = REVIEW
    BINDINGS = workflow_bindings(REVIEW)
    DEFAULT_CSS = """
    ReviewScreen #review-title { height: auto; padding: 0 1; text-style: bold; }
    ReviewScreen #review-scroll { height: 1fr; }
    ReviewScreen #review-body { width: auto; min-width: 100%; }
    """

    def __init__(self, rows: Sequence[TimelineOrder] | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        #: The timeline rows the agenda is drawn from; None until they are loaded.
        self.rows: tuple[TimelineOrder, ...] | None = tuple(rows) if rows is not None else None
        self.weeks = DEFAULT_WEEKS
        self.group_by = GroupBy.CUSTOMER
        self.review: Review | None = None

    def compose(self) -> ComposeResult:
        yield desk_header(self)
        yield Static(id="review-title")
        with ScrollableContainer(id="review-scroll"):
            yield Static(id="review-body")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#review-scroll").focus()
        if self.rows is None:
            self.action_reload()  # counts the header's alarms too
        else:
            self.redraw()
            count_alarms(self)

    def _today(self) -> date:
        return desk(self).today()

    def redraw(self) -> None:
        """Regroup the rows in memory for the current window and grouping."""
        body = self.query_one("#review-body", Static)
        if self.rows is None:
            body.update(Text(t("weekly_review.loading"), style="dim"))
            return
        self.review = weekly_review(
            self.rows, self._today(), weeks=self.weeks, group_by=self.group_by
        )
        self.query_one("#review-title", Static).update(Text(review_title(self.review)))
        body.update(Text("\n").join(review_lines(self.review)))

    def _loaded(self, rows: Sequence[TimelineOrder]) -> None:
        self.rows = tuple(rows)
        self.redraw()

    # --- actions ----------------------------------------------------------------------

    def action_reload(self) -> None:
        from followup_tui.services.timeline.read import load_timeline

        today = self._today()
        if self.rows is None:
            self.redraw()
        call_service(self, lambda store: load_timeline(store, today), self._loaded, group="review")
        count_alarms(self)

    def _set_weeks(self, weeks: int) -> None:
        if not MIN_WEEKS <= weeks <= MAX_WEEKS:
            self.app.bell()
            return
        self.weeks = weeks
        self.redraw()

    def action_more_weeks(self) -> None:
        self._set_weeks(self.weeks + 1)

    def action_fewer_weeks(self) -> None:
        self._set_weeks(self.weeks - 1)

    def action_toggle_group(self) -> None:
        self.group_by = GroupBy.OWNER if self.group_by is GroupBy.CUSTOMER else GroupBy.CUSTOMER
        self.redraw()

    def action_back(self) -> None:
        self.dismiss(None)
