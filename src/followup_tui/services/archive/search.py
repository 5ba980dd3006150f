"""Searching the archive: the page of hits first, the count apart, snippets for the page.

How a query is answered on SQLite (figures on 1,000,000 documents in
docs/performance.md, reasons in docs/decisions.md "Archive search"):

* the query is parsed into terms (domain/search_query.py); terms of 3+ characters go
  together into one ``documents_fts`` (trigram) MATCH, terms of 1-2 characters into one
  ``documents_cjk`` MATCH (one token per Chinese character, short words as phrases).
  Never ``LIKE`` against the trigram index and never a 2-character term in a trigram
  MATCH: on SQLite 3.40 the first finds nothing and the second is silently dropped;
* the first index drives, in descending rowid order, which FTS5 hands out without
  sorting; the other index is an ``IN (SELECT rowid ...)`` set; both are joined to
  ``documents`` by primary key for the filters. With ``LIMIT`` the walk stops at the
  page, so a common word costs what a rare one does;
* ranking is "newest filed first": ids are handed out in filing order, so ``id DESC`` is
  the filing order and needs no sort. bm25 over a common term's hits took hundreds of
  milliseconds at the 95th percentile, so it is not used; ``rank`` is the position;
* the count is a separate call, so the screen shows the page before it is known;
* snippets are cut from ``document_texts`` for the page only, around the first match.

On PostgreSQL there are no FTS5 tables: every term is a case-insensitive substring test
(``lower(...) LIKE``) over the title, the stored metadata columns and the text. It is a
scan, acceptable for the desks that run there (a server, far fewer documents per query
than the benchmark), and documented as such.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from followup_tui.domain.archive.search_query import ParsedQuery, Term, parse_query
from followup_tui.services.archive.views import DocumentView, document_view
from followup_tui.store.archive_models import Document, DocumentText
from followup_tui.store.customer_match import customer_ids_sql, customer_pattern
from followup_tui.store.unit_of_work import StoreContext

#: Characters of text shown before and after the first match in a snippet.
SNIPPET_BEFORE, SNIPPET_AFTER = 30, 90
MAX_LIMIT = 500

Snippet = tuple[tuple[str, bool], ...]


@dataclass(frozen=True, slots=True)
class SearchHit:
    document: DocumentView
    snippet: Snippet  # text pieces, matched or not
    rank: int  # 1-based position in the whole result


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: tuple[SearchHit, ...]
    total: int | None  # None: not counted (see count_hits)


@dataclass(frozen=True, slots=True)
class Filters:
    """The facets of the archive screen; every one optional, all of them ANDed."""

    kind: str | None = None
    customer: str | None = None  # a name substring or a pinyin initials prefix
    order_no: str | None = None
    date_from: date | None = None  # document date, inclusive
    date_to: date | None = None
    filed_by: str | None = None


def _like(value: str) -> str:
    """``value`` for ``LIKE ... ESCAPE '\\'`` with its own ``%``, ``_`` and ``\\`` literal."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filter_sql(filters: Filters, params: dict[str, Any]) -> list[str]:
    """``WHERE`` parts over ``documents d`` for the filters, adding their parameters."""
    where: list[str] = []
    if filters.kind:
        where.append("d.kind = :kind")
        params["kind"] = filters.kind
    pattern = customer_pattern(filters.customer or "")
    if pattern is not None:
        # The desk's one customer matcher; the copied name too, for a document filed
        # under a customer the desk has no row for.
        params["customer"] = pattern
        where.append(
            "(lower(d.customer_name) LIKE :customer ESCAPE '\\'"
            f" OR d.customer_id IN ({customer_ids_sql(':customer')}))"
        )
    if filters.order_no and filters.order_no.strip():
        where.append("d.order_no = :order_no")
        params["order_no"] = filters.order_no.strip()
    if filters.date_from is not None:
        where.append("d.doc_date >= :date_from")
        params["date_from"] = filters.date_from
    if filters.date_to is not None:
        where.append("d.doc_date <= :date_to")
        params["date_to"] = filters.date_to
    if filters.filed_by:
        where.append("d.filed_by = :filed_by")
        params["filed_by"] = filters.filed_by
    return where


#: A short term with fewer hits than this drives a mixed query instead of the long one.
RARE_SHORT = 2000


def _short_is_rare(session: Session, cjk: str) -> bool:
    """Whether the short terms match few documents: then the page is walked on them and
    each hit probed for the long terms, rather than probing every hit of a common long
    term for a rare short one (seconds on a million documents). Bounded: it reads at
    most ``RARE_SHORT`` rowids whatever the terms."""
    found = session.execute(
        text(
            "SELECT count(*) FROM (SELECT rowid FROM documents_cjk"
            " WHERE documents_cjk MATCH :cjk LIMIT :limit)"
        ),
        {"cjk": cjk, "limit": RARE_SHORT},
    ).scalar_one()
    return int(found) < RARE_SHORT


