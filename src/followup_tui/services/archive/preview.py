"""What the archive screen's preview pane needs: a document's text and the passages
around the words the clerk searched for.

The search service returns one snippet per hit, cut for a results row; the preview
shows more of the document, several passages with every match marked, so the clerk can
tell the right QC report from ten similar ones without exporting it. The passages are
cut here, in plain Python, as ``(text, matched)`` pieces, so the screen only turns them
into styled text and never parses anything the document says.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from followup_tui.services.archive.checklist import Checklist
    from followup_tui.services.archive.views import DocumentView
    from followup_tui.store.unit_of_work import StoreContext

#: One run of a passage and whether it is a match of the query.
Piece = tuple[str, bool]

#: Characters shown on either side of a match.
CONTEXT = 60
#: Passages shown at most; a clerk reads the first few and exports the rest.
MAX_PASSAGES = 4
#: Text shown when the query matched only the title or the metadata.
OPENING = 400


@dataclass(frozen=True)
class Preview:
    """Passages of one document's text, and how many matches the whole text holds."""

    passages: tuple[tuple[Piece, ...], ...]
    matches: int
    length: int


def read_document_text(ctx: StoreContext, document_id: int) -> str:
    """The extracted text of a document ("" when it had none: a scan, an image).

    Read through the filing service, so the screen and the CLI read the same text.
    """
    from followup_tui.services.archive.filing import document_body

    return document_body(ctx, document_id)


def query_terms(query: str) -> tuple[str, ...]:
    """The words of a query as the clerk typed them, longest first (so "色差明显"
    wins over "色差" where both match), without search syntax quotes."""
    words = {word.strip("\"'") for word in query.split()}
    return tuple(sorted((word for word in words if word), key=lambda word: (-len(word), word)))


def _pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    return re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)


def split_matches(text: str, terms: Sequence[str]) -> tuple[Piece, ...]:
    """``text`` as pieces, each match of a term its own piece marked True."""
    pattern = _pattern(terms)
    if pattern is None or not text:
        return ((text, False),) if text else ()
    pieces: list[Piece] = []
    start = 0
    for match in pattern.finditer(text):
        if match.start() > start:
            pieces.append((text[start : match.start()], False))
        pieces.append((match.group(0), True))
        start = match.end()
    if start < len(text):
        pieces.append((text[start:], False))
    return tuple(pieces)


def _flat(text: str) -> str:
    """One line per passage: line breaks inside a window would break the layout."""
    return " ".join(text.split())


def preview_of(body: str, query: str) -> Preview:
    """Up to ``MAX_PASSAGES`` windows of ``body`` around the matches of ``query``.

    Windows that overlap are merged, so a match is never shown twice. A text without
    a match (the hit came from the title or the metadata) shows its opening.
    """
    terms = query_terms(query)
    pattern = _pattern(terms)
    spans = [match.span() for match in pattern.finditer(body)] if pattern is not None else []
    if not spans:
        opening = body[:OPENING]
        suffix = "…" if len(body) > OPENING else ""
        pieces = split_matches(_flat(opening) + suffix, terms)
        return Preview((pieces,) if pieces else (), 0, len(body))
    windows: list[list[int]] = []
    for start, end in spans:
        low, high = max(0, start - CONTEXT), min(len(body), end + CONTEXT)
        if windows and low <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], high)
        else:
            windows.append([low, high])
        if len(windows) > MAX_PASSAGES:
            windows.pop()
            break
    passages = []
    for low, high in windows:
        text = _flat(body[low:high])
        text = ("…" if low > 0 else "") + text + ("…" if high < len(body) else "")
        passages.append(split_matches(text, terms))
    return Preview(tuple(passages), len(spans), len(body))


def load_preview(ctx: StoreContext, document_id: int, query: str) -> Preview:
    """The preview of one document for ``query``, read in the caller's worker."""
    return preview_of(read_document_text(ctx, document_id), query)


@dataclass(frozen=True)
class OrderDocuments:
    """An order's filed documents, newest first, and its checklist, read together so
    the order screen never shows a checklist from another moment than the list."""

    documents: tuple[DocumentView, ...]
    checklist: Checklist


def order_documents(ctx: StoreContext, order_id: int, order_no: str) -> OrderDocuments:
    """What the order screen's Documents section shows (first 100 documents)."""
    from followup_tui.services.archive.checklist import order_checklist
    from followup_tui.services.archive.search import search

    hits = search(ctx, "", order_no=order_no, limit=100).hits
    return OrderDocuments(tuple(hit.document for hit in hits), order_checklist(ctx, order_id))
