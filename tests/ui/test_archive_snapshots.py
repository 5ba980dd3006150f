"""Pictures of the archive screen, compared with the accepted SVGs (see test_snapshots.py).

Three documents are filed through the filing service on the test's copy of the store
before the desk starts (a QC report that says 色差 and a packing list for
PO-2026-00001, an e-mail for PO-2026-00004); the desk's clock and clerk are the fixed
ones, so the dates and the "filed by" line never move.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from followup_tui.screens.archive.archive import ArchiveScreen

from .desk_kit import SIZE, Desk, press, settle
from .test_archive_screen import file_docs, wait_for_search

Compare = Callable[..., bool]


def archive_picture(desk: Desk, snap_compare: Compare, query: str) -> bool:
    file_docs(desk, desk.folder / "incoming")

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await press(pilot, "D")
        screen = pilot.app.screen
        for _ in range(100):
            screen = pilot.app.screen
            if isinstance(screen, ArchiveScreen) and screen.shown_sequence:
                break
            await pilot.pause(0.02)
        assert isinstance(screen, ArchiveScreen)
        await pilot.press(*query)
        await wait_for_search(pilot, screen)
        await press(pilot, "enter")  # to the results
        await press(pilot, "enter")  # the passages around the matches
        await wait_for_search(pilot, screen)

    return snap_compare(desk.make_app(), terminal_size=SIZE, run_before=run_before)


class TestArchive:
    def test_search_results_in_english(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see "/ 色差" in the search box, the facet line (kind, customer,
        order, dates: all), one result (QC report, PO-2026-00001, 2026-11-28, qc-0001)
        whose snippet shows 色差 in reverse video, and below it the preview: the title,
        order and customer, "Matches in the text: 1" and the passage with 色差 marked."""
        assert archive_picture(desk, snap_compare, "色差")

    @pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)
    def test_search_results_in_chinese(self, desk: Desk, snap_compare: Compare) -> None:
        """You should see the same search in Chinese (类型, 订单, 命中处, 质检报告) with
        the wide characters aligned in the columns and 色差 marked in the snippet and
        the preview."""
        assert archive_picture(desk, snap_compare, "色差")
