"""Several clerks on one SQLite file (decisions.md, "Hard-won rules").

1. Lost updates: read-modify-write from 8 processes must lose nothing and never surface
   "database is locked".
2. The idle reader: the queue's reader, after a query, must hold no snapshot, or the WAL
   grows without bound while a screen waits.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from followup_tui.domain.orders.rules import OrderDraft
from followup_tui.services.orders.entry import create_order, get_order
from followup_tui.services.orders.queue import OrderWindow, QueueQuery, change_mark
from followup_tui.store.unit_of_work import StoreContext
from followup_tui.store.window_reader import WindowReader

PROCESSES = 8
INCREMENTS = 100


def _increment(path: str, order_id: int, times: int, start: Any, results: Any) -> None:
    """Child process: ``times`` read-modify-write increments of the order's owner."""
    from followup_tui.store.location import parse_store
    from followup_tui.store.models import Order
    from followup_tui.store.unit_of_work import open_store

    ctx = open_store(parse_store(path), actor="worker")
    try:
        start.wait(timeout=60)
        for _ in range(times):
            with ctx.write() as session:
                order = session.get(Order, order_id)
                assert order is not None
                order.owner = str(int(order.owner) + 1)
        results.put("")
    except Exception:  # noqa: BLE001 (report everything, "database is locked" above all)
        results.put(traceback.format_exc())
    finally:
        ctx.dispose()


def test_no_update_is_lost_between_processes(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    order = create_order(store_ctx, make_draft(owner="0"))
    path = str(store_ctx.location.path)
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [
        context.Process(target=_increment, args=(path, order.id, INCREMENTS, start, results))
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    try:
        start.set()  # the workers begin together, each once it has started
        failures = [results.get(timeout=120) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
    assert [f for f in failures if f] == []
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    detail = get_order(store_ctx, order.id)
    assert detail.order.owner == str(PROCESSES * INCREMENTS)
    assert detail.order.version == order.version + PROCESSES * INCREMENTS
    owner_changes = [c for c in detail.changes if "owner" in c.diff and c.action == "update"]
    assert len(owner_changes) == PROCESSES * INCREMENTS
    assert {c.actor for c in owner_changes} == {"worker"}
    # every increment saw the value the previous one wrote: no two read the same number
    assert sorted(int(c.diff["owner"][0]) for c in owner_changes) == list(
        range(PROCESSES * INCREMENTS)
    )


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _write_many(path: Path, transactions: int) -> None:
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("PRAGMA synchronous=NORMAL")
        for number in range(transactions):
            writer.execute("BEGIN IMMEDIATE")
            writer.execute(
                "INSERT INTO change_log (at, actor, entity, entity_id, action, diff) "
                "VALUES ('2026-03-02 01:30:00.000000', 'writer', 'probe', ?, 'insert', '{}')",
                (number,),
            )
            writer.execute("COMMIT")
    finally:
        writer.close()


def _checkpoint(path: Path, timeout: float) -> tuple[int, int, int]:
    connection = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    try:
        busy, log, done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return int(busy), int(log), int(done)
    finally:
        connection.close()


def test_an_idle_queue_reader_does_not_pin_the_wal(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    path = store_ctx.location.path
    assert path is not None
    for _ in range(3):
        create_order(store_ctx, make_draft())
    reader = WindowReader(store_ctx.location)
    try:
        window = OrderWindow(reader, QueueQuery(status="all"))
        assert len(window.head(50)) == 3
        assert window.exact_count() == 3
        mark = change_mark(reader)
        # the reader stays open, idle, as it does while the desk waits for a key
        _write_many(path, 2_000)
        assert _wal(path).stat().st_size > 0
        assert _checkpoint(path, timeout=2.0)[0] == 0
        assert _wal(path).stat().st_size == 0
        # and the reader, still open, sees the new rows at once
        assert change_mark(reader) == mark + 2_000
    finally:
        reader.close()


def test_the_checkpoint_probe_does_see_a_pinned_snapshot(store_ctx: StoreContext) -> None:
    """Guards the test above: a reader inside a transaction does block the truncation."""
    path = store_ctx.location.path
    assert path is not None
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN")
        holder.execute("SELECT count(*) FROM orders").fetchone()
        _write_many(path, 50)
        busy, _log, _done = _checkpoint(path, timeout=0.2)
        assert busy == 1
        assert _wal(path).stat().st_size > 0
        holder.execute("COMMIT")
    finally:
        holder.close()
    assert _checkpoint(path, timeout=2.0)[0] == 0


def test_several_readers_between_writes_leave_the_wal_truncatable(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    path = store_ctx.location.path
    assert path is not None
    create_order(store_ctx, make_draft())
    opened = [WindowReader(store_ctx.location, read_only=bool(n % 2)) for n in range(3)]
    try:
        for round_ in range(5):
            for reader in opened:
                assert OrderWindow(reader, QueueQuery()).exact_count() == 1 + round_
            create_order(store_ctx, make_draft())
        assert _checkpoint(path, timeout=2.0)[0] == 0
        assert _wal(path).stat().st_size == 0
    finally:
        for reader in opened:
            reader.close()
