"""Every order of the demo data can be bundled for an auditor, whatever happened to it.

The demo covers what clerks do (complaints paused and resumed, shipments, waivers,
documents, holds and cancellations), so a view that grows a value the bundle cannot
write (a paused clock's time left once crashed it) fails here, not at an audit.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from followup_tui.demo.dataset import load_demo
from followup_tui.render.audit_index import audit_index
from followup_tui.services.archive.bundle import audit_bundle, iso_duration
from followup_tui.store import schema
from followup_tui.store.location import parse_store
from followup_tui.store.models import Order
from followup_tui.store.unit_of_work import StoreContext, open_store

TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def demo_store(tmp_path: Path) -> Iterator[StoreContext]:
    ctx = open_store(parse_store(str(tmp_path / "demo.db")), actor="auditor", clock=lambda: NOW)
    schema.upgrade(ctx.engine)
    load_demo(ctx, orders=150, today=TODAY)
    yield ctx
    ctx.dispose()


def test_every_demo_order_can_be_bundled(demo_store: StoreContext, tmp_path: Path) -> None:
    with demo_store.read() as session:
        order_ids = session.scalars(select(Order.id).order_by(Order.id)).all()
    assert order_ids
    dest = tmp_path / "out"
    dest.mkdir()
    remaining: list[str] = []
    for order_id in order_ids:
        path = audit_bundle(demo_store, order_id, dest, index=audit_index)
        with zipfile.ZipFile(path) as archive:
            complaints = json.loads(archive.read("data/complaints.json"))
        remaining += [
            clock["remaining"]
            for case in complaints
            for clock in case["row"]["clocks"]
            if clock["remaining"] is not None
        ]
    assert len(list(dest.iterdir())) == len(order_ids)
    # The demo pauses some cases; their clocks' time left is written as a duration.
    assert remaining and all(value.startswith(("PT", "-PT")) for value in remaining)


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(0), "PT0S"),
        (timedelta(hours=1, minutes=30, seconds=5), "PT1H30M5S"),
        (timedelta(days=2, minutes=1), "PT48H1M"),
        (-timedelta(minutes=40), "-PT40M"),
    ],
)
def test_spans_are_written_as_iso_durations(span: timedelta, text: str) -> None:
    assert iso_duration(span) == text
