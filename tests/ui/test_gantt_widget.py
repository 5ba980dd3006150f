"""The Gantt: its picture line by line (render.gantt) and its keys (GanttView).

Fixtures are built by hand, without a store: the widget only ever sees TimelineOrder
and MilestoneBar values. Today is Friday 2026-11-27. pytest-asyncio is not installed,
so each Pilot test runs its coroutine with ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from datetime import date, timedelta

import pytest
from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from followup_tui.domain.calendar import BusinessCalendar, load_calendar
from followup_tui.i18n import current_language, use_language
from followup_tui.render.gantt import (
    PROMISED_GLYPH,
    TODAY_LINE,
    TODAY_MARK,
    UNKNOWN_MARK,
    DateAxis,
    GanttPainter,
    GanttPalette,
    VisibleRows,
    Zoom,
    legend,
)
from followup_tui.services.timeline.views import MilestoneBar, TimelineOrder
from followup_tui.widgets.gantt import GanttView

TODAY = date(2026, 11, 27)
WIDTH = 120
LABEL, STATUS = 28, 30
CHINESE = "深圳市华强电子有限公司"
PALETTE = GanttPalette()


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Each test speaks English unless it switches; the language is put back after."""
    before = current_language()
    use_language("en")
    yield
    use_language(before)


def bar(
    milestone_id: int,
    key: str,
    start: date,
    days: int,
    *,
    buffer: int = 0,
    actual: tuple[date, date | None] | None = None,
    exception: str | None = None,
) -> MilestoneBar:
    """A milestone of order ``milestone_id // 10``; late when it has an exception."""
    end = start + timedelta(days=days - 1)
    begun, finished = actual or (None, None)
    status = "planned" if begun is None else "started" if finished is None else "done"
    party = "supplier" if exception else "production"
    return MilestoneBar(
        milestone_id,
        milestone_id // 10,
        key,
        start,
        end,
        end + timedelta(days=buffer),
        begun,
        finished,
        status,
        party,
        "李娜",
        "[bold]not markup[/]",
        bool(exception),
        exception,
        1,
    )


def make_order(
    order_id: int,
    customer: str = "Acme GmbH",
    *,
    start: date = date(2026, 11, 16),
    promised: date = date(2026, 12, 18),
    late: bool = False,
    at_risk: bool = False,
    days_short: int = 0,
    calendar_note: int | None = None,
) -> TimelineOrder:
    """Three milestones: production done, QC running (late, with an equipment failure,
    when the order is), shipping planned from ``start`` + 15 days."""
    base = order_id * 10

    def on(offset: int) -> date:
        return start + timedelta(days=offset)

    exception = "equipment_failure" if late else None
    milestones = (
        bar(base + 1, "production", start, 7, buffer=1, actual=(start, on(6))),
        bar(base + 2, "qc", on(8), 5, actual=(on(9), None), exception=exception),
        bar(base + 3, "shipping", on(15), 4, buffer=2),
    )
    head = (order_id, f"PO-2026-{order_id:05d}", customer, "zh", "李娜", "qc", promised)
    plan = (promised + timedelta(days=days_short), days_short, late, at_risk, milestones)
    return TimelineOrder(*head, *plan, calendar_note)


def sample() -> list[TimelineOrder]:
    return [
        make_order(1, CHINESE, promised=date(2026, 11, 25), late=True, days_short=2),
        make_order(2, "[@click=app.quit]x[/]", at_risk=True, days_short=3),
        make_order(3, "上海某某贸易\x1b[2J"),
    ]


def painter(
    rows: list[TimelineOrder] | None = None,
    *,
    zoom: Zoom = Zoom.WEEK,
    origin: date = date(2026, 11, 9),
    expanded: frozenset[int] = frozenset(),
    calendar: BusinessCalendar | None = None,
    label_width: int = LABEL,
    status_width: int = STATUS,
) -> GanttPainter:
    rows = sample() if rows is None else rows
    axis = DateAxis(origin, zoom)
    widths = {"label_width": label_width, "status_width": status_width}
    return GanttPainter(rows, expanded, axis, TODAY, calendar, palette=PALETTE, **widths)


def char_index(text: Text, cell: int) -> int:
    """The index of the character that starts at terminal cell ``cell``."""
    cells = 0
    for index, char in enumerate(text.plain):
        if cells == cell:
            return index
        cells += cell_len(char)
    raise AssertionError(f"no character starts at cell {cell}")


def at_cell(text: Text, cell: int) -> str:
    return text.plain[char_index(text, cell)]


