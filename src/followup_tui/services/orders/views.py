"""Frozen results handed to the CLI and the desk: plain data, safe to keep and to
pass between threads after the session that read them is gone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class LineView:
    id: int
    line_no: int
    product: str
    spec: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    currency: str
    requested_date: date | None
    confirmed_date: date | None
    version: int


@dataclass(frozen=True)
class NoteView:
    id: int
    kind: str
    body: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class ChangeView:
    id: int
    at: datetime
    actor: str
    entity: str
    entity_id: int
    action: str
    diff: dict[str, list[Any]]


@dataclass(frozen=True)
class OrderView:
    """An order's header as the clerk sees it, with the version they saw."""

    id: int
    order_no: str
    customer: str
    customer_po: str
    owner: str
    priority: str
    incoterm: str
    payment_terms: str
    packaging: str
    labels: str
    technical: str
    order_date: date
    requested_date: date
    confirmed_date: date | None
    due_date: date
    status: str
    held_from: str | None
    lead_product: str
    total_quantity: Decimal
    unit: str
    total_amount: Decimal
    currency: str
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True)
class OrderDetail:
    order: OrderView
    lines: tuple[LineView, ...]
    notes: tuple[NoteView, ...]
    changes: tuple[ChangeView, ...]


@dataclass(frozen=True)
class UndoStep:
    """What a bulk action did to one order: the fields it had, and the version the
    change left. (Taking it back is ``services.orders.undo``'s, by the change log.)"""

    order_id: int
    order_no: str
    before: dict[str, Any]
    version_after: int


@dataclass(frozen=True)
class BulkResult:
    """What a bulk action did and refused, order by order."""

    action: str
    done: tuple[UndoStep, ...]
    refused: tuple[tuple[str, str, dict[str, Any]], ...]  # (order_no, error key, params)

    @property
    def changed(self) -> int:
        return len(self.done)
