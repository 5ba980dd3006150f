"""Unexpected failures on the desk leave a traceback in the error log and a toast that
names it; the project's own refusals are shown as before and leave nothing."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from followup_tui.domain.errors import FollowupError

from .desk_kit import Desk, messages, press, queue, settle


def log_of(app: Any) -> Path:
    path: Path = app.log_file
    return path


def test_a_failing_service_leaves_its_traceback_in_the_log_and_the_toast_names_it(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from followup_tui.services.orders import flow

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(flow, "bulk_hold", broken)

    async def body(pilot: Pilot[Any]) -> None:
        log = log_of(pilot.app)
        assert log == tmp_path / "home" / "log" / "followup.log"
        assert not log.parent.exists()  # nothing is created until something fails
        await press(pilot, "h")
        errors = list(messages(pilot.app, "error"))
        assert errors == [
            f"Something went wrong: RuntimeError: boom. The details are in the log: {log}"
        ]

    app = desk.run(body)
    text = log_of(app).read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: boom" in text
    assert "in broken" in text  # the frame that raised, not only the message
    assert "order-action" in text  # which call failed
    assert stat.S_IMODE(log_of(app).parent.stat().st_mode) == 0o700


@pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)
def test_the_toast_speaks_the_clerks_language(desk: Desk) -> None:
    from followup_tui.screens.shared.service_calls import call_service

    def work(_store: object) -> None:
        raise RuntimeError("boom")

    async def body(pilot: Pilot[Any]) -> None:
        call_service(queue(pilot.app), work, lambda _result: None, group="test")
        await settle(pilot)
        log = log_of(pilot.app)
        assert list(messages(pilot.app, "error")) == [
            f"出错了：RuntimeError: boom。详细信息已写入日志：{log}"
        ]

    app = desk.run(body)
    assert "RuntimeError: boom" in log_of(app).read_text(encoding="utf-8")


def test_a_failing_callback_and_a_failing_background_worker_are_logged_too(
    desk: Desk,
) -> None:
    from followup_tui.screens.shared.service_calls import call_service, run_in_background

    def done(_result: object) -> None:
        raise ValueError("[bold]callback[/] failed")

    def background() -> None:
        raise KeyError("background")

    async def body(pilot: Pilot[Any]) -> None:
        screen = queue(pilot.app)
        call_service(screen, lambda _store: 1, done, group="test-callback")
        await settle(pilot)
        run_in_background(screen, background, group="test-background")
        await settle(pilot)
        errors = list(messages(pilot.app, "error"))
        assert len(errors) == 2
        # the exception's text is shown as typed, never read as markup
        assert errors[0].startswith("Something went wrong: ValueError: [bold]callback[/] failed.")
        assert errors[1].startswith("Something went wrong: KeyError: 'background'.")
        assert all(str(log_of(pilot.app)) in error for error in errors)

    app = desk.run(body)
    text = log_of(app).read_text(encoding="utf-8")
    assert text.count("Traceback (most recent call last)") == 2
    assert "ValueError: [bold]callback[/] failed" in text
    assert "KeyError: 'background'" in text
    assert "test-callback" in text and "test-background" in text


def test_a_refusal_is_shown_as_before_and_leaves_no_log(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from followup_tui.services.orders import flow

    def refused(*_args: object, **_kwargs: object) -> None:
        raise FollowupError("error.not_on_hold", order="PO-2026-00001", status="draft")

    monkeypatch.setattr(flow, "bulk_hold", refused)

    async def body(pilot: Pilot[Any]) -> None:
        await press(pilot, "h")
        assert list(messages(pilot.app, "error")) == [
            "PO-2026-00001 is not on hold (status: draft)."
        ]

    app = desk.run(body)
    assert not log_of(app).parent.exists()


def test_a_desk_that_opens_works_and_quits_writes_no_log(desk: Desk) -> None:
    """Workers still running when the clerk quits fail because the desk went away under
    them; that is not a fault and must not fill the log."""

    async def body(pilot: Pilot[Any]) -> None:
        await press(pilot, "down", "down", "space", "a")
        await pilot.press("ctrl+q")

    app = desk.run(body)
    assert not log_of(app).parent.exists()
