"""The archive's results at 120 columns: the kind column holds the whole kind and the
"where it matched" column shows the match, centred, however far into the text it is.

Before, the kind column was 12 cells ("Commercial i") and the snippet kept 30
characters before the match, which in Chinese is 60 cells: the 46-cell column ended
before the match ("…外观良好，无色 …").
"""

from __future__ import annotations

import os
from typing import Any

from rich.cells import cell_len
from textual.pilot import Pilot

from followup_tui.screens.archive.hits import centred_pieces, kind_width

from .desk_kit import FIXED_NOW, Desk, screen_text, type_text
from .test_archive_screen import open_archive, wait_for_search

INVOICE_TEXT = (
    "商业发票 Commercial invoice\n"
    "货物已于本月二十日在宁波港装船，外包装完好无损，数量与装箱单一致，外观良好，"
    "无色差，唛头清晰，随附质检报告一份，请查收并安排付款事宜。\n"
)


def test_the_kind_and_the_match_are_both_on_screen(desk: Desk) -> None:
    from followup_tui.services.archive.filing import file_documents

    folder = desk.folder / "incoming"
    folder.mkdir()
    path = folder / "invoice-0001.txt"
    path.write_text(INVOICE_TEXT, encoding="utf-8")
    os.utime(path, (FIXED_NOW.timestamp(), FIXED_NOW.timestamp()))
    file_documents(desk.store(), [path], order_no="PO-2026-00001", kind="commercial_invoice")
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_archive(pilot)
        await type_text(pilot, "色差")
        await wait_for_search(pilot, screen)
        seen["rows"] = len(screen.rows)
        seen["text"] = screen_text(pilot.app)

    desk.run(body)
    assert seen["rows"] == 1
    [line] = [line for line in seen["text"].splitlines() if "2026-11-27" in line]
    assert "commercial invoice" in line.casefold()
    assert "色差" in line


def test_a_match_is_centred_in_the_cells_it_has() -> None:
    before = "货物已于本月二十日在宁波港装船，外包装完好无损，数量与装箱单一致，外观良好，无"
    pieces = (
        ("…", False),
        (before, False),
        ("色差", True),
        ("，唛头清晰，随附质检报告一份", False),
    )
    cut = centred_pieces(pieces, 40)
    assert cut[0] == ("…", False)
    ahead = "".join(piece for piece, _ in cut[: [m for _, m in cut].index(True)])
    # (40 - 4) // 2 = 18 cells before the match, "…" included; a wide character that
    # would straddle the edge is left out.
    assert 17 <= cell_len(ahead) <= 18
    assert ahead.endswith("外观良好，无")
    assert centred_pieces((("短", False), ("色差", True)), 40) == (("短", False), ("色差", True))


def test_the_kind_column_fits_its_widest_title() -> None:
    assert kind_width(["Commercial invoice", "QC report"], "Kind") == 18
    assert kind_width(["装箱单"], "类型") == 6
