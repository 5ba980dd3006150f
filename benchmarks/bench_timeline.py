"""The timeline on 10,000 open orders with 11 milestones each: read, open, redraw, shift.

The store, ``benchmarks/out/timeline-10k.db``, is built once and reused (``--fresh``
rebuilds it). The demo plans an open order with export-sea (11 milestones) only when
its customer is abroad, and most demo customers are Chinese (domestic, 9 milestones),
so it is built in four steps:

1. ``load_demo(orders=23000, seed=7, today=2026-11-27)`` into a new store;
2. in one write, every customer's country becomes ``DE``, every plan is dropped and the
   demo's own planner (``plan_demo_orders``, same seed and day) plans every open order
   again, now all export-sea (about 10,500). Names and languages stay as loaded;
3. the plans of a seeded random sample of the surplus are dropped (those orders stay
   open, unplanned, so the timeline does not show them): exactly 10,000 planned
   orders, 110,000 milestones and 110,000 links;
4. the confirmed order whose plan starts latest gets its confirmation back to not done.
   (materials has nine successors): the store's one milestone with ten, shifted below.

The clock is fixed at 2026-11-27 10:00 in Shanghai for the build, the reads and the app.

* ``load_timeline``: median of 5 after a warm-up; then one read under ``tracemalloc``:
  the memory the rows keep (traced after the read, rows alive) and the peak.
* Open: the desk as the tests build it, in ``app.run_test(size=(120, 35))``; from
  ``push_screen(TimelineScreen())`` until the Gantt holds its first page of rows (polled
  every 2 ms), to the first frame after that, and until every order is read (info).
* Redraw: one of the Gantt's key actions, then ``render_line(y)`` for every line of its
  height; 100 each after page down, zoom and a week's scroll (see :func:`redraws`).
* Shift: ``timeline_plans.shift(ctx, milestone_id, by_days=+10/-10)`` alternately, 50
  times after a warm-up pair, with the write, the change log and the re-read of the
  order. Ten business days, because a plan's buffers (6 days) absorb a short shift: by
  one day (``<``/``>``, printed too) 3 milestones move, by ten all 11 do.

A cProfile of what misses its target is printed (``--profile``: of everything).
    .venv/bin/python benchmarks/bench_timeline.py [--fresh] [--quick] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import pwd
import random
import resource
import sqlite3
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench_keys import Recorder, install_frame_hook, wait_for_workers
from common import (
    COLUMNS,
    DEMO_SEED,
    OUT,
    ROWS,
    Figure,
    contention,
    median,
    ms,
    percentile,
    print_figures,
    profiled,
    use_bench_env,
    write_figures,
)

STORE = OUT / "timeline-10k.db"
DEMO_ORDERS, PLANNED_ORDERS = 23_000, 10_000
TEMPLATE, SHIFTED = "export-sea", "confirmation"
TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
OPEN_TARGET_S, REDRAW_TARGET_S, SHIFT_TARGET_S = 1.0, 0.050, 0.100
SHIFT_DAYS = 10  # business days: more than the plan's 6 days of buffers
POLL_S = 0.002
OPEN_ORDERS = "status NOT IN ('draft', 'closed', 'cancelled')"


def fixed_clock() -> datetime:
    return NOW


def open_ctx() -> Any:
    from followup_tui.store.location import parse_store
    from followup_tui.store.unit_of_work import open_store

    return open_store(parse_store(str(STORE)), actor="bench", clock=fixed_clock)


def successors(template: str, key: str) -> set[str]:
    """Every milestone of ``template`` that (transitively) waits for ``key``."""
    from followup_tui.domain.timeline.milestones import load_template

    links = load_template(template).links
    found = {key}
    while grown := {x.successor for x in links if x.predecessor in found} - found:
        found |= grown
    return found - {key}


# --- the store --------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    orders: int  # planned open orders
    milestones: int
    links: int
    milestone_id: int  # the one to shift (step 4)
    order_no: str
    built_in: float | None = None  # seconds; None when reused


def prepared(built_in: float | None = None) -> Prepared:
    """What the store holds; LookupError when it lacks the milestone to shift."""
    with sqlite3.connect(f"file:{STORE}?mode=ro", uri=True) as connection:
        counts = connection.execute(
            f"SELECT (SELECT count(*) FROM orders WHERE template IS NOT NULL AND {OPEN_ORDERS}),"
            " (SELECT count(*) FROM milestones), (SELECT count(*) FROM milestone_links)"
        ).fetchone()
        target = connection.execute(
            "SELECT m.id, o.order_no FROM milestones m JOIN orders o ON o.id = m.order_id"
            " WHERE m.key = ? AND o.template = ? AND NOT EXISTS (SELECT 1 FROM milestones x"
            " WHERE x.order_id = m.order_id AND x.status <> 'planned') LIMIT 1",
            (SHIFTED, TEMPLATE),
        ).fetchone()
    connection.close()
    if target is None:
        raise LookupError(f"no not-done {SHIFTED} milestone to shift")
    return Prepared(counts[0], counts[1], counts[2], target[0], target[1], built_in)


def build_store(fresh: bool) -> Prepared:
    """The 10k-order store (see the module docstring), reused when it is complete."""
    from followup_tui.demo.dataset import load_demo
    from followup_tui.demo.plans import plan_demo_orders
    from followup_tui.store.schema import upgrade

    if not fresh and STORE.exists():
        try:
            return prepared()
        except (sqlite3.Error, LookupError):
            pass
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{STORE}{suffix}").unlink(missing_ok=True)
    print(
        f"building {STORE.name}: {DEMO_ORDERS} demo orders, planned {TEMPLATE}",
        file=sys.stderr,
        flush=True,
    )
    started = time.perf_counter()
    ctx = open_ctx()
    try:
        upgrade(ctx.engine)
        load_demo(ctx, orders=DEMO_ORDERS, seed=DEMO_SEED, today=TODAY)
        with ctx.write() as session:  # step 2
            connection = session.connection()
            for sql in (
                "UPDATE customers SET country = 'DE'",
                "DELETE FROM milestone_links",
                "DELETE FROM milestones",
                "UPDATE orders SET template = NULL",
            ):
                connection.exec_driver_sql(sql)
            plan_demo_orders(connection, ctx.calendar, TODAY, DEMO_SEED)
    finally:
        ctx.dispose()
    trim_and_prepare()
    return prepared(time.perf_counter() - started)


def trim_and_prepare() -> None:
    """Steps 3 and 4, on a plain ``sqlite3`` connection, which leaves foreign keys
    unchecked: with them checked, every deleted milestone scans all the links (30 s)."""
    with sqlite3.connect(STORE) as connection:
        run = connection.execute
        planned = [
            row[0]
            for row in run(
                f"SELECT id FROM orders WHERE template IS NOT NULL AND {OPEN_ORDERS} ORDER BY id"
            )
        ]
        surplus = max(0, len(planned) - PLANNED_ORDERS)
        dropped = random.Random(DEMO_SEED).sample(planned, surplus)
        run("CREATE TEMP TABLE dropped (id INTEGER PRIMARY KEY)")
        connection.executemany("INSERT INTO dropped VALUES (?)", [(i,) for i in dropped])
        run("DELETE FROM milestone_links WHERE order_id IN (SELECT id FROM dropped)")
        run("DELETE FROM milestones WHERE order_id IN (SELECT id FROM dropped)")
        run("UPDATE orders SET template = NULL WHERE id IN (SELECT id FROM dropped)")
        (milestone_id,) = run(
            "SELECT m.id FROM milestones m JOIN orders o ON o.id = m.order_id"
            " WHERE m.key = ? AND o.status = 'confirmed' AND o.held_from IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM milestones x WHERE x.order_id = m.order_id"
            " AND x.key <> ? AND x.status <> 'planned')"
            " ORDER BY m.planned_start DESC, m.id LIMIT 1",
            (SHIFTED, SHIFTED),
        ).fetchone()
        run(
            "UPDATE milestones SET actual_start = NULL, actual_end = NULL, status = 'planned'"
            " WHERE id = ?",
            (milestone_id,),
        )
    connection.close()


# --- services ---------------------------------------------------------------------------


@dataclass
class Services:
    load: list[float] = field(default_factory=list)  # seconds per load_timeline
    rows: tuple[int, int, int] = (0, 0, 0)  # orders, milestones, slipping orders
    memory_mb: tuple[float, float] = (0.0, 0.0)  # kept by the rows, peak of the read
    shifts: tuple[list[float], list[int]] = ([], [])  # seconds, milestones moved
    steps: tuple[list[float], list[int]] = ([], [])  # the same, by one day


def is_slipping(row: Any) -> bool:
    """Whether the read projects the order from today: a milestone that should have
    started or finished by today and has not."""
    return any(
        bar.actual_end is None
        and (bar.planned_end < TODAY or (bar.actual_start is None and bar.planned_start < TODAY))
        for bar in row.milestones
    )


def time_shifts(
    ctx: Any, milestone_id: int, days: int, count: int
) -> tuple[list[float], list[int]]:
    """Seconds per shift (+days, -days, ...) and the milestones each moved."""
    from followup_tui.services.timeline.plans import shift

    for by_days in (days, -days):  # warm-up: SQLAlchemy compiles its statements once
        shift(ctx, milestone_id, by_days=by_days)
    times, moved = [], []
    for index in range(count):
        started = time.perf_counter()
        result = shift(ctx, milestone_id, by_days=days if index % 2 == 0 else -days)
        times.append(time.perf_counter() - started)
        moved.append(len(result.moved))
    if count % 2:  # back where it was
        shift(ctx, milestone_id, by_days=-days)
    return times, moved


def measure_services(store: Prepared, runs: int, shifts: int, profile: bool) -> Services:
    from followup_tui.services.timeline.read import load_timeline

    done = Services()
    ctx = open_ctx()
    try:
        rows = load_timeline(ctx, TODAY)  # warm-up
        for _ in range(runs):
            del rows
            gc.collect()
            started = time.perf_counter()
            rows = load_timeline(ctx, TODAY)
            done.load.append(time.perf_counter() - started)
        milestones = sum(len(row.milestones) for row in rows)
        done.rows = (len(rows), milestones, sum(map(is_slipping, rows)))
        del rows
        gc.collect()
        tracemalloc.start()
        rows = load_timeline(ctx, TODAY)
        gc.collect()
        kept, peak = tracemalloc.get_traced_memory()
        done.memory_mb = (kept / 2**20, peak / 2**20)
        tracemalloc.stop()
        del rows
        done.shifts = time_shifts(ctx, store.milestone_id, SHIFT_DAYS, shifts)
        done.steps = time_shifts(ctx, store.milestone_id, 1, shifts)
        if profile or median(done.load) > OPEN_TARGET_S:
            print("load_timeline, cProfile:\n" + profiled(lambda: load_timeline(ctx, TODAY)))
        if profile or median(done.shifts[0]) > SHIFT_TARGET_S:
            print(
                "shift, cProfile:\n"
                + profiled(lambda: time_shifts(ctx, store.milestone_id, SHIFT_DAYS, 2))
            )
    finally:
        ctx.dispose()
    return done


# --- the app ----------------------------------------------------------------------------


@dataclass
class Opening:
    rows: float  # push -> the Gantt holds its first rows (the first page)
    frame: float | None  # push -> the first frame after that
    whole: float = float("nan")  # push -> every order read and in the Gantt


@dataclass
class AppFigures:
    cold: Opening | None = None  # the first open in the process
    opens: list[Opening] = field(default_factory=list)
    costs: dict[str, list[float]] = field(default_factory=dict)  # parts of each open
    redraws: dict[str, list[float]] = field(default_factory=dict)
    shown: tuple[int, int] = (0, 0)  # orders in the Gantt, lines drawn per redraw
    profile: str = ""


def install_open_hooks(costs: dict[str, list[float]]) -> None:
    """Time the screen's read (its worker) and ``GanttView.set_rows`` (the UI thread)."""
    from followup_tui.services.timeline import read as timeline_read
    from followup_tui.widgets.gantt import GanttView

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            result = function(*args, **kwargs)
            if name == "read" or args[1]:  # not the constructor's empty rows
                key = "read page" if kwargs.get("limit") else name
                costs.setdefault(key, []).append(time.perf_counter() - started)
            return result

        return wrapper

    timeline_read.load_timeline = timed("read", timeline_read.load_timeline)
    GanttView.set_rows = timed("set_rows", GanttView.set_rows)  # type: ignore[method-assign]


