"""The change log, written by a flush hook in the same transaction as the change.

Writing it from the session rather than from each service means no workflow can forget
it: any insert, update or delete of an ``Audited`` model leaves a row with the field-level
diff (``{"field": [old, new]}``), the actor, the time and the order the row belongs to,
so booking a shipment or filing a document is part of the order's history like an edit
of its header. A unit of work that is recorded (``session.info["change_ids"]``)
also learns the ids of the rows it wrote.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, inspect
from sqlalchemy.orm import Session, UOWTransaction

from followup_tui.store.models import (
    Audited,
    ChangeLog,
    Complaint,
    ComplaintPause,
    Order,
    Shipment,
    ShipmentLine,
)

_SKIPPED_FIELDS = frozenset(
    {"version", "updated_at", "name_folded", "order_no_rev", "slip_days"}  # derived, not edits
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # Normalised, so 1200.000 read back from the store and 1200 just typed compare
        # and read the same in the history.
        return format(value.normalize(), "f")
    return value


def _column_diff(obj: Audited, *, mode: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    diff: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _SKIPPED_FIELDS:
            continue
        history = state.attrs[attr.key].history
        if mode == "insert":
            value = getattr(obj, attr.key)
            if value not in (None, ""):
                diff[attr.key] = [None, _jsonable(value)]
        elif mode == "delete":
            value = (
                history.unchanged[0]
                if history.unchanged
                else (history.deleted[0] if history.deleted else None)
            )
            diff[attr.key] = [_jsonable(value), None]
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                diff[attr.key] = [_jsonable(old), _jsonable(new)]
    return diff


def _flushed_deletes(session: Session, context: UOWTransaction) -> list[object]:
    """Objects this flush deletes: ``session.deleted`` lacks delete-orphan cascades (a
    line dropped from an order), so ask the flush itself about the loaded objects."""
    found = list(session.deleted)
    seen = {id(obj) for obj in found}
    for obj in session.identity_map.values():
        if id(obj) not in seen and context.is_deleted(inspect(obj)):  # type: ignore[no-untyped-call]
            found.append(obj)
    return found


def _order_of(session: Session, obj: Audited) -> int | None:
    """The order ``obj`` belongs to: the order itself, the ``order_id`` of a row that
    carries one, the parent's for a shipment line or a complaint pause; ``None`` for
    customers, products, suppliers and a document filed without an order."""
    if isinstance(obj, Order):
        return int(obj.id)
    parent: Shipment | Complaint | None = None
    with session.no_autoflush:
        if isinstance(obj, ShipmentLine):
            parent = session.get(Shipment, obj.shipment_id)
        elif isinstance(obj, ComplaintPause):
            parent = session.get(Complaint, obj.complaint_id)
    owner = parent if parent is not None else obj
    value = getattr(owner, "order_id", None)
    return int(value) if isinstance(value, int) else None


def write_change_log(session: Session, context: UOWTransaction) -> None:
    """after_flush hook: collect diffs of audited objects and insert the log rows."""
    actor = str(session.info.get("actor", "?"))
    now = session.info.get("now")
    if now is None:
        raise RuntimeError("a write session must carry 'now' in session.info")
    rows: list[dict[str, Any]] = []
    for mode, objects in (
        ("insert", session.new),
        ("update", session.dirty),
        ("delete", _flushed_deletes(session, context)),
    ):
        for obj in objects:
            if not isinstance(obj, Audited):
                continue
            if mode == "update" and not session.is_modified(obj, include_collections=False):
                continue
            diff = _column_diff(obj, mode=mode)
            if mode == "update" and not diff:
                continue
            rows.append(
                {
                    "at": now,
                    "actor": actor,
                    "entity": type(obj).__audit_entity__,
                    "entity_id": int(obj.id),  # type: ignore[attr-defined]
                    "action": mode,
                    "diff": json.dumps(diff, ensure_ascii=False, sort_keys=True),
                    "order_id": _order_of(session, obj),
                }
            )
    if not rows:
        return
    written = session.info.get("change_ids")
    if written is None:
        session.connection().execute(insert(ChangeLog), rows)
        return
    # A recording unit of work (``StoreContext.recording``) keeps the ids it wrote, so
    # the desk can later take back exactly this change and nothing else.
    result = session.connection().execute(insert(ChangeLog).returning(ChangeLog.id), rows)
    written.extend(int(change_id) for change_id in result.scalars())
