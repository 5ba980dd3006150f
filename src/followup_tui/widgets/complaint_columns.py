"""How a complaint reads in the triage queue: its columns, its clocks and their marks.

The three clocks sit side by side (acknowledge, plan, resolve). Each cell says one thing
in a few cells of width, always with a mark as well as a colour, because colour is never
the only signal (decisions.md, "Every screen"):

    ✓            met
    ‼ -0:40      breached, by how much (red, reversed)
    ! 2:05       at or past 75 % of the target, time left (orange; red from 90 %)
    · 21:10      at or past 50 %, time left (yellow)
    21:10        time left
    9.9 wd       time left of 48 business hours or more, in working days of the
                 calendar's working day length (the legend says how long that is)
    ~21:10       an estimate: the clock runs over a year the calendar has no
                 holidays for, counted from the weekday pattern
    ⏸ customer   paused, and why

Levels are comparisons of stored instants (cheap for every row on each refresh); the
time left needs the calendar, so it is worked out only for the rows being drawn, and
kept per case until the next refresh.

The queue holds at most a few tens of thousands of open cases, already sorted by the
service, so its source is a list in memory (:class:`ListSource`) rather than keyset
pages read from the store.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

from rich.text import Text

from followup_tui.domain.calendar import BusinessCalendar, CalendarYearUnknown, estimating
from followup_tui.domain.complaints.sla import (
    ClockPlan,
    Level,
    clock_level,
    format_duration,
    time_left,
    working_day_length,
    working_days_text,
)
from followup_tui.domain.complaints.sla_policy import Basis
from followup_tui.i18n import t
from followup_tui.services.complaints.views import ComplaintRow, plan_of
from followup_tui.widgets.table_render import Column

RowT = TypeVar("RowT")

#: The clocks, left to right, as ``ClockView.kind`` names them.
CLOCK_KINDS: tuple[str, ...] = ("ack", "plan", "resolve")
LEVEL_STYLES: dict[Level, str] = {
    Level.OK: "",
    Level.HALF: "yellow",
    Level.THREE_QUARTERS: "dark_orange",
    Level.NINETY: "bold red",
    Level.BREACHED: "bold red reverse",
}
LEVEL_MARKS: dict[Level, str] = {
    Level.OK: "",
    Level.HALF: "· ",
    Level.THREE_QUARTERS: "! ",
    Level.NINETY: "! ",
    Level.BREACHED: "‼ ",
}
MET = "✓"
PAUSED_MARK = "⏸"
#: Before a time counted over a year the calendar has no holidays for.
ESTIMATE_MARK = "~"
#: Shown for a clock the grade does not have.
NO_CLOCK = "—"


class ListSource(Generic[RowT]):
    """A :class:`~followup_tui.widgets.keyset_window.WindowSource` over a sorted list.

    ``key`` names a row (a case id); rows are found by key, so a row object from an older
    list (the table's cursor row after a refresh) still finds its place in a newer one.
    """

    def __init__(self, rows: Sequence[RowT], key: Callable[[RowT], Hashable]) -> None:
        self.rows: tuple[RowT, ...] = tuple(rows)
        self._key = key
        self._index: dict[Hashable, int] = {key(row): i for i, row in enumerate(self.rows)}

    def index_of(self, row: RowT) -> int | None:
        return self._index.get(self._key(row))

    def row_for(self, key: Hashable) -> RowT | None:
        index = self._index.get(key)
        return None if index is None else self.rows[index]

    def head(self, limit: int) -> Sequence[RowT]:
        return self.rows[:limit]

    def tail(self, limit: int) -> Sequence[RowT]:
        return self.rows[-limit:] if limit > 0 else ()

    def after(self, row: RowT, limit: int) -> Sequence[RowT]:
        index = self.index_of(row)
        return () if index is None else self.rows[index + 1 : index + 1 + limit]

    def before(self, row: RowT, limit: int) -> Sequence[RowT]:
        index = self.index_of(row)
        return () if index is None else self.rows[max(0, index - limit) : index]

    def starting_at(self, row: RowT, limit: int) -> Sequence[RowT]:
        index = self.index_of(row)
        return () if index is None else self.rows[index : index + limit]

    def count(self) -> int:
        return len(self.rows)

    def key_of(self, row: RowT) -> Hashable:
        return self._key(row)


def span_text(delta: timedelta, day: timedelta | None) -> str:
    """Business time as the Left column reads it: H:MM, or from 48 hours on working days
    of length ``day`` ("9.9 wd"); ``day`` None (a wall-clock target) keeps H:MM."""
    days = None if day is None else working_days_text(delta, day)
    return format_duration(delta) if days is None else t("sla.span.working_days", days=days)


def clock_text(
    level: Level,
    left: timedelta | None,
    *,
    met: bool = False,
    paused: str | None = None,
    day: timedelta | None = None,
    estimate: bool = False,
) -> Text:
    """One clock cell. ``left`` is negative once breached; None when it cannot be
    counted (a year the calendar does not know), which reads "?" with its mark. ``day``
    is the working day length a business clock's long spans are told in; ``estimate``
    marks a time counted over a year the calendar does not know with "~"."""
    if met:
        return Text(MET, style="green")
    if paused is not None:
        return Text(f"{PAUSED_MARK} {paused}", style="italic")
    span = "?" if left is None else span_text(left, day)
    if estimate:
        span = ESTIMATE_MARK + span
    return Text(f"{LEVEL_MARKS[level]}{span}", style=LEVEL_STYLES[level])


class ClockCells:
    """The clock cells of the rows on screen at one ``now``, remembered per case.

    The screen sets ``now`` on every refresh, which forgets what was drawn. The level
    of a clock is a comparison of its stored instants; the time left walks the calendar,
    which is why it is worked out here, per drawn row, and not for the whole queue.
    ``pause_reason`` says why a case is paused, when the screen knows it.
    """

    def __init__(
        self,
        now: datetime,
        calendar: BusinessCalendar,
        pause_reason: Callable[[ComplaintRow], str | None] | None = None,
    ) -> None:
        self.calendar = calendar
        #: The working day long business spans are told in (see :func:`span_text`).
        self.day = working_day_length(calendar)
        self._pause_reason = pause_reason
        self._cells: dict[tuple[int, int, str], Text] = {}
        self._now = now

    @property
    def now(self) -> datetime:
        return self._now

    @now.setter
    def now(self, value: datetime) -> None:
        self._now = value
        self._cells.clear()

    def cell(self, row: ComplaintRow, kind: str) -> Text:
        key = (row.id, row.version, kind)
        cached = self._cells.get(key)
        if cached is None:
            cached = self._cells[key] = self._draw(row, kind)
        return cached

    def left(self, plan: ClockPlan) -> timedelta:
        """Time left at ``now``; estimated from the weekday pattern when the calendar
        does not know a year it spans (the cell is then marked as an estimate)."""
        try:
            return time_left(plan, self._now, self.calendar)
        except CalendarYearUnknown:
            return time_left(plan, self._now, estimating(self.calendar))

    def _draw(self, row: ComplaintRow, kind: str) -> Text:
        clock = row.clock(kind)
        if clock is None:
            return Text(NO_CLOCK, style="dim")
        plan = plan_of(clock)
        business = plan.target.basis is Basis.BUSINESS
        day = self.day if business else None
        estimate = business and (
            self.calendar.unknown_year_between(plan.armed_at, max(plan.due_at, self._now))
            is not None
        )
        if plan.is_met:
            return clock_text(Level.OK, None, met=True)
        if plan.is_paused:
            reason = self._pause_reason(row) if self._pause_reason is not None else row.pause_reason
            shown = t(f"complaints.paused.{reason}") if reason else span_text(plan.remaining, day)
            return clock_text(Level.OK, None, paused=shown)
        level = clock_level(plan, self._now)
        return clock_text(level, self.left(plan), day=day, estimate=estimate)

    def column(self, kind: str, width: int) -> Column[ComplaintRow]:
        return Column(kind, t(f"complaints.col.{kind}"), width, lambda row: self.cell(row, kind))


class CaseNames(Protocol):
    """What the columns need to know of the SLA policy: names in the clerk's language and
    how serious a grade is (0 is the most serious). The policy is the company's data, so
    its titles, not the catalog's, name grades and categories."""

    def grade_title(self, grade: str) -> str: ...
    def grade_rank(self, grade: str) -> int: ...
    def category_title(self, category: str) -> str: ...


def _grade_text(row: ComplaintRow, names: CaseNames) -> Text:
    """The grade's name; the most serious grade in bold, never by colour alone."""
    return Text(
        names.grade_title(row.grade), style="bold" if names.grade_rank(row.grade) == 0 else ""
    )


def _status_text(row: ComplaintRow) -> Text:
    """The status; an escalated case carries ▲ before it."""
    text = Text(t(f"complaint_status.{row.status}"))
    if row.escalated:
        text = Text.assemble(("▲ ", "bold"), text)
    return text


def complaint_columns(cells: ClockCells, names: CaseNames) -> list[Column[ComplaintRow]]:
    """The triage queue's columns, titled in the active language."""
    return [
        Column("grade", t("complaints.col.grade"), 8, lambda r: _grade_text(r, names)),
        Column("customer", t("complaints.col.customer"), 20, lambda r: Text(r.customer)),
        Column("order", t("complaints.col.order"), 13, lambda r: Text(r.order_no)),
        Column(
            "category",
            t("complaints.col.category"),
            14,
            lambda r: Text(names.category_title(r.category)),
        ),
        *(cells.column(kind, 10) for kind in CLOCK_KINDS),
        Column("status", t("complaints.col.status"), 12, _status_text),
        Column("owner", t("complaints.col.owner"), 8, lambda r: Text(r.owner)),
    ]
