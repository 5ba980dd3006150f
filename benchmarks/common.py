"""Helpers the benchmark scripts share: medians, the 1M-order store, a quiet environment,
a pseudo-terminal runner and a cProfile summary.

Nothing here touches the home directory: every child process gets ``FOLLOWUP_CONFIG``
and ``FOLLOWUP_DATA_DIR`` pointing into ``benchmarks/out`` (gitignored).
"""

from __future__ import annotations

import contextlib
import cProfile
import fcntl
import io
import json
import os
import pstats
import resource
import select
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
OUT = BENCH / "out"
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")
FOLLOWUP = str(VENV_BIN / "followup")

ORDERS_1M = 1_000_000
STORE_1M = OUT / f"orders-{ORDERS_1M}.db"
DEMO_SEED = 7
DEMO_TARGET_S = 120.0
#: Where the time of the last ``followup demo --orders 1000000`` is kept, so a run that
#: reuses the store can still print it (marked as reused).
DEMO_TIMING = OUT / "demo-timing.json"

COLUMNS, ROWS = 120, 35


# --- statistics -------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` 0.95 for p95); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-fraction * len(ordered) // 1))))
    return float(ordered[rank - 1])


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def contention(busy: float = 0.05, samples: int = 5) -> str:
    """How busy the machine is: load averages, and the wall time a thread needs for
    ``busy`` seconds of CPU (1.0x on an idle core; other processes make it longer)."""
    ratios = []
    for _ in range(samples):
        wall, cpu = time.perf_counter(), time.thread_time()
        while time.thread_time() - cpu < busy:
            pass
        ratios.append((time.perf_counter() - wall) / busy)
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"load average {load}; CPU-bound thread ran at 1/{median(ratios):.2f} speed"


# --- environment ------------------------------------------------------------------------


def bench_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The children's environment: settings and data inside benchmarks/out, no home."""
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "data").mkdir(exist_ok=True)
    env = dict(os.environ)
    env.pop("FOLLOWUP_DB", None)
    env.update(
        {
            "FOLLOWUP_CONFIG": str(OUT / "config.toml"),
            "FOLLOWUP_DATA_DIR": str(OUT / "data"),
            "TERM": "xterm-256color",
            "COLUMNS": str(COLUMNS),
            "LINES": str(ROWS),
            "PYTHONDONTWRITEBYTECODE": "",
        }
    )
    env.pop("TEXTUAL", None)  # no devtools, no debug features
    env.pop("NO_COLOR", None)
    if extra:
        env.update(extra)
    return env


def use_bench_env() -> None:
    """Apply :func:`bench_env` to this process (for in-process benchmarks)."""
    os.environ.update(bench_env())


# --- the store --------------------------------------------------------------------------


def order_count(path: Path) -> int:
    """Orders in the store at ``path``; 0 when it is missing or unreadable."""
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            return int(connection.execute("SELECT count(*) FROM orders").fetchone()[0])
    except sqlite3.Error:
        return 0


@dataclass(frozen=True)
class StoreBuild:
    path: Path
    orders: int
    seconds: float | None  # None: no time known
    reused: bool
    cpu: float | None = None  # user + system CPU seconds of the demo command
    at: str | None = None  # when it was built


