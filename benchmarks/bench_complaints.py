"""The complaint triage on 100,000 complaints (20,000 open): queue, refresh, alerts, screen.

The store, ``benchmarks/out/complaints-100k.db``, is built once and reused (``--fresh``
rebuilds it):

1. ``load_demo(orders=50000, seed=7, today=2026-11-27)``, its own complaints removed;
2. 100,000 seeded complaints on those orders: 80,000 closed over the past year (clocks
   met, some late), 20,000 open with clocks anywhere from fresh to breached (new,
   acknowledged, investigating, remedy, awaiting customer, reopened; one in ten
   investigating or remedy cases paused). Breached open cases carry an escalation;
3. their 300,000 clocks armed with the services' helpers (``met_times``, then
   ``plan_clock`` per target, as ``arm_complaint`` does), inserted as plain rows;
4. 500 sampled cases re-armed through ``arm_complaint`` itself in a rolled-back session:
   every stored clock must equal what the service writes.

The clock is fixed at 2026-11-27 10:00 in Shanghai for the build, the reads and the app.

* Queue open: ``load_open_complaints(ctx)`` + ``triage_sorted(rows, now)``, median of 5
  after a warm-up (target < 1 s); the read and the sort are printed apart.
* Refresh: ``triage_sorted`` then ``levels`` of the 20,000 rows at ``now`` plus 1-30
  minutes (what the screen's poll does when nothing changed), 30 times (target < 200 ms).
* Alerts: ``complaint_queue.alerts(ctx, now)`` (read, levels, the time left of every
  clock at or past 75 %), median of 5 (info).
* Screen: the desk as the tests build it, read-only (so the desk never sweeps for breaches),
  ``app.run_test(size=(120, 35))``; from ``push_screen(ComplaintQueueScreen())`` until
  its table holds rows (polled every 2 ms) and to the first frame after that; one cold
  open, then 3 timed (target < 1 s).

    .venv/bin/python benchmarks/bench_complaints.py [--fresh] [--quick] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pwd
import random
import resource
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
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

STORE = OUT / "complaints-100k.db"
ORDERS, COMPLAINTS, OPEN = 50_000, 100_000, 20_000
TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
OPEN_TARGET_S, REFRESH_TARGET_S = 1.0, 0.200
SAMPLE = 500
POLL_S = 0.002
GRADES = (("major", 0.1), ("ordinary", 0.6), ("minor", 0.3))
#: Open statuses by share, and how far along each case's clocks may be.
OPEN_MIX = (
    ("new", 0.2),
    ("acknowledged", 0.2),
    ("investigating", 0.25),
    ("remedy", 0.2),
    ("awaiting_customer", 0.05),
    ("reopened", 0.1),
)
CASE_COLUMNS = (
    "id order_id order_no customer_name category description contact received_at grade "
    "suggested_grade grade_reason owner status reopen_count armed_at acknowledged_at "
    "acknowledged_by plan_at closed_at escalated_at third_party_inspection root_cause "
    "responsible_party evidence remedy_kind remedy_currency remedy_note close_note "
    "satisfaction_comment satisfaction_score version"
)
CLOCK_COLUMNS = (
    "complaint_id kind target_hours basis role armed_at due_at mark50_at mark75_at"
    " mark90_at paused_since remaining_seconds met_at"
)
PAUSE_COLUMNS = "complaint_id reason note started_at ended_at paused_by resumed_by"


def fixed_clock() -> datetime:  # the store's and the app's clock
    return NOW


def open_ctx() -> Any:
    from followup_tui.store.location import parse_store
    from followup_tui.store.unit_of_work import open_store

    return open_store(parse_store(str(STORE)), actor="bench", clock=fixed_clock)


# --- the store --------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    complaints: int
    open: int
    clocks: int
    paused: int
    built_in: float | None = None  # seconds; None when reused
    verified: tuple[int, int] | None = None  # identical, compared; None when reused


def prepared(built_in: float | None = None, verified: tuple[int, int] | None = None) -> Prepared:
    with sqlite3.connect(f"file:{STORE}?mode=ro", uri=True) as connection:
        counts = connection.execute(
            "SELECT (SELECT count(*) FROM complaints),"
            " (SELECT count(*) FROM complaints WHERE status <> 'closed'),"
            " (SELECT count(*) FROM complaint_clocks),"
            " (SELECT count(*) FROM complaint_pauses WHERE ended_at IS NULL)"
        ).fetchone()
    connection.close()  # the context manager only ends the transaction
    if counts[0] != COMPLAINTS or counts[1] != OPEN:
        raise LookupError(f"{STORE.name} holds {counts[0]} complaints, {counts[1]} open")
    return Prepared(*counts, built_in=built_in, verified=verified)


class Generator:
    """Cases and their clock rows, with the services' helpers arming every clock."""

    def __init__(self, ctx: Any, orders: list[tuple[Any, ...]]) -> None:
        from followup_tui.services.complaints.clocks import estimating

        self.policy, self.calendar = ctx.sla, estimating(ctx.calendar)
        self.orders = orders
        self.rng = random.Random(DEMO_SEED)
        self.cases: list[dict[str, Any]] = []
        self.pauses: list[dict[str, Any]] = []
        self.clocks: list[tuple[Any, ...]] = []  # in CLOCK_COLUMNS order

    def shift(self, start: datetime, hours: float) -> datetime:
        return self.calendar.add_business_time(start, timedelta(hours=hours))

    def hours(self, grade: str) -> list[float]:
        targets = [self.policy.target(grade, kind) for kind in ("ack", "plan", "resolve")]
        return [t.hours if t is not None else 8.0 for t in targets]

    def case(self, complaint_id: int, closed: bool) -> None:
        rng, uniform = self.rng, self.rng.uniform
        order = self.orders[rng.randrange(len(self.orders))]
        grade = rng.choices([g for g, _ in GRADES], [w for _, w in GRADES])[0]
        ack, plan, resolve = self.hours(grade)
        row: dict[str, Any] = dict.fromkeys(CASE_COLUMNS.split(), "")
        row.update(
            id=complaint_id,
            order_id=order[0],
            order_no=order[1],
            customer_name=order[2],
            owner=order[3],
            category=rng.choice(self.policy.categories),
            grade=grade,
            description="bench",
            suggested_grade=grade,
            reopen_count=0,
            version=1,
            third_party_inspection=False,
            satisfaction_score=None,
            remedy_kind=None,
            acknowledged_at=None,
            plan_at=None,
            closed_at=None,
            escalated_at=None,
        )
        pause = None
        if closed:
            received = NOW - timedelta(minutes=rng.randint(30 * 1440, 360 * 1440))
            acked = self.shift(received, ack * uniform(0.1, 1.3))
            planned = self.shift(acked, plan * uniform(0.1, 1.1))
            closed_at = self.shift(planned, resolve * uniform(0.1, 0.9))
            row.update(
                status="closed",
                acknowledged_at=acked,
                plan_at=planned,
                closed_at=closed_at,
                remedy_kind="refund",
                satisfaction_score=rng.choice((None, 3, 4, 5)),
            )
        else:
            status = rng.choices([s for s, _ in OPEN_MIX], [w for _, w in OPEN_MIX])[0]
            row["status"] = status
            if status == "new":
                received = self.shift(NOW, -ack * uniform(0.0, 1.4))
            elif status in ("acknowledged", "investigating", "reopened"):
                received = self.shift(NOW, -plan * uniform(0.05, 1.3))
                row["acknowledged_at"] = self.shift(received, ack * uniform(0.0, 0.9))
                row["acknowledged_at"] = min(row["acknowledged_at"], NOW)
            else:
                received = self.shift(NOW, -resolve * uniform(0.05, 1.25))
                row["acknowledged_at"] = min(self.shift(received, ack * uniform(0.0, 0.9)), NOW)
                row["plan_at"] = min(self.shift(row["acknowledged_at"], plan * 0.5), NOW)
                row["remedy_kind"] = "reship"
            if status == "reopened":  # a second round: the clocks run again from the reopen
                row.update(reopen_count=1, acknowledged_at=None)
                row["armed_at"] = self.shift(NOW, -ack * uniform(0.0, 1.2))
            if status in ("investigating", "remedy") and rng.random() < 0.1:
                started = max(self.shift(NOW, -uniform(0.1, 6.0)), row["acknowledged_at"])
                pause = {
                    "complaint_id": complaint_id,
                    "reason": rng.choice(("qc", "customer")),
                    "note": "",
                    "started_at": started,
                    "ended_at": None,
                    "paused_by": order[3],
                    "resumed_by": "",
                }
        row["received_at"] = received
        if not row.get("armed_at"):
            row["armed_at"] = received
        self.cases.append(row)
        if pause is not None:
            self.pauses.append(pause)
        self.arm(row, pause)

    def arm(self, row: dict[str, Any], pause: dict[str, Any] | None) -> None:
        """The clocks exactly as ``arm_complaint`` writes them, with its own helpers."""
        from followup_tui.domain.complaints.sla import Pause
        from followup_tui.services.complaints.clocks import (
            _remaining_seconds,
            met_times,
            plan_clock,
        )
        from followup_tui.store.models import Complaint

        complaint = Complaint(
            armed_at=row["armed_at"],
            acknowledged_at=row["acknowledged_at"],
            plan_at=row["plan_at"],
            closed_at=row["closed_at"],
        )
        met = met_times(complaint)
        pauses = () if pause is None else (Pause(pause["started_at"], None, pause["reason"]),)
        breached = []
        for target in self.policy.grade(row["grade"]).targets:
            plan = plan_clock(
                target,
                row["armed_at"],
                pauses,
                self.calendar,
                met_at=met.get(target.kind),
                ladder=self.policy.ladder,
            )
            self.clocks.append(
                (
                    row["id"],
                    target.kind.value,
                    target.hours,
                    target.basis.value,
                    target.role,
                    plan.armed_at,
                    plan.due_at,
                    *plan.marks,
                    plan.paused_since,
                    _remaining_seconds(plan),
                    plan.met_at,
                )
            )
            stop = plan.met_at or plan.paused_since
            if plan.met_at is None and plan.due_at < (stop or NOW):
                breached.append(plan.due_at)
        if breached and row["status"] != "closed":  # the desk escalated it at breach
            row["escalated_at"] = min(breached)