def style_at_cell(text: Text, cell: int) -> Style:
    index = char_index(text, cell)
    styles = [text.style, *(span.style for span in text.spans if span.start <= index < span.end)]
    return Style.combine(s if isinstance(s, Style) else Style.parse(s) for s in styles)


def bar_cell(gantt: GanttPainter, day: date, first_column: int = 0) -> int:
    """The screen cell where ``day``'s bar cells start."""
    return gantt.label_width + gantt.axis.column_of(day) - first_column


def test_axis_columns_per_zoom() -> None:
    origin = date(2026, 11, 2)
    day, week, month = (DateAxis(origin, zoom) for zoom in Zoom)
    assert [day.column_of(origin + timedelta(days=n)) for n in range(3)] == [0, 4, 8]
    assert [week.column_of(origin + timedelta(days=n)) for n in range(3)] == [0, 2, 4]
    assert [month.column_of(origin + timedelta(days=n)) for n in range(4)] == [0, 0, 1, 1]
    assert day.date_at(5) == origin + timedelta(days=1)
    assert month.date_at(3) == origin + timedelta(days=6)
    assert week.date_at(-1) == origin - timedelta(days=1)
    assert day.width_for(origin, origin) == 4
    assert week.width_for(origin, origin + timedelta(days=6)) == 14
    assert month.width_for(origin, origin + timedelta(days=29)) == 15
    assert [axis.columns_for_days(7) for axis in (day, week, month)] == [28, 14, 4]
    assert Zoom.DAY.zoomed(-1) is Zoom.DAY and Zoom.WEEK.zoomed(1) is Zoom.MONTH


def test_visible_rows_are_the_flattened_lines_without_holding_them() -> None:
    rows = [make_order(n) for n in range(1, 13)]
    opened = frozenset({1, 2, 7, 12})
    visible = VisibleRows(rows, opened)
    flat: list[tuple[int, int | None]] = [(i, None) for i in range(12)]
    for i in sorted((order_id - 1 for order_id in opened), reverse=True):
        flat[i + 1 : i + 1] = [(i, m) for m in range(3)]
    assert [visible[line] for line in range(len(visible))] == flat
    assert [visible.line_of(*row) for row in flat] == list(range(len(flat)))
    with pytest.raises(IndexError):
        visible[len(flat)]


def test_late_order_carries_the_mark_and_the_late_colour() -> None:
    gantt = painter()
    line = gantt.line(0, 0, WIDTH)
    assert "‼" in line.plain[:4]
    assert style_at_cell(line, 2).color == PALETTE.late.color
    status = line.plain[-STATUS:]
    assert "◆11-25 ‼ 2 bd late" in status  # business days, named
    assert style_at_cell(line, WIDTH - STATUS + 1).color == PALETTE.late.color
    # the summary bar is red where work is planned or running, green where it is done
    qc_running = bar_cell(gantt, date(2026, 11, 26))
    assert at_cell(line, qc_running) == "▓"
    assert style_at_cell(line, qc_running).color == PALETTE.late.color
    assert at_cell(line, bar_cell(gantt, date(2026, 11, 17))) == "█"
    assert style_at_cell(line, bar_cell(gantt, date(2026, 11, 17))).color == PALETTE.done.color


def test_at_risk_order_is_marked_with_a_bang() -> None:
    line = painter().line(1, 0, WIDTH)
    assert line.plain[2] == "!"
    assert style_at_cell(line, 2).color == PALETTE.at_risk.color
    assert "◆12-18 ! 3 bd short" in line.plain
    on_time = painter().line(2, 0, WIDTH)
    assert on_time.plain[2] == " " and "late" not in on_time.plain


def test_promised_date_diamond_sits_in_its_column() -> None:
    promised = date(2026, 12, 18)
    for zoom in Zoom:
        gantt = painter(zoom=zoom)
        first = gantt.axis.column_of(promised) - 20  # the promise 20 cells into the bars
        line = gantt.line(1, first, WIDTH)
        assert at_cell(line, LABEL + 20) == PROMISED_GLYPH
        assert line.plain.count(PROMISED_GLYPH) == 2  # the bar's, and the status column's
        assert at_cell(line, bar_cell(gantt, promised, first)) == PROMISED_GLYPH


def test_todays_line_and_header_marker_share_a_column() -> None:
    gantt = painter(expanded=frozenset({3}))
    shipping = gantt.row_index_of(2, 2)
    today = bar_cell(gantt, TODAY)
    assert at_cell(gantt.line(shipping, 0, WIDTH), today) == TODAY_LINE
    header = gantt.header_lines(0, WIDTH)
    assert at_cell(header[1], today) == TODAY_MARK
    assert "▶ today 11-27" in header[1].plain
    # out of the window: no line, no marker
    late_view = gantt.line(shipping, 200, WIDTH)
    assert TODAY_LINE not in late_view.plain
    assert TODAY_MARK not in gantt.header_lines(200, WIDTH)[1].plain[LABEL:-STATUS]


