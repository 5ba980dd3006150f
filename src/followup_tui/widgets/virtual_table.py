"""A table that shows a window onto a million rows without ever holding them.

Textual's ``DataTable`` keeps and measures every row, which takes tens of seconds for
100k orders (decisions.md, "Hard-won rules"). This widget draws line by line with the Line API and
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
from typing import Any, ClassVar, Generic, TypeVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from followup_tui.widgets.keyset_window import KeysetWindow, WindowSource
from followup_tui.widgets.table_render import Column, LinePainter, LineStyles

__all__ = ["Column", "VirtualTable", "WindowSource"]

RowT = TypeVar("RowT")
MessageRowT = TypeVar("MessageRowT")


def _binding(key: str, action: str, description: str, tooltip: str) -> Binding:
    """A hidden binding whose id (``virtual-table.cursor-up``) a keymap can remap."""
    binding_id = "virtual-table." + action.replace("_", "-")
    return Binding(key, action, description, show=False, id=binding_id, tooltip=tooltip)


class _TableMessage(Message):
    """Carries the table, so ``@on(VirtualTable.Selected, "#orders")`` can match by id."""

    def __init__(self, table: VirtualTable[Any]) -> None:
        super().__init__()
        self.table = table

    @property
    def control(self) -> VirtualTable[Any]:
        return self.table


class VirtualTable(Widget, Generic[RowT], can_focus=True):
    """A keyboard-driven window onto a :class:`WindowSource`.

    Which rows are held, where the cursor is and when to fetch is decided by a
    :class:`KeysetWindow`; this class turns keys into its moves, draws its rows, keeps
    the marks and tells the screen what happened.
    """

    MIN_FETCH: ClassVar[int] = 16
    """Fetch at least this many rows at a time, so tiny windows do not chatter."""

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
        _binding("up", "cursor_up", "Up", "Move the cursor up one row"),
        _binding("down", "cursor_down", "Down", "Move the cursor down one row"),
        _binding("pageup", "page_up", "Page up", "Move up one screen of rows"),
        _binding("pagedown", "page_down", "Page down", "Move down one screen of rows"),
        _binding("home", "first", "First", "Jump to the first row"),
        _binding("end", "last", "Last", "Jump to the last row"),
        _binding("space", "toggle_mark", "Mark", "Mark or unmark the row under the cursor"),
        _binding("enter", "select", "Open", "Open the row under the cursor"),
    ]

    class CursorMoved(_TableMessage, Generic[MessageRowT]):
        """The cursor is on a different row (``key`` and ``row`` are None when empty).

        Queued instances replace each other, so holding down a key sends the screen
        one message for where the cursor ended up, not one per row it crossed.
        """

        def __init__(
            self, table: VirtualTable[Any], key: Hashable | None, row: MessageRowT | None
        ) -> None:
            super().__init__(table)
            self.key = key
            self.row = row

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, VirtualTable.CursorMoved) and message.table is self.table

    class Selected(_TableMessage, Generic[MessageRowT]):
        """The clerk pressed enter on a row: the screen opens it."""

        def __init__(self, table: VirtualTable[Any], key: Hashable, row: MessageRowT) -> None:
            super().__init__(table)
            self.key = key
            self.row = row

    class MarksChanged(_TableMessage):
        """The set of marked keys changed, so a screen can show "3 marked"."""

        def __init__(self, table: VirtualTable[Any], keys: frozenset[Hashable]) -> None:
            super().__init__(table)
            self.keys = keys

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
        self._window: KeysetWindow[RowT] = KeysetWindow(self.MIN_FETCH)
        self._marks: set[Hashable] = set()
        self.sort_column: str | None = None
        self.sort_descending = False
        self._painter: LinePainter[RowT] = LinePainter()
        self._styles: LineStyles | None = None

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
        self._invalidate()

    @property
    def source(self) -> WindowSource[RowT] | None:
        return self._window.source

    @property
    def row_count(self) -> int:
        """Rows in the source, as counted at the last ``set_source``/``reload``."""
        return self._window.count

    @property
    def cursor_row(self) -> RowT | None:
        return self._window.cursor_row

    @property
    def cursor_key(self) -> Hashable | None:
        return self._window.cursor_key

    @property
    def visible_rows(self) -> Sequence[RowT]:
        return self._window.visible_rows

    @property
    def marked_keys(self) -> frozenset[Hashable]:
        return frozenset(self._marks)

    def clear_marks(self) -> None:
        if self._marks:
            self._marks.clear()
            self._painter.clear()
            self.post_message(self.MarksChanged(self, frozenset()))
            self.refresh()

    def position_text(self) -> str:
        """ "1,234 / 1,000,000": the cursor's rank (exact near either end, an estimate
        in between after refreshes) over the row count."""
        source = self._window.source
        exact = bool(getattr(source, "count_is_exact", True))
        if not exact:
            return f"{self._window.rank:,} / …"
        return f"{self._window.rank:,} / {self._window.count:,}"

    def set_row_count(self, count: int) -> None:
        """Take a count the screen worked out off the UI thread (an exact count of a
        million rows takes longer than a key press may)."""
        self._window.count = count
        self._window.exact_rank()
        self.refresh()

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
        self._window.set_source(source)
        if keep_key is not None:
            self._window.move_to_key(keep_key)
        self._painter.clear()
        self._changed(old_key)

    def reload(self) -> None:
        """Refetch the window from its top row after the store changed.

        The cursor stays on the same order if that order is still in the window;
        otherwise it keeps its place on the screen. This is what keeps the clerk's
        selection steady while a live view polls. Drawn lines are dropped, since an
        order's fields may have changed under the same key.
        """
        old_key = self.cursor_key
        self._window.reload()
        self._painter.clear()
        self._changed(old_key)

    def show_row(self, row: RowT) -> None:
        """Put the window at ``row``, the cursor on it, wherever it is in the source."""
        old_key = self.cursor_key
        self._window.load_from(row)
        self._painter.clear()
        self._changed(old_key)

    def move_cursor_to_key(self, key: Hashable) -> bool:
        """Put the cursor on ``key`` if that row is visible; False otherwise."""
        old_key = self.cursor_key
        found = self._window.move_to_key(key)
        self._changed(old_key)
        return found

    # -- actions ----------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_page_up(self) -> None:
        page = max(self._window.page, 1)
        self._move(-page, scroll=-page)

    def action_page_down(self) -> None:
        page = max(self._window.page, 1)
        self._move(page, scroll=page)

    def action_first(self) -> None:
        old_key = self.cursor_key
        self._window.first()
        self._changed(old_key)

    def action_last(self) -> None:
        old_key = self.cursor_key
        self._window.last()
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
        old_key = self.cursor_key
        self._window.resize(self.size.height - 1)  # one line is the header
        self._invalidate()
        self._changed(old_key)

    def on_focus(self, event: events.Focus) -> None:
        self._invalidate()

    def on_blur(self, event: events.Blur) -> None:
        self._invalidate()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        window = self._window
        if offset is None or offset.y < 1 or not window.rows:
            return
        index = window.top + offset.y - 1
        if index < len(window.rows):
            self._move(index - window.cursor)
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
        self._styles = None
        self._painter.clear()

    # -- rendering --------------------------------------------------------------------

    def _line_styles(self) -> LineStyles:
        if self._styles is None:
            component = self.get_component_rich_style
            self._styles = LineStyles(
                base=self.rich_style,
                header=component("virtual-table--header"),
                cursor=component("virtual-table--cursor"),
                marked=component("virtual-table--marked"),
                mark=component("virtual-table--mark", partial=True),
                empty=component("virtual-table--empty"),
            )
            self._painter.clear()
        return self._styles

    def render_line(self, y: int) -> Strip:
        styles = self._line_styles()
        painter = self._painter
        painter.begin(self.size.width, self.app.console)
        if y == 0:
            return painter.header(self._columns, self.sort_column, self.sort_descending, styles)
        window = self._window
        source = window.source
        if not window.rows or source is None:
            if y == 1 + (window.page - 1) // 2:
                return painter.message(self._empty_text, styles)
            return painter.blank(styles)
        index = window.top + y - 1
        if y > window.page or index >= len(window.rows):
            return painter.blank(styles)
        row = window.rows[index]
        key = source.key_of(row)
        return painter.row(
            row,
            key,
            self._columns,
            is_cursor=index == window.cursor,
            is_marked=key in self._marks,
            styles=styles,
        )

    # -- helpers ----------------------------------------------------------------------

    def _invalidate(self) -> None:
        self._styles = None
        self._painter.clear()
        self.refresh()

    def _move(self, delta: int, *, scroll: int = 0) -> None:
        old_key = self.cursor_key
        self._window.move(delta, scroll=scroll)
        self._changed(old_key)

    def _changed(self, old_key: Hashable | None) -> None:
        """Repaint, and tell the screen when the cursor landed on another row."""
        key = self.cursor_key
        if key != old_key:
            self.post_message(self.CursorMoved(self, key, self.cursor_row))
        self.refresh()
