"""Label columns in plain text, measured in terminal cells.

``f"{label:<16}"`` pads by characters, and a Chinese character takes two cells: 受理
and 解决方案 padded to 16 characters end 4 cells apart, so the values after them do
not line up. Every label column is padded here, by ``rich.cells.cell_len``.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len

#: Blank cells between a label column and what follows it.
LABEL_GAP = 2


def label_width(labels: Iterable[str], gap: int = LABEL_GAP) -> int:
    """Cells of a column holding each of ``labels`` followed by ``gap`` blank cells."""
    return max((cell_len(label) for label in labels), default=0) + gap


def pad_label(label: str, width: int) -> str:
    """``label`` followed by blanks up to ``width`` cells (at least one blank)."""
    return label + " " * max(1, width - cell_len(label))
