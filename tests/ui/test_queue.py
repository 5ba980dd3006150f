"""The order queue as a clerk uses it: reading, filtering, and the order workflows.

Every workflow is driven by its keys and checked in the store through the services,
through a connection of the test's own, never by trusting what the screen says.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Label

from followup_tui.domain.orders.lifecycle import OrderStatus
from followup_tui.domain.orders.rules import LineDraft, OrderDraft
from followup_tui.screens.shared.prompt import ChoiceScreen, PromptScreen
from followup_tui.widgets.virtual_table import VirtualTable

from .desk_kit import (
    LINA,
    SPECS,
    TODAY,
    Desk,
    at_risk_count,
    cursor_no,
    late_count,
    messages,
    move_to,
    open_queue,
    order_nos,
    press,
    queue,
    rows,
    screen_text,
    settle,
    slipping_orders,
    spec_of,
    type_text,
)
from .test_timeline_screen import open_timeline

HUAQIANG = {spec.order_no for spec in SPECS if "华强" in spec.customer and spec.is_open}


async def choose(pilot: Pilot[Any], option_id: str) -> None:
    """Pick ``option_id`` in the open choice dialog with the arrow keys and enter."""
    screen = pilot.app.screen
    assert isinstance(screen, ChoiceScreen)
    ids = [option_id for option_id, _ in screen._options]
    await pilot.press("home", *["down"] * ids.index(option_id), "enter")
    await settle(pilot)


async def answer(pilot: Pilot[Any], text: str) -> None:
    """Replace the prompt's suggested answer with ``text`` and accept it."""
    assert isinstance(pilot.app.screen, PromptScreen)
    await pilot.press("ctrl+u")
    await type_text(pilot, text)
    await press(pilot, "enter")


class TestReading:
    def test_rows_by_due_date_with_counts_and_keys(self, desk: Desk) -> None:
        slipping = slipping_orders(desk)

        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            expected = [spec.order_no for spec in open_queue()]
            shown = order_nos(app)
            assert len(shown) >= 25
            assert shown == expected[: len(shown)]
            dues = [row.due_date for row in rows(app)]
            assert dues == sorted(dues)
            assert cursor_no(app) == expected[0]
            text = screen_text(app)
            lines = text.splitlines()
            # 3 business days, and the plans the timeline projects past their promise
            assert f"‼ {late_count()} late · ! {at_risk_count(slipping)} at risk" in lines[0]
            assert "desk.db" in lines[0] and "tester" in lines[0]
            # Late rows carry a mark, not only a colour; the first one is five days late.
            assert "‼ -5" in text and "! 0" in text
            footer = lines[-1]
            for key in ("/ Filter", "n New", "a Advance", "h Hold", "^z Undo", "^p"):
                assert key in footer
            assert f"1 / {len(expected)}" in text

        desk.run(body)

    def test_typing_a_filter_narrows_the_rows(self, desk: Desk) -> None:
        """By pinyin initials, Chinese name, order-number suffix and product words."""
        cases = [
            ("hq", HUAQIANG),
            ("华强", HUAQIANG),
            ("00012", {"PO-2026-00012"}),
            ("cable", {s.order_no for s in SPECS if s.product[0] == "Cable set K2" and s.is_open}),
            ("驱动板", {s.order_no for s in SPECS if "驱动板" in s.product[0] and s.is_open}),
        ]
        assert all(expected for _, expected in cases)

        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            field = app.screen.query_one("#filter", Input)
            for typed, expected in cases:
                await press(pilot, "slash")
                assert field.has_focus
                await press(pilot, "ctrl+u")
                await type_text(pilot, typed)
                assert field.value == typed
                assert set(order_nos(app)) == expected, typed
                assert f"/ {len(expected)}" in screen_text(app)
                await press(pilot, "escape")
                assert isinstance(app.focused, VirtualTable)
                assert set(order_nos(app)) == expected  # esc leaves the filter, keeps it
                await press(pilot, "down")
                assert cursor_no(app) in expected

        desk.run(body)

    def test_keys_typed_right_after_the_slash_go_to_the_filter(self, desk: Desk) -> None:
        """A clerk types "/hq" in one go: "h" must not reach the table (hold)."""
        before = desk.statuses()

        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            for key, character in (("slash", "/"), ("h", "h"), ("q", "q")):
                app.post_message(events.Key(key, character))  # a burst, as from a terminal
            await settle(pilot)
            field = app.screen.query_one("#filter", Input)
            assert field.value == "hq"
            assert set(order_nos(app)) == HUAQIANG
            await press(pilot, "slash")  # in the filter, "/" is just a character
            assert field.value == "hq/"
            assert field.has_focus

        desk.run(body)
        assert desk.statuses() == before

    def test_clearing_the_filter_brings_every_row_back(self, desk: Desk) -> None:
        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            await press(pilot, "slash")
            await type_text(pilot, "zzznothing")
            assert order_nos(app) == []
            assert "No orders match." in screen_text(app)
            await press(pilot, "ctrl+u", "enter")
            assert isinstance(app.focused, VirtualTable)
            assert order_nos(app)[0] == open_queue()[0].order_no

        desk.run(body)


