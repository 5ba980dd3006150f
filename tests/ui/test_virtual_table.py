"""Behaviour of the virtual table over a large in-memory keyset source.

The fake source counts every row it hands out, so the tests can prove the widget pages
through 100,000 rows without ever loading them (the reason the widget exists).
pytest-asyncio is not installed, so each test runs its coroutine with ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from bisect import bisect_left, bisect_right
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.strip import Strip

from followup_tui.widgets.keyset_window import KeysetWindow
from followup_tui.widgets.virtual_table import Column, VirtualTable

SIZE = (100, 30)
PAGE = SIZE[1] - 1  # the table fills the screen; one line is the header
TOTAL = 100_000
CHINESE = "深圳市华强电子有限公司"


@dataclass(frozen=True)
class Order:
    seq: int  # the sort key; spaced by 10 so tests can insert rows in between
    no: str
    customer: str
    qty: int


def make_orders(total: int = TOTAL) -> list[Order]:
    customers = [CHINESE, "Acme GmbH", "上海某某贸易", "[bold]x[/]", "[@click=app.quit]x[/]"]
    return [
        Order(i * 10, f"PO-{i:07d}", customers[i % len(customers)], (i * 37) % 10_000)
        for i in range(total)
    ]


class FakeSource:
    """Keyset pagination over a sorted list, by bisect on the sort key."""

    def __init__(self, rows: list[Order]) -> None:
        self.rows = rows
        self.keys = [row.seq for row in rows]
        self.fetched = 0
        self.calls: list[str] = []

    def _give(self, name: str, rows: Sequence[Order]) -> Sequence[Order]:
        self.calls.append(name)
        self.fetched += len(rows)
        return list(rows)

    def insert(self, row: Order) -> None:
        index = bisect_left(self.keys, row.seq)
        self.keys.insert(index, row.seq)
        self.rows.insert(index, row)

    def head(self, limit: int) -> Sequence[Order]:
        return self._give("head", self.rows[:limit])

    def tail(self, limit: int) -> Sequence[Order]:
        return self._give("tail", self.rows[-limit:] if limit > 0 else [])

    def after(self, row: Order, limit: int) -> Sequence[Order]:
        start = bisect_right(self.keys, row.seq)
        return self._give("after", self.rows[start : start + limit])

    def before(self, row: Order, limit: int) -> Sequence[Order]:
        end = bisect_left(self.keys, row.seq)
        return self._give("before", self.rows[max(0, end - limit) : end])

    def starting_at(self, row: Order, limit: int) -> Sequence[Order]:
        start = bisect_left(self.keys, row.seq)
        return self._give("starting_at", self.rows[start : start + limit])

    def count(self) -> int:
        return len(self.rows)

    def key_of(self, row: Order) -> Hashable:
        return row.no


COLUMNS: list[Column[Order]] = [
    Column("no", "单号", 10, lambda o: Text(o.no)),
    Column("customer", "客户", 12, lambda o: Text(o.customer)),
    Column("qty", "数量", 6, lambda o: Text(f"{o.qty:,}"), align="right"),
]
# Cell offsets: 1 gutter, then columns separated by one space.
NO_AT, CUSTOMER_AT, QTY_AT = 1, 12, 25


class TableApp(App[None]):
    def __init__(self, source: FakeSource | None) -> None:
        super().__init__()
        self.source = source
        self.selected: list[VirtualTable.Selected[Order]] = []
        self.moved: list[VirtualTable.CursorMoved[Order]] = []

    def compose(self) -> ComposeResult:
        yield VirtualTable[Order](COLUMNS, empty_text="没有订单", id="table")

    def on_mount(self) -> None:
        table = self.table
        table.set_sort("no", descending=False)
        table.set_source(self.source)
        table.focus()

    @property
    def table(self) -> VirtualTable[Order]:
        return self.query_one("#table", VirtualTable)

    def on_virtual_table_selected(self, event: VirtualTable.Selected[Order]) -> None:
        self.selected.append(event)

    def on_virtual_table_cursor_moved(self, event: VirtualTable.CursorMoved[Order]) -> None:
        self.moved.append(event)


def run(
    body: Callable[[TableApp, Pilot[None]], Awaitable[None]],
    source: FakeSource | None = None,
) -> TableApp:
    app = TableApp(source if source is not None else FakeSource(make_orders()))

    async def inner() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await body(app, pilot)

    asyncio.run(inner())
    return app


def lines(table: VirtualTable[Order]) -> list[Strip]:
    return [table.render_line(y) for y in range(table.size.height)]


def nos(table: VirtualTable[Order]) -> list[str]:
    return [row.no for row in table.visible_rows]


def strip_background(strip: Strip) -> object:
    """The background of a row's last segment (the padding after the columns)."""
    style = list(strip)[-1].style
    assert style is not None
    return style.bgcolor


