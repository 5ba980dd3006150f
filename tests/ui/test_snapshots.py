"""Pictures of the desk, one class per screen, compared with the accepted SVGs.

The store, the clock (2026-11-27 10:00 in Shanghai) and the actor ("tester") are
fixed, so a changed picture means the desk changed. After an intended change, run
``pytest tests/ui/test_snapshots.py --snapshot-update`` and look at the new pictures
before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from followup_tui.services.orders.entry import draft_from_order, edit_order

from .desk_kit import LINA, SIZE, Desk, move_to, open_queue, press, settle, type_text

Compare = Callable[..., bool]
Steps = Callable[[Pilot[Any]], Awaitable[None]]


def picture(desk: Desk, snap_compare: Compare, steps: Steps | None = None) -> bool:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        if steps is not None:
            await steps(pilot)
        await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor would make the picture flaky
        await pilot.pause()

    return snap_compare(desk.make_app(), terminal_size=SIZE, run_before=run_before)


class TestQueue:
    def test_queue_in_english(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see the header with "‼ 5 late · ! 5 at risk", the open orders
        sorted by due date (Due ▲), five late rows marked ‼ and five at-risk rows
        marked ! (days left are business days: today is a Friday, so 2026-11-30 reads
        "! 1" and 2026-12-02 "! 3"), the cursor bar on PO-2026-00015, the customer "[bold]x[/]
        [@click=app.qu…" printed literally, "1 / 38" and the footer keys."""
        assert picture(desk, snap_compare)

    @pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)
    def test_queue_in_chinese(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see the same queue in Chinese: 跟单台 in the header with 已延误 and
        有风险, column titles 单号 客户 产品 数量 交期 剩余 状态 跟单, statuses such as
        质检, 生产, 已确认 and 草稿, Chinese customer names aligned with the English
        ones, and the footer keys in Chinese."""
        assert picture(desk, snap_compare)

    def test_queue_filtered(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see "hq" typed in the focused filter bar and only the orders of
        深圳市华强电子有限公司 (found by their pinyin initials), still by due date,
        with the position line reading "1 / 8"."""

        async def steps(pilot: Pilot[Any]) -> None:
            await press(pilot, "slash")
            await type_text(pilot, "hq")

        assert picture(desk, snap_compare, steps)


async def save_a_form_with_problems(pilot: Pilot[Any]) -> None:
    """A new order with no customer, no requested date, quantity 0 and currency XYZ."""
    await press(pilot, "n")
    screen = pilot.app.screen
    for dom_id, value in (
        ("lines-0-product", "Gear pump GP-40"),
        ("lines-0-quantity", "0"),
        ("lines-0-unit-price", "3.5"),
        ("lines-0-currency", "XYZ"),
    ):
        screen.query_one(f"#in-{dom_id}", Input).value = value
    await press(pilot, "ctrl+s")


class TestOrderForm:
    def test_form_header_problems(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see the "New order" form over the queue, numbered PO-2026-00041,
        with the owner tester and today's order date filled in, "4 problems to fix
        before saving." in red at the top, "Customer: This field is required." next to
        the empty customer and "Requested date: This field is required." next to the
        empty requested date."""
        assert picture(desk, snap_compare, save_a_form_with_problems)

    def test_form_line_problems(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see the same form scrolled to its lines: line 1 with Gear pump
        GP-40, 0, pcs, 3.5 and XYZ, and under it in red that the quantity must be
        greater than 0 and that the currency "XYZ" is unknown (with the known ones)."""

        async def steps(pilot: Pilot[Any]) -> None:
            await save_a_form_with_problems(pilot)
            pilot.app.screen.query_one("#form-body").scroll_end(animate=False)

        assert picture(desk, snap_compare, steps)


class TestOrderDetail:
    def test_order_detail(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see PO-2026-00001 of 深圳市华强电子有限公司 [materials] with its
        header fields, one line (外壳 B7 (黑), ABS, 800 pcs), two notes (李娜's
        "[red]urgent[/] ask the factory" shown literally, then tester's call), and
        the change history, newest first: the time, who and what on one line (李娜
        note created), then each field labelled on its own line (Author, Note, Kind)."""

        async def steps(pilot: Pilot[Any]) -> None:
            await move_to(pilot, "PO-2026-00001")
            await press(pilot, "enter")

        assert picture(desk, snap_compare, steps)


class TestConflict:
    def test_conflict_dialog(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see the warning-bordered dialog "Someone else saved this order
        after you opened it" listing Customer PO (yours CPO-MINE, theirs CPO-004),
        Packaging (yours 我的包装, theirs 她的包装) and Labels (yours —, theirs
        她的标签), each with a tick on "yours", and the keys to switch and save."""
        target = open_queue()[2].order_no

        async def steps(pilot: Pilot[Any]) -> None:
            await move_to(pilot, target)
            await press(pilot, "e")
            detail = desk.detail(target)
            edit_order(
                desk.store(LINA),
                detail.order.id,
                replace(draft_from_order(detail), packaging="她的包装", labels="她的标签"),
                detail.order.version,
            )
            screen = pilot.app.screen
            screen.query_one("#in-customer-po", Input).value = "CPO-MINE"
            screen.query_one("#in-packaging", Input).value = "我的包装"
            await press(pilot, "ctrl+s")

        assert picture(desk, snap_compare, steps)
