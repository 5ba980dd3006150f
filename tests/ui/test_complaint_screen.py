"""The complaint triage inside the real desk: the queue ordered by time to breach, the
steps from the keyboard and the palette, a new complaint from the order queue, refusals,
and the supervisor's read-only watch.

Cases are filed through the services on a connection of the test's own (as the CLI or
another clerk would) and every step is checked in the store, never by trusting what
the screen says. The desk's clock is Friday 2026-11-27 10:00 in Shanghai on the
Monday-Friday calendar (09:00-12:00, 13:00-18:00).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label, Select, TextArea

from followup_tui.config import Config
from followup_tui.screens.complaints.detail import ComplaintDetailScreen
from followup_tui.screens.complaints.form_base import CaseForm
from followup_tui.screens.complaints.triage import ComplaintQueueScreen
from followup_tui.screens.shared.leaving import DiscardScreen
from followup_tui.services.complaints.views import ComplaintDetail
from followup_tui.workflows.complaints import TRIAGE
from followup_tui.workflows.orders import QUEUE

from .desk_kit import (
    Desk,
    changing_actions,
    messages,
    open_queue,
    palette_of,
    press,
    screen_text,
    settle,
    type_text,
)

#: Thursday 16:00 in Shanghai: three business hours before the desk's now, so a major
#: complaint's two-hour acknowledgement is breached by an hour.
THREE_HOURS_AGO = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
MAJOR_ORDER = open_queue()[0].order_no
ORDINARY_ORDER = open_queue()[1].order_no


def file_cases(desk: Desk) -> tuple[ComplaintDetail, ComplaintDetail]:
    """A major quality complaint received three business hours ago, and a fresh
    ordinary late-delivery one."""
    from followup_tui.services.complaints.steps import ComplaintDraft, create_complaint

    store = desk.store()
    major = create_complaint(
        store,
        ComplaintDraft(
            order_no=MAJOR_ORDER,
            category="quality",
            description="色差明显, 三箱纸箱破损",
            contact="王经理 138-0000-0000",
            grade="major",
            grade_reason="客户要求索赔",
            received_at=THREE_HOURS_AGO,
        ),
    )
    ordinary = create_complaint(
        store,
        ComplaintDraft(
            order_no=ORDINARY_ORDER, category="late_delivery", description="交期延误一周"
        ),
    )
    return major, ordinary


def case(desk: Desk, case_id: int) -> ComplaintDetail:
    from followup_tui.services.complaints.steps import get_complaint

    return get_complaint(desk.store(), case_id)


async def open_triage(pilot: Pilot[Any]) -> ComplaintQueueScreen:
    await press(pilot, "C")
    for _ in range(100):
        screen = pilot.app.screen
        if isinstance(screen, ComplaintQueueScreen) and screen.loaded:
            await settle(pilot)
            return screen
        await pilot.pause(0.02)
    raise AssertionError("the triage queue did not load")


def case_ids(screen: ComplaintQueueScreen) -> list[int]:
    return [row.id for row in screen.table.visible_rows]


def test_the_breached_case_comes_first_and_acknowledging_meets_its_clock(desk: Desk) -> None:
    major, ordinary = file_cases(desk)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_triage(pilot)
        seen["order"] = case_ids(screen)
        seen["before"] = screen_text(pilot.app)
        await press(pilot, "k")
        seen["after"] = screen_text(pilot.app)
        seen["cursor"] = screen.table.cursor_key

    desk.run(body)
    assert seen["order"] == [major.row.id, ordinary.row.id]
    first = next(line for line in seen["before"].splitlines() if MAJOR_ORDER in line)
    assert "‼ -1:00" in first
    acked = case(desk, major.row.id)
    assert acked.row.status == "acknowledged"
    ack = acked.row.clock("ack")
    assert ack is not None and ack.met_at is not None
    assert acked.row.escalated  # breached before anyone acknowledged it
    line = next(line for line in seen["after"].splitlines() if MAJOR_ORDER in line)
    assert "✓" in line
    assert seen["cursor"] == major.row.id


def test_facets_and_the_customer_filter(desk: Desk) -> None:
    major, ordinary = file_cases(desk)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_triage(pilot)
        await press(pilot, "1")
        seen["major_only"] = case_ids(screen)
        await press(pilot, "1")
        seen["every_grade"] = case_ids(screen)
        await press(pilot, "slash")
        await type_text(pilot, "PO-2026-")
        seen["both"] = case_ids(screen)
        await type_text(pilot, ORDINARY_ORDER.rsplit("-", 1)[1])
        seen["typed"] = case_ids(screen)
        await press(pilot, "enter", "w")  # back to the table; my cases only
        seen["mine"] = case_ids(screen)
        seen["facets"] = screen_text(pilot.app).splitlines()[1]

    desk.run(body)
    assert seen["major_only"] == [major.row.id]
    assert seen["every_grade"] == seen["both"] == [major.row.id, ordinary.row.id]
    assert seen["typed"] == [ordinary.row.id]
    assert seen["mine"] == ([ordinary.row.id] if ordinary.row.owner == "tester" else [])
    assert "owner: mine" in seen["facets"]


def test_a_refresh_keeps_the_cursor_on_its_case(desk: Desk) -> None:
    """Another clerk's change reaches the queue at the next poll; the cursor stays on
    the case it was on even when that case moves."""
    from followup_tui.services.complaints.steps import acknowledge_complaint

    major, ordinary = file_cases(desk)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_triage(pilot)
        await press(pilot, "down")
        assert screen.table.cursor_key == ordinary.row.id
        acknowledge_complaint(desk.store("李娜"), major.row.id)
        screen._poll()
        await settle(pilot)
        seen["cursor"] = screen.table.cursor_key
        seen["major"] = next(row for row in screen.cases if row.id == major.row.id)

    desk.run(body)
    assert seen["cursor"] == ordinary.row.id
    assert seen["major"].status == "acknowledged"


def test_pause_for_qc_then_resume(desk: Desk) -> None:
    major, _ordinary = file_cases(desk)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_triage(pilot)
        screen.table.move_cursor_to_key(major.row.id)
        await press(pilot, "p")
        form = pilot.app.screen
        assert isinstance(form, CaseForm)
        form.query_one("#in-reason", Select).value = "qc"
        form.query_one("#in-note", Input).value = "第三方质检中"
        await press(pilot, "ctrl+s")
        seen["paused"] = case(desk, major.row.id)
        seen["text"] = screen_text(pilot.app)
        await press(pilot, "r")
        seen["resumed"] = case(desk, major.row.id)

    desk.run(body)
    paused = seen["paused"]
    assert paused.row.paused and paused.pauses[-1].reason == "qc"
    assert "⏸" in seen["text"]
    resumed = seen["resumed"]
    assert not resumed.row.paused and resumed.pauses[-1].ended_at is not None


def test_satisfaction_on_a_case_that_is_not_closed_is_refused_before_the_form(
    desk: Desk,
) -> None:
    """``f`` used to open the form and refuse only once the score was typed and saved."""
    major, _ordinary = file_cases(desk)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_triage(pilot)
        screen.table.move_cursor_to_key(major.row.id)
        await press(pilot, "f")
        seen["no_form"] = pilot.app.screen is screen
        seen["said"] = list(messages(pilot.app, "warning"))

    desk.run(body)
    assert seen["no_form"]
    assert any("Only a closed complaint" in message for message in seen["said"])


def test_the_remedy_form_shows_every_problem_on_the_first_save(desk: Desk) -> None:
    """The follow-ups were flagged first and the negative amount only on a second save."""
    major, _ordinary = file_cases(desk)
    seen: dict[str, str] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_triage(pilot)
        screen.table.move_cursor_to_key(major.row.id)
        await press(pilot, "m")
        form = pilot.app.screen
        assert isinstance(form, CaseForm)
        form.query_one("#in-remedy", Select).value = "refund"
        form.query_one("#in-amount", Input).value = "-5"
        form.query_one("#in-follow-ups", TextArea).text = "确认到货 three days"
        await press(pilot, "ctrl+s")
        for name in ("amount", "follow-ups", "currency"):
            seen[name] = str(form.query_one(f"#err-{name}", Label).render())

    desk.run(body)
    assert seen["amount"] == "The remedy amount cannot be negative.", seen
    assert seen["follow-ups"], seen
    assert seen["currency"] == "", seen  # the order's currency is filled in
    assert case(desk, major.row.id).remedy_kind is None


def test_tab_and_shift_tab_on_the_remedy_form_stop_only_at_its_fields(desk: Desk) -> None:
    """After the follow-ups box, Tab stopped at the dialog's invisible scroll area."""
    major, _ordinary = file_cases(desk)
    forward: list[str | None] = []
    backward: list[str | None] = []

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_triage(pilot)
        screen.table.move_cursor_to_key(major.row.id)
        await press(pilot, "m")
        assert isinstance(pilot.app.screen, CaseForm)
        forward.append(getattr(pilot.app.focused, "id", None))
        for _ in range(5):
            await press(pilot, "tab")
            forward.append(getattr(pilot.app.focused, "id", None))
        await press(pilot, "shift+tab")
        await type_text(pilot, "x")  # a typed follow-up box is left the same way
        backward.append(getattr(pilot.app.focused, "id", None))
        for _ in range(5):
            await press(pilot, "shift+tab")
            backward.append(getattr(pilot.app.focused, "id", None))

    fields = ["in-remedy", "in-amount", "in-currency", "in-note", "in-follow-ups"]
    desk.run(body, size=(80, 24))
    assert forward == [*fields, "in-remedy"]
    assert backward == [*reversed(fields), "in-follow-ups"]


