"""``followup demo``: a realistic, bilingual store to try the desk on.

The data has to look like a real desk on the day it is loaded: Chinese and foreign
customers, orders across the whole lifecycle, a few late and a few at risk, a
communication log. It is generated from ``data/demo/catalog.toml`` with one seeded
``random.Random``, so the same (orders, seed, today) always gives the same orders, and a
bug report can say "demo --seed 7".

A million orders must load in well under two minutes, so rows are not ORM objects:
everything that can be is precomputed once (customers' products, every possible line,
dates and times already in stored form), and rows go to the driver as batches of plain
tuples in one write unit of work. That bypasses the change-log flush hook; a demo load
is one administrative action, not a million clerk edits, so it leaves one change-log
row per table it filled.
"""

from __future__ import annotations

import random
import time as clock
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from followup_tui.demo.bulk import (
    LINE_COLUMNS,
    NOTE_COLUMNS,
    ORDER_COLUMNS,
    Codec,
    after_load,
    collector_paused,
    indexes_deferred,
    insert_sql,
    log_load,
    next_id,
)
from followup_tui.demo.catalog import (
    NOTE_KINDS,
    NOTE_WEIGHTS,
    Buyer,
    Pick,
    load_catalog,
    prepare_buyers,
    table_of,
)
from followup_tui.demo.complaints import plan_demo_complaints
from followup_tui.demo.documents import plan_demo_documents
from followup_tui.demo.plans import plan_demo_orders
from followup_tui.demo.stages import CANCELLED_ROW, DRAFT_ROW, order_stage
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders.rules import LineDraft, due_date, summarise_lines
from followup_tui.domain.text import reverse_key
from followup_tui.store.attachments import attachment_root
from followup_tui.store.models import Note, Order, OrderLine
from followup_tui.store.unit_of_work import StoreContext

DESK_ZONE = "Asia/Shanghai"
#: Orders per insert batch (and per progress report).
BATCH_ORDERS = 10_000
#: From this many orders, a SQLite load drops the orders' secondary indexes and builds
#: them once at the end: maintaining ten random-order B-trees row by row costs more than
#: the whole insert.
REINDEX_FROM = 50_000
#: Page cache of a big load's own connection, in KiB per order (as SQLite's negative
#: cache_size), up to 1.5 GiB: a million orders (850 MB) then stay in memory until the
#: commit instead of spilling to the WAL and being read back for every index built
#: (measured: 123 s with a 256 MiB cache, 92 s with 1 GiB). The connection is closed
#: after the load, so the desk's own settings are untouched.
LOAD_CACHE_KIB_PER_ORDER = 1.2
LOAD_CACHE_KIB_MAX = 1_572_864
#: How far back the demo's order dates reach.
HISTORY_DAYS = 150
#: Loads up to this size get 0-3 notes per order; bigger ones about one per ten orders
#: (a million orders with three notes each would only make the load slower).
SMALL_LOAD = 20_000
DAY_START = time(8, 30)
WORK_MINUTES = 9 * 60
MORNING_MINUTES = 90
#: Order volume by weekday (Monday first): Saturdays are half days, Sundays quiet.
_WEEKDAY_WEIGHT = (1.0, 1.0, 1.0, 1.0, 1.0, 0.35, 0.12)
_NOTE_CUMULATIVE = tuple(accumulate(NOTE_WEIGHTS))[:-1]
_DOMESTIC_INCOTERMS = ("EXW", "DAP", "DDP")
_EXPORT_INCOTERMS = ("FOB", "CIF", "CFR", "EXW", "DAP", "DDP")
_EXPORT_PAYMENT = ("T/T", "L/C", "D/P")


@dataclass(frozen=True)
class DemoSummary:
    """What a demo load added, for the CLI's closing line and the desk's toast."""

    customers: int
    products: int
    suppliers: int
    orders: int
    lines: int
    notes: int
    seconds: float
    milestones: int = 0
    complaints: int = 0
    documents: int = 0


