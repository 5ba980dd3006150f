"""The same workflows on PostgreSQL: DESIGN promises that what works on SQLite works
there. Each test gets a database of its own on the server CI provides (127.0.0.1:5432,
trust auth); without a reachable server the tests are skipped, not failed.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from followup_tui.domain.orders.rules import OrderDraft
from followup_tui.store import schema
from followup_tui.store.location import parse_store
from followup_tui.store.unit_of_work import StoreContext, open_store

SERVER = os.environ.get("FOLLOWUP_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _admin_engine() -> Any:
    from sqlalchemy.exc import InterfaceError, OperationalError

    try:
        engine = create_engine(SERVER, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (OperationalError, InterfaceError, ImportError) as error:
        pytest.skip(f"no PostgreSQL server at {SERVER}: {type(error).__name__}")
    return engine


@pytest.fixture
def pg_ctx(clock: Any) -> Iterator[StoreContext]:
    admin = _admin_engine()
    name = f"followup_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = SERVER.rsplit("/", 1)[0] + f"/{name}"
    ctx = open_store(parse_store(url), actor="tester", clock=clock)
    try:
        schema.upgrade(ctx.engine)
        yield ctx
    finally:
        ctx.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_schema_upgrades_and_checks_clean(pg_ctx: StoreContext) -> None:
    report = schema.check(pg_ctx.engine)
    assert report.ok, report
    assert report.revision == schema.HEAD_REVISION


def test_an_order_is_planned_shifted_and_read_back(
    pg_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    from followup_tui.services.orders.entry import create_order
    from followup_tui.services.orders.flow import confirm_order
    from followup_tui.services.timeline.plans import shift
    from followup_tui.services.timeline.read import load_timeline, order_timeline

    order = create_order(pg_ctx, make_draft(requested_date=date(2026, 6, 30)))
    confirm_order(pg_ctx, order.id)
    planned = order_timeline(pg_ctx, order.id)
    assert len(planned.milestones) == 11 and not planned.at_risk
    production = next(m for m in planned.milestones if m.key == "production")
    result = shift(pg_ctx, production.milestone_id, by_days=15)
    assert result.order.at_risk and result.notice is not None
    assert [row.order_no for row in load_timeline(pg_ctx)] == [order.order_no]

    # the queue's own reader (DB-API, no SQLAlchemy) pages the same store
    from followup_tui.services.orders.queue import OrderWindow, QueueQuery
    from followup_tui.store.window_reader import WindowReader

    reader = WindowReader(pg_ctx.location, read_only=True)
    try:
        rows = OrderWindow(reader, QueueQuery(status="all", sort="order_no")).head(10)
    finally:
        reader.close()
    assert [(row.order_no, row.status) for row in rows] == [(order.order_no, "confirmed")]


def test_a_complaint_pauses_resumes_and_alerts(
    pg_ctx: StoreContext, make_draft: Callable[..., OrderDraft], clock: Any
) -> None:
    from followup_tui.services.complaints.queue import alerts, load_open_complaints
    from followup_tui.services.complaints.steps import (
        ComplaintDraft,
        acknowledge_complaint,
        create_complaint,
        pause_complaint,
        resume_complaint,
    )
    from followup_tui.services.orders.entry import create_order

    order = create_order(pg_ctx, make_draft(confirmed_date=date(2026, 4, 15)))
    case = create_complaint(
        pg_ctx,
        ComplaintDraft(order.order_no, "quality", "色差明显", grade="major", grade_reason="key"),
    )
    case = pause_complaint(pg_ctx, case.row.id, "qc")
    clock.advance(hours=30)
    case = resume_complaint(pg_ctx, case.row.id)
    (row,) = load_open_complaints(pg_ctx)
    assert row.id == case.row.id and not row.paused
    assert alerts(pg_ctx, clock()) == []  # the pause froze the 2-hour clock
    clock.advance(hours=3)  # past the 2 business hours left after the resume
    found = alerts(pg_ctx, clock())
    assert [(alert.complaint_id, alert.kind) for alert in found][:1] == [(row.id, "ack")]
    acknowledged = acknowledge_complaint(pg_ctx, row.id)
    assert acknowledged.acknowledged_by == "tester"


def test_a_document_is_filed_found_and_counted_on_the_checklist(
    pg_ctx: StoreContext, make_draft: Callable[..., OrderDraft], tmp_path: Path
) -> None:
    from followup_tui.services.archive.checklist import order_checklist
    from followup_tui.services.archive.filing import file_documents
    from followup_tui.services.archive.search import search
    from followup_tui.services.orders.entry import create_order

    order = create_order(pg_ctx, make_draft(confirmed_date=date(2026, 4, 15)))
    report = tmp_path / "qc-report.txt"
    report.write_text("质检报告 QC report: 外观色差明显, 三箱破损\n", encoding="utf-8")
    (result,) = file_documents(pg_ctx, [report], order_no=order.order_no)
    assert result.status == "filed"
    for query in ("色差", "破损", "QC report"):
        hits = search(pg_ctx, query).hits
        assert [hit.document.id for hit in hits] == [result.document_id], query
    assert search(pg_ctx, "色 差").hits  # two short terms, both present
    assert not search(pg_ctx, "发票").hits
    checklist = order_checklist(pg_ctx, order.id)
    assert "qc_report" not in checklist.missing