def test_expanded_order_shows_milestones_with_tree_and_exception() -> None:
    gantt = painter(expanded=frozenset({1}))
    visible = gantt.visible_rows()
    assert [visible[line] for line in range(len(visible))] == [
        (0, None),
        (0, 0),
        (0, 1),
        (0, 2),
        (1, None),
        (2, None),
    ]
    assert gantt.row_index_of(1) == 4 and gantt.row_index_of(0, 2) == 3
    production, qc, shipping = (gantt.line(row, 0, WIDTH) for row in (1, 2, 3))
    assert "├ production" in production.plain and "└ shipping" in shipping.plain
    assert "done (production)" in production.plain
    assert "‼" in qc.plain[:4]
    assert qc.plain.endswith("‼ late: equipment failure (s…")  # cut to the status column
    wide = painter(expanded=frozenset({1}), status_width=40)
    assert "‼ late: equipment failure (supplier)" in wide.line(2, 0, WIDTH).plain
    assert style_at_cell(qc, bar_cell(gantt, date(2026, 11, 26))).color == PALETTE.late.color
    assert at_cell(shipping, bar_cell(gantt, date(2026, 12, 1))) == "░"
    assert at_cell(shipping, bar_cell(gantt, date(2026, 12, 5))) == "·"  # the buffer
    assert gantt.line(0, 0, WIDTH).plain[1] == "▾"
    assert gantt.line(4, 0, WIDTH).plain[1] == "▸"


def test_user_text_is_shown_as_typed_never_as_markup() -> None:
    gantt = painter(label_width=60)
    line = gantt.line(1, 0, 200)
    assert "[@click=app.quit]x[/]" in line.plain
    assert not any("link" in str(span.style) for span in line.spans)
    escaped = gantt.line(2, 0, 200)
    assert "\x1b" not in escaped.plain and "上海某某贸易\ufffd[2J" in escaped.plain


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("zoom", list(Zoom))
def test_every_line_is_exactly_the_width_with_chinese_names(language: str, zoom: Zoom) -> None:
    use_language(language)
    gantt = painter(zoom=zoom, expanded=frozenset({1, 2, 3}))
    for first_column in (0, 7, 33):
        lines = gantt.header_lines(first_column, WIDTH)
        lines += [gantt.line(row, first_column, WIDTH) for row in range(len(gantt.visible_rows()))]
        for line in lines:
            assert cell_len(line.plain) == WIDTH, line.plain
            # the status column starts in the same cell on every line
            assert at_cell(line, WIDTH - STATUS) == " "
    order_lines = [gantt.line(gantt.row_index_of(i), 0, WIDTH) for i in range(3)]
    assert {at_cell(line, WIDTH - STATUS + 1) for line in order_lines} == {PROMISED_GLYPH}
    assert "深圳市华强电子有限公司"[:3] in order_lines[0].plain
    assert "…" in order_lines[0].plain  # the long name is cut with an ellipsis, by cells


def test_narrow_width_gives_up_the_bars_first() -> None:
    gantt = painter()
    assert gantt.widths(40) == (28, 0, 12)
    for width in (0, 10, 40, 56, 57):
        assert cell_len(gantt.line(0, 0, width).plain) == width
        assert all(cell_len(line.plain) == width for line in gantt.header_lines(0, width))


def national_day_order() -> TimelineOrder:
    return make_order(7, CHINESE, start=date(2026, 9, 28), promised=date(2026, 10, 30))


def test_national_day_week_is_shaded_from_the_calendar() -> None:
    gantt = painter(
        [national_day_order()], origin=date(2026, 9, 21), calendar=load_calendar("cn-mainland")
    )
    line = gantt.line(0, 0, WIDTH)
    shade = PALETTE.off_day.bgcolor
    for offset in range(7):  # 2026-10-01..07, the holiday, Thursday to Wednesday
        day = date(2026, 10, 1) + timedelta(days=offset)
        assert style_at_cell(line, bar_cell(gantt, day)).bgcolor == shade, day
    assert style_at_cell(line, bar_cell(gantt, date(2026, 9, 30))).bgcolor != shade
    assert style_at_cell(line, bar_cell(gantt, date(2026, 10, 8))).bgcolor != shade
    # Saturday 10-10 is a make-up workday (调休); Sunday 10-11 is a plain weekend day
    assert style_at_cell(line, bar_cell(gantt, date(2026, 10, 10))).bgcolor != shade
    assert style_at_cell(line, bar_cell(gantt, date(2026, 10, 11))).bgcolor == shade
    days = gantt.header_lines(0, WIDTH)[1]
    assert style_at_cell(days, bar_cell(gantt, date(2026, 10, 2))).bgcolor == shade


