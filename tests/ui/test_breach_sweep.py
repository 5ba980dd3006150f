"""Breached complaints are escalated by the desk's own sweep, never by a screen's read.

A clerk's desk sweeps at its refresh interval whichever screen is open; the triage
screen only reads, and shows the ``▲`` once the sweep's write moves the change log. A
supervisor's read-only desk never sweeps. Cases are filed and checked through the
services on a connection of the test's own (see test_complaint_screen.py).
"""

from __future__ import annotations

import asyncio
import traceback
from datetime import datetime, timedelta
from typing import Any

import pytest
from textual.pilot import Pilot

from followup_tui.config import Config
from followup_tui.services.complaints import queue as complaint_queue
from followup_tui.services.context import StoreContext

from .desk_kit import FIXED_NOW, SIZE, Desk, screen_text, settle
from .test_complaint_screen import ORDINARY_ORDER, case, file_cases, open_triage

TRIAGE_MODULE = "screens/complaints/triage.py"


def spy_on_sweeps(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record the call stack (file names) of every ``escalate_breached`` call."""
    stacks: list[list[str]] = []
    real = complaint_queue.escalate_breached

    def spy(ctx: StoreContext, now: datetime) -> int:
        stacks.append([frame.filename for frame in traceback.extract_stack()])
        return real(ctx, now)

    monkeypatch.setattr(complaint_queue, "escalate_breached", spy)
    return stacks


def test_a_clerks_desk_escalates_a_breach_with_the_triage_never_opened(desk: Desk) -> None:
    major, ordinary = file_cases(desk)

    async def body(pilot: Pilot[Any]) -> None:
        await settle(pilot)  # the order queue only

    desk.run(body)
    assert case(desk, major.row.id).row.escalated  # breached an hour ago
    assert not case(desk, ordinary.row.id).row.escalated  # its clocks still run


def test_the_triage_refresh_only_reads(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    stacks = spy_on_sweeps(monkeypatch)
    major, _ordinary = file_cases(desk)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_triage(pilot)
        screen.action_refresh()
        await settle(pilot)
        seen["text"] = screen_text(pilot.app)

    desk.run(body)
    assert stacks, "the desk never swept"
    assert not [stack for stack in stacks if any(TRIAGE_MODULE in name for name in stack)]
    assert case(desk, major.row.id).row.escalated
    line = next(line for line in seen["text"].splitlines() if major.row.order_no in line)
    assert "▲" in line


def test_a_watching_supervisor_never_sweeps(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    stacks = spy_on_sweeps(monkeypatch)
    major, _ordinary = file_cases(desk)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_triage(pilot)
        seen["ids"] = [row.id for row in screen.table.visible_rows]

    desk.run(body, read_only=True)
    assert stacks == []
    assert not case(desk, major.row.id).row.escalated
    assert major.row.id in seen["ids"]


def test_a_case_that_breaches_while_the_triage_is_open_gets_its_mark(desk: Desk) -> None:
    """The desk's clock moves past the ordinary case's acknowledgement while the triage
    is on screen: the sweep escalates it and the next poll shows ``▲``."""
    _major, ordinary = file_cases(desk)
    now = [FIXED_NOW]
    app = desk.make_app(config=Config(refresh_seconds=0.1))
    app.clock = lambda: now[0]
    seen: dict[str, Any] = {}

    def ordinary_line() -> str:
        lines: list[str] = screen_text(app).splitlines()
        return next(line for line in lines if ORDINARY_ORDER in line)

    async def inner() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_triage(pilot)
            seen["before"] = ordinary_line()
            now[0] = FIXED_NOW + timedelta(days=3)  # Monday 10:00: four business hours gone
            for _ in range(200):
                await pilot.pause(0.05)
                if "▲" in ordinary_line():
                    break
            seen["after"] = ordinary_line()

    asyncio.run(inner())
    assert "▲" not in seen["before"]
    assert "▲" in seen["after"]
    assert case(desk, ordinary.row.id).row.escalated
