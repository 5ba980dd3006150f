"""``followup report timeline``: the weekly review as a picture for e-mail or a wall.

It draws the orders on the review's agenda with the same Gantt painter the desk uses
(late and at-risk orders opened into their milestones), then the agenda itself grouped
by customer or clerk. Text is plain (it goes into e-mails and tickets); HTML and SVG
keep the colours for a meeting-room screen. ``--as-of`` replays the picture of any day,
which is also how a test pins it.
"""

from __future__ import annotations

import io
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.text import Text

from followup_tui.cli.orders import open_for_read
from followup_tui.desk_settings import Invocation, desk_today
from followup_tui.domain.errors import FollowupError
from followup_tui.i18n import t
from followup_tui.render.gantt import DateAxis, GanttPainter, Zoom, legend
from followup_tui.services.timeline.read import load_timeline, unknown_years
from followup_tui.services.timeline.review import GroupBy, Reason, Review, weekly_review

REPORT_WIDTH = 132
LABEL_WIDTH = 30
STATUS_WIDTH = 26
_MARKS = {Reason.LATE: "‼", Reason.AT_RISK: "!", Reason.DUE: "·"}


def parse_as_of(raw: str | None, timezone: str) -> date | None:
    """``--as-of`` as a desk date: a date, or an ISO instant read in the desk's zone."""
    if raw is None:
        return None
    try:
        if len(raw.strip()) == 10:
            return date.fromisoformat(raw.strip())
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise FollowupError("error.not_a_date", field="as_of", value=raw) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(ZoneInfo(timezone)).date()


def _zoom_for(days: int, width: int) -> Zoom:
    for zoom in (Zoom.DAY, Zoom.WEEK):
        columns, per = zoom.scale
        if days * columns // per <= width:
            return zoom
    return Zoom.MONTH


def render_review(review: Review, calendar: object, width: int = REPORT_WIDTH) -> list[Text]:
    """The report's lines: title, Gantt of the agenda's orders, legend, the agenda."""
    lines: list[Text] = []
    by = t(f"report.timeline.by_{review.group_by.value}")
    title = t(
        "report.timeline.title",
        weeks=review.weeks,
        as_of=review.as_of.isoformat(),
        until=(review.until - timedelta(days=1)).isoformat(),
        by=by,
    )
    lines.append(Text(title, style="bold"))
    orders = review.orders
    if not orders:
        lines.append(Text(t("report.timeline.nothing", weeks=review.weeks)))
        return lines
    first = review.as_of - timedelta(days=3)
    bar_width = width - LABEL_WIDTH - STATUS_WIDTH
    zoom = _zoom_for((review.until - first).days + 3, bar_width)
    axis = DateAxis(first, zoom)
    expanded = {order.order_id for order in orders if order.late or order.at_risk}
    painter = GanttPainter(
        orders,
        expanded,
        axis,
        review.as_of,
        calendar,  # type: ignore[arg-type]
        label_width=LABEL_WIDTH,
        status_width=STATUS_WIDTH,
    )
    lines.append(Text())
    lines.extend(painter.header_lines(0, width))
    for index in range(len(painter.visible_rows())):
        lines.append(painter.line(index, 0, width))
    lines.append(legend())
    lines.append(Text())
    for group in review.groups:
        head = Text()
        head.append(group.name, style="bold")
        head.append("  ")
        head.append(t("report.timeline.group_counts", items=len(group.items), late=group.late))
        lines.append(head)
        for item in group.items:
            line = Text("  ")
            line.append(_MARKS[item.reason] + " ", style="bold")
            line.append(item.order.order_no)
            line.append("  ")
            stage = t(f"stage.{item.milestone.key}") if item.milestone else "—"
            line.append(stage)
            line.append("  ")
            line.append(item.due.strftime("%m-%d"))
            line.append("  ")
            line.append(t(f"report.timeline.reason_{item.reason.value}"))
            if item.reason is Reason.AT_RISK:
                line.append(" " + t("report.timeline.short", days=item.order.days_short))
            if item.milestone is not None and item.milestone.exception:
                line.append("  " + t(f"exception_kind.{item.milestone.exception}"))
            line.append("  ")
            line.append(item.order.owner, style="dim")
            lines.append(line)
    return lines


