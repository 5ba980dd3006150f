"""Taking back one desk action, whatever it was, through the change log.

A desk action is the change-log rows one service call wrote (``StoreContext.recording``
gives their ids): a cancel is an order update and a note, an advance of a draft an order
update and a whole plan, a milestone shift the milestones it moved. ``undo_changes``
reverses exactly those rows, newest first: an update gets its old values back, an insert
is deleted, a delete is written again with its old values and id. Redo is the same call
on the rows the undo wrote.

Nothing is taken back over someone else's work. Rows are grouped by the order they
belong to, and an order is refused whole (``error.undo_changed_since``) when, after the
action, anything but this desk's own settled changes touched the order itself, a row the
action touched, or (for a plan) any milestone or link of the order. ``settled`` is what
the desk already balanced out: an action and the undo that took it back, which are no
one else's changes.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, inspect, select
from sqlalchemy.orm import Session

from followup_tui.domain.text import fold, reverse_key
from followup_tui.store.models import (
    Audited,
    Base,
    ChangeLog,
    Customer,
    Milestone,
    MilestoneLink,
    Order,
    Product,
)
from followup_tui.store.types import ScaledDecimal, UTCDateTime
from followup_tui.store.unit_of_work import StoreContext

#: Entities of an order's plan: a plan is one thing, so any change to any of its rows
#: since the action refuses taking the action back.
_PLAN_ENTITIES = frozenset({"milestone", "milestone_link"})


@dataclass(frozen=True)
class UndoResult:
    """What an undo (or a redo) took back and what it refused, order by order.

    ``orders`` are the order numbers taken back; ``refused`` (order no., error key,
    params) those left as they are; ``reverted`` the change-log ids it reversed (the
    part of the action that is now balanced out).
    """

    orders: tuple[str, ...]
    refused: tuple[tuple[str, str, dict[str, Any]], ...]
    reverted: tuple[int, ...]


@dataclass(frozen=True)
class _Row:
    id: int
    entity: str
    entity_id: int
    action: str
    diff: dict[str, list[Any]]
    order_id: int | None  # the order the row belongs to, as the change log says


def _models() -> dict[str, type[Base]]:
    """Each audited entity name and its model."""
    found: dict[str, type[Base]] = {}
    for mapper in Base.registry.mappers:
        cls: type[Base] = mapper.class_
        entity = getattr(cls, "__audit_entity__", "") if issubclass(cls, Audited) else ""
        if entity:
            found[entity] = cls
    return found


def _python_value(model: type[Base], name: str, value: Any) -> Any:
    """A value as the change log wrote it (JSON), as the column holds it."""
    if value is None:
        return None
    column_type = inspect(model).columns[name].type
    if isinstance(column_type, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, ScaledDecimal):
        return Decimal(str(value))
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    return value


def _plan_keys(session: Session, order_id: int) -> set[tuple[str, int]]:
    keys = {
        ("milestone", int(mid))
        for mid in session.scalars(select(Milestone.id).where(Milestone.order_id == order_id))
    }
    keys |= {
        ("milestone_link", int(lid))
        for lid in session.scalars(
            select(MilestoneLink.id).where(MilestoneLink.order_id == order_id)
        )
    }
    return keys


def _changed_since(
    session: Session, after: int, keys: set[tuple[str, int]], ignore: Collection[int]
) -> bool:
    """Whether a change-log row newer than ``after``, not in ``ignore``, touched ``keys``."""
    entities = {entity for entity, _ in keys}
    ids = {entity_id for _, entity_id in keys}
    rows = session.execute(
        select(ChangeLog.id, ChangeLog.entity, ChangeLog.entity_id).where(
            ChangeLog.id > after, ChangeLog.entity.in_(entities), ChangeLog.entity_id.in_(ids)
        )
    )
    return any((row.entity, row.entity_id) in keys and row.id not in ignore for row in rows)


@dataclass(frozen=True)
class _Group:
    order_id: int | None
    order_no: str
    rows: tuple[_Row, ...]


def _plan(
    session: Session, change_ids: Sequence[int], settled: Collection[int]
) -> tuple[list[_Group], list[_Group]]:
    """The action's rows grouped by order: those that may be taken back, those refused."""
    wanted = sorted(set(change_ids))
    rows = [
        _Row(log.id, log.entity, log.entity_id, log.action, json.loads(log.diff), log.order_id)
        for log in session.scalars(
            select(ChangeLog).where(ChangeLog.id.in_(wanted)).order_by(ChangeLog.id)
        )
    ]
    by_order: dict[int | None, list[_Row]] = {}
    for row in rows:
        by_order.setdefault(row.order_id, []).append(row)
    # Rows of no order (a customer or product an edit created) go with the action's
    # order when it has one, so they are taken back with it or kept with it.
    loose = by_order.pop(None, [])
    if loose and by_order:
        first = next(iter(by_order))
        by_order[first] = sorted([*by_order[first], *loose], key=lambda row: row.id)
    elif loose:
        by_order[None] = loose
    ignore = set(wanted) | set(settled)
    ok: list[_Group] = []
    refused: list[_Group] = []
    for order_id, group_rows in by_order.items():
        order = session.get(Order, order_id) if order_id is not None else None
        order_no = order.order_no if order is not None else _order_no_in(group_rows)
        keys = {(row.entity, row.entity_id) for row in group_rows}
        if order_id is not None:
            keys.add(("order", order_id))
            if any(row.entity in _PLAN_ENTITIES for row in group_rows):
                keys |= _plan_keys(session, order_id)
        group = _Group(order_id, order_no, tuple(group_rows))
        after = min(row.id for row in group_rows)
        (refused if _changed_since(session, after, keys, ignore) else ok).append(group)
    return ok, refused


