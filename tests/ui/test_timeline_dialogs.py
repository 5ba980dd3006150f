"""The timeline's dialogs: exception form, contingency plans, customer notice, weekly review.

The three modals run on a bare App (they need no store); the review runs inside the real
desk because its header names the store and the clerk, and is given hand-built timeline
rows so the agenda is known without a plan in the store.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import pytest
from textual.app import App
from textual.command import Command, CommandInput, CommandList, CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Select, Static, TextArea

from followup_tui.domain.errors import FollowupError
from followup_tui.domain.timeline.contingency import load_contingency
from followup_tui.domain.timeline.disruptions import ExceptionDraft, ExceptionKind
from followup_tui.i18n import load_catalog
from followup_tui.screens.shared.leaving import DiscardScreen
from followup_tui.screens.timeline.contingency import ContingencyScreen
from followup_tui.screens.timeline.exception_form import ExceptionFormScreen, read_impact_days
from followup_tui.screens.timeline.notice import NoticeScreen
from followup_tui.screens.timeline.review import MAX_WEEKS, ReviewScreen
from followup_tui.services.timeline.review import GroupBy
from followup_tui.services.timeline.views import MilestoneBar, TimelineOrder
from followup_tui.workflows.timeline import REVIEW

from .desk_kit import (
    ACME,
    HQ,
    LINA,
    MARKUP,
    TESTER,
    TODAY,
    Desk,
    messages,
    palette_of,
    press,
    screen_text,
    settle,
)

SIZE = (120, 35)
MILESTONES = (("production", "production"), ("qc", "QC"), ("shipping", "shipping"))


def run_dialog(
    screen: Screen[Any], body: Callable[[Pilot[Any], Any], Awaitable[None]]
) -> list[Any]:
    """Push ``screen`` on a bare App, run ``body``; what the screen dismissed with."""
    results: list[Any] = []

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(screen, results.append)

    async def inner() -> None:
        async with Host().run_test(size=SIZE) as pilot:
            await pilot.pause()
            await body(pilot, screen)
            await pilot.pause()

    asyncio.run(inner())
    return results


def label_text(screen: Screen[Any], selector: str) -> str:
    label = screen.query_one(selector, Label)
    return str(label.content) if label.display else ""


# --- exception form ----------------------------------------------------------------------


def test_impact_is_read_as_whole_days() -> None:
    assert read_impact_days(" 12 ") == 12
    assert read_impact_days("３") == 3  # full-width digits, as an input method types them
    for typed, key in (("", "error.required"), ("-1", "error.exception_impact_range")):
        with pytest.raises(FollowupError) as refused:
            read_impact_days(typed)
        assert (refused.value.key, refused.value.field) == (key, "impact_days")


def test_exception_form_shows_every_problem_then_returns_a_cleaned_draft() -> None:
    async def body(pilot: Pilot[Any], form: ExceptionFormScreen) -> None:
        app = pilot.app
        # The milestone under the cursor is preselected; the party follows the kind.
        assert form.query_one("#in-milestone-key", Select).value == "qc"
        assert form.query_one("#in-kind", Select).value == "material_shortage"
        assert form.query_one("#in-party", Select).value == "supplier"
        form.query_one("#in-impact-days", Input).value = "abc"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form, "a refused save keeps the form open"
        assert label_text(form, "#err-cause") == "This field is required."
        assert "abc" in label_text(form, "#err-impact-days")
        assert "0 to 365" in label_text(form, "#err-impact-days")
        assert label_text(form, "#err-kind") == ""
        assert "2 problems" in label_text(form, "#exception-summary")
        assert app.focused is form.query_one("#in-cause", Input)
        await pilot.press(*"主轴损坏 [/]")  # markup-like text is only text
        await pilot.press("enter")  # Enter on an earlier field moves on, it does not save
        assert app.screen is form
        form.query_one("#in-kind", Select).value = "equipment_failure"
        await pilot.pause()
        assert form.query_one("#in-party", Select).value == "production"
        impact = form.query_one("#in-impact-days", Input)
        impact.value = ""
        impact.focus()
        await pilot.press("3", "enter")

    results = run_dialog(ExceptionFormScreen("PO-[b]1[/]", MILESTONES, "qc"), body)
    assert results == [
        ExceptionDraft(ExceptionKind.EQUIPMENT_FAILURE, "主轴损坏 [/]", "production", 3, "qc")
    ]


def test_a_party_chosen_by_hand_stays_when_the_kind_changes() -> None:
    async def body(pilot: Pilot[Any], form: ExceptionFormScreen) -> None:
        party = form.query_one("#in-party", Select)
        form.query_one("#in-kind", Select).value = "carrier_delay"
        await pilot.pause()
        assert party.value == "carrier"
        party.value = "customer"  # the clerk's own choice
        await pilot.pause()
        form.query_one("#in-kind", Select).value = "material_shortage"
        await pilot.pause()
        assert party.value == "customer"
        form.query_one("#in-cause", Input).value = "客户改色"
        form.query_one("#in-impact-days", Input).value = "0"
        form.query_one("#in-milestone-key", Select).clear()
        await pilot.press("ctrl+s")

    results = run_dialog(ExceptionFormScreen("PO-1", MILESTONES, "unknown"), body)
    assert results == [ExceptionDraft(ExceptionKind.MATERIAL_SHORTAGE, "客户改色", "customer", 0)]


def test_escape_on_a_typed_exception_form_asks_then_leaves_without_a_draft() -> None:
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any], form: ExceptionFormScreen) -> None:
        await pilot.pause()
        form.query_one("#in-cause", Input).value = "typed, then abandoned"
        await pilot.press("escape")
        await pilot.pause()
        seen["asked"] = isinstance(pilot.app.screen, DiscardScreen)
        await pilot.press("escape")  # keep editing
        await pilot.pause()
        seen["kept"] = pilot.app.screen is form
        await pilot.press("escape", "y")

    assert run_dialog(ExceptionFormScreen("PO-1", MILESTONES, None), body) == [None]
    assert seen == {"asked": True, "kept": True}


def test_escape_on_an_untouched_exception_form_closes_at_once() -> None:
    """The party the form suggests for the kind is the start, not the clerk's typing."""

    async def body(pilot: Pilot[Any], form: ExceptionFormScreen) -> None:
        await pilot.pause()
        await pilot.press("escape")

    assert run_dialog(ExceptionFormScreen("PO-1", MILESTONES, "unknown"), body) == [None]


