"""Archive: documents, their extracted text, checklist waivers and the two search indexes.

Revision ID: 20261127_0004
Revises: 20261127_0003
Create Date: 2026-11-27 20:34:19.178634
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261127_0004"
down_revision = "20261127_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "document_waivers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kinds", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("waived_by", sa.String(length=60), nullable=False),
        sa.Column("waived_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_document_waivers_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_waivers")),
    )
    with op.batch_alter_table("document_waivers", schema=None) as batch_op:
        batch_op.create_index("ix_document_waivers_order_id", ["order_id"], unique=False)

    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("kind_guessed", sa.String(length=30), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("order_no", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("customer_name", sa.String(length=120), nullable=False),
        sa.Column("doc_date", sa.Date(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("extension", sa.String(length=12), nullable=False),
        sa.Column("text_status", sa.String(length=16), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_by", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_documents_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_documents_order_id_orders"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_documents_customer_filed", ["customer_name", "filed_at"], unique=False
        )
        batch_op.create_index("ix_documents_filed_at", ["filed_at"], unique=False)
        batch_op.create_index("ix_documents_kind_filed", ["kind", "filed_at"], unique=False)
        batch_op.create_index("ix_documents_order_id_filed", ["order_id", "filed_at"], unique=False)
        batch_op.create_index("ix_documents_sha256", ["sha256"], unique=False)

    op.create_table(
        "document_texts",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("indexed_meta", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_texts_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_document_texts")),
    )

    if op.get_bind().dialect.name == "sqlite":
        # Contentless: the text is kept once, in document_texts. The trigram index finds
        # substrings of three characters and more; the second gives every Chinese
        # character a token of its own (the filing service spaces them out), so one- and
        # two-character words are searched as phrases there, where trigrams find nothing.
        op.execute(
            "CREATE VIRTUAL TABLE documents_fts USING fts5("
            "title, meta, body, content='', tokenize='trigram')"
        )
        op.execute(
            "CREATE VIRTUAL TABLE documents_cjk USING fts5("
            "title, meta, body, content='', tokenize='unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS documents_cjk")
        op.execute("DROP TABLE IF EXISTS documents_fts")

    op.drop_table("document_texts")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_sha256")
        batch_op.drop_index("ix_documents_order_id_filed")
        batch_op.drop_index("ix_documents_kind_filed")
        batch_op.drop_index("ix_documents_filed_at")
        batch_op.drop_index("ix_documents_customer_filed")

    op.drop_table("documents")
    with op.batch_alter_table("document_waivers", schema=None) as batch_op:
        batch_op.drop_index("ix_document_waivers_order_id")

    op.drop_table("document_waivers")