def test_escape_asks_on_a_typed_case_form_and_not_on_an_untouched_one(desk: Desk) -> None:
    """Escape on a filled remedy or pause form used to throw the typing away at once."""
    major, _ordinary = file_cases(desk)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_triage(pilot)
        screen.table.move_cursor_to_key(major.row.id)
        await press(pilot, "m")
        seen["remedy"] = isinstance(pilot.app.screen, CaseForm)
        await press(pilot, "escape")  # nothing typed: closes at once
        seen["untouched_closed"] = pilot.app.screen is screen
        await press(pilot, "p")
        form = pilot.app.screen
        assert isinstance(form, CaseForm)
        form.query_one("#in-note", Input).value = "第三方质检中"
        await press(pilot, "escape")
        seen["asked"] = isinstance(pilot.app.screen, DiscardScreen)
        await press(pilot, "escape")
        note = form.text("note")
        seen["kept"] = pilot.app.screen is form and note == "第三方质检中"
        await press(pilot, "escape", "y")
        seen["closed"] = pilot.app.screen is screen

    desk.run(body)
    assert seen == dict.fromkeys(("remedy", "untouched_closed", "asked", "kept", "closed"), True)
    assert not case(desk, major.row.id).row.paused


def test_a_case_from_acknowledgement_to_satisfaction_on_its_detail(desk: Desk) -> None:
    """The same keys act on the case shown in the detail: acknowledge, record the cause
    and the remedy (with a follow-up task), close, and record the follow-up's score."""
    major, _ordinary = file_cases(desk)
    seen: dict[str, Any] = {}

    async def fill(pilot: Pilot[Any], key: str, values: dict[str, Any]) -> None:
        await press(pilot, key)
        form = pilot.app.screen
        assert isinstance(form, CaseForm), f"{key} opened {form!r}"
        for dom_id, value in values.items():
            widget = form.query_one(f"#in-{dom_id}")
            if isinstance(widget, TextArea):
                widget.text = value
            else:
                widget.value = value  # type: ignore[attr-defined]
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert isinstance(pilot.app.screen, ComplaintDetailScreen), screen_text(pilot.app)

    async def body(pilot: Pilot[Any]) -> None:
        await open_triage(pilot)
        await press(pilot, "enter")
        detail = pilot.app.screen
        assert isinstance(detail, ComplaintDetailScreen)
        seen["opened"] = screen_text(pilot.app)
        await press(pilot, "k")
        await fill(
            pilot,
            "i",
            {"root-cause": "染料批次不同", "responsible-party": "supplier", "evidence": "QC-0123"},
        )
        await fill(
            pilot,
            "m",
            {
                "remedy": "replace",
                "amount": "1200",
                "currency": "usd",
                "note": "换货三箱",
                "follow-ups": "确认到货 | 3",
            },
        )
        await fill(pilot, "z", {"note": "客户确认已解决"})
        await fill(pilot, "f", {"score": "5", "comment": "满意"})
        seen["closed"] = screen_text(pilot.app)

    desk.run(body)
    assert "Clock started" in seen["opened"] and "due 2026-11-26 18:00" in seen["opened"]
    done = case(desk, major.row.id)
    assert done.row.status == "closed" and done.satisfaction_score == 5
    assert done.root_cause == "染料批次不同" and done.responsible_party == "supplier"
    assert done.remedy_kind == "replace" and done.remedy_currency == "USD"
    assert done.satisfaction_due is not None and done.satisfaction_due.isoformat() == "2026-12-04"
    assert all(clock.met_at is not None for clock in done.row.clocks)
    notes = [note.body for note in desk.detail(MAJOR_ORDER).notes]
    assert any("确认到货" in body for body in notes)
    assert "[closed]" in seen["closed"].splitlines()[1]


