"""Complaints: cases, their pauses and their SLA clocks.

Revision ID: 20261127_0003
Revises: 20261127_0002
Create Date: 2026-11-27 19:51:02.545070
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261127_0003"
down_revision = "20261127_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("order_no", sa.String(length=40), nullable=False),
        sa.Column("customer_name", sa.String(length=120), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=True),
        sa.Column("shipment_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("suggested_grade", sa.String(length=20), nullable=False),
        sa.Column("grade_reason", sa.String(length=500), nullable=False),
        sa.Column("owner", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("armed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=60), nullable=False),
        sa.Column("plan_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("third_party_inspection", sa.Boolean(), nullable=False),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("responsible_party", sa.String(length=12), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("remedy_kind", sa.String(length=16), nullable=True),
        sa.Column("remedy_amount", sa.BigInteger(), nullable=True),
        sa.Column("remedy_currency", sa.String(length=3), nullable=False),
        sa.Column("remedy_note", sa.Text(), nullable=False),
        sa.Column("close_note", sa.Text(), nullable=False),
        sa.Column("satisfaction_due", sa.Date(), nullable=True),
        sa.Column("satisfaction_score", sa.Integer(), nullable=True),
        sa.Column("satisfaction_comment", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_complaints_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_complaints_order_line_id_order_lines"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_complaints_shipment_id_shipments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index("ix_complaints_order_id", ["order_id"], unique=False)
        batch_op.create_index("ix_complaints_received_at", ["received_at"], unique=False)
        batch_op.create_index(
            "ix_complaints_status_received", ["status", "received_at"], unique=False
        )

    op.create_table(
        "complaint_clocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("target_hours", sa.Float(), nullable=False),
        sa.Column("basis", sa.String(length=8), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("armed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mark50_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mark75_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mark90_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paused_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("remaining_seconds", sa.Integer(), nullable=True),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_clocks_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_clocks")),
        sa.UniqueConstraint("complaint_id", "kind", name=op.f("uq_complaint_clocks_complaint_id")),
    )
    with op.batch_alter_table("complaint_clocks", schema=None) as batch_op:
        batch_op.create_index("ix_complaint_clocks_due_at", ["due_at"], unique=False)

    op.create_table(
        "complaint_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_by", sa.String(length=60), nullable=False),
        sa.Column("resumed_by", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_pauses_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_pauses")),
    )
    with op.batch_alter_table("complaint_pauses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_complaint_pauses_complaint_id", ["complaint_id", "started_at"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("complaint_pauses", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_pauses_complaint_id")

    op.drop_table("complaint_pauses")
    with op.batch_alter_table("complaint_clocks", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_clocks_due_at")

    op.drop_table("complaint_clocks")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_status_received")
        batch_op.drop_index("ix_complaints_received_at")
        batch_op.drop_index("ix_complaints_order_id")

    op.drop_table("complaints")