# --- contingency plans ---------------------------------------------------------------------


def test_contingency_lists_the_plans_for_the_kind_and_returns_the_chosen_one() -> None:
    scenarios = load_contingency().for_kind(ExceptionKind.CARRIER_DELAY)
    assert len(scenarios) >= 2
    first, second = scenarios[0], scenarios[1]
    monday = date(2026, 11, 30)

    async def body(pilot: Pilot[Any], screen: ContingencyScreen) -> None:
        options = screen.query_one(OptionList)
        titles = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert titles == [scenario.title_en for scenario in scenarios]
        detail = str(screen.query_one("#contingency-detail", Static).content)
        assert first.actions[0].text_en in detail
        assert "Backup carriers: " + ", ".join(first.backup_carriers) in detail
        assert "within 1 business day" in detail or "same day" in detail
        await pilot.press("down")
        detail = str(screen.query_one("#contingency-detail", Static).content)
        assert second.backup_carriers[0] in detail
        assert "by 11-30 Mon" in detail  # the caller's due dates win over day counts
        await pilot.press("enter")

    dates = {second.key: [monday + timedelta(days=i) for i in range(len(second.actions))]}
    chosen = run_dialog(ContingencyScreen("carrier_delay", scenarios, "en", dates), body)
    assert chosen == [second.key]


def test_contingency_without_plans_says_so_and_escape_skips() -> None:
    async def body(pilot: Pilot[Any], screen: ContingencyScreen) -> None:
        none = label_text(screen, "#contingency-none")
        assert none == "The contingency library has no plan for customs inspection."
        await pilot.press("enter")  # nothing to apply
        assert pilot.app.screen is screen
        await pilot.press("escape")

    assert run_dialog(ContingencyScreen("customs_inspection", (), "en"), body) == [None]


