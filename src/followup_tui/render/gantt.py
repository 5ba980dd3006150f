"""The Gantt, drawn one terminal line at a time, in plain Rich.

The desk's timeline widget and the command-line report draw the same picture, so this
module imports Rich, never Textual; only the lines asked for are drawn, so ten thousand
orders cost a screenful of lines. Colour is never the only signal: late rows carry ``‼``,
rows at risk ``!``. For a year the calendar has no data for, nothing is shaded and the
header marks the days ``?`` rather than guess the holidays. Order numbers and customers
are data: they go into ``Text`` verbatim, never through markup, measured in cells.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import IntEnum, StrEnum
from functools import partial
from itertools import groupby
from typing import NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from followup_tui.domain.calendar import WEEKDAYS, BusinessCalendar
from followup_tui.i18n import t
from followup_tui.services.timeline.views import MilestoneBar, TimelineOrder

ACTUAL_GLYPH, DONE_GLYPH, PLANNED_GLYPH, BUFFER_GLYPH = "▓", "█", "░", "·"
TODAY_LINE, TODAY_MARK, PROMISED_GLYPH = "│", "▶", "◆"
LATE_MARK, AT_RISK_MARK, UNKNOWN_MARK = "‼", "!", "?"
CURSOR_GLYPH, EXPANDED_GLYPH, COLLAPSED_GLYPH = "▌", "▾", "▸"
HEADER_HEIGHT = 2

# Bar cell kinds, in paint order: a later kind drawn over an earlier one wins.
_BLANK, _BUFFER, _PLANNED, _ACTUAL, _DONE, _TODAY, _PROMISED = range(7)
_GLYPHS = (" ", BUFFER_GLYPH, PLANNED_GLYPH, ACTUAL_GLYPH, DONE_GLYPH, TODAY_LINE, PROMISED_GLYPH)
# Row tones: a late order's finished work stays green, a late milestone is red all over.
_NORMAL, _ORDER_LATE, _ORDER_AT_RISK, _MILESTONE_LATE, _MILESTONE_DONE = range(5)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

Bar = tuple[int, int, int]  # (first day ordinal, last day ordinal, kind) of a bar stretch
Placed = tuple[int, str, Style | None]  # (column, text, style) of a header label


class Zoom(StrEnum):
    """How much time a column shows: a day is 4 columns, 2 at week zoom, half at month."""

    DAY, WEEK, MONTH = "day", "week", "month"

    @property
    def scale(self) -> tuple[int, int]:
        """(columns, days): ``columns`` screen columns draw ``days`` days."""
        return {"day": (4, 1), "week": (2, 1), "month": (1, 2)}[self.value]

    def zoomed(self, step: int) -> Zoom:
        """One step in (-1, more columns a day) or out (+1), stopping at either end."""
        order = list(Zoom)
        return order[min(max(order.index(self) + step, 0), len(order) - 1)]


class DayKind(IntEnum):
    """What the calendar says about a day, as far as shading goes."""

    WORKING, OFF, UNKNOWN = range(3)


class DateAxis:
    """Maps dates to axis columns and back (column 0 is ``origin``'s first), on day
    ordinals so a line's bars cost integer arithmetic only."""

    __slots__ = ("_columns", "_days", "_origin_day", "origin", "zoom")

    def __init__(self, origin: date, zoom: Zoom) -> None:
        self.origin, self.zoom, self._origin_day = origin, zoom, origin.toordinal()
        self._columns, self._days = zoom.scale

    def column_of_day(self, day: int) -> int:
        """The first column of the day with ordinal ``day``."""
        return (day - self._origin_day) * self._columns // self._days

    def column_after_day(self, day: int) -> int:
        """The first column after the cells of the day with ordinal ``day``."""
        return -(-(day - self._origin_day + 1) * self._columns // self._days)

    def column_of(self, d: date) -> int:
        return self.column_of_day(d.toordinal())

    def date_at(self, column: int) -> date:
        """The (first) day shown in ``column``."""
        return date.fromordinal(self._origin_day + column * self._days // self._columns)

    def width_for(self, first: date, last: date) -> int:
        """Columns needed to show ``first`` to ``last`` inclusive."""
        return max(0, self.column_after_day(last.toordinal()) - self.column_of(first))

    def columns_for_days(self, days: int) -> int:
        """Columns ``days`` days take, rounded up (how far a week's scroll moves)."""
        return -(-days * self._columns // self._days)


@dataclass(frozen=True)
class GanttPalette:
    """Rich styles of the picture; the widget fills it from its CSS so themes apply."""

    planned: Style = field(default_factory=Style)
    actual: Style = field(default_factory=partial(Style, color="cyan"))
    done: Style = field(default_factory=partial(Style, color="green", dim=True))
    buffer: Style = field(default_factory=partial(Style, dim=True))
    late: Style = field(default_factory=partial(Style, color="red", bold=True))
    at_risk: Style = field(default_factory=partial(Style, color="yellow", bold=True))
    today: Style = field(default_factory=partial(Style, color="magenta", bold=True))
    promised: Style = field(default_factory=partial(Style, bold=True))
    off_day: Style = field(default_factory=partial(Style, bgcolor="grey23"))
    unknown_day: Style = field(default_factory=partial(Style, color="yellow", bold=True))
    header: Style = field(default_factory=partial(Style, bold=True))
    order_no: Style = field(default_factory=partial(Style, bold=True))
    muted: Style = field(default_factory=partial(Style, dim=True))

    def bar(self, tone: int, kind: int) -> Style:
        """A bar cell's foreground: the kind's own colour unless its row is in alarm."""
        if kind in (_BLANK, _TODAY):
            return self.today if kind == _TODAY else Style()
        alarm = {_ORDER_LATE: self.late, _ORDER_AT_RISK: self.at_risk}.get(tone)
        if kind == _PROMISED:
            return alarm or self.promised
        if tone == _MILESTONE_LATE:
            return self.late
        if kind == _DONE or tone == _MILESTONE_DONE:
            return self.buffer if kind == _BUFFER else self.done
        own = {_BUFFER: self.buffer, _PLANNED: self.planned, _ACTUAL: self.actual}[kind]
        return alarm or own


class _Window(NamedTuple):
    """What every line of one redraw shares: the visible columns' day kinds and today."""

    first_column: int
    bar_width: int
    backgrounds: tuple[DayKind, ...]
    today_index: int | None


def sanitize(value: str) -> str:
    """A one-line, escape-free copy of user text (an ERP import may carry an ESC)."""
    return _CONTROL.sub("\ufffd", value) if _CONTROL.search(value) else value


def fit(text: Text, width: int) -> Text:
    """``text`` cropped (ending in an ellipsis) or padded to exactly ``width`` cells; a
    wide character straddling the edge becomes a space, so columns stay aligned."""
    cell = text.copy()
    cell.no_wrap, cell.end = True, ""
    if width <= 0:
        return Text("", end="")
    if cell_len(cell.plain) > width:
        cell.truncate(width, overflow="ellipsis")
    cell.truncate(width, pad=True)
    return cell


def with_gap(text: Text, width: int) -> Text:
    """``text`` fitted to ``width - 1`` cells plus a space, so columns never touch."""
    return fit(text, width - 1).append(" " if width > 0 else "")


def name_of(prefix: str, code: str) -> str:
    """The shared catalog name of a stage, party, status or kind; the code if unnamed."""
    key = f"{prefix}.{code}"
    return code if (text := t(key)) == key else text


class VisibleRows:
    """The lines: every order, each opened one followed by its milestones.

    Kept as the opened orders' positions, not a tuple per line: a painter is rebuilt on
    every zoom or toggle, and ten thousand fresh tuples each time would wake the garbage
    collector to walk the whole plan (measured: 100 ms pauses at the 95th percentile).
    """

    def __init__(self, rows: Sequence[TimelineOrder], expanded: Set[int]) -> None:
        self._opened = [i for i, order in enumerate(rows) if order.order_id in expanded]
        self._lines: list[int] = []  # the line of each opened order
        self._after: list[int] = []  # milestone lines up to and including its own
        extra = 0
        for index in self._opened:
            self._lines.append(index + extra)
            extra += len(rows[index].milestones)
            self._after.append(extra)
        self._length = len(rows) + extra

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, line: int) -> tuple[int, int | None]:
        if not 0 <= line < self._length:
            raise IndexError(line)
        k = bisect_right(self._lines, line) - 1  # the last opened order at or above
        if k >= 0 and line - self._lines[k] <= self._after[k] - self._lines[k] + self._opened[k]:
            return (self._opened[k], None if line == self._lines[k] else line - self._lines[k] - 1)
        return (line - (self._after[k] if k >= 0 else 0), None)

    def line_of(self, order_index: int, milestone_index: int | None = None) -> int:
        k = bisect_left(self._opened, order_index)
        line = order_index + (self._after[k - 1] if k else 0)
        opened = k < len(self._opened) and self._opened[k] == order_index
        return line + 1 + milestone_index if opened and milestone_index is not None else line


class GanttPainter:
    """Draws one state of a Gantt (rows, open orders, axis, today), a line when asked.

    What a line needs beyond itself is computed once and kept: the visible rows, each
    order's summary bars, the calendar's answer per day (its lookups walk holiday data)
    and the window's shading. A new state gets a new painter; refilling is cheap."""

    def __init__(
        self,
        rows: Sequence[TimelineOrder],
        expanded: Set[int],
        axis: DateAxis,
        today: date,
        calendar: BusinessCalendar | None,
        *,
        label_width: int = 28,
        status_width: int = 30,
        palette: GanttPalette | None = None,
    ) -> None:
        self.rows, self.expanded, self.axis = rows, expanded, axis
        self.today, self.calendar = today, calendar
        self.label_width, self.status_width = label_width, status_width
        self.palette = palette or GanttPalette()
        self._visible: VisibleRows | None = None
        self._summaries: dict[int, tuple[Bar, ...]] = {}
        self._day_kinds: dict[int, DayKind] = {}
        self._window_cache: _Window | None = None
        self._styles: dict[tuple[int, int, DayKind], Style] = {}

    def visible_rows(self) -> VisibleRows:
        """Every line as (order index, milestone index or None), built once per painter."""
        if self._visible is None:
            self._visible = VisibleRows(self.rows, self.expanded)
        return self._visible

    def row_index_of(self, order_index: int, milestone_index: int | None = None) -> int:
        """The visible line of an order, or of one of its milestones when it is open."""
        return self.visible_rows().line_of(order_index, milestone_index)

    def widths(self, width: int) -> tuple[int, int, int]:
        """(label, bar, status) cells of a line ``width`` wide; the bar gives way first."""
        label = min(self.label_width, width)
        status = min(self.status_width, width - label)
        return label, width - label - status, status

    def line(self, row_index: int, first_column: int, width: int, *, cursor: bool = False) -> Text:
        """Visible row ``row_index`` in exactly ``width`` cells, bars from ``first_column``."""
        order_index, milestone_index = self.visible_rows()[row_index]
        order = self.rows[order_index]
        label_width, bar_width, status_width = self.widths(width)
        window = self._window(first_column, bar_width)
        if milestone_index is None:
            label, status = self._order_label(order), self._order_status(order)
            kinds = self._paint(self._summary(order_index), window)
            promised = self.axis.column_of(order.promised) - first_column
            if 0 <= promised < bar_width:
                kinds[promised] = _PROMISED
            tone = _ORDER_LATE if order.late else _ORDER_AT_RISK if order.at_risk else _NORMAL
        else:
            milestone = order.milestones[milestone_index]
            label = self._milestone_label(milestone, milestone_index == len(order.milestones) - 1)
            status = self._milestone_status(milestone)
            kinds = self._paint(self._milestone_bars(milestone), window)
            tone = _MILESTONE_DONE if milestone.status == "done" else _NORMAL
            tone = _MILESTONE_LATE if milestone.late else tone
        return Text.assemble(
            with_gap(Text(CURSOR_GLYPH if cursor else " ").append_text(label), label_width),
            self._bar_text(kinds, window, tone),
            fit(status, status_width),
            end="",
            no_wrap=True,
        )

    def _order_label(self, order: TimelineOrder) -> Text:
        palette, opened = self.palette, order.order_id in self.expanded
        glyph = (EXPANDED_GLYPH if opened else COLLAPSED_GLYPH) if order.milestones else " "
        label = Text.assemble((glyph, palette.muted))
        if order.late:
            label.append(LATE_MARK, palette.late)
        else:
            label.append(AT_RISK_MARK if order.at_risk else " ", palette.at_risk)
        label.append(" ")
        label.append(sanitize(order.order_no), palette.order_no)
        label.append(" " + sanitize(order.customer))
        return label

    def _milestone_label(self, milestone: MilestoneBar, last: bool) -> Text:
        label = Text(" ")
        label.append(LATE_MARK if milestone.late else " ", self.palette.late)
        label.append(" └ " if last else " ├ ", self.palette.muted)
        label.append(name_of("stage", milestone.key))
        return label

    def _order_status(self, order: TimelineOrder) -> Text:
        """ "◆12-04 ‼ 2 bd late": business days past the promise, the unit of every day
        count on the desk (the queue's days left and slip, the customer notice)."""
        palette = self.palette
        alarm = palette.late if order.late else palette.at_risk if order.at_risk else None
        status = Text(" ")
        status.append(f"{PROMISED_GLYPH}{order.promised:%m-%d}", alarm or palette.promised)
        if order.late:
            days = max(1, order.days_short)
            status.append(f" {LATE_MARK} {t('gantt.status.days_late', days=days)}", alarm)
        elif order.at_risk and order.days_short > 0:
            short = t("gantt.status.days_short", days=order.days_short)
            status.append(f" {AT_RISK_MARK} {short}", alarm)
        elif order.at_risk:  # on plan, but due within the at-risk days
            status.append(f" {AT_RISK_MARK} {t('gantt.status.due_soon')}", alarm)
        if order.calendar_note is not None:
            note = t("gantt.status.calendar_unknown", year=order.calendar_note)
            status.append(f" {note}", palette.unknown_day)
        return status

    def _milestone_status(self, milestone: MilestoneBar) -> Text:
        palette, party = self.palette, name_of("party", milestone.party)
        word = name_of("milestone_status", milestone.status)
        style = palette.done if milestone.status == "done" else palette.muted
        if milestone.late:
            word, style = f"{LATE_MARK} {t('gantt.status.late')}", palette.late
        kind = milestone.exception and name_of("exception_kind", milestone.exception)
        key = "gantt.status.milestone_exception" if kind else "gantt.status.milestone"
        return Text(" " + t(key, status=word, kind=kind, party=party), style)

    def _milestone_bars(self, milestone: MilestoneBar) -> list[Bar]:
        """Buffer after the plan, the plan, then the actual work (to today while it runs)."""
        planned_end = milestone.planned_end.toordinal()
        bars: list[Bar] = [(milestone.planned_start.toordinal(), planned_end, _PLANNED)]
        if milestone.buffer_end.toordinal() > planned_end:
            bars.append((planned_end + 1, milestone.buffer_end.toordinal(), _BUFFER))
        if milestone.actual_start is not None:
            start = milestone.actual_start.toordinal()
            if milestone.actual_end is not None:
                bars.append((start, milestone.actual_end.toordinal(), _DONE))
            else:
                bars.append((start, max(start, self.today.toordinal()), _ACTUAL))
        return bars  # already in paint order: plan and buffer never overlap

    def _summary(self, order_index: int) -> tuple[Bar, ...]:
        """The collapsed order's one bar: every milestone's stretches, in paint order."""
        summary = self._summaries.get(order_index)
        if summary is None:
            milestones = self.rows[order_index].milestones
            bars = [bar for m in milestones for bar in self._milestone_bars(m)]
            summary = self._summaries[order_index] = tuple(sorted(bars, key=lambda b: b[2]))
        return summary

    def _paint(self, bars: Sequence[Bar], window: _Window) -> list[int]:
        width, first = window.bar_width, window.first_column
        kinds = [_BLANK] * width
        column_of, column_after = self.axis.column_of_day, self.axis.column_after_day
        for start, end, kind in bars:
            left = max(column_of(start) - first, 0)
            right = min(column_after(end) - first, width)
            if left < right:
                kinds[left:right] = [kind] * (right - left)
        today = window.today_index
        if today is not None and kinds[today] == _BLANK:
            kinds[today] = _TODAY
        return kinds

    def _bar_text(self, kinds: list[int], window: _Window, tone: int) -> Text:
        """The bar cells as one span per run of equal glyph and shading."""
        text, styles = Text(end="", no_wrap=True), self._styles
        for (kind, day), run in groupby(zip(kinds, window.backgrounds, strict=True)):
            if (style := styles.get((tone, kind, day))) is None:
                shade = self.palette.off_day if day is DayKind.OFF else Style()
                style = styles[tone, kind, day] = shade + self.palette.bar(tone, kind)
            text.append(_GLYPHS[kind] * len(list(run)), style)
        return text

    def day_kind(self, day: int) -> DayKind:
        """The calendar's answer for a day ordinal, asked once per day and kept."""
        kind = self._day_kinds.get(day)
        if kind is None:
            d, calendar = date.fromordinal(day), self.calendar
            kind = DayKind.WORKING if calendar is None else DayKind.UNKNOWN
            if calendar is not None and calendar.knows(d):
                kind = DayKind.WORKING if calendar.is_working_day(d) else DayKind.OFF
            self._day_kinds[day] = kind
        return kind

    def _window(self, first_column: int, bar_width: int) -> _Window:
        """The shading of each visible column (a month-zoom column is off only when both
        its days are) and today's column, shared by every line of a redraw."""
        window = self._window_cache
        if window is not None and window[:2] == (first_column, bar_width):
            return window
        axis, backgrounds = self.axis, []
        for column in range(first_column, first_column + bar_width):
            first_day = axis.date_at(column).toordinal()
            last_day = max(first_day, axis.date_at(column + 1).toordinal() - 1)
            kinds = {self.day_kind(day) for day in range(first_day, last_day + 1)}
            kind = DayKind.OFF if kinds == {DayKind.OFF} else DayKind.WORKING
            backgrounds.append(DayKind.UNKNOWN if DayKind.UNKNOWN in kinds else kind)
        offset = axis.column_of(self.today) - first_column
        today = offset if 0 <= offset < bar_width else None
        self._window_cache = _Window(first_column, bar_width, tuple(backgrounds), today)
        return self._window_cache

    def header_lines(self, first_column: int, width: int) -> list[Text]:
        """The two fixed lines above the rows: date labels, then the days with today's ▶."""
        palette = self.palette
        label_width, bar_width, status_width = self.widths(width)
        window = self._window(first_column, bar_width)
        zoom = t("gantt.header.zoom", zoom=t(f"gantt.zoom.{self.axis.zoom.value}"))
        today = t("gantt.header.today", date=f"{self.today:%m-%d}")
        labels = _placed(self._date_labels(window), bar_width, gap=1)
        days = _placed(self._day_cells(window), bar_width, gap=0)
        lines: list[Text] = []
        for label, cells, status in (
            (Text(" " + t("gantt.header.orders")), labels, Text(" " + t("gantt.header.status"))),
            (Text(" " + zoom, palette.muted), days, Text(f" {TODAY_MARK} {today}", palette.today)),
        ):
            line = Text.assemble(with_gap(label, label_width), cells, fit(status, status_width))
            line.stylize_before(palette.header)
            lines.append(line)
        return lines

    def _date_labels(self, window: _Window) -> list[Placed]:
        """Each Monday at week zoom ("11-30 周一"), each month's first otherwise ("2026-12",
        or "2027-01?" at month zoom, which has no day cells to mark, for a year the
        calendar does not know). The left edge names where the view starts, with its year,
        unless a label close by does."""
        axis, first, week = self.axis, window.first_column, self.axis.zoom is Zoom.WEEK
        first_day, monday = axis.date_at(first), t("gantt.weekday.monday")
        labels: list[Placed] = []
        for n in range((axis.date_at(first + window.bar_width) - first_day).days + 1):
            d = first_day + timedelta(days=n)
            if n and not (d.weekday() == 0 if week else d.day == 1):
                continue
            text = (f"{d:%Y-%m-%d}" if not n else f"{d:%m-%d} {monday}") if week else f"{d:%Y-%m}"
            unknown = axis.zoom is Zoom.MONTH and self.day_kind(d.toordinal()) is DayKind.UNKNOWN
            mark, style = (UNKNOWN_MARK, self.palette.unknown_day) if unknown else ("", None)
            labels.append((max(axis.column_of(d) - first, 0), text + mark, style))
        if len(labels) > 1 and labels[1][0] <= cell_len(labels[0][1]):
            labels.pop(0)
        return labels

    def _day_cells(self, window: _Window) -> list[Placed]:
        """Each day's weekday (after its number at day zoom), shaded like the bars below,
        or ``?`` where the calendar is silent; at month zoom each Monday's number."""
        axis, palette = self.axis, self.palette
        first, today = window.first_column, window.today_index
        cells: list[Placed] = []
        day = axis.date_at(first)
        while (column := axis.column_of(day) - first) < window.bar_width:
            kind = self.day_kind(day.toordinal())
            number = f"{day.day:02d}" if axis.zoom is Zoom.DAY else ""
            weekday = t(f"gantt.weekday_short.{WEEKDAYS[day.weekday()]}")
            value, style = number + fit(Text(weekday), 2).plain, None
            if kind is not DayKind.WORKING:
                unknown = kind is DayKind.UNKNOWN
                value = number + UNKNOWN_MARK if unknown else value
                style = palette.unknown_day if unknown else palette.off_day
            if day == self.today:
                value, style = TODAY_MARK + number, palette.today
            if axis.zoom is not Zoom.MONTH:
                span = axis.column_after_day(day.toordinal()) - first - column
                cells.append((column, fit(Text(value), span).plain, style))
            elif day == self.today or (day.weekday() == 0 and today not in (column, column + 1)):
                cells.append((column, value if day == self.today else f"{day.day:02d}", style))
            day += timedelta(days=1)
        return cells


def _placed(items: Sequence[Placed], width: int, gap: int) -> Text:
    """Texts at their columns, left to right, in exactly ``width`` cells; one that would
    run into the one before it (or starts left of the window) is left out."""
    line, at = Text(end="", no_wrap=True), 0
    for column, value, style in items:
        if column >= at:
            line.append(" " * (column - at))
            line.append(value, style)
            at = column + cell_len(value) + gap
    return fit(line, width)


def legend(palette: GanttPalette | None = None) -> Text:
    """The glyph key, for a footer line or under a printed report."""
    palette = palette or GanttPalette()
    entries = [(ACTUAL_GLYPH, "actual"), (DONE_GLYPH, "done"), (PLANNED_GLYPH, "planned")]
    entries += [(BUFFER_GLYPH, "buffer"), (PROMISED_GLYPH, "promised"), (TODAY_MARK, "today")]
    entries += [(LATE_MARK, "late"), (AT_RISK_MARK, "at_risk"), (" ", "off_day")]
    entries += [(UNKNOWN_MARK, "unknown_day")]
    text = Text(end="", no_wrap=True)
    for index, (glyph, name) in enumerate(entries):
        text.append("  " if index else "")
        text.append(glyph, getattr(palette, name))  # each name is a palette style
        text.append(" " + t(f"gantt.legend.{name}"))
    return text
