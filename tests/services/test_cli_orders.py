"""``followup order ...`` end to end in-process: the same services as the desk, field-named
errors, stable JSON, and user text that prints exactly as typed."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from .cli_kit import run

LIST_KEYS = {
    "order_no",
    "customer",
    "product",
    "quantity",
    "unit",
    "due_date",
    "days_left",
    "slip_days",
    "status",
    "owner",
}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FOLLOWUP_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("FOLLOWUP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FOLLOWUP_DB", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def ok_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def add(
    capsys: pytest.CaptureFixture[str], customer: str = "Acme GmbH", *extra: str
) -> dict[str, Any]:
    order = ok_json(
        capsys,
        "order",
        "add",
        "--customer",
        customer,
        "--product",
        "Cable set K2",
        "--quantity",
        "5,000",
        "--unit",
        "pcs",
        "--price",
        "1.25",
        "--currency",
        "eur",
        "--order-date",
        "2026-01-05",
        "--requested",
        "2026-03-01",
        *extra,
    )
    assert isinstance(order, dict)
    return order


def test_add_list_show_confirm_advance_note(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    order = add(
        capsys,
        "深圳市华强电子有限公司",
        "--line",
        "外壳 B7|黑|800|pcs|3.2|CNY",
        "--packaging",
        "纸箱",
        "--priority",
        "high",
    )
    order_no = order["order_no"]
    assert order_no.startswith("PO-") and order_no.endswith("-00001")
    assert order["status"] == "draft"
    assert order["quantity"] == "5800"  # decimals are strings, summed over the lines
    assert order["currency"] == ""  # mixed currencies
    assert order["priority"] == "high"

    rows = ok_json(capsys, "order", "list")
    assert isinstance(rows, list) and len(rows) == 1
    assert set(rows[0]) == LIST_KEYS
    assert rows[0]["order_no"] == order_no
    assert rows[0]["customer"] == "深圳市华强电子有限公司"
    assert rows[0]["quantity"] == "5800"
    assert rows[0]["due_date"] == "2026-03-01"
    assert isinstance(rows[0]["days_left"], int)

    detail = ok_json(capsys, "order", "show", order_no.lower())  # typed in lower case
    assert isinstance(detail, dict)
    assert set(detail) == {"order", "lines", "shipments", "notes", "changes"}
    assert [line["product"] for line in detail["lines"]] == ["Cable set K2", "外壳 B7"]
    assert detail["lines"][1]["unit_price"] == "3.2"
    assert detail["changes"][0]["entity"] == "order"
    assert detail["changes"][0]["action"] == "insert"

    confirmed = ok_json(capsys, "order", "confirm", order_no, "--date", "2026-02-20")
    assert isinstance(confirmed, dict)
    assert (confirmed["status"], confirmed["due_date"]) == ("confirmed", "2026-02-20")
    code, out, _ = run(capsys, "order", "advance", order_no)
    assert code == 0 and "materials" in out
    code, out, _ = run(capsys, "order", "note", order_no, "客户来电：催交期", "--kind", "call")
    assert code == 0 and order_no in out

    detail = ok_json(capsys, "order", "show", order_no)
    assert isinstance(detail, dict)
    assert detail["order"]["status"] == "materials"
    assert [(n["kind"], n["body"]) for n in detail["notes"]] == [("call", "客户来电：催交期")]
    moves = [c["diff"]["status"] for c in detail["changes"] if "status" in c["diff"]]
    assert moves[-2:] == [["draft", "confirmed"], ["confirmed", "materials"]]

    code, out, _ = run(capsys, "order", "show", order_no)
    assert code == 0
    assert "Change history" in out and "Status: confirmed → materials" in out
    assert "客户来电：催交期" in out


def test_illegal_move_exits_1_listing_the_allowed_moves(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order_no = add(capsys)["order_no"]
    code, _, err = run(capsys, "order", "advance", order_no, "--to", "production")
    assert code == 1  # a draft is confirmed first, never skipped past confirmation
    assert "allowed moves: confirmed" in err
    run(capsys, "order", "confirm", order_no)
    code, _, err = run(capsys, "order", "advance", order_no, "--to", "draft")
    assert code == 1
    assert err.startswith("followup: An order in confirmed cannot move to draft")
    assert "allowed moves: materials, production" in err and "cancelled" in err
    code, _, err = run(capsys, "--lang", "zh_CN", "order", "advance", order_no, "--to", "draft")
    assert code == 1 and "允许的操作" in err and "备料" in err


def plan_rows(home: Path, order_no: str) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(home / "data" / "desk.db") as raw:
        return raw.execute(
            "SELECT m.key, m.planned_start, m.planned_end, m.status FROM milestones m"
            " JOIN orders o ON o.id = m.order_id WHERE o.order_no = ? ORDER BY m.seq",
            (order_no,),
        ).fetchall()


def test_advancing_a_draft_confirms_it_as_order_confirm_does(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``order advance`` on a draft is ``order confirm`` without a date, as ``a`` is on
    the desk: the requested date promised, and the same milestone plan."""
    confirmed, advanced = add(capsys)["order_no"], add(capsys)["order_no"]
    by_confirm = ok_json(capsys, "order", "confirm", confirmed)
    by_advance = ok_json(capsys, "order", "advance", advanced)
    assert isinstance(by_confirm, dict) and isinstance(by_advance, dict)
    fields = ("status", "confirmed_date", "due_date")
    assert [by_advance[name] for name in fields] == ["confirmed", "2026-03-01", "2026-03-01"]
    assert [by_advance[name] for name in fields] == [by_confirm[name] for name in fields]
    assert plan_rows(home, advanced) == plan_rows(home, confirmed)
    assert plan_rows(home, advanced), "the confirmation planned the order"


