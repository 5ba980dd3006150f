"""The tables, as typed SQLAlchemy 2 models.

Orders carry a few denormalised columns (customer name, lead product, totals, due date,
status rank, reversed order number) because the queue pages through up to a million
orders by an index on each sortable column; a join per page would defeat the index.
Services keep them in step with the lines and the customer when they write.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from followup_tui.store.queue_indexes import OPEN_ORDERS_SQL, indexed_columns, sort_index
from followup_tui.store.types import ScaledDecimal, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

QUANTITY = ScaledDecimal(3)
MONEY = ScaledDecimal(4)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Audited:
    """Marker: every insert, update and delete of these models is written to change_log."""

    __audit_entity__: str = ""


class Customer(Audited, Base):
    __tablename__ = "customers"
    __audit_entity__ = "customer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    name_initials: Mapped[str] = mapped_column(String(120), index=True, default="")
    name_folded: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(60), default="")
    language: Mapped[str] = mapped_column(String(8), default="zh_CN")
    key_account: Mapped[bool] = mapped_column(Boolean, default=False)
    contact: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Supplier(Audited, Base):
    __tablename__ = "suppliers"
    __audit_entity__ = "supplier"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    name_initials: Mapped[str] = mapped_column(String(120), index=True, default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Product(Audited, Base):
    """The product master: lines copy the name and spec, and point here for search."""

    __tablename__ = "products"
    __audit_entity__ = "product"
    __table_args__ = (UniqueConstraint("name", "spec"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    spec: Mapped[str] = mapped_column(String(200), default="")
    name_folded: Mapped[str] = mapped_column(String(200), default="")
    name_initials: Mapped[str] = mapped_column(String(120), index=True, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


def _queue_indexes() -> list[Index]:
    """(column, id) over all orders and over open orders, per sortable column."""
    condition = text(OPEN_ORDERS_SQL)
    indexes: list[Index] = []
    for column in indexed_columns():
        indexes.append(Index(sort_index(column, open_only=False), column, "id"))
        indexes.append(
            Index(
                sort_index(column, open_only=True),
                column,
                "id",
                sqlite_where=condition,
                postgresql_where=condition,
            )
        )
    return indexes


class Order(Audited, Base):
    __tablename__ = "orders"
    __audit_entity__ = "order"
    __table_args__ = (
        Index("ix_orders_order_no_rev", "order_no_rev"),
        Index("ix_orders_customer_id_due", "customer_id", "due_date", "id"),
        Index("ix_orders_product_id_due", "lead_product_id", "due_date", "id"),
        Index("ix_orders_status_due", "status", "due_date", "id"),
        *_queue_indexes(),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_no: Mapped[str] = mapped_column(String(40), unique=True)
    order_no_rev: Mapped[str] = mapped_column(String(40))
    customer_po: Mapped[str] = mapped_column(String(60), default="")
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    customer_name: Mapped[str] = mapped_column(String(120))
    owner: Mapped[str] = mapped_column(String(60))
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    incoterm: Mapped[str] = mapped_column(String(3), default="FOB")
    payment_terms: Mapped[str] = mapped_column(String(10), default="T/T")
    packaging: Mapped[str] = mapped_column(Text, default="")
    labels: Mapped[str] = mapped_column(Text, default="")
    technical: Mapped[str] = mapped_column(Text, default="")
    order_date: Mapped[date] = mapped_column(Date)
    requested_date: Mapped[date] = mapped_column(Date)
    confirmed_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    status_rank: Mapped[int] = mapped_column(Integer, default=0)
    held_from: Mapped[str | None] = mapped_column(String(16), nullable=True)
    lead_product: Mapped[str] = mapped_column(String(120), default="")
    lead_product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), nullable=True)
    total_quantity: Mapped[Decimal] = mapped_column(QUANTITY, default=Decimal(0))
    unit: Mapped[str] = mapped_column(String(12), default="")
    total_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    template: Mapped[str | None] = mapped_column(String(30), nullable=True)
    #: Business days the plan's projected finish lies past the promise (0: on time), as
    #: the timeline services last projected it; the queue and the header read it.
    slip_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=1)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.line_no", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class OrderLine(Audited, Base):
    __tablename__ = "order_lines"
    __audit_entity__ = "order_line"
    __table_args__ = (UniqueConstraint("order_id", "line_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), nullable=True)
    product: Mapped[str] = mapped_column(String(120))
    spec: Mapped[str] = mapped_column(String(200), default="")
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    unit: Mapped[str] = mapped_column(String(12))
    unit_price: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    requested_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    confirmed_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    order: Mapped[Order] = relationship(back_populates="lines")

    __mapper_args__ = {"version_id_col": version}


class Note(Audited, Base):
    """The communication log of an order: calls, e-mails, visits, internal remarks."""

    __tablename__ = "notes"
    __audit_entity__ = "note"
    __table_args__ = (Index("ix_notes_order_id_at", "order_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Milestone(Audited, Base):
    """One stage of an order's plan: planned and actual dates, who is responsible.

    ``floor_date`` is the not-before date the ripple respects: the plan's start, or where
    a clerk last moved the milestone, so pulling a predecessor back restores the plan.
    """

    __tablename__ = "milestones"
    __audit_entity__ = "milestone"
    __table_args__ = (
        UniqueConstraint("order_id", "key"),
        Index("ix_milestones_order_id_seq", "order_id", "seq"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(20))
    duration_days: Mapped[int] = mapped_column(Integer)
    buffer_days: Mapped[int] = mapped_column(Integer, default=0)
    planned_start: Mapped[date] = mapped_column(Date)
    planned_end: Mapped[date] = mapped_column(Date)
    floor_date: Mapped[date] = mapped_column(Date)
    actual_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    actual_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="planned")
    owner: Mapped[str] = mapped_column(String(60), default="")
    party: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class MilestoneLink(Audited, Base):
    """A dependency between two milestones of one order (finish-to-start and friends)."""

    __tablename__ = "milestone_links"
    __audit_entity__ = "milestone_link"
    __table_args__ = (
        UniqueConstraint("predecessor_id", "successor_id"),
        Index("ix_milestone_links_order_id", "order_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    predecessor_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"))
    successor_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(2), default="fs")
    lag_days: Mapped[int] = mapped_column(Integer, default=0)

    # Set by object so a new plan's milestones and links go in with one flush.
    predecessor: Mapped[Milestone] = relationship(foreign_keys=[predecessor_id])
    successor: Mapped[Milestone] = relationship(foreign_keys=[successor_id])


class Shipment(Audited, Base):
    """One consignment of an order; a partial shipment carries some of the lines."""

    __tablename__ = "shipments"
    __audit_entity__ = "shipment"
    __table_args__ = (Index("ix_shipments_order_id", "order_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    carrier: Mapped[str] = mapped_column(String(120))
    mode: Mapped[str] = mapped_column(String(10))
    tracking_no: Mapped[str] = mapped_column(String(60), default="")
    etd: Mapped[date | None] = mapped_column(Date, nullable=True)
    eta: Mapped[date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    lines: Mapped[list[ShipmentLine]] = relationship(cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class ShipmentLine(Audited, Base):
    __tablename__ = "shipment_lines"
    __audit_entity__ = "shipment_line"
    __table_args__ = (UniqueConstraint("shipment_id", "order_line_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"))
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"))
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)


class OrderException(Audited, Base):
    """Something that got in the way of a plan: its cause, who is responsible, the days
    it costs, and the milestone it hits."""

    __tablename__ = "order_exceptions"
    __audit_entity__ = "exception"
    __table_args__ = (Index("ix_order_exceptions_order_id", "order_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("milestones.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[str] = mapped_column(String(24))
    cause: Mapped[str] = mapped_column(Text)
    party: Mapped[str] = mapped_column(String(12))
    impact_days: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="open")
    scenario: Mapped[str] = mapped_column(String(40), default="")
    recorded_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ChangeLog(Base):
    """Append-only audit trail, written in the same transaction as the change itself.

    ``order_id`` is the order the changed row belongs to (the order itself, its lines,
    notes, shipments, milestones, exceptions, documents, waivers, complaints and their
    pauses), so an order's history is one indexed read that also finds rows deleted
    since, such as a line dropped from the order. No foreign key: the log outlives
    what it describes.
    """

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_entity", "entity", "entity_id", "id"),
        Index("ix_change_log_order_id", "order_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))
    diff: Mapped[str] = mapped_column(Text, default="{}")
    order_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Complaint(Audited, Base):
    """A customer's complaint about an order, with its grade, owner and the case so far.

    Order number and customer name are copied in (the triage queue lists thousands of
    open cases without a join per page); the SLA clocks live in ``complaint_clocks``.
    """

    __tablename__ = "complaints"
    __audit_entity__ = "complaint"
    __table_args__ = (
        Index("ix_complaints_status_received", "status", "received_at"),
        Index("ix_complaints_order_id", "order_id"),
        Index("ix_complaints_received_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    order_no: Mapped[str] = mapped_column(String(40))
    customer_name: Mapped[str] = mapped_column(String(120))
    order_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("order_lines.id", ondelete="SET NULL"), nullable=True
    )
    shipment_id: Mapped[int | None] = mapped_column(
        ForeignKey("shipments.id", ondelete="SET NULL"), nullable=True
    )
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(200), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    grade: Mapped[str] = mapped_column(String(20))
    suggested_grade: Mapped[str] = mapped_column(String(20))
    grade_reason: Mapped[str] = mapped_column(String(500), default="")
    owner: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default="new")
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    armed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    acknowledged_by: Mapped[str] = mapped_column(String(60), default="")
    plan_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    third_party_inspection: Mapped[bool] = mapped_column(Boolean, default=False)
    root_cause: Mapped[str] = mapped_column(Text, default="")
    responsible_party: Mapped[str] = mapped_column(String(12), default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    remedy_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    remedy_amount: Mapped[Decimal | None] = mapped_column(MONEY, nullable=True)
    remedy_currency: Mapped[str] = mapped_column(String(3), default="")
    remedy_note: Mapped[str] = mapped_column(Text, default="")
    close_note: Mapped[str] = mapped_column(Text, default="")
    satisfaction_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    satisfaction_score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    satisfaction_comment: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ComplaintPause(Audited, Base):
    """A span a complaint's clocks stood still, and why (waiting on someone else)."""

    __tablename__ = "complaint_pauses"
    __audit_entity__ = "complaint_pause"
    __table_args__ = (Index("ix_complaint_pauses_complaint_id", "complaint_id", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    paused_by: Mapped[str] = mapped_column(String(60))
    resumed_by: Mapped[str] = mapped_column(String(60), default="")


class ComplaintClock(Base):
    """One SLA clock of a complaint, as instants worked out when something happened.

    Derived from the complaint, its pauses and the policy at arming time, and rewritten
    in the same transaction as every event that moves it, so a refresh of every open
    clock compares instants and never walks the calendar. Not audited: the events that
    move it are.
    """

    __tablename__ = "complaint_clocks"
    __table_args__ = (
        UniqueConstraint("complaint_id", "kind"),
        Index("ix_complaint_clocks_due_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    target_hours: Mapped[float] = mapped_column(Float)
    basis: Mapped[str] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(12))
    armed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    mark50_at: Mapped[datetime] = mapped_column(UTCDateTime())
    mark75_at: Mapped[datetime] = mapped_column(UTCDateTime())
    mark90_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    remaining_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


# The archive's models live in their own module (this one would pass 500 lines); importing
# them here puts them in ``Base.metadata`` wherever the models are loaded.
from followup_tui.store import archive_models  # noqa: E402, F401