def test_contingency_reads_the_plan_in_the_chosen_language() -> None:
    scenarios = load_contingency().for_kind(ExceptionKind.DAMAGE)

    async def body(pilot: Pilot[Any], screen: ContingencyScreen) -> None:
        options = screen.query_one(OptionList)
        assert str(options.get_option_at_index(0).prompt) == scenarios[0].title_zh_CN
        await pilot.press("escape")

    assert run_dialog(ContingencyScreen("damage", scenarios, "zh_CN"), body) == [None]


# --- customer notice ---------------------------------------------------------------------

DRAFT = "Dear Acme GmbH,\nyour order PO-1 is now expected on 2026-12-09."


def test_notice_copies_and_returns_the_edited_text(monkeypatch: pytest.MonkeyPatch) -> None:
    copied: list[str] = []

    async def body(pilot: Pilot[Any], screen: NoticeScreen) -> None:
        monkeypatch.setattr(pilot.app, "copy_to_clipboard", copied.append)
        await pilot.press("ctrl+y")
        assert copied == [DRAFT]
        assert "Notice copied to the clipboard." in [n.message for n in pilot.app._notifications]
        editor = screen.query_one(TextArea)
        editor.move_cursor(editor.document.end)
        await pilot.press(*" Sorry!")
        await pilot.press("ctrl+y")
        assert copied[-1] == DRAFT + " Sorry!"
        await pilot.press("escape")

    results = run_dialog(NoticeScreen("Notice: PO-1", DRAFT), body)
    assert results == [DRAFT + " Sorry!"]


def test_notice_left_as_drafted_returns_none() -> None:
    async def body(pilot: Pilot[Any], screen: NoticeScreen) -> None:
        await pilot.press(*"xyz")
        assert screen.text != DRAFT
        await pilot.press("ctrl+r")  # back to the draft
        assert screen.text == DRAFT
        await pilot.press("escape")

    assert run_dialog(NoticeScreen("[b]Notice[/]", DRAFT), body) == [None]


# --- weekly review ---------------------------------------------------------------------------


def bar(order_id: int, key: str, end: int, **fields: Any) -> MilestoneBar:
    values: dict[str, Any] = {
        "milestone_id": order_id * 10 + len(key),
        "order_id": order_id,
        "key": key,
        "planned_start": TODAY + timedelta(days=end - 3),
        "planned_end": TODAY + timedelta(days=end),
        "buffer_end": TODAY + timedelta(days=end),
        "actual_start": None,
        "actual_end": None,
        "status": "planned",
        "party": "production",
        "owner": "",
        "note": "",
        "late": False,
        "exception": None,
        "version": 1,
    }
    values.update(fields)
    return MilestoneBar(**values)


def order(
    order_id: int, customer: str, owner: str, *bars: MilestoneBar, **fields: Any
) -> TimelineOrder:
    values: dict[str, Any] = {
        "order_id": order_id,
        "order_no": f"PO-2026-{order_id:05d}",
        "customer": customer,
        "customer_language": "en",
        "owner": owner,
        "status": "production",
        "promised": TODAY + timedelta(days=40),
        "projected": TODAY + timedelta(days=40),
        "days_short": 0,
        "late": False,
        "at_risk": False,
        "milestones": bars,
    }
    values.update(fields)
    return TimelineOrder(**values)


QUIET = "Quiet Trading Co"
ROWS = (
    # Production done; QC due in 3 days with an open exception; shipping in 20 days.
    order(
        1,
        HQ,
        LINA,
        bar(1, "production", -2, actual_end=TODAY - timedelta(days=2), status="done"),
        bar(1, "qc", 3, exception="equipment_failure"),
        bar(1, "shipping", 20),
    ),
    # Late: promised two days ago, QC should have finished.
    order(
        2,
        ACME,
        TESTER,
        bar(2, "qc", -4, late=True),
        promised=TODAY - timedelta(days=2),
        late=True,
    ),
    # At risk: the plan ends 3 business days after the promise, nothing due soon.
    order(3, ACME, LINA, bar(3, "packing", 25), at_risk=True, days_short=3),
    # On time and nothing due within the window: not on the agenda.
    order(4, QUIET, TESTER, bar(4, "production", 30)),
    order(5, MARKUP, TESTER, bar(5, "booking", 6)),
)


