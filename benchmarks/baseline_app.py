"""The start-up baseline: the smallest Textual app that shows a static table.

No Header, no Footer, no CSS file: one ``DataTable`` of 30 rows by 8 columns of short
text. ``bench_startup.py`` times this app from spawn to the first paint of its table
and compares the desk against it. ``--rows N`` makes the same app with N rows, which
``bench_datatable.py`` uses to show what a DataTable costs as the row count grows.

Run it yourself: ``.venv/bin/python benchmarks/baseline_app.py`` (ctrl+q quits).
"""

from __future__ import annotations

import argparse

from textual.app import App, ComposeResult
from textual.widgets import DataTable

COLUMNS = ("No.", "Customer", "Product", "Qty", "Unit", "Due", "Status", "Owner")
#: A cell of the first row, which bench scripts look for in the terminal output.
FIRST_CELL = "BASE-000001"


def row(index: int) -> tuple[str, ...]:
    return (
        f"BASE-{index + 1:06d}",
        f"Cust {index % 17}",
        f"Prod {index % 11}",
        str(100 + index % 900),
        "pcs",
        f"2026-12-{1 + index % 28:02d}",
        "open",
        f"user{index % 5}",
    )


class BaselineApp(App[None]):
    def __init__(self, rows: int = 30) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield DataTable(id="table")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.add_rows(row(index) for index in range(self.rows))
        table.focus()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=30)
    BaselineApp(parser.parse_args().rows).run()


if __name__ == "__main__":
    main()