def build_store(fresh: bool) -> Prepared:
    """The 100k-complaint store (see the module docstring), reused when complete."""
    from followup_tui.demo.dataset import load_demo
    from followup_tui.store.schema import upgrade

    if not fresh and STORE.exists():
        try:
            return prepared()
        except (sqlite3.Error, LookupError):
            pass
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{STORE}{suffix}").unlink(missing_ok=True)
    print(
        f"building {STORE.name}: {ORDERS} demo orders, {COMPLAINTS} complaints",
        file=sys.stderr,
        flush=True,
    )
    started = time.perf_counter()
    ctx = open_ctx()
    try:
        upgrade(ctx.engine)
        load_demo(ctx, orders=ORDERS, seed=DEMO_SEED, today=TODAY)
        fill(ctx)
        verified = verify(ctx)
    finally:
        ctx.dispose()
    return prepared(time.perf_counter() - started, verified)


def fill(ctx: Any) -> None:
    from followup_tui.demo.bulk import Codec, insert_sql
    from followup_tui.demo.catalog import table_of
    from followup_tui.store.models import Complaint, ComplaintClock, ComplaintPause

    with ctx.write() as session:
        connection = session.connection()
        for table in ("complaint_clocks", "complaint_pauses", "complaints"):
            connection.exec_driver_sql(f"DELETE FROM {table}")
        connection.exec_driver_sql("DELETE FROM notes WHERE body LIKE 'Complaint #%'")
        orders = connection.exec_driver_sql(
            "SELECT id, order_no, customer_name, owner FROM orders"
        ).all()
        generator = Generator(ctx, [tuple(order) for order in orders])
        closed = COMPLAINTS - OPEN
        for number in range(1, COMPLAINTS + 1):
            generator.case(number, closed=number <= closed)
        moment = Codec.for_dialect(connection.dialect).moment

        def stored(value: Any) -> Any:
            return moment(value) if isinstance(value, datetime) else value

        cases = [[c[name] for name in CASE_COLUMNS.split()] for c in generator.cases]
        pauses = [[p[name] for name in PAUSE_COLUMNS.split()] for p in generator.pauses]
        for table, columns, rows in (
            (Complaint, CASE_COLUMNS, cases),
            (ComplaintClock, CLOCK_COLUMNS, generator.clocks),
            (ComplaintPause, PAUSE_COLUMNS, pauses),
        ):
            sql = insert_sql(connection, table_of(table), columns.split())
            connection.exec_driver_sql(sql, [tuple(map(stored, row)) for row in rows])
        connection.exec_driver_sql("ANALYZE")


