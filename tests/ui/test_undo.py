"""ctrl+z and ctrl+y on the desk: the clerk's last change, whatever and wherever it was."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from followup_tui.domain.orders.lifecycle import OrderStatus
from followup_tui.screens.orders.detail import OrderDetailScreen
from followup_tui.screens.shared.service_calls import call_service
from followup_tui.services.orders.flow import add_note
from followup_tui.widgets.gantt import GanttView

from .desk_kit import Desk, messages, move_to, open_queue, press, queue, screen_text, settle
from .test_queue import answer
from .test_timeline_screen import open_timeline


def test_undo_takes_back_the_last_change_whatever_it_was_and_redo_does_it_again(
    desk: Desk,
) -> None:
    """Issue 10, 1: ``g`` on one order, ``x`` on another, ctrl+z: the cancel is taken
    back and named, the assignment stays; ctrl+y cancels again; two more ctrl+z take
    back the cancel and then the assignment."""
    first, second = (spec.order_no for spec in open_queue()[:2])
    before = desk.statuses()
    owner_before = desk.detail(first).order.owner
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await move_to(pilot, first)
        await press(pilot, "g")
        await answer(pilot, "王强")
        await move_to(pilot, second)
        await press(pilot, "x")
        await answer(pilot, "客户撤单")
        assert desk.status(second) == OrderStatus.CANCELLED
        # What ctrl+z will take back is named before it is pressed.
        assert f"ctrl+z undoes: the cancellation of {second}" in screen_text(app)

        await press(pilot, "ctrl+z")
        seen["after_undo"] = (desk.status(second), desk.detail(first).order.owner)
        undone = f"Undone: the cancellation of {second}. ctrl+y redoes it."
        assert undone in messages(app), list(messages(app))

        await press(pilot, "ctrl+y")
        seen["after_redo"] = desk.status(second)
        assert f"Redone: the cancellation of {second}." in messages(app)

        await press(pilot, "ctrl+z")
        await press(pilot, "ctrl+z")
        assert f"Undone: the reassignment of {first}. ctrl+y redoes it." in messages(app)

    desk.run(body)
    assert seen["after_undo"] == (before[second], "王强")
    assert seen["after_redo"] == OrderStatus.CANCELLED
    assert desk.status(second) == before[second]
    assert desk.detail(first).order.owner == owner_before
    assert [note.body for note in desk.detail(second).notes if note.body == "客户撤单"] == []


def test_a_milestone_move_on_the_timeline_is_undone_from_the_queue(desk: Desk) -> None:
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_timeline(pilot)
        gantt = screen.query_one(GanttView)
        target = screen.rows[0]
        gantt.move_cursor_to(target.order_id)
        await press(pilot, "space")
        milestone = target.milestones[1]
        gantt.move_cursor_to(target.order_id, milestone.milestone_id)
        await settle(pilot)
        seen["before"] = [(bar.planned_start, bar.planned_end) for bar in target.milestones]
        await press(pilot, "greater_than_sign")
        moved = next(row for row in screen.rows if row.order_id == target.order_id)
        seen["moved"] = [(bar.planned_start, bar.planned_end) for bar in moved.milestones]
        await press(pilot, "escape")
        await settle(pilot)
        await press(pilot, "ctrl+z")
        undone = f"Undone: the milestone move of {target.order_no}. ctrl+y redoes it."
        assert undone in messages(pilot.app), list(messages(pilot.app))
        again = await open_timeline(pilot)
        back = next(row for row in again.rows if row.order_id == target.order_id)
        seen["after"] = [(bar.planned_start, bar.planned_end) for bar in back.milestones]

    desk.run(body)
    assert seen["moved"] != seen["before"]
    assert seen["after"] == seen["before"]


def test_a_watching_desk_says_read_only_on_the_timeline_too(desk: Desk) -> None:
    """Issue 10, 26: a change key tells the supervisor why nothing happens."""
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        await open_timeline(pilot)
        await press(pilot, "greater_than_sign")
        seen["told"] = [m for m in messages(pilot.app, "warning") if m.startswith("Read-only:")]

    desk.run(body, read_only=True)
    assert len(seen["told"]) == 1, seen


def test_the_order_detail_undoes_the_last_change_too(desk: Desk) -> None:
    target = open_queue()[0].order_no
    before = desk.status(target)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await move_to(pilot, target)
        await press(pilot, "h")
        await press(pilot, "enter")
        assert isinstance(app.screen, OrderDetailScreen)
        seen["held"] = desk.status(target)
        await press(pilot, "ctrl+z")
        assert f"Undone: the hold of {target}. ctrl+y redoes it." in messages(app)
        seen["shown"] = screen_text(app)

    desk.run(body)
    assert seen["held"] == OrderStatus.ON_HOLD
    assert desk.status(target) == before
    assert "[on hold]" not in seen["shown"]


def test_a_change_ctrl_z_cannot_take_back_is_said_and_not_skipped(desk: Desk) -> None:
    """A change made through any other service call (a complaint, a shipment) is still
    the clerk's last: ctrl+z says it cannot take it back instead of undoing an older
    change unannounced, and the next ctrl+z undoes the one before."""
    target = open_queue()[0].order_no
    before = desk.status(target)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await move_to(pilot, target)
        await press(pilot, "h")
        order_id = desk.detail(target).order.id
        call_service(
            queue(app), lambda store: add_note(store, order_id, "complaint follow-up"), print
        )
        await settle(pilot)
        await press(pilot, "ctrl+z")
        seen["still_held"] = desk.status(target)
        told = [m for m in messages(app, "warning") if "cannot be undone" in m]
        assert told and f"the hold of {target}" in told[0], list(messages(app))
        await press(pilot, "ctrl+z")
        assert f"Undone: the hold of {target}. ctrl+y redoes it." in messages(app)

    desk.run(body)
    assert seen["still_held"] == OrderStatus.ON_HOLD
    assert desk.status(target) == before


def test_undo_speaks_chinese_on_a_chinese_desk(desk: Desk) -> None:
    target = open_queue()[0].order_no
    desk.language = "zh_CN"
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        await move_to(pilot, target)
        await press(pilot, "h")
        seen["hint"] = screen_text(pilot.app)
        await press(pilot, "ctrl+z")
        seen["told"] = list(messages(pilot.app))

    desk.run(body)
    assert f"ctrl+z 将撤销“暂停订单”：{target}" in seen["hint"], seen["hint"]
    assert f"已撤销“暂停订单”：{target}。按 ctrl+y 可重做。" in seen["told"]
