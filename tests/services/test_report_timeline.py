"""``followup report timeline``: the weekly review printed for e-mail or a wall screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from followup_tui.cli import main


@pytest.fixture
def demo_desk(tmp_path: Path) -> dict[str, str]:
    environ = {
        "FOLLOWUP_CONFIG": str(tmp_path / "config.toml"),
        "FOLLOWUP_DATA_DIR": str(tmp_path / "data"),
        "LANG": "en_US.UTF-8",
    }
    assert main(["demo", "--orders", "200"], environ) == 0
    return environ


def test_text_report_shows_the_gantt_and_the_agenda(
    demo_desk: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["report", "timeline", "--weeks", "2"], demo_desk) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("Weekly order review · next 2 weeks")
    assert any("◆" in line for line in lines)  # promised dates on the Gantt
    assert any(line.lstrip().startswith(("‼ PO-", "! PO-", "· PO-")) for line in lines)
    assert "\x1b[" not in out  # plain text for an e-mail


def test_the_review_respects_as_of_and_groups_by_clerk(
    demo_desk: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["report", "timeline", "--as-of", "2026-12-01", "--by", "owner"], demo_desk) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert "2026-12-01 to 2026-12-14" in head and "by clerk" in head


@pytest.mark.parametrize(("fmt", "marker"), [("html", "<html"), ("svg", "<svg")])
def test_html_and_svg_go_to_a_file(
    demo_desk: dict[str, str], tmp_path: Path, fmt: str, marker: str
) -> None:
    out = tmp_path / f"review.{fmt}"
    assert main(["report", "timeline", "--format", fmt, "--out", str(out)], demo_desk) == 0
    text = out.read_text(encoding="utf-8")
    assert marker in text and "PO-" in text


def test_a_bad_as_of_is_refused_naming_the_option(
    demo_desk: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["report", "timeline", "--as-of", "next tuesday"], demo_desk) != 0
    captured = capsys.readouterr()
    assert "next tuesday" in captured.err and captured.out == ""