def verify(ctx: Any) -> tuple[int, int]:
    """Re-arm a sample through ``arm_complaint`` in a rolled-back session: every stored
    clock must be what the service writes."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from followup_tui.services.complaints.clocks import arm_complaint, clock_view
    from followup_tui.store.models import Complaint, ComplaintClock

    ids = random.Random(DEMO_SEED).sample(range(1, COMPLAINTS + 1), SAMPLE)
    same = 0
    with Session(ctx.engine) as session:
        for complaint_id in ids:
            query = select(ComplaintClock).where(ComplaintClock.complaint_id == complaint_id)
            before = sorted((clock_view(c) for c in session.scalars(query)), key=str)
            complaint = session.get(Complaint, complaint_id)
            assert complaint is not None
            after = sorted(
                (clock_view(c) for c in arm_complaint(session, complaint, ctx.sla, ctx.calendar)),
                key=str,
            )
            same += before == after
            if before != after:
                print(f"complaint {complaint_id}: stored {before}\n  service {after}")
        session.rollback()
    return same, len(ids)


# --- services ---------------------------------------------------------------------------


@dataclass
class Services:
    read: list[float] = field(default_factory=list)
    sort: list[float] = field(default_factory=list)
    refresh: list[float] = field(default_factory=list)
    alerts: list[float] = field(default_factory=list)
    rows: int = 0
    alerted: tuple[int, int] = (0, 0)  # clocks alerted, breached
    levels: dict[str, int] = field(default_factory=dict)


def measure_services(runs: int, refreshes: int, profile: bool) -> Services:
    from followup_tui.services.complaints import queue

    alerts, levels, triage_sorted = queue.alerts, queue.levels, queue.triage_sorted
    load_open_complaints = queue.load_open_complaints

    done = Services()
    ctx = open_ctx()
    try:
        rows = load_open_complaints(ctx)  # warm-up
        for _ in range(runs):
            started = time.perf_counter()
            rows = load_open_complaints(ctx)
            read = time.perf_counter()
            triage_sorted(rows, NOW)
            done.read.append(read - started)
            done.sort.append(time.perf_counter() - read)
        done.rows = len(rows)
        for minute in range(1, refreshes + 1):
            now = NOW + timedelta(minutes=minute)
            started = time.perf_counter()
            ordered = triage_sorted(rows, now)
            found = levels(ordered, now)
            done.refresh.append(time.perf_counter() - started)
        found, names = levels(rows, NOW), ("ok", "half", "three_quarters", "ninety", "breached")
        done.levels = {
            name: sum(1 for v in found.values() if v == i) for i, name in enumerate(names)
        }
        found_alerts = alerts(ctx, NOW)
        for _ in range(runs):
            started = time.perf_counter()
            found_alerts = alerts(ctx, NOW)
            done.alerts.append(time.perf_counter() - started)
        done.alerted = (len(found_alerts), sum(1 for a in found_alerts if a.level >= 4))
        if profile or median(done.read) + median(done.sort) > OPEN_TARGET_S:
            print(
                "load_open_complaints + triage_sorted, cProfile:\n"
                + profiled(lambda: triage_sorted(load_open_complaints(ctx), NOW))
            )
        if profile or median(done.refresh) > REFRESH_TARGET_S:
            print("refresh, cProfile:\n" + profiled(lambda: levels(triage_sorted(rows, NOW), NOW)))
    finally:
        ctx.dispose()
    return done


# --- the screen -------------------------------------------------------------------------


@dataclass
class Opening:
    rows: float  # push -> the table holds rows
    frame: float | None  # push -> the first frame after that


async def open_screen(app: Any, recorder: Recorder) -> Opening:
    from followup_tui.screens.complaints.triage import ComplaintQueueScreen

    screen = ComplaintQueueScreen()
    started = time.perf_counter()
    app.push_screen(screen)
    while not (app.screen is screen and screen.loaded and screen.table.row_count):
        await asyncio.sleep(POLL_S)
        if time.perf_counter() > started + 60:
            raise TimeoutError("the triage screen never showed its rows")
    loaded = time.perf_counter()
    since = len(recorder.frames)
    while len(recorder.frames) == since and time.perf_counter() < loaded + 5:
        await asyncio.sleep(POLL_S)
    frames = recorder.frames[since:]
    return Opening(loaded - started, frames[0].at - started if frames else None)


async def run_app(opens: int) -> tuple[Opening, list[Opening], int]:
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
        read_only=True,
    )
    app = make_app(settings, clock=fixed_clock, actor=pwd.getpwuid(os.geteuid()).pw_name)
    recorder, found = Recorder(), []
    async with app.run_test(size=(COLUMNS, ROWS)) as pilot:
        install_frame_hook(app, lambda: SimpleNamespace(source=None), recorder)
        await pilot.pause()
        await wait_for_workers(app)
        for index in range(opens + 1):
            if index:
                app.pop_screen()
                await pilot.pause()
            found.append(await open_screen(app, recorder))
            await wait_for_workers(app)
            await pilot.pause()
        shown = app.screen.table.row_count
    return found[0], found[1:], shown


# --- report -----------------------------------------------------------------------------


def spread(values: list[float]) -> str:
    return f"{ms(median(values))} / {ms(percentile(values, 0.95))}"


def report(
    store: Prepared, done: Services, cold: Opening, opens: list[Opening], shown: int
) -> list[Figure]:
    """Print the details; return the figures."""
    built = "reused" if store.built_in is None else f"built in {store.built_in:.1f} s"
    opened = [r + s for r, s in zip(done.read, done.sort, strict=True)]
    rows, frames = [o.rows for o in opens], [o.frame for o in opens if o.frame is not None]
    print(
        f"complaints on {STORE.name} ({built}): {store.complaints} complaints, {store.open} "
        f"open ({store.paused} paused), {store.clocks} clocks; now {NOW.isoformat()}"
    )
    if store.verified is not None:
        print(
            f"  arming checked on a sample: {store.verified[0]} of {store.verified[1]} cases "
            "identical to arm_complaint"
        )
    print(
        f"  load_open_complaints: {done.rows} rows, runs {', '.join(map(ms, done.read))}; "
        f"triage_sorted {', '.join(map(ms, done.sort))}"
    )
    print(f"  levels at now: {done.levels}")
    print(
        f"  refresh (triage_sorted + levels): n={len(done.refresh)}, median / p95 / max "
        f"{spread(done.refresh)} / {ms(max(done.refresh))}"
    )
    print(
        f"  alerts: {done.alerted[0]} clocks at or past 75 %, {done.alerted[1]} breached; "
        f"runs {', '.join(map(ms, done.alerts))}"
    )
    print(
        f"  screen: first open in the process rows {ms(cold.rows)}; opens rows "
        f"{', '.join(map(ms, rows))}; first frame {', '.join(map(ms, frames))}; "
        f"{shown} cases in the table"
    )
    target = f"< {OPEN_TARGET_S:.0f} s"
    figures = [
        Figure(
            "complaints queue open: read + sort (median)",
            ms(median(opened)),
            target,
            median(opened) < OPEN_TARGET_S,
        ),
        Figure(
            "complaints load_open_complaints (median)",
            ms(median(done.read)),
            f"info ({done.rows} open)",
            None,
        ),
        Figure(
            "complaints refresh 20k: levels + re-sort (median / p95)",
            spread(done.refresh),
            "median < 200 ms",
            median(done.refresh) < REFRESH_TARGET_S,
        ),
        Figure(
            "complaints alerts (median)",
            ms(median(done.alerts)),
            f"info ({done.alerted[0]} alerts)",
            None,
        ),
        Figure(
            f"complaints screen, first rows (median of {len(opens)})",
            ms(median(rows)),
            target,
            median(rows) < OPEN_TARGET_S,
        ),
        Figure("complaints screen, first frame (median)", ms(median(frames)), "info", None),
    ]
    if store.verified is not None:
        same, total = store.verified
        figures.append(
            Figure(
                "complaints bulk clocks = arm_complaint (sample)",
                f"{same} / {total}",
                "all",
                same == total,
            )
        )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="rebuild complaints-100k.db")
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a smoke test")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print a cProfile of every figure, not only of a missed one",
    )
    options = parser.parse_args()
    runs, refreshes, opens = (3, 10, 2) if options.quick else (5, 30, 3)
    use_bench_env()
    before = contention()
    started = time.perf_counter()
    store = build_store(options.fresh)
    done = measure_services(runs, refreshes, options.profile)
    cold, opened, shown = asyncio.run(run_app(opens))
    after = contention()
    figures = report(store, done, cold, opened, shown)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  peak RSS (ru_maxrss, app + harness): {rss_mb:.0f} MB; "
        f"{time.perf_counter() - started:.0f} s in all"
    )
    print(f"  machine before: {before}\n  machine after:  {after}\n")
    print_figures(figures)
    write_figures("complaints", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