def test_a_year_the_calendar_does_not_know_is_marked_not_shaded() -> None:
    rows = [make_order(8, start=date(2026, 12, 21), promised=date(2027, 1, 15), calendar_note=2027)]
    gantt = painter(rows, origin=date(2026, 12, 14), calendar=load_calendar("cn-mainland"))
    line, days = gantt.line(0, 0, WIDTH), gantt.header_lines(0, WIDTH)[1]
    shade = PALETTE.off_day.bgcolor
    known_saturday, unknown_saturday = date(2026, 12, 26), date(2027, 1, 2)
    assert style_at_cell(line, bar_cell(gantt, known_saturday)).bgcolor == shade
    assert style_at_cell(line, bar_cell(gantt, unknown_saturday)).bgcolor != shade
    assert at_cell(days, bar_cell(gantt, unknown_saturday)) == UNKNOWN_MARK
    assert at_cell(days, bar_cell(gantt, date(2027, 1, 4))) == UNKNOWN_MARK
    assert at_cell(days, bar_cell(gantt, date(2026, 12, 28))) == "M"
    assert "~2027" in line.plain  # the order's own note (an estimate), in the status column
    month = painter(
        rows, zoom=Zoom.MONTH, origin=date(2026, 11, 2), calendar=load_calendar("cn-mainland")
    )
    assert "2027-01?" in month.header_lines(0, WIDTH)[0].plain


def test_week_zoom_labels_mondays_and_day_zoom_numbers_days() -> None:
    use_language("zh_CN")
    week = painter().header_lines(0, WIDTH)
    assert "11-16 周一" in week[0].plain
    assert week[0].plain[char_index(week[0], LABEL) :].startswith("2026-11-09")
    day = painter(zoom=Zoom.DAY).header_lines(0, WIDTH)
    assert day[1].plain[char_index(day[1], LABEL) :].startswith("09一10二11三")
    assert "2026-12" in painter(zoom=Zoom.MONTH).header_lines(0, WIDTH)[0].plain


def test_legend_names_every_glyph() -> None:
    assert all(glyph in legend().plain for glyph in "▓█░·◆▶‼!?")
    use_language("zh_CN")
    assert "有风险" in legend().plain


# -- the widget -------------------------------------------------------------------------


class GanttApp(App[None]):
    def __init__(self, rows: list[TimelineOrder]) -> None:
        super().__init__()
        self.rows = rows
        self.moved: list[tuple[int | None, int | None]] = []

    def compose(self) -> ComposeResult:
        yield GanttView(self.rows, today=TODAY, calendar=load_calendar("cn-mainland"), id="gantt")

    def on_mount(self) -> None:
        self.gantt.focus()

    @property
    def gantt(self) -> GanttView:
        return self.query_one("#gantt", GanttView)

    def on_gantt_view_cursor_moved(self, event: GanttView.CursorMoved) -> None:
        self.moved.append((event.order_id, event.milestone_id))


def run(
    body: Callable[[GanttApp, Pilot[None]], Awaitable[None]],
    rows: list[TimelineOrder] | None = None,
) -> GanttApp:
    app = GanttApp(sample() if rows is None else rows)

    async def inner() -> None:
        async with app.run_test(size=(WIDTH, 35)) as pilot:
            await pilot.pause()
            await body(app, pilot)

    asyncio.run(inner())
    return app


def many(count: int) -> list[TimelineOrder]:
    return [make_order(n, CHINESE if n % 2 else "Acme GmbH") for n in range(1, count + 1)]


def test_keys_move_between_orders_and_milestones_and_space_expands() -> None:
    async def body(app: GanttApp, pilot: Pilot[None]) -> None:
        gantt = app.gantt
        assert gantt.cursor == (0, None) and app.moved == [(1, None)]
        await pilot.press("down")
        assert gantt.current_order is not None and gantt.current_order.order_id == 2
        await pilot.press("space", "down", "down")
        await pilot.pause()
        assert gantt.cursor == (1, 1)
        assert gantt.current_milestone is not None and gantt.current_milestone.key == "qc"
        assert app.moved[-1] == (2, 22)
        await pilot.press("down", "down", "down")
        assert gantt.cursor == (2, None)
        await pilot.press("up", "space")  # closing from a milestone lands on its order
        await pilot.pause()
        assert gantt.cursor == (1, None) and app.moved[-1] == (2, None)
        assert gantt.expanded == frozenset()
        await pilot.press("end")
        assert gantt.cursor == (2, None)
        await pilot.press("home")
        assert gantt.cursor == (0, None)

    run(body)


