"""The order form: problems next to their fields, saves with the version the clerk saw,
and a stale save that shows both values instead of overwriting anyone's work."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Label

from followup_tui.screens.orders.conflict import ConflictScreen
from followup_tui.screens.orders.form import OrderFormScreen
from followup_tui.screens.shared.leaving import DiscardScreen
from followup_tui.services.orders.entry import draft_from_order, edit_order

from .desk_kit import (
    LINA,
    Desk,
    cursor_no,
    messages,
    move_to,
    open_queue,
    press,
    queue,
    screen_text,
    settle,
    type_text,
)


def form(pilot: Pilot[Any]) -> OrderFormScreen:
    screen = pilot.app.screen
    assert isinstance(screen, OrderFormScreen), f"expected the form, got {screen!r}"
    return screen


def field(pilot: Pilot[Any], dom_id: str) -> Input:
    return form(pilot).query_one(f"#in-{dom_id}", Input)


def error_under(pilot: Pilot[Any], dom_id: str) -> str:
    return str(form(pilot).query_one(f"#err-{dom_id}", Label).render())


def fill(pilot: Pilot[Any], **values: str) -> None:
    """Set inputs by their DOM id (``lines-0-quantity=...``), as if typed."""
    for dom_id, value in values.items():
        field(pilot, dom_id.replace("_", "-")).value = value


async def open_new_form(pilot: Pilot[Any]) -> None:
    await press(pilot, "n")
    form(pilot)
    await settle(pilot)


class TestNewOrder:
    def test_an_empty_save_shows_what_is_required_and_saves_nothing(self, desk: Desk) -> None:
        before = desk.statuses()

        async def body(pilot: Pilot[Any]) -> None:
            await open_new_form(pilot)
            assert field(pilot, "order-no").value == "PO-2026-00041"  # the next free number
            assert field(pilot, "customer").has_focus
            await press(pilot, "ctrl+s")
            form(pilot)  # still open
            assert "required" in error_under(pilot, "customer")
            assert "Requested date" in error_under(pilot, "requested-date")
            assert "required" in error_under(pilot, "requested-date")
            assert error_under(pilot, "owner") == ""  # filled with the clerk's name
            summary = str(form(pilot).query_one("#form-summary", Label).render())
            assert "problems to fix before saving" in summary
            text = screen_text(pilot.app)
            assert "Customer: This field is required." in text

        desk.run(body)
        assert desk.statuses() == before

    def test_quantity_and_currency_are_checked_on_the_line(self, desk: Desk) -> None:
        before = desk.statuses()

        async def body(pilot: Pilot[Any]) -> None:
            await open_new_form(pilot)
            await type_text(pilot, "Acme GmbH")
            fill(
                pilot,
                requested_date="2026-12-20",
                lines_0_product="Gear pump GP-40",
                lines_0_quantity="0",
                lines_0_unit_price="3.5",
                lines_0_currency="XYZ",
            )
            await press(pilot, "ctrl+s")
            problems = str(form(pilot).query_one("#err-line-0", Label).render())
            assert "Line 1 Quantity: The quantity must be greater than 0." in problems
            assert 'Unknown currency "XYZ"' in problems
            assert error_under(pilot, "customer") == ""
            fill(pilot, lines_0_quantity="abc")
            await press(pilot, "ctrl+s")
            problems = str(form(pilot).query_one("#err-line-0", Label).render())
            assert "abc" in problems and "Line 1 Quantity" in problems

        desk.run(body)
        assert desk.statuses() == before

    def test_a_valid_order_is_saved_and_the_cursor_lands_on_it(self, desk: Desk) -> None:
        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            await open_new_form(pilot)
            await type_text(pilot, "深圳市华强电子有限公司")
            fill(
                pilot,
                requested_date="2026-12-10",
                packaging="纸箱, 每箱 50 个",
                lines_0_product="LED 驱动板 A3",
                lines_0_spec="24V 2A",
                lines_0_quantity="1,200",
                lines_0_unit_price="3.5",
                lines_0_currency="usd",
            )
            await press(pilot, "ctrl+s")
            assert app.screen is queue(app)
            assert cursor_no(app) == "PO-2026-00041"
            assert "Saved PO-2026-00041." in messages(app)

        desk.run(body)
        detail = desk.detail("PO-2026-00041")
        order = detail.order
        assert (order.customer, order.status, order.owner) == (
            "深圳市华强电子有限公司",
            "draft",
            "tester",
        )
        assert order.packaging == "纸箱, 每箱 50 个"
        assert [(line.product, line.quantity, line.currency) for line in detail.lines] == [
            ("LED 驱动板 A3", 1200, "USD")
        ]
        assert detail.changes[0].actor == "tester"

    def test_escape_on_a_filled_form_asks_before_throwing_the_input_away(self, desk: Desk) -> None:
        """Escape used to close a filled form at once, and the typing was gone."""
        before = desk.statuses()

        async def body(pilot: Pilot[Any]) -> None:
            await open_new_form(pilot)
            await type_text(pilot, "Acme GmbH")
            await press(pilot, "escape")
            assert isinstance(pilot.app.screen, DiscardScreen)
            await press(pilot, "escape")  # keep editing: a second Escape loses nothing
            assert field(pilot, "customer").value == "Acme GmbH"
            await press(pilot, "escape", "n")
            assert field(pilot, "customer").value == "Acme GmbH"
            await press(pilot, "escape", "y")
            assert pilot.app.screen is queue(pilot.app)

        desk.run(body)
        assert desk.statuses() == before

    def test_a_line_added_with_ctrl_l_takes_the_unit_and_currency_of_the_line_above(
        self, desk: Desk
    ) -> None:
        """Lines added with ctrl+l used to start with no unit and no currency."""

        async def body(pilot: Pilot[Any]) -> None:
            await open_new_form(pilot)
            assert (field(pilot, "lines-0-unit").value, field(pilot, "lines-0-currency").value) == (
                "pcs",
                "CNY",
            )
            await press(pilot, "ctrl+l")
            assert field(pilot, "lines-1-unit").value == "pcs"
            assert field(pilot, "lines-1-currency").value == "CNY"
            assert pilot.app.focused is field(pilot, "lines-1-product")
            fill(pilot, lines_1_unit="kg", lines_1_currency="USD")
            await press(pilot, "ctrl+l")
            assert field(pilot, "lines-2-unit").value == "kg"
            assert field(pilot, "lines-2-currency").value == "USD"

        desk.run(body)

    def test_escape_on_an_untouched_form_closes_at_once(self, desk: Desk) -> None:
        """The suggested order number, a line added and left blank: nothing typed."""
        target = open_queue()[2]

        async def body(pilot: Pilot[Any]) -> None:
            await open_new_form(pilot)
            assert field(pilot, "order-no").value  # the desk's next number
            await press(pilot, "ctrl+l", "escape")
            assert pilot.app.screen is queue(pilot.app)
            await move_to(pilot, target.order_no)
            await press(pilot, "e")
            form(pilot)
            await settle(pilot)
            await press(pilot, "escape")
            assert pilot.app.screen is queue(pilot.app)

        desk.run(body)


class TestEditOrder:
    def test_an_edit_saves_with_the_version_seen(self, desk: Desk) -> None:
        target = open_queue()[2]
        version = desk.detail(target.order_no).order.version

        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            await move_to(pilot, target.order_no)
            await press(pilot, "e")
            assert form(pilot).expected_version == version
            assert field(pilot, "customer").value == target.customer
            assert field(pilot, "lines-0-product").value == target.product[0]
            fill(pilot, customer_po="CPO-EDITED", labels="双语标签")
            await press(pilot, "ctrl+s")
            assert app.screen is queue(app)
            assert cursor_no(app) == target.order_no

        desk.run(body)
        order = desk.detail(target.order_no).order
        assert (order.customer_po, order.labels) == ("CPO-EDITED", "双语标签")
        assert order.version == version + 1
        assert order.customer == target.customer

    def test_a_stale_edit_shows_both_values_and_saves_the_clerks_choice(self, desk: Desk) -> None:
        target = open_queue()[2]
        theirs_po = f"CPO-{target.serial:03d}"

        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            await move_to(pilot, target.order_no)
            await press(pilot, "e")
            seen = form(pilot).expected_version
            assert seen is not None  # an edit form knows the version it opened
            # Meanwhile 李娜 saves the same order from her desk.
            other = desk.store(LINA)
            detail = desk.detail(target.order_no)
            edit_order(
                other,
                detail.order.id,
                replace(draft_from_order(detail), packaging="她的包装", labels="她的标签"),
                detail.order.version,
            )
            fill(pilot, customer_po="CPO-MINE", packaging="我的包装")
            await press(pilot, "ctrl+s")
            dialog = app.screen
            assert isinstance(dialog, ConflictScreen)
            assert [name for name, _, _ in dialog.fields] == [
                "customer_po",
                "packaging",
                "labels",
            ]
            text = screen_text(app)
            assert "yours: CPO-MINE" in text and f"theirs (saved): {theirs_po}" in text
            assert "yours: 我的包装" in text and "theirs (saved): 她的包装" in text
            assert "yours: —" in text and "theirs (saved): 她的标签" in text
            assert desk.detail(target.order_no).order.version == seen + 1  # nothing saved
            # Labels: only 李娜 changed them, so they start on her value; the fields
            # this clerk typed start on the clerk's own.
            assert dialog.take_theirs == {"labels"}
            await press(pilot, "down", "space")  # packaging: take hers ...
            assert dialog.take_theirs == {"packaging", "labels"}
            await press(pilot, "space")  # ... no, keep mine after all
            assert dialog.take_theirs == {"labels"}
            await press(pilot, "ctrl+s")
            assert app.screen is queue(app)

        desk.run(body)
        order = desk.detail(target.order_no).order
        assert (order.customer_po, order.packaging, order.labels) == (
            "CPO-MINE",
            "我的包装",
            "她的标签",
        )
        history = desk.detail(target.order_no).changes
        edits = [change for change in history if change.entity == "order"][-2:]
        assert [(change.actor, sorted(change.diff)) for change in edits] == [
            (LINA, ["labels", "packaging"]),
            ("tester", ["customer_po", "packaging"]),
        ]

    def test_enter_also_switches_a_conflicting_value(self, desk: Desk) -> None:
        target = open_queue()[2]

        async def body(pilot: Pilot[Any]) -> None:
            app = pilot.app
            await move_to(pilot, target.order_no)
            await press(pilot, "e")
            detail = desk.detail(target.order_no)
            edit_order(
                desk.store(LINA),
                detail.order.id,
                replace(draft_from_order(detail), customer_po="CPO-THEIRS"),
                detail.order.version,
            )
            fill(pilot, customer_po="CPO-MINE")
            await press(pilot, "ctrl+s")
            dialog = app.screen
            assert isinstance(dialog, ConflictScreen)
            await press(pilot, "enter")
            assert dialog.take_theirs == {"customer_po"}
            await press(pilot, "escape")  # back to the form; nothing saved
            form(pilot)

        desk.run(body)
        assert desk.detail(target.order_no).order.customer_po == "CPO-THEIRS"
