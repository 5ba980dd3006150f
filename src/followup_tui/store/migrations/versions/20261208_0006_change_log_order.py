"""Change log: the order each row belongs to, so an order's history is one read.

Revision ID: 20261208_0006
Revises: 20261127_0004
Create Date: 2026-12-08 02:55:00

Rows written before this revision are given their order from the row they describe
when it still exists, else from the ``order_id`` their diff recorded (a deleted line's
diff keeps every column); a shipment line and a complaint pause reach their order
through the shipment and the complaint.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261208_0006"
down_revision = "20261208_0005"
branch_labels = None
depends_on = None

#: Entities whose table has an ``order_id`` column of its own.
_OWN_ORDER = {
    "order_line": "order_lines",
    "note": "notes",
    "milestone": "milestones",
    "milestone_link": "milestone_links",
    "shipment": "shipments",
    "exception": "order_exceptions",
    "document": "documents",
    "document_waiver": "document_waivers",
    "complaint": "complaints",
}
#: Entities that reach their order through a parent: (table, parent key, parent table).
_THROUGH_PARENT = {
    "shipment_line": ("shipment_lines", "shipment_id", "shipments"),
    "complaint_pause": ("complaint_pauses", "complaint_id", "complaints"),
}


def _diff_value(dialect: str, field: str) -> str:
    """SQL for the old value of ``field`` in a row's diff, else its new value."""
    if dialect == "postgresql":
        return (
            f"COALESCE((diff::json->'{field}'->>0)::integer, (diff::json->'{field}'->>1)::integer)"
        )
    return (
        f"COALESCE(CAST(json_extract(diff, '$.{field}[0]') AS INTEGER),"
        f" CAST(json_extract(diff, '$.{field}[1]') AS INTEGER))"
    )


def upgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("order_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_change_log_order_id", ["order_id", "id"], unique=False)

    dialect = op.get_bind().dialect.name
    op.execute("UPDATE change_log SET order_id = entity_id WHERE entity = 'order'")
    for entity, table in _OWN_ORDER.items():
        op.execute(
            f"UPDATE change_log SET order_id = COALESCE("
            f"(SELECT t.order_id FROM {table} t WHERE t.id = change_log.entity_id),"
            f" {_diff_value(dialect, 'order_id')})"
            f" WHERE entity = '{entity}'"
        )
    for entity, (table, parent_key, parent) in _THROUGH_PARENT.items():
        op.execute(
            f"UPDATE change_log SET order_id = ("
            f"SELECT p.order_id FROM {parent} p WHERE p.id = COALESCE("
            f"(SELECT t.{parent_key} FROM {table} t WHERE t.id = change_log.entity_id),"
            f" {_diff_value(dialect, parent_key)}))"
            f" WHERE entity = '{entity}'"
        )


def downgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index("ix_change_log_order_id")
        batch_op.drop_column("order_id")
