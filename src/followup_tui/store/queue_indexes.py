"""The queue's indexes, named in one place for the models and the queue's reader.

Every sortable queue column has two indexes on ``(column, id)``: one over all orders and
a partial one over open orders only. Most orders in a mature store are closed, so the
partial ones are small, and the default view (open orders in any sort order) walks an
index that holds nothing else. The reader names the index it wants on SQLite, whose
planner ignores LIMIT and would rather sort half a million rows than walk an index.

No SQLAlchemy here: the reader is on the path to the first rows.
"""

#: Queue sort key -> orders column.
SORT_COLUMNS: dict[str, str] = {
    "order_no": "order_no",
    "customer": "customer_name",
    "product": "lead_product",
    "quantity": "total_quantity",
    "due_date": "due_date",
    "days_left": "due_date",
    "status": "status_rank",
    "owner": "owner",
    "slip": "slip_days",
}

#: The condition of the partial indexes; a query must say exactly this to use them.
OPEN_ORDERS_SQL = "status NOT IN ('closed', 'cancelled')"


def sort_index(column: str, *, open_only: bool) -> str:
    """The name of the index that reads ``column`` in order (open orders or all)."""
    return f"ix_orders_{'open' if open_only else 'sort'}_{column}"


def indexed_columns() -> tuple[str, ...]:
    return tuple(dict.fromkeys(SORT_COLUMNS.values()))
