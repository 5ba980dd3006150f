"""A table that shows a window onto a million rows without ever holding them.

Textual's ``DataTable`` keeps and measures every row, which takes tens of seconds for
100k orders (DESIGN.md section 8). This widget draws line by line with the Line API and
holds only the visible rows plus at most one fetch either side, asking an injected
:class:`WindowSource` for keyset pages. Scrolling is done by refetching, not by
Textual's scroll offset, so every key press costs a bounded amount of work whatever the
size of the store.

The widget never touches the database: the screen builds a source (usually backed by a
service call) and hands it down with :meth:`VirtualTable.set_source`; the widget reports
what the clerk did with messages (attributes down, messages up).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from followup_tui.widgets.table_render import (
    Column,
    centred_line,
    header_line,
    row_line,
    to_strip,
)

__all__ = ["Column", "VirtualTable", "WindowSource"]

RowT = TypeVar("RowT")
MessageRowT = TypeVar("MessageRowT")


class WindowSource(Protocol[RowT]):
    """Keyset pagination over rows in one fixed sort order.

    Calls are synchronous and run on the UI thread, so each must be a cheap indexed
    page read (about a millisecond). ``count`` may be slower; the widget calls it only
    when the source is set or reloaded, never per key press.
    """

    def head(self, limit: int) -> Sequence[RowT]: ...

    def tail(self, limit: int) -> Sequence[RowT]: ...

    def after(self, row: RowT, limit: int) -> Sequence[RowT]: ...

    def before(self, row: RowT, limit: int) -> Sequence[RowT]: ...

    def starting_at(self, row: RowT, limit: int) -> Sequence[RowT]: ...

    def count(self) -> int: ...

    def key_of(self, row: RowT) -> Hashable: ...


class VirtualTable(Widget, Generic[RowT], can_focus=True):
    """A keyboard-driven window onto a :class:`WindowSource`.

    State is a small buffer of fetched rows (``_rows``), the buffer index of the first
    visible row (``_top``) and of the cursor (``_cursor``). ``_at_start``/``_at_end``
    record whether the buffer touches either end of the source, which is what makes
    the position shown to the clerk exact near the ends and an estimate in between.
    """

    MIN_FETCH: ClassVar[int] = 16
    """Fetch at least this many rows at a time, so tiny windows do not chatter."""

    MARK_GLYPH: ClassVar[str] = "●"
    CURSOR_GLYPH: ClassVar[str] = "▌"

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--marked",
        "virtual-table--mark",
        "virtual-table--empty",
    }

    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        & > .virtual-table--header {
            background: $panel;
            color: $foreground;
            text-style: bold;
        }
        & > .virtual-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .virtual-table--marked {
            background: $accent 20%;
            color: $foreground;
        }
        & > .virtual-table--mark {
            color: $accent;
            text-style: bold;
        }
        & > .virtual-table--empty {
            color: $text-muted;
        }
        &:focus > .virtual-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    # English descriptions: bindings are class data, built before a language is chosen.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False,
                id="virtual-table.cursor-up", tooltip="Move the cursor up one row"),
        Binding("down", "cursor_down", "Down", show=False,
                id="virtual-table.cursor-down", tooltip="Move the cursor down one row"),
        Binding("pageup", "page_up", "Page up", show=False,
                id="virtual-table.page-up", tooltip="Move up one screen of rows"),
        Binding("pagedown", "page_down", "Page down", show=False,
                id="virtual-table.page-down", tooltip="Move down one screen of rows"),
        Binding("home", "first", "First", show=False,
                id="virtual-table.first", tooltip="Jump to the first row"),
        Binding("end", "last", "Last", show=False,
                id="virtual-table.last", tooltip="Jump to the last row"),
        Binding("space", "toggle_mark", "Mark", show=False,
                id="virtual-table.toggle-mark", tooltip="Mark or unmark the row under the cursor"),
        Binding("enter", "select", "Open", show=False,
                id="virtual-table.select", tooltip="Open the row under the cursor"),
    ]

    class CursorMoved(Message, Generic[MessageRowT]):
        """The cursor is on a different row (``key`` and ``row`` are None when empty).

        Queued instances replace each other, so holding down a key sends the screen
        one message for where the cursor ended up, not one per row it crossed.
        """

        def __init__(
            self, table: VirtualTable[Any], key: Hashable | None, row: MessageRowT | None
        ) -> None:
            super().__init__()
            self.table = table
            self.key = key
            self.row = row

        @property
        def control(self) -> VirtualTable[Any]:
            return self.table

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, VirtualTable.CursorMoved) and message.table is self.table

    class Selected(Message, Generic[MessageRowT]):
        """The clerk pressed enter on a row: the screen opens it."""

        def __init__(self, table: VirtualTable[Any], key: Hashable, row: MessageRowT) -> None:
            super().__init__()
            self.table = table
            self.key = key
            self.row = row

        @property
        def control(self) -> VirtualTable[Any]:
            return self.table

    class MarksChanged(Message):
        """The set of marked keys changed, so a screen can show "3 marked"."""

        def __init__(self, table: VirtualTable[Any], keys: frozenset[Hashable]) -> None:
            super().__init__()
            self.table = table
            self.keys = keys

        @property
        def control(self) -> VirtualTable[Any]:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column[RowT]] = (),
        *,
        empty_text: str = "—",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._columns: tuple[Column[RowT], ...] = tuple(columns)
        self._empty_text = empty_text
        self._source: WindowSource[RowT] | None = None
        self._rows: list[RowT] = []
        self._top = 0
        self._cursor = 0
        self._at_start = True
        self._at_end = True
        self._count = 0
        self._rank = 0
        self._marks: set[Hashable] = set()
        self.sort_column: str | None = None
        self.sort_descending = False
        # Rendered lines by (row key, is cursor, is marked); cleared when width, columns,
        # styles or row contents may have changed.
        self._strips: dict[tuple[Hashable, bool, bool], Strip] = {}
        self._header_strip: Strip | None = None
        self._strip_width = -1

    # -- public state -----------------------------------------------------------------

    @property
    def columns(self) -> tuple[Column[RowT], ...]:
        return self._columns

    def set_columns(self, columns: Sequence[Column[RowT]]) -> None:
        """Replace the columns (a view or language change); rows stay where they are."""
        self._columns = tuple(columns)
        self._invalidate()

    @property
    def empty_text(self) -> str:
        return self._empty_text

    @empty_text.setter
    def empty_text(self, value: str) -> None:
        self._empty_text = value
        self.refresh()

    def set_sort(self, column_id: str | None, descending: bool = False) -> None:
        """Show which column the screen sorted by; the widget itself never sorts."""
        self.sort_column = column_id
        self.sort_descending = descending
        self._header_strip = None
        self.refresh()

    @property
    def source(self) -> WindowSource[RowT] | None:
        return self._source

    @property
    def row_count(self) -> int:
        """Rows in the source, as counted at the last ``set_source``/``reload``."""
        return self._count

    @property
    def cursor_row(self) -> RowT | None:
        return self._rows[self._cursor] if self._rows else None

    @property
    def cursor_key(self) -> Hashable | None:
        row = self.cursor_row
        if row is None or self._source is None:
            return None
        return self._source.key_of(row)

    @property
    def visible_rows(self) -> Sequence[RowT]:
        return self._rows[self._top : self._top + self._page]

    @property
    def marked_keys(self) -> frozenset[Hashable]:
        return frozenset(self._marks)

    def clear_marks(self) -> None:
        if self._marks:
            self._marks.clear()
            self._strips.clear()
            self.post_message(self.MarksChanged(self, frozenset()))
            self.refresh()

    def position_text(self) -> str:
        """"1,234 / 1,000,000": the cursor's rank (exact near either end, an estimate
        in between after refreshes) over the row count."""
        return f"{self._rank:,} / {self._count:,}"

    # -- loading ----------------------------------------------------------------------

    def set_source(
        self, source: WindowSource[RowT] | None, *, keep_key: Hashable | None = None
    ) -> None:
        """Show ``source`` from its first row.

        ``keep_key`` puts the cursor back on that row when it is in the first window
        (the cheap case); finding it further down would need a count of the rows before
        it, so otherwise the cursor starts on the first row. Marks are kept: they are
        keys, and a sort change should not lose them; the screen calls
        :meth:`clear_marks` when a filter change should.
        """
        old_key = self.cursor_key
        self._source = source
        self._count = source.count() if source is not None else 0
        self._load_head()
        if keep_key is not None:
            self.move_cursor_to_key(keep_key)
        self._changed(old_key)

    def reload(self) -> None:
        """Refetch the window from its top row after the store changed.

        The cursor stays on the same order if that order is still in the window;
        otherwise it keeps its place on the screen. This is what keeps the clerk's
        selection steady while a live view polls.
        """
        source = self._source
        if source is None:
            return
        old_key = self.cursor_key
        self._count = source.count()
        if not self._rows:
            self._load_head()
            self._changed(old_key)
            return
        screen_pos = self._cursor - self._top
        top_rank = self._rank - screen_pos
        rows = list(source.starting_at(self._rows[self._top], self._fetch_size))
        if rows:
            self._rows = rows
            self._top = 0
            self._at_start = False
            self._at_end = len(rows) < self._fetch_size
            self._cursor = min(screen_pos, len(rows) - 1)
            self._settle()
            if not (old_key is not None and self.move_cursor_to_key(old_key, notify=False)):
                self._cursor = min(self._top + screen_pos, len(self._rows) - 1)
            self._rank = top_rank + self._cursor - self._top
        else:
            # The top row and everything after it is gone: show the new last page.
            self._load_tail()
            self._cursor = min(self._top + screen_pos, max(0, len(self._rows) - 1))
        self._exact_rank()
        self._strips.clear()
        self._changed(old_key)

    def move_cursor_to_key(self, key: Hashable, *, notify: bool = True) -> bool:
        """Put the cursor on ``key`` if that row is visible; False otherwise."""
        source = self._source
        if source is None:
            return False
        old_key = self.cursor_key
        end = min(len(self._rows), self._top + max(self._page, 1))
        for index in range(self._top, end):
            if source.key_of(self._rows[index]) == key:
                self._rank += index - self._cursor
                self._cursor = index
                self._exact_rank()
                if notify:
                    self._changed(old_key)
                return True
        return False

    # -- actions ----------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_page_up(self) -> None:
        page = max(self._page, 1)
        self._move(-page, scroll=-page)

    def action_page_down(self) -> None:
        page = max(self._page, 1)
        self._move(page, scroll=page)

    def action_first(self) -> None:
        old_key = self.cursor_key
        if self._at_start:
            self._move(-self._cursor)
            return
        self._load_head()
        self._changed(old_key)

    def action_last(self) -> None:
        old_key = self.cursor_key
        if self._at_end:
            self._move(len(self._rows) - 1 - self._cursor)
            return
        self._load_tail()
        self._changed(old_key)

    def action_toggle_mark(self) -> None:
        key = self.cursor_key
        if key is None:
            return
        if key in self._marks:
            self._marks.discard(key)
        else:
            self._marks.add(key)
        self.post_message(self.MarksChanged(self, frozenset(self._marks)))
        self.refresh()

    def action_select(self) -> None:
        row = self.cursor_row
        key = self.cursor_key
        if row is not None:
            self.post_message(self.Selected(self, key, row))

    # -- events -----------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._settle()
        self._trim()
        self._exact_rank()
        self._invalidate()

    def on_focus(self, event: events.Focus) -> None:
        self._invalidate()

    def on_blur(self, event: events.Blur) -> None:
        self._invalidate()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1 or not self._rows:
            return
        index = self._top + offset.y - 1
        if index < len(self._rows):
            self._move(index - self._cursor)
            if event.chain >= 2:
                self.action_select()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self._move(1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self._move(-1)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._header_strip = None

    # -- rendering --------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if width != self._strip_width:
            self._strips.clear()
            self._header_strip = None
            self._strip_width = width
        base = self.rich_style
        if y == 0:
            if self._header_strip is None:
                style = base + self.get_component_rich_style("virtual-table--header")
                line = header_line(self._columns, self.sort_column, self.sort_descending)
                self._header_strip = to_strip(line, width, style, self.app.console)
            return self._header_strip
        page = self._page
        if not self._rows or self._source is None:
            if y == 1 + (page - 1) // 2:
                style = base + self.get_component_rich_style("virtual-table--empty")
                return to_strip(
                    centred_line(self._empty_text, width), width, style, self.app.console
                )
            return Strip.blank(width, base)
        index = self._top + y - 1
        if y > page or index >= len(self._rows):
            return Strip.blank(width, base)
        row = self._rows[index]
        key = self._source.key_of(row)
        is_cursor = index == self._cursor
        is_marked = key in self._marks
        cache_key = (key, is_cursor, is_marked)
        strip = self._strips.get(cache_key)
        if strip is None:
            strip = self._render_row(row, is_cursor, is_marked, base, width)
            if len(self._strips) > 8 * self._fetch_size:
                self._strips.clear()
            self._strips[cache_key] = strip
        return strip

    def _render_row(
        self, row: RowT, is_cursor: bool, is_marked: bool, base: Style, width: int
    ) -> Strip:
        style = base
        if is_marked:
            style += self.get_component_rich_style("virtual-table--marked")
        if is_cursor:
            style += self.get_component_rich_style("virtual-table--cursor")
        gutter, gutter_style = " ", None
        if is_marked:
            gutter = self.MARK_GLYPH
            gutter_style = self.get_component_rich_style("virtual-table--mark", partial=True)
        elif is_cursor:
            gutter = self.CURSOR_GLYPH
        line = row_line(row, self._columns, gutter, gutter_style)
        return to_strip(line, width, style, self.app.console)

    # -- window bookkeeping -----------------------------------------------------------

    @property
    def _page(self) -> int:
        """Visible data rows: the content height less the header line."""
        return max(0, self.size.height - 1)

    @property
    def _fetch_size(self) -> int:
        return max(self._page, self.MIN_FETCH)

    def _invalidate(self) -> None:
        self._strips.clear()
        self._header_strip = None
        self.refresh()

    def _changed(self, old_key: Hashable | None) -> None:
        """Repaint, and tell the screen when the cursor landed on another row."""
        key = self.cursor_key
        if key != old_key:
            self.post_message(self.CursorMoved(self, key, self.cursor_row))
        self.refresh()

    def _load_head(self) -> None:
        size = self._fetch_size
        self._rows = list(self._source.head(size)) if self._source is not None else []
        self._at_start = True
        self._at_end = len(self._rows) < size
        self._top = self._cursor = 0
        self._rank = 1 if self._rows else 0
        self._strips.clear()
        self._settle()

    def _load_tail(self) -> None:
        size = self._fetch_size
        self._rows = list(self._source.tail(size)) if self._source is not None else []
        self._at_end = True
        self._at_start = len(self._rows) < size
        self._cursor = max(0, len(self._rows) - 1)
        self._top = max(0, len(self._rows) - self._page)
        self._rank = self._count if self._rows else 0
        self._strips.clear()
        self._settle()
        self._exact_rank()

    def _fetch_after(self) -> bool:
        """Append one fetch after the buffer; False when the source has no more."""
        if self._source is None or self._at_end or not self._rows:
            return False
        size = self._fetch_size
        rows = self._source.after(self._rows[-1], size)
        self._rows.extend(rows)
        self._at_end = len(rows) < size
        return bool(rows)

    def _fetch_before(self) -> bool:
        """Prepend one fetch before the buffer, shifting indices; False at the start."""
        if self._source is None or self._at_start or not self._rows:
            return False
        size = self._fetch_size
        rows = self._source.before(self._rows[0], size)
        self._rows[0:0] = rows
        self._top += len(rows)
        self._cursor += len(rows)
        self._at_start = len(rows) < size
        return bool(rows)

    def _move(self, delta: int, *, scroll: int = 0) -> None:
        """Move the cursor ``delta`` rows and the window ``scroll`` rows, fetching at
        most a page or two on the way; clamps at either end of the source."""
        if not self._rows:
            return
        old_key = self.cursor_key
        page = self._page
        target = self._cursor + delta
        top = self._top + scroll
        while target >= len(self._rows) or top + page > len(self._rows):
            if not self._fetch_after():
                break
        while target < 0 or top < 0:
            shift = len(self._rows)
            if not self._fetch_before():
                break
            shift = len(self._rows) - shift
            target += shift
            top += shift
        target = min(max(target, 0), len(self._rows) - 1)
        self._rank += target - self._cursor
        self._cursor = target
        self._top = max(top, 0)
        self._settle()
        self._trim()
        self._exact_rank()
        self._changed(old_key)

    def _settle(self) -> None:
        """Keep the cursor visible and the window full, fetching only to fill it."""
        if not self._rows:
            self._top = self._cursor = 0
            return
        self._cursor = min(max(self._cursor, 0), len(self._rows) - 1)
        page = self._page
        if page <= 0:
            self._top = self._cursor
            return
        if self._cursor < self._top:
            self._top = self._cursor
        elif self._cursor >= self._top + page:
            self._top = self._cursor - page + 1
        while self._top + page > len(self._rows):
            if not self._fetch_after():
                break
        if self._top + page > len(self._rows):
            self._top = max(0, len(self._rows) - page)
            if len(self._rows) - self._top < page and self._fetch_before():
                self._top = max(0, len(self._rows) - page)

    def _trim(self) -> None:
        """Drop rows more than one fetch away from the window, so memory stays flat."""
        size = self._fetch_size
        excess = self._top - size
        if excess > 0:
            del self._rows[:excess]
            self._top -= excess
            self._cursor -= excess
            self._at_start = False
        keep = self._top + self._page + size
        if len(self._rows) > keep:
            del self._rows[keep:]
            self._at_end = False

    def _exact_rank(self) -> None:
        """Replace the running estimate with the true rank when the buffer touches an
        end of the source; otherwise just keep it within 1..count."""
        if not self._rows:
            self._rank = 0
            return
        if self._at_start:
            self._rank = self._cursor + 1
        elif self._at_end:
            self._rank = self._count - (len(self._rows) - 1 - self._cursor)
        self._rank = min(max(self._rank, 1), max(self._count, 1))
