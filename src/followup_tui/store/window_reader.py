"""The queue's read path: plain DB-API, no SQLAlchemy.

The first order rows must reach the screen within twice the start-up time of a bare
Textual app, and importing SQLAlchemy alone costs about as much as Textual (0.4-0.6 s
here). The queue's reads are a handful of single-table keyset queries, so they go
through ``sqlite3`` (or ``psycopg``) directly; every write, and every other read, goes
through SQLAlchemy in ``unit_of_work``. The connection runs in autocommit mode and each
query is fetched whole and closed, so no read transaction stays open while the desk
waits (an idle reader lets the WAL grow without bound).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from typing import Any

from followup_tui.store.location import StoreLocation

BUSY_TIMEOUT_MS = 5_000


class QueryInterrupted(Exception):
    """A query was stopped by ``WindowReader.interrupt`` because its answer is no longer
    wanted (the clerk typed on and a newer count replaced it)."""


class WindowReader:
    """One lazily opened read connection, safe to share between the UI and a worker."""

    def __init__(self, location: StoreLocation, *, read_only: bool = False) -> None:
        self.location = location
        self.read_only = read_only
        self._lock = threading.Lock()
        self._connection: Any = None

    @property
    def placeholder(self) -> str:
        return "?" if self.location.is_sqlite else "%s"

    def _connect(self) -> Any:
        if self.location.is_sqlite:
            if self.location.path is None:
                raise ValueError("the queue needs a file or server store, not :memory:")
            mode = "ro" if self.read_only else "rw"
            connection = sqlite3.connect(
                f"file:{self.location.path}?mode={mode}",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
            )
            connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA query_only=ON")
            return connection
        import psycopg

        url = self.location.url.replace("postgresql+psycopg://", "postgresql://", 1)
        server = psycopg.connect(url, autocommit=True)
        if self.read_only:
            server.execute("SET default_transaction_read_only = on")
        return server

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one query (``?`` placeholders) and return every row; nothing stays open."""
        if not self.location.is_sqlite:
            sql = sql.replace("%", "%%").replace("?", "%s")
        with self._lock:
            if self._connection is None:
                self._connection = self._connect()
            try:
                cursor = self._connection.execute(sql, tuple(params))
                try:
                    return list(cursor.fetchall())
                finally:
                    cursor.close()
            except sqlite3.OperationalError as error:
                if "interrupt" in str(error):
                    raise QueryInterrupted(sql) from error
                raise

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.fetch(sql, params)
        return rows[0][0] if rows else None

    def interrupt(self) -> None:
        """Stop the query running on this connection, from another thread.

        Taken without the lock on purpose: the lock is held by the query being stopped.
        """
        connection = self._connection
        if connection is None:
            return
        if self.location.is_sqlite:
            connection.interrupt()
        else:
            connection.cancel()

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