def test_plus_and_minus_zoom_and_stop_at_the_ends() -> None:
    async def body(app: GanttApp, pilot: Pilot[None]) -> None:
        gantt = app.gantt
        assert gantt.zoom is Zoom.WEEK
        await pilot.press("plus")
        assert gantt.zoom is Zoom.DAY
        await pilot.press("plus")
        assert gantt.zoom is Zoom.DAY
        await pilot.press("minus", "minus", "minus")
        await pilot.pause()
        assert gantt.zoom is Zoom.MONTH
        assert "Zoom: month" in gantt.render_line(1).text

    run(body)


def test_arrows_scroll_a_week_and_the_today_key_scrolls_back() -> None:
    async def body(app: GanttApp, pilot: Pilot[None]) -> None:
        gantt = app.gantt
        today, start = gantt.axis.column_of(TODAY), gantt.first_column
        assert start <= today < start + gantt.bar_width
        await pilot.press("right")
        await pilot.pause()
        assert gantt.axis.date_at(gantt.first_column) == gantt.axis.date_at(start) + timedelta(7)
        await pilot.press("left", "left")
        await pilot.pause()
        assert gantt.first_column == start - 14  # a week is 14 cells at week zoom
        await pilot.press("plus", *["shift+right"] * 4)  # at day zoom, far from today
        await pilot.pause()
        today = gantt.axis.column_of(TODAY)
        assert not gantt.first_column <= today < gantt.first_column + gantt.bar_width
        await pilot.press("t")
        await pilot.pause()
        assert gantt.first_column <= today < gantt.first_column + gantt.bar_width
        assert TODAY_MARK in gantt.render_line(1).text

    run(body)


def test_header_stays_on_top_while_rows_scroll() -> None:
    async def body(app: GanttApp, pilot: Pilot[None]) -> None:
        gantt = app.gantt
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert gantt.scroll_offset.y > 0
        assert gantt.render_line(0).text.startswith(" Order · customer")
        cursor_line = gantt.cursor[0] - gantt.scroll_offset.y + 2  # type: ignore[index]
        assert gantt.render_line(cursor_line).text.startswith("▌")

    run(body, many(100))


def test_new_rows_keep_the_cursor_on_the_same_milestone() -> None:
    async def body(app: GanttApp, pilot: Pilot[None]) -> None:
        gantt = app.gantt
        await pilot.press("down", "down", "space", "down", "down", "down")
        await pilot.pause()
        assert gantt.current_milestone and gantt.current_milestone.milestone_id == 33
        moved, width = len(app.moved), gantt.virtual_size.width
        gantt.set_rows(list(reversed(sample())))
        await pilot.pause()
        assert gantt.cursor == (0, 2)  # order 3 is first now, still open, still on shipping
        assert len(app.moved) == moved  # same order and milestone: nothing to tell
        shifted = make_order(2, promised=date(2027, 3, 1))
        gantt.set_rows([make_order(1), shifted])
        await pilot.pause()
        assert gantt.current_order is shifted and app.moved[-1] == (2, None)
        assert gantt.virtual_size.width > width  # the axis grew to show the new promise
        assert gantt.axis.column_of(date(2027, 3, 1)) < gantt.virtual_size.width - LABEL - STATUS

    run(body)


def test_empty_timeline_says_so() -> None:
    async def body(app: GanttApp, pilot: Pilot[None]) -> None:
        assert app.gantt.cursor is None
        assert "No open orders" in app.gantt.render_line(2).text
        await pilot.press("down", "space", "plus")

    run(body, [])


def test_key_descriptions_speak_chinese() -> None:
    use_language("zh_CN")

    async def body(app: GanttApp, pilot: Pilot[None]) -> None:
        descriptions = {
            binding.id: binding.description
            for bindings in app.gantt._bindings.key_to_bindings.values()
            for binding in bindings
        }
        assert descriptions["gantt.zoom-in"] == "放大"
        assert descriptions["gantt.toggle-expand"] == "节点"
        keys = set(app.gantt._bindings.key_to_bindings)
        assert not keys & {"less_than_sign", "greater_than_sign", "s", "d", "l", "x"}

    run(body)
