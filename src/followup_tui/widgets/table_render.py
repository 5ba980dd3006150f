"""Cell and line rendering for :mod:`followup_tui.widgets.virtual_table`.

Kept apart from the widget so the fiddly part (fitting Chinese text into fixed cell
widths, keeping user data inert) can be read and tested on its own, and so the widget
module stays about state and keys.

Every function here takes and returns :class:`rich.text.Text`. Nothing is ever parsed
as markup: a customer called ``[@click=app.quit]x[/]`` must show exactly that, and a
stray ``[/]`` must not crash the queue (decisions.md, "Hard-won rules").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

RowT = TypeVar("RowT")

Align = Literal["left", "right"]

ELLIPSIS = "…"
SORT_ASCENDING = "▲"
SORT_DESCENDING = "▼"
MARK_GLYPH = "●"
CURSOR_GLYPH = "▌"

# C0 and C1 control characters. Input refuses them, but a row imported from an ERP export
# may still carry one; an ESC reaching the terminal would repaint the clerk's screen.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WHITESPACE_CONTROL = frozenset("\t\n\r\x0b\x0c")


@dataclass(frozen=True)
class Column(Generic[RowT]):
    """One column of a virtual table.

    ``title`` arrives already translated, because the widget must not know about the
    catalogs. ``render`` returns ``Text`` rather than a string so that callers cannot
    smuggle markup in by accident.
    """

    id: str
    title: str
    width: int
    render: Callable[[RowT], Text]
    align: Align = "left"
    sortable: bool = True


def _replace_control(match: re.Match[str]) -> str:
    return " " if match.group(0) in _WHITESPACE_CONTROL else "\ufffd"


def sanitize(text: Text) -> Text:
    """Make ``text`` safe to draw on one line.

    Control characters are replaced one for one, so existing spans stay aligned with
    the characters they style; newlines and tabs become spaces because a cell is a
    single line.
    """
    plain = text.plain
    if _CONTROL.search(plain) is None:
        return text
    text.plain = _CONTROL.sub(_replace_control, plain)
    return text


def fit_cell(text: Text, width: int, align: Align = "left") -> Text:
    """Crop or pad ``text`` to exactly ``width`` terminal cells.

    Cropping counts cells, not characters: 深 is two cells wide. When a wide character
    would straddle the edge, Rich's ``set_cell_size`` leaves a space in its place, so
    the next column always starts at the same offset. A cropped value ends with an
    ellipsis, so a clerk can tell a truncated customer name from a short one.
    """
    cell = sanitize(text.copy())
    cell.no_wrap = True
    cell.end = ""
    if width <= 0:
        return Text("", end="")
    length = cell_len(cell.plain)
    if length > width:
        cell.truncate(width, overflow="ellipsis")
        length = cell_len(cell.plain)
    if length < width:
        if align == "right":
            cell.pad_left(width - length)
        else:
            cell.pad_right(width - length)
    return cell


def header_cell(column: Column[RowT], arrow: str | None) -> Text:
    """A column title, with the sort arrow kept visible even when the title is cropped."""
    if arrow is None:
        return fit_cell(Text(column.title), column.width, column.align)
    if column.width <= 2:
        return fit_cell(Text(arrow), column.width, column.align)
    title = fit_cell(Text(column.title), column.width - 2, "left")
    title.rstrip()
    label = Text.assemble(title, " ", arrow)
    return fit_cell(label, column.width, column.align)


def header_line(
    columns: Sequence[Column[RowT]],
    sort_column: str | None,
    sort_descending: bool,
) -> Text:
    """The header: a blank gutter cell, then the titles separated by one space."""
    line = Text(" ", no_wrap=True, end="")
    for index, column in enumerate(columns):
        if index:
            line.append(" ")
        arrow = None
        if column.id == sort_column:
            arrow = SORT_DESCENDING if sort_descending else SORT_ASCENDING
        line.append_text(header_cell(column, arrow))
    return line


def row_line(
    row: RowT,
    columns: Sequence[Column[RowT]],
    gutter: str,
    gutter_style: Style | None,
) -> Text:
    """One data row: the gutter mark (a glyph, so colour is never the only signal),
    then each column's cell fitted to its width."""
    line = Text(no_wrap=True, end="")
    line.append(gutter[:1] or " ", gutter_style)
    for index, column in enumerate(columns):
        if index:
            line.append(" ")
        line.append_text(fit_cell(column.render(row), column.width, column.align))
    return line


