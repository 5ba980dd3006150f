"""The complaint analysis inside the real desk: reached with ``a`` from the triage, the
same figures as the service the report prints, the period keys, the palette, the
read-only watch and Chinese.

Complaints are filed through the services on a connection of the test's own (as the
CLI or another clerk would), and the screen's tables are checked against ``analyse``
for the same period and the same instant, never against the screen's own helpers. The
desk's clock is Friday 2026-11-27 10:00 in Shanghai, so the default period is the 90
days from 2026-08-30 to 2026-11-27.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from textual.pilot import Pilot

from followup_tui.screens.complaints.analysis import ComplaintAnalysisScreen, cell_texts
from followup_tui.screens.complaints.triage import ComplaintQueueScreen
from followup_tui.services.complaints.analysis import ComplaintAnalysis
from followup_tui.workflows.complaints import ANALYSIS, TRIAGE

from .desk_kit import (
    FIXED_NOW,
    MARKUP,
    Desk,
    messages,
    open_queue,
    palette_of,
    press,
    screen_text,
    settle,
)
from .test_complaint_screen import open_triage
from .test_palette import open_palette, run_command, search

DEFAULT_START, DEFAULT_END = date(2026, 8, 30), date(2026, 11, 28)
#: An open order of the customer whose name looks like markup (serial 19).
MARKUP_ORDER = "PO-2026-00019"


def file_cases(desk: Desk) -> None:
    """Two quality complaints (one with a recorded cause), one late delivery, one of
    them from the customer whose name is markup-like."""
    from followup_tui.services.complaints.steps import (
        ComplaintDraft,
        acknowledge_complaint,
        create_complaint,
        record_cause,
    )

    store = desk.store()
    orders = [spec.order_no for spec in open_queue()[:2]]
    first = create_complaint(
        store,
        ComplaintDraft(
            order_no=orders[0],
            category="quality",
            description="色差",
            grade="major",
            grade_reason="客户要求索赔",
            received_at=FIXED_NOW - timedelta(days=3),
        ),
    )
    acknowledge_complaint(store, first.row.id)
    record_cause(
        store, first.row.id, root_cause="[red]Mould[/] worn", responsible_party="production"
    )
    create_complaint(
        store, ComplaintDraft(order_no=orders[1], category="late_delivery", description="晚了")
    )
    create_complaint(
        store, ComplaintDraft(order_no=MARKUP_ORDER, category="quality", description="破损")
    )


def expected(desk: Desk, start: date, end: date) -> ComplaintAnalysis:
    from followup_tui.services.complaints.analysis import analyse

    return analyse(desk.store(), start, end, FIXED_NOW)


async def open_analysis(pilot: Pilot[Any]) -> ComplaintAnalysisScreen:
    await open_triage(pilot)
    await press(pilot, "a")
    return await loaded(pilot)


async def loaded(pilot: Pilot[Any]) -> ComplaintAnalysisScreen:
    for _ in range(100):
        screen = pilot.app.screen
        if isinstance(screen, ComplaintAnalysisScreen) and screen.loaded:
            await settle(pilot)
            return screen
        await pilot.pause(0.02)
    raise AssertionError("the analysis did not load")


def rows(screen: ComplaintAnalysisScreen, title: str) -> list[list[str]]:
    table = screen.table(title)
    assert table is not None, f"no table {title!r} in {[t.title for t in screen.tables]}"
    return cell_texts(table)


def test_a_on_the_triage_shows_the_services_figures(desk: Desk) -> None:
    file_cases(desk)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_analysis(pilot)
        seen["period"] = screen.period
        seen["by_category"] = rows(screen, "By category")
        seen["by_cause"] = rows(screen, "By root cause")
        seen["by_customer"] = rows(screen, "By customer")
        seen["sla"] = rows(screen, "SLA compliance")
        seen["text"] = screen_text(pilot.app)
        seen["errors"] = list(messages(pilot.app, "error"))
        await press(pilot, "escape")
        seen["back"] = pilot.app.screen

    desk.run(body)
    assert seen["errors"] == []
    assert seen["period"] == (DEFAULT_START, DEFAULT_END)
    result = expected(desk, DEFAULT_START, DEFAULT_END)
    assert result.total == 3
    names = {"quality": "Quality", "late_delivery": "Late delivery"}
    assert seen["by_category"] == [
        [names[c.name], str(c.count), f"{c.share * 100:.1f} %"] for c in result.by_category
    ]
    assert seen["by_category"][0] == ["Quality", "2", "66.7 %"]
    grades = {"major": "Major", "ordinary": "Ordinary", "minor": "Minor"}
    assert [row[0] for row in seen["sla"]] == [grades[c.grade] for c in result.compliance]
    assert [row[2:6] for row in seen["sla"]] == [
        [str(c.on_time), str(c.late), str(c.breached), str(c.running)] for c in result.compliance
    ]
    # people's words stay words: neither the cause nor the customer is read as markup
    assert ["[red]Mould[/] worn", "1", "33.3 %"] in seen["by_cause"]
    assert [MARKUP, "1", "33.3 %"] in seen["by_customer"]
    text = seen["text"]
    assert "Complaint analysis, received 2026-08-30 to 2026-11-27" in text and "90 day" in text
    assert "3 complaints received in the period" in text
    assert isinstance(seen["back"], ComplaintQueueScreen)


def test_the_period_keys_move_stretch_and_stop_at_today(desk: Desk) -> None:
    file_cases(desk)
    periods: list[tuple[date, date] | None] = []
    texts: list[str] = []

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_analysis(pilot)
        for key in ("left_square_bracket", "right_square_bracket", "right_square_bracket"):
            await press(pilot, key)
            await loaded(pilot)
            periods.append(screen.period)
            texts.append(screen_text(pilot.app))
        assert screen.tables  # back on the period with the complaints
        await press(pilot, "left_square_bracket")
        await loaded(pilot)
        assert screen.tables == () and screen.result is not None and screen.result.total == 0
        await press(pilot, "right_square_bracket", "plus")
        await loaded(pilot)
        periods.append(screen.period)
        await press(pilot, "minus", "minus")
        await loaded(pilot)
        periods.append(screen.period)

    desk.run(body)
    earlier = (DEFAULT_START - timedelta(days=90), DEFAULT_START)
    assert periods[0] == earlier
    assert "received 2026-06-01 to 2026-08-29" in texts[0]
    assert "No complaints were received in this period." in texts[0]
    assert periods[1] == periods[2] == (DEFAULT_START, DEFAULT_END)  # never past today
    assert periods[3] == (DEFAULT_END - timedelta(days=180), DEFAULT_END)
    assert periods[4] == (DEFAULT_END - timedelta(days=45), DEFAULT_END)


def test_the_palette_offers_the_analysis_and_its_keys(desk: Desk) -> None:
    file_cases(desk)
    missing: list[str] = []
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        triage = await open_triage(pilot)
        opener = next(e for e in palette_of(TRIAGE) if e.action_name() == "open_analysis")
        assert hasattr(triage, "action_open_analysis")
        await run_command(pilot, opener.title())
        screen = await loaded(pilot)
        seen["opened"] = opener.title()
        palette = await open_palette(pilot)
        for entry in palette_of(ANALYSIS):
            assert hasattr(screen, f"action_{entry.action_name()}"), entry.action
            if entry.title() not in await search(pilot, palette, entry.title()):
                missing.append(entry.title())
        await press(pilot, "escape")
        earlier = next(e for e in palette_of(ANALYSIS) if e.action_name() == "earlier")
        await run_command(pilot, earlier.title())
        await loaded(pilot)
        seen["period"] = screen.period

    desk.run(body)
    assert seen["opened"] == "Complaints: analysis"
    assert missing == []
    assert seen["period"] == (DEFAULT_START - timedelta(days=90), DEFAULT_START)


def test_a_read_only_desk_opens_the_analysis(desk: Desk) -> None:
    file_cases(desk)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_analysis(pilot)
        seen["total"] = screen.result.total if screen.result is not None else None
        seen["errors"] = list(messages(pilot.app, "error"))

    desk.run(body, read_only=True)
    assert seen == {"total": 3, "errors": []}


@pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)
def test_the_analysis_speaks_chinese(desk: Desk) -> None:
    file_cases(desk)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        triage = await open_triage(pilot)
        palette = await open_palette(pilot)
        seen["hits"] = await search(pilot, palette, "客诉：分析")
        await press(pilot, "escape")
        assert pilot.app.screen is triage
        await press(pilot, "a")
        screen = await loaded(pilot)
        seen["titles"] = [str(table.title) for table in screen.tables]
        seen["category"] = rows(screen, "按类别")[0]
        seen["text"] = screen_text(pilot.app)

    desk.run(body)
    assert "客诉：分析" in seen["hits"]
    assert "按类别" in seen["titles"] and "时限达成情况" in seen["titles"]
    assert seen["category"] == ["质量问题", "2", "66.7 %"]
    assert "客诉分析，收到日期 2026-08-30 至 2026-11-27" in seen["text"]
    assert "上一期" in seen["text"]  # the footer names the period keys
