"""The desk's test data and the helpers its Pilot tests share.

Forty orders, numbered PO-2026-00001 to PO-2026-00040, whose due dates fall from six
days before the fixed today to five weeks after it, so the queue has late (‼), at-risk
(!) and on-track rows. Every order's fields follow from its serial number (see
``SPECS``), so a test can say what it expects without reading the store back through
the code under test.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Footer
from textual.worker import WorkerCancelled, WorkerFailed

from followup_tui.domain.orders.lifecycle import OPEN_STATUSES, OrderStatus, awaits_delivery
from followup_tui.domain.orders.rules import AT_RISK_DAYS, LineDraft, OrderDraft
from followup_tui.workflows import PaletteEntry, offered_on, refused_rows

if TYPE_CHECKING:
    from followup_tui.app import FollowupApp
    from followup_tui.config import Config
    from followup_tui.screens.orders.queue import QueueScreen
    from followup_tui.services.orders.queue import QueueRow
    from followup_tui.services.orders.views import OrderDetail
    from followup_tui.store.unit_of_work import StoreContext

SIZE = (120, 35)
FIXED_NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
TODAY = date(2026, 11, 27)
ORDER_DATE = TODAY - timedelta(days=40)
CREATED_AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
MOVED_AT = datetime(2026, 11, 25, 3, 15, tzinfo=UTC)
NOTED_AT = datetime(2026, 11, 26, 6, 30, tzinfo=UTC)

HQ = "深圳市华强电子有限公司"
ACME = "Acme GmbH"
SH = "上海某某贸易有限公司"
NB = "宁波海天塑机集团"
BERGMANN = "Bergmann Tools Ltd"
MARKUP = "[bold]x[/] [@click=app.quit]Corp"
LINA = "李娜"
TESTER = "tester"

#: Customer by serial % 5; serial 19 belongs to the customer whose name looks like markup.
CUSTOMERS = (BERGMANN, HQ, SH, NB, ACME)
MARKUP_SERIAL = 19
PRODUCTS = (
    ("LED 驱动板 A3", "24V 2A"),
    ("外壳 B7 (黑)", "ABS"),
    ("Cable set K2", "2 m"),
    ("铝型材 6063", "T5"),
)
#: The stages a confirmed order is advanced through, by serial % 4.
STAGES = (
    OrderStatus.CONFIRMED,
    OrderStatus.MATERIALS,
    OrderStatus.PRODUCTION,
    OrderStatus.QC,
)
HELD, CLOSED, CANCELLED, SHIPPED = 37, 38, 39, 40
NOTE_CALL = "客户来电催货, 要求提前一周"
NOTE_INTERNAL = "[red]urgent[/] ask the factory"


@dataclass(frozen=True)
class Spec:
    """What order ``serial`` is once the store is built."""

    serial: int

    @property
    def order_no(self) -> str:
        return f"PO-2026-{self.serial:05d}"

    @property
    def customer(self) -> str:
        if self.serial == MARKUP_SERIAL:
            return MARKUP
        return CUSTOMERS[self.serial % len(CUSTOMERS)]

    @property
    def offset(self) -> int:
        """Days from today to the due date: distinct for every serial, -5 to 34."""
        return (self.serial * 11) % 41 - 6

    @property
    def due(self) -> date:
        return TODAY + timedelta(days=self.offset)

    @property
    def product(self) -> tuple[str, str]:
        return PRODUCTS[self.serial % len(PRODUCTS)]

    @property
    def owner(self) -> str:
        return LINA if self.serial % 3 == 0 else TESTER

    @property
    def quantity(self) -> Decimal:
        return Decimal(100 * ((self.serial * 7) % 50 + 1))

    @property
    def is_draft(self) -> bool:
        return self.serial % 7 == 0

    @property
    def status(self) -> OrderStatus:
        special = {
            HELD: OrderStatus.ON_HOLD,
            CLOSED: OrderStatus.CLOSED,
            CANCELLED: OrderStatus.CANCELLED,
            SHIPPED: OrderStatus.SHIPPED,
        }
        if self.serial in special:
            return special[self.serial]
        if self.is_draft:
            return OrderStatus.DRAFT
        return STAGES[self.serial % len(STAGES)]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def draft(self) -> OrderDraft:
        product, spec = self.product
        currency = "USD" if self.customer in (ACME, BERGMANN) else "CNY"
        lines = [
            LineDraft(
                product=product,
                spec=spec,
                quantity=self.quantity,
                unit="pcs",
                unit_price=Decimal("1.25") + Decimal(self.serial) / 100,
                currency=currency,
            )
        ]
        if self.serial % 6 == 0:
            lines.append(
                LineDraft(
                    product="包装箱",
                    spec="五层瓦楞",
                    quantity=Decimal(10),
                    unit="carton",
                    unit_price=Decimal("8.5"),
                    currency=currency,
                )
            )
        return OrderDraft(
            order_no=self.order_no,
            customer=self.customer,
            owner=self.owner,
            order_date=ORDER_DATE,
            requested_date=self.due,
            confirmed_date=None if self.is_draft else self.due,
            lines=lines,
            customer_po=f"CPO-{self.serial:03d}",
        )


SPECS: tuple[Spec, ...] = tuple(Spec(serial) for serial in range(1, 41))


def spec_of(order_no: str) -> Spec:
    return SPECS[int(order_no.rsplit("-", 1)[1]) - 1]


def open_queue() -> list[Spec]:
    """The queue's default content: open orders by due date."""
    return sorted((spec for spec in SPECS if spec.is_open), key=lambda spec: spec.due)