async def press(pilot: Pilot[None], key: str, times: int = 1) -> None:
    for _ in range(times):
        await pilot.press(key)
    await pilot.pause()


def test_first_render_shows_header_and_first_rows() -> None:
    async def body(app: TableApp, pilot: Pilot[None]) -> None:
        table = app.table
        rendered = lines(table)
        assert "单号 ▲" in rendered[0].text
        assert "客户" in rendered[0].text and "数量" in rendered[0].text
        assert rendered[1].text.startswith("▌PO-0000000")
        assert rendered[2].text.startswith(" PO-0000001")
        assert len(table.visible_rows) == PAGE
        assert table.cursor_key == "PO-0000000"
        assert table.position_text() == "1 / 100,000"

    run(body)


def test_down_past_the_bottom_scrolls_by_one() -> None:
    async def body(app: TableApp, pilot: Pilot[None]) -> None:
        table = app.table
        await press(pilot, "down", PAGE - 1)
        assert nos(table)[0] == "PO-0000000"
        assert table.cursor_key == f"PO-{PAGE - 1:07d}"
        await press(pilot, "down")
        assert nos(table)[0] == "PO-0000001"
        assert nos(table)[-1] == f"PO-{PAGE:07d}"
        assert table.cursor_key == f"PO-{PAGE:07d}"
        assert lines(table)[PAGE].text.startswith(f"▌PO-{PAGE:07d}")
        assert table.position_text() == f"{PAGE + 1} / 100,000"
        assert app.moved and app.moved[-1].key == f"PO-{PAGE:07d}"

    run(body)


def test_end_then_home() -> None:
    async def body(app: TableApp, pilot: Pilot[None]) -> None:
        table = app.table
        await press(pilot, "end")
        assert table.cursor_key == f"PO-{TOTAL - 1:07d}"
        assert nos(table)[-1] == f"PO-{TOTAL - 1:07d}"
        assert len(table.visible_rows) == PAGE
        assert table.position_text() == "100,000 / 100,000"
        await press(pilot, "down")  # already on the last row: stays
        assert table.cursor_key == f"PO-{TOTAL - 1:07d}"
        await press(pilot, "up", 3)
        assert table.position_text() == "99,997 / 100,000"
        await press(pilot, "home")
        assert table.cursor_key == "PO-0000000"
        assert table.position_text() == "1 / 100,000"
        await press(pilot, "up")  # already on the first row: stays
        assert table.cursor_key == "PO-0000000"

    run(body)


def test_page_down_and_up_move_a_page() -> None:
    async def body(app: TableApp, pilot: Pilot[None]) -> None:
        table = app.table
        await press(pilot, "down", 2)
        await press(pilot, "pagedown")
        assert table.cursor_key == f"PO-{PAGE + 2:07d}"
        assert nos(table)[0] == f"PO-{PAGE:07d}"
        assert table.position_text() == f"{PAGE + 3} / 100,000"
        await press(pilot, "pagedown", 3)
        assert table.cursor_key == f"PO-{4 * PAGE + 2:07d}"
        await press(pilot, "pageup", 4)
        assert table.cursor_key == "PO-0000002"
        assert nos(table)[0] == "PO-0000000"
        await press(pilot, "pageup")
        assert table.cursor_key == "PO-0000000"
        assert table.position_text() == "1 / 100,000"

    run(body)


def test_space_toggles_marks() -> None:
    async def body(app: TableApp, pilot: Pilot[None]) -> None:
        table = app.table
        await press(pilot, "space")
        await press(pilot, "down")
        await press(pilot, "space")
        assert table.marked_keys == {"PO-0000000", "PO-0000001"}
        await press(pilot, "space")
        assert table.marked_keys == {"PO-0000000"}
        rendered = lines(table)
        assert rendered[1].text.startswith("●PO-0000000")  # a glyph, not only a colour
        assert rendered[2].text.startswith("▌PO-0000001")
        backgrounds = [strip_background(strip) for strip in rendered[1:4]]
        assert len(set(backgrounds)) == 3  # marked, cursor and plain rows all differ
        table.blur()
        await pilot.pause()
        assert strip_background(lines(table)[2]) not in backgrounds  # blurred cursor
        table.clear_marks()
        assert table.marked_keys == frozenset()

    run(body)


