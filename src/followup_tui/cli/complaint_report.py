"""``followup report complaints`` and the longer printouts of ``followup alerts`` and
``complaint show``.

The report is for three readers: a person at a terminal (``text``, Rich tables), the
weekly review's minutes (``md``, Markdown tables to paste) and a script or a KPI sheet
(``json``, ``services.complaint_analysis.analysis_json``, stable keys)::

    period {from, to (first day after)}, as_of, total, open, closed, reopened,
    grade_overridden, escalated, satisfaction {responses, average},
    by_category, by_root_cause, by_responsible_party, by_customer, by_month:
        [{name, count, share (0..1)}]   (name "" = not recorded yet)
    by_supplier: null, notes: ["supplier_unlinked"]
    sla: [{grade, clock, on_time, late, breached_open, running, on_time_rate}]
    averages: [{measure (ack|resolve), cases, business_hours, wall_hours}]
    open_now: {open, breached, warned}

The period is ``--from`` (included) to ``--to`` (excluded), in the desk's days; by
default the 90 days up to and including today. Every figure comes from the services
the triage screen and ``followup alerts`` use, so "open now" reads the same in all three.
The tables and the lines around them are ``render.complaint_analysis``'s, which
the desk's analysis screen draws too; this module only prints them.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from followup_tui.cli.complaints import (
    CLOCK_KINDS,
    MARKS,
    STYLES,
    category_title,
    clock_cell,
    estimated_year,
    grade_title,
    left_text,
    local,
    span_text,
)
from followup_tui.cli.orders import open_for_read
from followup_tui.cli.output import (
    cell,
    console,
    fit_limits,
    key_values,
    print_json,
    printable,
    table,
)
from followup_tui.desk_settings import Invocation, desk_today
from followup_tui.domain.complaints.analysis_period import DEFAULT_DAYS, default_period
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders.rules import parse_date
from followup_tui.i18n import t
from followup_tui.render.complaint_analysis import footer, heading, numeric_column, sections

if TYPE_CHECKING:
    from rich.text import Text

    from followup_tui.domain.complaints.sla import Level
    from followup_tui.services.complaints.analysis import ComplaintAnalysis, OpenSummary
    from followup_tui.services.complaints.views import Alert, ComplaintDetail, ComplaintRow
    from followup_tui.store.unit_of_work import StoreContext

REPORT_WIDTH = 120
CLOCK_COLUMNS = ("col_ack", "col_plan", "col_resolve")


# --- alerts and explanations (for cli/complaints.py) ------------------------------------


def print_grid(
    headers: Sequence[str],
    right: Sequence[int],
    rows: Sequence[Sequence[Text]],
    flexible: Sequence[int],
) -> None:
    """One line per row, the ``flexible`` columns (names) shortened to fit the terminal.

    Off a terminal (a cron job's mail, a pipe) the lines are wide (``console(wide=True)``).
    """
    out = console(wide=True)
    limits = fit_limits(headers, rows, flexible, out.width)
    grid = table(
        [(h, "right" if i in right else "left") for i, h in enumerate(headers)], limits=limits
    )
    for row in rows:
        grid.add_row(*row)
    out.print(grid)


def print_rows(
    rows: Sequence[ComplaintRow], found: dict[int, Level], now: datetime, ctx: StoreContext
) -> None:
    """``complaint list`` for a person: the triage queue with its three clocks."""
    if not rows:
        console().print(cell(t("cli.complaint.none")))
        return
    headers = [
        t(f"cli.complaint.{key}")
        for key in ("id", "grade", "order_col", "customer", "status", "owner", *CLOCK_COLUMNS)
    ]
    cells = [
        [
            cell(f"{MARKS[int(found[row.id])]}#{row.id}", style=STYLES[int(found[row.id])]),
            cell(grade_title(ctx, row.grade)),
            cell(row.order_no),
            cell(row.customer),
            cell(t(f"complaint_status.{row.status}")),
            cell(row.owner),
            *(clock_cell(row.clock(kind), now, ctx) for kind in CLOCK_KINDS),
        ]
        for row in rows
    ]
    print_grid(headers, (0, 6, 7, 8), cells, flexible=(3,))
    console().print(cell(working_day_legend(ctx), style="dim"))
    years = sorted(
        {
            year
            for row in rows
            for clock in row.clocks
            if clock.met_at is None
            for year in (estimated_year(clock, now, ctx),)
            if year is not None
        }
    )
    if years:
        shown = ", ".join(map(str, years))
        console().print(cell(t("sla.estimate.note", calendar=ctx.calendar.name, years=shown)))


def working_day_legend(ctx: StoreContext) -> str:
    """What "wd" in the clock columns means: a working day of the calendar's length."""
    from followup_tui.domain.complaints.sla import working_day_length

    hours = working_day_length(ctx.calendar) / timedelta(hours=1)
    return t("sla.span.legend", hours=f"{hours:g}", calendar=ctx.calendar.name)


def print_alerts(
    ctx: StoreContext, alerts: Sequence[Alert], now: datetime, summary: OpenSummary, escalated: int
) -> None:
    """The alert list for a person: worst first, with the time left or over."""
    out = console()
    out.print(cell(t("cli.alerts.title", at=local(now, ctx.timezone)), style="bold"))
    if not alerts:
        out.print(cell(t("cli.alerts.none")))
    headers = [
        "",
        *(
            t(f"cli.complaint.{key}")
            for key in (
                "id",
                "grade",
                "order_col",
                "customer",
                "owner",
                "clock",
                "due",
                "left",
                "role",
            )
        ),
    ]
    cells = []
    for alert in alerts:
        style = STYLES[alert.level]
        left = left_text(alert.left, alert.level)
        if alert.estimated_year is not None:
            left = "~" + left
        cells.append(
            [
                cell(MARKS[alert.level].strip(), style=style),
                cell(f"#{alert.complaint_id}"),
                cell(grade_title(ctx, alert.grade)),
                cell(alert.order_no),
                cell(alert.customer),
                cell(alert.owner),
                cell(t(f"cli.complaint.col_{alert.kind}")),
                cell(local(alert.due_at, ctx.timezone)),
                cell(left, style=style),
                cell(t(f"sla.role.{alert.role}")),
            ]
        )
    if cells:
        print_grid(headers, (1, 8), cells, flexible=(4, 5, 9))
    years = sorted({a.estimated_year for a in alerts if a.estimated_year is not None})
    if years:
        shown = ", ".join(map(str, years))
        out.print(cell(t("sla.estimate.note", calendar=ctx.calendar.name, years=shown)))
    out.print(cell(t("cli.alerts.summary", breached=summary.breached, warned=summary.warned)))
    if escalated and ctx.read_only:
        out.print(cell(t("cli.alerts.read_only", count=escalated)))
    elif escalated:
        out.print(cell(t("cli.alerts.escalated", count=escalated)))


# --- one case ---------------------------------------------------------------------


def _clock_rows(row: ComplaintRow, now: datetime, ctx: StoreContext) -> Any:
    from followup_tui.domain.complaints.sla import clock_level

    grid = table(
        [
            (t("cli.complaint.clock"), "left"),
            (t("cli.complaint.due"), "left"),
            (t("cli.complaint.left"), "right"),
            (t("cli.complaint.level"), "left"),
            (t("cli.complaint.role"), "left"),
        ],
        title=t("cli.complaint.clocks"),
    )
    for clock in row.clocks:
        level = clock_level(clock, now)
        if clock.met_at is not None:
            state = t("cli.complaint.met", at=local(clock.met_at, ctx.timezone))
        else:
            state = t(f"sla_level.{level.name.lower()}")
        grid.add_row(
            cell(t(f"clock_kind.{clock.kind}")),
            cell(local(clock.due_at, ctx.timezone)),
            clock_cell(clock, now, ctx),
            cell(state),
            cell(t(f"sla.role.{clock.role}")),
        )
    return grid


def _case_header(detail: ComplaintDetail, ctx: StoreContext) -> list[tuple[str, str]]:
    row, zone = detail.row, ctx.timezone
    grade = grade_title(ctx, row.grade)
    if detail.grade_reason:
        suggested = grade_title(ctx, detail.suggested_grade)
        grade += "  (" + t("cli.complaint.suggested", grade=suggested, reason=detail.grade_reason)
        grade += ")"
    rows = [
        (t("cli.complaint.order"), row.order_no),
        (t("cli.complaint.customer"), row.customer),
        (t("cli.complaint.category"), category_title(ctx, row.category)),
        (t("cli.complaint.grade"), grade),
        (t("cli.complaint.status"), t(f"complaint_status.{row.status}")),
        (t("cli.complaint.owner"), row.owner),
        (t("cli.complaint.received"), local(row.received_at, zone)),
        (t("cli.complaint.description"), detail.description),
    ]
    optional = (
        (t("cli.complaint.contact"), detail.contact),
        (t("cli.complaint.escalated"), detail.escalated_at and local(detail.escalated_at, zone)),
        (t("cli.complaint.reopened"), str(row.reopen_count) if row.reopen_count else ""),
        (t("cli.complaint.cause"), detail.root_cause),
        (t("cli.complaint.party"), detail.responsible_party),
        (t("cli.complaint.remedy"), _remedy_text(detail)),
        (t("cli.complaint.closed"), detail.closed_at and local(detail.closed_at, zone)),
        (
            t("cli.complaint.satisfaction_due"),
            detail.satisfaction_due and str(detail.satisfaction_due),
        ),
        (t("cli.complaint.satisfaction"), _score_text(detail)),
    )
    rows.extend((label, value) for label, value in optional if value)
    return rows


def _remedy_text(detail: ComplaintDetail) -> str:
    if detail.remedy_kind is None:
        return ""
    from followup_tui.cli.output import decimal_text

    parts = [t(f"remedy_kind.{detail.remedy_kind}")]
    if detail.remedy_amount is not None:
        parts.append(f"{decimal_text(detail.remedy_amount, grouped=True)} {detail.remedy_currency}")
    if detail.remedy_note:
        parts.append(detail.remedy_note)
    return " · ".join(parts)


def _score_text(detail: ComplaintDetail) -> str:
    if detail.satisfaction_score is None:
        return ""
    return f"{detail.satisfaction_score}/5 {detail.satisfaction_comment}".strip()


def print_case(detail: ComplaintDetail, now: datetime, ctx: StoreContext, title: str) -> None:
    from rich.text import Text

    out = console()
    out.print(Text(title, style="bold"))
    out.print(key_values(_case_header(detail, ctx)))
    out.print()
    out.print(_clock_rows(detail.row, now, ctx))


def _explain_params(params: dict[str, object], ctx: StoreContext) -> dict[str, object]:
    """Raw explanation values as a person reads them: desk time, H:MM, names."""
    shown: dict[str, object] = {}
    for name, value in params.items():
        if isinstance(value, datetime):
            shown[name] = local(value, ctx.timezone)
        elif isinstance(value, timedelta):
            shown[name] = span_text(value)
        elif name == "kind":
            shown[name] = t(f"clock_kind.{value}")
        elif name == "basis":
            shown[name] = t(f"sla.basis.{value}")
        elif name == "reason":
            shown[name] = t(f"pause_reason.{value}")
        else:
            shown[name] = value
    return shown


def print_explanations(ctx: StoreContext, detail: ComplaintDetail) -> None:
    """Each clock's arming, pauses and resumes behind its due time, then the pauses."""
    from rich.text import Text

    from followup_tui.services.complaints.clocks import explain_clock

    out = console()
    out.print()
    out.print(Text(t("cli.complaint.explain"), style="bold"))
    for clock in detail.row.clocks:
        out.print(cell(t(f"clock_kind.{clock.kind}"), style="bold"))
        for line in explain_clock(ctx, detail.row.id, clock.kind):
            text = t(line.key, **_explain_params(line.params, ctx))
            out.print(cell(f"  {local(line.at, ctx.timezone)}  {text}"))
        year = None if clock.met_at is not None else estimated_year(clock, ctx.now(), ctx)
        if year is not None:
            note = t("sla.estimate.clock", calendar=ctx.calendar.name, year=year)
            out.print(cell(f"  {note}", style="italic"))
    if detail.pauses:
        out.print()
        out.print(Text(t("cli.complaint.pauses"), style="bold"))
        for pause in detail.pauses:
            span = (
                f"{local(pause.started_at, ctx.timezone)} → {local(pause.ended_at, ctx.timezone)}"
            )
            reason = t(f"pause_reason.{pause.reason}")
            out.print(cell(f"  {span}  {reason}  {pause.note}  ({pause.paused_by})".rstrip()))


# --- the report -------------------------------------------------------------------------


def period(run: Invocation, today: date) -> tuple[date, date]:
    """``--from``/``--to`` (``to`` excluded); by default the 90 days up to today."""
    args = run.args
    end = parse_date(args.date_to, field="to") if args.date_to else default_period(today)[1]
    start = (
        parse_date(args.date_from, field="from")
        if args.date_from
        else end - timedelta(days=DEFAULT_DAYS)
    )
    if start >= end:
        raise FollowupError("cli.complaint_error.period", field="from", start=start, end=end)
    return start, end


def render_text(ctx: StoreContext, result: ComplaintAnalysis) -> str:
    from rich.console import Console
    from rich.text import Text

    out = Console(file=io.StringIO(), width=REPORT_WIDTH, color_system=None, record=True)
    head = heading(result, ctx.timezone)
    out.print(Text(head[0], style="bold"))
    for line in head[1:]:
        out.print(cell(line))
    if not result.total:
        out.print(cell(t("cli.complaint_report.none")))
    for title, headers, rows in sections(ctx.sla, result) if result.total else ():
        right = [numeric_column(rows, i) for i in range(len(headers))]
        grid = table(
            [(h, "right" if r else "left") for h, r in zip(headers, right, strict=True)],
            title=title,
        )
        for row in rows:
            grid.add_row(*(cell(value) for value in row))
        out.print()
        out.print(grid)
    out.print()
    for line in footer(result):
        out.print(cell(line))
    return out.export_text()


def _md_cell(value: str) -> str:
    """A table cell: pipes escaped, lines joined, control characters made visible."""
    return printable(" ".join(value.split())).replace("|", "\\|")


def render_markdown(ctx: StoreContext, result: ComplaintAnalysis) -> str:
    head = heading(result, ctx.timezone)
    lines = [f"# {_md_cell(head[0])}", "", *(f"{_md_cell(line)}  " for line in head[1:])]
    if not result.total:
        lines += ["", t("cli.complaint_report.none")]
    else:
        for title, headers, rows in sections(ctx.sla, result):
            align = ["---:" if numeric_column(rows, i) else "---" for i in range(len(headers))]
            lines += ["", f"## {_md_cell(title)}", ""]
            lines.append("| " + " | ".join(_md_cell(h) for h in headers) + " |")
            lines.append("| " + " | ".join(align) + " |")
            lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows]
    lines.append("")
    lines += [_md_cell(line) + "  " for line in footer(result)]
    return "\n".join(lines).rstrip() + "\n"


def run_report_complaints(run: Invocation) -> int:
    from followup_tui.cli.complaints import as_of
    from followup_tui.services.complaints.analysis import analyse, analysis_json

    settings = run.settings(create_config=False)
    ctx = open_for_read(settings)
    try:
        now = as_of(run, ctx)
        start, end = period(run, desk_today(settings.config, now))
        result = analyse(ctx, start, end, now)
        fmt = run.args.format
        data: dict[str, Any] = {}
        if fmt == "json":
            data = analysis_json(result)
            data["as_of"] = now.astimezone(ZoneInfo(ctx.timezone)).isoformat()
            output = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        else:
            output = (render_markdown if fmt == "md" else render_text)(ctx, result)
    finally:
        ctx.dispose()
    if run.args.out:
        Path(run.args.out).write_text(output, encoding="utf-8")
    elif fmt == "json":
        print_json(data)  # UTF-8 even under LANG=C, like every --json
    else:
        sys.stdout.write(output)
    return 0
