"""The order detail: header, lines, notes and who changed what, all shown as typed."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from followup_tui.screens.orders.detail import OrderDetailScreen
from followup_tui.screens.orders.form import OrderFormScreen

from .desk_kit import (
    LINA,
    NOTE_CALL,
    NOTE_INTERNAL,
    Desk,
    at_risk_count,
    cursor_no,
    late_count,
    move_to,
    press,
    queue,
    screen_text,
    slipping_orders,
    spec_of,
)

FIRST = "PO-2026-00001"  # two notes, advanced once; see desk_kit.build_store
TWO_LINES = "PO-2026-00006"


def cells(table: DataTable[Any]) -> list[list[str]]:
    return [
        [str(cell.plain if hasattr(cell, "plain") else cell) for cell in table.get_row_at(y)]
        for y in range(table.row_count)
    ]


def history(screen: Any) -> list[str]:
    """The history section as its lines: a heading per change, its fields indented."""
    return str(screen.query_one("#detail-history", Static).content).splitlines()


async def open_detail(pilot: Pilot[Any], order_no: str) -> OrderDetailScreen:
    await move_to(pilot, order_no)
    await press(pilot, "enter")
    screen = pilot.app.screen
    assert isinstance(screen, OrderDetailScreen)
    assert screen.detail is not None
    return screen


def test_detail_shows_lines_notes_and_history(desk: Desk) -> None:
    spec = spec_of(FIRST)
    slipping = slipping_orders(desk)

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        screen = await open_detail(pilot, FIRST)
        text = screen_text(app)
        header = text.splitlines()[0]
        assert "tester (clerk)" in header
        assert f"‼ {late_count()} late · ! {at_risk_count(slipping)} at risk" in header
        assert f"{FIRST}  {spec.customer}  [materials]" in text
        assert "Customer PO: CPO-001" in text
        assert f"Requested date: {spec.due.isoformat()}" in text
        lines = cells(screen.query_one("#detail-lines", DataTable))
        assert lines == [
            ["外壳 B7 (黑)", "ABS", "800", "pcs", "1.2600", "CNY", "—"],
        ]
        # Notes, newest first, with their kind and author; markup-like text stays text.
        assert NOTE_CALL in text and NOTE_INTERNAL in text
        assert text.index(NOTE_INTERNAL) < text.index(NOTE_CALL)
        assert "2026-11-26 14:30  internal  李娜" in text
        assert "2026-11-26 14:30  call  tester" in text
        shown = history(screen)
        # Newest first, in desk time: when, who, what; then each field, labelled.
        assert shown[0] == f"2026-11-26 14:30  {LINA}  note created"
        assert "2026-11-25 11:15  tester  order changed" in shown
        assert "2026-11-20 10:00  tester  order created" in shown
        advanced = shown.index("2026-11-25 11:15  tester  order changed")
        assert "    Status: confirmed → materials" in shown[advanced + 1 :]
        created = next(i for i, line in enumerate(shown) if line.endswith("order line created"))
        assert "    Product: 外壳 B7 (黑)" in shown[created + 1 :]
        assert not any("status_rank" in line or "_id:" in line for line in shown)

    desk.run(body)


def test_escape_goes_back_to_the_same_row(desk: Desk) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await open_detail(pilot, TWO_LINES)
        lines = cells(app.screen.query_one("#detail-lines", DataTable))
        assert [line[0] for line in lines] == ["Cable set K2", "包装箱"]
        await press(pilot, "escape")
        assert app.screen is queue(app)
        assert cursor_no(app) == TWO_LINES

    desk.run(body)


def test_edit_from_the_detail_reloads_it(desk: Desk) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        screen = await open_detail(pilot, FIRST)
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, OrderFormScreen)
        form.query_one("#in-customer-po", Input).value = "CPO-VIA-DETAIL"
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        assert "Customer PO: CPO-VIA-DETAIL" in screen_text(app)
        assert "    Customer PO: CPO-001 → CPO-VIA-DETAIL" in history(screen)

    desk.run(body)
    assert desk.detail(FIRST).order.customer_po == "CPO-VIA-DETAIL"


def test_read_only_detail_does_not_edit(desk: Desk) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        screen = await open_detail(pilot, FIRST)
        await press(pilot, "e")
        assert app.screen is screen
        assert "READ-ONLY" in screen_text(app).splitlines()[0].upper()

    desk.run(body, read_only=True)


@pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)
def test_detail_speaks_chinese(desk: Desk) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await open_detail(pilot, FIRST)
        text = screen_text(pilot.app)
        assert f"‼ {late_count()} 已延误" in text.splitlines()[0]
        assert "[备料]" in text
        assert "客户 PO: CPO-001" in text
        shown = history(pilot.app.screen)
        assert shown[0].endswith("记录 新建")
        assert "    状态: 已确认 → 备料" in shown

    desk.run(body)


def test_a_booked_shipment_is_in_the_history_whole(desk: Desk) -> None:
    """Booking a shipment shows in the order's history like any edit, every field
    labelled and whole, in desk time, however long the carrier's name is."""
    from followup_tui.services.timeline.events import add_shipment

    carrier = "中远海运集装箱运输有限公司上海分公司（华东区整柜与拼箱业务部）"
    order_id = desk.detail(FIRST).order.id
    add_shipment(desk.store(), order_id, carrier=carrier, mode="sea", tracking_no="COSU123")

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_detail(pilot, FIRST)
        shown = history(screen)
        assert shown[0].endswith("tester  shipment line created")
        assert shown[1] == "    Quantity: 800"
        booked = next(i for i, line in enumerate(shown) if line.endswith("shipment created"))
        assert shown[booked : booked + 4] == [
            "2026-11-27 10:00  tester  shipment created",
            f"    Carrier: {carrier}",
            "    Mode: sea",
            "    Tracking no.: COSU123",
        ]
        # The section is as tall as the history: the page scrolls, the history is not cut.
        assert len(shown) > 16
        assert screen.query_one("#detail-history", Static).size.height >= len(shown)

    desk.run(body)
