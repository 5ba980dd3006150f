"""Orders carry the projected slip: business days their plan ends past the promise.

Revision ID: 20261208_0005
Revises: 20261127_0004
Create Date: 2026-12-08 03:00:00.000000

The queue and the header count late and at-risk orders through DB-API keyset reads on
order columns alone, so the timeline's projected slip is denormalised onto the order,
with the two (column, id) indexes every sortable queue column has.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261208_0005"
down_revision = "20261127_0004"
branch_labels = None
depends_on = None

_OPEN = sa.text("status NOT IN ('closed', 'cancelled')")


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("slip_days", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_index("ix_orders_sort_slip_days", ["slip_days", "id"], unique=False)
        batch_op.create_index(
            "ix_orders_open_slip_days",
            ["slip_days", "id"],
            unique=False,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_open_slip_days")
        batch_op.drop_index("ix_orders_sort_slip_days")
        batch_op.drop_column("slip_days")