async def open_timeline(app: Any, recorder: Recorder) -> tuple[Opening, Any]:
    """Push the timeline; time it to the loaded Gantt and to the frame after that."""
    from followup_tui.screens.timeline.timeline import TimelineScreen

    screen = TimelineScreen()
    started = time.perf_counter()
    app.push_screen(screen)
    gantt = None
    while gantt is None or not gantt.rows:
        await asyncio.sleep(POLL_S)
        found = screen.query("#gantt") if app.screen is screen else None
        gantt = found.first() if found else None
        if time.perf_counter() > started + 60:
            raise TimeoutError("the timeline never showed its rows")
    loaded = time.perf_counter()
    since = len(recorder.frames)
    while len(recorder.frames) == since and time.perf_counter() < loaded + 5:
        await asyncio.sleep(POLL_S)
    frames = recorder.frames[since:]
    while not screen.complete and time.perf_counter() < started + 60:
        await asyncio.sleep(POLL_S)
    first_frame = frames[0].at - started if frames else None
    return Opening(loaded - started, first_frame, time.perf_counter() - started), gantt


def time_redraw(gantt: Any, action: Callable[[], None]) -> float | None:
    """A key's action, then every visible line drawn, as the next frame draws them;
    None when the action changed nothing (at an end of the rows or the axis)."""
    before = (gantt.scroll_offset, gantt.zoom)
    started = time.perf_counter()
    action()
    for y in range(gantt.scrollable_content_region.height):
        gantt.render_line(y)
    elapsed = time.perf_counter() - started
    return None if (gantt.scroll_offset, gantt.zoom) == before else elapsed