def _fts_sql(
    query: ParsedQuery, params: dict[str, Any], *, paged: bool, short_drives: bool = False
) -> tuple[str, list[str]]:
    """The driving FROM clause and the text conditions on SQLite (FTS5)."""
    fts, cjk = query.fts_expression, query.cjk_expression
    where: list[str] = []
    if fts is not None and cjk is not None and short_drives:
        params.update(fts=fts, cjk=cjk)
        return "documents_cjk f JOIN documents d ON d.id = f.rowid", [
            "documents_cjk MATCH :cjk",
            "EXISTS (SELECT 1 FROM documents_fts g"
            " WHERE documents_fts MATCH :fts AND g.rowid = f.rowid)",
        ]
    if fts is not None:
        params["fts"] = fts
        source = "documents_fts f JOIN documents d ON d.id = f.rowid"
        where.append("documents_fts MATCH :fts")
        if cjk is not None:
            params["cjk"] = cjk
            if paged and not cjk.endswith("*") and '"* AND' not in cjk:
                # Phrases only: a probe per trigram hit (FTS5 seeks the rowid) stops with
                # the page; a prefix ("po"*) re-expands per probe, so it gets the set.
                where.append(
                    "EXISTS (SELECT 1 FROM documents_cjk c"
                    " WHERE documents_cjk MATCH :cjk AND c.rowid = f.rowid)"
                )
            else:
                where.append(
                    "d.id IN (SELECT rowid FROM documents_cjk WHERE documents_cjk MATCH :cjk)"
                )
        return source, where
    if cjk is None:  # unreachable: a parsed query has a long or a searchable short term
        return "documents d", ["0"]
    params["cjk"] = cjk
    return "documents_cjk f JOIN documents d ON d.id = f.rowid", ["documents_cjk MATCH :cjk"]


def _scan_sql(query: ParsedQuery, params: dict[str, Any]) -> tuple[str, list[str]]:
    """The PostgreSQL fallback: each term a lower-case substring of some stored text."""
    source = "documents d LEFT JOIN document_texts t ON t.document_id = d.id"
    where: list[str] = []
    for number, term in enumerate(query.terms):
        key = f"term{number}"
        params[key] = f"%{_like(term.text.lower())}%"
        columns = ("d.title", "d.filename", "d.order_no", "d.customer_name", "d.fields", "t.body")
        tests = " OR ".join(f"lower({column}) LIKE :{key} ESCAPE '\\'" for column in columns)
        # The document's customer by the desk's one customer matcher (pinyin initials).
        tests += f" OR d.customer_id IN ({customer_ids_sql(':' + key)})"
        where.append(f"({tests})")
    return source, where


def _compose(
    session: Session, query: ParsedQuery, filters: Filters, *, paged: bool = False
) -> tuple[str, dict[str, Any]]:
    """``FROM ... WHERE ...`` for a query and filters, with its parameters."""
    params: dict[str, Any] = {}
    where: list[str]
    if not query:
        source, where = "documents d", []
    elif session.get_bind().dialect.name == "sqlite":
        query, where = _initials_sql(query, params)
        source = "documents d"
        if query:
            source, text_where = _text_sql(session, query, params, paged=paged)
            where = text_where + where
    else:
        source, where = _scan_sql(query, params)
    where += _filter_sql(filters, params)
    return f" FROM {source}" + (" WHERE " + " AND ".join(where) if where else ""), params


def _could_be_initials(term: Term) -> bool:
    """A short Latin term ("hq") may be a customer's pinyin initials. Longer ones are
    found by the trigram index in the initials kept in each document's metadata, but a
    1-2 letter term goes to the word index, where initials are one word (``szshqdz``)
    that ``"hq"*`` does not begin."""
    return term.kind == "short" and term.text.isascii() and term.text.isalnum()


def _initials_sql(query: ParsedQuery, params: dict[str, Any]) -> tuple[ParsedQuery, list[str]]:
    """The query without its short Latin terms, and a condition for each of them: the
    word in the text, or the document's customer found by the desk's customer matcher
    (so ``hq`` finds 华强's documents, as it finds 华强's orders in the queue)."""
    rest: list[Term] = []
    where: list[str] = []
    for number, term in enumerate(query.terms):
        pattern = customer_pattern(term.text)
        if not _could_be_initials(term) or pattern is None:
            rest.append(term)
            continue
        params[f"word{number}"] = term.cjk
        params[f"initials{number}"] = pattern
        where.append(
            f"(d.id IN (SELECT rowid FROM documents_cjk WHERE documents_cjk MATCH :word{number})"
            f" OR d.customer_id IN ({customer_ids_sql(f':initials{number}')}))"
        )
    return ParsedQuery(tuple(rest)), where


def _text_sql(
    session: Session, query: ParsedQuery, params: dict[str, Any], *, paged: bool
) -> tuple[str, list[str]]:
    """The driving index and its conditions for the terms FTS5 answers itself."""
    cjk = query.cjk_expression
    short_drives = (
        paged and query.fts_expression is not None and cjk is not None
    ) and _short_is_rare(session, cjk)
    return _fts_sql(query, params, paged=paged, short_drives=short_drives)


