"""``followup complaint ...`` and ``followup alerts``: complaints from a shell or a cron job.

Every command is a thin layer over the services the triage screen calls
(``services.complaints`` for the steps, ``services.complaint_queue`` for the queue, the
levels and the alerts), so a script can do nothing the desk would refuse, and the
figures it prints are the screen's: the same levels from the same stored instants.

Times are read and shown in the desk's time zone (config ``timezone``): ``--received``
and ``--as-of`` take ``2026-11-27 09:40`` or any ISO time (a time without an offset is
desk time); ``--as-of`` also takes a date, meaning the end of that day.

``followup alerts`` exits 1 when any clock is breached, so a cron job can page someone;
it also escalates breached cases to the supervisors (``escalate_breached``, which never
records an escalation later than the real now), unless the store is read-only here.

JSON output (``--json``), stable keys; instants are ISO with the desk's offset::

    clock:  kind (ack|plan|resolve), target_hours, basis (business|wall),
            role (owner|supervisor), armed_at, due_at, met_at, paused_since,
            level (ok|half|three_quarters|ninety|breached),
            left_seconds (time left, negative when over; null when the calendar cannot
            count it)
    complaint list: [{id, order_no, customer, category, grade, owner, status,
            received_at, reopen_count, escalated, paused, level, left_seconds (of the
            clock nearest to breach, null when none is owed), clocks: [clock]}]
    add, show and the steps: {complaint: {the list keys, contact, description,
            line_no, suggested_grade, grade_reason, acknowledged_at, acknowledged_by,
            plan_at, closed_at, escalated_at, root_cause, responsible_party,
            third_party_inspection, evidence, remedy_kind, remedy_amount (decimal
            string), remedy_currency, remedy_note, close_note, satisfaction_due,
            satisfaction_score, satisfaction_comment, version}, pauses: [{id, reason,
            note, started_at, ended_at, paused_by, resumed_by}]}
    alerts: {as_of, breached, warned (cases), escalated (cases escalated by this run,
            or that would have been on a read-only store), read_only,
            alerts: [{complaint_id, order_no, customer, grade, owner, clock, level,
            due_at, left_seconds, role}]}

Codes (status, grade, category, level, kind, reason) are never translated in JSON.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from followup_tui.cli.orders import open_for_read, open_for_write
from followup_tui.cli.output import cell, console, print_json
from followup_tui.desk_settings import DeskSettings, Invocation
from followup_tui.domain.errors import FollowupError
from followup_tui.i18n import current_language, t

if TYPE_CHECKING:
    from followup_tui.domain.complaints.sla import Level
    from followup_tui.services.complaints.views import (
        Alert,
        ClockView,
        ComplaintDetail,
        ComplaintRow,
    )
    from followup_tui.store.unit_of_work import StoreContext

EXIT_BREACHED = 1
CLOCK_KINDS = ("ack", "plan", "resolve")
#: Mark and colour per level (``domain.sla.Level`` 0-4), as on the triage screen.
MARKS = ("", "· ", "! ", "! ", "‼ ")
STYLES = ("", "yellow", "dark_orange", "bold red", "bold red reverse")


# --- reading times and labels -----------------------------------------------------------


def parse_moment(
    raw: str, timezone: str, *, field: str, option: str, day_end: bool = False
) -> datetime:
    """An instant typed by a person: ISO, desk time when it has no offset.

    With ``day_end`` a bare date means the end of that day (``alerts --as-of
    2026-11-30``: what will have breached by the evening); otherwise it is refused,
    since a complaint received "on the 27th" has no clock start. A wall time the clock
    change skips is refused naming ``option``; one that happens twice is taken at its
    first occurrence, and a line on stderr says so and how to give the second.
    """
    from followup_tui.domain.wall_time import resolve_wall_time

    zone = ZoneInfo(timezone)
    text = raw.strip()
    try:
        if len(text) == 10 and day_end:
            return datetime.combine(date.fromisoformat(text) + timedelta(days=1), time(), zone)
        if len(text) == 10:
            raise ValueError(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise FollowupError("cli.complaint_error.not_a_time", field=field, value=raw) from None
    resolved = resolve_wall_time(moment, zone, field=field, value=text, option=option)
    if resolved.ambiguous and resolved.other is not None:
        note = t(
            "wall_time.ambiguous",
            option=option,
            value=text,
            zone=timezone,
            first=resolved.moment.isoformat(),
            second=resolved.other.isoformat(),
        )
        console(sys.stderr).print(cell(note))
    return resolved.moment


def as_of(run: Invocation, ctx: StoreContext) -> datetime:
    raw = getattr(run.args, "as_of", None)
    if raw is None:
        return ctx.now()
    return parse_moment(raw, ctx.timezone, field="as_of", option="--as-of", day_end=True)


def local(moment: datetime | None, timezone: str) -> str:
    """``2026-11-27 10:05`` in the desk's zone; "—" for nothing."""
    if moment is None:
        return "—"
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def iso(moment: datetime | None, timezone: str) -> str | None:
    return None if moment is None else moment.astimezone(ZoneInfo(timezone)).isoformat()


