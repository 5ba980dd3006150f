"""``followup order ship`` and ``order confirm --template``: the same services as the desk,
refusals that name the line, nothing stored on a refusal, stable JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from followup_tui.cli.parser import SHIP_MODES as PARSER_MODES
from followup_tui.services.timeline.events import SHIP_MODES

from .cli_kit import run

SHIP_KEYS = {"id", "order_no", "carrier", "mode", "tracking_no", "etd", "eta", "lines"}


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


def ok_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def two_lines(capsys: pytest.CaptureFixture[str]) -> str:
    """A confirmed order: line 1 is 5,000 pcs, line 2 is 40 cartons."""
    order = ok_json(
        capsys,
        "order",
        "add",
        "--customer",
        "Acme GmbH",
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
        "--line",
        "纸箱|五层|40|carton|8.5|EUR",
        "--order-date",
        "2026-11-02",
        "--requested",
        "2027-03-01",
        "--confirmed",
        "2027-03-01",
    )
    return str(order["order_no"])


def shipments(order_no: str) -> list[tuple[int, str]]:
    """Every (line, quantity) shipped so far, read back through the service."""
    import os

    from followup_tui.cli.orders import open_for_read
    from followup_tui.cli.parser import build_parser
    from followup_tui.desk_settings import Invocation
    from followup_tui.services.orders.entry import find_order_id
    from followup_tui.services.timeline.events import list_shipments

    args = build_parser().parse_args(["order", "show", order_no])
    ctx = open_for_read(Invocation(args, os.environ).settings())
    try:
        views = list_shipments(ctx, find_order_id(ctx, order_no))
    finally:
        ctx.dispose()
    return [line for view in views for line in view.lines]


def test_the_parser_offers_the_services_modes() -> None:
    assert PARSER_MODES == SHIP_MODES


def test_a_partial_shipment_then_the_rest(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    order_no = two_lines(capsys)
    first = ok_json(
        capsys,
        "order",
        "ship",
        order_no.lower(),
        "--carrier",
        "COSCO",
        "--mode",
        "sea",
        "--tracking",
        "BL-1",
        "--etd",
        "2026-12-01",
        "--eta",
        "2026-12-28",
        "--line",
        "1=1,200",
    )
    assert set(first) == SHIP_KEYS
    assert first["order_no"] == order_no  # as stored, not as typed
    assert (first["carrier"], first["mode"], first["tracking_no"]) == ("COSCO", "sea", "BL-1")
    assert (first["etd"], first["eta"]) == ("2026-12-01", "2026-12-28")
    assert first["lines"] == [{"line_no": 1, "quantity": "1200"}]

    # Without --line, everything left on every line goes.
    rest = ok_json(capsys, "order", "ship", order_no, "--carrier", "DHL", "--mode", "air")
    assert rest["lines"] == [{"line_no": 1, "quantity": "3800"}, {"line_no": 2, "quantity": "40"}]
    assert (rest["etd"], rest["eta"], rest["tracking_no"]) == (None, None, "")
    assert rest["id"] != first["id"]
    assert shipments(order_no) == [(1, "1200"), (1, "3800"), (2, "40")]

    # Nothing is left: a further shipment is refused.
    code, out, err = run(capsys, "order", "ship", order_no, "--carrier", "DHL", "--mode", "air")
    assert code == 1 and out == ""
    assert "at least one line" in err


def test_too_much_is_refused_naming_the_line_and_nothing_is_stored(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order_no = two_lines(capsys)
    code, out, err = run(
        capsys,
        "order",
        "ship",
        order_no,
        "--carrier",
        "COSCO",
        "--mode",
        "sea",
        "--line",
        "1=100",
        "--line",
        "2=41",
    )
    assert code == 1
    assert out == ""
    assert err.startswith("followup: ")
    assert "lines[2]" in err and "Line 2" in err and "left to ship" in err
    assert shipments(order_no) == []


def test_text_output_and_the_usage_errors(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    order_no = two_lines(capsys)
    code, out, err = run(
        capsys,
        "order",
        "ship",
        order_no,
        "--carrier",
        "[bold]Maersk[/]",
        "--mode",
        "rail",
        "--line",
        "2=5",
    )
    assert code == 0, err
    assert f"Shipment booked on {order_no}: 1 line." in out
    assert "[bold]Maersk[/]" in out  # printed as typed, never as markup
    assert "rail" in out and "2×5" in out

    for argv, needle in (
        (["--mode", "boat"], "invalid choice"),
        (["--mode", "sea", "--line", "x"], "LINE=QUANTITY"),
        (["--mode", "sea", "--line", "1=1", "--line", "1=2"], "line 1 is given twice"),
        ([], "--mode"),
    ):
        code, out, err = run(capsys, "order", "ship", order_no, "--carrier", "C", *argv)
        assert code == 2, argv
        assert needle in err, (argv, err)
    assert shipments(order_no) == [(2, "5")]


def test_bad_dates_are_reported_together_before_anything_is_stored(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order_no = two_lines(capsys)
    code, _out, err = run(
        capsys,
        "order",
        "ship",
        order_no,
        "--carrier",
        "C",
        "--mode",
        "sea",
        "--etd",
        "2026-02-30",
        "--eta",
        "soon",
    )
    assert code == 1
    assert "ETD" in err and "2026-02-30" in err and "ETA" in err and "soon" in err
    code, _out, err = run(
        capsys,
        "order",
        "ship",
        order_no,
        "--carrier",
        "C",
        "--mode",
        "sea",
        "--etd",
        "2026-12-10",
        "--eta",
        "2026-12-01",
    )
    assert code == 1 and "cannot be before the ETD" in err
    assert shipments(order_no) == []


def test_confirm_with_a_template_plans_from_it(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from followup_tui.cli.orders import open_for_read
    from followup_tui.cli.parser import build_parser
    from followup_tui.desk_settings import Invocation
    from followup_tui.domain.timeline.milestones import load_template
    from followup_tui.services.orders.entry import find_order_id
    from followup_tui.services.timeline.read import order_timeline

    draft = ok_json(
        capsys,
        "order",
        "add",
        "--customer",
        "Acme GmbH",
        "--product",
        "P",
        "--quantity",
        "5",
        "--unit",
        "pcs",
        "--price",
        "1",
        "--currency",
        "USD",
        "--order-date",
        "2026-11-02",
        "--requested",
        "2027-03-01",
    )
    order_no = draft["order_no"]
    code, _out, err = run(capsys, "order", "confirm", order_no, "--template", "nope")
    assert code == 2 and "export-air" in err  # the choices are named
    confirmed = ok_json(capsys, "order", "confirm", order_no, "--template", "export-air")
    assert confirmed["status"] == "confirmed"

    import os

    from followup_tui.store.models import Order

    args = build_parser().parse_args(["order", "show", order_no])
    ctx = open_for_read(Invocation(args, os.environ).settings())
    try:
        order_id = find_order_id(ctx, order_no)
        timeline = order_timeline(ctx, order_id, ctx.today())
        with ctx.read() as session:
            order = session.get(Order, order_id)
            assert order is not None
            template = order.template
    finally:
        ctx.dispose()
    assert template == "export-air"
    expected = [stage.key for stage in load_template("export-air").stages]
    assert sorted(bar.key for bar in timeline.milestones) == sorted(expected)


def test_order_show_lists_the_shipments_and_their_booking(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order_no = two_lines(capsys)
    booked = ok_json(
        capsys,
        "order",
        "ship",
        order_no,
        "--carrier",
        "COSCO",
        "--mode",
        "sea",
        "--tracking",
        "BL-1",
        "--etd",
        "2026-12-01",
        "--line",
        "1=1,200",
    )
    detail = ok_json(capsys, "order", "show", order_no)
    assert detail["shipments"] == [booked]
    traces = [c for c in detail["changes"] if c["entity"] in ("shipment", "shipment_line")]
    assert [(c["entity"], c["action"]) for c in traces] == [
        ("shipment", "insert"),
        ("shipment_line", "insert"),
    ]
    assert traces[0]["diff"]["tracking_no"] == [None, "BL-1"]

    code, out, _ = run(capsys, "order", "show", order_no)
    assert code == 0
    assert "Shipments" in out and "COSCO" in out and "1×1200" in out
    assert "shipment created" in out and "Tracking no.: BL-1" in out
    assert "shipment line created" in out and "Quantity: 1200" in out
