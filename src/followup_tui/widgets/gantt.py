"""The timeline's Gantt: ten thousand orders on a date axis, drawn line by line.

A ``ScrollView`` over a virtual size of (label + axis + status columns, header + visible
rows): Textual scrolls, and ``render_line`` draws only the lines on screen through a
:class:`~followup_tui.render.gantt.GanttPainter`, so holding down a key costs a
screenful of lines whatever the size of the plan. The two header lines stay at the top
whatever ``scroll_y`` is, and the label and status columns stay put while the bars
scroll under ``scroll_x``: one scroll model, two fixed edges.

The widget never touches the database: the screen hands rows down with
:meth:`GanttView.set_rows` and hears back through :class:`GanttView.CursorMoved`. It
binds no letter the timeline screen uses for its own work (``< > s d l x``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import fields
from datetime import date, timedelta
from itertools import chain
from operator import attrgetter
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from followup_tui.domain.calendar import BusinessCalendar
from followup_tui.i18n import t
from followup_tui.render.gantt import (
    HEADER_HEIGHT,
    DateAxis,
    GanttPainter,
    GanttPalette,
    Zoom,
    legend,
)
from followup_tui.services.timeline.views import MilestoneBar, TimelineOrder
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.widgets.table_render import to_strip

__all__ = ["GanttView", "Zoom"]

PALETTE_NAMES = tuple(f.name for f in fields(GanttPalette) if f.name != "header")
"""Palette styles read from the widget's component classes (``off_day``: ``--off-day``);
the header's style goes under the whole header line instead."""

LEAD_DAYS = 14  # axis days before the earliest bar (or today): the first bar's context
TAIL_DAYS = 28  # axis days after the latest bar or promise: room to see a shift land

_PROMISES = ("promised", "projected")  # the order's dates that reach past its bars
Identity = tuple[int | None, int | None]  # (order_id, milestone_id) under the cursor


def _dates(items: Sequence[object], *names: str) -> Iterator[date]:
    """Every set date in the named fields of ``items`` (a C-speed walk of 100k bars)."""
    return filter(None, chain.from_iterable(map(attrgetter(name), items) for name in names))


def _binding(keys: str, action: str, description: str, tooltip: str, show: bool = False) -> Binding:
    """A binding with an id (``gantt.zoom-in``) for keymaps and ``keys.gantt.*``."""
    binding_id = "gantt." + action.replace("_", "-")
    return Binding(keys, action, description, show=show, id=binding_id, tooltip=tooltip)


