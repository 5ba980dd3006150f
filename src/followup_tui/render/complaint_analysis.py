"""The complaint analysis as translated lines and tables, for every place that shows it.

``followup report complaints`` prints these tables as text or Markdown, and the desk's
analysis screen draws the very same ones as Rich tables. Both take their titles, headers
and figures from here, so a supervisor who reads the screen and a colleague who reads
the weekly mail see the same numbers under the same names; a change of wording or of
rounding is made once. Nothing here reads the store or knows about a terminal: the
input is a finished ``ComplaintAnalysis``, the desk's SLA policy (for the names of
grades and categories) and its time zone; the output is plain strings, which each
caller draws as text that is never read as markup. The analysis service itself returns
figures only (services never translate); the period both callers default to is
``domain.complaints.analysis_period``'s.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from followup_tui.domain.errors import FollowupError
from followup_tui.i18n import current_language, t

if TYPE_CHECKING:
    from followup_tui.domain.complaints.sla_policy import SlaPolicy
    from followup_tui.services.complaints.analysis import ComplaintAnalysis, Count

#: Shown for a figure that cannot be computed yet (no decided clock, no case).
NO_FIGURE = "—"

#: One table: (title, headers, rows), every cell already a string in the reader's language.
Section = tuple[str, list[str], list[list[str]]]


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
