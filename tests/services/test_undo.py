"""Taking back one desk action through the change log (``services.orders.undo``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TypeVar

import pytest

from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders.rules import OrderDraft
from followup_tui.services.orders.entry import create_order, draft_from_order, edit_order, get_order
from followup_tui.services.orders.flow import (
    add_note,
    assign_owner,
    bulk_advance,
    bulk_assign,
    cancel_order,
)
from followup_tui.services.orders.undo import preview_undo, undo_changes
from followup_tui.services.timeline.plans import shift
from followup_tui.services.timeline.read import order_timeline
from followup_tui.store.unit_of_work import StoreContext

MakeDraft = Callable[..., OrderDraft]
ResultT = TypeVar("ResultT")


def recorded(ctx: StoreContext, work: Callable[[StoreContext], ResultT]) -> tuple[int, ...]:
    """The change-log ids ``work`` wrote, as the desk keeps them for its undo."""
    recording = ctx.recording()
    work(recording)
    assert recording.journal
    return tuple(recording.journal)


def test_recording_keeps_only_the_ids_of_its_own_writes(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    order = create_order(store_ctx, make_draft())
    ids = recorded(store_ctx, lambda ctx: cancel_order(ctx, order.id, "customer withdrew"))
    assign_owner(store_ctx, order.id, "wang.fang")  # not recorded
    assert len(ids) == 2  # the order's update and the note
    assert store_ctx.journal is None  # the shared context keeps nothing


def test_undo_takes_back_the_last_action_not_an_earlier_one(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    """Issue 10, 1: assign one order, cancel another, undo: the cancel is taken back
    (status and its note), the assignment stays."""
    first, second = (create_order(store_ctx, make_draft()) for _ in range(2))
    recorded(store_ctx, lambda ctx: bulk_assign(ctx, [first.id], "wang.fang"))
    cancel = recorded(store_ctx, lambda ctx: cancel_order(ctx, second.id, "duplicate"))

    assert preview_undo(store_ctx, cancel).orders == (second.order_no,)
    undone = undo_changes(store_ctx, cancel)
    assert undone.orders == (second.order_no,)
    assert undone.refused == ()
    back = get_order(store_ctx, second.id)
    assert back.order.status == "draft"
    assert back.notes == ()
    assert get_order(store_ctx, first.id).order.owner == "wang.fang"


def test_redo_is_the_undo_of_the_undo(store_ctx: StoreContext, make_draft: MakeDraft) -> None:
    order = create_order(store_ctx, make_draft())
    cancel = recorded(store_ctx, lambda ctx: cancel_order(ctx, order.id, "duplicate"))
    undo = recorded(store_ctx, lambda ctx: undo_changes(ctx, cancel))
    assert get_order(store_ctx, order.id).order.status == "draft"

    redone = undo_changes(store_ctx, undo, settled=cancel)
    assert redone.orders == (order.order_no,)
    again = get_order(store_ctx, order.id)
    assert again.order.status == "cancelled"
    assert [note.body for note in again.notes] == ["duplicate"]


def test_undo_refuses_an_order_someone_changed_since_and_takes_back_the_others(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    ids = [
        create_order(store_ctx, make_draft(confirmed_date=date(2026, 4, 20))).id for _ in range(3)
    ]
    advance = recorded(store_ctx, lambda ctx: bulk_advance(ctx, ids))
    assign_owner(store_ctx, ids[1], "wang.fang")  # someone else, on another desk
    changed = get_order(store_ctx, ids[1]).order

    assert [no for no, _key, _params in preview_undo(store_ctx, advance).refused] == [
        changed.order_no
    ]
    undone = undo_changes(store_ctx, advance)
    assert [(no, key) for no, key, _ in undone.refused] == [
        (changed.order_no, "error.undo_changed_since")
    ]
    assert len(undone.orders) == 2
    assert get_order(store_ctx, ids[0]).order.status == "confirmed"
    assert get_order(store_ctx, ids[2]).order.status == "confirmed"
    assert get_order(store_ctx, ids[1]).order == changed


def test_undoing_an_advance_of_a_draft_takes_its_plan_back_unless_worked_on(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    untouched, worked_on = (create_order(store_ctx, make_draft()) for _ in range(2))
    advance = recorded(store_ctx, lambda ctx: bulk_advance(ctx, [untouched.id, worked_on.id]))
    second = order_timeline(store_ctx, worked_on.id).milestones[1]
    shift(store_ctx, second.milestone_id, by_days=1)  # the plan, not the order

    undone = undo_changes(store_ctx, advance)
    assert undone.orders == (untouched.order_no,)
    assert [no for no, _key, _params in undone.refused] == [worked_on.order_no]
    back = get_order(store_ctx, untouched.id).order
    assert (back.status, back.confirmed_date) == ("draft", None)
    with pytest.raises(FollowupError) as caught:
        order_timeline(store_ctx, untouched.id)
    assert caught.value.key == "error.order_has_no_plan"
    assert order_timeline(store_ctx, worked_on.id).milestones


def test_undo_of_a_milestone_shift_puts_the_plan_back(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    order = create_order(store_ctx, make_draft(confirmed_date=date(2026, 4, 20)))
    before = [
        (bar.key, bar.planned_start, bar.planned_end)
        for bar in order_timeline(store_ctx, order.id).milestones
    ]
    second = order_timeline(store_ctx, order.id).milestones[1]
    moved = recorded(store_ctx, lambda ctx: shift(ctx, second.milestone_id, by_days=3))
    assert [
        (bar.key, bar.planned_start, bar.planned_end)
        for bar in order_timeline(store_ctx, order.id).milestones
    ] != before

    assert undo_changes(store_ctx, moved).orders == (order.order_no,)
    assert [
        (bar.key, bar.planned_start, bar.planned_end)
        for bar in order_timeline(store_ctx, order.id).milestones
    ] == before


def test_undo_of_an_edit_and_of_a_note(store_ctx: StoreContext, make_draft: MakeDraft) -> None:
    order = create_order(store_ctx, make_draft())
    detail = get_order(store_ctx, order.id)
    edited = draft_from_order(detail)

    edit = recorded(
        store_ctx,
        lambda ctx: edit_order(ctx, order.id, replace(edited, packaging="wooden crate"), 1),
    )
    note = recorded(store_ctx, lambda ctx: add_note(ctx, order.id, "called the buyer", "call"))

    undo_changes(store_ctx, note)
    assert get_order(store_ctx, order.id).notes == ()
    undo_changes(store_ctx, edit)
    assert get_order(store_ctx, order.id).order.packaging == detail.order.packaging