async def redraws(pilot: Any, gantt: Any, count: int) -> dict[str, list[float]]:
    """Redraws after a page down, a zoom change and a week's scroll, ``count`` each.

    The Gantt keeps drawn lines by (row, left column, width), so each series draws
    lines it has not drawn before, as a clerk reading through the plan does: pages down
    from the top; zoom out, in, in, out (a zoom drops the kept lines); a week at a time
    across the axis and back, with an untimed page down at either end so the rows are
    new. The app draws its own frame (untimed) before each redraw.
    """
    kinds = {
        "page down": [gantt.action_page_down],
        "zoom": [
            gantt.action_zoom_out,
            gantt.action_zoom_in,
            gantt.action_zoom_in,
            gantt.action_zoom_out,
        ],
        "scroll a week": [gantt.action_scroll_right, gantt.action_scroll_left],
    }
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    gantt.action_first()
    for kind, actions in kinds.items():
        turns = tries = 0
        while len(times[kind]) < count and tries < 2 * count:
            tries += 1
            await pilot.pause()
            action = actions[(tries - 1 if kind == "zoom" else turns) % len(actions)]
            elapsed = time_redraw(gantt, action)
            if elapsed is not None:
                times[kind].append(elapsed)
            elif kind == "scroll a week":  # at an end of the axis: turn back, on new rows
                turns += 1
                gantt.action_page_down()
    return times


