"""The order queue: keyset pages over up to a million orders, a few rows at a time.

A window is described by a ``QueueQuery`` (filter text, facets, sort). ``OrderWindow``
answers the virtual table's questions (first rows, rows after or before a row, the
count) with single-table queries that walk one index each, so a key press costs the
same with ten orders or a million. The filter matches order numbers by prefix and
suffix (indexed), customers and products by name, folded text or pinyin initials; the
customer and product tables are small, so those matches are resolved by sub-queries.

This module imports no SQLAlchemy: it is on the path to the first rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from followup_tui.domain.orders.lifecycle import OrderStatus
from followup_tui.domain.text import fold, reverse_key
from followup_tui.store.customer_match import customer_ids_sql, customer_params
from followup_tui.store.queue_indexes import OPEN_ORDERS_SQL, SORT_COLUMNS, sort_index
from followup_tui.store.schema_version import HEAD_REVISION
from followup_tui.store.window_reader import QueryInterrupted, WindowReader

QUANTITY_SCALE = Decimal(1000)
_COLUMNS = (
    "id, order_no, customer_name, lead_product, total_quantity, unit, due_date, "
    "confirmed_date IS NOT NULL, status, owner, slip_days"
)
_HIGH = "\U0010ffff"


class CountInterrupted(Exception):
    """A count was stopped because a newer one replaced it (``WindowReader.interrupt``:
    the clerk typed on). Its answer is no longer wanted, and the screen drops it.

    The store's ``QueryInterrupted`` becomes this one here, so that the screens, which
    reach the store only through the services, catch a service's exception.
    """


@contextmanager
def _interruptible() -> Iterator[None]:
    try:
        yield
    except QueryInterrupted as stopped:
        raise CountInterrupted(*stopped.args) from stopped


@dataclass(frozen=True)
class QueueQuery:
    """What the clerk asked to see. ``owner`` None means everyone's orders."""

    text: str = ""
    status: str = "open"
    owner: str | None = None
    sort: str = "due_date"
    descending: bool = False

    def with_text(self, text: str) -> QueueQuery:
        return replace(self, text=text)


@dataclass(frozen=True)
class QueueRow:
    id: int
    order_no: str
    customer: str
    product: str
    quantity: Decimal
    unit: str
    due_date: date
    confirmed: bool
    status: str
    owner: str
    sort_value: Any = field(compare=False)
    #: Business days the plan's projected finish lies past the promise (0: on time).
    slip_days: int = 0


class StoreState(StrEnum):
    MISSING = "missing"  # no schema yet: a brand-new store
    EMPTY = "empty"  # schema present, no orders: offer demo / import / empty
    READY = "ready"
    OUTDATED = "outdated"  # older schema: needs `followup db upgrade`


def store_state(reader: WindowReader, head_revision: str = HEAD_REVISION) -> StoreState:
    """Decide what the desk shows first, with two cheap queries; ``head_revision`` is
    the schema revision this program expects."""
    probe = (
        "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        if reader.location.is_sqlite
        else "SELECT table_name FROM information_schema.tables WHERE table_name='alembic_version'"
    )
    if not reader.fetch(probe):
        return StoreState.MISSING
    if reader.scalar("SELECT version_num FROM alembic_version") != head_revision:
        return StoreState.OUTDATED
    if reader.scalar("SELECT id FROM orders LIMIT 1") is None:
        return StoreState.EMPTY
    return StoreState.READY


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


#: A text filter matching at most this many orders is served from its id set (index
#: lookups, then a small sort); above it, matches are dense enough that walking the sort
#: column's index finds a page of them in a few thousand rows.
SPARSE_LIMIT = 5_000
#: The placeholder count before the exact one arrives from the background.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class _Plan:
    """The SQL pieces of one query, shaped for the store's planner."""

    facets: str
    facet_params: list[Any]
    open_only: bool
    matches: str  # a sub-query of matching order ids ("" without text)
    match_params: list[Any]
    row_filter: str  # the same match as a per-row condition
    row_params: list[Any]