def span_text(span: timedelta, day: timedelta | None = None) -> str:
    """ "2:05" (hours, unsigned), or with ``day`` (a business clock's working day
    length) from 48 hours on "9.9 wd", as the triage screen shows a clock. Never
    24-hour days: 79:46 of business time is about ten working days, not "3 d"."""
    from followup_tui.domain.complaints.sla import working_days_text

    days = None if day is None else working_days_text(abs(span), day)
    if days is not None:
        return t("sla.span.working_days", days=days)
    minutes = int(abs(span).total_seconds()) // 60
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}"


def left_text(left: timedelta | None, level: int, day: timedelta | None = None) -> str:
    """Time left as H:MM, or over as -H:MM; a breach over a weekend is "-0:00", never a
    "0:00" that reads as still in time; "?" when the calendar cannot count it. ``day``:
    see :func:`span_text`."""
    if left is None:
        return "?"
    over = left < timedelta(0) or level >= len(MARKS) - 1
    return ("-" if over else "") + span_text(left, day)


def day_of(clock: ClockView, ctx: StoreContext) -> timedelta | None:
    """The working day length a business clock's long spans are told in; None for a
    wall-clock target, whose hours are plain hours."""
    from followup_tui.domain.complaints.sla import working_day_length
    from followup_tui.domain.complaints.sla_policy import Basis

    return working_day_length(ctx.calendar) if clock.basis == Basis.BUSINESS.value else None


def grade_title(ctx: StoreContext, key: str) -> str:
    try:
        return ctx.sla.grade(key).title(current_language())
    except FollowupError:  # a grade the policy has dropped since: its key still says it
        return key


def category_title(ctx: StoreContext, key: str) -> str:
    return ctx.sla.category_title(key, current_language())


def level_name(level: int) -> str:
    from followup_tui.domain.complaints.sla import Level

    return Level(level).name.lower()


# --- clocks -----------------------------------------------------------------------------


def clock_left(clock: ClockView, now: datetime, ctx: StoreContext) -> timedelta | None:
    """Counted time left (negative: over), as ``alerts`` and the screen count it; over a
    year the calendar lacks, estimated from the weekday pattern (:func:`is_estimated`)."""
    from followup_tui.domain.calendar import CalendarYearUnknown, estimating
    from followup_tui.domain.complaints.sla import time_left
    from followup_tui.services.complaints.views import plan_of

    try:
        return time_left(plan_of(clock), now, ctx.calendar)
    except CalendarYearUnknown:
        return time_left(plan_of(clock), now, estimating(ctx.calendar))


def is_estimated(clock: ClockView, now: datetime, ctx: StoreContext) -> bool:
    """Whether a clock's due time or time left rests on a year the calendar lacks."""
    return estimated_year(clock, now, ctx) is not None


def estimated_year(clock: ClockView, now: datetime, ctx: StoreContext) -> int | None:
    """The year the calendar lacks that a business clock's due time or time left (from
    its arming to the later of its due time and ``now``) rests on; None when exact."""
    if clock.basis != "business":
        return None
    return ctx.calendar.unknown_year_between(clock.armed_at, max(clock.due_at, now))


def clock_json(clock: ClockView, now: datetime, ctx: StoreContext) -> dict[str, Any]:
    from followup_tui.domain.complaints.sla import clock_level

    left = clock_left(clock, now, ctx)
    zone = ctx.timezone
    return {
        "kind": clock.kind,
        "target_hours": clock.target_hours,
        "basis": clock.basis,
        "role": clock.role,
        "armed_at": iso(clock.armed_at, zone),
        "due_at": iso(clock.due_at, zone),
        "met_at": iso(clock.met_at, zone),
        "paused_since": iso(clock.paused_since, zone),
        "level": level_name(clock_level(clock, now)),
        "left_seconds": None if left is None else int(left.total_seconds()),
    }


def clock_cell(clock: ClockView | None, now: datetime, ctx: StoreContext) -> Any:
    """One clock as the triage screen draws it: ✓ met, ‼ -0:40 over, ! 2:05 near,
    ⏸ paused; a mark as well as a colour, so it reads in a mail too."""
    from followup_tui.domain.complaints.sla import clock_level

    if clock is None:
        return cell(t("cli.complaint.no_clock"), style="dim")
    if clock.met_at is not None:
        return cell("✓", style="green")
    level = int(clock_level(clock, now))
    if clock.paused_since is not None and level < len(MARKS) - 1:
        day = day_of(clock, ctx)
        return cell("⏸ " + span_text(clock.remaining or timedelta(0), day), style="cyan")
    shown = left_text(clock_left(clock, now, ctx), level, day_of(clock, ctx))
    if is_estimated(clock, now, ctx):
        shown = "~" + shown
    return cell(MARKS[level] + shown, style=STYLES[level])