def late_count() -> int:
    return sum(1 for spec in SPECS if awaits_delivery(spec.status) and spec.offset < 0)


def weekdays_left(offset: int) -> int:
    """Business days to a due date ``offset`` days from today on the default Monday-Friday
    calendar, counted here by weekday so the tests do not trust the code under test."""
    step = 1 if offset >= 0 else -1
    span = range(1, offset + 1) if offset >= 0 else range(offset + 1, 1)
    return step * sum(1 for k in span if (TODAY + timedelta(days=k)).weekday() < 5)


def at_risk_count(slipping: Collection[str] = ()) -> int:
    """Open orders due within AT_RISK_DAYS business days (today is a Friday, so that
    reaches the Wednesday after), or not late and in ``slipping``: the orders whose plan
    the timeline projects past the promise (``slipping_orders``)."""
    return sum(
        1
        for spec in SPECS
        if awaits_delivery(spec.status)
        and spec.offset >= 0
        and (weekdays_left(spec.offset) <= AT_RISK_DAYS or spec.order_no in slipping)
    )


def slipping_orders(desk: Desk) -> frozenset[str]:
    """The order numbers whose plan the timeline projects past the promise: the one
    reading of "at risk" the queue and the header must agree with."""
    from followup_tui.services.timeline.read import load_timeline

    return frozenset(row.order_no for row in load_timeline(desk.store()) if row.days_short > 0)


@dataclass
class StepClock:
    """A clock the builder moves by hand, so every stored time is known."""

    current: datetime = CREATED_AT

    def __call__(self) -> datetime:
        return self.current


def _open(path: Path, actor: str, clock: Callable[[], datetime]) -> StoreContext:
    from followup_tui.store.location import parse_store
    from followup_tui.store.unit_of_work import open_store

    return open_store(parse_store(str(path)), actor=actor, clock=clock)


def build_store(path: Path) -> dict[str, int]:
    """Fill a new store at ``path``; returns order number -> id."""
    from followup_tui.services.archive.checklist import order_checklist, waive_documents
    from followup_tui.services.orders import flow as order_flow
    from followup_tui.services.orders.entry import create_order
    from followup_tui.store import schema

    clock = StepClock()
    mine = _open(path, TESTER, clock)
    theirs = _open(path, LINA, clock)
    try:
        schema.upgrade(mine.engine)
        ids: dict[str, int] = {}
        for spec in SPECS:
            ids[spec.order_no] = create_order(mine, spec.draft()).id
        clock.current = MOVED_AT
        for spec in SPECS:
            order_id = ids[spec.order_no]
            ctx = theirs if spec.serial % 2 == 0 else mine
            target = spec.status
            if spec.is_draft:
                continue
            if target in (OrderStatus.ON_HOLD, OrderStatus.CANCELLED):
                order_flow.advance_order(ctx, order_id, OrderStatus.PRODUCTION)
                if target is OrderStatus.ON_HOLD:
                    order_flow.hold_order(ctx, order_id, "等客户确认颜色")
                else:
                    order_flow.cancel_order(ctx, order_id, "客户取消")
            elif target is not OrderStatus.CONFIRMED:
                if target in (OrderStatus.SHIPPED, OrderStatus.CLOSED):
                    # through "shipped": the documents are waived (services.checklist)
                    missing = order_checklist(ctx, order_id).missing
                    waive_documents(ctx, order_id, missing, "单据线下已交")
                order_flow.advance_order(ctx, order_id, target)
        clock.current = NOTED_AT
        first = ids[SPECS[0].order_no]
        order_flow.add_note(mine, first, NOTE_CALL, "call")
        order_flow.add_note(theirs, first, NOTE_INTERNAL, "internal")
        return ids
    finally:
        mine.dispose()
        theirs.dispose()