def _plan(query: QueueQuery, *, sqlite: bool) -> _Plan:
    """Facets and the text filter, with SQLite's index choice steered.

    SQLite's planner ignores LIMIT: given ``status IN (...)`` and ``ORDER BY customer``
    it sorts half a million rows for a page of 40 (1.6 s here). A unary ``+`` stops it
    from using an index for a condition; the reader then names the sort column's index
    (see ``OrderWindow._source``). PostgreSQL weighs LIMIT itself and gets plain columns.
    """
    plus = "+" if sqlite else ""
    clauses: list[str] = []
    params: list[Any] = []
    open_only = query.status == "open"
    if open_only:
        clauses.append(OPEN_ORDERS_SQL)  # verbatim, so the partial indexes apply
    elif query.status != "all":
        clauses.append(f"{plus}status = ?")
        params.append(OrderStatus(query.status).value)
    if query.owner:
        clauses.append(f"{plus}owner = ?")
        params.append(query.owner)
    facets = " AND ".join(clauses) if clauses else "1=1"
    term = fold(query.text).strip()
    if not term:
        return _Plan(facets, params, open_only, "", [], "", [])
    upper = query.text.strip().upper()
    like = _like_pattern(term)
    # Initials match anywhere: "hq" finds 深圳市华强 (szshq...), as clerks type them.
    # Initials are ASCII letters and digits, so a Chinese term simply matches none.
    # Customers are matched by the desk's one customer matcher; products the same way.
    rev = reverse_key(upper)
    customers = customer_ids_sql("?")
    products = (
        "SELECT id FROM products WHERE name_folded LIKE ? ESCAPE '\\'"
        " OR name_initials LIKE ? ESCAPE '\\'"
    )
    match_params = [
        *customer_params(like),
        like,
        like,
        upper,
        upper + _HIGH,
        rev,
        rev + _HIGH,
    ]
    matches = (
        f"SELECT id FROM orders WHERE customer_id IN ({customers})"
        f" UNION ALL SELECT id FROM orders WHERE lead_product_id IN ({products})"
        " UNION ALL SELECT id FROM orders WHERE order_no >= ? AND order_no < ?"
        " UNION ALL SELECT id FROM orders WHERE order_no_rev >= ? AND order_no_rev < ?"
    )
    row_filter = (
        f"({plus}customer_id IN ({customers}) OR {plus}lead_product_id IN ({products})"
        f" OR ({plus}order_no >= ? AND {plus}order_no < ?)"
        f" OR ({plus}order_no_rev >= ? AND {plus}order_no_rev < ?))"
    )
    return _Plan(facets, params, open_only, matches, match_params, row_filter, list(match_params))


class OrderWindow:
    """The virtual table's source for one query: keyset pages and a count.

    With a text filter the window first counts (up to ``SPARSE_LIMIT``) how many orders
    the filter's indexed lookups return. Few matches are read through their ids; many are
    read by walking the sort column's index, checking each row, which finds a page soon
    because matches are dense. Either way a page costs milliseconds on a million orders.
    """

    def __init__(self, reader: WindowReader, query: QueueQuery) -> None:
        self.reader = reader
        self.query = query
        self._column = SORT_COLUMNS.get(query.sort, "due_date")
        self._sqlite = reader.location.is_sqlite
        self._plan = _plan(query, sqlite=self._sqlite)
        self._where: str | None = None
        self._params: list[Any] = []
        self._sparse = False
        self._count: int | None = None
        self.count_is_exact = False

    def _condition(self) -> tuple[str, list[Any]]:
        """Decide, once per window, how the text filter is applied."""
        if self._where is None:
            plan = self._plan
            if not plan.matches:
                self._where, self._params = plan.facets, list(plan.facet_params)
            else:
                found = self.reader.scalar(
                    f"SELECT count(*) FROM ({plan.matches} LIMIT {SPARSE_LIMIT + 1}) AS m",
                    plan.match_params,
                )
                self._sparse = int(found or 0) <= SPARSE_LIMIT
                if self._sparse:
                    self._where = f"id IN ({plan.matches}) AND {plan.facets}"
                    self._params = [*plan.match_params, *plan.facet_params]
                else:
                    self._where = f"{plan.row_filter} AND {plan.facets}"
                    self._params = [*plan.row_params, *plan.facet_params]
        return self._where, self._params

    def _source(self) -> str:
        """``orders``, on SQLite with the index to walk named (or none, for a few ids)."""
        if not self._sqlite:
            return "orders"
        if self._sparse:
            return "orders NOT INDEXED"
        return f"orders INDEXED BY {sort_index(self._column, open_only=self._plan.open_only)}"

    def _row(self, raw: tuple[Any, ...]) -> QueueRow:
        due = raw[6] if isinstance(raw[6], date) else date.fromisoformat(raw[6])
        quantity = Decimal(int(raw[4])) / QUANTITY_SCALE
        return QueueRow(
            id=int(raw[0]),
            order_no=raw[1],
            customer=raw[2],
            product=raw[3],
            quantity=quantity.normalize() if quantity == quantity.to_integral() else quantity,
            unit=raw[5],
            due_date=due,
            confirmed=bool(raw[7]),
            status=raw[8],
            owner=raw[9],
            slip_days=int(raw[10] or 0),
            sort_value=raw[11],
        )

    def _select(
        self, extra: str, extra_params: list[Any], *, reverse: bool, limit: int
    ) -> list[QueueRow]:
        where, params = self._condition()
        descending = self.query.descending != reverse
        direction = "DESC" if descending else "ASC"
        sql = (
            f"SELECT {_COLUMNS}, {self._column} FROM {self._source()} WHERE {where}{extra} "
            f"ORDER BY {self._column} {direction}, id {direction} LIMIT ?"
        )
        rows = [self._row(r) for r in self.reader.fetch(sql, [*params, *extra_params, limit])]
        return rows[::-1] if reverse else rows

    def _beyond(self, *, forward: bool, inclusive: bool = False) -> str:
        ascending = forward != self.query.descending
        op = (">" if ascending else "<") + ("=" if inclusive else "")
        return f" AND ({self._column}, id) {op} (?, ?)"

    def head(self, limit: int) -> list[QueueRow]:
        return self._select("", [], reverse=False, limit=limit)

    def tail(self, limit: int) -> list[QueueRow]:
        return self._select("", [], reverse=True, limit=limit)

    def after(self, row: QueueRow, limit: int) -> list[QueueRow]:
        return self._select(
            self._beyond(forward=True), [row.sort_value, row.id], reverse=False, limit=limit
        )

    def before(self, row: QueueRow, limit: int) -> list[QueueRow]:
        return self._select(
            self._beyond(forward=False), [row.sort_value, row.id], reverse=True, limit=limit
        )

    def starting_at(self, row: QueueRow, limit: int) -> list[QueueRow]:
        return self._select(
            self._beyond(forward=True, inclusive=True),
            [row.sort_value, row.id],
            reverse=False,
            limit=limit,
        )

    def row_for(self, order_id: int) -> QueueRow | None:
        """The order's row if it is in this window's query (to show it after a save)."""
        where, params = self._condition()
        found = self.reader.fetch(
            f"SELECT {_COLUMNS}, {self._column} FROM orders WHERE id = ? AND {where}",
            [order_id, *params],
        )
        return self._row(found[0]) if found else None

    def count(self) -> int:
        """The count as far as it is known without a slow query.

        Counting a filter's matches among a million orders can take a second, too long
        for a key press, so until ``exact_count`` has run (in a worker) this returns a
        placeholder above any page with ``count_is_exact`` False, and the table shows
        its position without a total.
        """
        if self._count is None:
            return COUNT_CAP + 1
        return self._count

    def exact_count(self, reader: WindowReader | None = None) -> int:
        """The full count; slow on a million orders, so callers run it off the UI thread
        on a ``reader`` of its own, leaving the table's connection free for pages.
        Raises ``CountInterrupted`` when a newer count interrupted the reader."""
        where, params = self._condition()
        with _interruptible():
            value = (reader or self.reader).scalar(
                f"SELECT count(*) FROM orders WHERE {where}", params
            )
        self._count = int(value or 0)
        self.count_is_exact = True
        return self._count

    def forget_count(self) -> None:
        """The store changed: count again on the next ``count``."""
        self._count = None
        self.count_is_exact = False

    def key_of(self, row: QueueRow) -> int:
        return row.id


