"""Start-up of the desk on a 1,000,000-order store, against a minimal Textual app.

Method: each program is spawned on a fresh pseudo-terminal (``os.openpty``; stdin,
stdout and stderr on the slave; 120x35 set with ``TIOCSWINSZ``; ``TERM=xterm-256color``)
and the master is read until a marker appears in the bytes Textual writes; the time is
taken from just before ``Popen`` (so it includes the interpreter, imports, the store's
first queries and the first write of the frame), then the process group is killed.

* baseline (``benchmarks/baseline_app.py``): a cell of its table, ``BASE-000001``;
* desk first frame: the header, i.e. the store's file name ``orders-1000000.db``
  (drawn in the same segment as the title ``followup``);
* desk first rows: an order number from the queue, ``PO-20``.

Runs alternate baseline / desk, after one untimed warm-up of each (so both read
.pyc files and the store from the page cache); the figures are medians of ``--runs``.
The desk may draw its rows before its header (the first write of its screen is a
partial update), so "first rows" can come before "first frame"; both are reported.

Also printed: whether SQLAlchemy is imported on the way to the first rows, checked two
ways: by importing the modules the desk needs in a fresh interpreter, and by running the
real desk through ``desk_probe.py``, which records ``sys.modules`` at the moment the
queue hands its first rows to the table. ``--diagnose`` adds the desk run through
desk_probe.py as shipped, with the actor looked up without importing SQLAlchemy, and with
that plus the start-up workers started after the first frame (see desk_probe.py).

    .venv/bin/python benchmarks/bench_startup.py [--runs 9] [--diagnose]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from common import (
    FOLLOWUP,
    PYTHON,
    Figure,
    PtyRun,
    bench_env,
    build_store,
    contention,
    median,
    ms,
    print_figures,
    run_in_pty,
    write_figures,
)

HERE = Path(__file__).resolve().parent
BASELINE_MARKERS = {"paint": b";1H", "cell": b"BASE-000001"}
FIRST_FRAME_TARGET = 1.3
FIRST_ROWS_TARGET = 2.0


def desk_markers(store: Path) -> dict[str, bytes]:
    return {
        "paint": b";1H",
        "frame": store.name.encode(),
        "title": b"followup",
        "rows": b"PO-20",
    }


def baseline_run() -> PtyRun:
    return run_in_pty([PYTHON, str(HERE / "baseline_app.py")], BASELINE_MARKERS, until="cell")


def desk_run(store: Path, command: list[str] | None = None, **env: str) -> PtyRun:
    argv = command or [FOLLOWUP]
    return run_in_pty(
        [*argv, "--db", str(store), "--lang", "en"],
        desk_markers(store),
        until=("frame", "rows"),
        env=bench_env(env),
    )


def _need(run: PtyRun, what: str) -> PtyRun:
    if run.seconds is None:
        raise RuntimeError(f"{what}: marker not seen (saw {sorted(run.markers)})")
    return run


def import_check() -> bool:
    """True when importing what the desk needs before its first rows pulls SQLAlchemy."""
    code = (
        "import followup_tui.cli, followup_tui.app, followup_tui.screens.orders.queue, "
        "followup_tui.services.orders.queue, sys; print('sqlalchemy' in sys.modules)"
    )
    done = subprocess.run(
        [PYTHON, "-c", code], env=bench_env(), capture_output=True, text=True, check=True
    )
    return done.stdout.strip() == "True"


def probe_check(store: Path) -> dict[str, bool]:
    """What the real desk had imported when its first rows were handed to the table."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "probe.json"
        _need(desk_run(store, [PYTHON, str(HERE / "desk_probe.py"), str(report)]), "probe")
        if not report.exists():
            raise RuntimeError("desk_probe.py wrote no report (warm_store never called?)")
        return dict(json.loads(report.read_text())["loaded"])


