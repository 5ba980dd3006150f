"""Pictures of the complaint desk, compared with the accepted SVGs (see test_snapshots.py).

The store, the clock (Friday 2026-11-27 10:00 in Shanghai) and the actor are the desk's
fixed ones; the cases are filed through the services before the desk starts: a major
quality complaint received three business hours earlier (its acknowledgement breached
by an hour, so the desk escalates it), a fresh ordinary one, and a minor one paused
while QC inspects.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from followup_tui.screens.complaints.triage import ComplaintQueueScreen

from .desk_kit import SIZE, Desk, open_queue, press, settle

Compare = Callable[..., bool]
Steps = Callable[[Pilot[Any]], Awaitable[None]]

THREE_HOURS_AGO = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
YESTERDAY_MORNING = datetime(2026, 11, 26, 1, 30, tzinfo=UTC)


def file_cases(desk: Desk) -> None:
    from followup_tui.services.complaints.steps import (
        ComplaintDraft,
        create_complaint,
        pause_complaint,
    )

    store = desk.store()
    orders = [spec.order_no for spec in open_queue()]
    create_complaint(
        store,
        ComplaintDraft(
            order_no=orders[0],
            category="quality",
            description="色差明显, 三箱纸箱破损 [bold]not markup[/]",
            contact="王经理 138-0000-0000",
            grade="major",
            grade_reason="客户要求索赔",
            received_at=THREE_HOURS_AGO,
        ),
    )
    create_complaint(
        store,
        ComplaintDraft(order_no=orders[1], category="late_delivery", description="交期延误一周"),
    )
    paused = create_complaint(
        store,
        ComplaintDraft(
            order_no=orders[2],
            category="packaging_labels",
            description="Labels in the wrong language",
            received_at=YESTERDAY_MORNING,
        ),
    )
    pause_complaint(store, paused.row.id, "qc", "SGS inspection booked")


def triage_picture(desk: Desk, snap_compare: Compare, steps: Steps | None = None) -> bool:
    file_cases(desk)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await press(pilot, "C")
        for _ in range(200):
            screen = pilot.app.screen
            if isinstance(screen, ComplaintQueueScreen) and screen.loaded:
                break
            await pilot.pause(0.02)
        await settle(pilot)
        if steps is not None:
            await steps(pilot)
        await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor would make the picture flaky
        for area in pilot.app.screen.query(TextArea):
            area.cursor_blink = False
        await pilot.pause()

    return snap_compare(desk.make_app(), terminal_size=SIZE, run_before=run_before)


class TestTriage:
    def test_triage_in_english(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see three cases by time to breach: the major one first, its
        acknowledgement "‼ -1:00" (breached, red reversed) and "▲ new" (escalated); the
        minor one paused for QC after its acknowledgement had breached ("‼ -0:30", then
        "⏸" with the time left in the plan and resolve clocks); the fresh ordinary one
        last with its clocks running (4:00, 24:00, 80:00). The facets read grade all,
        status open, owner all; the status line "1 / 3  3 open  ‼ 2 breached" and the
        legend; the footer the complaint keys."""
        assert triage_picture(desk, snap_compare)

    @pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)
    def test_triage_in_chinese(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see the same queue in Chinese: 重大/轻微/一般, 质量问题, column titles
        等级 客户 订单 类别 受理 方案 结案 状态 跟单, statuses 新建 with the ▲ mark, the
        legend and the footer keys in Chinese."""
        assert triage_picture(desk, snap_compare)

    def test_escalated_only(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see only the two breached (and so escalated) cases, major then
        minor, and the reversed "escalated or breached only" facet: the supervisors'
        view."""

        async def steps(pilot: Pilot[Any]) -> None:
            await press(pilot, "e")

        assert triage_picture(desk, snap_compare, steps)


class TestCase:
    def test_case_detail(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see the major case: #1, its order (status, promised date), the
        clocks with the acknowledgement "‼ -1:00" and its explanation (started Thursday
        16:00, due 18:00), the plan and resolution clocks with their due times, the
        case's category, grade Major "(suggested: Ordinary)" with its reason, the
        description with "[bold]not markup[/]" printed as typed, and the history."""

        async def steps(pilot: Pilot[Any]) -> None:
            await press(pilot, "enter")

        assert triage_picture(desk, snap_compare, steps)

    def test_new_complaint_form_with_a_problem(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see the new-complaint form over the triage, its grade changed to
        Major without a reason: "1 problem" at the top and, under "Why this grade",
        that the suggested grade is Ordinary and a reason is needed."""

        async def steps(pilot: Pilot[Any]) -> None:
            await press(pilot, "escape")  # back to the order queue
            await press(pilot, "c")
            form = pilot.app.screen
            form.query_one("#in-category", Select).value = "quality"
            form.query_one("#in-description", TextArea).text = "色差"
            form.query_one("#in-grade", Select).value = "major"
            await settle(pilot)
            await press(pilot, "ctrl+s")

        assert triage_picture(desk, snap_compare, steps)