async def open_review(pilot: Pilot[Any], rows: tuple[TimelineOrder, ...] | None) -> ReviewScreen:
    screen = ReviewScreen(rows)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


def test_review_shows_only_due_late_and_at_risk_items(desk: Desk) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_review(pilot, ROWS)
        text = screen_text(pilot.app)
        assert "Weekly review · next 2 weeks (until 12-11) · by customer" in text
        assert screen.review is not None
        names = [group.name for group in screen.review.groups]
        assert names == [ACME, MARKUP, HQ]  # a group with something late comes first
        assert QUIET not in text
        assert "PO-2026-00004" not in text
        lines = {line.split()[0]: line for line in text.splitlines() if "PO-2026-" in line}
        assert "‼ late" in lines["PO-2026-00002"]
        assert "! at risk" in lines["PO-2026-00003"]
        assert "3 bd short" in lines["PO-2026-00003"]  # business days, named
        assert "· due" in lines["PO-2026-00001"]
        assert "QC" in lines["PO-2026-00001"]
        assert "equipment failure" in lines["PO-2026-00001"]
        assert "11-30 Mon" in lines["PO-2026-00001"]
        assert "shipping" not in text  # due in 20 days, outside two weeks
        # Order 2 is on the agenda twice: its late promise and its late QC.
        assert f"{ACME}  3 items · 2 late" in text
        assert sum("PO-2026-00002" in line for line in text.splitlines()) == 2
        assert MARKUP in text  # a name that looks like markup is shown as typed

        await press(pilot, "g")
        assert screen.group_by is GroupBy.OWNER
        assert [group.name for group in screen.review.groups] == [TESTER, LINA]
        assert "· by clerk" in screen_text(pilot.app)

        await press(pilot, "plus")
        assert screen.weeks == 3
        assert "shipping" in screen_text(pilot.app)
        for _ in range(MAX_WEEKS):
            await press(pilot, "plus")
        assert screen.weeks == MAX_WEEKS
        for _ in range(MAX_WEEKS):
            await press(pilot, "minus")
        assert screen.weeks == 1
        assert "next 1 week (until 12-04)" in screen_text(pilot.app)

        await press(pilot, "escape")
        assert pilot.app.screen is not screen

    desk.run(body)


def test_an_empty_review_says_so(desk: Desk) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await open_review(pilot, ROWS[3:4])
        assert "Nothing is due, late or at risk in the next 2 weeks." in screen_text(pilot.app)

    desk.run(body)


@pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)
def test_review_speaks_chinese(desk: Desk) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await open_review(pilot, ROWS)
        text = screen_text(pilot.app)
        assert "周会 · 未来 2 周 (至 12-11) · 按客户" in text
        line = next(line for line in text.splitlines() if "PO-2026-00001" in line)
        assert "质检" in line and "· 到期" in line and "11-30 周一" in line and "设备故障" in line

    desk.run(body)


def test_review_without_rows_reads_the_timeline_in_a_worker(desk: Desk) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_review(pilot, None)
        assert screen.rows is not None and screen.review is not None
        assert list(messages(pilot.app, "error")) == []

    desk.run(body)


def test_every_review_action_is_in_the_palette(desk: Desk) -> None:
    for language in ("en", "zh_CN"):
        catalog = load_catalog(language).messages
        for entry in palette_of(REVIEW):
            assert entry.workflow.title in catalog and entry.workflow.help in catalog

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_review(pilot, ROWS)
        for entry in palette_of(REVIEW):
            assert callable(getattr(screen, f"action_{entry.action_name()}", None)), entry
        await press(pilot, "ctrl+p")
        palette = pilot.app.screen
        assert isinstance(palette, CommandPalette)
        palette.query_one(CommandInput).value = "group by customer or clerk"
        await settle(pilot)
        hits = palette.query_one(CommandList)
        titles = [
            str(option.hit.text)
            for option in (hits.get_option_at_index(i) for i in range(hits.option_count))
            if isinstance(option, Command)
        ]
        assert "Review: group by customer or clerk" in titles
        hits.highlighted = titles.index("Review: group by customer or clerk")
        await press(pilot, "enter")
        assert pilot.app.screen is screen
        assert screen.group_by is GroupBy.OWNER

    desk.run(body)
