"""Keeping the two search indexes in step with the documents table (SQLite only).

Both FTS5 tables are contentless, keyed by the document's id: ``documents_fts`` holds
trigrams of title, metadata and text, ``documents_cjk`` the same three columns with every
Chinese character spaced out into a token of its own (``spaced_cjk``). Contentless tables
forget what they were given, so removing a document from them needs the values it was
indexed with; callers pass what they indexed (the document row and its stored text).
On PostgreSQL there are no FTS5 tables and these functions do nothing; search there
falls back to plain substring matching (see services/search.py).
"""

from __future__ import annotations

from sqlalchemy import Connection

from followup_tui.domain.text import is_cjk

INDEXES: tuple[str, ...] = ("documents_fts", "documents_cjk")


def spaced_cjk(text: str) -> str:
    """Every Chinese character as a word of its own: "色差明显" -> " 色  差  明  显 ".

    The unicode61 tokenizer then makes each character a token, so a two-character word
    is found as a phrase of two tokens, which trigrams cannot do.
    """
    if not any(is_cjk(char) for char in text):
        return text
    return "".join(f" {char} " if is_cjk(char) else char for char in text)


def _indexed(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite"


def index_document(
    connection: Connection, document_id: int, title: str, meta: str, body: str
) -> None:
    """Add one document to both indexes (in the caller's transaction)."""
    if not _indexed(connection):
        return
    connection.exec_driver_sql(
        "INSERT INTO documents_fts (rowid, title, meta, body) VALUES (?, ?, ?, ?)",
        (document_id, title, meta, body),
    )
    connection.exec_driver_sql(
        "INSERT INTO documents_cjk (rowid, title, meta, body) VALUES (?, ?, ?, ?)",
        (document_id, spaced_cjk(title), spaced_cjk(meta), spaced_cjk(body)),
    )


def unindex_document(
    connection: Connection, document_id: int, title: str, meta: str, body: str
) -> None:
    """Remove one document from both indexes, given exactly what it was indexed with."""
    if not _indexed(connection):
        return
    for table, values in (
        ("documents_fts", (title, meta, body)),
        ("documents_cjk", (spaced_cjk(title), spaced_cjk(meta), spaced_cjk(body))),
    ):
        connection.exec_driver_sql(
            f"INSERT INTO {table} ({table}, rowid, title, meta, body)"
            " VALUES ('delete', ?, ?, ?, ?)",
            (document_id, *values),
        )