def test_hold_resume_cancel_assign(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    order_no = add(capsys, "Acme GmbH", "--confirmed", "2026-02-25")["order_no"]
    assert ok_json(capsys, "order", "advance", order_no, "--to", "production")
    held = ok_json(capsys, "order", "hold", order_no, "--reason", "waiting for deposit")
    assert isinstance(held, dict) and held["status"] == "on_hold"
    assert held["held_from"] == "production"
    resumed = ok_json(capsys, "order", "resume", order_no)
    assert isinstance(resumed, dict) and resumed["status"] == "production"
    assigned = ok_json(capsys, "order", "assign", order_no, "王强")
    assert isinstance(assigned, dict) and assigned["owner"] == "王强"
    rows = ok_json(capsys, "order", "list", "--owner", "王强")
    assert isinstance(rows, list) and [r["order_no"] for r in rows] == [order_no]
    assert ok_json(capsys, "order", "list", "--owner", "me") == []
    code, _, err = run(capsys, "order", "cancel", order_no, "--reason", "  ")
    assert code == 1 and "Reason" in err
    cancelled = ok_json(capsys, "order", "cancel", order_no, "--reason", "customer withdrew")
    assert isinstance(cancelled, dict) and cancelled["status"] == "cancelled"
    assert ok_json(capsys, "order", "list") == []  # open orders only by default
    rows = ok_json(capsys, "order", "list", "--status", "all")
    assert isinstance(rows, list) and rows[0]["status"] == "cancelled"


def test_defaults_owner_is_the_account_and_number_is_the_next_in_the_series(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os
    import pwd

    first = add(capsys)
    second = add(capsys)
    assert first["owner"] == pwd.getpwuid(os.geteuid()).pw_name
    serial = int(first["order_no"].rsplit("-", 1)[1])
    assert second["order_no"].endswith(f"-{serial + 1:05d}")
    mine = ok_json(capsys, "order", "list", "--owner", "me")
    assert isinstance(mine, list) and len(mine) == 2


def test_bad_values_name_their_field_and_create_nothing(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys,
        "order",
        "add",
        "--customer",
        "Acme",
        "--product",
        "K2",
        "--quantity",
        "1,2x",
        "--unit",
        "pcs",
        "--price",
        "abc",
        "--currency",
        "EUR",
        "--requested",
        "2026-13-01",
    )
    assert code == 1
    assert "Requested date" in err and "2026-13-01" in err
    assert "Line 1 Quantity" in err and "1,2x" in err
    assert "Line 1 Unit price" in err
    assert "Traceback" not in err
    assert not (home / "data" / "desk.db").exists()

    code, _, err = run(
        capsys,
        "order",
        "add",
        "--customer",
        "Acme",
        "--requested",
        "2026-03-01",
        "--order-date",
        "2026-01-05",
        "--line",
        "K2||-5|pcs|1|XYZ",
    )
    assert code == 1
    assert "Line 1 Quantity: The quantity must be greater than 0." in err
    assert 'Unknown currency "XYZ"' in err
    code, _, err = run(capsys, "order", "add", "--customer", "Acme", "--requested", "2026-03-01")
    assert code == 1 and "at least one line" in err


def test_markup_in_user_text_prints_literally(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order_no = add(capsys, "[bold]x[/]")["order_no"]
    code, out, err = run(capsys, "order", "list")
    assert code == 0, err
    assert "[bold]x[/]" in out
    code, out, _ = run(capsys, "order", "show", order_no)
    assert code == 0 and "[bold]x[/]" in out
    rows = ok_json(capsys, "order", "list", "--filter", "[bold]")
    assert isinstance(rows, list) and rows[0]["customer"] == "[bold]x[/]"


def test_control_characters_from_an_import_are_shown_escaped(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order_no = add(capsys)["order_no"]
    with sqlite3.connect(home / "data" / "desk.db") as raw:  # as a bad ERP import would
        raw.execute("UPDATE orders SET customer_name = 'Evil\x1b[2J Co', owner = 'a\x07b'")
    for argv in (["order", "list"], ["order", "show", order_no]):
        code, out, _ = run(capsys, *argv)
        assert code == 0
        assert "\x1b" not in out and "\x07" not in out
        assert "Evil\\x1b[2J Co" in out
    code, _, err = run(capsys, "order", "note", order_no, "bad\x1b[31m")
    assert code == 1 and "U+001B" in err and "\x1b" not in err


def test_read_commands_suggest_the_demo_and_unknown_orders_are_named(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["order", "list"], ["order", "show", "PO-1"]):
        code, _, err = run(capsys, *argv)
        assert code == 1
        assert "followup demo" in err
    assert not (home / "data" / "desk.db").exists()  # a read creates no store
    add(capsys)
    code, _, err = run(capsys, "order", "show", "PO-NOPE")
    assert (code, err) == (1, "followup: Order no.: No order PO-NOPE.\n")


def test_an_outdated_store_is_refused_until_upgraded(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order_no = add(capsys)["order_no"]
    with sqlite3.connect(home / "data" / "desk.db") as raw:
        raw.execute("UPDATE alembic_version SET version_num = '20200101_0001'")
    for argv in (["order", "list"], ["order", "show", order_no], ["order", "resume", order_no]):
        code, _, err = run(capsys, *argv)
        assert code == 1, argv
        assert "followup db upgrade" in err
    with sqlite3.connect(home / "data" / "desk.db") as raw:
        raw.execute("UPDATE alembic_version SET version_num = '20991231_0001'")
    code, _, err = run(capsys, "order", "list")
    assert code == 1 and "newer" in err


def test_list_text_is_a_table_in_the_clerks_language(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add(capsys, "深圳市华强电子有限公司")
    code, out, _ = run(capsys, "--lang", "zh_CN", "order", "list")
    assert code == 0
    header, row, *_ = out.splitlines()
    assert header.split()[:3] == ["订单号", "客户", "产品"]
    assert "深圳市华强电子有限公司" in row and "5,000 pcs" in row and "草稿" in row
    assert out.splitlines()[-1] == "显示 1 张，共 1 张订单"


def write_config(home: Path, text: str) -> Path:
    config_file = home / "config" / "config.toml"
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text(text, encoding="utf-8")
    return config_file


def test_days_left_are_business_days(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Any fourteen days in a row hold exactly ten weekdays, whatever day today is, so
    an order due in two weeks has ten business days left on the default calendar."""
    from followup_tui.config import Config
    from followup_tui.desk_settings import desk_today

    today = desk_today(Config())
    order_no = add(
        capsys,
        "Acme GmbH",
        "--order-date",
        today.isoformat(),
        "--requested",
        (today + timedelta(days=14)).isoformat(),
    )["order_no"]
    rows = ok_json(capsys, "order", "list")
    assert isinstance(rows, list)
    assert [(row["order_no"], row["days_left"]) for row in rows] == [(order_no, 10)]
    code, out, _ = run(capsys, "order", "list")
    assert code == 0
    assert re.search(rf"{today + timedelta(days=14)}\s+10\s", out), out


def test_days_left_is_null_for_a_year_the_calendar_does_not_know(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Chinese mainland calendar only knows announced years: a due date in 2099 has
    no count (null, "?" in the table, and a line naming the missing year), not a guess."""
    write_config(home, 'calendar = "cn-mainland"\n')
    add(capsys, "Acme GmbH", "--requested", "2099-03-02")
    rows = ok_json(capsys, "order", "list")
    assert isinstance(rows, list) and rows[0]["days_left"] is None
    code, out, _ = run(capsys, "order", "list")
    assert code == 0
    assert re.search(r"2099-03-02\s+\?\s", out), out
    assert "The cn-mainland calendar has no holiday data for" in out


def test_an_unknown_calendar_exits_2_naming_the_key(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_file = write_config(home, 'calendar = "nope"\n')
    code, out, err = run(capsys, "order", "list")
    assert code == 2 and out == ""
    assert str(config_file) in err
    assert "calendar: expected one of " in err and 'got "nope"' in err
    assert "cn-mainland" in err and "mon-fri" in err  # the names that would work
    code, _, err = run(capsys, "config", "set", "calendar", "nope")
    assert code == 2 and "calendar" in err
    code, _, _ = run(capsys, "config", "set", "calendar", "cn-mainland")
    assert code == 0


def test_an_order_is_found_by_its_unique_tail_everywhere(
    home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first = add(capsys)["order_no"]
    for _ in range(10):
        add(capsys)
    tail = first.rsplit("-", 1)[1]  # "00001": only the first order ends so
    shown = ok_json(capsys, "order", "show", tail)
    assert isinstance(shown, dict) and shown["order"]["order_no"] == first
    assert run(capsys, "order", "note", tail, "called the buyer")[0] == 0
    complaint = ok_json(capsys, "complaint", "add", tail, "--category", "quality", "scratches")
    assert isinstance(complaint, dict) and first in json.dumps(complaint)
    scan = tmp_path / "qc.txt"
    scan.write_text("QC report: scratches on the housing", encoding="utf-8")
    code, _, err = run(capsys, "archive", "add", str(scan), "--order", tail)
    assert code == 0, err
    filed = ok_json(capsys, "archive", "show", "1")
    assert isinstance(filed, dict) and first in json.dumps(filed)


def test_a_tail_of_several_orders_names_them_and_changes_nothing(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    numbers = [add(capsys)["order_no"] for _ in range(11)]
    code, _, err = run(capsys, "order", "hold", "1", "--reason", "customer")
    assert code == 1
    assert "several order numbers" in err
    assert numbers[0] in err and numbers[10] in err  # ...-00001 and ...-00011
    rows = ok_json(capsys, "order", "list", "--status", "all")
    assert isinstance(rows, list) and {row["status"] for row in rows} == {"draft"}


@pytest.mark.parametrize(
    "argv",
    [
        ("alerts", "--as-of", "yesterday"),
        ("complaint", "list", "--as-of", "yesterday"),
        ("report", "timeline", "--as-of", "yesterday"),
        ("report", "complaints", "--as-of", "2026-13-01"),
    ],
)
def test_an_unreadable_as_of_is_a_usage_error(
    home: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert "is not a time" in err


def test_an_unknown_search_kind_is_a_usage_error_naming_the_kinds(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add(capsys)  # a store to search
    code, out, err = run(capsys, "search", "色差", "--kind", "bogus")
    assert code == 2
    assert out == ""
    assert '"bogus"' in err and "qc_report" in err


def test_delivered_and_accepted_orders_list_no_days_left(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order_no = add(capsys, "Acme GmbH", "--requested", "2026-01-20")["order_no"]
    assert run(capsys, "order", "confirm", order_no, "--date", "2026-01-20")[0] == 0
    checklist = ok_json(capsys, "archive", "checklist", order_no)
    assert isinstance(checklist, dict)
    for kind in checklist["missing"]:  # the shipping gate: waive what is not on file
        assert run(capsys, "archive", "waive", order_no, "--kind", kind, "--reason", "t")[0] == 0
    for _ in range(8):  # confirmed -> ... -> accepted
        run(capsys, "order", "advance", order_no)
    rows = ok_json(capsys, "order", "list", "--status", "all")
    assert isinstance(rows, list)
    assert rows[0]["status"] == "accepted"
    assert rows[0]["days_left"] is None
    code, out, _ = run(capsys, "order", "list", "--status", "all")
    assert code == 0
    line = next(line for line in out.splitlines() if order_no in line)
    assert "—" in line and "-" not in line.replace(order_no, "").replace("2026-01-20", "")


def test_order_add_reports_every_problem_at_once_one_per_field(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without ``--unit`` only the line's fields were reported; the empty customer and
    the negative quantity came a run later."""
    code, _, err = run(
        capsys,
        "order",
        "add",
        "--customer",
        "",
        "--quantity",
        "-5",
        "--requested",
        "2026-03-01",
    )
    assert code == 1
    assert "Customer: This field is required." in err
    assert "Line 1 Quantity: The quantity must be greater than 0." in err
    assert "Line 1 Unit: This field is required." in err
    assert "Line 1 Product: This field is required." in err
    assert err.count("Line 1 Product") == 1 and err.count("Line 1 Currency") == 1
    assert not (home / "data" / "desk.db").exists()
