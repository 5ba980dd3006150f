"""The complaint analysis as translated lines and tables, for every place that shows it.

``followup report complaints`` prints these tables as text or Markdown, and the desk's
analysis screen draws the very same ones as Rich tables. Both take their titles, headers
and figures from here, so a supervisor who reads the screen and a colleague who reads
the weekly mail see the same numbers under the same names; a change of wording or of
rounding is made once. Nothing here reads the store or knows about a terminal: the
input is a finished ``ComplaintAnalysis``, the desk's SLA policy (for the names of
grades and categories) and its time zone; the output is plain strings, which each
caller draws as text that is never read as markup.

The period arithmetic the screen's keys need (the CLI's default, back and forward by
its length, doubled and halved) lives here too, next to the default it shares with the
CLI, so "the last 90 days" means the same days in both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from followup_tui.domain.errors import FollowupError
from followup_tui.i18n import current_language, t

if TYPE_CHECKING:
    from followup_tui.domain.complaints.sla_policy import SlaPolicy
    from followup_tui.services.complaints.analysis import ComplaintAnalysis, Count

#: The report's and the screen's period when none is given: the days up to today.
DEFAULT_DAYS = 90
#: The longest period the screen's ``+`` reaches (about ten years); longer is refused.
MAX_DAYS = 3660
#: Shown for a figure that cannot be computed yet (no decided clock, no case).
NO_FIGURE = "—"

#: One table: (title, headers, rows), every cell already a string in the reader's language.
Section = tuple[str, list[str], list[list[str]]]


# --- the period ---------------------------------------------------------------------------


def default_period(today: date, days: int = DEFAULT_DAYS) -> tuple[date, date]:
    """``days`` days up to and including ``today``; the end is the first day after."""
    end = today + timedelta(days=1)
    return end - timedelta(days=days), end


def moved_period(start: date, end: date, steps: int, today: date) -> tuple[date, date] | None:
    """The period ``steps`` lengths later (earlier when negative), never ending after
    today: a period in the future holds no complaints. None when it cannot move."""
    length = end - start
    last_end = today + timedelta(days=1)
    new_end = min(end + length * steps, last_end)
    if new_end == end:
        return None
    return new_end - length, new_end


def scaled_period(start: date, end: date, factor: float) -> tuple[date, date] | None:
    """The period ending on the same day, ``factor`` times as long (one day at least,
    ``MAX_DAYS`` at most). None when the length would not change."""
    days = (end - start).days
    new_days = min(max(1, int(days * factor)), MAX_DAYS)
    if new_days == days:
        return None
    return end - timedelta(days=new_days), end


# --- names and figures ----------------------------------------------------------------------


def grade_title(policy: SlaPolicy, key: str) -> str:
    """The grade's name in the reader's language; a grade the policy has dropped since
    still says its key."""
    try:
        return policy.grade(key).title(current_language())
    except FollowupError:
        return key


def category_title(policy: SlaPolicy, key: str) -> str:
    return policy.category_title(key, current_language())


def local_time(moment: datetime, timezone: str) -> str:
    """``2026-11-27 10:05`` on the desk's wall clock, as the CLI prints instants."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def _share(count: Count) -> str:
    return f"{count.share * 100:.1f} %"


def _number(value: float | None, scale: float = 1.0, unit: str = "") -> str:
    return NO_FIGURE if value is None else f"{value * scale:.1f}{unit}"


def _headers(*keys: str) -> list[str]:
    return [t(f"cli.complaint_report.{key}") for key in keys]


def numeric_column(rows: Sequence[Sequence[str]], index: int) -> bool:
    """Whether a column holds figures (right-aligned); the first column never does."""
    return (
        index > 0
        and bool(rows)
        and all(row[index][:1].isdigit() or row[index] == NO_FIGURE for row in rows)
    )


# --- the tables and the lines around them -----------------------------------------------------


def sections(policy: SlaPolicy, result: ComplaintAnalysis) -> list[Section]:
    """The report's tables, translated, as (title, headers, rows) for any format."""
    unknown = t("cli.complaint_report.not_recorded")
    labels: list[tuple[str, Sequence[Count], Callable[[str], str]]] = [
        ("by_category", result.by_category, lambda key: category_title(policy, key)),
        ("by_cause", result.by_root_cause, str),
        ("by_party", result.by_party, lambda key: t(f"party.{key}")),
        ("by_customer", result.by_customer, str),
        ("by_month", result.by_month, str),
    ]
    found: list[Section] = [
        (
            t(f"cli.complaint_report.{title}"),
            _headers("key", "count", "share"),
            [[label(c.name) if c.name else unknown, str(c.count), _share(c)] for c in rows],
        )
        for title, rows, label in labels
    ]
    sla = [
        [grade_title(policy, c.grade), t(f"clock_kind.{c.kind}"), _number(c.rate, 100, " %")]
        for c in result.compliance
    ]
    for row, c in zip(sla, result.compliance, strict=True):
        row[2:2] = [str(c.on_time), str(c.late), str(c.breached), str(c.running)]
    columns = ("grade", "clock", "on_time", "late", "breached", "running", "rate")
    found.append((t("cli.complaint_report.sla"), _headers(*columns), sla))
    times = [
        [
            t(f"cli.complaint_report.to_{a.measure}"),
            str(a.cases),
            _number(a.business_hours),
            _number(a.wall_hours),
        ]
        for a in result.averages
    ]
    measures = _headers("measure", "cases", "business_hours", "wall_hours")
    found.append((t("cli.complaint_report.times"), measures, times))
    return found


def heading(result: ComplaintAnalysis, timezone: str) -> list[str]:
    """The title (the period, its last day included), when the figures were taken, the
    totals, and the average satisfaction when anyone answered."""
    last = (result.end - timedelta(days=1)).isoformat()
    at = local_time(result.as_of, timezone)
    lines = [
        t("cli.complaint_report.title", start=result.start.isoformat(), end=last),
        t("cli.complaint_report.generated", at=at, count=result.total),
        t(
            "cli.complaint_report.totals",
            open=result.open,
            closed=result.closed,
            reopened=result.reopened,
            escalated=result.escalated,
            overridden=result.overridden,
        ),
    ]
    average, responses = result.satisfaction_average, result.satisfaction_responses
    if average is not None:
        lines.append(
            t("cli.complaint_report.satisfaction", average=f"{average:.2f}", responses=responses)
        )
    return lines


def footer(result: ComplaintAnalysis) -> list[str]:
    """The open cases now (counted as ``followup alerts`` counts them) and why suppliers
    are missing."""
    now = result.open_now
    open_now = t(
        "cli.complaint_report.open_now", open=now.open, breached=now.breached, warned=now.warned
    )
    if result.by_supplier is None:
        return [open_now, t("cli.complaint_report.supplier_note")]
    return [open_now]
