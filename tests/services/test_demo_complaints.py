"""The demo's complaints: a believable triage queue, armed by the services' own helper,
the same every time for the same seed, day and clock."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from followup_tui.demo.complaints import complaint_count
from followup_tui.demo.dataset import load_demo
from followup_tui.domain.complaints.sla import Level
from followup_tui.services.complaints.analysis import alert_summary, open_summary
from followup_tui.services.complaints.clocks import arm_complaint, clock_view
from followup_tui.services.complaints.queue import alerts, levels, load_open_complaints
from followup_tui.store import schema
from followup_tui.store.location import parse_store
from followup_tui.store.models import Complaint, ComplaintClock
from followup_tui.store.unit_of_work import StoreContext, open_store

TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 10:00 in Shanghai

OpenStore = Callable[..., StoreContext]


@pytest.fixture
def open_demo_store(tmp_path: Path) -> Iterator[OpenStore]:
    opened: list[StoreContext] = []

    def factory(name: str = "d", *, now: datetime = NOW) -> StoreContext:
        ctx = open_store(
            parse_store(str(tmp_path / f"{name}.db")), actor="tester", clock=lambda: now
        )
        schema.upgrade(ctx.engine)
        opened.append(ctx)
        return ctx

    yield factory
    for ctx in opened:
        ctx.dispose()


def fetch(ctx: StoreContext, sql: str) -> list[tuple[Any, ...]]:
    with ctx.read() as session:
        return [tuple(row) for row in session.execute(text(sql)).all()]


@pytest.fixture
def demo(open_demo_store: OpenStore) -> StoreContext:
    ctx = open_demo_store()
    load_demo(ctx, today=TODAY)
    return ctx


def test_a_queue_with_every_stage_and_exactly_one_breach(demo: StoreContext) -> None:
    statuses = Counter(dict(fetch(demo, "SELECT status, count(*) FROM complaints GROUP BY 1")))
    assert sum(statuses.values()) == complaint_count(300) == 25
    assert statuses["closed"] >= 8 and statuses["reopened"] == 1
    assert {"new", "acknowledged", "investigating", "remedy"} <= set(statuses)
    rows = load_open_complaints(demo)
    found = levels(rows, NOW)
    breached = [row for row in rows if found[row.id] is Level.BREACHED]
    assert len(breached) == 1
    major = breached[0]
    assert (major.grade, major.status, major.escalated) == ("major", "new", False)
    ack = major.clock("ack")
    assert ack is not None and ack.role == "supervisor" and ack.due_at < NOW
    assert any(Level.HALF <= level < Level.BREACHED for level in found.values())
    # The screen's counts and the alerts' counts agree.
    summary, from_alerts = open_summary(found), alert_summary(alerts(demo, NOW))
    assert (summary.breached, summary.warned) == (from_alerts.breached, from_alerts.warned)


def test_one_case_is_paused_for_qc_and_closed_ones_have_their_follow_ups(
    demo: StoreContext,
) -> None:
    paused = fetch(
        demo,
        "SELECT c.status, c.third_party_inspection, p.reason FROM complaint_pauses p"
        " JOIN complaints c ON c.id = p.complaint_id WHERE p.ended_at IS NULL",
    )
    assert paused == [("investigating", 1, "qc")]
    closed = fetch(
        demo,
        "SELECT remedy_kind, close_note, satisfaction_due, satisfaction_score, closed_at"
        " FROM complaints WHERE status = 'closed'",
    )
    assert all(kind and note and due for kind, note, due, _, _ in closed)
    scored = [score for *_, score, _ in closed if score is not None]
    assert len(scored) >= 6 and all(3 <= score <= 5 for score in scored)
    waiting = [due for _, _, due, score, _ in closed if score is None]
    assert waiting and all(date.fromisoformat(due) > TODAY for due in waiting)
    calls = fetch(
        demo,
        "SELECT due_on FROM notes WHERE body LIKE 'Complaint #%: satisfaction follow-up%'",
    )
    assert sorted(due for (due,) in calls) == sorted(waiting)
    reopened = fetch(
        demo,
        "SELECT reopen_count, satisfaction_score, armed_at > received_at FROM complaints"
        " WHERE status = 'reopened'",
    )
    assert reopened == [(1, 2, 1)]


def test_times_are_in_order_and_never_ahead_of_the_clock(demo: StoreContext) -> None:
    with demo.read() as session:
        cases = session.scalars(select(Complaint)).all()
        dates = dict(fetch(demo, "SELECT id, order_date FROM orders"))
        for case in cases:
            steps = [case.received_at, case.acknowledged_at, case.plan_at, case.closed_at]
            known = [moment for moment in steps if moment is not None]
            assert known == sorted(known) and known[-1] <= NOW, case.id
            assert case.armed_at >= case.received_at
            ordered = date.fromisoformat(dates[case.order_id])
            assert case.received_at.date() >= ordered, case.id


def test_every_clock_is_what_arm_complaint_writes(demo: StoreContext) -> None:
    with Session(demo.engine) as session:
        for case in session.scalars(select(Complaint)).all():
            query = select(ComplaintClock).where(ComplaintClock.complaint_id == case.id)
            stored = sorted((clock_view(c) for c in session.scalars(query)), key=str)
            armed = arm_complaint(session, case, demo.sla, demo.calendar)
            assert stored == sorted((clock_view(c) for c in armed), key=str), case.id
        session.rollback()


def test_the_same_seed_day_and_clock_give_the_same_complaints(
    open_demo_store: OpenStore,
) -> None:
    first, second, other = open_demo_store("a"), open_demo_store("b"), open_demo_store("c")
    for ctx, seed in ((first, 3), (second, 3), (other, 4)):
        load_demo(ctx, orders=400, seed=seed, today=TODAY)
    query = "SELECT * FROM complaints ORDER BY id"
    clocks = "SELECT * FROM complaint_clocks ORDER BY id"
    assert fetch(first, query) == fetch(second, query)
    assert fetch(first, clocks) == fetch(second, clocks)
    assert fetch(first, query) != fetch(other, query)


@pytest.mark.parametrize(("orders", "expected"), [(0, 0), (24, 2), (300, 25), (10**6, 600)])
def test_how_many_complaints(orders: int, expected: int) -> None:
    assert complaint_count(orders) == expected


def test_a_small_demo_keeps_the_breached_major_first(open_demo_store: OpenStore) -> None:
    ctx = open_demo_store()
    summary = load_demo(ctx, orders=24, today=TODAY)
    assert summary.complaints == 2
    rows = load_open_complaints(ctx)
    assert sorted(row.status for row in rows) == ["investigating", "new"]
    found = levels(rows, NOW)
    assert sorted(found.values()) == [Level.OK, Level.BREACHED]
    # The paused case keeps its level however long the inspection takes.
    assert levels(rows, NOW + timedelta(days=30)) == found
