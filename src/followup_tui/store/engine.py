"""The engine factory: SQLite tuned for several writers, PostgreSQL as is.

Write units of work begin with ``BEGIN IMMEDIATE`` emitted by SQLAlchemy itself, with the
driver's own transaction handling switched off: measured here, the driver's default
(and even ``isolation_level="IMMEDIATE"``, whose SELECT runs before the BEGIN) lost most
read-modify-write updates from 8 concurrent processes, while this recipe lost none.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool

from followup_tui.store.location import StoreLocation, prepare_sqlite_file

BUSY_TIMEOUT_MS = 30_000
WRITE_OPTIONS: dict[str, Any] = {"sqlite_begin": "IMMEDIATE"}


def make_engine(location: StoreLocation, *, read_only: bool = False) -> Engine:
    if location.is_sqlite:
        return _sqlite_engine(location, read_only=read_only)
    engine = create_engine(location.url, pool_pre_ping=True)
    if read_only:
        _postgres_read_only(engine)
    return engine


def _sqlite_engine(location: StoreLocation, *, read_only: bool) -> Engine:
    url = location.url
    if location.path is not None:
        if read_only:
            url = f"sqlite:///file:{location.path}?mode=ro&uri=true"
        else:
            prepare_sqlite_file(location.path)
    # NullPool: a connection is opened per unit of work and closed after, so no idle
    # connection can pin an old WAL snapshot while a screen waits.
    engine = create_engine(url, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _postgres_read_only(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SET default_transaction_read_only = on")
        cursor.close()
        dbapi_connection.commit()