class GanttView(ScrollView, can_focus=True, inherit_bindings=False):
    """Orders as summary bars, opened orders with a bar per milestone, on a date axis.

    Attributes go down (``set_rows``, ``set_today``, ``zoom``, ``toggle_expanded``) and
    the cursor's moves go up as :class:`CursorMoved`. The cursor is a visible row: an
    order, or a milestone of an opened order; replacing the rows keeps it on the same
    order and milestone when they are still there.
    """

    _PARTS = ("header", "cursor", "empty", *(name.replace("_", "-") for name in PALETTE_NAMES))
    COMPONENT_CLASSES: ClassVar[set[str]] = {f"gantt-view--{part}" for part in _PARTS}

    DEFAULT_CSS = """
    GanttView {
        height: 1fr;
        background: $surface;
        color: $foreground;
        scrollbar-size: 1 1;
        & > .gantt-view--header { background: $panel; color: $foreground; text-style: bold; }
        & > .gantt-view--cursor { background: $block-cursor-blurred-background; }
        &:focus > .gantt-view--cursor { background: $block-cursor-background; }
        & > .gantt-view--empty { color: $text-muted; }
        & > .gantt-view--planned { color: $foreground; }
        & > .gantt-view--actual { color: $primary; }
        & > .gantt-view--done { color: $success; }
        & > .gantt-view--buffer { color: $text-muted; }
        & > .gantt-view--late { color: $error; text-style: bold; }
        & > .gantt-view--at-risk { color: $warning; text-style: bold; }
        & > .gantt-view--today { color: $accent; text-style: bold; }
        & > .gantt-view--promised { text-style: bold; }
        & > .gantt-view--off-day { background: $panel-lighten-1; }
        & > .gantt-view--unknown-day { color: $warning; text-style: bold; }
        & > .gantt-view--order-no { text-style: bold; }
        & > .gantt-view--muted { color: $text-muted; }
    }
    """

    # English descriptions: bindings are class data, built before a language is chosen;
    # translate_bindings gives each instance its clerk's language from keys.gantt.*.
    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("up", "cursor_up", "Up", "Move to the row above"),
        _binding("down", "cursor_down", "Down", "Move to the row below"),
        _binding("pageup", "page_up", "Page up", "Move up one screen of rows"),
        _binding("pagedown", "page_down", "Page down", "Move down one screen of rows"),
        _binding("home", "first", "First", "Jump to the first order"),
        _binding("end", "last", "Last", "Jump to the last row"),
        _binding("left", "scroll_left", "Earlier", "Scroll the timeline a week earlier"),
        _binding("right", "scroll_right", "Later", "Scroll the timeline a week later"),
        _binding("shift+left", "page_left", "Earlier page", "Scroll one screen earlier"),
        _binding("shift+right", "page_right", "Later page", "Scroll one screen later"),
        _binding(
            "space", "toggle_expand", "Milestones", "Open or close the order's milestones", True
        ),
        _binding("plus,equals_sign", "zoom_in", "Zoom in", "Show fewer days, wider", True),
        _binding("minus", "zoom_out", "Zoom out", "Show more days, narrower", True),
        _binding("t,full_stop", "today", "Today", "Scroll so today's line is in view", True),
    ]

    zoom: reactive[Zoom] = reactive(Zoom.WEEK, init=False)
    """Day, week or month zoom; changing it keeps the date in the middle of the view."""

    class CursorMoved(Message):
        """The cursor is on another order or milestone (both None when there are no rows).

        Queued instances replace each other, so holding a key down sends the screen one
        message for where the cursor ended up.
        """

        def __init__(
            self, gantt: GanttView, order_id: int | None, milestone_id: int | None
        ) -> None:
            super().__init__()
            self.gantt, self.order_id, self.milestone_id = gantt, order_id, milestone_id

        @property
        def control(self) -> GanttView:
            return self.gantt

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, GanttView.CursorMoved) and message.gantt is self.gantt

    def __init__(
        self,
        rows: Sequence[TimelineOrder] = (),
        *,
        today: date,
        calendar: BusinessCalendar | None = None,
        zoom: Zoom = Zoom.WEEK,
        label_width: int = 28,
        status_width: int = 30,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        translate_bindings(self)
        self.set_reactive(GanttView.zoom, zoom)
        self._today, self._calendar = today, calendar
        self.label_width, self.status_width = label_width, status_width
        self._rows: tuple[TimelineOrder, ...] = ()
        self._index_of: dict[int, int] = {}
        self._expanded: set[int] = set()
        self._cursor = 0
        self._origin = self._last = today
        self._axis = DateAxis(today, zoom)
        self._painter: GanttPainter | None = None
        self._palette: GanttPalette | None = None
        self._strips: dict[tuple[object, ...], Strip] = {}
        self._today_shown = False
        self.set_rows(rows)

    # -- state going down -------------------------------------------------------------

    @property
    def rows(self) -> Sequence[TimelineOrder]:
        return self._rows

    @property
    def expanded(self) -> frozenset[int]:
        """The order ids whose milestones are showing."""
        return frozenset(self._expanded)

    @property
    def axis(self) -> DateAxis:
        return self._axis

    @property
    def cursor(self) -> tuple[int, int | None] | None:
        """(order index, milestone index or None) under the cursor; None without rows."""
        visible = self.painter.visible_rows()
        return visible[self._cursor] if visible else None

    @property
    def current_order(self) -> TimelineOrder | None:
        cursor = self.cursor
        return None if cursor is None else self._rows[cursor[0]]

    @property
    def current_milestone(self) -> MilestoneBar | None:
        cursor = self.cursor
        if cursor is None or cursor[1] is None:
            return None
        return self._rows[cursor[0]].milestones[cursor[1]]

    @property
    def first_column(self) -> int:
        """The axis column at the left edge of the bar area."""
        return self.scroll_offset.x

    @property
    def bar_width(self) -> int:
        return self.painter.widths(self.scrollable_content_region.width)[1]

    @property
    def painter(self) -> GanttPainter:
        """The painter for the current state, built when first needed after a change."""
        if self._painter is None:
            self._painter = GanttPainter(
                self._rows,
                frozenset(self._expanded),
                self._axis,
                self._today,
                self._calendar,
                label_width=self.label_width,
                status_width=self.status_width,
                palette=self._palette_now(),
            )
        return self._painter

    def set_rows(self, rows: Sequence[TimelineOrder]) -> None:
        """Show ``rows``, keeping the cursor on its order (and milestone) and the axis on
        its dates. Orders that are the very objects shown before (a shift replaces one)
        are not measured again: the axis only grows to fit the others."""
        old, old_row = self._identity(), self._cursor
        left = self._axis.date_at(self.first_column) if self._today_shown else None
        before, self._rows = self._rows, tuple(rows)
        shown = set(map(id, before))  # ``before`` keeps them alive, so ids are unique
        changed = [order for order in self._rows if id(order) not in shown]
        self._index_of = {order.order_id: index for index, order in enumerate(self._rows)}
        self._expanded &= self._index_of.keys()
        first, last = self._date_range(changed)
        if before and len(changed) < len(self._rows):
            first, last = min(first, self._origin), max(last, self._last)
        self._origin, self._last = first, last
        self._rebuild(DateAxis(self._origin, self.zoom))
        if left is not None:
            self._scroll(x=self._axis.column_of(left))
        self._show_today_once()
        self._place_cursor(old, self._row_of(old, fallback=old_row))

    def set_today(self, today: date) -> None:
        """A new desk day (the clock is the screen's): bars in progress grow to it."""
        self._today, self._last = today, max(self._last, today + timedelta(days=TAIL_DAYS))
        self._rebuild(self._axis)

    def toggle_expanded(self, order_id: int | None = None) -> None:
        """Open or close an order's milestones (the cursor's order by default); closing
        the order the cursor is inside puts the cursor on the order."""
        cursor = self.cursor
        if order_id is None and cursor is not None:
            order_id = self._rows[cursor[0]].order_id
        if order_id is None or order_id not in self._index_of:
            return
        old = target = self._identity()
        if order_id in self._expanded:
            self._expanded.discard(order_id)
            if old[0] == order_id:
                target = (order_id, None)
        else:
            self._expanded.add(order_id)
        self._rebuild(self._axis)
        self._place_cursor(old, self._row_of(target, fallback=self._cursor))

    def move_cursor_to(self, order_id: int, milestone_id: int | None = None) -> bool:
        """Put the cursor on an order (or a milestone of an opened order); False when it
        is not shown."""
        if order_id not in self._index_of:
            return False
        row = self._row_of((order_id, milestone_id), fallback=self._cursor)
        self._place_cursor(self._identity(), row)
        return True

    def scroll_to_date(self, day: date) -> None:
        """Scroll ``day`` a third into the bars: in a follow-up, what comes next matters."""
        self._scroll(x=self._axis.column_of(day) - self.bar_width // 3)

    def legend(self) -> Text:
        """The glyph key in this widget's colours, for the screen's footer line."""
        return legend(self._palette_now())

    # -- actions ----------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._move_to(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._move_to(self._cursor + 1)

    def action_page_up(self) -> None:
        self._move_to(self._cursor - self._page())

    def action_page_down(self) -> None:
        self._move_to(self._cursor + self._page())

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        self._move_to(len(self.painter.visible_rows()) - 1)

    def action_scroll_left(self) -> None:
        self._scroll(x=self.first_column - self._axis.columns_for_days(7))

    def action_scroll_right(self) -> None:
        self._scroll(x=self.first_column + self._axis.columns_for_days(7))

    def action_page_left(self) -> None:
        self._scroll(x=self.first_column - max(1, self.bar_width))

    def action_page_right(self) -> None:
        self._scroll(x=self.first_column + max(1, self.bar_width))

    def action_toggle_expand(self) -> None:
        self.toggle_expanded()

    def action_zoom_in(self) -> None:
        self.zoom = self.zoom.zoomed(-1)

    def action_zoom_out(self) -> None:
        self.zoom = self.zoom.zoomed(1)

    def action_today(self) -> None:
        self.scroll_to_date(self._today)

    def watch_zoom(self, old: Zoom, new: Zoom) -> None:
        """Re-scale the axis around the date in the middle of the bar area."""
        middle = self._axis.date_at(self.first_column + self.bar_width // 2)
        self._rebuild(DateAxis(self._origin, new))
        self._scroll(x=self._axis.column_of(middle) - self.bar_width // 2)

    def on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self._show_today_once()
        self._cursor_into_view()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < HEADER_HEIGHT:
            return
        self._move_to(self.scroll_offset.y + offset.y - HEADER_HEIGHT)
        if event.chain >= 2:
            self.toggle_expanded()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._palette = None
        self._painter = None
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        width, first = self.scrollable_content_region.width, self.first_column
        base, console = self.rich_style, self.app.console
        if y < HEADER_HEIGHT:
            cached = self._strips.get(("header", y, first, width))
            if cached is not None:
                return cached
            style = base + self.get_component_rich_style("gantt-view--header")
            lines = [
                to_strip(line, width, style, console)
                for line in self.painter.header_lines(first, width)
            ]
            for index, strip in enumerate(lines):
                self._remember(("header", index, first, width), strip)
            return lines[y]
        visible = self.painter.visible_rows()
        row = self.scroll_offset.y + y - HEADER_HEIGHT
        if not visible and y == HEADER_HEIGHT:
            style = base + self.get_component_rich_style("gantt-view--empty")
            return to_strip(Text(" " + t("gantt.empty")), width, style, console)
        if row >= len(visible):
            return Strip.blank(width, base)
        is_cursor = row == self._cursor
        key = (visible[row], is_cursor, first, width)
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        style = base + self.get_component_rich_style("gantt-view--cursor") if is_cursor else base
        line = self.painter.line(row, first, width, cursor=is_cursor)
        return self._remember(key, to_strip(line, width, style, console))

    def _palette_now(self) -> GanttPalette:
        """The palette from this widget's CSS (themes apply), or the plain one before
        the widget is styled."""
        if self._palette is None:
            if not self.is_mounted:
                return GanttPalette()
            style = self.get_component_rich_style
            styles = {
                name: style(f"gantt-view--{name.replace('_', '-')}", partial=True)
                for name in PALETTE_NAMES
            }
            self._palette = GanttPalette(header=Style(), **styles)
        return self._palette

    def _remember(self, key: tuple[object, ...], strip: Strip) -> Strip:
        if len(self._strips) >= 1024:
            self._strips.clear()
        self._strips[key] = strip
        return strip

    def _date_range(self, rows: Sequence[TimelineOrder]) -> tuple[date, date]:
        """The axis: from a Monday ``LEAD_DAYS`` before the earliest bar (or today) to
        ``TAIL_DAYS`` after the latest bar, promise or projection (or today)."""
        today = self._today
        milestones = list(chain.from_iterable(order.milestones for order in rows))
        starts = _dates(milestones, "planned_start", "actual_start")
        ends = chain(_dates(milestones, "buffer_end", "actual_end"), _dates(rows, *_PROMISES))
        first = min(min(starts, default=today), today) - timedelta(days=LEAD_DAYS)
        last = max(max(ends, default=today), today) + timedelta(days=TAIL_DAYS)
        return first - timedelta(days=first.weekday()), last

    def _rebuild(self, axis: DateAxis) -> None:
        """Drop the painter and the drawn lines, and size the scroll area to the axis."""
        self._axis, self._painter = axis, None
        self._strips.clear()
        width = self.label_width + axis.width_for(self._origin, self._last) + self.status_width
        self.virtual_size = Size(width, HEADER_HEIGHT + len(self.painter.visible_rows()))
        self.refresh()

    def _identity(self) -> Identity:
        cursor = self.cursor
        if cursor is None:
            return (None, None)
        order = self._rows[cursor[0]]
        milestone = None if cursor[1] is None else order.milestones[cursor[1]].milestone_id
        return (order.order_id, milestone)

    def _row_of(self, identity: Identity, *, fallback: int) -> int:
        """The visible row of an (order, milestone); ``fallback`` (kept in range) when
        that order is gone."""
        visible = self.painter.visible_rows()
        order_id, milestone_id = identity
        index = self._index_of.get(order_id) if order_id is not None else None
        if index is None:
            return max(0, min(fallback, len(visible) - 1))
        ids = [m.milestone_id for m in self._rows[index].milestones]
        milestone = ids.index(milestone_id) if milestone_id in ids else None
        return self.painter.row_index_of(index, milestone)

    def _move_to(self, row: int) -> None:
        self._place_cursor(self._identity(), row)

    def _place_cursor(self, old: Identity, row: int) -> None:
        """Put the cursor on visible ``row`` (kept in range), scroll it into view, and
        tell the screen when it landed on another order or milestone than ``old``."""
        self._cursor = max(0, min(row, len(self.painter.visible_rows()) - 1))
        self._cursor_into_view()
        if (new := self._identity()) != old:
            self.post_message(self.CursorMoved(self, *new))
        self.refresh()

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER_HEIGHT)

    def _cursor_into_view(self) -> None:
        top, page = self.scroll_offset.y, self._page()
        if self._cursor < top:
            self._scroll(y=self._cursor)
        elif self._cursor >= top + page:
            self._scroll(y=self._cursor - page + 1)

    def _scroll(self, x: int | None = None, y: int | None = None) -> None:
        """Scroll at once, clamped to the virtual size (``force``: the scrollbars are laid
        out after the frame, but the new virtual size is known now)."""
        if self.is_mounted:
            axis = self._axis  # whole days only, so a day's cells never split at the edge
            self.scroll_to(
                x=None if x is None else max(0, axis.column_of(axis.date_at(x))),
                y=None if y is None else max(0, y),
                animate=False,
                force=True,
            )

    def _show_today_once(self) -> None:
        """The first time the widget has a size, put today in view."""
        if not self._today_shown and self.scrollable_content_region.width > 0:
            self._today_shown = True
            self.scroll_to_date(self._today)
