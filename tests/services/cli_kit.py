"""What the command-line tests share: running ``followup`` in-process, and a desk whose
settings file says which time zone and calendar it keeps."""

from __future__ import annotations

import contextvars
from pathlib import Path

import pytest

from followup_tui.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``followup ARGV`` in a fresh context (the language is per run); status, out, err."""
    code = contextvars.copy_context().run(main, list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def desk_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: str) -> Path:
    """A desk in ``tmp_path`` whose settings file holds ``settings``, in English."""
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir()
    config.write_text(settings, encoding="utf-8")
    monkeypatch.setenv("FOLLOWUP_CONFIG", str(config))
    monkeypatch.setenv("FOLLOWUP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FOLLOWUP_DB", str(tmp_path / "desk.db"))
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path