def measure(store: Path, runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {
        "baseline": [],
        "baseline_paint": [],
        "frame": [],
        "rows": [],
        "desk_paint": [],
    }
    _need(baseline_run(), "baseline warm-up")
    _need(desk_run(store), "desk warm-up")
    for index in range(runs):
        base = _need(baseline_run(), "baseline")
        desk = _need(desk_run(store), "desk")
        times["baseline"].append(base.markers["cell"])
        times["baseline_paint"].append(base.markers["paint"])
        times["frame"].append(desk.markers["frame"])
        times["rows"].append(desk.markers["rows"])
        times["desk_paint"].append(desk.markers["paint"])
        print(
            f"  run {index + 1}/{runs}: baseline {ms(base.markers['cell'])}, "
            f"desk frame {ms(desk.markers['frame'])}, rows {ms(desk.markers['rows'])}",
            file=sys.stderr,
            flush=True,
        )
    return times


DIAGNOSES = {
    "as shipped (through desk_probe.py)": {},
    "actor without unit_of_work import": {"FOLLOWUP_PROBE_ACTOR_FIX": "1"},
    "actor fix + workers after 1st frame": {
        "FOLLOWUP_PROBE_ACTOR_FIX": "1",
        "FOLLOWUP_PROBE_DEFER": "1",
    },
}


def diagnose(store: Path, runs: int) -> dict[str, dict[str, float]]:
    """The desk through desk_probe.py with each switch set, interleaved run by run."""
    probe = [PYTHON, str(HERE / "desk_probe.py")]
    times: dict[str, dict[str, list[float]]] = {
        name: {"frame": [], "rows": []} for name in DIAGNOSES
    }
    with tempfile.TemporaryDirectory() as folder:
        for index in range(runs):
            for number, (name, env) in enumerate(DIAGNOSES.items()):
                report = str(Path(folder) / f"{number}-{index}.json")
                run = _need(desk_run(store, [*probe, report], **env), f"probe ({name})")
                times[name]["frame"].append(run.markers["frame"])
                times[name]["rows"].append(run.markers["rows"])
    return {
        name: {kind: median(values) for kind, values in kinds.items()}
        for name, kinds in times.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument(
        "--diagnose",
        action="store_true",
        help="also time the desk without its background SQLAlchemy warm-up",
    )
    parser.add_argument("--diagnose-runs", type=int, default=5)
    options = parser.parse_args()
    store = options.store or build_store().path

    before = contention()
    times = measure(store, options.runs)
    after = contention()
    baseline = median(times["baseline"])
    frame = median(times["frame"])
    rows = median(times["rows"])
    # The ratio is taken per run, against the baseline measured in the same run, and
    # the median of those is the figure: start-up times here swing between about 0.4 s
    # and 0.65 s from one spawn to the next (both programs alike), and a ratio of two
    # medians taken from different runs inherits that noise twice.
    frame_ratio = median([d / b for d, b in zip(times["frame"], times["baseline"], strict=True)])
    rows_ratio = median([d / b for d, b in zip(times["rows"], times["baseline"], strict=True)])
    alchemy_imported = import_check()
    probe = probe_check(store)

    print(f"start-up on {store.name}, medians of {options.runs} alternating runs, 120x35 pty")
    print(f"  baseline (static DataTable, 30x8): first paint of table  {ms(baseline)}")
    print(
        f"  desk: first paint of anything                           "
        f"{ms(median(times['desk_paint']))}"
    )
    print(
        f"  desk: first frame (header)                              {ms(frame)}  "
        f"= {frame / baseline:.2f}x the baseline's median; {frame_ratio:.2f}x per run"
    )
    print(
        f"  desk: first order rows                                  {ms(rows)}  "
        f"= {rows / baseline:.2f}x the baseline's median; {rows_ratio:.2f}x per run"
    )
    print(
        f"  desk: max(frame, rows)                                  "
        f"{ms(median([max(a, b) for a, b in zip(times['frame'], times['rows'], strict=True)]))}"
    )
    print("  runs (s): baseline " + " ".join(f"{v:.2f}" for v in times["baseline"]))
    print("            frame    " + " ".join(f"{v:.2f}" for v in times["frame"]))
    print("            rows     " + " ".join(f"{v:.2f}" for v in times["rows"]))
    print(f"  machine before: {before}")
    print(f"  machine after:  {after}")
    print(
        f"  sqlalchemy on first-rows path: {'yes' if alchemy_imported else 'no'} "
        "(fresh interpreter importing the desk's modules)"
    )
    loaded = [name for name, present in probe.items() if present]
    print(
        f"  loaded when the first rows were set (real desk): "
        f"{', '.join(loaded) if loaded else 'none of ' + ', '.join(probe)}"
    )

    figures = [
        Figure("startup baseline (median)", ms(baseline), "reference", None),
        Figure(
            "startup first frame / baseline (per run)",
            f"{frame_ratio:.2f}x ({ms(frame)})",
            f"<= {FIRST_FRAME_TARGET}x",
            frame_ratio <= FIRST_FRAME_TARGET,
        ),
        Figure(
            "startup first rows / baseline (per run)",
            f"{rows_ratio:.2f}x ({ms(rows)})",
            f"<= {FIRST_ROWS_TARGET}x",
            rows_ratio <= FIRST_ROWS_TARGET,
        ),
        Figure(
            "sqlalchemy on first-rows path",
            "yes" if alchemy_imported or probe.get("sqlalchemy") else "no",
            "no",
            not (alchemy_imported or probe.get("sqlalchemy")),
        ),
    ]
    if options.diagnose:
        result = diagnose(store, options.diagnose_runs)
        print(f"  diagnosis, medians of {options.diagnose_runs} interleaved runs (baseline above):")
        for name, values in result.items():
            print(
                f"    {name:<38} frame {ms(values['frame'])} "
                f"({values['frame'] / baseline:.2f}x), rows {ms(values['rows'])} "
                f"({values['rows'] / baseline:.2f}x)"
            )
            figures.append(
                Figure(
                    f"diag: {name}",
                    f"{values['frame'] / baseline:.2f}x / {values['rows'] / baseline:.2f}x",
                    "frame / rows",
                    None,
                )
            )
    print()
    print_figures(figures)
    write_figures("startup", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