def test_enter_posts_selected_with_the_cursor_key() -> None:
    async def body(app: TableApp, pilot: Pilot[None]) -> None:
        await press(pilot, "down", 3)
        await press(pilot, "enter")
        assert [event.key for event in app.selected] == ["PO-0000003"]
        assert app.selected[0].row == app.table.cursor_row
        assert app.selected[0].control is app.table

    run(body)


def test_reload_keeps_the_cursor_on_the_same_order() -> None:
    source = FakeSource(make_orders())

    async def body(app: TableApp, pilot: Pilot[None]) -> None:
        table = app.table
        await press(pilot, "pagedown")
        await press(pilot, "down", 5)
        key = table.cursor_key
        top = nos(table)[0]
        screen_pos = nos(table).index(str(key))
        # New orders sort above the window and between its top row and the cursor.
        source.insert(Order(5, "NEW-ABOVE", "Acme GmbH", 1))
        cursor_row = table.cursor_row
        assert cursor_row is not None
        cursor_seq = cursor_row.seq
        source.insert(Order(cursor_seq - 5, "NEW-BETWEEN", "Acme GmbH", 1))
        table.reload()
        await pilot.pause()
        assert table.cursor_key == key
        assert nos(table)[0] == top
        assert nos(table).index(str(key)) == screen_pos + 1
        assert table.position_text().endswith("/ 100,002")
        # The row under the cursor disappears: the cursor keeps its screen position.
        source.rows = [row for row in source.rows if row.no != key]
        source.keys = [row.seq for row in source.rows]
        table.reload()
        assert table.cursor_key == nos(table)[screen_pos + 1]
        assert table.position_text().endswith("/ 100,001")

    run(body, source)


def test_wide_text_is_cropped_by_cell_width_and_columns_align() -> None:
    async def body(app: TableApp, pilot: Pilot[None]) -> None:
        table = app.table
        width = table.size.width
        rendered = lines(table)
        for strip in rendered:
            assert strip.cell_length == width
            assert cell_len(strip.text) == width
        for row, strip in zip(table.visible_rows, rendered[1:], strict=False):
            customer = strip.crop(CUSTOMER_AT, CUSTOMER_AT + 12).text
            assert strip.crop(NO_AT, NO_AT + 10).text == row.no
            assert strip.crop(QTY_AT, QTY_AT + 6).text == f"{row.qty:>6,}"
            if row.customer == CHINESE:
                assert customer == "深圳市华强 …"
            assert cell_len(customer) == 12
        assert any(table.visible_rows[i].customer == CHINESE for i in range(5))

    run(body)


def test_markup_in_data_is_shown_literally() -> None:
    async def body(app: TableApp, pilot: Pilot[None]) -> None:
        text = "\n".join(strip.text for strip in lines(app.table))
        assert "[bold]x[/]" in text
        assert "[@click=app…" in text  # cropped to 12 cells, but literal
        await press(pilot, "down", 5)
        assert app.is_running  # nothing was interpreted as an action

    run(body)


def test_empty_source_shows_the_message() -> None:
    async def body(app: TableApp, pilot: Pilot[None]) -> None:
        table = app.table
        rendered = [strip.text for strip in lines(table)]
        assert "单号" in rendered[0]
        assert any(line.strip() == "没有订单" for line in rendered[1:])
        assert table.cursor_row is None and table.cursor_key is None
        assert table.position_text() == "0 / 0"
        await press(pilot, "down")
        await press(pilot, "enter")
        await press(pilot, "space")
        assert app.selected == [] and table.marked_keys == frozenset()

    run(body, FakeSource([]))


def test_keep_key_on_set_source() -> None:
    async def body(app: TableApp, pilot: Pilot[None]) -> None:
        table = app.table
        keys = []
        for keep in ("PO-0000004", "PO-0000400"):  # in the first window, then not
            table.set_source(FakeSource(make_orders(500)), keep_key=keep)
            keys.append((table.cursor_key, table.position_text()))
        assert keys == [("PO-0000004", "5 / 500"), ("PO-0000000", "1 / 500")]

    run(body)


