"""Booking a shipment (发运) from the timeline: the form, its problems, the service's
refusals, read-only watching, the palette, and the order detail's list of shipments."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, Select

from followup_tui.screens.shared.leaving import DiscardScreen
from followup_tui.screens.timeline.shipment_form import (
    MODES,
    ShipmentDraft,
    ShipmentFormScreen,
    check_shipment,
)
from followup_tui.screens.timeline.timeline import TimelineScreen
from followup_tui.services.timeline.events import SHIP_MODES, add_shipment, list_shipments
from followup_tui.widgets.gantt import GanttView
from followup_tui.workflows.timeline import TIMELINE

from .desk_kit import Desk, changing_actions, messages, palette_of, press, settle, spec_of
from .test_detail import cells, open_detail
from .test_timeline_screen import open_timeline

TWO_LINES = "PO-2026-00006"  # an open order in production with a second line of 10 cartons


def label_text(screen: ShipmentFormScreen, selector: str) -> str:
    label = screen.query_one(selector, Label)
    return str(label.content) if label.display else ""


async def open_form(pilot: Pilot[Any], desk: Desk, order_no: str) -> ShipmentFormScreen:
    """Open the timeline, put the cursor on ``order_no`` and press ``b``."""
    screen = await open_timeline(pilot)
    assert screen.gantt.move_cursor_to(desk.ids[order_no])
    await settle(pilot)
    await press(pilot, "b")
    form = pilot.app.screen
    assert isinstance(form, ShipmentFormScreen), form
    return form


def test_a_partial_shipment_is_booked_from_the_timeline(desk: Desk) -> None:
    first_line = spec_of(TWO_LINES).quantity
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot, desk, TWO_LINES)
        # Every line is offered with what is left on it; the carrier has the focus.
        seen["prefill"] = (
            form.query_one("#in-line-1", Input).value,
            form.query_one("#in-line-2", Input).value,
        )
        seen["focused"] = pilot.app.focused is form.query_one("#in-carrier", Input)
        await pilot.press(*"COSCO [b]")
        form.query_one("#in-mode", Select).value = "rail"
        form.query_one("#in-tracking-no", Input).value = "BL-001"
        form.query_one("#in-etd", Input).value = "2026-12-01"
        form.query_one("#in-eta", Input).value = "2026-12-20"
        form.query_one("#in-line-1", Input).value = "1,000"  # a first part of line 1
        await press(pilot, "ctrl+s")
        seen["screen"] = pilot.app.screen
        seen["notes"] = list(messages(pilot.app))

    desk.run(body)
    assert seen["prefill"] == (str(first_line), "10")
    assert seen["focused"]
    assert isinstance(seen["screen"], TimelineScreen)
    assert "Shipment booked: COSCO [b], 2 lines, ETA 2026-12-20." in seen["notes"]
    (shipment,) = list_shipments(desk.store(), desk.ids[TWO_LINES])
    assert (shipment.carrier, shipment.mode, shipment.tracking_no) == (
        "COSCO [b]",
        "rail",
        "BL-001",
    )
    assert (shipment.etd, shipment.eta) == (date(2026, 12, 1), date(2026, 12, 20))
    assert shipment.lines == ((1, "1000"), (2, "10"))


def test_the_next_form_offers_only_what_is_left(desk: Desk) -> None:
    order_id = desk.ids[TWO_LINES]
    add_shipment(desk.store(), order_id, carrier="DHL", mode="air", lines={1: "300", 2: "10"})
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot, desk, TWO_LINES)
        seen["left"] = (
            form.query_one("#in-line-1", Input).value,
            form.query_one("#in-line-2", Input).value,
        )

    desk.run(body)
    assert seen["left"] == (str(spec_of(TWO_LINES).quantity - 300), "")  # line 2 all shipped


def test_a_bad_eta_and_an_empty_carrier_are_shown_together(desk: Desk) -> None:
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot, desk, TWO_LINES)
        form.query_one("#in-eta", Input).value = "2026-13-01"
        await press(pilot, "ctrl+s")
        seen["open"] = pilot.app.screen is form
        seen["carrier"] = label_text(form, "#err-carrier")
        seen["eta"] = label_text(form, "#err-eta")
        seen["etd"] = label_text(form, "#err-etd")
        seen["summary"] = label_text(form, "#shipment-summary")
        seen["focused"] = pilot.app.focused is form.query_one("#in-carrier", Input)
        # ETA before ETD is a problem of the ETA too, found before the store is asked.
        form.query_one("#in-carrier", Input).value = "DHL"
        form.query_one("#in-etd", Input).value = "2026-12-10"
        form.query_one("#in-eta", Input).value = "2026-12-01"
        await press(pilot, "ctrl+s")
        seen["before_etd"] = label_text(form, "#err-eta")
        seen["carrier_after"] = label_text(form, "#err-carrier")
        await press(pilot, "escape")
        seen["asked"] = isinstance(pilot.app.screen, DiscardScreen)  # something was typed
        await press(pilot, "y")
        seen["closed"] = isinstance(pilot.app.screen, TimelineScreen)

    desk.run(body)
    assert seen["open"] and seen["asked"]
    assert seen["carrier"] == "This field is required."
    assert "2026-13-01" in seen["eta"] and "YYYY-MM-DD" in seen["eta"]
    assert seen["etd"] == ""
    assert "2 problems" in seen["summary"]
    assert seen["focused"]
    assert "cannot be before the ETD" in seen["before_etd"]
    assert seen["carrier_after"] == ""
    assert seen["closed"]
    assert list_shipments(desk.store(), desk.ids[TWO_LINES]) == ()


def test_more_than_is_left_is_refused_naming_the_line(desk: Desk) -> None:
    """A colleague ships part of line 1 while the form is open: the prefilled quantity
    is now too much, and the service's refusal lands under line 1."""
    order_id = desk.ids[TWO_LINES]
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot, desk, TWO_LINES)
        add_shipment(desk.store("李娜"), order_id, carrier="SF", mode="express", lines={1: "100"})
        form.query_one("#in-carrier", Input).value = "COSCO"
        await press(pilot, "ctrl+s")
        seen["open"] = pilot.app.screen is form
        seen["line1"] = label_text(form, "#err-line-1")
        seen["line2"] = label_text(form, "#err-line-2")
        seen["typed"] = form.query_one("#in-carrier", Input).value
        seen["focused"] = pilot.app.focused is form.query_one("#in-line-1", Input)

    desk.run(body)
    left = spec_of(TWO_LINES).quantity - 100
    assert seen["open"]
    assert "Line 1" in seen["line1"] and "left to ship" in seen["line1"]
    assert str(left) in seen["line1"]
    assert seen["line2"] == ""
    assert seen["typed"] == "COSCO"  # still there to fix
    assert seen["focused"]
    shipments = list_shipments(desk.store(), order_id)
    assert [s.carrier for s in shipments] == ["SF"]  # nothing of the refused booking stored


