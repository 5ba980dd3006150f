"""A store written before the change log knew each row's order gets its history whole:
the upgrade finds the order of every older row, from the row or, when the row is gone,
from its diff."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path

from alembic import command
from sqlalchemy import text

from followup_tui.domain.orders.rules import OrderDraft
from followup_tui.services.orders.entry import create_order, get_order
from followup_tui.store import schema
from followup_tui.store.location import parse_store
from followup_tui.store.unit_of_work import open_store

BEFORE = "20261208_0005"  # the revision just before the change log carried its order


def test_the_upgrade_gives_older_rows_their_order(
    tmp_path: Path, make_draft: Callable[..., OrderDraft]
) -> None:
    path = tmp_path / "old.db"
    ctx = open_store(parse_store(str(path)), actor="tester")
    try:
        schema.upgrade(ctx.engine)
        order = create_order(ctx, make_draft(confirmed_date=date(2026, 4, 20)))
        line_id = get_order(ctx, order.id).lines[0].id
        # Take the store back to the revision before, as a clerk's old file would be,
        # and write the rows that revision's desk wrote: no order on the log.
        with ctx.engine.begin() as connection:
            command.downgrade(schema._alembic_config(connection), BEFORE)  # type: ignore[arg-type]
            connection.execute(
                text(
                    "INSERT INTO shipments (order_id, carrier, mode, tracking_no, version)"
                    " VALUES (:order, 'COSCO', 'sea', 'BL-1', 1)"
                ),
                {"order": order.id},
            )
            connection.execute(
                text(
                    "INSERT INTO shipment_lines (shipment_id, order_line_id, quantity)"
                    " SELECT max(id), :line, 500 FROM shipments"
                ),
                {"line": line_id},
            )
            logged = [
                ("shipment", "(SELECT max(id) FROM shipments)", {"carrier": [None, "COSCO"]}),
                ("shipment_line", "(SELECT max(id) FROM shipment_lines)", {"quantity": [0, 5]}),
                ("order_line", "987654", {"order_id": [order.id, None], "product": ["x", None]}),
                ("customer", "1", {"name": ["a", "b"]}),
            ]
            for entity, entity_id, diff in logged:
                connection.execute(
                    text(
                        "INSERT INTO change_log (at, actor, entity, entity_id, action, diff)"
                        f" VALUES ('2026-03-02 01:30:00.000000', 'old', :entity, {entity_id},"
                        " 'insert', :diff)"
                    ),
                    {"entity": entity, "diff": json.dumps(diff)},
                )
        assert schema.current_revision(ctx.engine) == BEFORE
        schema.upgrade(ctx.engine)
        with closing(sqlite3.connect(path)) as db:
            found = dict(db.execute("SELECT entity, order_id FROM change_log WHERE actor = 'old'"))
        assert found == {
            "shipment": order.id,
            "shipment_line": order.id,  # through its shipment
            "order_line": order.id,  # gone, found from its diff
            "customer": None,  # belongs to no order
        }
        changes = get_order(ctx, order.id).changes
        assert {"shipment", "shipment_line", "order_line"} <= {c.entity for c in changes}
    finally:
        ctx.dispose()
