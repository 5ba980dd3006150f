"""The case detail's clock table lines up in both languages.

Labels were padded to 16 characters, and a Chinese character takes two cells: 受理,
解决方案 and 结案 ended in different columns, and so did everything after them.
"""

from __future__ import annotations

from typing import Any

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot

from followup_tui.screens.complaints.detail import ComplaintDetailScreen

from .desk_kit import Desk, press, screen_text, settle
from .test_complaint_screen import file_cases, open_triage

LABELS = {
    "en": ("acknowledgement", "resolution plan", "resolution"),
    "zh_CN": ("受理", "解决方案", "结案"),
}
DUE = {"en": "due ", "zh_CN": "到期 "}


def _columns(text: str, language: str) -> list[tuple[int, int]]:
    """For each clock line: the cell where its state starts and where "due" starts."""
    found = []
    for line in text.splitlines():
        stripped = line.lstrip()
        for label in LABELS[language]:
            if not stripped.startswith(f"{label} ") or DUE[language] not in line:
                continue
            start = len(line) - len(stripped) + len(label)
            rest = line[start:]
            state = start + len(rest) - len(rest.lstrip())
            found.append((cell_len(line[:state]), cell_len(line[: line.index(DUE[language])])))
            break
    return found


@pytest.mark.parametrize("desk", ["en", "zh_CN"], indirect=True)
def test_the_clock_labels_and_due_times_line_up(desk: Desk) -> None:
    file_cases(desk)
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        await open_triage(pilot)
        await press(pilot, "enter")
        for _ in range(100):
            if isinstance(pilot.app.screen, ComplaintDetailScreen):
                break
            await pilot.pause(0.02)
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        seen["text"] = screen_text(pilot.app)

    desk.run(body, size=(120, 70))  # the whole case, clocks included
    columns = _columns(seen["text"], desk.language)
    assert len(columns) == 3, seen["text"]
    assert len(set(columns)) == 1, columns
