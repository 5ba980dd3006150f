"""Every main screen of the desk, in Chinese, shows no English that is not data.

A string that does not pass through the catalog shows up in the Chinese desk as an
English word. Each screen is opened on the test store, its text read as the clerk
sees it, and every ASCII word in it must be something the store holds (customers,
products, clerks, order numbers, units, currencies), an id, a key name or a unit.
The triage is also re-sorted once (its timer's path), since that ran in a thread that
had lost the desk's language, and its facets and legend turned English.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from followup_tui.screens.complaints.triage import ComplaintQueueScreen
from followup_tui.screens.timeline.review import ReviewScreen

from .desk_kit import Desk, open_queue, press, screen_text, settle
from .test_archive_screen import file_docs, open_archive
from .test_complaint_analysis_screen import loaded
from .test_complaint_screen import file_cases, open_triage
from .test_detail import open_detail
from .test_timeline_screen import open_timeline

#: Words that are not language: key names, units and marks the desk shows as they are.
NOT_WORDS = frozenset(
    {
        *("esc", "enter", "tab", "space", "ctrl", "shift", "PgUp", "PgDn", "Home", "End"),
        *("pcs", "kg", "CNY", "USD", "EUR", "PO", "desk", "db", "txt", "AQL", "QC"),
        *("ETD", "ETA", "ID", "vs"),
        *("EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP"),
    }
)
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")


def data_words(desk: Desk) -> set[str]:
    """Every ASCII word of what the store holds: it is shown as typed, in any language."""
    from sqlalchemy import text

    words: set[str] = set()
    with desk.store().read() as session:
        for sql in (
            "SELECT name FROM customers",
            "SELECT name || ' ' || spec FROM products",
            "SELECT owner FROM orders",
            "SELECT order_no || ' ' || customer_po || ' ' || unit || ' ' || currency FROM orders",
            "SELECT title || ' ' || filename || ' ' || filed_by FROM documents",
            "SELECT body FROM document_texts",
            "SELECT description || ' ' || contact || ' ' || grade_reason FROM complaints",
            "SELECT body || ' ' || author FROM notes",
            "SELECT product || ' ' || spec || ' ' || unit || ' ' || currency FROM order_lines",
        ):
            for (value,) in session.execute(text(sql)):
                words.update(WORD.findall(value or ""))
    words.add("tester")  # the test's clerk, in the header
    return words


async def queue(pilot: Pilot[Any]) -> None:
    await settle(pilot)


async def detail(pilot: Pilot[Any]) -> None:
    await open_detail(pilot, open_queue()[0].order_no)


async def timeline(pilot: Pilot[Any]) -> None:
    await open_timeline(pilot)


async def review(pilot: Pilot[Any]) -> None:
    await open_timeline(pilot)
    await press(pilot, "w")
    for _ in range(100):
        if isinstance(pilot.app.screen, ReviewScreen) and pilot.app.screen.review is not None:
            break
        await pilot.pause(0.02)
    await settle(pilot)


async def triage(pilot: Pilot[Any]) -> None:
    screen = await open_triage(pilot)
    assert isinstance(screen, ComplaintQueueScreen)
    screen._poll()  # the refresh timer's re-sort, in its thread
    await pilot.pause(0.3)
    await settle(pilot)


async def case(pilot: Pilot[Any]) -> None:
    await open_triage(pilot)
    await press(pilot, "enter")
    await pilot.pause(0.3)
    await settle(pilot)


async def archive(pilot: Pilot[Any]) -> None:
    await open_archive(pilot)


async def analysis(pilot: Pilot[Any]) -> None:
    await open_triage(pilot)
    await press(pilot, "a")
    await loaded(pilot)


SCREENS: dict[str, Callable[[Pilot[Any]], Awaitable[None]]] = {
    "queue": queue,
    "detail": detail,
    "timeline": timeline,
    "review": review,
    "triage": triage,
    "case": case,
    "archive": archive,
    "analysis": analysis,
}


@pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)
@pytest.mark.parametrize("name", list(SCREENS))
def test_a_chinese_screen_shows_no_english_words(desk: Desk, name: str) -> None:
    file_cases(desk)
    file_docs(desk, desk.folder / "incoming")
    seen: dict[str, str] = {}

    async def body(pilot: Pilot[Any]) -> None:
        await SCREENS[name](pilot)
        seen["text"] = screen_text(pilot.app)

    desk.run(body)
    allowed = NOT_WORDS | data_words(desk)
    english = sorted(
        {
            word
            for word in WORD.findall(seen["text"])
            if len(word) > 1  # a key of the footer: k, p, ...
            and word not in allowed
            # cut short by a column's ellipsis ("app.qu…")
            and not any(known.startswith(word) for known in allowed)
        }
    )
    lines = [line for line in seen["text"].splitlines() if any(w in line for w in english)]
    assert english == [], (english, lines)
