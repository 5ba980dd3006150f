"""The forms' one problem display: messages under their fields, the rest on top, fixed
ones gone, and the focus on the first field with a problem.

The four forms are tested through their own flows (and pictures); this checks the
shared piece on a form of its own, including what none of them happens to send: a
problem whose field has a spot but no label on screen, which must still be shown.
pytest-asyncio is not installed, so each test runs its coroutine with ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import dataclasses

from textual.app import App, ComposeResult
from textual.widgets import Input, Label

from followup_tui.domain.errors import FollowupError, Problem
from followup_tui.screens.shared.problems import ProblemDisplay, Spot, dom_id, field_spot

FIELDS = ("carrier", "tracking_no", "ghost")  # "ghost" has a spot but no label


def _spot(field: str | None) -> Spot | None:
    return field_spot(field) if field is not None and field in FIELDS else None


DISPLAY = ProblemDisplay(
    error_class="probe-error",
    summary_id="probe-summary",
    count_key="form.problems",
    spot=_spot,
    message=lambda problem: problem.key,
)


class ProbeApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("", id="probe-summary")
        for field in FIELDS[:2]:
            yield Input(id=f"in-{dom_id(field)}")
            error = Label("", id=f"err-{dom_id(field)}", classes="probe-error")
            error.display = False
            yield error


def _shown(app: ProbeApp, selector: str) -> str:
    label = app.query_one(selector, Label)
    return str(label.content) if label.display else ""


def test_messages_go_under_their_fields_and_the_first_takes_the_focus() -> None:
    async def run() -> None:
        app = ProbeApp()
        async with app.run_test() as pilot:
            problems = [
                Problem("second", "tracking_no"),
                Problem("nowhere", None),
                Problem("third", "tracking_no"),
                Problem("lost", "ghost"),
            ]
            DISPLAY.show(app.screen, problems)
            assert DISPLAY.focus_first(app.screen, problems)
            await pilot.pause()
            assert _shown(app, "#err-tracking-no") == "second\nthird"
            assert _shown(app, "#err-carrier") == ""
            summary = _shown(app, "#probe-summary").splitlines()
            assert summary[1:] == ["nowhere", "lost"]
            assert "4" in summary[0]
            assert app.focused is app.query_one("#in-tracking-no", Input)

            DISPLAY.show_refusal(app.screen, FollowupError("first", field="carrier"), "unused")
            await pilot.pause()
            assert _shown(app, "#err-carrier") == "first"
            assert _shown(app, "#err-tracking-no") == ""  # fixed: its message goes
            assert app.focused is app.query_one("#in-carrier", Input)

            DISPLAY.show(app.screen, [])
            assert _shown(app, "#err-carrier") == "" and _shown(app, "#probe-summary") == ""
            assert not DISPLAY.focus_first(app.screen, [Problem("nowhere", None)])

            DISPLAY.show_refusal(app.screen, RuntimeError("boom"), "Something went wrong.")
            assert _shown(app, "#probe-summary") == "Something went wrong."

            staying = dataclasses.replace(DISPLAY, moves_focus=False)
            staying.show_refusal(app.screen, FollowupError("again", field="tracking_no"), "")
            await pilot.pause()
            assert _shown(app, "#err-tracking-no") == "again"
            assert app.focused is app.query_one("#in-carrier", Input)  # where it was

    asyncio.run(run())


def test_dom_ids_spell_dots_and_underscores_as_dashes() -> None:
    assert dom_id("lines.0.unit_price") == "lines-0-unit-price"
    assert field_spot("tracking_no") == Spot("err-tracking-no", "in-tracking-no")
