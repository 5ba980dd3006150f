"""Days left in the queue are business days on the desk's calendar.

The fixed today is a Friday, so business days and calendar days part company at the
first weekend: an order due on Monday has one day left, not three. Expected values are
counted here by weekday (``weekdays_left``), not by the calendar code under test. With
the Chinese mainland calendar, which only knows the years the State Council has
announced, a due date in 2027 cannot be counted: the cell says "?" and the clerk is told
why, once.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from textual.pilot import Pilot

from followup_tui.app import FollowupApp
from followup_tui.config import Config
from followup_tui.domain.orders.lifecycle import awaits_delivery
from followup_tui.domain.orders.rules import AT_RISK_DAYS, LineDraft, OrderDraft

from .desk_kit import (
    LINA,
    SPECS,
    TODAY,
    Desk,
    at_risk_count,
    late_count,
    messages,
    order_nos,
    press,
    screen_text,
    slipping_orders,
    weekdays_left,
)

NEXT_YEAR_ORDER = "PO-2027-00001"
NEXT_YEAR_DUE = date(2027, 1, 15)
UNKNOWN_NOTICE = {
    "en": "The cn-mainland calendar has no holiday data for 2027 yet",
    "zh_CN": "cn-mainland 日历还没有 2027 年的节假日数据",
}


def days_cell(app: Any, order_no: str) -> str:
    """The days-left cell of ``order_no``'s row as drawn: the text after its due date."""
    for line in screen_text(app).splitlines():
        if order_no in line:
            found = re.search(r"\d{4}-\d{2}-\d{2}\s+((?:‼ |! )?(?:-?\d+|\?|—))\s", line)
            assert found, line
            return found.group(1)
    raise AssertionError(f"{order_no} is not on screen")


def expected_cell(offset: int, *, slipping: bool = False) -> str:
    """The cell as counted here; ``slipping`` is the timeline's word that the plan ends
    past the promise, which makes the order at risk whatever its days left."""
    days = weekdays_left(offset)
    if offset < 0:
        return f"‼ {days}"
    if days <= AT_RISK_DAYS or slipping:
        return f"! {days}"
    return str(days)


def add_next_year_order(desk: Desk) -> None:
    from followup_tui.services.orders.entry import create_order

    create_order(
        desk.store(LINA),
        OrderDraft(
            order_no=NEXT_YEAR_ORDER,
            customer="Acme GmbH",
            owner=LINA,
            order_date=TODAY,
            requested_date=NEXT_YEAR_DUE,
            lines=[LineDraft("Cable set K2", Decimal(5), "pcs", Decimal(1), "USD")],
        ),
    )


def test_rows_count_business_days_and_the_header_agrees(desk: Desk) -> None:
    slipping = slipping_orders(desk)

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        shown = set(order_nos(app))
        checked = 0
        for spec in SPECS:
            if spec.order_no in shown and awaits_delivery(spec.status):
                expected = expected_cell(spec.offset, slipping=spec.order_no in slipping)
                assert days_cell(app, spec.order_no) == expected, spec
                checked += 1
        assert checked >= 25
        # Due Monday from a Friday: one business day, and at risk; Thursday is not.
        assert days_cell(app, "PO-2026-00012") == "! 1"
        assert days_cell(app, "PO-2026-00001") == "! 3"
        # Four days left is not at risk by the date; a plan ending past it still is.
        four = "! 4" if "PO-2026-00016" in slipping else "4"
        assert days_cell(app, "PO-2026-00016") == four
        assert days_cell(app, "PO-2026-00023") == "! 0"  # due Saturday
        header = screen_text(app).splitlines()[0]
        assert f"‼ {late_count()} late · ! {at_risk_count(slipping)} at risk" in header
        assert at_risk_count() == 5  # three by calendar days; Tuesday and Wednesday join
        assert at_risk_count(slipping) > 5  # and the plans that end past their promise
        assert not list(messages(app, "warning"))

    desk.run(body)


@pytest.mark.parametrize("desk", ["en", "zh_CN"], indirect=True)
def test_a_due_date_in_a_year_the_calendar_does_not_know(desk: Desk) -> None:
    add_next_year_order(desk)

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, FollowupApp)
        assert app.calendar.name == "cn-mainland"
        assert app.store().calendar is app.calendar  # the store counts on the same one
        assert days_cell(app, "PO-2026-00012") == "! 1"  # 2026 is known: counted
        assert NEXT_YEAR_ORDER not in order_nos(app)  # sorted last, below the page
        assert not list(messages(app, "warning"))
        await press(pilot, "end")
        assert days_cell(app, NEXT_YEAR_ORDER) == "?"
        notices = [m for m in messages(app, "warning") if UNKNOWN_NOTICE[desk.language] in m]
        assert len(notices) == 1, list(messages(app))
        await press(pilot, "home")
        await press(pilot, "end")
        notices = [m for m in messages(app, "warning") if UNKNOWN_NOTICE[desk.language] in m]
        assert len(notices) == 1  # said once, not on every redraw

    desk.run(body, config=Config(calendar="cn-mainland"))


def test_late_orders_keep_their_mark_when_the_days_cannot_be_counted(desk: Desk) -> None:
    """Seen from 2027 on a calendar that stops at 2026, no 2026 due date can be
    counted, but late is a fact of dates: the rows still read ‼, with "?" for the days,
    and the header still counts them; only the at-risk count is unknown."""
    in_2027 = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
    open_orders = sum(1 for spec in SPECS if awaits_delivery(spec.status))

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert days_cell(app, "PO-2026-00012") == "‼ ?"
        header = screen_text(app).splitlines()[0]
        assert f"‼ {open_orders} late · ! ? at risk" in header
        assert any(UNKNOWN_NOTICE["en"] in m for m in messages(app, "warning"))

    desk.run(body, config=Config(calendar="cn-mainland"), now=in_2027)


def test_the_at_risk_count_is_unknown_when_the_days_ahead_are(desk: Desk) -> None:
    """On 29 December the third business day ahead is in 2027, which the calendar does
    not know: the late count stays exact and the at-risk count reads "?"."""
    now = datetime(2026, 12, 29, 2, 0, tzinfo=UTC)
    late = sum(1 for spec in SPECS if awaits_delivery(spec.status) and spec.due < now.date())
    last = max(SPECS, key=lambda spec: spec.due)
    assert last.due == date(2026, 12, 31) and awaits_delivery(last.status)

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await press(pilot, "end")
        assert days_cell(app, last.order_no) == "! 2"  # within 2026: still counted
        header = screen_text(app).splitlines()[0]
        assert f"‼ {late} late · ! ? at risk" in header

    desk.run(body, config=Config(calendar="cn-mainland"), now=now)
