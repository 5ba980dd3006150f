"""The archive screen inside the real desk: searching as the clerk types, stale results
never shown, an order's checklist, export, read-only watching, and the palette.

Documents are filed through the filing service on the test's own copy of the store,
so the screen reads what the CLI would have filed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label

from followup_tui.screens.archive.archive import ArchiveScreen
from followup_tui.screens.shared.prompt import PromptScreen
from followup_tui.workflows.archive import ARCHIVE

from .desk_kit import (
    ACME,
    FIXED_NOW,
    Desk,
    move_to,
    palette_of,
    press,
    screen_text,
    settle,
    type_text,
)

QC_TEXT = "质检报告 QC report\n外观检查：色差明显，三箱纸箱破损。\nAQL 2.5 抽检 200 件。\n"
PACKING_TEXT = "装箱单 Packing list\n箱数 20 cartons, gross weight 480 kg.\n"
MAIL_TEXT = (
    "From: buyer@acme.example\nSubject: shade difference\n\n"
    "Dear Li Na, the colour of the samples differs from the golden sample.\n"
)


def file_docs(desk: Desk, folder: Path) -> dict[str, Path]:
    """A QC report with 色差 and a packing list for PO-2026-00001, and an e-mail for
    PO-2026-00004; returns the written files by name."""
    from followup_tui.services.archive.filing import file_documents

    folder.mkdir(exist_ok=True)
    files = {
        "qc-0001.txt": QC_TEXT,
        "packing-0001.txt": PACKING_TEXT,
        "mail-0004.txt": MAIL_TEXT,
    }
    paths = {}
    for name, body in files.items():
        paths[name] = folder / name
        paths[name].write_text(body, encoding="utf-8")
        # The document date comes from the file's time: fixed, so pictures never move.
        stamp = FIXED_NOW.timestamp()
        os.utime(paths[name], (stamp, stamp))
    ctx = desk.store()
    file_documents(ctx, [paths["qc-0001.txt"], paths["packing-0001.txt"]], order_no="PO-2026-00001")
    file_documents(ctx, [paths["mail-0004.txt"]], order_no="PO-2026-00004")
    return paths


async def open_archive(pilot: Pilot[Any], key: str = "D") -> ArchiveScreen:
    await press(pilot, key)
    for _ in range(100):
        screen = pilot.app.screen
        if isinstance(screen, ArchiveScreen) and screen.shown_sequence:
            await settle(pilot)
            return screen
        await pilot.pause(0.02)
    raise AssertionError("the archive did not open")


async def wait_for_search(pilot: Pilot[Any], screen: ArchiveScreen) -> None:
    """Until the newest search's rows are on screen (past the debounce)."""
    for _ in range(200):
        await pilot.pause(0.02)
        if screen._timer is None and screen.shown_sequence == screen.sequence:
            break
    await settle(pilot)


def titles(screen: ArchiveScreen) -> list[str]:
    return [row.document.title for row in screen.rows]


def test_a_two_character_chinese_word_finds_the_qc_report(desk: Desk) -> None:
    file_docs(desk, desk.folder / "incoming")
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_archive(pilot)
        seen["all"] = len(screen.rows)
        await type_text(pilot, "色差")
        await wait_for_search(pilot, screen)
        seen["rows"] = list(screen.rows)
        table = screen.hits_table
        seen["snippet"] = table.get_row_at(0)[4] if table.row_count else None
        await press(pilot, "enter")  # leaves the search box for the results
        await press(pilot, "enter")  # the text around the matches
        await wait_for_search(pilot, screen)
        seen["text"] = screen_text(pilot.app)

    desk.run(body)
    assert seen["all"] == 3  # an empty query lists the newest documents
    rows = seen["rows"]
    assert [row.document.kind for row in rows] == ["qc_report"]
    assert rows[0].document.order_no == "PO-2026-00001"
    snippet = seen["snippet"]
    matched = [snippet.plain[span.start : span.end] for span in snippet.spans if span.style]
    assert "色差" in matched
    assert "Matches in the text: 1" in seen["text"] and "三箱纸箱破损" in seen["text"]