# --- cases ------------------------------------------------------------------------------


def row_json(row: ComplaintRow, level: Level, now: datetime, ctx: StoreContext) -> dict[str, Any]:
    clocks = [clock_json(clock, now, ctx) for clock in row.clocks]
    owed = [c["left_seconds"] for c in clocks if c["met_at"] is None]
    known = [left for left in owed if left is not None]
    return {
        "id": row.id,
        "order_no": row.order_no,
        "customer": row.customer,
        "category": row.category,
        "grade": row.grade,
        "owner": row.owner,
        "status": row.status,
        "received_at": iso(row.received_at, ctx.timezone),
        "reopen_count": row.reopen_count,
        "escalated": row.escalated,
        "paused": row.paused,
        "level": level_name(level),
        "left_seconds": min(known) if known else None,
        "clocks": clocks,
    }


#: The case's own fields in ``complaint show --json``, after the list's keys.
DETAIL_FIELDS: tuple[str, ...] = (
    "contact",
    "description",
    "line_no",
    "suggested_grade",
    "grade_reason",
    "acknowledged_at",
    "acknowledged_by",
    "plan_at",
    "closed_at",
    "escalated_at",
    "root_cause",
    "responsible_party",
    "third_party_inspection",
    "evidence",
    "remedy_kind",
    "remedy_amount",
    "remedy_currency",
    "remedy_note",
    "close_note",
    "satisfaction_due",
    "satisfaction_score",
    "satisfaction_comment",
)
PAUSE_FIELDS: tuple[str, ...] = (
    "id",
    "reason",
    "note",
    "started_at",
    "ended_at",
    "paused_by",
    "resumed_by",
)


def _plain(value: Any, timezone: str) -> Any:
    """An instant in the desk's zone; anything else as ``print_json`` writes it."""
    return iso(value, timezone) if isinstance(value, datetime) else value


def detail_json(detail: ComplaintDetail, now: datetime, ctx: StoreContext) -> dict[str, Any]:
    from followup_tui.services.complaints.queue import row_level

    zone = ctx.timezone
    case = row_json(detail.row, row_level(detail.row, now), now, ctx)
    case.update({name: _plain(getattr(detail, name), zone) for name in DETAIL_FIELDS})
    case["version"] = detail.row.version
    pauses = [
        {name: _plain(getattr(p, name), zone) for name in PAUSE_FIELDS} for p in detail.pauses
    ]
    return {"complaint": case, "pauses": pauses}


# --- complaint add / show / steps -------------------------------------------------------


def _report(run: Invocation, ctx: StoreContext, detail: ComplaintDetail, title: str) -> int:
    now = ctx.now()
    if run.json:
        print_json(detail_json(detail, now, ctx))
    else:
        from followup_tui.cli.complaint_report import print_case

        print_case(detail, now, ctx, title)
    return 0


def run_add(run: Invocation) -> int:
    from followup_tui.services.complaints.steps import ComplaintDraft, create_complaint

    args = run.args
    settings = run.settings()
    received = None
    if args.received is not None:
        received = parse_moment(
            args.received, settings.config.timezone, field="received_at", option="--received"
        )
    draft = ComplaintDraft(
        order_no=args.order_no,
        category=args.category,
        description=args.text,
        contact=args.contact,
        grade=args.grade,
        grade_reason=args.reason,
        line_no=args.line,
        received_at=received,
        owner=args.owner,
    )
    ctx = open_for_write(settings)
    try:
        detail = create_complaint(ctx, draft)
        row = detail.row
        grade, category = grade_title(ctx, row.grade), category_title(ctx, row.category)
        title = t(
            "cli.complaint.created", id=row.id, order=row.order_no, grade=grade, category=category
        )
        return _report(run, ctx, detail, title)
    finally:
        ctx.dispose()


def run_show(run: Invocation) -> int:
    from followup_tui.cli.complaint_report import print_explanations
    from followup_tui.services.complaints.steps import get_complaint

    ctx = open_for_read(run.settings())
    try:
        detail = get_complaint(ctx, run.args.id)
        _report(run, ctx, detail, t("cli.complaint.case", id=detail.row.id))
        if not run.json:
            print_explanations(ctx, detail)
    finally:
        ctx.dispose()
    return 0


