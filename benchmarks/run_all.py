"""Every performance figure of the desk, with its target and PASS/FAIL (``make bench``).

1. ``followup demo --orders 1000000`` builds ``benchmarks/out/orders-1000000.db`` and
   is timed (target < 120 s). An existing store with a million orders is reused and the
   time recorded when it was built is printed; ``--fresh-demo`` rebuilds it.
2. bench_startup.py: first frame and first rows against a minimal Textual app.
3. bench_keys.py: in-process key latency and peak RSS.
4. bench_datatable.py: Textual's DataTable with 10k and 100k rows, and the desk on
   100k and 1M orders.
5. bench_timeline.py: the timeline on 10,000 planned orders with 11 milestones each
   (``benchmarks/out/timeline-10k.db``, built once; ``bench_timeline.py --fresh``
   rebuilds it): the read, opening it, redraws after a scroll or zoom, a shift.
6. bench_complaints.py: the complaint triage on 100,000 complaints, 20,000 open
   (``benchmarks/out/complaints-100k.db``, built once; ``--fresh`` rebuilds it): the
   queue opening, a refresh of every open clock, the alerts, the triage screen.
7. bench_search.py: archive search on 1,000,000 synthetic documents
   (``benchmarks/out/archive-1m.db``, built once; ``--fresh`` rebuilds it): a page of
   hits for an English word, 2- and 4-character Chinese and an order number, the index
   size against the text, filing 1,000 text files.

Each benchmark runs in its own process (so RSS and imports are its own) and leaves its
figures in ``benchmarks/out/figures-*.json``; this script prints them together. The
scripts print figures; nothing here asserts, and the exit status is 0 unless a script
crashed.

    .venv/bin/python benchmarks/run_all.py [--fresh-demo] [--quick]
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from common import (
    DEMO_TARGET_S,
    OUT,
    PYTHON,
    STORE_1M,
    Figure,
    build_store,
    contention,
    print_figures,
)

HERE = Path(__file__).resolve().parent


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> str:
    import os

    import textual

    return (
        f"{os.cpu_count()} CPUs ({cpu_model()}), Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, Textual {textual.__version__}"
    )


def demo_figure(fresh: bool) -> Figure:
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{STORE_1M}{suffix}").unlink(missing_ok=True)
    build = build_store()
    if build.seconds is None:
        return Figure("demo --orders 1000000", "reused, time unknown", "< 120 s", None)
    note = f" (CPU {build.cpu:.0f} s)" if build.cpu is not None else ""
    if build.reused:
        note += f" [recorded {build.at}]" if build.at else " [recorded earlier]"
    return Figure(
        "demo --orders 1000000",
        f"{build.seconds:.1f} s{note}",
        f"< {DEMO_TARGET_S:.0f} s",
        build.seconds < DEMO_TARGET_S,
    )


def run(script: str, *arguments: str) -> list[Figure]:
    figures_file = OUT / f"figures-{script.removeprefix('bench_')}.json"
    figures_file.unlink(missing_ok=True)
    print(f"\n=== {script} {' '.join(arguments)}", flush=True)
    started = time.perf_counter()
    done = subprocess.run([PYTHON, str(HERE / f"{script}.py"), *arguments], check=False)
    print(f"=== {script}: {time.perf_counter() - started:.0f} s", flush=True)
    if done.returncode != 0 or not figures_file.exists():
        return [Figure(script, f"crashed ({done.returncode})", "-", False)]
    return [
        Figure(
            item["name"],
            item["value"],
            item["target"],
            None if item["verdict"] == "info" else item["verdict"] == "PASS",
        )
        for item in json.loads(figures_file.read_text())
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--fresh-demo",
        action="store_true",
        help="rebuild the 1M store to time `followup demo` in this run",
    )
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a smoke test")
    options = parser.parse_args()
    started = time.perf_counter()
    print(f"machine: {machine()}")
    print(f"at start: {contention()}", flush=True)

    figures = [demo_figure(options.fresh_demo)]
    print(f"\n=== demo: {figures[0].value}", flush=True)
    quick = options.quick
    figures += run(
        "bench_startup",
        "--runs",
        "3" if quick else "9",
        "--diagnose",
        "--diagnose-runs",
        "2" if quick else "5",
    )
    figures += run("bench_keys", "--rounds", "1" if quick else "2")
    figures += run(
        "bench_datatable",
        "--runs-10k",
        "1" if quick else "3",
        "--runs-100k",
        "1",
        "--desk-runs",
        "2" if quick else "3",
    )
    figures += run("bench_timeline", *(["--quick"] if quick else []))
    figures += run("bench_complaints", *(["--quick"] if quick else []))
    figures += run("bench_search", *(["--quick"] if quick else []))

    print(f"\n=== report ({time.perf_counter() - started:.0f} s in all)")
    print(f"machine: {machine()}")
    print(f"at end: {contention()}")
    print_figures(figures)
    failed = [figure.name for figure in figures if figure.passed is False]
    print(
        f"\n{len(failed)} of {sum(f.passed is not None for f in figures)} targets missed"
        + (": " + ", ".join(failed) if failed else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
