"""Clocks that rest on a year the calendar has no holidays for are estimates, and say so:
in ``complaint list``, in ``alerts`` and in the JSON's counted time left."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from followup_tui.domain.calendar import load_calendar

from .cli_kit import desk_with, run


@pytest.fixture
def cn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return desk_with(
        tmp_path, monkeypatch, 'timezone = "Asia/Shanghai"\ncalendar = "cn-mainland"\n'
    )


def file_case(capsys: pytest.CaptureFixture[str], received: str) -> None:
    code, _, err = run(
        capsys,
        *("order", "add", "--order-no", "PO-E-1", "--customer", "Acme GmbH"),
        *("--product", "Cable set K2", "--quantity", "100", "--unit", "pcs"),
        *("--price", "2", "--currency", "EUR", "--order-date", "2025-12-01"),
        *("--requested", "2026-06-01"),
    )
    assert code == 0, err
    code, _, err = run(
        capsys,
        *("complaint", "add", "PO-E-1", "--category", "quality", "Frayed"),
        *("--received", received),
    )
    assert code == 0, err


def test_a_clock_armed_in_an_unknown_year_is_marked_as_an_estimate(
    cn: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert load_calendar("cn-mainland").known_years == frozenset({2026})
    file_case(capsys, "2025-12-31 17:00")

    code, out, err = run(capsys, "complaint", "list")

    assert code in (0, 1), err
    text = " ".join(out.split())
    assert "~" in text
    assert "~ estimate: the cn-mainland calendar has no holidays for 2025 yet" in text


def test_alerts_count_an_estimated_clock_and_say_so(
    cn: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file_case(capsys, "2025-12-31 17:00")

    _, out, _ = run(capsys, "alerts")  # exit 1: breached

    text = " ".join(out.split())
    assert "~-" in text, out  # breached long ago, by an estimated amount
    assert "no holidays for 2025 yet" in text
    _, out, _ = run(capsys, "alerts", "--json")
    found = json.loads(out)
    lefts = [a["left_seconds"] for a in (found["alerts"] if isinstance(found, dict) else found)]
    assert lefts and all(left is not None for left in lefts)


def test_order_confirm_says_the_plan_is_an_estimate(
    cn: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys,
        *("order", "add", "--order-no", "PO-E-2", "--customer", "Acme GmbH"),
        *("--product", "Cable set K2", "--quantity", "100", "--unit", "pcs"),
        *("--price", "2", "--currency", "EUR", "--order-date", "2026-01-05"),
        *("--requested", "2040-06-01"),  # past every year the calendar will know
    )
    assert code == 0, err

    code, out, err = run(capsys, "order", "confirm", "PO-E-2")

    assert code == 0, err
    text = " ".join(out.split())
    assert "status now confirmed" in text
    assert "plans reaching into it are estimated from the weekday pattern" in text


def test_report_estimates_lists_what_rests_on_an_unknown_year(
    cn: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file_case(capsys, "2025-12-31 17:00")

    code, out, err = run(capsys, "report", "estimates")

    assert code == 0, err
    text = " ".join(out.split())
    assert "complaint #1 (PO-E-1) Acknowledge" in text or "complaint #1 (PO-E-1)" in text
    assert "counted over 2025" in text
    code, out, err = run(capsys, "report", "estimates", "--json")
    assert code == 0, err
    found = json.loads(out)
    assert found["calendar"] == "cn-mainland"
    assert {clock["year"] for clock in found["clocks"]} == {2025}


def test_complaint_show_says_which_clock_is_an_estimate_and_why(
    cn: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file_case(capsys, "2025-12-31 17:00")

    code, out, err = run(capsys, "complaint", "show", "1")

    assert code == 0, err
    text = " ".join(out.split())
    assert "~ an estimate: the cn-mainland calendar has no holidays for 2025 yet" in text
