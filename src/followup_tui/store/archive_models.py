"""The archive's tables: filed documents, their extracted text, and checklist waivers.

A document's file lives in the store's attachment folder under its sha256, so the same
file filed twice is stored once; the row keeps what the clerk and the extraction said
about it. The extracted text is kept once, in ``document_texts``: the two full-text
indexes (``documents_fts``, trigram, and ``documents_cjk``, one token per Chinese
character) are contentless, created by the migration on SQLite only, and snippets are
cut from this text for the page of hits on screen.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from followup_tui.store.models import Audited, Base
from followup_tui.store.types import UTCDateTime

#: Names of the SQLite FTS5 tables (and their shadow tables) the models do not describe.
SEARCH_INDEX_PREFIXES: tuple[str, ...] = ("documents_fts", "documents_cjk")


class Document(Audited, Base):
    __tablename__ = "documents"
    __audit_entity__ = "document"
    __table_args__ = (
        Index("ix_documents_sha256", "sha256"),
        Index("ix_documents_order_id_filed", "order_id", "filed_at"),
        Index("ix_documents_kind_filed", "kind", "filed_at"),
        Index("ix_documents_customer_filed", "customer_name", "filed_at"),
        Index("ix_documents_filed_at", "filed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(30))
    kind_guessed: Mapped[str] = mapped_column(String(30), default="")
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("orders.id", ondelete="SET NULL"), nullable=True
    )
    order_no: Mapped[str] = mapped_column(String(40), default="")
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), nullable=True
    )
    customer_name: Mapped[str] = mapped_column(String(120), default="")
    doc_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    size: Mapped[int] = mapped_column(Integer)
    extension: Mapped[str] = mapped_column(String(12), default="")
    text_status: Mapped[str] = mapped_column(String(16), default="none")
    fields: Mapped[str] = mapped_column(Text, default="{}")  # invoice no., B/L no., amounts
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    filed_by: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class DocumentText(Base):
    """The text extracted from a document, once; the search indexes point at its row."""

    __tablename__ = "document_texts"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    body: Mapped[str] = mapped_column(Text, default="")
    #: The metadata text the search indexes were given, kept because a contentless index
    #: can only forget a document when told exactly what it was given (the kind titles a
    #: company edits would otherwise make a re-file leave stale entries behind).
    indexed_meta: Mapped[str | None] = mapped_column(Text, nullable=True)


class DocumentWaiver(Audited, Base):
    """A supervisor's decision to ship an order without some required documents."""

    __tablename__ = "document_waivers"
    __audit_entity__ = "document_waiver"
    __table_args__ = (Index("ix_document_waivers_order_id", "order_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    kinds: Mapped[str] = mapped_column(String(300))  # comma-separated document kinds
    reason: Mapped[str] = mapped_column(Text)
    waived_by: Mapped[str] = mapped_column(String(60))
    waived_at: Mapped[datetime] = mapped_column(UTCDateTime())
