"""Fixtures shared by every test folder.

Kept general on purpose: a store, a clock, an order draft factory, and the guard that keeps
every test away from the real home folder. Folder-specific fixtures belong in a conftest
of that folder.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from followup_tui.domain.orders.rules import LineDraft, OrderDraft

START = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # a Monday, 09:30 in Shanghai


@dataclass
class FixedClock:
    """An aware UTC clock that stands still until a test moves it."""

    current: datetime = START

    def __call__(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta | None = None, **units: float) -> datetime:
        """Move forward by ``delta`` or by ``timedelta(**units)`` (``hours=2``)."""
        self.current += delta if delta is not None else timedelta(**units)
        return self.current

    def set(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValueError("the test clock keeps aware datetimes only")
        self.current = moment.astimezone(UTC)
        return self.current


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the settings file, the data folder and the error log into tmp_path, and
    speak English. The error log's handler is taken down afterwards, so one test's
    failures are never written into the next test's folder."""
    monkeypatch.setenv("FOLLOWUP_CONFIG", str(tmp_path / "home" / "config" / "config.toml"))
    monkeypatch.setenv("FOLLOWUP_DATA_DIR", str(tmp_path / "home" / "data"))
    monkeypatch.setenv("FOLLOWUP_LOG_DIR", str(tmp_path / "home" / "log"))
    monkeypatch.delenv("FOLLOWUP_DB", raising=False)
    from followup_tui.i18n import use_language

    use_language("en")
    yield
    from followup_tui.error_log import stop_error_log

    stop_error_log()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def store_ctx(tmp_path: Path, clock: FixedClock) -> Iterator[Any]:
    """An upgraded SQLite store in tmp_path, acting as ``tester`` on the test clock."""
    from followup_tui.store import schema
    from followup_tui.store.location import parse_store
    from followup_tui.store.unit_of_work import open_store

    ctx = open_store(parse_store(str(tmp_path / "desk.db")), actor="tester", clock=clock)
    schema.upgrade(ctx.engine)
    try:
        yield ctx
    finally:
        ctx.dispose()


def build_draft(serial: int, *, line: dict[str, Any] | None = None, **overrides: Any) -> OrderDraft:
    """A valid one-line order; ``overrides`` replace order fields, ``line`` line fields."""
    line_fields: dict[str, Any] = {
        "product": "LED 灯条",
        "spec": "5050 12V",
        "quantity": Decimal("1200"),
        "unit": "pcs",
        "unit_price": Decimal("1.2500"),
        "currency": "USD",
    }
    line_fields.update(line or {})
    fields: dict[str, Any] = {
        "order_no": f"PO-2026-{serial:05d}",
        "customer": "深圳市华强电子有限公司",
        "owner": "li.na",
        "order_date": date(2026, 3, 2),
        "requested_date": date(2026, 4, 15),
        "lines": [LineDraft(**line_fields)],
    }
    fields.update(overrides)
    return OrderDraft(**fields)


@pytest.fixture
def make_draft() -> Callable[..., OrderDraft]:
    """``make_draft(customer="Acme GmbH", line={"quantity": Decimal(5)})``; each call
    without an ``order_no`` gets the next free number."""
    serials = itertools.count(1)

    def factory(*, line: dict[str, Any] | None = None, **overrides: Any) -> OrderDraft:
        return build_draft(next(serials), line=line, **overrides)

    return factory