def export(lines: list[Text], fmt: str, title: str, width: int = REPORT_WIDTH) -> str:
    console = Console(
        record=True, width=width, file=io.StringIO(), color_system="truecolor", legacy_windows=False
    )
    for line in lines:
        console.print(line, overflow="crop", no_wrap=True, crop=True)
    if fmt == "html":
        return console.export_html(inline_styles=True)
    if fmt == "svg":
        return console.export_svg(title=title)
    return console.export_text()


def run_report_timeline(run: Invocation) -> int:
    settings = run.settings(create_config=False)
    args = run.args
    as_of = parse_as_of(args.as_of, settings.config.timezone) or desk_today(settings.config)
    ctx = open_for_read(settings)
    try:
        rows = load_timeline(ctx, as_of)
        review = weekly_review(rows, as_of, weeks=args.weeks, group_by=GroupBy(args.by))
        lines = render_review(review, ctx.calendar)
    finally:
        ctx.dispose()
    years = unknown_years(rows)
    if years:
        lines.append(Text(t("timeline.calendar_unknown", years=", ".join(map(str, years)))))
    output = export(lines, args.format, t("report.timeline.svg_title"))
    if args.out:
        Path(args.out).write_text(output, encoding="utf-8")
    else:
        sys.stdout.write(output)
    return 0


def run_report_estimates(run: Invocation) -> int:
    """Which plans and open complaint clocks rest on a year the calendar has no holidays
    for: the list to check again once the company adds that year's arrangement."""
    from followup_tui.cli.complaints import estimated_year, local
    from followup_tui.cli.output import cell, console, print_json
    from followup_tui.services.complaints.queue import load_open_complaints

    settings = run.settings(create_config=False)
    ctx = open_for_read(settings)
    try:
        now = ctx.now()
        orders = [row for row in load_timeline(ctx) if row.calendar_note is not None]
        clocks = [
            (row, clock, year)
            for row in load_open_complaints(ctx)
            for clock in row.clocks
            if clock.met_at is None
            for year in (estimated_year(clock, now, ctx),)
            if year is not None
        ]
    finally:
        ctx.dispose()
    if run.json:
        print_json(
            {
                "calendar": ctx.calendar.name,
                "orders": [
                    {
                        "order_no": row.order_no,
                        "promised": row.promised.isoformat(),
                        "projected": row.projected.isoformat(),
                        "year": row.calendar_note,
                    }
                    for row in orders
                ],
                "clocks": [
                    {
                        "complaint": row.id,
                        "order_no": row.order_no,
                        "kind": clock.kind,
                        "due_at": clock.due_at.isoformat(),
                        "year": year,
                    }
                    for row, clock, year in clocks
                ],
            }
        )
        return 0
    out = console()
    if not orders and not clocks:
        out.print(cell(t("report.estimates.none", calendar=ctx.calendar.name)))
        return 0
    out.print(cell(t("report.estimates.title", calendar=ctx.calendar.name), style="bold"))
    for order in orders:
        line = t(
            "report.estimates.order",
            order=order.order_no,
            promised=order.promised.isoformat(),
            projected=order.projected.isoformat(),
            year=order.calendar_note,
        )
        out.print(cell(f"  {line}"))
    for row, clock, year in clocks:
        line = t(
            "report.estimates.clock",
            id=row.id,
            order=row.order_no,
            clock=t(f"clock_kind.{clock.kind}"),
            due=local(clock.due_at, ctx.timezone),
            year=year,
        )
        out.print(cell(f"  {line}"))
    return 0