class TestFacetsAndSort:
    def test_status_facet_shows_one_status(self, desk: Desk) -> None:
        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            await press(pilot, "f")
            await choose(pilot, "draft")
            drafts = {spec.order_no for spec in SPECS if spec.status is OrderStatus.DRAFT}
            assert set(order_nos(app)) == drafts
            assert "status: draft" in screen_text(app)
            await press(pilot, "f")
            await choose(pilot, "all")
            assert len(order_nos(app)) == min(len(SPECS), queue(app).table.size.height - 1)
            assert f"/ {len(SPECS)}" in screen_text(app)

        desk.run(body)

    def test_owner_toggle_shows_mine_then_everyones(self, desk: Desk) -> None:
        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            await press(pilot, "o")
            mine = [spec.order_no for spec in open_queue() if spec.owner == "tester"]
            assert order_nos(app) == mine[: len(order_nos(app))]
            assert {row.owner for row in rows(app)} == {"tester"}
            assert "owner: me" in screen_text(app)
            await press(pilot, "o")
            assert LINA in {row.owner for row in rows(app)}
            assert "owner: everyone" in screen_text(app)

        desk.run(body)

    def test_sort_cycles_and_reverses(self, desk: Desk) -> None:
        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            by_number = sorted(spec.order_no for spec in SPECS if spec.is_open)
            await press(pilot, "s")  # due date -> order number
            assert order_nos(app) == by_number[: len(order_nos(app))]
            assert "Order no. ▲" in screen_text(app)
            await press(pilot, "S")
            assert order_nos(app)[:3] == by_number[::-1][:3]
            assert "Order no. ▼" in screen_text(app)
            await press(pilot, "s")  # -> customer, ascending again
            customers = [row.customer for row in rows(app)]
            assert customers == sorted(customers)
            assert customers[0] == "Acme GmbH"

        desk.run(body)