@dataclass
class Desk:
    """One test's store, its second connections and the app factory."""

    path: Path
    ids: dict[str, int]
    language: str
    folder: Path
    _contexts: dict[str, StoreContext] = field(default_factory=dict)

    def store(self, actor: str = TESTER) -> StoreContext:
        """A connection of its own, as another clerk's desk or the CLI would have."""
        if actor not in self._contexts:
            self._contexts[actor] = _open(self.path, actor, lambda: FIXED_NOW)
        return self._contexts[actor]

    def make_app(
        self,
        *,
        read_only: bool = False,
        config: Config | None = None,
        now: datetime = FIXED_NOW,
    ) -> FollowupApp:
        from followup_tui.app import make_app
        from followup_tui.config import Config
        from followup_tui.desk_settings import DeskSettings
        from followup_tui.i18n import use_language
        from followup_tui.store.location import parse_store

        use_language(self.language)
        settings = DeskSettings(
            location=parse_store(str(self.path)),
            config=config if config is not None else Config(),
            config_path=self.folder / "config.toml",
            language=self.language,
            read_only=read_only,
        )
        return make_app(settings, clock=lambda: now, actor=TESTER)

    def run(
        self,
        body: Callable[[Pilot[Any]], Awaitable[None]],
        *,
        read_only: bool = False,
        config: Config | None = None,
        size: tuple[int, int] = SIZE,
        now: datetime = FIXED_NOW,
    ) -> FollowupApp:
        """Start the desk, wait for its first rows, run ``body``; returns the app."""
        app = self.make_app(read_only=read_only, config=config, now=now)

        async def inner() -> None:
            async with app.run_test(size=size) as pilot:
                await settle(pilot)
                await body(pilot)

        asyncio.run(inner())
        return app

    def detail(self, order_no: str) -> OrderDetail:
        from followup_tui.services.orders.entry import find_order_id, get_order

        ctx = self.store()
        order_id = self.ids.get(order_no) or find_order_id(ctx, order_no)
        return get_order(ctx, order_id)

    def status(self, order_no: str) -> str:
        return self.detail(order_no).order.status

    def statuses(self) -> dict[str, str]:
        from followup_tui.services.orders.queue import OrderWindow, QueueQuery
        from followup_tui.store.location import parse_store
        from followup_tui.store.window_reader import WindowReader

        reader = WindowReader(parse_store(str(self.path)), read_only=True)
        try:
            rows = OrderWindow(reader, QueueQuery(status="all", sort="order_no")).head(100)
        finally:
            reader.close()
        return {row.order_no: row.status for row in rows}

    def close(self) -> None:
        for ctx in self._contexts.values():
            ctx.dispose()
        self._contexts.clear()


# --- waiting and looking --------------------------------------------------------------


async def settle(pilot: Pilot[Any], rounds: int = 8) -> None:
    """Wait until the desk's workers are done and their results are on screen.

    A worker's result often starts another worker (a save reloads the rows, which
    recounts the header), so this waits a few rounds until nothing is running. The
    queue mounts its footer after the first frame, so it also waits for the footer's
    keys to be there.
    """
    app = pilot.app
    for _ in range(rounds):
        # A newer exclusive call may have replaced a worker, or a failure was reported.
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()
        if all(worker.is_finished for worker in app.workers) and _footer_ready(app):
            return


def _footer_ready(app: Any) -> bool:
    from followup_tui.screens.orders.queue import QueueScreen

    if not isinstance(app.screen, QueueScreen):
        return True
    footers = app.screen.query(Footer)
    if not footers:
        return False
    keys = footers.first().children
    return bool(keys) and all(key.region.width > 0 for key in keys)


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press ``keys`` and wait for whatever they started."""
    await pilot.press(*keys)
    await settle(pilot)


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` one character at a time, as a clerk would."""
    await pilot.press(*text)
    await settle(pilot)


def screen_text(app: App[Any]) -> str:
    """The screen as plain text, lines joined by newlines (what a clerk reads)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(update)
    return console.export_text()


def queue(app: App[Any]) -> QueueScreen:
    from followup_tui.screens.orders.queue import QueueScreen

    screen = app.screen
    assert isinstance(screen, QueueScreen), f"expected the queue, got {screen!r}"
    return screen


def rows(app: App[Any]) -> list[QueueRow]:
    return list(queue(app).table.visible_rows)


def order_nos(app: App[Any]) -> list[str]:
    return [row.order_no for row in rows(app)]


def cursor_no(app: App[Any]) -> str | None:
    row = queue(app).table.cursor_row
    return row.order_no if row is not None else None


async def move_to(pilot: Pilot[Any], order_no: str) -> None:
    """Walk the cursor down (from the top) to ``order_no``, as a clerk would."""
    app = pilot.app
    await pilot.press("home")
    for _ in range(len(SPECS)):
        if cursor_no(app) == order_no:
            return
        await pilot.press("down")
    assert cursor_no(app) == order_no, f"{order_no} is not in the queue"


def notifications(app: App[Any]) -> list[tuple[str, str]]:
    """(severity, message) of every notification still shown."""
    return [(note.severity, note.message) for note in app._notifications]


def messages(app: App[Any], severity: str | None = None) -> Iterator[str]:
    for level, message in notifications(app):
        if severity is None or level == severity:
            yield message


def palette_of(screen: str, prefix: str = "") -> tuple[PaletteEntry, ...]:
    """The palette entries of a workflow screen's own rows (not the per-value variants),
    read from the workflow table the screens and the palette are made from."""
    return tuple(
        PaletteEntry(row, row.action)
        for row in offered_on(screen)
        if row.palette and not row.variants and row.id.startswith(prefix)
    )


def changing_actions(screen: str) -> frozenset[str]:
    """The actions of ``screen`` a watching desk refuses: those that change data, and
    marking, which only serves them."""
    return frozenset(row.action_name for row in refused_rows(screen))