def _order_no_in(rows: Sequence[_Row]) -> str:
    """The order number a deleted or inserted order's own row carries, else empty."""
    for row in rows:
        if row.entity == "order" and "order_no" in row.diff:
            old, new = row.diff["order_no"]
            return str(new or old)
    return ""


def _refusals(groups: Sequence[_Group]) -> tuple[tuple[str, str, dict[str, Any]], ...]:
    return tuple(
        (group.order_no, "error.undo_changed_since", {"order": group.order_no}) for group in groups
    )


def preview_undo(
    ctx: StoreContext, change_ids: Sequence[int], *, settled: Collection[int] = ()
) -> UndoResult:
    """What ``undo_changes`` would take back and refuse now, without writing."""
    with ctx.read() as session:
        ok, refused = _plan(session, change_ids, settled)
        return UndoResult(
            tuple(group.order_no for group in ok),
            _refusals(refused),
            tuple(row.id for group in ok for row in group.rows),
        )


def _derived(obj: Base) -> None:
    """Columns the change log leaves out because they follow from others."""
    if isinstance(obj, Order):
        obj.order_no_rev = reverse_key(obj.order_no)
    elif isinstance(obj, Customer):
        obj.name_folded = fold(obj.name)
    elif isinstance(obj, Product):
        obj.name_folded = fold(f"{obj.name} {obj.spec}")


def _reverse(session: Session, ctx: StoreContext, row: _Row) -> None:
    model = _models()[row.entity]
    if row.action == "insert":
        obj = session.get(model, row.entity_id)
        if obj is not None:
            session.delete(obj)
    elif row.action == "delete":
        values = {name: _python_value(model, name, old) for name, (old, _new) in row.diff.items()}
        values["id"] = row.entity_id
        obj = model(**values)
        _derived(obj)
        session.add(obj)
    else:
        obj = session.get(model, row.entity_id)
        if obj is None:
            return
        for name, (old, _new) in row.diff.items():
            setattr(obj, name, _python_value(model, name, old))
        if isinstance(obj, Order):
            obj.updated_at = ctx.now()
    session.flush()


def undo_changes(
    ctx: StoreContext, change_ids: Sequence[int], *, settled: Collection[int] = ()
) -> UndoResult:
    """Take back the change-log rows ``change_ids`` in one unit of work, newest first,
    skipping (and naming) every order someone changed since.

    ``settled`` are change-log ids the desk itself balanced out since (an action and its
    undo), which do not count as someone else's change.
    """
    with ctx.write() as session:
        ok, refused = _plan(session, change_ids, settled)
        # Order by order as the action went; within an order newest first, so a row is
        # taken back before the rows it was built on (a link before its milestones).
        rows = [row for group in ok for row in sorted(group.rows, key=lambda row: -row.id)]
        for row in rows:
            _reverse(session, ctx, row)
        return UndoResult(
            tuple(group.order_no for group in ok),
            _refusals(refused),
            tuple(sorted(row.id for row in rows)),
        )