def test_fetching_stays_bounded_over_200_key_presses() -> None:
    source = FakeSource(make_orders())

    async def body(app: TableApp, pilot: Pilot[None]) -> None:
        table = app.table
        source.fetched = 0
        keys = ["down"] * 120 + ["pagedown"] * 30 + ["up"] * 20 + ["pageup"] * 10
        keys += ["end", "up", "up", "home", "down"] * 4
        assert len(keys) == 200
        # Posted as one burst, like a held key: the same path as the driver's key events,
        # without Pilot's idle wait after each one (50 ms a key here).
        for key in keys:
            app.post_message(events.Key(key, " " if key == "space" else None))
        await pilot.pause()
        assert source.fetched < 5_000
        assert len(table._window.rows) <= 3 * max(PAGE, table.MIN_FETCH)
        assert table.cursor_key == "PO-0000001"

    run(body, source)


def test_a_key_press_is_cheap() -> None:
    """The widget's own work per key (handler, fetch, render every visible line)."""

    async def body(app: TableApp, pilot: Pilot[None]) -> None:
        table = app.table
        timings: list[float] = []
        actions = [table.action_cursor_down] * 150 + [table.action_page_down] * 20
        actions += [table.action_page_up] * 10 + [table.action_cursor_up] * 20
        for action in actions:
            start = time.perf_counter()
            action()
            for y in range(table.size.height):
                table.render_line(y)
            timings.append(time.perf_counter() - start)
        assert statistics.median(timings) < 0.010

    run(body)


def test_bindings_have_ids_and_tooltips() -> None:
    bindings = [b for b in VirtualTable.BINDINGS if not isinstance(b, tuple)]
    assert len(bindings) == 8
    for binding in bindings:
        assert not isinstance(binding, str)
        assert binding.id and binding.id.startswith("virtual-table.")
        assert binding.tooltip and not binding.show


class TestKeysetWindow:
    """The window model alone: no App, so the edge cases run in microseconds."""

    def window(self, total: int, page: int = 10) -> tuple[KeysetWindow[Order], FakeSource]:
        source = FakeSource(make_orders(total))
        window: KeysetWindow[Order] = KeysetWindow(min_fetch=4)
        window.page = page
        window.set_source(source)
        return window, source

    def test_a_source_smaller_than_the_window(self) -> None:
        window, _ = self.window(3)
        assert [row.no for row in window.visible_rows] == ["PO-0000000", "PO-0000001", "PO-0000002"]
        window.last()
        assert (window.cursor_key, window.rank) == ("PO-0000002", 3)
        window.move(10, scroll=10)
        assert (window.cursor_key, window.top) == ("PO-0000002", 0)
        window.move(-10, scroll=-10)
        assert (window.cursor_key, window.rank) == ("PO-0000000", 1)

    def test_walking_the_whole_source_keeps_the_buffer_small(self) -> None:
        window, source = self.window(1_000)
        for step in range(1, 1_000):
            window.move(1)
            assert window.cursor_key == f"PO-{step:07d}"
            assert window.rank == step + 1
            assert len(window.rows) <= 3 * window.fetch_size
        window.move(1)  # past the last row: the source says there is no more
        assert window.cursor_key == "PO-0000999"
        assert window.at_end and window.rank == 1_000
        for step in range(998, -1, -1):
            window.move(-1)
            assert window.cursor_key == f"PO-{step:07d}"
        assert window.rank == 1
        assert source.fetched < 2 * 1_000 + 100

    def test_growing_and_shrinking_the_window(self) -> None:
        window, _ = self.window(1_000, page=5)
        window.move(4)
        window.resize(20)
        assert len(window.visible_rows) == 20 and window.cursor_key == "PO-0000004"
        window.resize(2)
        assert window.cursor_key in [row.no for row in window.visible_rows]
        window.last()
        window.resize(30)
        assert len(window.visible_rows) == 30
        assert window.visible_rows[-1].no == "PO-0000999"
        assert window.rank == 1_000

    def test_reload_when_the_rest_of_the_source_is_gone(self) -> None:
        window, source = self.window(100)
        window.move(50, scroll=50)
        source.rows, source.keys = source.rows[:20], source.keys[:20]
        window.reload()
        assert window.visible_rows[-1].no == "PO-0000019"
        assert window.count == 20
        assert window.cursor_row is not None

    def test_reload_of_an_emptied_source(self) -> None:
        window, source = self.window(100)
        source.rows, source.keys = [], []
        window.reload()
        assert window.cursor_row is None and window.rank == 0 and window.count == 0

    def test_keep_key_before_the_first_layout(self) -> None:
        source = FakeSource(make_orders(100))
        window: KeysetWindow[Order] = KeysetWindow(min_fetch=16)
        window.set_source(source)
        assert window.move_to_key("PO-0000012")
        window.resize(5)
        assert window.cursor_key == "PO-0000012"
        assert window.cursor_key in [row.no for row in window.visible_rows]
        assert window.rank == 13