def centred_line(message: str, width: int) -> Text:
    """A message centred in ``width`` cells, e.g. the empty-queue notice."""
    text = fit_cell(Text(message), min(width, cell_len(message)))
    left = max(0, (width - cell_len(text.plain)) // 2)
    text.pad_left(left)
    return text


def to_strip(line: Text, width: int, style: Style, console: Console) -> Strip:
    """Render ``line`` over ``style`` into a Strip of exactly ``width`` cells.

    ``style`` is the row's base (header, cursor, marked or plain); the cells' own
    spans are drawn on top of it, so a red "late" marker stays red on the cursor row.
    """
    line.truncate(width, overflow="crop", pad=True)
    # Text.render ignores the Text's own base style when it has no spans, so the row
    # style goes under every segment explicitly.
    segments = list(Segment.apply_style(line.render(console, end=""), style))
    return Strip(segments).adjust_cell_length(width, style)


@dataclass(frozen=True)
class LineStyles:
    """The Rich style of each kind of line, looked up once per style change: walking
    the DOM for a background costs more than drawing a cached line."""

    base: Style
    header: Style
    cursor: Style
    marked: Style
    mark: Style
    empty: Style


class LinePainter(Generic[RowT]):
    """Draws the table's lines and remembers the row lines it drew.

    A key press changes at most two rows (the old and the new cursor row) unless the
    window scrolls, so keeping Strips by (row key, is cursor, is marked) turns most of a
    repaint into dictionary look-ups. The owner calls :meth:`clear` whenever rows,
    columns or styles may have changed; a change of width clears by itself.
    """

    def __init__(self, limit: int = 512) -> None:
        self._limit = limit
        self._rows: dict[tuple[Hashable, bool, bool], Strip] = {}
        self._header: Strip | None = None
        self._width = -1
        self._console: Console | None = None

    def clear(self) -> None:
        self._rows.clear()
        self._header = None

    def begin(self, width: int, console: Console) -> None:
        """Called before each line is drawn, with the widget's current content width."""
        if width != self._width:
            self.clear()
            self._width = width
        self._console = console

    def _strip(self, line: Text, style: Style) -> Strip:
        assert self._console is not None, "begin() comes before drawing"
        return to_strip(line, self._width, style, self._console)

    def header(
        self,
        columns: Sequence[Column[RowT]],
        sort_column: str | None,
        sort_descending: bool,
        styles: LineStyles,
    ) -> Strip:
        if self._header is None:
            line = header_line(columns, sort_column, sort_descending)
            self._header = self._strip(line, styles.base + styles.header)
        return self._header

    def row(
        self,
        row: RowT,
        key: Hashable,
        columns: Sequence[Column[RowT]],
        *,
        is_cursor: bool,
        is_marked: bool,
        styles: LineStyles,
    ) -> Strip:
        cache_key = (key, is_cursor, is_marked)
        strip = self._rows.get(cache_key)
        if strip is not None:
            return strip
        style = styles.base
        if is_marked:
            style += styles.marked
        if is_cursor:
            style += styles.cursor
        gutter, gutter_style = " ", None
        if is_marked:
            gutter, gutter_style = MARK_GLYPH, styles.mark
        elif is_cursor:
            gutter = CURSOR_GLYPH
        strip = self._strip(row_line(row, columns, gutter, gutter_style), style)
        if len(self._rows) >= self._limit:
            self._rows.clear()
        self._rows[cache_key] = strip
        return strip

    def message(self, text: str, styles: LineStyles) -> Strip:
        return self._strip(centred_line(text, self._width), styles.base + styles.empty)

    def blank(self, styles: LineStyles) -> Strip:
        return Strip.blank(self._width, styles.base)
