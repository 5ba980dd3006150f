"""The timeline screen inside the real desk: opened from the queue, shifting from the
keyboard, the customer notice, read-only watching, and every workflow in the palette."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label

from followup_tui.screens.shared.prompt import PromptScreen
from followup_tui.screens.timeline.notice import NoticeScreen
from followup_tui.screens.timeline.timeline import TimelineScreen
from followup_tui.widgets.gantt import GanttView
from followup_tui.workflows.timeline import TIMELINE

from .desk_kit import Desk, palette_of, press, screen_text, settle, type_text


async def open_timeline(pilot: Pilot[Any]) -> TimelineScreen:
    await press(pilot, "t")
    for _ in range(100):
        await pilot.pause(0.02)
        screen = pilot.app.screen
        if isinstance(screen, TimelineScreen) and screen.rows:
            await settle(pilot)
            return screen
    raise AssertionError("the timeline did not load")


def test_t_opens_the_timeline_with_every_planned_open_order(desk: Desk) -> None:
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_timeline(pilot)
        seen["rows"] = list(screen.rows)
        seen["text"] = screen_text(pilot.app)
        await press(pilot, "escape")
        seen["back"] = type(pilot.app.screen).__name__

    desk.run(body)
    rows = seen["rows"]
    assert rows and all(row.milestones for row in rows)
    assert any(row.late for row in rows)
    promised = [row.promised for row in rows]
    assert promised == sorted(promised)
    assert "Order · customer" in seen["text"] or "PO-2026-" in seen["text"]
    assert seen["back"] == "QueueScreen"


def test_shifting_past_the_promise_flags_the_order_and_offers_the_notice(desk: Desk) -> None:
    """A run of ``>`` presses stays a run of shifts: the notice never opens by itself in
    the middle of it (the next presses were typed into it); the status line says which
    key drafts it, and that key opens it for the order under the cursor."""
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_timeline(pilot)
        gantt = screen.query_one(GanttView)
        target = max(screen.rows, key=lambda row: row.promised)  # the furthest out
        gantt.move_cursor_to(target.order_id)
        await press(pilot, "space")  # open the order's milestones
        gantt.move_cursor_to(target.order_id, target.milestones[-3].milestone_id)
        await settle(pilot)
        bar = gantt.current_milestone
        assert bar is not None
        seen["before"] = bar.planned_start
        opened = False
        for _ in range(12):
            await press(pilot, "greater_than_sign")
            await settle(pilot, rounds=4)
            opened = opened or isinstance(pilot.app.screen, NoticeScreen)
            text = screen_text(pilot.app)
            if "plan updated" in text:
                seen["status"] = text
        seen["opened_by_itself"] = opened
        await press(pilot, "n")
        await settle(pilot)
        seen["notice"] = isinstance(pilot.app.screen, NoticeScreen)
        seen["notice_text"] = screen_text(pilot.app)
        await press(pilot, "escape")
        await settle(pilot)
        seen["order"] = next(r for r in screen.rows if r.order_id == target.order_id)

    desk.run(body)
    order = seen["order"]
    assert order.at_risk and order.days_short > 0
    assert order.milestones[-3].planned_start > seen["before"]
    assert not seen["opened_by_itself"]
    assert "plan updated" in seen["status"]
    assert "Press n to draft the customer notice" in seen["status"]
    assert seen["notice"] and order.order_no in seen["notice_text"]


def test_a_supervisor_watching_cannot_shift(desk: Desk) -> None:
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_timeline(pilot)
        seen["allowed"] = {
            action: screen.check_action(action, ())
            for action in ("shift", "mark_done", "record_exception", "review", "gantt_zoom_in")
        }

    desk.run(body, read_only=True)
    assert seen["allowed"] == {
        "shift": False,
        "mark_done": False,
        "record_exception": False,
        "review": True,
        "gantt_zoom_in": True,
    }


def test_every_timeline_workflow_is_a_palette_command(desk: Desk) -> None:
    """Each entry names an action of the screen, and the palette offers its title."""
    from .test_palette import open_palette, search

    missing: list[str] = []

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_timeline(pilot)
        for entry in palette_of(TIMELINE):
            assert hasattr(screen, f"action_{entry.action_name()}"), entry.action
        palette = await open_palette(pilot)
        for entry in palette_of(TIMELINE):
            found = await search(pilot, palette, entry.title())
            if entry.title() not in found:
                missing.append(entry.title())

    desk.run(body)
    assert missing == []


@pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)
def test_the_timeline_speaks_chinese(desk: Desk) -> None:
    seen: dict[str, str] = {}

    async def body(pilot: Pilot[Any]) -> None:
        await open_timeline(pilot)
        await press(pilot, "space")
        await settle(pilot)
        seen["text"] = screen_text(pilot.app)

    desk.run(body)
    text = seen["text"]
    assert "订单确认" in text and "承诺交期" in text and "个订单" in text


def test_a_date_that_is_not_a_date_keeps_the_to_date_dialog_open(desk: Desk) -> None:
    """``g`` with ``2027-13-01`` used to close the dialog with a toast."""

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_timeline(pilot)
        gantt = screen.query_one(GanttView)
        target = screen.rows[0]
        gantt.move_cursor_to(target.order_id)
        await press(pilot, "space")  # open the order's milestones
        gantt.move_cursor_to(target.order_id, target.milestones[-1].milestone_id)
        await settle(pilot)
        await press(pilot, "g")
        prompt = pilot.app.screen
        assert isinstance(prompt, PromptScreen)
        await pilot.press("ctrl+u")
        await type_text(pilot, "2027-13-01")
        await press(pilot, "enter")
        assert pilot.app.screen is prompt
        assert prompt.query_one(Input).has_class("-invalid")
        assert '"2027-13-01"' in str(prompt.query_one("#prompt-error", Label).render())

    desk.run(body)
