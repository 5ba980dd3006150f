"""Pictures of the timeline, compared with the accepted SVGs (see test_snapshots.py).

The store and the clock are the desk's fixed ones (2026-11-27 in Shanghai); the holiday
picture moves the clock to the week before National Day on the Chinese mainland
calendar, so the shaded holidays and the make-up Saturday are on screen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.pilot import Pilot

from followup_tui.config import Config
from followup_tui.screens.timeline.timeline import TimelineScreen
from followup_tui.widgets.gantt import GanttView

from .desk_kit import SIZE, Desk, press, settle

Compare = Callable[..., bool]
Steps = Callable[[Pilot[Any]], Awaitable[None]]


def timeline_picture(
    desk: Desk,
    snap_compare: Compare,
    steps: Steps | None = None,
    *,
    config: Config | None = None,
    now: datetime | None = None,
) -> bool:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await press(pilot, "t")
        for _ in range(200):
            await pilot.pause(0.02)
            screen = pilot.app.screen
            if isinstance(screen, TimelineScreen) and screen.rows:
                break
        await settle(pilot)
        if steps is not None:
            await steps(pilot)
        await settle(pilot)

    options: dict[str, Any] = {"config": config}
    if now is not None:
        options["now"] = now
    return snap_compare(desk.make_app(**options), terminal_size=SIZE, run_before=run_before)


async def open_first_late(pilot: Pilot[Any]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, TimelineScreen)
    late = next(row for row in screen.rows if row.late)
    screen.query_one(GanttView).move_cursor_to(late.order_id)
    await press(pilot, "space")


class TestTimeline:
    def test_timeline_in_english(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see the header, "N orders · N late · N at risk", the week-zoom axis
        with Monday labels and today's line at 11-27, one row per planned open order
        sorted by promised date, late rows marked ‼ and at-risk rows !, the promised
        date ◆ in the status column, and the timeline keys in the footer."""
        assert timeline_picture(desk, snap_compare)

    @pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)
    def test_timeline_in_chinese(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see the same timeline in Chinese (承诺交期, 周一, 个订单, 延误) with
        Chinese customer names cut to the label column without breaking alignment."""
        assert timeline_picture(desk, snap_compare)

    def test_a_late_order_opened(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see the first late order opened into its milestones: tree glyphs,
        planned ░ and actual ▓ bars, buffers ·, late milestones marked ‼ in red with
        their responsible party, and the order's "‼ N d late"."""
        assert timeline_picture(desk, snap_compare, open_first_late)

    def test_a_holiday_week(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see today's line on Monday 2026-09-28 on the Chinese mainland
        calendar: 10-01 to 10-07 shaded as holidays, Saturday 10-10 (a make-up workday)
        not shaded, and the warning that the calendar has no data for 2027."""
        now = datetime(2026, 9, 28, 2, 0, tzinfo=UTC)

        async def today(pilot: Pilot[Any]) -> None:
            await press(pilot, "full_stop")

        assert timeline_picture(
            desk, snap_compare, today, config=Config(calendar="cn-mainland"), now=now
        )
