"""The error log's file: where it is, when it appears, how it rotates; and the rule that
every desk worker starts through the helpers that log its failures."""

from __future__ import annotations

import ast
import logging
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from followup_tui.config import log_path
from followup_tui.error_log import (
    BACKUPS,
    LOGGER_NAME,
    MAX_BYTES,
    FirstWriteFile,
    current_error_log,
    log_unexpected,
    start_error_log,
    stop_error_log,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "followup_tui"
WORKER_HELPERS = SRC / "screens" / "shared" / "service_calls.py"


def our_handlers() -> list[FirstWriteFile]:
    return [h for h in logging.getLogger(LOGGER_NAME).handlers if isinstance(h, FirstWriteFile)]


def test_the_path_follows_the_override_else_the_platforms_log_folder(tmp_path: Path) -> None:
    assert log_path({"FOLLOWUP_LOG_DIR": str(tmp_path)}) == tmp_path / "followup.log"
    default = log_path({})
    assert default.name == "followup.log"
    assert "followup-tui" in default.parts


def test_setup_is_idempotent_and_a_new_path_replaces_the_old(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "followup.log", tmp_path / "b" / "followup.log"
    assert current_error_log() is None
    assert start_error_log(first) == first
    start_error_log(first)
    assert [h.path for h in our_handlers()] == [first]
    start_error_log(second)
    assert [h.path for h in our_handlers()] == [second]
    assert current_error_log() == second
    stop_error_log()
    assert our_handlers() == [] and current_error_log() is None


def test_nothing_is_created_until_the_first_record_then_a_private_rotating_file(
    tmp_path: Path,
) -> None:
    log = tmp_path / "state" / "log" / "followup.log"
    start_error_log(log)
    assert not log.parent.exists()
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        log_unexpected("test", error)
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    text = log.read_text(encoding="utf-8")
    assert "ERROR" in text and "followup_tui.test" in text
    assert "Traceback (most recent call last)" in text and "RuntimeError: boom" in text
    (handler,) = our_handlers()
    rotating = handler._file
    assert rotating is not None
    assert (rotating.maxBytes, rotating.backupCount) == (MAX_BYTES, BACKUPS) == (1_000_000, 5)


def test_an_unwritable_folder_does_not_raise(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    start_error_log(blocker / "followup.log")
    log_unexpected("test", RuntimeError("boom"))  # logging's own error note, no exception
    assert "Logging error" in capsys.readouterr().err


def test_importing_the_log_does_not_import_logging_handlers() -> None:
    code = (
        "import sys, followup_tui.error_log as e, pathlib\n"
        "e.start_error_log(pathlib.Path('/nonexistent/followup.log'))\n"
        "print('logging.handlers' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "False"


def test_every_worker_starts_through_the_helpers_that_log_its_failures() -> None:
    """A worker started with ``exit_on_error=False`` drops its exception without a word;
    ``call_service`` and ``run_in_background`` catch and log it, so they are the only
    places that may call ``run_worker`` (or use ``@work``)."""
    offenders: list[str] = []
    for path in sorted(SRC.rglob("*.py")):
        if path == WORKER_HELPERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "run_worker"
            )
            decorated = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                (isinstance(d, ast.Name) and d.id == "work")
                or (
                    isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id == "work"
                )
                for d in node.decorator_list
            )
            if called or decorated:
                offenders.append(f"{path.relative_to(SRC)}:{getattr(node, 'lineno', '?')}")
    assert offenders == []


def test_the_desk_opened_by_the_cli_logs_where_the_cli_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from followup_tui import app as desk_app
    from followup_tui.cli import main
    from followup_tui.desk_settings import DeskSettings

    seen: list[Path] = []

    def fake_run_desk(settings: DeskSettings) -> int:
        seen.append(desk_app.FollowupApp(settings).log_file)
        return 0

    monkeypatch.setattr(desk_app, "run_desk", fake_run_desk)
    environ = {
        **os.environ,
        "FOLLOWUP_DB": str(tmp_path / "desk.db"),
        "FOLLOWUP_LOG_DIR": str(tmp_path / "elsewhere"),
    }
    assert main([], environ) == 0
    assert seen == [tmp_path / "elsewhere" / "followup.log"]