def test_closing_without_a_remedy_is_refused_and_changes_nothing(desk: Desk) -> None:
    _major, ordinary = file_cases(desk)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_triage(pilot)
        screen.table.move_cursor_to_key(ordinary.row.id)
        await settle(pilot)
        await press(pilot, "z")
        form = pilot.app.screen
        assert isinstance(form, CaseForm)
        form.query_one("#in-note", Input).value = "客户已确认"
        await press(pilot, "ctrl+s")
        seen["text"] = screen_text(pilot.app)
        seen["still_open"] = pilot.app.screen is form
        await press(pilot, "escape")

    desk.run(body)
    assert seen["still_open"]
    assert "without a remedy" in seen["text"]
    after = case(desk, ordinary.row.id)
    assert after.row.status == ordinary.row.status and after.row.version == ordinary.row.version


def test_a_clerk_cannot_acknowledge_a_major_case_when_the_desk_names_supervisors(
    desk: Desk,
) -> None:
    """The desk's actor (``tester``) is not among the configured supervisors: ``k`` on
    the major case is refused with a message naming them, and the case stays new; the
    ordinary case is the clerk's to acknowledge."""
    major, ordinary = file_cases(desk)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_triage(pilot)
        screen.table.move_cursor_to_key(major.row.id)
        await settle(pilot)
        await press(pilot, "k")
        for _ in range(50):
            if list(messages(pilot.app, "error")):
                break
            await pilot.pause(0.02)
        seen["errors"] = list(messages(pilot.app, "error"))
        screen.table.move_cursor_to_key(ordinary.row.id)
        await settle(pilot)
        await press(pilot, "k")

    desk.run(body, config=Config(supervisors=("wangfang", "zhaolei")))
    assert seen["errors"] == [
        "Status: A complaint graded major must be acknowledged by a supervisor (wangfang, zhaolei)."
    ]
    after = case(desk, major.row.id)  # escalated on opening (breached), not acknowledged
    assert after.row.status == "new" and after.acknowledged_by == ""
    ack = after.row.clock("ack")
    assert ack is not None and ack.met_at is None
    assert case(desk, ordinary.row.id).row.status == "acknowledged"


