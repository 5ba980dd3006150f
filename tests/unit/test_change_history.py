"""A change-log row as a clerk reads it: labels, named codes, desk time, nothing cut."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from followup_tui.i18n import use_language
from followup_tui.render.change_history import change_lines, change_title, history_lines
from followup_tui.services.orders.views import ChangeView

AT = datetime(2026, 11, 26, 6, 30, tzinfo=UTC)  # 14:30 in Shanghai


def change(entity: str, action: str, diff: dict[str, list[Any]]) -> ChangeView:
    return ChangeView(1, AT, "李娜", entity, 7, action, diff)


def test_an_update_reads_label_old_and_new_with_codes_named() -> None:
    row = change(
        "order",
        "update",
        {
            "status": ["confirmed", "materials"],
            "status_rank": [1, 2],
            "due_date": ["2027-01-20", "2027-01-27"],
            "customer_po": ["", "CPO-9"],
        },
    )
    assert change_lines(row, "Asia/Shanghai") == [
        "Customer PO: — → CPO-9",
        "Status: confirmed → materials",
        "Due date: 2027-01-20 → 2027-01-27",
    ]


def test_instants_are_desk_time_and_codes_of_other_rows_are_named() -> None:
    pause = change(
        "complaint_pause",
        "insert",
        {"reason": [None, "customer"], "started_at": [None, "2026-11-26T06:30:00+00:00"]},
    )
    assert change_lines(pause, "Asia/Shanghai") == [
        "Reason: waiting on customer",
        "Paused at: 2026-11-26 14:30",
    ]
    assert change_lines(pause, "Europe/Berlin")[1] == "Paused at: 2026-11-26 07:30"
    shipment = change("shipment", "insert", {"mode": [None, "sea"], "order_id": [None, 3]})
    assert change_title(shipment) == "shipment created"
    assert change_lines(shipment, "UTC") == ["Mode: sea"]


def test_chinese_labels_and_values() -> None:
    use_language("zh_CN")
    try:
        row = change("order", "update", {"status": ["confirmed", "materials"]})
        assert history_lines([row], "Asia/Shanghai") == [
            "2026-11-26 14:30  李娜  订单 修改",
            "  状态: 已确认 → 备料",
        ]
    finally:
        use_language("en")
