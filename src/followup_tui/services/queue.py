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

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from followup_tui.domain.lifecycle import OPEN_STATUSES, OrderStatus
from followup_tui.domain.text import fold, reverse_key
from followup_tui.store.window_reader import WindowReader

SORT_COLUMNS: dict[str, str] = {
    "order_no": "order_no",
    "customer": "customer_name",
    "product": "lead_product",
    "quantity": "total_quantity",
    "due_date": "due_date",
    "days_left": "due_date",
    "status": "status_rank",
    "owner": "owner",
}
QUANTITY_SCALE = Decimal(1000)
_COLUMNS = (
    "id, order_no, customer_name, lead_product, total_quantity, unit, due_date, "
    "confirmed_date IS NOT NULL, status, owner"
)
_HIGH = "\U0010ffff"


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


class StoreState(StrEnum):
    MISSING = "missing"  # no schema yet: a brand-new store
    EMPTY = "empty"  # schema present, no orders: offer demo / import / empty
    READY = "ready"
    OUTDATED = "outdated"  # older schema: needs `followup db upgrade`


def store_state(reader: WindowReader, head_revision: str) -> StoreState:
    """Decide what the desk shows first, with two cheap queries."""
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


def _where(query: QueueQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if query.status == "open":
        statuses = sorted(s.value for s in OPEN_STATUSES)
        clauses.append(f"status IN ({', '.join('?' for _ in statuses)})")
        params += statuses
    elif query.status != "all":
        clauses.append("status = ?")
        params.append(OrderStatus(query.status).value)
    if query.owner:
        clauses.append("owner = ?")
        params.append(query.owner)
    term = fold(query.text).strip()
    if term:
        upper = query.text.strip().upper()
        like = _like_pattern(term)
        # Initials match anywhere: "hq" finds 深圳市华强 (szshq...), as clerks type them.
        initials = like if term.isascii() and term.isalnum() else "\x00"
        clauses.append(
            "(customer_id IN (SELECT id FROM customers WHERE name_folded LIKE ? ESCAPE '\\' "
            "OR name_initials LIKE ?)"
            " OR lead_product_id IN (SELECT id FROM products WHERE name_folded LIKE ? "
            "ESCAPE '\\' OR name_initials LIKE ?)"
            " OR (order_no >= ? AND order_no < ?)"
            " OR (order_no_rev >= ? AND order_no_rev < ?))"
        )
        params += [like, initials, like, initials, upper, upper + _HIGH]
        rev = reverse_key(upper)
        params += [rev, rev + _HIGH]
    return (" AND ".join(clauses) if clauses else "1=1"), params


class OrderWindow:
    """The virtual table's source for one query: keyset pages and a count."""

    def __init__(self, reader: WindowReader, query: QueueQuery) -> None:
        self.reader = reader
        self.query = query
        self._column = SORT_COLUMNS.get(query.sort, "due_date")
        self._where, self._params = _where(query)
        self._count: int | None = None

    def _row(self, raw: tuple[Any, ...]) -> QueueRow:
        due = raw[6] if isinstance(raw[6], date) else date.fromisoformat(raw[6])
        quantity = Decimal(int(raw[4])) / QUANTITY_SCALE
        row = QueueRow(
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
            sort_value=None,
        )
        return replace(row, sort_value=raw[10])

    def _select(
        self, extra: str, extra_params: list[Any], *, reverse: bool, limit: int
    ) -> list[QueueRow]:
        descending = self.query.descending != reverse
        direction = "DESC" if descending else "ASC"
        sql = (
            f"SELECT {_COLUMNS}, {self._column} FROM orders WHERE {self._where}{extra} "
            f"ORDER BY {self._column} {direction}, id {direction} LIMIT ?"
        )
        rows = [self._row(r) for r in self.reader.fetch(sql, [*self._params, *extra_params, limit])]
        return rows[::-1] if reverse else rows

    def _beyond(self, row: QueueRow, *, forward: bool, inclusive: bool = False) -> str:
        ascending = forward != self.query.descending
        op = (">" if ascending else "<") + ("=" if inclusive else "")
        return f" AND ({self._column}, id) {op} (?, ?)"

    def head(self, limit: int) -> list[QueueRow]:
        return self._select("", [], reverse=False, limit=limit)

    def tail(self, limit: int) -> list[QueueRow]:
        return self._select("", [], reverse=True, limit=limit)

    def after(self, row: QueueRow, limit: int) -> list[QueueRow]:
        return self._select(
            self._beyond(row, forward=True), [row.sort_value, row.id], reverse=False, limit=limit
        )

    def before(self, row: QueueRow, limit: int) -> list[QueueRow]:
        return self._select(
            self._beyond(row, forward=False), [row.sort_value, row.id], reverse=True, limit=limit
        )

    def starting_at(self, row: QueueRow, limit: int) -> list[QueueRow]:
        return self._select(
            self._beyond(row, forward=True, inclusive=True),
            [row.sort_value, row.id],
            reverse=False,
            limit=limit,
        )

    def count(self) -> int:
        if self._count is None:
            value = self.reader.scalar(
                f"SELECT count(*) FROM orders WHERE {self._where}", self._params
            )
            self._count = int(value or 0)
        return self._count

    def key_of(self, row: QueueRow) -> int:
        return row.id


def change_mark(reader: WindowReader) -> int:
    """The newest change-log id: a cheap poll that says whether anything changed."""
    value = reader.scalar("SELECT max(id) FROM change_log")
    return int(value or 0)


def late_and_at_risk(reader: WindowReader, today: date, at_risk_days: int) -> tuple[int, int]:
    """How many open orders are late, and how many are due within ``at_risk_days``."""
    statuses = sorted(s.value for s in OPEN_STATUSES)
    marks = ", ".join("?" for _ in statuses)
    limit = date.fromordinal(today.toordinal() + at_risk_days)
    row = reader.fetch(
        "SELECT sum(CASE WHEN due_date < ? THEN 1 ELSE 0 END), "
        "sum(CASE WHEN due_date >= ? AND due_date <= ? THEN 1 ELSE 0 END) "
        f"FROM orders WHERE status IN ({marks}) AND due_date <= ?",
        [today.isoformat(), today.isoformat(), limit.isoformat(), *statuses, limit.isoformat()],
    )
    late, soon = row[0] if row else (0, 0)
    return int(late or 0), int(soon or 0)
