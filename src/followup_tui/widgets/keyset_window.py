"""The visible window onto a keyset-paginated source, without any Textual.

:class:`~followup_tui.widgets.virtual_table.VirtualTable` draws what this model holds.
Keeping the bookkeeping apart from the widget means the rules that make a million-row
queue cheap (hold at most one fetch either side of the screen, fetch by key rather than
by offset, count rarely) can be read, and tested, without an App running.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Generic, Protocol, TypeVar

RowT = TypeVar("RowT")


class WindowSource(Protocol[RowT]):
    """Keyset pagination over rows in one fixed sort order.

    Calls are synchronous and run on the UI thread, so each must be a cheap indexed
    page read (about a millisecond). ``count`` may be slower; it is called only when the
    source is set or reloaded, never per key press. ``before`` returns the ``limit``
    rows immediately preceding ``row`` in ascending display order; ``starting_at``
    returns ``row`` itself (if it still matches) and the rows after it.
    """

    def head(self, limit: int) -> Sequence[RowT]: ...
    def tail(self, limit: int) -> Sequence[RowT]: ...
    def after(self, row: RowT, limit: int) -> Sequence[RowT]: ...
    def before(self, row: RowT, limit: int) -> Sequence[RowT]: ...
    def starting_at(self, row: RowT, limit: int) -> Sequence[RowT]: ...
    def count(self) -> int: ...
    def key_of(self, row: RowT) -> Hashable: ...


class KeysetWindow(Generic[RowT]):
    """A small buffer of fetched rows with a cursor and a visible window in it.

    ``rows`` holds the visible rows plus at most one fetch either side; ``top`` and
    ``cursor`` are indexes into it. ``at_start``/``at_end`` say whether the buffer
    touches an end of the source, which is what makes the rank exact near the ends and
    an estimate in between (rows inserted above the window are not counted until the
    clerk goes home or to the end).
    """

    def __init__(self, min_fetch: int = 16) -> None:
        self.min_fetch = min_fetch
        self.source: WindowSource[RowT] | None = None
        self.rows: list[RowT] = []
        self.top = 0
        self.cursor = 0
        self.page = 0
        self.at_start = True
        self.at_end = True
        self.count = 0
        self.rank = 0

    # -- reading ----------------------------------------------------------------------

    @property
    def fetch_size(self) -> int:
        return max(self.page, self.min_fetch)

    @property
    def cursor_row(self) -> RowT | None:
        return self.rows[self.cursor] if self.rows else None

    @property
    def cursor_key(self) -> Hashable | None:
        row = self.cursor_row
        if row is None or self.source is None:
            return None
        return self.source.key_of(row)

    @property
    def visible_rows(self) -> Sequence[RowT]:
        return self.rows[self.top : self.top + self.page]

    # -- loading ----------------------------------------------------------------------

    def set_source(self, source: WindowSource[RowT] | None) -> None:
        self.source = source
        self.count = source.count() if source is not None else 0
        self.load_head()

    def load_head(self) -> None:
        size = self.fetch_size
        self.rows = list(self.source.head(size)) if self.source is not None else []
        self.at_start = True
        self.at_end = len(self.rows) < size
        self.top = self.cursor = 0
        self.settle()
        self.exact_rank()

    def load_from(self, row: RowT) -> None:
        """Start the window at ``row`` with the cursor on it (a row far from either end,
        such as an order just saved); the rank stays an estimate until an end is met."""
        if self.source is None:
            return
        size = self.fetch_size
        rows = list(self.source.starting_at(row, size))
        if not rows:
            self.load_head()
            return
        self.rows = rows
        self.at_start = not self.source.before(rows[0], 1)
        self.at_end = len(rows) < size
        self.top = self.cursor = 0
        self.settle()
        self.exact_rank()

    def load_tail(self) -> None:
        size = self.fetch_size
        self.rows = list(self.source.tail(size)) if self.source is not None else []
        self.at_end = True
        self.at_start = len(self.rows) < size
        self.cursor = max(0, len(self.rows) - 1)
        self.top = max(0, len(self.rows) - self.page)
        self.settle()
        self.exact_rank()

    def reload(self) -> None:
        """Refetch from the top row; keep the cursor on its key if that row is still in
        the window, else on the same screen line. Recounts the source."""
        if self.source is None:
            return
        self.count = self.source.count()
        if not self.rows:
            self.load_head()
            return
        old_key = self.cursor_key
        screen_pos = self.cursor - self.top
        top_rank = self.rank - screen_pos
        rows = list(self.source.starting_at(self.rows[self.top], self.fetch_size))
        if not rows:
            # The top row and everything after it is gone: show the new last page.
            self.load_tail()
            self.cursor = min(self.top + screen_pos, max(0, len(self.rows) - 1))
            self.exact_rank()
            return
        self.rows, self.top, self.cursor = rows, 0, min(screen_pos, len(rows) - 1)
        self.at_start, self.at_end = False, len(rows) < self.fetch_size
        self.settle()
        if old_key is None or not self.move_to_key(old_key):
            self.cursor = min(self.top + screen_pos, len(self.rows) - 1)
        self.rank = top_rank + self.cursor - self.top
        self.exact_rank()

    # -- moving -----------------------------------------------------------------------

    def move_to_key(self, key: Hashable) -> bool:
        """Put the cursor on ``key`` if that row is visible; False otherwise.

        Before the first layout (``page`` 0) the whole first fetch counts as visible, so a
        screen can restore its selection before the widget knows its height.
        """
        if self.source is None:
            return False
        end = min(len(self.rows), self.top + self.page) if self.page else len(self.rows)
        for index in range(self.top, end):
            if self.source.key_of(self.rows[index]) == key:
                self.rank += index - self.cursor
                self.cursor = index
                self.exact_rank()
                return True
        return False

    def move(self, delta: int, *, scroll: int = 0) -> None:
        """Move the cursor ``delta`` rows and the window ``scroll`` rows, fetching at
        most a page or two on the way; clamps at either end of the source."""
        if not self.rows:
            return
        target = self.cursor + delta
        top = self.top + scroll
        while target >= len(self.rows) or top + self.page > len(self.rows):
            if not self._fetch_after():
                break
        while target < 0 or top < 0:
            before = len(self.rows)
            if not self._fetch_before():
                break
            target += len(self.rows) - before
            top += len(self.rows) - before
        target = min(max(target, 0), len(self.rows) - 1)
        self.rank += target - self.cursor
        self.cursor = target
        self.top = max(top, 0)
        self.settle()
        self.trim()
        self.exact_rank()

    def first(self) -> None:
        """Home: no fetch when the buffer already starts at the first row."""
        if self.at_start:
            self.move(-self.cursor)
        else:
            self.load_head()

    def last(self) -> None:
        """End: no fetch when the buffer already ends at the last row."""
        if self.at_end:
            self.move(len(self.rows) - 1 - self.cursor)
        else:
            self.load_tail()

    def resize(self, page: int) -> None:
        """The widget's height changed: refetch only what the new window needs."""
        self.page = max(0, page)
        self.settle()
        self.trim()
        self.exact_rank()

    # -- bookkeeping ------------------------------------------------------------------

    def _fetch_after(self) -> bool:
        """Append one fetch after the buffer; False when the source has no more."""
        if self.source is None or self.at_end or not self.rows:
            return False
        size = self.fetch_size
        rows = self.source.after(self.rows[-1], size)
        self.rows.extend(rows)
        self.at_end = len(rows) < size
        return bool(rows)

    def _fetch_before(self) -> bool:
        """Prepend one fetch before the buffer, shifting indexes; False at the start."""
        if self.source is None or self.at_start or not self.rows:
            return False
        size = self.fetch_size
        rows = self.source.before(self.rows[0], size)
        self.rows[0:0] = rows
        self.top += len(rows)
        self.cursor += len(rows)
        self.at_start = len(rows) < size
        return bool(rows)

    def settle(self) -> None:
        """Keep the cursor visible and the window full, fetching only to fill it."""
        if not self.rows:
            self.top = self.cursor = 0
            return
        self.cursor = min(max(self.cursor, 0), len(self.rows) - 1)
        page = self.page
        if page <= 0:
            self.top = self.cursor
            return
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + page:
            self.top = self.cursor - page + 1
        while self.top + page > len(self.rows):
            if not self._fetch_after():
                break
        if self.top + page > len(self.rows):
            self.top = max(0, len(self.rows) - page)
            if len(self.rows) - self.top < page and self._fetch_before():
                self.top = max(0, len(self.rows) - page)

    def trim(self) -> None:
        """Drop rows more than one fetch away from the window, so memory stays flat."""
        size = self.fetch_size
        excess = self.top - size
        if excess > 0:
            del self.rows[:excess]
            self.top -= excess
            self.cursor -= excess
            self.at_start = False
        keep = self.top + self.page + size
        if len(self.rows) > keep:
            del self.rows[keep:]
            self.at_end = False

    def exact_rank(self) -> None:
        """Replace the running estimate with the true rank when the buffer touches an
        end of the source; otherwise just keep it within 1..count."""
        if not self.rows:
            self.rank = 0
            return
        if self.at_start:
            self.rank = self.cursor + 1
        elif self.at_end:
            self.rank = self.count - (len(self.rows) - 1 - self.cursor)
        self.rank = min(max(self.rank, 1), max(self.count, 1))