async def run_app(opens: int, redraw_count: int, profile: bool) -> AppFigures:
    from followup_tui.app import make_app
    from followup_tui.config import Config
    from followup_tui.desk_settings import DeskSettings
    from followup_tui.i18n import use_language
    from followup_tui.store.location import parse_store

    use_language("en")
    settings = DeskSettings(
        location=parse_store(str(STORE)),
        config=Config(),
        config_path=OUT / "config.toml",
        language="en",
    )
    app = make_app(settings, clock=fixed_clock, actor=pwd.getpwuid(os.geteuid()).pw_name)
    figures, recorder = AppFigures(), Recorder()
    install_open_hooks(figures.costs)
    async with app.run_test(size=(COLUMNS, ROWS)) as pilot:
        install_frame_hook(app, lambda: SimpleNamespace(source=None), recorder)  # no table
        await pilot.pause()
        await wait_for_workers(app)
        for index in range(opens + 1):
            if index:
                app.pop_screen()
                await pilot.pause()
            opening, gantt = await open_timeline(app, recorder)
            await wait_for_workers(app)
            await pilot.pause()
            figures.opens.append(opening)
        figures.cold = figures.opens.pop(0)
        figures.shown = (len(gantt.rows), gantt.scrollable_content_region.height)
        if profile or median([o.rows for o in figures.opens]) > OPEN_TARGET_S:
            rows = list(gantt.rows)
            figures.profile = "GanttView.set_rows, cProfile:\n" + profiled(
                lambda: gantt.set_rows(rows)
            )
        figures.redraws = await redraws(pilot, gantt, redraw_count)
        if profile or any(median(v) > REDRAW_TARGET_S for v in figures.redraws.values()):
            actions = (gantt.action_page_down, gantt.action_zoom_in, gantt.action_zoom_out)
            figures.profile += "redraws, cProfile:\n" + profiled(
                lambda: [time_redraw(gantt, action) for action in actions * 5], 25
            )
    return figures


# --- report -----------------------------------------------------------------------------


def spread(values: list[float]) -> str:
    return f"{ms(median(values))} / {ms(percentile(values, 0.95))}"


