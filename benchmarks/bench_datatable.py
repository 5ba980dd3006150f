"""Why the queue is not a DataTable: time to first paint as the row count grows.

Method: ``benchmarks/baseline_app.py --rows N`` (a Textual ``DataTable`` filled with N
rows of 8 short columns in ``on_mount``, the usual way) is spawned on a 120x35 pty
like in bench_startup.py and timed until the first row's first cell (``BASE-000001``)
is written. N = 10,000 (``--runs-10k``, default 3) and 100,000 (``--runs-100k``,
default 1: each run takes tens of seconds here).

For contrast the desk is timed the same way (spawn to the first order number on screen)
over a 100,000-order store (``benchmarks/out/orders-100000.db``, built with
``followup demo --orders 100000 --seed 7`` when missing) and over the 1,000,000-order
store: the desk's time should not depend on the row count.

    .venv/bin/python benchmarks/bench_datatable.py [--runs-10k 3] [--runs-100k 1]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from common import (
    FOLLOWUP,
    PYTHON,
    Figure,
    bench_env,
    build_store,
    contention,
    median,
    print_figures,
    run_in_pty,
    write_figures,
)

HERE = Path(__file__).resolve().parent


def datatable_first_paint(rows: int) -> float:
    run = run_in_pty(
        [PYTHON, str(HERE / "baseline_app.py"), "--rows", str(rows)],
        {"cell": b"BASE-000001"},
        until="cell",
        timeout=600,
    )
    if run.seconds is None:
        raise RuntimeError(f"DataTable with {rows:,} rows never painted its first row")
    return run.seconds


def desk_first_rows(store: Path) -> float:
    run = run_in_pty(
        [FOLLOWUP, "--db", str(store), "--lang", "en"],
        {"rows": b"PO-20"},
        until="rows",
        env=bench_env(),
    )
    if run.seconds is None:
        raise RuntimeError(f"the desk on {store.name} never showed an order")
    return run.seconds


def seconds(values: list[float]) -> str:
    return " ".join(f"{value:.2f}" for value in values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs-10k", type=int, default=3)
    parser.add_argument("--runs-100k", type=int, default=1)
    parser.add_argument("--desk-runs", type=int, default=3)
    options = parser.parse_args()

    print(f"machine: {contention()}", file=sys.stderr)
    small = build_store(100_000)
    big = build_store()
    desk_small: list[float] = []
    desk_big: list[float] = []
    desk_first_rows(small.path)  # warm-up: page cache and .pyc
    for _ in range(options.desk_runs):
        desk_small.append(desk_first_rows(small.path))
        desk_big.append(desk_first_rows(big.path))

    table_10k = [datatable_first_paint(10_000) for _ in range(options.runs_10k)]
    table_100k = [datatable_first_paint(100_000) for _ in range(options.runs_100k)]

    print("first paint of the rows, spawn -> first row on a 120x35 pty (medians; runs in s)")
    print(f"  DataTable,  10,000 rows: {median(table_10k):7.2f} s   [{seconds(table_10k)}]")
    print(f"  DataTable, 100,000 rows: {median(table_100k):7.2f} s   [{seconds(table_100k)}]")
    print(f"  desk,  100,000 orders:   {median(desk_small):7.2f} s   [{seconds(desk_small)}]")
    print(f"  desk, 1,000,000 orders:  {median(desk_big):7.2f} s   [{seconds(desk_big)}]")
    ratio = median(desk_big) / median(desk_small)
    print(
        f"  desk 1M / desk 100k: {ratio:.2f}x (the queue does not grow with the store); "
        f"DataTable 100k / 10k: {median(table_100k) / median(table_10k):.1f}x"
    )
    print(f"  machine: {contention()}")

    figures = [
        Figure(
            "DataTable 100k rows first paint",
            f"{median(table_100k):.1f} s",
            "info (tens of s)",
            None,
        ),
        Figure("DataTable 10k rows first paint", f"{median(table_10k):.1f} s", "info", None),
        Figure(
            "desk first rows 100k / 1M orders",
            f"{median(desk_small):.2f} s / {median(desk_big):.2f} s",
            "independent of size",
            abs(ratio - 1) < 0.25,
        ),
    ]
    print()
    print_figures(figures)
    write_figures("datatable", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