def test_a_new_complaint_from_the_order_queue(desk: Desk) -> None:
    seen: dict[str, Any] = {}
    target = open_queue()[0].order_no

    async def body(pilot: Pilot[Any]) -> None:
        await press(pilot, "c")
        form = pilot.app.screen
        assert isinstance(form, CaseForm)
        form.query_one("#in-category", Select).value = "short_quantity"
        form.query_one("#in-description", TextArea).text = "少了两箱"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        for _ in range(100):
            screen = pilot.app.screen
            if isinstance(screen, ComplaintQueueScreen) and screen.loaded:
                break
            await pilot.pause(0.02)
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ComplaintQueueScreen)
        seen["cursor"] = screen.table.cursor_row

    desk.run(body)
    row = seen["cursor"]
    assert row is not None and row.order_no == target
    assert row.category == "short_quantity" and row.status == "new"


def test_a_supervisor_watching_sees_no_step_that_changes_a_case(desk: Desk) -> None:
    major, _ordinary = file_cases(desk)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_triage(pilot)
        seen["allowed"] = {
            action: screen.check_action(action, ()) for action in sorted(changing_actions(TRIAGE))
        }
        seen["footer"] = screen_text(pilot.app).splitlines()[-1]
        await press(pilot, "k")
        await press(pilot, "e")
        seen["escalated_only"] = case_ids(screen)

    desk.run(body, read_only=True)
    assert set(seen["allowed"].values()) == {False}
    assert "Acknowledge" not in seen["footer"] and "Escalated" in seen["footer"]
    assert case(desk, major.row.id).row.status == "new"
    assert seen["escalated_only"] == [major.row.id]  # breached, though nobody escalated it


def test_every_complaint_command_names_an_action_and_the_palette_finds_it(desk: Desk) -> None:
    from .test_palette import open_palette, search

    file_cases(desk)
    missing: list[str] = []

    async def body(pilot: Pilot[Any]) -> None:
        queue_screen = pilot.app.screen
        for entry in palette_of(QUEUE, "complaints."):
            assert hasattr(queue_screen, f"action_{entry.action_name()}"), entry.action
        palette = await open_palette(pilot)
        for entry in palette_of(QUEUE, "complaints."):
            if entry.title() not in await search(pilot, palette, entry.title()):
                missing.append(entry.title())
        await press(pilot, "escape")
        screen = await open_triage(pilot)
        for entry in palette_of(TRIAGE):
            assert hasattr(screen, f"action_{entry.action_name()}"), entry.action
        palette = await open_palette(pilot)
        for entry in palette_of(TRIAGE):
            if entry.title() not in await search(pilot, palette, entry.title()):
                missing.append(entry.title())
        await press(pilot, "escape")
        await press(pilot, "enter")
        assert isinstance(pilot.app.screen, ComplaintDetailScreen)

    desk.run(body)
    assert missing == []


@pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)
def test_the_triage_speaks_chinese(desk: Desk) -> None:
    file_cases(desk)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        await open_triage(pilot)
        seen["text"] = screen_text(pilot.app)
        seen["errors"] = list(messages(pilot.app, "error"))

    desk.run(body)
    text = seen["text"]
    assert "重大" in text and "受理" in text and "质量问题" in text and "已受理" not in text
    assert seen["errors"] == []
