"""A brand-new store: the desk asks how to start instead of showing an empty table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from followup_tui.screens.shared.first_run import FirstRunScreen

from .desk_kit import Desk, messages, order_nos, press, queue, screen_text


@pytest.fixture
def new_desk(tmp_path: Path) -> Desk:
    """A desk whose store file does not exist yet."""
    return Desk(path=tmp_path / "new.db", ids={}, language="en", folder=tmp_path)


def test_start_empty_creates_the_store(new_desk: Desk) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app.screen, FirstRunScreen)
        text = screen_text(app)
        assert "This store is empty" in text and "Load the demo data" in text
        await press(pilot, "i")  # import is explained, not pretended
        assert isinstance(app.screen, FirstRunScreen)
        assert "followup import orders FILE" in screen_text(app)
        await press(pilot, "e")
        assert order_nos(app) == []
        assert "No orders match." in screen_text(app)
        assert queue(app).table.position_text() == "0 / 0"

    new_desk.run(body)
    assert new_desk.path.exists()
    assert new_desk.statuses() == {}
    new_desk.close()


def test_escape_on_the_first_screen_quits(new_desk: Desk) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await press(pilot, "escape")

    app = new_desk.run(body)
    assert app.return_value == 0


def test_the_demo_fills_the_queue(new_desk: Desk) -> None:
    pytest.importorskip("followup_tui.demo.dataset")

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await press(pilot, "d")
        assert app.screen is queue(app)
        shown = queue(app).table.visible_rows
        assert len(shown) > 20
        dues = [row.due_date for row in shown]
        assert dues == sorted(dues)
        assert any(message.startswith("Loaded ") for message in messages(app))
        header = screen_text(app).splitlines()[0]
        assert "late" in header and "at risk" in header

    new_desk.run(body)
    assert len(new_desk.statuses()) > 20
    new_desk.close()
