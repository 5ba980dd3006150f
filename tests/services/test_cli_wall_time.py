"""``followup complaint add --received`` on a desk in a zone with summer time.

The acknowledgement clock of a Berlin desk on the mon-fri calendar runs in Berlin office
hours; a received time the spring-forward change skips is refused naming the option, and
one the fall-back change repeats is taken at its first occurrence, saying so.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from .cli_kit import desk_with, run


@pytest.fixture
def berlin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return desk_with(tmp_path, monkeypatch, 'timezone = "Europe/Berlin"\ncalendar = "mon-fri"\n')


def add_order(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys,
        *("order", "add", "--order-no", "PO-B-1", "--customer", "Acme GmbH"),
        *("--product", "Cable set K2", "--quantity", "100", "--unit", "pcs"),
        *("--price", "2", "--currency", "EUR", "--order-date", "2026-02-02"),
        *("--requested", "2026-12-01"),
    )
    assert code == 0, err


def add_complaint(capsys: pytest.CaptureFixture[str], received: str) -> tuple[int, str, str]:
    return run(
        capsys,
        *("complaint", "add", "PO-B-1", "--category", "quality", "Frayed"),
        *("--received", received, "--json"),
    )


def test_a_berlin_desk_counts_berlin_hours(
    berlin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_order(capsys)
    code, out, err = add_complaint(capsys, "2026-03-02 09:00")
    assert code == 0, err
    found: dict[str, Any] = json.loads(out)["complaint"]
    ack = found["clocks"][0]
    assert ack["kind"] == "ack" and ack["target_hours"] == 4
    assert ack["due_at"] == "2026-03-02T14:00:00+01:00"


def test_a_skipped_received_time_is_refused_naming_the_option(
    berlin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_order(capsys)
    code, out, err = add_complaint(capsys, "2026-03-29 02:30")

    assert code != 0 and out == ""
    assert "--received 2026-03-29 02:30 does not exist in Europe/Berlin" in err
    code, out, err = run(capsys, "complaint", "list", "--json")
    assert code == 0, err
    assert "PO-B-1" not in out


def test_a_repeated_received_time_takes_the_first_and_says_so(
    berlin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_order(capsys)
    code, out, err = add_complaint(capsys, "2026-10-25 02:30")

    assert code == 0, err
    assert json.loads(out)["complaint"]["received_at"] == "2026-10-25T02:30:00+02:00"
    assert "happens twice in Europe/Berlin" in " ".join(err.split())
    assert "2026-10-25T02:30:00+01:00" in err


def test_an_offset_says_which_of_the_two(berlin: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_order(capsys)
    code, out, err = add_complaint(capsys, "2026-10-25T02:30:00+01:00")

    assert code == 0, err
    assert json.loads(out)["complaint"]["received_at"] == "2026-10-25T02:30:00+01:00"
    assert "twice" not in err


def test_the_left_columns_count_working_days_and_say_so(
    berlin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_order(capsys)
    code, _, err = run(capsys, "complaint", "add", "PO-B-1", "--category", "quality", "Frayed")
    assert code == 0, err

    code, out, err = run(capsys, "complaint", "list")

    assert code == 0, err
    assert re.search(r"(9\.9|10) wd", out), out  # the 80-hour resolution target
    assert "wd = working day of 8 h on the mon-fri calendar" in " ".join(out.split())
