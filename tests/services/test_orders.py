"""Order use cases against a real SQLite store: versions, the change log, read-only."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from followup_tui.domain.errors import FollowupError, StaleEditError
from followup_tui.domain.orders.lifecycle import OrderStatus
from followup_tui.domain.orders.rules import LineDraft, OrderDraft
from followup_tui.services.archive.checklist import order_checklist, waive_documents
from followup_tui.services.orders.entry import (
    create_order,
    draft_from_order,
    edit_order,
    find_order_id,
    get_order,
)
from followup_tui.services.orders.flow import (
    add_note,
    advance_order,
    assign_owner,
    bulk_advance,
    cancel_order,
    confirm_order,
    hold_order,
    resume_order,
)
from followup_tui.services.orders.undo import undo_changes
from followup_tui.services.timeline.plans import shift
from followup_tui.services.timeline.read import order_timeline
from followup_tui.store.location import parse_store
from followup_tui.store.models import ChangeLog, Customer, Note, Order, OrderLine
from followup_tui.store.unit_of_work import StoreContext, open_store

MakeDraft = Callable[..., OrderDraft]


def log_rows(ctx: StoreContext, entity: str | None = None) -> list[dict[str, Any]]:
    with ctx.read() as session:
        query = select(ChangeLog).order_by(ChangeLog.id)
        if entity is not None:
            query = query.where(ChangeLog.entity == entity)
        return [
            {
                "id": row.id,
                "at": row.at,
                "actor": row.actor,
                "entity": row.entity,
                "entity_id": row.entity_id,
                "action": row.action,
                "diff": json.loads(row.diff),
            }
            for row in session.scalars(query)
        ]


def counts(ctx: StoreContext) -> dict[str, int]:
    with ctx.read() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (ChangeLog, Order, OrderLine, Note, Customer)
        }


def snapshot(ctx: StoreContext, order_id: int) -> tuple[object, ...]:
    detail = get_order(ctx, order_id)
    return (detail.order, detail.lines, detail.notes, detail.changes, counts(ctx))


# ------------------------------------------------------------------ create and edit


def test_create_enters_a_draft(store_ctx: StoreContext, make_draft: MakeDraft) -> None:
    view = create_order(store_ctx, make_draft(order_no="PO-2026-00001"))
    assert view.status == "draft"
    assert view.version == 1
    assert view.order_no == "PO-2026-00001"
    assert view.customer == "深圳市华强电子有限公司"
    assert view.due_date == date(2026, 4, 15)
    assert view.total_quantity == Decimal(1200)
    assert view.total_amount == Decimal(1500)
    assert view.created_at == store_ctx.now()
    assert find_order_id(store_ctx, "po-2026-00001") == view.id
    with store_ctx.read() as session:
        customer = session.scalars(select(Customer)).one()
        assert customer.name_initials == "szshqdzyxgs"
        order = session.get(Order, view.id)
        assert order is not None
        assert order.order_no_rev == "10000-6202-OP"
        assert order.status_rank == 0


def test_create_with_a_confirmed_date_enters_a_confirmed_order(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    view = create_order(store_ctx, make_draft(confirmed_date=date(2026, 4, 20)))
    assert view.status == "confirmed"
    assert view.due_date == date(2026, 4, 20)
    with store_ctx.read() as session:
        assert session.scalar(select(Order.status_rank)) == 1


def test_create_refuses_an_invalid_draft_and_writes_nothing(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    before = counts(store_ctx)
    with pytest.raises(FollowupError) as caught:
        create_order(store_ctx, make_draft(line={"quantity": Decimal(0)}))
    assert caught.value.field == "lines.0.quantity"
    assert counts(store_ctx) == before


def test_duplicate_order_number_is_refused(store_ctx: StoreContext, make_draft: MakeDraft) -> None:
    first = create_order(store_ctx, make_draft(order_no="PO-2026-00007"))
    before = counts(store_ctx)
    with pytest.raises(FollowupError) as caught:
        create_order(store_ctx, make_draft(order_no="PO-2026-00007", customer="Acme GmbH"))
    assert caught.value.key == "error.duplicate_order_no"
    assert caught.value.field == "order_no"
    assert counts(store_ctx) == before  # not even the new customer was kept
    # renaming another order onto the number is refused too
    other = create_order(store_ctx, make_draft(order_no="PO-2026-00008"))
    draft = draft_from_order(get_order(store_ctx, other.id))
    with pytest.raises(FollowupError) as caught:
        edit_order(store_ctx, other.id, replace(draft, order_no=first.order_no), other.version)
    assert caught.value.key == "error.duplicate_order_no"


def test_edit_with_the_version_seen_bumps_it_by_exactly_one(
    store_ctx: StoreContext, make_draft: MakeDraft, clock: Any
) -> None:
    created = create_order(store_ctx, make_draft())
    clock.advance(minutes=5)
    draft = draft_from_order(get_order(store_ctx, created.id))
    line = replace(draft.lines[0], quantity=Decimal(1500))
    edited = edit_order(
        store_ctx,
        created.id,
        replace(draft, customer_po="ACME-77", lines=[line]),
        created.version,
    )
    assert edited.version == created.version + 1
    assert edited.customer_po == "ACME-77"
    assert edited.total_quantity == Decimal(1500)
    assert edited.updated_at == clock()
    changes = [r for r in log_rows(store_ctx) if r["action"] == "update"]
    order_change = next(r for r in changes if r["entity"] == "order")
    assert order_change["diff"]["customer_po"] == ["", "ACME-77"]
    old, new = order_change["diff"]["total_quantity"]
    assert (Decimal(old), Decimal(new)) == (Decimal(1200), Decimal(1500))
    assert "version" not in order_change["diff"]
    line_change = next(r for r in changes if r["entity"] == "order_line")
    assert list(line_change["diff"]) == ["quantity"]
    assert [Decimal(v) for v in line_change["diff"]["quantity"]] == [1200, 1500]
    # a second edit with the new version also works, and moves one step again
    again = edit_order(store_ctx, created.id, replace(draft, labels="中性标签"), edited.version)
    assert again.version == edited.version + 1


def test_edit_with_an_older_version_is_refused_with_the_current_values(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    created = create_order(store_ctx, make_draft())
    draft = draft_from_order(get_order(store_ctx, created.id))
    theirs = edit_order(
        store_ctx, created.id, replace(draft, customer_po="THEIRS"), created.version
    )
    before = snapshot(store_ctx, created.id)
    with pytest.raises(StaleEditError) as caught:
        edit_order(store_ctx, created.id, replace(draft, customer_po="MINE"), created.version)
    error = caught.value
    assert error.key == "error.stale_edit"
    assert error.params == {"entity": "order", "entity_id": created.id}
    assert error.theirs["customer_po"] == "THEIRS"
    assert error.theirs["version"] == theirs.version
    assert error.theirs["customer"] == "深圳市华强电子有限公司"
    lines = error.theirs["lines"]
    assert isinstance(lines, list)
    assert lines[0].quantity == Decimal(1200)
    assert snapshot(store_ctx, created.id) == before


def test_a_stale_status_change_is_refused_too(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    created = create_order(store_ctx, make_draft())
    confirm_order(store_ctx, created.id, expected_version=created.version)
    before = snapshot(store_ctx, created.id)
    with pytest.raises(StaleEditError):
        assign_owner(store_ctx, created.id, "wang", expected_version=created.version)
    assert snapshot(store_ctx, created.id) == before


def test_closed_orders_cannot_be_edited(store_ctx: StoreContext, make_draft: MakeDraft) -> None:
    created = create_order(store_ctx, make_draft())
    cancelled = cancel_order(store_ctx, created.id, "customer withdrew")
    draft = draft_from_order(get_order(store_ctx, created.id))
    with pytest.raises(FollowupError) as caught:
        edit_order(store_ctx, created.id, replace(draft, customer_po="X"), cancelled.version)
    assert caught.value.key == "error.order_closed"


# ------------------------------------------------------------------ moves and the change log


def test_each_workflow_writes_its_change_log_row(  # noqa: PLR0915 (one story, in order)
    store_ctx: StoreContext, make_draft: MakeDraft, clock: Any
) -> None:
    order = create_order(store_ctx, make_draft())
    oid = order.id
    inserted = log_rows(store_ctx)
    assert {(r["entity"], r["action"]) for r in inserted} == {
        ("customer", "insert"),
        ("product", "insert"),
        ("order", "insert"),
        ("order_line", "insert"),
    }
    assert all(r["actor"] == "tester" and r["at"] == clock() for r in inserted)
    seen = len(inserted)

    def new_rows() -> list[dict[str, Any]]:
        nonlocal seen
        rows = log_rows(store_ctx)
        fresh, seen = rows[seen:], len(rows)
        assert all(r["actor"] == "tester" for r in fresh)
        assert all(r["at"] == clock() for r in fresh)
        return [{k: r[k] for k in ("entity", "entity_id", "action", "diff")} for r in fresh]

    clock.advance(hours=1)
    view = confirm_order(store_ctx, oid, date(2026, 4, 20), expected_version=order.version)
    assert view.version == order.version + 1
    confirmed = new_rows()
    assert [row for row in confirmed if row["entity"] == "order"] == [
        {
            "entity": "order",
            "entity_id": oid,
            "action": "update",
            "diff": {
                "confirmed_date": [None, "2026-04-20"],
                "due_date": ["2026-04-15", "2026-04-20"],
                "status": ["draft", "confirmed"],
                "status_rank": [0, 1],
                "template": [None, "export-sea"],
            },
        }
    ]
    # the plan made on confirmation is in the same audit trail, row by row
    planned = {(row["entity"], row["action"]) for row in confirmed if row["entity"] != "order"}
    assert planned == {("milestone", "insert"), ("milestone_link", "insert")}

    clock.advance(hours=1)
    advance_order(store_ctx, oid)
    assert new_rows()[0]["diff"] == {"status": ["confirmed", "materials"], "status_rank": [1, 2]}

    clock.advance(hours=1)
    advance_order(store_ctx, oid, OrderStatus.QC)
    assert new_rows()[0]["diff"] == {"status": ["materials", "qc"], "status_rank": [2, 4]}

    clock.advance(hours=1)
    hold_order(store_ctx, oid, "waiting for the customer's artwork")
    rows = new_rows()
    assert sorted((r["entity"], r["action"]) for r in rows) == [
        ("note", "insert"),
        ("order", "update"),
    ]
    order_row = next(r for r in rows if r["entity"] == "order")
    assert order_row["diff"] == {
        "held_from": [None, "qc"],
        "status": ["qc", "on_hold"],
        "status_rank": [4, 11],
    }
    note_row = next(r for r in rows if r["entity"] == "note")
    assert note_row["diff"]["body"] == [None, "waiting for the customer's artwork"]
    assert note_row["diff"]["author"] == [None, "tester"]

    clock.advance(hours=1)
    resumed = resume_order(store_ctx, oid)
    assert resumed.status == "qc"
    assert resumed.held_from is None
    assert new_rows()[0]["diff"] == {
        "held_from": ["qc", None],
        "status": ["on_hold", "qc"],
        "status_rank": [11, 4],
    }

    clock.advance(hours=1)
    assign_owner(store_ctx, oid, "wang.fang")
    assert new_rows() == [
        {
            "entity": "order",
            "entity_id": oid,
            "action": "update",
            "diff": {"owner": ["li.na", "wang.fang"]},
        }
    ]

    clock.advance(hours=1)
    note = add_note(store_ctx, oid, "Called Mr. Chen:\n\tshipment next week", "call")
    assert note.kind == "call"
    assert note.author == "tester"
    rows = new_rows()
    assert [(r["entity"], r["entity_id"], r["action"]) for r in rows] == [
        ("note", note.id, "insert")
    ]
    assert rows[0]["diff"]["kind"] == [None, "call"]

    clock.advance(hours=1)
    cancelled = cancel_order(store_ctx, oid, "customer withdrew")
    assert cancelled.status == "cancelled"
    rows = new_rows()
    assert next(r for r in rows if r["entity"] == "order")["diff"] == {
        "status": ["qc", "cancelled"],
        "status_rank": [4, 12],
    }
    assert any(r["entity"] == "note" for r in rows)


def test_change_log_rows_share_the_transaction_of_the_change(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    order = create_order(store_ctx, make_draft())
    before = counts(store_ctx)
    with pytest.raises(RuntimeError), store_ctx.write() as session:
        row = session.get(Order, order.id)
        assert row is not None
        row.owner = "somebody"
        session.flush()  # the change log row is written here ...
        raise RuntimeError("... and rolled back with the change")
    assert counts(store_ctx) == before
    assert get_order(store_ctx, order.id).order.owner == "li.na"


@pytest.mark.parametrize(
    "attempt",
    [
        pytest.param(
            lambda ctx, oid: advance_order(ctx, oid, expected_version=99),
            id="advance-a-draft-changed-since",
        ),
        pytest.param(
            lambda ctx, oid: advance_order(ctx, oid, OrderStatus.SHIPPED), id="draft-to-shipped"
        ),
        pytest.param(resume_order, id="resume-not-held"),
        pytest.param(lambda ctx, oid: cancel_order(ctx, oid, "  "), id="cancel-without-reason"),
        pytest.param(lambda ctx, oid: hold_order(ctx, oid, "bad\x1b[2J"), id="hold-with-escape"),
        pytest.param(lambda ctx, oid: assign_owner(ctx, oid, ""), id="assign-nobody"),
        pytest.param(lambda ctx, oid: add_note(ctx, oid, "x", "fax"), id="note-kind"),
        pytest.param(lambda ctx, oid: add_note(ctx, oid, "   ", "call"), id="note-empty"),
        pytest.param(lambda ctx, oid: confirm_order(ctx, oid, date(2020, 1, 1)), id="confirm-past"),
        pytest.param(lambda ctx, oid: advance_order(ctx, 9999), id="no-such-order"),
    ],
)
def test_a_refused_call_changes_nothing(
    store_ctx: StoreContext, make_draft: MakeDraft, attempt: Callable[[StoreContext, int], object]
) -> None:
    order = create_order(store_ctx, make_draft())
    before = snapshot(store_ctx, order.id)
    with pytest.raises(FollowupError):
        attempt(store_ctx, order.id)
    assert snapshot(store_ctx, order.id) == before


def test_an_illegal_move_after_confirmation_changes_nothing(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    order = create_order(store_ctx, make_draft(confirmed_date=date(2026, 4, 20)))
    advance_order(store_ctx, order.id, OrderStatus.PACKED)
    before = snapshot(store_ctx, order.id)
    with pytest.raises(FollowupError) as caught:
        advance_order(store_ctx, order.id, OrderStatus.MATERIALS)
    assert caught.value.key == "error.illegal_move"
    allowed = caught.value.params["allowed"]
    assert isinstance(allowed, str) and allowed.startswith("shipped, in_transit")
    with pytest.raises(FollowupError) as caught:
        confirm_order(store_ctx, order.id)
    assert caught.value.key == "error.confirm_not_draft"
    assert snapshot(store_ctx, order.id) == before


def test_get_order_returns_lines_notes_newest_first_and_history(
    store_ctx: StoreContext, make_draft: MakeDraft, clock: Any
) -> None:
    second_line = LineDraft(
        product="电源适配器",
        quantity=Decimal(300),
        unit="pcs",
        unit_price=Decimal(4),
        currency="USD",
    )
    draft = make_draft()
    order = create_order(store_ctx, replace(draft, lines=[*draft.lines, second_line]))
    first = add_note(store_ctx, order.id, "first", "email")
    clock.advance(minutes=1)
    second = add_note(store_ctx, order.id, "second", "call")
    clock.advance(minutes=1)
    third = add_note(store_ctx, order.id, "third", "visit")
    detail = get_order(store_ctx, order.id)
    assert [line.line_no for line in detail.lines] == [1, 2]
    assert [line.product for line in detail.lines] == ["LED 灯条", "电源适配器"]
    assert detail.order.total_quantity == Decimal(1500)
    assert detail.order.unit == "pcs"
    assert [n.id for n in detail.notes] == [third.id, second.id, first.id]
    history = {(c.entity, c.entity_id, c.action) for c in detail.changes}
    assert ("order", order.id, "insert") in history
    assert {("order_line", line.id, "insert") for line in detail.lines} <= history
    assert {("note", n.id, "insert") for n in detail.notes} <= history
    assert [c.id for c in detail.changes] == sorted(c.id for c in detail.changes)
    # history belongs to this order only
    other = create_order(store_ctx, make_draft())
    add_note(store_ctx, other.id, "someone else's", "call")
    assert get_order(store_ctx, order.id).changes == detail.changes


def test_removing_a_line_is_logged_as_a_delete(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    extra = LineDraft(
        product="Cable", quantity=Decimal(2), unit="m", unit_price=Decimal(1), currency="USD"
    )
    draft = make_draft()
    order = create_order(store_ctx, replace(draft, lines=[*draft.lines, extra]))
    lines = get_order(store_ctx, order.id).lines
    edited = edit_order(store_ctx, order.id, replace(draft, lines=list(draft.lines)), order.version)
    assert edited.version == order.version + 1
    detail = get_order(store_ctx, order.id)
    assert [line.id for line in detail.lines] == [lines[0].id]
    deletes = [r for r in log_rows(store_ctx, "order_line") if r["action"] == "delete"]
    assert [r["entity_id"] for r in deletes] == [lines[1].id]
    assert deletes[0]["diff"]["product"] == ["Cable", None]
    assert deletes[0]["actor"] == "tester"
    removed = [r for r in log_rows(store_ctx, "order_line") if r["entity_id"] == lines[1].id]
    assert [r["action"] for r in removed] == ["insert", "delete"]


# ------------------------------------------------------------------ bulk and undo


def test_bulk_advance_applies_the_allowed_and_reports_the_refused(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    draft = create_order(store_ctx, make_draft())
    confirmed = create_order(store_ctx, make_draft(confirmed_date=date(2026, 4, 20)))
    closed = create_order(store_ctx, make_draft(confirmed_date=date(2026, 4, 20)))
    # Closing goes through "shipped", which needs the order's documents (services.checklist).
    waive_documents(
        store_ctx, closed.id, order_checklist(store_ctx, closed.id).missing, "filed on paper"
    )
    advance_order(store_ctx, closed.id, OrderStatus.CLOSED)
    cancelled = create_order(store_ctx, make_draft())
    cancel_order(store_ctx, cancelled.id, "duplicate entry")

    result = bulk_advance(store_ctx, [draft.id, confirmed.id, closed.id, cancelled.id])
    assert [step.order_id for step in result.done] == [draft.id, confirmed.id]
    assert result.changed == 2
    assert [(no, key) for no, key, _params in result.refused] == [
        (closed.order_no, "error.cannot_advance"),
        (cancelled.order_no, "error.cannot_advance"),
    ]
    assert get_order(store_ctx, draft.id).order.status == "confirmed"
    assert get_order(store_ctx, draft.id).order.confirmed_date == date(2026, 4, 15)
    assert get_order(store_ctx, confirmed.id).order.status == "materials"
    assert get_order(store_ctx, closed.id).order.status == "closed"
    assert get_order(store_ctx, cancelled.id).order.status == "cancelled"
    for step in result.done:
        assert get_order(store_ctx, step.order_id).order.version == step.version_after


def test_undo_bulk_restores_and_refuses_orders_changed_since(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    ids = [
        create_order(store_ctx, make_draft(confirmed_date=date(2026, 4, 20))).id for _ in range(3)
    ]
    advance_order(store_ctx, ids[2], OrderStatus.PRODUCTION)
    recording = store_ctx.recording()  # as the desk keeps its actions for ctrl+z
    bulk_advance(recording, ids)
    assert [get_order(store_ctx, i).order.status for i in ids] == [
        "materials",
        "materials",
        "qc",
    ]
    assign_owner(store_ctx, ids[1], "wang.fang")  # someone touches one of them
    changed_since = get_order(store_ctx, ids[1]).order

    undone = undo_changes(store_ctx, recording.journal or ())
    assert undone.orders == tuple(get_order(store_ctx, i).order.order_no for i in (ids[0], ids[2]))
    assert [(no, key) for no, key, _ in undone.refused] == [
        (changed_since.order_no, "error.undo_changed_since")
    ]
    assert get_order(store_ctx, ids[0]).order.status == "confirmed"
    assert get_order(store_ctx, ids[2]).order.status == "production"
    with store_ctx.read() as session:
        assert session.get(Order, ids[2]).status_rank == 3  # type: ignore[union-attr]
    assert get_order(store_ctx, ids[1]).order == changed_since  # left exactly as it was
    # the undo is logged like any change
    last = log_rows(store_ctx, "order")[-1]
    assert last["entity_id"] == ids[2]
    assert last["diff"]["status"] == ["qc", "production"]


# ------------------------------------------------------------------ read-only


def test_a_read_only_store_refuses_writes(
    store_ctx: StoreContext, make_draft: MakeDraft, tmp_path: Path
) -> None:
    order = create_order(store_ctx, make_draft())
    assert store_ctx.location.path is not None
    watcher = open_store(parse_store(str(store_ctx.location.path)), read_only=True, actor="boss")
    try:
        assert "mode=ro" in str(watcher.engine.url)
        assert get_order(watcher, order.id).order.order_no == order.order_no
        before = counts(store_ctx)
        for attempt in (
            lambda: create_order(watcher, make_draft()),
            lambda: advance_order(watcher, order.id),
            lambda: assign_owner(watcher, order.id, "boss"),
            lambda: add_note(watcher, order.id, "hello", "call"),
            lambda: bulk_advance(watcher, [order.id]),
        ):
            with pytest.raises(FollowupError) as caught:
                attempt()
            assert caught.value.key == "error.read_only"
        # below the services: query_only refuses, and with it switched off, the file
        # itself is read-only (mode=ro)
        with watcher.engine.connect() as connection:
            with pytest.raises(OperationalError, match="readonly database"):
                connection.exec_driver_sql("UPDATE orders SET owner = 'boss'")
            connection.exec_driver_sql("PRAGMA query_only=OFF")
            with pytest.raises(OperationalError, match="readonly database"):
                connection.exec_driver_sql("UPDATE orders SET owner = 'boss'")
        assert counts(store_ctx) == before
        assert get_order(store_ctx, order.id).order.owner == "li.na"
    finally:
        watcher.dispose()
    # the raw driver agrees that mode=ro means no writes
    raw = sqlite3.connect(f"file:{store_ctx.location.path}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            raw.execute("DELETE FROM orders")
    finally:
        raw.close()


# ------------------------------------------------------------------ user text stays text


@pytest.mark.parametrize(
    "name", ["[bold]x[/]", "[@click=app.quit]Acme[/]", "李[red]娜", "100% {order} \\[x]"]
)
def test_markup_in_names_is_stored_and_returned_literally(
    store_ctx: StoreContext, make_draft: MakeDraft, name: str
) -> None:
    order = create_order(
        store_ctx, make_draft(customer=name, owner=name, line={"product": name, "spec": name})
    )
    detail = get_order(store_ctx, order.id)
    assert detail.order.customer == name
    assert detail.order.owner == name
    assert detail.order.lead_product == name
    assert detail.lines[0].product == name
    assert detail.lines[0].spec == name
    note = add_note(store_ctx, order.id, name, "call")
    assert get_order(store_ctx, order.id).notes[0].body == note.body == name
    with store_ctx.read() as session:
        assert session.execute(text("SELECT name FROM customers")).scalar_one() == name


def test_undoing_a_bulk_confirmation_puts_the_draft_back_whole(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    order = create_order(store_ctx, make_draft())
    before = get_order(store_ctx, order.id).order
    recording = store_ctx.recording()
    bulk_advance(recording, [order.id])
    assert get_order(store_ctx, order.id).order.confirmed_date == before.requested_date
    undone = undo_changes(store_ctx, recording.journal or ())
    assert len(undone.orders) == 1
    after = get_order(store_ctx, order.id).order
    assert after.status == "draft"
    assert after.confirmed_date is None  # a draft has promised nothing yet
    assert after.due_date == before.due_date
    assert confirm_order(store_ctx, order.id, date(2026, 4, 30)).due_date == date(2026, 4, 30)


def made_of(ctx: StoreContext, order_id: int) -> tuple[object, ...]:
    """What a confirmation leaves: status, promise, due date and the milestone plan."""
    order = get_order(ctx, order_id).order
    plan = order_timeline(ctx, order_id).milestones
    bars = tuple((bar.key, bar.planned_start, bar.planned_end, bar.status) for bar in plan)
    return (order.status, order.confirmed_date, order.due_date, bars)


def test_advancing_a_draft_confirms_it_as_confirm_does_alone_and_in_bulk(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    """``a`` on the desk (bulk_advance) and ``followup order advance`` (advance_order) make
    of a draft exactly what ``confirm_order`` makes with no date: its requested date
    promised, the due date, and a milestone plan the timeline opens."""
    confirmed, alone, in_bulk = (create_order(store_ctx, make_draft()) for _ in range(3))
    confirm_order(store_ctx, confirmed.id)
    advance_order(store_ctx, alone.id)
    result = bulk_advance(store_ctx, [in_bulk.id])
    assert (result.changed, result.refused) == (1, ())
    expected = made_of(store_ctx, confirmed.id)
    assert expected[:3] == ("confirmed", date(2026, 4, 15), date(2026, 4, 15))
    assert expected[3], "confirm_order gives the order its plan"
    assert made_of(store_ctx, alone.id) == expected
    assert made_of(store_ctx, in_bulk.id) == expected


def test_advancing_a_draft_refuses_what_confirm_refuses(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    """A promise before the order date is refused by every advance path, and the draft
    stays a draft with no plan."""
    draft = create_order(store_ctx, make_draft())
    with store_ctx.write() as session:  # as an import or an old row might have left it
        row = session.get(Order, draft.id)
        assert row is not None
        row.requested_date = date(2026, 2, 20)  # before the order date, 2026-03-02
    attempts: tuple[Callable[[], object], ...] = (
        lambda: confirm_order(store_ctx, draft.id),
        lambda: advance_order(store_ctx, draft.id),
    )
    for attempt in attempts:
        with pytest.raises(FollowupError) as caught:
            attempt()
        assert caught.value.key == "error.confirmed_before_order"
    result = bulk_advance(store_ctx, [draft.id])
    assert [(no, key) for no, key, _ in result.refused] == [
        (draft.order_no, "error.confirmed_before_order")
    ]
    assert get_order(store_ctx, draft.id).order.status == "draft"
    with pytest.raises(FollowupError) as caught:
        order_timeline(store_ctx, draft.id)
    assert caught.value.key == "error.order_has_no_plan"


def test_a_confirmation_refused_in_bulk_leaves_the_draft_as_it_was(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    """A draft whose template has gone is refused after its status was set; the bulk
    advance must not save that half of the confirmation."""
    draft, other = (create_order(store_ctx, make_draft()) for _ in range(2))
    with store_ctx.write() as session:
        row = session.get(Order, draft.id)
        assert row is not None
        row.template = "gone"  # as a company templates file that dropped it would leave
    before = snapshot(store_ctx, draft.id)
    result = bulk_advance(store_ctx, [draft.id, other.id])
    assert [step.order_id for step in result.done] == [other.id]
    assert [no for no, _key, _params in result.refused] == [draft.order_no]
    assert snapshot(store_ctx, draft.id)[:4] == before[:4]  # the order, its lines, its log


def test_undoing_a_bulk_confirmation_takes_its_plan_back_unless_it_was_worked_on(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    untouched, worked_on = (create_order(store_ctx, make_draft()) for _ in range(2))
    recording = store_ctx.recording()
    result = bulk_advance(recording, [untouched.id, worked_on.id])
    assert result.changed == 2
    second = order_timeline(store_ctx, worked_on.id).milestones[1]
    shift(store_ctx, second.milestone_id, by_days=1)  # work on the plan, not on the order

    undone = undo_changes(store_ctx, recording.journal or ())
    assert undone.orders == (untouched.order_no,)
    assert [(no, key) for no, key, _ in undone.refused] == [
        (worked_on.order_no, "error.undo_changed_since")
    ]
    assert get_order(store_ctx, untouched.id).order.status == "draft"
    with pytest.raises(FollowupError) as caught:
        order_timeline(store_ctx, untouched.id)
    assert caught.value.key == "error.order_has_no_plan"
    assert get_order(store_ctx, worked_on.id).order.status == "confirmed"
    assert order_timeline(store_ctx, worked_on.id).milestones
    confirm_order(store_ctx, untouched.id)  # planned afresh, as any draft
    assert made_of(store_ctx, untouched.id)[3]


def test_next_order_number(store_ctx: StoreContext, make_draft: MakeDraft) -> None:
    from followup_tui.services.orders.entry import next_order_no

    assert next_order_no(store_ctx, date(2026, 3, 2)) == "PO-2026-00001"
    create_order(store_ctx, make_draft(order_no="PO-2026-00041"))
    create_order(store_ctx, make_draft(order_no="PO-2025-00099"))
    assert next_order_no(store_ctx, date(2026, 3, 2)) == "PO-2026-00042"
    assert next_order_no(store_ctx, date(2025, 12, 31)) == "PO-2025-00100"
