"""What the archive screen lists and narrows by: a hit's row, the facets, typed dates.

Plain values and parsing, apart from the screen so the rules for "2025-01..2026-12" and
for drawing a snippet's matches read on their own and are tested without a terminal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich.cells import cell_len, get_character_cell_size
from rich.text import Text

from followup_tui.i18n import t

if TYPE_CHECKING:
    from followup_tui.services.archive.views import DocumentView


#: How a matched piece of a snippet is drawn: reverse video reads without colour too.
MATCH_STYLE = "bold reverse"


@dataclass(frozen=True)
class ArchiveRow:
    """One line of the results: the document and its snippet as (text, matched)."""

    document: DocumentView
    snippet: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class ArchiveFilters:
    """The facets of a search; empty values mean "any"."""

    kind: str = ""
    customer: str = ""
    order_no: str = ""
    date_from: date | None = None
    date_to: date | None = None


def kind_title(kind: str) -> str:
    """A kind's name in the clerk's language; a company's own kind shows its key."""
    title = t(f"archive.kind.{kind}")
    return kind if title.startswith("archive.kind.") else title


def pieces_text(pieces: tuple[tuple[str, bool], ...]) -> Text:
    """Snippet pieces as one ``Text``, the matched ones stylised (never markup)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for piece, matched in pieces:
        text.append(piece, style=MATCH_STYLE if matched else "")
    return text


#: Cells the kind column may take: "保险单" needs 6, "Insurance certificate" 21.
KIND_CELLS = (6, 22)


def kind_width(titles: Iterable[str], heading: str) -> int:
    """Cells for the kind column: its widest title (or heading), within ``KIND_CELLS``, so
    "Commercial invoice" is not cut to "Commercial i" and 装箱单 wastes no room."""
    low, high = KIND_CELLS
    return max(low, min(high, max(cell_len(title) for title in (heading, *titles))))


def _tail(text: str, cells: int) -> str:
    """The end of ``text`` that fits in ``cells`` terminal cells (wide characters 2)."""
    kept = 0
    start = len(text)
    while start > 0:
        size = get_character_cell_size(text[start - 1])
        if kept + size > cells:
            break
        kept += size
        start -= 1
    return text[start:]


def centred_pieces(
    pieces: tuple[tuple[str, bool], ...], width: int
) -> tuple[tuple[str, bool], ...]:
    """Snippet pieces cut so their first match sits in the middle of ``width`` cells.

    The search cuts snippets by characters, 30 before the match; in Chinese that is 60
    cells, more than the column holds, and the match fell off its right edge
    ("…外观良好，无色 …"). What is cut before the match is marked "…"; the end is cut
    by the cell's own ellipsis. Pieces with no match stay as they are.
    """
    first = next((index for index, (_, matched) in enumerate(pieces) if matched), None)
    if first is None:
        return pieces
    before = "".join(piece for piece, _ in pieces[:first])
    match_cells = cell_len(pieces[first][0])
    after_cells = sum(cell_len(piece) for piece, _ in pieces[first + 1 :])
    # Half the room before the match, more when the text after it is short.
    room = max((width - match_cells) // 2, width - match_cells - after_cells)
    if cell_len(before) <= room:
        return pieces
    kept = _tail(before.removeprefix("…"), max(0, room - 1))
    head = (("…", False), (kept, False)) if kept else (("…", False),)
    return (*head, *pieces[first:])


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def parse_day(text: str, *, end: bool) -> date | None:
    """2026-11-27, or 2026-11 (the month's first or last day), or nothing."""
    text = text.strip()
    if not text:
        return None
    parts = text.split("-")
    if len(parts) == 2:
        first = date(int(parts[0]), int(parts[1]), 1)
        return _month_end(first) if end else first
    return date.fromisoformat(text)


def parse_range(text: str) -> tuple[date | None, date | None]:
    """ "2025-01..2026-12", "2026-11-01..", "..2026-06-30"; ValueError when unreadable."""
    low, sep, high = text.partition("..")
    if not sep:
        return parse_day(low, end=False), parse_day(low, end=True)
    return parse_day(low, end=False), parse_day(high, end=True)