def change_mark(reader: WindowReader) -> int:
    """The newest change-log id: a cheap poll that says whether anything changed."""
    value = reader.scalar("SELECT max(id) FROM change_log")
    return int(value or 0)


def late_and_at_risk(
    reader: WindowReader, today: date, at_risk_limit: date | None
) -> tuple[int, int | None]:
    """How many undelivered orders are late, and how many are at risk, by the one
    definition the queue's marks, the timeline and the report use
    (``domain.orders.rules.urgency``): late when the promise has passed; at risk when
    not late and either the plan's projected finish lies past the promise
    (``slip_days``) or it is due by ``at_risk_limit`` (``domain.orders.at_risk_limit``,
    counted in business days on the desk's calendar). The partial open-order indexes on
    the due date and the slip serve both counts.

    A None limit means the calendar has no holiday data for the days ahead, so which
    orders are at risk cannot be said: the late count is still exact (it needs no
    calendar), and the at-risk count comes back None for the header to show as unknown
    rather than as a number that would look complete. Raises ``CountInterrupted`` when
    a newer count interrupted the reader.
    """
    with _interruptible():
        return _late_and_at_risk(reader, today, at_risk_limit)


def _late_and_at_risk(
    reader: WindowReader, today: date, at_risk_limit: date | None
) -> tuple[int, int | None]:
    undelivered = f"{OPEN_ORDERS_SQL} AND status NOT IN ('delivered', 'accepted')"
    today_text = today.isoformat()
    late = reader.scalar(
        f"SELECT count(*) FROM orders WHERE {undelivered} AND due_date < ?", [today_text]
    )
    if at_risk_limit is None:
        return int(late or 0), None
    # Two index walks, not an OR the planner would answer with a scan: the orders due
    # soon, plus those due later whose plan already ends past the promise.
    soon = reader.scalar(
        f"SELECT count(*) FROM orders WHERE {undelivered} AND due_date >= ? AND due_date <= ?",
        [today_text, at_risk_limit.isoformat()],
    )
    slipping = reader.scalar(
        f"SELECT count(*) FROM orders WHERE {undelivered} AND slip_days > 0 AND due_date > ?",
        [at_risk_limit.isoformat()],
    )
    return int(late or 0), int(soon or 0) + int(slipping or 0)
