"""Bulk loading for the demo: plain-tuple inserts, deferred indexes, one log row.

Split from ``demo`` so the generator reads as what the data is, and this module as how a
million rows reach the store in under two minutes: rows go to the driver as tuples in
stored form (converted with the column types' own processors), the orders' indexes are
dropped and rebuilt around a large load, and the load leaves one change-log row per
table it filled.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect, Table, func, insert, select

from followup_tui.demo.catalog import table_of
from followup_tui.store.models import ChangeLog, Order
from followup_tui.store.unit_of_work import StoreContext


def column_names(*parts: str) -> tuple[str, ...]:
    return tuple(" ".join(parts).split())


#: Column order of the generator's row tuples (a test checks they cover each table).
ORDER_COLUMNS = column_names(
    "id order_no order_no_rev customer_po customer_id customer_name owner priority incoterm",
    "payment_terms packaging labels technical order_date requested_date confirmed_date",
    "due_date status status_rank held_from lead_product lead_product_id total_quantity unit",
    "total_amount currency created_at updated_at version",
)
LINE_COLUMNS = column_names(
    "order_id line_no product_id product spec quantity unit unit_price currency",
    "requested_date confirmed_date version",
)
NOTE_COLUMNS: tuple[str, ...] = ("order_id", "kind", "body", "author", "created_at", "version")


def next_id(connection: Connection, table: Table) -> int:
    return int(connection.scalar(select(func.max(table.c.id))) or 0) + 1


def insert_sql(connection: Connection, table: Table, columns: Sequence[str]) -> str:
    """A plain INSERT in the driver's own parameter style (``?`` for sqlite3, ``%s`` for
    psycopg): the rows are already in stored form, so SQLAlchemy has nothing to add."""
    quote = connection.dialect.identifier_preparer.quote
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    return (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(marker for _ in columns)})"
    )


@contextmanager
def collector_paused(*, enabled: bool) -> Iterator[None]:
    """Pause the cyclic garbage collector during a big load: the millions of row tuples
    contain no cycles, but each collection would walk all of them (measured: 15-20 %
    of the generation time)."""
    was_enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def indexes_deferred(connection: Connection, *, enabled: bool) -> Iterator[None]:
    """On SQLite, drop the orders' secondary indexes for a big load and rebuild them
    after from their own stored definitions, in the same transaction: if anything
    fails, the rollback restores them as they were."""
    if not enabled or connection.dialect.name != "sqlite":
        yield
        return
    names = {str(index.name) for index in table_of(Order).indexes}
    stored = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders' "
        "AND sql IS NOT NULL ORDER BY name"
    ).all()
    dropped = [(str(name), str(sql)) for name, sql in stored if name in names]
    quote = connection.dialect.identifier_preparer.quote
    for name, _ in dropped:
        connection.exec_driver_sql(f"DROP INDEX {quote(name)}")
    yield
    for _, sql in dropped:
        connection.exec_driver_sql(sql)


def log_load(connection: Connection, ctx: StoreContext, counts: dict[str, int]) -> None:
    """One change-log row per table filled, in the log's ``{field: [old, new]}`` shape:
    enough for "who loaded the demo, when", and a bump of ``max(id)`` so live views
    refresh."""
    now = ctx.now()
    rows = [
        {
            "at": now,
            "actor": ctx.actor,
            "entity": "demo",
            "entity_id": 0,
            "action": "insert",
            "diff": json.dumps({table: [None, count]}),
        }
        for table, count in counts.items()
        if count
    ]
    if rows:
        connection.execute(insert(table_of(ChangeLog)), rows)


def after_load(connection: Connection, counts: dict[str, int]) -> None:
    """Give the query planner statistics for the new data (the queue's index choice
    depends on them); a sampled ANALYZE keeps this to a fraction of a second."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA analysis_limit=1000")
        connection.exec_driver_sql("ANALYZE")
    elif connection.dialect.name == "postgresql" and counts.get("orders"):
        for table in ("customers", "products", "orders", "order_lines", "notes"):
            connection.exec_driver_sql(f"ANALYZE {table}")


# --- the order generator -------------------------------------------------------------


def unchanged(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Codec:
    """Values as the database stores them, from the column types' own bind processors.

    Rows go to the driver as plain tuples (SQLAlchemy's per-value processing cost more
    than generating the data), so dates, times and decimals are converted here, with
    exactly the functions SQLAlchemy would apply, once per distinct value where possible.
    """

    date: Callable[[Any], Any]
    moment: Callable[[Any], Any]
    quantity: Callable[[Any], Any]
    money: Callable[[Any], Any]

    @classmethod
    def for_dialect(cls, dialect: Dialect) -> Codec:
        table = table_of(Order)

        def processor(column: str) -> Callable[[Any], Any]:
            found = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
            return found if found is not None else unchanged

        return cls(
            processor("order_date"),
            processor("created_at"),
            processor("total_quantity"),
            processor("total_amount"),
        )