class TestBulkWorkflows:
    def test_advance_moves_exactly_the_marked_orders_and_undo_puts_them_back(
        self, desk: Desk
    ) -> None:
        before = desk.statuses()
        first, _, third = (spec.order_no for spec in open_queue()[:3])

        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            await press(pilot, "space", "down", "down", "space")
            assert cursor_no(app) == third
            assert "2 marked" in screen_text(app)
            await press(pilot, "a")
            after = desk.statuses()
            changed = {no for no in before if before[no] != after[no]}
            assert changed == {first, third}
            assert after[first] == OrderStatus.PACKED  # from QC
            assert after[third] == OrderStatus.MATERIALS  # from confirmed
            assert "Advanced 2 orders." in messages(app)
            assert queue(app).table.marked_keys == frozenset()
            assert cursor_no(app) == third
            await press(pilot, "ctrl+z")
            assert desk.statuses() == before
            undone = [m for m in messages(app) if m.startswith("Undone: the advance of")]
            assert undone and first in undone[0] and third in undone[0], list(messages(app))
            await press(pilot, "ctrl+z")
            assert "Nothing to undo on this desk." in messages(app, "warning")

        desk.run(body)

    def test_advance_confirms_a_draft_with_its_plan_and_undo_takes_both_back(
        self, desk: Desk
    ) -> None:
        """``a`` on a draft is confirmation with its requested date, as ``y`` with the
        offered date and ``followup order advance`` are: the timeline opens the order."""
        draft = next(spec for spec in open_queue() if spec.status is OrderStatus.DRAFT)
        seen: dict[str, Any] = {}

        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            await move_to(pilot, draft.order_no)
            await press(pilot, "a")
            assert "Advanced 1 order." in messages(app), list(messages(app))
            seen["order"] = desk.detail(draft.order_no).order
            timeline = await open_timeline(pilot)
            seen["planned"] = {row.order_no: row for row in timeline.rows}
            await press(pilot, "escape")
            await settle(pilot)
            await press(pilot, "ctrl+z")
            undone = f"Undone: the advance of {draft.order_no}. ctrl+y redoes it."
            assert undone in messages(app), list(messages(app))

        desk.run(body)
        order = seen["order"]
        assert (order.status, order.confirmed_date, order.due_date) == (
            OrderStatus.CONFIRMED,
            draft.due,
            draft.due,
        )
        assert draft.order_no in seen["planned"], "the timeline lists only planned orders"
        assert seen["planned"][draft.order_no].milestones
        assert desk.status(draft.order_no) == OrderStatus.DRAFT
        assert desk.detail(draft.order_no).order.confirmed_date is None

    def test_advance_without_marks_moves_the_cursors_order(self, desk: Desk) -> None:
        before = desk.statuses()

        async def body(pilot: Pilot[Any]) -> None:
            await press(pilot, "down", "a")

        desk.run(body)
        after = desk.statuses()
        target = open_queue()[1].order_no
        assert {no for no in before if before[no] != after[no]} == {target}
        assert after[target] == OrderStatus.QC  # from production

    def test_hold_then_resume(self, desk: Desk) -> None:
        target = open_queue()[0].order_no

        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            await press(pilot, "h")
            assert desk.status(target) == OrderStatus.ON_HOLD
            assert cursor_no(app) == target  # held orders are still open
            await press(pilot, "r")
            assert desk.status(target) == OrderStatus.QC
            assert f"{target}: status now QC." in messages(app)

        desk.run(body)

    def test_assign_asks_for_the_owner(self, desk: Desk) -> None:
        first, second = (spec.order_no for spec in open_queue()[:2])

        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            await press(pilot, "space", "down", "space", "g")
            prompt = app.screen
            assert isinstance(prompt, PromptScreen)
            assert prompt.query_one(Input).value == "tester"  # suggests the clerk
            await answer(pilot, "王强")
            assert "Reassigned 2 orders." in messages(app)

        desk.run(body)
        assert desk.detail(first).order.owner == "王强"
        assert desk.detail(second).order.owner == "王强"
        assert desk.detail(open_queue()[2].order_no).order.owner != "王强"