def load_demo(
    ctx: StoreContext,
    *,
    orders: int = 300,
    seed: int = 7,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Fill an empty store with the demo data set, as of ``today`` (desk time zone).

    Refuses (``error.store_not_empty``) when the store already has orders: mixing demo
    orders into real ones would make both untrustworthy. Customers, products or
    suppliers already present with a demo name are reused, not duplicated; the summary
    counts the rows this load added.
    """
    if orders < 0:
        raise ValueError("orders must not be negative")
    started = clock.perf_counter()
    zone = ZoneInfo(DESK_ZONE)
    day = today if today is not None else ctx.now().astimezone(zone).date()
    catalog = load_catalog()
    rng = random.Random(seed)
    since = _desk_time(day - timedelta(days=HISTORY_DAYS + 30), zone)
    with ctx.write() as session:
        connection = session.connection()
        existing = connection.scalar(select(func.count()).select_from(table_of(Order))) or 0
        if existing:
            raise FollowupError("error.store_not_empty", count=int(existing))
        buyers, owners, counts = prepare_buyers(connection, catalog, rng, ctx.actor, since)
        codec = Codec.for_dialect(connection.dialect)
        generator = _OrderGenerator(buyers, owners, day, zone, rng, codec=codec)
        big = orders >= REINDEX_FROM
        if big and connection.dialect.name == "sqlite":
            cache = min(LOAD_CACHE_KIB_MAX, int(orders * LOAD_CACHE_KIB_PER_ORDER))
            connection.exec_driver_sql(f"PRAGMA cache_size=-{max(cache, 65_536)}")
        with indexes_deferred(connection, enabled=big), collector_paused(enabled=big):
            counts.update(_insert_orders(connection, generator, orders, progress))
            counts.update(plan_demo_orders(connection, ctx.calendar, day, seed))
        added = plan_demo_complaints(
            session,
            ctx.sla,
            ctx.calendar,
            ctx.now(),
            day,
            orders=orders,
            seed=seed,
            timezone=DESK_ZONE,
        )
        for table, count in added.items():  # complaint follow-ups are notes too
            counts[table] = counts.get(table, 0) + count
        counts.update(
            plan_demo_documents(
                connection,
                attachment_root(ctx.location),
                ctx.actor,
                ctx.now(),
                orders=orders,
                seed=seed,
            )
        )
        log_load(connection, ctx, counts)
        after_load(connection, counts)
    return DemoSummary(
        customers=counts["customers"],
        products=counts["products"],
        suppliers=counts["suppliers"],
        orders=counts["orders"],
        lines=counts["order_lines"],
        notes=counts["notes"],
        seconds=clock.perf_counter() - started,
        milestones=counts.get("milestones", 0),
        complaints=counts.get("complaints", 0),
        documents=counts.get("documents", 0),
    )


def _insert_orders(
    connection: Connection,
    generator: _OrderGenerator,
    total: int,
    progress: Callable[[int, int], None] | None,
) -> dict[str, int]:
    orders = table_of(Order)
    statements = [
        insert_sql(connection, orders, ORDER_COLUMNS),
        insert_sql(connection, table_of(OrderLine), LINE_COLUMNS),
        insert_sql(connection, table_of(Note), NOTE_COLUMNS),
    ]
    counts = {"orders": 0, "order_lines": 0, "notes": 0}
    first_id = next_id(connection, orders)
    for batch in generator.batches(total, first_id=first_id, batch_size=BATCH_ORDERS):
        for name, sql, rows in zip(
            counts, statements, (batch.orders, batch.lines, batch.notes), strict=True
        ):
            if rows:
                connection.exec_driver_sql(sql, rows)
                counts[name] += len(rows)
        if progress is not None:
            progress(counts["orders"], total)
    if connection.dialect.name == "postgresql" and counts["orders"]:
        # Explicit ids bypass the serial; move it past them or the next order collides.
        connection.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders))"
        )
    return counts


def _desk_time(day: date, zone: ZoneInfo) -> datetime:
    """The start of the working day (08:30 desk time) of ``day``, as aware UTC."""
    return datetime.combine(day, DAY_START, zone).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class _Choice:
    """A customer's product with each possible line encoded once, on first use: the
    line's own columns, and the order summary it gives when it is the only line."""

    pick: Pick
    lines: list[tuple[Any, ...] | None]
    alone: list[tuple[Any, ...] | None]


@dataclass(frozen=True)
class _Batch:
    orders: list[tuple[Any, ...]]
    lines: list[tuple[Any, ...]]
    notes: list[tuple[Any, ...]]


class _OrderGenerator:
    """Turns prepared customers into order, line and note rows, oldest order first.

    Order numbers follow the order date, as a real ERP's do, so ids, numbers and dates
    agree and the unique index on the number fills in order. Times derive from ``today``
    alone (never the wall clock), so a load is reproducible.
    """

    def __init__(
        self,
        buyers: Sequence[Buyer],
        owners: Sequence[str],
        today: date,
        zone: ZoneInfo,
        rng: random.Random,
        *,
        codec: Codec,
    ) -> None:
        self.buyers = tuple(buyers)
        self.owners = tuple(owners)
        self.rng = rng
        self.codec = codec
        self.cumulative = list(accumulate(b.weight for b in self.buyers))
        self.base = today.toordinal() - HISTORY_DAYS
        # Requested dates reach 90 days ahead, confirmed ones 10 more.
        self.dates = [date.fromordinal(self.base + i) for i in range(HISTORY_DAYS + 110)]
        self.stored_dates = [codec.date(d) for d in self.dates]
        self.starts = [_desk_time(d, zone) for d in self.dates[: HISTORY_DAYS + 1]]
        self.minutes = [timedelta(minutes=m) for m in range(WORK_MINUTES)]
        # Stored times by (day, minute), filled on first use.
        self.moments: list[list[Any]] = [[None] * WORK_MINUTES for _ in self.starts]
        self.note_rate = 0.0
        shared: dict[int, _Choice] = {}
        for buyer in self.buyers:
            for pick in buyer.picks:
                if id(pick) not in shared:
                    blank: list[Any] = [None] * len(pick.drafts)
                    shared[id(pick)] = _Choice(pick, blank, list(blank))
        self.choices = tuple(tuple(shared[id(p)] for p in b.picks) for b in self.buyers)

    def _line(self, choice: _Choice, index: int) -> tuple[Any, ...]:
        """The stored columns of a line (product to currency), encoded once."""
        found = choice.lines[index]
        if found is None:
            d = choice.pick.drafts[index]
            found = choice.lines[index] = (
                choice.pick.product_id,
                d.product,
                d.spec,
                self.codec.quantity(d.quantity),
                d.unit,
                self.codec.money(d.unit_price),
                d.currency,
            )
        return found

    def _moment(self, day: int) -> Any:
        """A stored time in the working day ``day`` days into the history; on today
        itself only in its first 90 minutes, so a demo loaded in the morning has no
        times far ahead. Stored times sort like the times they stand for."""
        span = WORK_MINUTES if day < HISTORY_DAYS else MORNING_MINUTES
        minute = int(self.rng.random() * span)
        found = self.moments[day][minute]
        if found is None:
            moment = self.starts[day] + self.minutes[minute]
            found = self.moments[day][minute] = self.codec.moment(moment)
        return found

    def _summary(self, drafts: Sequence[LineDraft]) -> tuple[Any, ...]:
        lead, quantity, unit, amount, currency = summarise_lines(drafts)
        return lead, self.codec.quantity(quantity), unit, self.codec.money(amount), currency

    def _day_counts(self, total: int) -> list[int]:
        """How many orders each day of the history got: weekdays busy, Sundays quiet, and
        the business growing (this week twice as busy as five months ago), which also
        keeps more of a small demo's orders in the open stages."""
        cumulative = list(
            accumulate(
                _WEEKDAY_WEIGHT[d.weekday()] * (2 - age / HISTORY_DAYS)
                for d, age in zip(self.dates, range(HISTORY_DAYS, -1, -1), strict=False)
            )
        )
        top, rnd = cumulative[-1], self.rng.random
        counts = [0] * len(cumulative)
        for _ in range(total):
            counts[bisect(cumulative, rnd() * top)] += 1
        return counts

    def batches(self, total: int, *, first_id: int, batch_size: int) -> Iterator[_Batch]:
        """Rows for ``total`` orders, ``batch_size`` orders (with their lines and notes)
        at a time, ids counting from ``first_id``."""
        counts = self._day_counts(total)
        per_year: dict[int, int] = {}
        for offset, count in enumerate(counts):
            year = self.dates[offset].year
            per_year[year] = per_year.get(year, 0) + count
        small = total <= SMALL_LOAD
        self.note_rate = 0.0 if small else max(0.1, min(1.0, SMALL_LOAD * 1.15 / total))
        serials: dict[int, int] = {}
        order_id = first_id
        batch = _Batch([], [], [])
        for offset, count in enumerate(counts):
            year = self.dates[offset].year
            # 5-digit serials, 7 when a year holds more than 99,999 orders: unique, sortable.
            pattern = f"PO-{year}-{{:0{_serial_width(per_year[year])}d}}"
            for _ in range(count):
                serial = serials[year] = serials.get(year, 0) + 1
                self._order(batch, order_id, offset, pattern.format(serial))
                order_id += 1
                if len(batch.orders) >= batch_size:
                    yield batch
                    batch = _Batch([], [], [])
        if batch.orders:
            yield batch

    def _order(self, batch: _Batch, order_id: int, offset: int, order_no: str) -> None:
        """One order placed ``offset`` days into the history, with its lines and notes."""
        rnd, dates, stored = self.rng.random, self.dates, self.stored_dates
        age = HISTORY_DAYS - offset
        index = bisect(self.cumulative, rnd() * self.cumulative[-1])
        buyer = self.buyers[index]
        owner = buyer.owner if rnd() < 0.85 else self.owners[int(rnd() * len(self.owners))]
        domestic = buyer.domestic
        requested = offset + (20 + int(rnd() * 41) if domestic else 35 + int(rnd() * 56))
        # The date we promise is usually the one asked for, sometimes a few days later.
        promised = requested if rnd() < 0.75 else requested + 2 + int(rnd() * 9)
        status, held_from = order_stage(rnd, age, promised - offset, HISTORY_DAYS - promised)
        confirmed = None
        if status is not DRAFT_ROW and (status is not CANCELLED_ROW or rnd() < 0.6):
            confirmed = dates[promised]
        due = due_date(confirmed, dates[requested])
        choices, summary = self._lines(self.choices[index])
        lead = choices[0][0].pick
        created = updated = self._moment(offset)
        if status is not DRAFT_ROW:
            updated = max(created, self._moment(offset + int(age * (0.5 + 0.5 * rnd()))))
        roll = rnd()
        urgent, high = (0.06, 0.30) if buyer.key_account else (0.03, 0.15)
        incoterms = _DOMESTIC_INCOTERMS if domestic else _EXPORT_INCOTERMS
        packaging, labels, technical = buyer.packaging, buyer.labels, lead.technical
        batch.orders.append(
            (
                order_id,
                order_no,
                reverse_key(order_no),
                buyer.po_format.format(int(rnd() * 1_000_000)) if rnd() < 0.65 else "",
                buyer.customer_id,
                buyer.name,
                owner,
                "urgent" if roll < urgent else "high" if roll < high else "normal",
                # Mostly the customer's usual terms; now and then others it negotiated.
                buyer.incoterm if rnd() < 0.85 else incoterms[int(rnd() * len(incoterms))],
                buyer.payment_terms
                if domestic or rnd() < 0.85
                else _EXPORT_PAYMENT[int(rnd() * len(_EXPORT_PAYMENT))],
                # Custom requirements on some orders, in the customer's language.
                packaging[int(rnd() * len(packaging))] if rnd() < 0.45 else "",
                labels[int(rnd() * len(labels))] if rnd() < 0.30 else "",
                technical[int(rnd() * len(technical))] if technical and rnd() < 0.25 else "",
                stored[offset],
                stored[requested],
                stored[promised] if confirmed is not None else None,
                stored[due.toordinal() - self.base],
                status[0],
                status[1],
                held_from,
                summary[0],
                lead.product_id,
                summary[1],
                summary[2],
                summary[3],
                summary[4],
                created,
                updated,
                1,
            )
        )
        for number, (choice, draft) in enumerate(choices, 1):
            batch.lines.append((order_id, number, *self._line(choice, draft), None, None, 1))
        count = _note_count(rnd) if not self.note_rate else int(rnd() < self.note_rate)
        for _ in range(count):
            kind = bisect(_NOTE_CUMULATIVE, rnd())
            pool = buyer.notes[kind]
            day = offset + int(rnd() * (age + 1))
            batch.notes.append(
                (
                    order_id,
                    NOTE_KINDS[kind],
                    pool[int(rnd() * len(pool))],
                    owner if rnd() < 0.85 else self.owners[int(rnd() * len(self.owners))],
                    self._moment(day),
                    1,
                )
            )

    def _lines(
        self, choices: tuple[_Choice, ...]
    ) -> tuple[list[tuple[_Choice, int]], tuple[Any, ...]]:
        """1-3 lines of different products the customer buys (most orders have one), and
        the order's summary of them (``summarise_lines``, as an edit would compute it)."""
        rnd = self.rng.random
        roll = rnd()
        start = int(rnd() * len(choices))
        first = choices[start]
        line = int(rnd() * len(first.lines))
        if roll < 0.55:
            alone = first.alone[line]
            if alone is None:
                alone = first.alone[line] = self._summary([first.pick.drafts[line]])
            return [(first, line)], alone
        picked = [(first, line)]
        for step in range(1, 2 if roll < 0.85 else 3):
            choice = choices[(start + step) % len(choices)]
            picked.append((choice, int(rnd() * len(choice.lines))))
        return picked, self._summary([choice.pick.drafts[d] for choice, d in picked])


def _serial_width(count: int) -> int:
    return 5 if count <= 99_999 else max(7, len(str(count)))


def _note_count(rnd: Callable[[], float]) -> int:
    """0-3 notes per order on a small desk (about 1.2 on average)."""
    roll = rnd()
    return 0 if roll < 0.30 else 1 if roll < 0.65 else 2 if roll < 0.90 else 3
