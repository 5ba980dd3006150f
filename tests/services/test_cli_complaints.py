"""``followup complaint ...``, ``followup alerts`` and ``followup report complaints`` in
process: the services' figures, stable JSON, exit status 1 on a breach, and times frozen
with ``--received`` and ``--as-of`` (a Monday two weeks back, on the mon-fri calendar)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_tui.cli import main, parser
from followup_tui.domain.complaints.sla import ComplaintStatus
from followup_tui.domain.complaints.sla_policy import RESPONSIBLE_PARTIES, PauseReason, RemedyKind
from followup_tui.services.complaints.analysis import (
    WorkingTime,
    analyse,
    analysis_json,
    normalise_cause,
)
from followup_tui.store.location import parse_store
from followup_tui.store.unit_of_work import StoreContext, open_store

from .cli_kit import run

ZONE = ZoneInfo("Asia/Shanghai")
MONDAY = date.today() - timedelta(days=date.today().weekday() + 14)
CLOCK_KEYS = {
    "kind",
    "target_hours",
    "basis",
    "role",
    "armed_at",
    "due_at",
    "met_at",
    "paused_since",
    "level",
    "left_seconds",
}
ROW_KEYS = {
    "id",
    "order_no",
    "customer",
    "category",
    "grade",
    "owner",
    "status",
    "received_at",
    "reopen_count",
    "escalated",
    "paused",
    "level",
    "left_seconds",
    "clocks",
}
REPORT_KEYS = {
    "period",
    "as_of",
    "total",
    "open",
    "closed",
    "reopened",
    "grade_overridden",
    "escalated",
    "satisfaction",
    "by_category",
    "by_root_cause",
    "by_responsible_party",
    "by_customer",
    "by_supplier",
    "by_month",
    "notes",
    "sla",
    "averages",
    "open_now",
}


def at(hour: int, minute: int = 0, day: date = MONDAY) -> str:
    return f"{day.isoformat()} {hour:02d}:{minute:02d}"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FOLLOWUP_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("FOLLOWUP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FOLLOWUP_DB", str(tmp_path / "desk.db"))
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def ok_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def order(capsys: pytest.CaptureFixture[str], order_no: str, customer: str = "Acme GmbH") -> None:
    code, _, err = run(
        capsys,
        "order",
        "add",
        "--order-no",
        order_no,
        "--customer",
        customer,
        "--product",
        "Cable set K2",
        "--quantity",
        "100",
        "--unit",
        "pcs",
        "--price",
        "2",
        "--currency",
        "EUR",
        "--order-date",
        MONDAY.isoformat(),
        "--requested",
        (MONDAY + timedelta(days=60)).isoformat(),
    )
    assert code == 0, err


def complaint(capsys: pytest.CaptureFixture[str], order_no: str, *extra: str) -> dict[str, Any]:
    found = ok_json(capsys, "complaint", "add", order_no, *extra)
    assert isinstance(found, dict) and isinstance(found["complaint"], dict)
    return found["complaint"]


@pytest.fixture
def store(home: Path) -> Iterator[StoreContext]:
    """The CLI's store opened in process, for comparing with the services' own figures."""
    from followup_tui.domain.calendar import load_calendar

    ctx = open_store(parse_store(str(home / "desk.db")), calendar=load_calendar("mon-fri"))
    yield ctx
    ctx.dispose()


def test_the_parser_knows_the_domains_words() -> None:
    assert tuple(ComplaintStatus) == parser.COMPLAINT_STATUSES
    assert tuple(PauseReason) == parser.PAUSE_REASONS
    assert tuple(RemedyKind) == parser.REMEDY_KINDS
    assert parser.PARTIES == RESPONSIBLE_PARTIES


def test_add_shows_the_clocks_and_list_orders_them_by_breach(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order(capsys, "PO-C-1")
    order(capsys, "PO-C-2", "深圳市华强电子有限公司")
    major = complaint(
        capsys,
        "PO-C-1",
        "--category",
        "quality",
        "Cables frayed",
        "--grade",
        "major",
        "--reason",
        "customer threatens to cancel",
        "--received",
        at(9),
        "--contact",
        "Ms Li",
    )
    assert set(major) >= ROW_KEYS and major["grade"] == "major"
    assert (major["suggested_grade"], major["grade_reason"]) == (
        "ordinary",
        "customer threatens to cancel",
    )
    assert [set(c) for c in major["clocks"]] == [CLOCK_KEYS] * 3
    ack = major["clocks"][0]
    assert (ack["kind"], ack["role"], ack["basis"]) == ("ack", "supervisor", "business")
    # 2 business hours from 09:00, in the desk's zone with its offset.
    assert ack["due_at"] == f"{MONDAY.isoformat()}T11:00:00+08:00"
    minor = complaint(
        capsys, "po-c-2", "--category", "missing_documents", "缺少原产地证", "--received", at(9, 30)
    )
    assert (minor["grade"], minor["order_no"], minor["customer"]) == (
        "minor",
        "PO-C-2",
        "深圳市华强电子有限公司",
    )

    rows = ok_json(capsys, "complaint", "list", "--as-of", at(10, 40))
    assert isinstance(rows, list) and [set(row) for row in rows] == [ROW_KEYS] * 2
    assert [row["id"] for row in rows] == [major["id"], minor["id"]]  # nearest breach first
    assert [row["level"] for row in rows] == ["three_quarters", "ok"]
    assert rows[0]["left_seconds"] == 20 * 60
    only = ok_json(capsys, "complaint", "list", "--grade", "minor", "--as-of", at(10, 40))
    assert isinstance(only, list) and [row["id"] for row in only] == [minor["id"]]

    code, out, _ = run(capsys, "complaint", "list", "--as-of", at(11, 30))
    assert code == 0
    assert "‼ #1" in out and "‼ -0:30" in out
    assert "2 open complaints; 1 breached, 0 at or past 75 per cent." in out
    code, out, _ = run(capsys, "complaint", "show", "#1")
    assert code == 0 and "Why this due time" in out and "within 2 business hours" in out


def test_alerts_exit_1_on_a_breach_and_escalate_it_once(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order(capsys, "PO-C-1")
    case = complaint(
        capsys,
        "PO-C-1",
        "--category",
        "quality",
        "Frayed",
        "--grade",
        "major",
        "--reason",
        "key order",
        "--received",
        at(9),
    )

    warned = ok_json(capsys, "alerts", "--as-of", at(10, 40))
    assert isinstance(warned, dict)
    assert set(warned) == {"as_of", "breached", "warned", "escalated", "read_only", "alerts"}
    assert (warned["breached"], warned["warned"], warned["escalated"]) == (0, 1, 0)
    assert [
        (a["complaint_id"], a["clock"], a["level"], a["left_seconds"]) for a in warned["alerts"]
    ] == [(case["id"], "ack", "three_quarters", 1200)]
    code, out, _ = run(capsys, "alerts", "--as-of", at(10, 40))
    assert code == 0 and "0 breached, 1 at or past 75 per cent." in out

    code, out, _ = run(capsys, "alerts", "--as-of", at(11, 30), "--json")
    assert code == 1
    breached = json.loads(out)
    assert (breached["breached"], breached["escalated"]) == (1, 1)
    assert breached["alerts"][0]["level"] == "breached"
    assert breached["alerts"][0]["due_at"] == f"{MONDAY.isoformat()}T11:00:00+08:00"
    shown = ok_json(capsys, "complaint", "show", str(case["id"]))
    assert shown["complaint"]["escalated_at"] == f"{MONDAY.isoformat()}T11:30:00+08:00"  # type: ignore[index]
    code, out, _ = run(capsys, "alerts", "--as-of", at(11, 30))
    assert code == 1 and "‼" in out and "PO-C-1" in out and "Escalated" not in out

    run(capsys, "complaint", "ack", "1")
    code, out, _ = run(capsys, "alerts", "--as-of", MONDAY.isoformat())  # the day's end
    assert code == 1  # the 8-hour plan clock ran out at 18:00


def test_nothing_breached_exits_0(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    order(capsys, "PO-C-1")
    complaint(
        capsys, "PO-C-1", "--category", "packaging_labels", "Wrong marks", "--received", at(9)
    )
    code, out, err = run(capsys, "alerts", "--as-of", at(10))
    assert (code, err) == (0, "")
    assert "No SLA clock is at or past 75 per cent." in out
    code, out, _ = run(capsys, "--lang", "zh_CN", "alerts", "--as-of", at(10))
    assert code == 0 and "没有" in out


def test_every_step_from_a_script_and_the_refusals(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order(capsys, "PO-C-1")
    case_id = str(complaint(capsys, "PO-C-1", "--category", "quality", "Frayed")["id"])

    def step(*argv: str) -> dict[str, Any]:
        found = ok_json(capsys, "complaint", *argv)
        assert isinstance(found, dict) and isinstance(found["complaint"], dict)
        return found["complaint"]

    code, _, err = run(capsys, "complaint", "close", case_id, "--note", "done")
    assert code == 1 and "remedy" in err
    assert step("ack", case_id)["status"] == "acknowledged"
    code, _, err = run(capsys, "complaint", "resume", case_id)
    assert code == 1 and "not paused" in err
    paused = ok_json(capsys, "complaint", "pause", case_id, "--reason", "qc", "--note", "SGS")
    assert paused["complaint"]["paused"] and paused["pauses"][0]["reason"] == "qc"  # type: ignore[index]
    assert not step("resume", case_id)["paused"]
    cause = step(
        "cause",
        case_id,
        "--root-cause",
        "Mould worn",
        "--party",
        "production",
        "--inspection",
        "--evidence",
        "photos",
    )
    assert (cause["status"], cause["responsible_party"], cause["third_party_inspection"]) == (
        "investigating",
        "production",
        True,
    )
    remedy = step(
        "remedy",
        case_id,
        "--kind",
        "refund",
        "--amount",
        "1200.50",
        "--currency",
        "eur",
        "--note",
        "refund the lot",
        "--follow-up",
        "call the customer=3",
    )
    assert (remedy["remedy_amount"], remedy["remedy_currency"]) == ("1200.5", "EUR")
    assert remedy["clocks"][1]["met_at"] is not None  # the plan clock
    code, _, err = run(capsys, "complaint", "satisfaction", case_id, "--score", "4")
    assert code == 1 and "closed" in err
    closed = step("close", case_id, "--note", "confirmed by e-mail")
    assert closed["status"] == "closed" and closed["satisfaction_due"]
    code, _, err = run(capsys, "complaint", "satisfaction", case_id, "--score", "7")
    assert code == 1 and "1 to 5" in err
    reopened = step("satisfaction", case_id, "--score", "2", "--comment", "still frayed")
    assert (reopened["status"], reopened["reopen_count"]) == ("reopened", 1)
    assert step("assign", case_id, "wang")["owner"] == "wang"
    assert step("escalate", case_id, "--reason", "second time")["escalated"]

    code, _, err = run(capsys, "complaint", "add", "PO-C-1", "--category", "colour", "x")
    assert code == 1 and "colour" in err and "quality" in err
    code, _, err = run(
        capsys,
        "complaint",
        "add",
        "PO-C-1",
        "--category",
        "quality",
        "x",
        "--received",
        "last tuesday",
    )
    assert code == 1 and "last tuesday" in err
    code, _, err = run(capsys, "complaint", "ack", "abc")
    assert code == 2 and "abc" in err


def test_the_report_shows_the_services_figures(
    home: Path, store: StoreContext, capsys: pytest.CaptureFixture[str]
) -> None:
    order(capsys, "PO-C-1")
    order(capsys, "PO-C-2", "深圳市华强电子有限公司")
    first = complaint(capsys, "PO-C-1", "--category", "quality", "Frayed", "--received", at(9))
    second = complaint(capsys, "PO-C-2", "--category", "quality", "色差", "--received", at(10))
    complaint(capsys, "PO-C-2", "--category", "short_quantity", "少发", "--received", at(11))
    for case, spelling in ((first, "Mould worn"), (second, "mould   WORN")):
        run(capsys, "complaint", "ack", str(case["id"]))
        run(
            capsys,
            "complaint",
            "cause",
            str(case["id"]),
            "--root-cause",
            spelling,
            "--party",
            "production",
        )
    period = ("--from", MONDAY.isoformat(), "--to", (MONDAY + timedelta(days=7)).isoformat())
    as_of = (date.today() + timedelta(days=1)).isoformat()

    code, out, err = run(
        capsys, "report", "complaints", *period, "--as-of", as_of, "--format", "json"
    )
    assert code == 0, err
    report = json.loads(out)
    assert set(report) == REPORT_KEYS
    end_of_day = datetime.combine(
        date.fromisoformat(as_of) + timedelta(days=1), datetime.min.time(), ZONE
    )
    expected = analysis_json(analyse(store, MONDAY, MONDAY + timedelta(days=7), end_of_day))
    expected["as_of"] = end_of_day.isoformat()
    assert report == json.loads(json.dumps(expected))
    assert report["total"] == 3
    assert report["by_category"][0] == {"name": "quality", "count": 2, "share": 0.6667}
    assert report["by_root_cause"][0] == {"name": "Mould worn", "count": 2, "share": 0.6667}
    assert normalise_cause("mould   WORN") == normalise_cause("Mould worn")
    assert report["by_supplier"] is None and report["notes"] == ["supplier_unlinked"]

    code, out, _ = run(capsys, "alerts", "--as-of", as_of, "--json")
    alerts = json.loads(out)
    listed = ok_json(capsys, "complaint", "list", "--as-of", as_of)
    assert code == 1 and isinstance(listed, list)
    breached = sum(1 for row in listed if row["level"] == "breached")
    assert report["open_now"] == {
        "open": len(listed),
        "breached": alerts["breached"],
        "warned": alerts["warned"],
    }
    assert breached == alerts["breached"] == 3

    code, text, _ = run(capsys, "report", "complaints", *period, "--as-of", as_of)
    assert code == 0 and "By root cause" in text and "Mould worn" in text
    assert "Open now: 3, of which 3 breached" in text
    code, md, _ = run(capsys, "report", "complaints", *period, "--format", "md")
    assert code == 0 and md.startswith("# Complaint analysis")
    assert "| Mould worn | 2 | 66.7 % |" in md and "| Quality | 2 | 66.7 % |" in md
    written = home / "report.md"
    assert main(["report", "complaints", *period, "--format", "md", "--out", str(written)]) == 0
    assert written.read_text(encoding="utf-8").startswith("# Complaint analysis")
    code, _, err = run(capsys, "report", "complaints", "--from", "2026-12-01", "--to", "2026-11-01")
    assert code == 1 and "2026-12-01" in err


def test_alerts_on_a_store_this_account_cannot_write_escalate_nothing(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A supervisor's account with read access only: the breach is reported (exit 1) and
    counted as "would escalate", and the store is left as it was."""
    order(capsys, "PO-C-1")
    case = complaint(
        capsys,
        "PO-C-1",
        "--category",
        "quality",
        "Frayed",
        "--grade",
        "major",
        "--reason",
        "key order",
        "--received",
        at(9),
    )
    with monkeypatch.context() as patched:
        patched.setattr("followup_tui.cli.complaints.os.access", lambda *_: False)
        code, out, _ = run(capsys, "alerts", "--as-of", at(11, 30), "--json")
        found = json.loads(out)
        assert code == 1 and found["read_only"] is True
        assert (found["breached"], found["escalated"]) == (1, 1)
        code, out, _ = run(capsys, "alerts", "--as-of", at(11, 30))
        assert code == 1 and "read-only here, so 1 breached case was not escalated" in out
    shown = ok_json(capsys, "complaint", "show", str(case["id"]))
    assert shown["complaint"]["escalated_at"] is None  # type: ignore[index]


def test_alerts_never_create_a_store(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "alerts")
    assert (code, out) == (1, "") and "There are no orders" in err
    assert not (home / "desk.db").exists()


@settings(max_examples=300, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 1)),
    length=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=25)),
    name=st.sampled_from(["mon-fri", "cn-mainland"]),
)
def test_the_reports_working_time_is_the_calendars(
    start: datetime, length: timedelta, name: str
) -> None:
    """The report's running totals count a span exactly as the calendar does: nights,
    lunch breaks, weekends, holidays and make-up workdays (2026, a year cn-mainland knows)."""
    from followup_tui.domain.calendar import load_calendar

    calendar = load_calendar(name)
    a = start.replace(tzinfo=ZONE)
    b = min(a + length, datetime(2026, 12, 31, tzinfo=ZONE))
    working = WorkingTime(calendar, since=date(2026, 6, 1))  # spans before it start again
    assert working.between(a, b) == calendar.business_time_between(a, b)
    assert working.between(b, a) == calendar.business_time_between(b, a)
