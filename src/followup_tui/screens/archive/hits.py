"""What the archive screen lists and narrows by: a hit's row, the facets, typed dates.

Plain values and parsing, apart from the screen so the rules for "2025-01..2026-12" and
for drawing a snippet's matches read on their own and are tested without a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

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