def test_results_always_answer_the_last_query(desk: Desk) -> None:
    file_docs(desk, desk.folder / "incoming")
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_archive(pilot)
        # Typed without waiting: each key restarts the debounce; then an older search
        # finishing late must not replace the newer one.
        await pilot.press(*"packing")
        await wait_for_search(pilot, screen)
        seen["packing"] = titles(screen)
        older = screen.sequence
        await pilot.press(*["backspace"] * 7, *"色差")
        await wait_for_search(pilot, screen)
        seen["final"] = titles(screen)
        stale = screen.rows[:]
        screen._found(older, ())  # the late answer of an older search
        seen["after_stale"] = screen.rows == stale

    desk.run(body)
    assert seen["packing"] == ["packing-0001"]
    assert seen["final"] == ["qc-0001"]
    assert seen["after_stale"]


def test_d_shows_the_orders_documents_and_its_missing_kinds(desk: Desk) -> None:
    file_docs(desk, desk.folder / "incoming")
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        await move_to(pilot, "PO-2026-00001")
        screen = await open_archive(pilot, "d")
        seen["checklist"] = screen.checklist
        seen["rows"] = titles(screen)
        seen["text"] = screen_text(pilot.app)

    desk.run(body)
    checklist = seen["checklist"]
    assert checklist is not None and checklist.order_no == "PO-2026-00001"
    assert len(seen["rows"]) == 2  # the QC report and the packing list, not the e-mail
    assert "Checklist of PO-2026-00001" in seen["text"]
    for kind in checklist.missing:
        assert "‼" in seen["text"]
        assert kind  # every missing kind is listed with the mark
    if checklist.missing:
        assert "missing" in seen["text"]


def test_export_writes_the_original_byte_for_byte(desk: Desk) -> None:
    paths = file_docs(desk, desk.folder / "incoming")
    out = desk.folder / "out"
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_archive(pilot)
        await type_text(pilot, "色差")
        await wait_for_search(pilot, screen)
        await press(pilot, "tab")
        await press(pilot, "x")
        prompt = pilot.app.screen
        seen["prompt"] = type(prompt).__name__
        field = prompt.query_one("#prompt-input", Input)
        field.value = str(out)
        await press(pilot, "enter")
        await settle(pilot)
        seen["status"] = screen_text(pilot.app)

    desk.run(body)
    assert seen["prompt"] == "PromptScreen"
    written = list(out.iterdir())
    assert len(written) == 1
    assert written[0].read_bytes() == paths["qc-0001.txt"].read_bytes()
    assert "Exported to" in seen["status"]


def test_a_read_only_desk_hides_the_keys_that_change_the_archive(desk: Desk) -> None:
    file_docs(desk, desk.folder / "incoming")
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_archive(pilot)
        await press(pilot, "tab")
        seen["text"] = screen_text(pilot.app)
        seen["allowed"] = {
            action: screen.check_action(action, ())
            for action in ("refile", "attach", "file_new", "export", "preview")
        }
        await press(pilot, "f")
        seen["screen"] = type(pilot.app.screen).__name__

    desk.run(body, read_only=True)
    allowed = seen["allowed"]
    assert allowed["refile"] is False and allowed["attach"] is False
    assert allowed["file_new"] is False
    assert allowed["export"] and allowed["preview"]
    assert "Re-file" not in seen["text"] and "Export" in seen["text"]
    assert seen["screen"] == "ArchiveScreen"


def test_every_archive_entry_is_an_action_and_the_palette_finds_it(desk: Desk) -> None:
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_archive(pilot)
        seen["missing"] = [
            entry.action
            for entry in palette_of(ARCHIVE)
            if not hasattr(screen, f"action_{entry.action_name()}")
        ]
        await press(pilot, "ctrl+p")
        await type_text(pilot, "Archive: export")
        await pilot.pause(0.3)
        seen["palette"] = screen_text(pilot.app)

    desk.run(body)
    assert seen["missing"] == []
    assert "Archive: export document" in seen["palette"]


@pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)
def test_the_archive_speaks_chinese(desk: Desk) -> None:
    file_docs(desk, desk.folder / "incoming")
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        await open_archive(pilot)
        seen["text"] = screen_text(pilot.app)

    desk.run(body)
    assert "质检报告" in seen["text"] and "装箱单" in seen["text"]
    assert ACME not in seen["text"] or "PO-2026-00004" in seen["text"]


def test_attach_moves_the_document_to_another_order(desk: Desk) -> None:
    file_docs(desk, desk.folder / "incoming")
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_archive(pilot)
        await type_text(pilot, "packing")
        await wait_for_search(pilot, screen)
        await press(pilot, "enter")
        await press(pilot, "a")
        field = pilot.app.screen.query_one("#prompt-input", Input)
        field.value = "PO-2026-00002"
        await press(pilot, "enter")
        await wait_for_search(pilot, screen)
        seen["orders"] = [row.document.order_no for row in screen.rows]

    desk.run(body)
    assert seen["orders"] == ["PO-2026-00002"]