class TestSingleWorkflows:
    def test_confirm_a_draft_with_the_promised_date(self, desk: Desk) -> None:
        draft = next(spec for spec in open_queue() if spec.status is OrderStatus.DRAFT)
        promised = draft.due + timedelta(days=3)

        async def body(pilot: Pilot[Any]) -> None:
            await move_to(pilot, draft.order_no)
            await press(pilot, "y")
            prompt = pilot.app.screen
            assert isinstance(prompt, PromptScreen)
            assert prompt.query_one(Input).value == draft.due.isoformat()
            await answer(pilot, promised.isoformat())

        desk.run(body)
        order = desk.detail(draft.order_no).order
        assert order.status == OrderStatus.CONFIRMED
        assert order.confirmed_date == promised
        assert order.due_date == promised

    @pytest.mark.parametrize("typed", ["next friday", "2027-13-01"])
    def test_confirm_keeps_the_dialog_open_on_a_date_that_is_not_a_date(
        self, desk: Desk, typed: str
    ) -> None:
        """A bad date used to close the dialog with a toast, so the clerk retyped it all:
        the dialog stays, the field is marked, the message is under it, the text kept."""
        draft = next(spec for spec in open_queue() if spec.status is OrderStatus.DRAFT)
        promised = draft.due + timedelta(days=3)

        async def body(pilot: Pilot[Any]) -> None:
            await move_to(pilot, draft.order_no)
            await press(pilot, "y")
            await answer(pilot, typed)
            prompt = pilot.app.screen
            assert isinstance(prompt, PromptScreen)
            field = prompt.query_one(Input)
            assert field.value == typed
            assert field.has_class("-invalid")
            error = prompt.query_one("#prompt-error", Label).render()
            assert f'"{typed}" is not a date' in str(error)
            assert not list(messages(pilot.app, "error"))
            assert desk.status(draft.order_no) == OrderStatus.DRAFT
            await answer(pilot, promised.isoformat())  # corrected in place, accepted
            assert not isinstance(pilot.app.screen, PromptScreen)

        desk.run(body)
        order = desk.detail(draft.order_no).order
        assert (order.status, order.confirmed_date) == (OrderStatus.CONFIRMED, promised)

    def test_cancel_asks_for_a_reason_and_keeps_it(self, desk: Desk) -> None:
        target = open_queue()[1].order_no

        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            await press(pilot, "down", "x")
            assert isinstance(app.screen, PromptScreen)
            await press(pilot, "enter")  # an empty reason is refused in place
            assert isinstance(app.screen, PromptScreen)
            assert "This field is required." in screen_text(app)
            await answer(pilot, "客户撤单")
            assert target not in order_nos(app)  # cancelled orders leave the open queue

        desk.run(body)
        detail = desk.detail(target)
        assert detail.order.status == OrderStatus.CANCELLED
        assert detail.notes[0].body == "客户撤单"
        assert detail.notes[0].author == "tester"

    def test_escape_on_a_prompt_changes_nothing(self, desk: Desk) -> None:
        before = desk.statuses()

        async def body(pilot: Pilot[Any]) -> None:
            await press(pilot, "x")
            await press(pilot, "escape")
            assert pilot.app.screen is queue(pilot.app)

        desk.run(body)
        assert desk.statuses() == before

    def test_add_a_note_of_a_chosen_kind(self, desk: Desk) -> None:
        target = open_queue()[0].order_no

        async def body(pilot: Pilot[Any]) -> None:
            await press(pilot, "m")
            await choose(pilot, "email")
            prompt = pilot.app.screen
            assert isinstance(prompt, PromptScreen)
            await type_text(pilot, "已发邮件确认交期")
            await press(pilot, "enter")
            assert "Note added." in messages(pilot.app)

        desk.run(body)
        note = desk.detail(target).notes[0]
        assert (note.kind, note.body, note.author) == ("email", "已发邮件确认交期", "tester")

    def test_advancing_a_closed_order_is_refused_and_changes_nothing(self, desk: Desk) -> None:
        closed = next(spec for spec in SPECS if spec.status is OrderStatus.CLOSED).order_no
        before = desk.statuses()

        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            await press(pilot, "f")
            await choose(pilot, "closed")
            assert order_nos(app) == [closed]
            await press(pilot, "a")
            refusals = [m for m in messages(app, "error") if closed in m]
            assert refusals, list(messages(app))
            assert "Advanced 0 orders." in refusals[0]
            assert "cannot advance" in refusals[0]
            await press(pilot, "ctrl+z")  # nothing was done, so nothing to undo
            assert "Nothing to undo on this desk." in messages(app, "warning")

        desk.run(body)
        assert desk.statuses() == before

    def test_a_partly_refused_advance_warns_and_moves_the_rest(self, desk: Desk) -> None:
        closed = next(spec for spec in SPECS if spec.status is OrderStatus.CLOSED).order_no
        movable = open_queue()[0].order_no  # in QC
        before = desk.statuses()

        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            await press(pilot, "f")
            await choose(pilot, "all")
            await move_to(pilot, closed)
            await press(pilot, "space")
            await move_to(pilot, movable)
            await press(pilot, "space", "a")
            warnings = [m for m in messages(app, "warning") if closed in m]
            assert warnings and "Advanced 1 order." in warnings[0], list(messages(app))

        desk.run(body)
        after = desk.statuses()
        assert {no for no in before if before[no] != after[no]} == {movable}
        assert after[movable] == OrderStatus.PACKED

    def test_an_illegal_single_move_shows_an_error(self, desk: Desk) -> None:
        target = open_queue()[0].order_no  # in QC, not on hold
        before = desk.statuses()

        async def body(pilot: Pilot[Any]) -> None:
            await press(pilot, "r")
            errors = list(messages(pilot.app, "error"))
            assert errors == [f"{target} is not on hold (status: QC)."] or any(
                target in error and "not on hold" in error for error in errors
            )

        desk.run(body)
        assert desk.statuses() == before