def _apply(ctx: StoreContext, args: argparse.Namespace) -> ComplaintDetail:
    """One step of the case, by the subcommand's name, with the options as the service's
    parameters (the parser names them after those parameters)."""
    from followup_tui.services.complaints import steps as case

    number = args.id
    match args.step:
        case "ack":
            return case.acknowledge_complaint(ctx, number)
        case "assign":
            return case.assign_complaint(ctx, number, args.owner)
        case "pause":
            return case.pause_complaint(ctx, number, args.reason, args.note)
        case "resume":
            return case.resume_complaint(ctx, number)
        case "escalate":
            return case.escalate_complaint(ctx, number, args.reason)
        case "cause":
            return case.record_cause(
                ctx,
                number,
                root_cause=args.root_cause,
                responsible_party=args.party,
                third_party_inspection=args.inspection,
                evidence=args.evidence,
            )
        case "remedy":
            return case.record_remedy(
                ctx,
                number,
                kind=args.kind,
                amount=args.amount,
                currency=args.currency,
                note=args.note,
                follow_ups=tuple(args.follow_ups),
            )
        case "close":
            return case.close_complaint(ctx, number, args.note)
        case "satisfaction":
            return case.record_satisfaction(ctx, number, args.score, args.comment)
        case "reopen":
            return case.reopen_complaint(ctx, number, args.reason)
    raise AssertionError(f"no complaint step {args.step!r}")  # the parser offers no other


def run_step(run: Invocation) -> int:
    """``complaint ack|assign|pause|...``: the step, then the case as it now stands."""
    ctx = open_for_write(run.settings())
    try:
        detail = _apply(ctx, run.args)
        status = t(f"complaint_status.{detail.row.status}")
        return _report(run, ctx, detail, t("cli.complaint.done", id=detail.row.id, status=status))
    finally:
        ctx.dispose()


# --- complaint list ---------------------------------------------------------------------


def run_list(run: Invocation) -> int:
    from followup_tui.cli.complaint_report import print_rows
    from followup_tui.services.complaints.analysis import open_summary
    from followup_tui.services.complaints.queue import levels, load_open_complaints, triage_sorted
    from followup_tui.store.identity import os_account

    args = run.args
    ctx = open_for_read(run.settings())
    try:
        now = as_of(run, ctx)
        owner = os_account() if args.owner == "me" else (args.owner or None)
        rows = load_open_complaints(
            ctx, grade=args.grade, status=args.status, owner=owner, customer=args.customer
        )
        ordered = triage_sorted(rows, now)
        found = levels(ordered, now)
        if run.json:
            print_json([row_json(row, found[row.id], now, ctx) for row in ordered])
        else:
            print_rows(ordered, found, now, ctx)
            summary = open_summary(found)
            counts = {"breached": summary.breached, "warned": summary.warned}
            console().print(cell(t("cli.complaint.shown", count=summary.open, **counts)))
            console().print(cell(t("cli.complaint.as_of", at=local(now, ctx.timezone))))
    finally:
        ctx.dispose()
    return 0


# --- alerts -----------------------------------------------------------------------------


def _writable(settings: DeskSettings) -> bool:
    """Whether this run may escalate: not ``watch``, and a SQLite file (and its folder,
    for the WAL) this account can write. A server decides for itself (its role). A
    store that does not exist is read, so that the read says so instead of creating one."""
    if settings.read_only:
        return False
    path = settings.location.path
    if path is None:
        return True
    return path.exists() and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def alert_json(alert: Alert, ctx: StoreContext) -> dict[str, Any]:
    return {
        "complaint_id": alert.complaint_id,
        "order_no": alert.order_no,
        "customer": alert.customer,
        "grade": alert.grade,
        "owner": alert.owner,
        "clock": alert.kind,
        "level": level_name(alert.level),
        "due_at": iso(alert.due_at, ctx.timezone),
        "left_seconds": None if alert.left is None else int(alert.left.total_seconds()),
        "role": alert.role,
    }


def run_alerts(run: Invocation) -> int:
    from followup_tui.cli.complaint_report import print_alerts
    from followup_tui.services.complaints.analysis import alert_summary
    from followup_tui.services.complaints.queue import alerts, escalate_breached

    settings = run.settings()
    writable = _writable(settings)
    ctx = open_for_write(settings) if writable else open_for_read(settings)
    try:
        now = as_of(run, ctx)
        escalated = escalate_breached(ctx, now)
        found = alerts(ctx, now)
        summary = alert_summary(found)
        if run.json:
            print_json(
                {
                    "as_of": iso(now, ctx.timezone),
                    "breached": summary.breached,
                    "warned": summary.warned,
                    "escalated": escalated,
                    "read_only": ctx.read_only,
                    "alerts": [alert_json(alert, ctx) for alert in found],
                }
            )
        else:
            print_alerts(ctx, found, now, summary, escalated)
    finally:
        ctx.dispose()
    return EXIT_BREACHED if summary.breached else 0