def report(store: Prepared, done: Services, app: AppFigures) -> list[Figure]:
    """Print the details; return the figures."""
    built = "reused" if store.built_in is None else f"built in {store.built_in:.1f} s"
    orders, milestones, slipping = done.rows
    opened = [o.rows for o in app.opens]
    print(
        f"timeline on {STORE.name} ({built}): {store.orders} planned orders, "
        f"{store.milestones} milestones, {store.links} links; today {TODAY}"
    )
    print(
        f"  load_timeline: {orders} orders, {milestones} milestones, {slipping} slipping "
        f"(projected from today); runs {', '.join(ms(v) for v in done.load)}"
    )
    print(
        f"  rows in memory (tracemalloc): {done.memory_mb[0]:.1f} MB kept, "
        f"{done.memory_mb[1]:.1f} MB at the peak of the read"
    )
    if app.cold is not None:
        print(
            f"  first open in the process: rows {ms(app.cold.rows)}, frame "
            f"{ms(app.cold.frame or float('nan'))}"
        )
    print(
        f"  opens: rows {', '.join(map(ms, opened))}; first frame "
        + ", ".join(ms(o.frame) for o in app.opens if o.frame is not None)
        + f"; all orders {', '.join(ms(o.whole) for o in app.opens)}"
        + f"; {app.shown[0]} orders in the Gantt, {app.shown[1]} lines per redraw"
    )
    read, set_rows = (app.costs.get(name, [])[1:] for name in ("read", "set_rows"))
    print(
        f"  an open's parts (medians): first page read {ms(median(app.costs['read page']))}, "
        f"whole read in the screen's worker {ms(median(read))}, GanttView.set_rows "
        f"{ms(median(set_rows))}"
    )
    for kind, values in app.redraws.items():
        print(
            f"  redraw after {kind}: n={len(values)}, median / p95 / max "
            f"{spread(values)} / {ms(max(values, default=float('nan')))}"
        )
    for label, (times, moved) in (
        (f"+/-{SHIFT_DAYS}", done.shifts),
        ("+/-1 (the < and > keys)", done.steps),
    ):
        print(
            f"  shift {SHIFTED} of {store.order_no} by {label}: n={len(times)}, "
            f"{spread(times)}, {median(moved):.0f} milestones moved"
        )
    framed, ten = [o.frame for o in app.opens if o.frame], len(successors(TEMPLATE, SHIFTED))
    return [
        Figure(
            "timeline load_timeline (median)",
            ms(median(done.load)),
            f"info ({store.orders} x {store.milestones // max(store.orders, 1)})",
            None,
        ),
        Figure(
            "timeline rows in memory (kept / peak)",
            f"{done.memory_mb[0]:.0f} MB / {done.memory_mb[1]:.0f} MB",
            "info",
            None,
        ),
        Figure(
            f"timeline open, first rows (median of {len(opened)})",
            ms(median(opened)),
            f"< {OPEN_TARGET_S:.0f} s",
            median(opened) < OPEN_TARGET_S,
        ),
        Figure("timeline open, first frame (median)", ms(median(framed)), "info", None),
        Figure(
            "timeline open, all orders read (median)",
            ms(median([o.whole for o in app.opens])),
            "info",
            None,
        ),
        *(
            Figure(
                f"timeline redraw, {kind} (median / p95)",
                spread(values),
                "median < 50 ms",
                median(values) < REDRAW_TARGET_S,
            )
            for kind, values in app.redraws.items()
        ),
        Figure(
            f"timeline shift, {ten} successors (median / p95)",
            spread(done.shifts[0]),
            "median < 100 ms",
            median(done.shifts[0]) < SHIFT_TARGET_S,
        ),
        Figure("timeline shift by 1 day (median / p95)", spread(done.steps[0]), "info", None),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="rebuild timeline-10k.db")
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a smoke test")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print a cProfile of every figure, not only of a missed one",
    )
    options = parser.parse_args()
    runs, opens, redraw_count, shifts = (3, 2, 30, 20) if options.quick else (5, 3, 100, 50)
    use_bench_env()
    before = contention()
    started = time.perf_counter()
    store = build_store(options.fresh)
    done = measure_services(store, runs, shifts, options.profile)
    app = asyncio.run(run_app(opens, redraw_count, options.profile))
    after = contention()
    if app.profile:
        print(app.profile)
    figures = report(store, done, app)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  peak RSS (ru_maxrss, app + harness): {rss_mb:.0f} MB; "
        f"{time.perf_counter() - started:.0f} s in all"
    )
    print(f"  machine before: {before}\n  machine after:  {after}\n")
    print_figures(figures)
    write_figures("timeline", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