def test_a_supervisor_watching_cannot_book_a_shipment(desk: Desk) -> None:
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_timeline(pilot)
        screen.query_one(GanttView).move_cursor_to(desk.ids[TWO_LINES])
        seen["allowed"] = screen.check_action("add_shipment", ())
        await press(pilot, "b")
        seen["screen"] = pilot.app.screen

    desk.run(body, read_only=True)
    assert "add_shipment" in changing_actions(TIMELINE)
    assert seen["allowed"] is False
    assert isinstance(seen["screen"], TimelineScreen)


def test_booking_a_shipment_is_a_palette_command(desk: Desk) -> None:
    from .test_palette import open_palette, search

    entry = next(e for e in palette_of(TIMELINE) if e.action == "add_shipment")
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        await open_timeline(pilot)
        palette = await open_palette(pilot)
        seen["found"] = await search(pilot, palette, "book a shipment")

    desk.run(body)
    assert entry.title() == "Timeline: book a shipment"
    assert "Timeline: book a shipment" in seen["found"]


@pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)
def test_the_chinese_desk_names_the_key_and_the_form(desk: Desk) -> None:
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot, desk, TWO_LINES)
        seen["title"] = str(form.query("Label").first(Label).content)

    desk.run(body)
    assert seen["title"] == f"登记发运：{TWO_LINES}"


def test_the_order_detail_lists_its_shipments(desk: Desk) -> None:
    order_id = desk.ids[TWO_LINES]
    store = desk.store()
    add_shipment(
        store, order_id, carrier="[red]Maersk[/]", mode="sea", tracking_no="BL9", lines={1: "500"}
    )
    add_shipment(store, order_id, carrier="DHL", mode="air", lines={1: "20", 2: "10"})
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_detail(pilot, TWO_LINES)
        seen["rows"] = cells(screen.query_one("#detail-shipments", DataTable))

    desk.run(body)
    assert seen["rows"] == [
        ["[red]Maersk[/]", "sea", "BL9", "—", "—", "1×500"],
        ["DHL", "air", "—", "—", "—", "1×20, 2×10"],
    ]


# --- the form's own checks, without a desk ------------------------------------------------


def test_the_form_offers_the_services_modes() -> None:
    assert MODES == SHIP_MODES


def test_check_shipment_collects_every_problem_and_keeps_empty_lines_off() -> None:
    draft, problems = check_shipment(
        {1: "", 2: "x"},
        carrier=" ",
        mode="sea",
        tracking_no="",
        etd_text="2026-12-05",
        eta_text="2026-12-01",
    )
    assert draft is None
    assert [(p.key, p.field) for p in problems] == [
        ("error.required", "carrier"),
        ("error.eta_before_etd", "eta"),
        ("error.not_a_number", "lines[2]"),
    ]
    draft, problems = check_shipment(
        {1: " 5 ", 2: ""},
        carrier=" COSCO ",
        mode="air",
        tracking_no=" T1 ",
        etd_text="",
        eta_text="",
    )
    assert problems == []
    assert draft == ShipmentDraft("COSCO", "air", "T1", None, None, {1: "5"})
    _draft, problems = check_shipment(
        {1: ""}, carrier="C", mode="boat", tracking_no="", etd_text="", eta_text=""
    )
    assert [(p.key, p.field) for p in problems] == [
        ("error.ship_mode_unknown", "mode"),
        ("error.shipment_empty", "lines"),
    ]
