"""Initial schema: customers, suppliers, products, orders, lines, notes, change log.

Revision ID: 20261127_0001
Revises:
Create Date: 2026-11-27 17:28:53.908066
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261127_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("diff", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index("ix_change_log_entity", ["entity", "entity_id", "id"], unique=False)

    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_initials", sa.String(length=120), nullable=False),
        sa.Column("name_folded", sa.String(length=120), nullable=False),
        sa.Column("country", sa.String(length=60), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("key_account", sa.Boolean(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("name", name=op.f("uq_customers_name")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_customers_name_initials"), ["name_initials"], unique=False
        )

    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("spec", sa.String(length=200), nullable=False),
        sa.Column("name_folded", sa.String(length=200), nullable=False),
        sa.Column("name_initials", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("name", "spec", name=op.f("uq_products_name")),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_products_name_initials"), ["name_initials"], unique=False
        )

    op.create_table(
        "suppliers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_initials", sa.String(length=120), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppliers")),
        sa.UniqueConstraint("name", name=op.f("uq_suppliers_name")),
    )
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_suppliers_name_initials"), ["name_initials"], unique=False
        )

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_no", sa.String(length=40), nullable=False),
        sa.Column("order_no_rev", sa.String(length=40), nullable=False),
        sa.Column("customer_po", sa.String(length=60), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("customer_name", sa.String(length=120), nullable=False),
        sa.Column("owner", sa.String(length=60), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("incoterm", sa.String(length=3), nullable=False),
        sa.Column("payment_terms", sa.String(length=10), nullable=False),
        sa.Column("packaging", sa.Text(), nullable=False),
        sa.Column("labels", sa.Text(), nullable=False),
        sa.Column("technical", sa.Text(), nullable=False),
        sa.Column("order_date", sa.Date(), nullable=False),
        sa.Column("requested_date", sa.Date(), nullable=False),
        sa.Column("confirmed_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_rank", sa.Integer(), nullable=False),
        sa.Column("held_from", sa.String(length=16), nullable=True),
        sa.Column("lead_product", sa.String(length=120), nullable=False),
        sa.Column("lead_product_id", sa.Integer(), nullable=True),
        sa.Column("total_quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit", sa.String(length=12), nullable=False),
        sa.Column("total_amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_orders_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["lead_product_id"], ["products.id"], name=op.f("fk_orders_lead_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("order_no", name=op.f("uq_orders_order_no")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_orders_customer_id_due", ["customer_id", "due_date", "id"], unique=False
        )
        batch_op.create_index(
            "ix_orders_open_customer_name",
            ["customer_name", "id"],
            unique=False,
            sqlite_where=sa.text("status NOT IN ('closed', 'cancelled')"),
            postgresql_where=sa.text("status NOT IN ('closed', 'cancelled')"),
        )
        batch_op.create_index(
            "ix_orders_open_due_date",
            ["due_date", "id"],
            unique=False,
            sqlite_where=sa.text("status NOT IN ('closed', 'cancelled')"),
            postgresql_where=sa.text("status NOT IN ('closed', 'cancelled')"),
        )
        batch_op.create_index(
            "ix_orders_open_lead_product",
            ["lead_product", "id"],
            unique=False,
            sqlite_where=sa.text("status NOT IN ('closed', 'cancelled')"),
            postgresql_where=sa.text("status NOT IN ('closed', 'cancelled')"),
        )
        batch_op.create_index(
            "ix_orders_open_order_no",
            ["order_no", "id"],
            unique=False,
            sqlite_where=sa.text("status NOT IN ('closed', 'cancelled')"),
            postgresql_where=sa.text("status NOT IN ('closed', 'cancelled')"),
        )
        batch_op.create_index(
            "ix_orders_open_owner",
            ["owner", "id"],
            unique=False,
            sqlite_where=sa.text("status NOT IN ('closed', 'cancelled')"),
            postgresql_where=sa.text("status NOT IN ('closed', 'cancelled')"),
        )
        batch_op.create_index(
            "ix_orders_open_status_rank",
            ["status_rank", "id"],
            unique=False,
            sqlite_where=sa.text("status NOT IN ('closed', 'cancelled')"),
            postgresql_where=sa.text("status NOT IN ('closed', 'cancelled')"),
        )
        batch_op.create_index(
            "ix_orders_open_total_quantity",
            ["total_quantity", "id"],
            unique=False,
            sqlite_where=sa.text("status NOT IN ('closed', 'cancelled')"),
            postgresql_where=sa.text("status NOT IN ('closed', 'cancelled')"),
        )
        batch_op.create_index("ix_orders_order_no_rev", ["order_no_rev"], unique=False)
        batch_op.create_index(
            "ix_orders_product_id_due", ["lead_product_id", "due_date", "id"], unique=False
        )
        batch_op.create_index("ix_orders_sort_customer_name", ["customer_name", "id"], unique=False)
        batch_op.create_index("ix_orders_sort_due_date", ["due_date", "id"], unique=False)
        batch_op.create_index("ix_orders_sort_lead_product", ["lead_product", "id"], unique=False)
        batch_op.create_index("ix_orders_sort_order_no", ["order_no", "id"], unique=False)
        batch_op.create_index("ix_orders_sort_owner", ["owner", "id"], unique=False)
        batch_op.create_index("ix_orders_sort_status_rank", ["status_rank", "id"], unique=False)
        batch_op.create_index(
            "ix_orders_sort_total_quantity", ["total_quantity", "id"], unique=False
        )
        batch_op.create_index("ix_orders_status_due", ["status", "due_date", "id"], unique=False)

    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_notes_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.create_index("ix_notes_order_id_at", ["order_id", "created_at"], unique=False)

    op.create_table(
        "order_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("product", sa.String(length=120), nullable=False),
        sa.Column("spec", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit", sa.String(length=12), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("requested_date", sa.Date(), nullable=True),
        sa.Column("confirmed_date", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_lines_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_order_lines_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
        sa.UniqueConstraint("order_id", "line_no", name=op.f("uq_order_lines_order_id")),
    )


def downgrade() -> None:

    op.drop_table("order_lines")
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_index("ix_notes_order_id_at")

    op.drop_table("notes")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_status_due")
        batch_op.drop_index("ix_orders_sort_total_quantity")
        batch_op.drop_index("ix_orders_sort_status_rank")
        batch_op.drop_index("ix_orders_sort_owner")
        batch_op.drop_index("ix_orders_sort_order_no")
        batch_op.drop_index("ix_orders_sort_lead_product")
        batch_op.drop_index("ix_orders_sort_due_date")
        batch_op.drop_index("ix_orders_sort_customer_name")
        batch_op.drop_index("ix_orders_product_id_due")
        batch_op.drop_index("ix_orders_order_no_rev")
        batch_op.drop_index(
            "ix_orders_open_total_quantity",
            sqlite_where=sa.text("status NOT IN ('closed', 'cancelled')"),
            postgresql_where=sa.text("status NOT IN ('closed', 'cancelled')"),
        )
        batch_op.drop_index(
            "ix_orders_open_status_rank",
            sqlite_where=sa.text("status NOT IN ('closed', 'cancelled')"),
            postgresql_where=sa.text("status NOT IN ('closed', 'cancelled')"),
        )
        batch_op.drop_index(
            "ix_orders_open_owner",
            sqlite_where=sa.text("status NOT IN ('closed', 'cancelled')"),
            postgresql_where=sa.text("status NOT IN ('closed', 'cancelled')"),
        )
        batch_op.drop_index(
            "ix_orders_open_order_no",
            sqlite_where=sa.text("status NOT IN ('closed', 'cancelled')"),
            postgresql_where=sa.text("status NOT IN ('closed', 'cancelled')"),
        )
        batch_op.drop_index(
            "ix_orders_open_lead_product",
            sqlite_where=sa.text("status NOT IN ('closed', 'cancelled')"),
            postgresql_where=sa.text("status NOT IN ('closed', 'cancelled')"),
        )
        batch_op.drop_index(
            "ix_orders_open_due_date",
            sqlite_where=sa.text("status NOT IN ('closed', 'cancelled')"),
            postgresql_where=sa.text("status NOT IN ('closed', 'cancelled')"),
        )
        batch_op.drop_index(
            "ix_orders_open_customer_name",
            sqlite_where=sa.text("status NOT IN ('closed', 'cancelled')"),
            postgresql_where=sa.text("status NOT IN ('closed', 'cancelled')"),
        )
        batch_op.drop_index("ix_orders_customer_id_due")

    op.drop_table("orders")
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suppliers_name_initials"))

    op.drop_table("suppliers")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_products_name_initials"))

    op.drop_table("products")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_name_initials"))

    op.drop_table("customers")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index("ix_change_log_entity")

    op.drop_table("change_log")