class TestLiveRefresh:
    def _insert(self, desk: Desk, serial: int, due: date) -> None:
        from followup_tui.services.orders.entry import create_order

        create_order(
            desk.store(LINA),
            OrderDraft(
                order_no=f"PO-2026-{serial:05d}",
                customer="Acme GmbH",
                owner=LINA,
                order_date=TODAY - timedelta(days=30),
                requested_date=due,
                lines=[LineDraft("Cable set K2", Decimal(5), "pcs", Decimal(1), "USD")],
            ),
        )

    def test_the_cursor_stays_on_its_order_when_others_insert_above(self, desk: Desk) -> None:
        queue_before = open_queue()
        target = queue_before[7].order_no  # due in 3 days

        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            await move_to(pilot, target)
            for serial, days in ((101, -20), (102, -19), (103, 2), (104, 2)):
                self._insert(desk, serial, TODAY + timedelta(days=days))
            queue(app).reload_rows()
            await settle(pilot)
            assert cursor_no(app) == target
            shown = order_nos(app)
            assert shown.index(target) == 9  # the two due in 2 days sort in above it
            assert "PO-2026-00103" in shown and "PO-2026-00104" in shown
            await press(pilot, "home")
            assert order_nos(app)[:2] == ["PO-2026-00101", "PO-2026-00102"]

        desk.run(body)

    def test_a_saved_order_beyond_the_first_page_gets_the_cursor(self, desk: Desk) -> None:
        """After a save the queue opens at that order, even when it sorts far below
        the first page (the form's save reloads with the new order's id)."""

        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            self._insert(desk, 107, TODAY + timedelta(days=90))  # sorts last
            new_id = desk.detail("PO-2026-00107").order.id
            assert "PO-2026-00107" not in order_nos(app)
            queue(app).reload_rows(focus_id=new_id)
            await settle(pilot)
            assert cursor_no(app) == "PO-2026-00107"
            await press(pilot, "up")
            assert cursor_no(app) == open_queue()[-1].order_no

        desk.run(body)

    def test_the_row_count_follows_inserts(self, desk: Desk) -> None:
        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            self._insert(desk, 106, TODAY + timedelta(days=60))
            queue(app).reload_rows()
            await settle(pilot)
            assert f"1 / {len(open_queue()) + 1}" in screen_text(app)

        desk.run(body)

    def test_the_poll_reloads_when_the_change_log_moves(self, desk: Desk) -> None:
        target = open_queue()[5].order_no

        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            await move_to(pilot, target)
            screen = queue(app)
            screen._poll_changes()  # what the interval timer calls
            await settle(pilot)
            self._insert(desk, 105, TODAY - timedelta(days=1))
            assert "PO-2026-00105" not in order_nos(app)
            screen._poll_changes()
            await settle(pilot)
            assert "PO-2026-00105" in order_nos(app)
            assert cursor_no(app) == target
            header = screen_text(app).splitlines()[0]
            assert f"‼ {late_count() + 1} late" in header

        desk.run(body)


class TestMarkupSafety:
    def test_a_customer_that_looks_like_markup_is_shown_as_typed(self, desk: Desk) -> None:
        markup_no = spec_of("PO-2026-00019").order_no

        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            text = screen_text(app)
            assert "[bold]x[/] [@click=app.qu…" in text  # cropped to its column, literal
            index = order_nos(app).index(markup_no)
            table = queue(app).table
            await pilot.click(table, offset=(20, index + 1))
            await settle(pilot)
            assert app.is_running
            assert cursor_no(app) == markup_no
            await press(pilot, "enter")
            assert "[bold]x[/] [@click=app.quit]Corp" in screen_text(app)
            await pilot.click("#detail-header", offset=(20, 0))
            await pilot.click("#detail-header", offset=(30, 0))
            await settle(pilot)
            assert app.is_running
            assert app.screen.query_one("#detail-header").region.height > 0

        app = desk.run(body)
        assert app.return_code is None or app.return_code == 0


@pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)
def test_the_queue_speaks_chinese(desk: Desk) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        text = screen_text(pilot.app)
        header = text.splitlines()[2]
        for title in ("单号", "客户", "产品", "交期", "状态", "跟单"):
            assert title in header
        assert "草稿" in text and "质检" in text
        assert "已延误" in text.splitlines()[0]

    desk.run(body)


@pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)
def test_refusals_are_explained_in_chinese(desk: Desk) -> None:
    """Errors are explained in a worker thread; they must still speak the clerk's
    language."""
    target = open_queue()[0].order_no

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await press(pilot, "r")
        errors = list(messages(app, "error"))
        assert errors and "并未暂停" in errors[0], errors
        assert target in errors[0]
        await press(pilot, "h", "r")
        assert f"{target} 状态已变为：质检。" in messages(app)

    desk.run(body)