def test_the_file_picker_files_marked_files_for_the_order(desk: Desk) -> None:
    from followup_tui.screens.archive.file_picker import FilePickerScreen

    folder = desk.folder / "new"
    folder.mkdir()
    (folder / "a-invoice.txt").write_text("COMMERCIAL INVOICE Invoice No: INV-9\n", "utf-8")
    (folder / "b-notes.txt").write_text("装箱单 20 cartons\n", "utf-8")
    seen: dict[str, Any] = {}

    # The tree reads folders in a worker that lives as long as the picker, so this test
    # waits with pauses while the picker is open, never for every worker to finish.
    async def drive(pilot: Pilot[Any]) -> None:
        await move_to(pilot, "PO-2026-00003")
        screen = await open_archive(pilot, "d")
        await press(pilot, "tab")
        await pilot.press("n")
        await pilot.pause(0.2)
        picker = pilot.app.screen
        assert isinstance(picker, FilePickerScreen)
        picker.marked.extend(sorted(folder.iterdir()))
        await pilot.press("enter")
        await pilot.pause(0.1)
        await wait_for_search(pilot, screen)
        seen["rows"] = sorted(row.document.filename for row in screen.rows)
        seen["text"] = screen_text(pilot.app)

    desk.run(drive)
    assert seen["rows"] == ["a-invoice.txt", "b-notes.txt"]
    assert "2 filed, 0 refused" in seen["text"] and "✓ a-invoice.txt" in seen["text"]


#: A company kinds table next to the desk's settings file that adds one kind.
COMPANY_KINDS = (
    '[[kind]]\nkey = "sample_card"\ntitle = { zh_CN = "样品卡", en = "Sample card" }\n'
    'keywords = ["sample card"]\n'
)


def choice_ids(pilot: Pilot[Any]) -> list[str]:
    """The ids the open choice dialog offers, in order."""
    from textual.widgets import OptionList

    options = pilot.app.screen.query_one("#choice-list", OptionList)
    return [str(options.get_option_at_index(i).id) for i in range(options.option_count)]


def test_the_kind_facet_and_refile_offer_the_companys_own_kinds(desk: Desk) -> None:
    (desk.folder / "document_kinds.toml").write_text(COMPANY_KINDS, encoding="utf-8")
    file_docs(desk, desk.folder / "incoming")
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        screen = await open_archive(pilot)
        await type_text(pilot, "packing")
        await wait_for_search(pilot, screen)
        await press(pilot, "tab", "k")  # the results have the keys; the search box types
        await settle(pilot)
        seen["facet"] = choice_ids(pilot)
        await press(pilot, "escape", "f")
        await settle(pilot)
        seen["refile"] = choice_ids(pilot)
        if "sample_card" in seen["refile"]:
            options = pilot.app.screen.query_one("#choice-list")
            options.highlighted = seen["refile"].index("sample_card")  # type: ignore[attr-defined]
            await press(pilot, "enter", "enter")  # the kind, then the order as it was
        else:
            await press(pilot, "escape")
        await wait_for_search(pilot, screen)
        seen["kinds"] = [row.document.kind for row in screen.rows]

    desk.run(body)
    assert "sample_card" in seen["facet"]
    assert "sample_card" in seen["refile"]
    assert seen["kinds"] == ["sample_card"]


def test_a_date_range_that_does_not_read_keeps_the_dialog_open(desk: Desk) -> None:
    """``r`` with a bad range used to close the dialog with a toast."""
    file_docs(desk, desk.folder / "incoming")
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        await open_archive(pilot)
        await press(pilot, "tab", "r")  # the results have the keys; the search box types
        prompt = pilot.app.screen
        assert isinstance(prompt, PromptScreen)
        await type_text(pilot, "2025-13..soon")
        await press(pilot, "enter")
        seen["open"] = pilot.app.screen is prompt
        seen["marked"] = prompt.query_one(Input).has_class("-invalid")
        seen["error"] = str(prompt.query_one("#prompt-error", Label).render())

    desk.run(body)
    assert seen["open"] and seen["marked"]
    assert "is not a date range" in seen["error"]
