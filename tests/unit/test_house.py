"""Layout is ruff format's to decide: no line is packed by hand to stay under a budget."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKERS = ("# fmt: " + "skip", "# fmt: " + "off")


def test_no_source_file_opts_out_of_the_formatter() -> None:
    packed = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("src", "tests", "benchmarks")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if any(marker in line for marker in MARKERS)
    ]
    assert packed == []