def _remove_store(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def build_store(orders: int = ORDERS_1M, path: Path | None = None) -> StoreBuild:
    """``followup --db FILE demo --orders N --seed 7`` unless FILE already holds N orders.

    The load is timed from spawn to exit (the whole command, start-up included); the
    time of a 1M load is remembered in ``out/demo-timing.json`` so a later run that
    reuses the store can still report it.
    """
    target = path or OUT / f"orders-{orders}.db"
    OUT.mkdir(parents=True, exist_ok=True)
    if order_count(target) == orders:
        recorded = json.loads(DEMO_TIMING.read_text()) if DEMO_TIMING.exists() else {}
        return StoreBuild(
            target,
            orders,
            recorded.get(str(orders)),
            reused=True,
            cpu=recorded.get(f"{orders}-cpu"),
            at=recorded.get(f"{orders}-at"),
        )
    _remove_store(target)
    command = [
        FOLLOWUP,
        "--db",
        str(target),
        "--lang",
        "en",
        "demo",
        "--orders",
        str(orders),
        "--seed",
        str(DEMO_SEED),
    ]
    print(f"building {target.name}: {' '.join(command[1:])}", file=sys.stderr, flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        command,
        env=bench_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise RuntimeError(
            f"followup demo failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    count = order_count(target)
    if count != orders:
        raise RuntimeError(f"{target} holds {count} orders, expected {orders}")
    recorded = json.loads(DEMO_TIMING.read_text()) if DEMO_TIMING.exists() else {}
    recorded[str(orders)] = seconds
    recorded[f"{orders}-cpu"] = cpu
    recorded[f"{orders}-at"] = time.strftime("%Y-%m-%d %H:%M:%S")
    DEMO_TIMING.write_text(json.dumps(recorded))
    return StoreBuild(target, orders, seconds, reused=False, cpu=cpu, at=recorded[f"{orders}-at"])


# --- pseudo-terminal runs ---------------------------------------------------------------


@dataclass(frozen=True)
class PtyRun:
    seconds: float | None  # spawn -> marker; None when the marker never came
    markers: dict[str, float]  # every marker seen, with its time
    output_bytes: int


def _set_size(fd: int, columns: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


def _answer_queries(master: int, chunk: bytes) -> None:
    """Reply to the terminal queries Textual may send, as a real terminal would.

    Textual asks for the cursor position / device attributes in some modes; answering
    keeps it from waiting on a reply that never comes.
    """
    if b"\x1b[6n" in chunk:
        os.write(master, b"\x1b[1;1R")
    if b"\x1b[c" in chunk:
        os.write(master, b"\x1b[?62;22c")


def run_in_pty(
    command: Sequence[str],
    markers: Mapping[str, bytes],
    *,
    until: str | Sequence[str],
    env: Mapping[str, str] | None = None,
    timeout: float = 120.0,
    columns: int = COLUMNS,
    rows: int = ROWS,
) -> PtyRun:
    """Spawn ``command`` on a pty of ``columns``x``rows``; time each marker's first
    appearance in its output (from just before spawn); kill it once every marker named
    in ``until`` has appeared. ``seconds`` is the time of the last of those.

    The output is scanned as raw bytes with every escape sequence left in, so a marker
    must be a run of text Textual writes in one piece (a cell's text, a header's title).
    """
    wanted = {until} if isinstance(until, str) else set(until)
    master, slave = os.openpty()
    _set_size(slave, columns, rows)
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=dict(env) if env is not None else bench_env(),
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    seen: dict[str, float] = {}
    buffer = bytearray()
    deadline = started + timeout
    try:
        while not wanted <= seen.keys():
            now = time.perf_counter()
            if now > deadline:
                break
            ready, _, _ = select.select([master], [], [], min(0.5, deadline - now))
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            stamp = time.perf_counter() - started
            _answer_queries(master, chunk)
            # Keep a tail of the previous chunk so a marker split across reads is found.
            tail = max((len(m) for m in markers.values()), default=0)
            window = bytes(buffer[-tail:]) + chunk if tail else chunk
            buffer.extend(chunk)
            for name, marker in markers.items():
                if name not in seen and marker in window:
                    seen[name] = stamp
    finally:
        _stop(process)
        os.close(master)
    done = wanted <= seen.keys()
    return PtyRun(max(seen[name] for name in wanted) if done else None, seen, len(buffer))


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill the child we spawned (and its process group, which only it is in)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- reporting --------------------------------------------------------------------------


def profiled(work: Callable[[], object], limit: int = 20) -> str:
    """cProfile of one call of ``work``: the top ``limit`` entries by cumulative time."""
    profile = cProfile.Profile()
    profile.runcall(work)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(limit)
    return out.getvalue()


@dataclass(frozen=True)
class Figure:
    """One figure of the report: its value, its target and whether it met it."""

    name: str
    value: str
    target: str
    passed: bool | None  # None: informational

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return "info"
        return "PASS" if self.passed else "FAIL"

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "value": self.value,
            "target": self.target,
            "verdict": self.verdict,
        }


def write_figures(name: str, figures: Sequence[Figure]) -> Path:
    """Leave the figures as JSON in benchmarks/out for run_all.py to collect."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"figures-{name}.json"
    path.write_text(json.dumps([figure.as_dict() for figure in figures], ensure_ascii=False))
    return path


def print_figures(figures: Sequence[Figure]) -> None:
    width = max((len(figure.name) for figure in figures), default=10)
    for figure in figures:
        print(f"  {figure.name:<{width}}  {figure.value:>24}  {figure.target:<22} {figure.verdict}")