def page_ids(
    session: Session, query: ParsedQuery, filters: Filters, limit: int, offset: int
) -> list[int]:
    """Ids of one page of hits, newest filed first (descending id)."""
    body, params = _compose(session, query, filters, paged=True)
    params.update(limit=limit, offset=offset)
    # Ordered by the driving index's rowid (= d.id) so FTS5 walks it backwards and the
    # walk stops at the page; "ORDER BY d.id" made SQLite sort every hit first.
    order = "f.rowid" if " f JOIN " in body else "d.id"
    sql = f"SELECT d.id{body} ORDER BY {order} DESC LIMIT :limit OFFSET :offset"
    return [row[0] for row in session.execute(text(sql), params)]


def _count(session: Session, query: ParsedQuery, filters: Filters) -> int:
    body, params = _compose(session, query, filters)
    return int(session.execute(text(f"SELECT count(*){body}"), params).scalar_one())


def snippet(
    body: str, terms: Sequence[str], *, before: int = SNIPPET_BEFORE, after: int = SNIPPET_AFTER
) -> Snippet:
    """A window of ``body`` around its first match of any term, matches flagged.

    Matching ignores case (``str.casefold`` through ``re.IGNORECASE``) and works the same
    for Chinese, since the terms are plain substrings. Blanks are collapsed so a snippet
    is one line. A body without any match gives its beginning, nothing flagged.
    """
    flat = " ".join(body.split())
    words = [term for term in terms if term]
    if not flat:
        return ()
    if not words:
        return ((flat[: before + after], False),)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    first = pattern.search(flat)
    start = 0 if first is None else max(0, first.start() - before)
    end = min(len(flat), (first.end() if first else 0) + after)
    window = flat[start:end]
    pieces: list[tuple[str, bool]] = []
    if start > 0:
        pieces.append(("…", False))
    cursor = 0
    for match in pattern.finditer(window):
        if match.start() > cursor:
            pieces.append((window[cursor : match.start()], False))
        pieces.append((match.group(), True))
        cursor = match.end()
    if cursor < len(window):
        pieces.append((window[cursor:], False))
    if end < len(flat):
        pieces.append(("…", False))
    return tuple(pieces)


def _merge(pieces: Snippet) -> Snippet:
    merged: list[tuple[str, bool]] = []
    for piece, flagged in pieces:
        if merged and merged[-1][1] == flagged:
            merged[-1] = (merged[-1][0] + piece, flagged)
        else:
            merged.append((piece, flagged))
    return tuple(merged)


def _hits(session: Session, ids: list[int], query: ParsedQuery, offset: int) -> list[SearchHit]:
    """Views and snippets for one page of ids, in the page's order."""
    if not ids:
        return []
    rows = {row.id: row for row in session.scalars(select(Document).where(Document.id.in_(ids)))}
    bodies: dict[int, str] = {
        document_id: body
        for document_id, body in session.execute(
            select(DocumentText.document_id, DocumentText.body).where(
                DocumentText.document_id.in_(ids)
            )
        )
    }
    terms = query.texts
    hits: list[SearchHit] = []
    for position, document_id in enumerate(ids, start=offset + 1):
        row = rows[document_id]
        body = bodies.get(document_id, "")
        cut = snippet(body, terms)
        if not any(flagged for _, flagged in cut) and terms:
            title_cut = snippet(row.title, terms)
            if any(flagged for _, flagged in title_cut):
                cut = title_cut
        hits.append(SearchHit(document_view(row), _merge(cut), position))
    return hits


def search(
    ctx: StoreContext,
    query: str,
    *,
    kind: str | None = None,
    customer: str | None = None,
    order_no: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    filed_by: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """One page of documents matching every term of ``query`` and every filter.

    An empty query lists the filtered documents, newest first. ``total`` is None: the
    count is ``count_hits``, a separate call, so a screen can show the page first.
    """
    parsed = parse_query(query)
    if query.strip() and not parsed:  # only punctuation: no index can answer it
        return SearchResult((), 0)
    filters = Filters(kind, customer, order_no, date_from, date_to, filed_by)
    limit = max(1, min(limit, MAX_LIMIT))
    with ctx.read() as session:
        ids = page_ids(session, parsed, filters, limit, max(0, offset))
        hits = _hits(session, ids, parsed, max(0, offset))
    return SearchResult(tuple(hits), None)


def count_hits(
    ctx: StoreContext,
    query: str,
    *,
    kind: str | None = None,
    customer: str | None = None,
    order_no: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    filed_by: str | None = None,
) -> int:
    """How many documents ``search`` would page through with the same arguments."""
    parsed = parse_query(query)
    if query.strip() and not parsed:
        return 0
    filters = Filters(kind, customer, order_no, date_from, date_to, filed_by)
    with ctx.read() as session:
        return _count(session, parsed, filters)
