"""The timeline's workflows: shift, mark started or done, link, record an exception,
book a shipment.

Each runs its service in a worker and replaces only the changed order in the Gantt.
When a shift pushes the projected finish past the promised date, the drafted customer
notice opens for the clerk to edit and copy; an exception offers its contingency plan.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from rich.text import Text
from textual.screen import Screen

from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders.rules import parse_date
from followup_tui.i18n import current_language, t
from followup_tui.i18n.errors import explain
from followup_tui.screens.shared.service_calls import call_service, desk
from followup_tui.services.timeline.views import MilestoneBar, ShiftResult, TimelineOrder
from followup_tui.widgets.gantt import GanttView

if TYPE_CHECKING:
    from followup_tui.domain.timeline.disruptions import ExceptionDraft
    from followup_tui.services.timeline.views import ExceptionView, ShipmentView
    from followup_tui.store.unit_of_work import StoreContext

#: Actions that change the store; hidden and refused on a read-only desk.
MUTATING_ACTIONS: frozenset[str] = frozenset(
    {
        "shift",
        "shift_to_date",
        "mark_started",
        "mark_done",
        "link",
        "record_exception",
        "add_shipment",
    }
)


def typed_day(answer: str, today: date) -> date:
    """A date as a clerk types it: 2026-12-04, or 12-04 for the next such day."""
    text = answer.strip()
    parts = text.split("-")
    if len(parts) == 2 and all(part.isdigit() for part in parts):
        candidate = parse_date(
            f"{today.year}-{int(parts[0]):02d}-{int(parts[1]):02d}", field="start"
        )
        if (today - candidate).days > 180:
            candidate = candidate.replace(year=today.year + 1)
        return candidate
    return parse_date(text, field="start")


class TimelineActions(Screen[None]):
    """Mixin for ``TimelineScreen``: the re-planning workflows."""

    rows: list[TimelineOrder]
    changed_since_reload: dict[int, TimelineOrder]
    complete: bool
    #: (milestone id, key) chosen as the predecessor by the first ``l``; None otherwise.
    pending_link: tuple[int, str] | None = None

    if TYPE_CHECKING:

        def show_status(self, message: Text | None = None) -> None: ...

    def __init__(self) -> None:
        super().__init__()
        self.rows = []

    @property
    def gantt(self) -> GanttView:
        return self.query_one("#gantt", GanttView)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False hides the action from the footer and the palette (None would only dim it).
        return not (action in MUTATING_ACTIONS and desk(self).read_only)

    # --- helpers ------------------------------------------------------------------------

    def _milestone(self) -> MilestoneBar | None:
        """The milestone under the cursor, or a hint when the cursor is on an order."""
        bar = self.gantt.current_milestone
        if bar is None:
            self.notify(t("timeline.pick_milestone"), severity="warning")
        return bar

    def replace_order(self, order: TimelineOrder) -> None:
        """Swap one order's row for its new plan and redraw, keeping the cursor."""
        self.changed_since_reload[order.order_id] = order
        for index, row in enumerate(self.rows):
            if row.order_id == order.order_id:
                self.rows[index] = order
                break
        else:
            self.rows.append(order)
        self.gantt.set_rows(self.rows)

    def _after_shift(self, result: ShiftResult) -> None:
        self.replace_order(result.order)
        order = result.order
        moved = len(result.moved)
        message = Text()
        message.append(order.order_no, style="bold")
        message.append(" ")
        message.append(
            t(
                "timeline.shifted",
                moved=moved,
                projected=order.projected.strftime("%m-%d"),
            )
        )
        if order.days_short > 0:
            message.append(" ")
            message.append(t("timeline.short_by", days=order.days_short), style="bold yellow")
        self.show_status(message)
        if result.notice is not None:
            from followup_tui.screens.timeline.notice import NoticeScreen

            title = t("timeline.notice_title", order=order.order_no)
            self.app.push_screen(NoticeScreen(title, result.notice))

    def _run(self, work: Callable[[StoreContext], ShiftResult]) -> None:
        call_service(self, work, self._after_shift, group="timeline-change")

    # --- actions ------------------------------------------------------------------------

    def action_shift(self, days: int) -> None:
        from followup_tui.services.timeline.plans import shift

        bar = self._milestone()
        if bar is None:
            return
        milestone_id, version = bar.milestone_id, bar.version
        self._run(lambda store: shift(store, milestone_id, by_days=days, expected_version=version))

    def action_shift_to_date(self) -> None:
        from followup_tui.screens.shared.prompt import PromptScreen
        from followup_tui.services.timeline.plans import shift

        bar = self._milestone()
        if bar is None:
            return
        milestone_id, version = bar.milestone_id, bar.version

        def typed(answer: str | None) -> None:
            if not answer:
                return
            try:
                start = typed_day(answer, desk(self).today())
            except FollowupError as error:
                self.notify(explain(error), severity="error")
                return
            self._run(
                lambda store: shift(store, milestone_id, to_start=start, expected_version=version)
            )

        self.app.push_screen(
            PromptScreen(
                t("timeline.to_date_title", milestone=t(f"stage.{bar.key}")),
                t("timeline.to_date_label"),
                default=bar.planned_start.isoformat(),
                required=True,
            ),
            typed,
        )

    def action_mark_started(self) -> None:
        from followup_tui.services.timeline.plans import mark_started

        bar = self._milestone()
        if bar is not None:
            milestone_id = bar.milestone_id
            self._run(lambda store: mark_started(store, milestone_id))

    def action_mark_done(self) -> None:
        from followup_tui.services.timeline.plans import mark_done

        bar = self._milestone()
        if bar is not None:
            milestone_id = bar.milestone_id
            self._run(lambda store: mark_done(store, milestone_id))

    def action_link(self) -> None:
        """First press picks the predecessor, the second (on another milestone of the
        same order) links it finish-to-start; Escape forgets the first."""
        from followup_tui.services.timeline.plans import link

        bar = self._milestone()
        if bar is None:
            return
        if self.pending_link is None:
            self.pending_link = (bar.milestone_id, bar.key)
            self.show_status()
            return
        predecessor_id, _key = self.pending_link
        self.pending_link = None
        successor_id = bar.milestone_id
        self.show_status()
        self._run(lambda store: link(store, predecessor_id, successor_id))

    def action_record_exception(self) -> None:
        from followup_tui.screens.timeline.exception_form import ExceptionFormScreen

        order = self.gantt.current_order
        if order is None:
            return
        bar = self.gantt.current_milestone
        milestones = [(m.key, t(f"stage.{m.key}")) for m in order.milestones]
        order_id = order.order_id

        def saved(draft: ExceptionDraft | None) -> None:
            if draft is not None:
                self._save_exception(order_id, draft)

        self.app.push_screen(
            ExceptionFormScreen(order.order_no, milestones, bar.key if bar else None), saved
        )

    def _save_exception(self, order_id: int, draft: ExceptionDraft) -> None:
        from followup_tui.services.timeline.events import record_exception
        from followup_tui.services.timeline.read import order_timeline

        today = desk(self).today()

        def work(store: StoreContext) -> tuple[ExceptionView, TimelineOrder]:
            view, _shifted = record_exception(store, order_id, draft)
            return view, order_timeline(store, order_id, today)

        def done(result: tuple[ExceptionView, TimelineOrder]) -> None:
            view, order = result
            self.replace_order(order)
            self.show_status(
                Text(t("timeline.exception_recorded", kind=t(f"exception_kind.{view.kind}")))
            )
            self._offer_contingency(view)

        call_service(self, work, done, group="timeline-change")

    def _offer_contingency(self, view: ExceptionView) -> None:
        from followup_tui.domain.timeline.contingency import load_contingency
        from followup_tui.screens.timeline.contingency import ContingencyScreen
        from followup_tui.services.timeline.events import apply_contingency

        app = desk(self)
        library = load_contingency(app.settings.config_path.parent / "contingency.toml")
        scenarios = library.for_kind(view.kind)
        language = current_language()
        exception_id = view.id

        def chosen(key: str | None) -> None:
            if key is None:
                return

            def applied(notes: tuple[object, ...]) -> None:
                self.notify(t("timeline.contingency_applied", count=len(notes)))

            call_service(
                self,
                lambda store: apply_contingency(store, exception_id, key, library, language),
                applied,
                group="timeline-change",
            )

        self.app.push_screen(ContingencyScreen(view.kind, scenarios, language), chosen)

    def action_add_shipment(self) -> None:
        """Book a shipment of the order under the cursor (on an order or its milestone).

        The lines and what is left of each are read in a worker first, so the form opens
        filled with the quantities still to ship; an order with nothing left says so
        instead of opening a form that can only be refused.
        """
        from followup_tui.screens.timeline.shipment_form import ShipmentFormScreen, lines_left
        from followup_tui.services.orders.entry import get_order
        from followup_tui.services.timeline.events import list_shipments

        order = self.gantt.current_order
        if order is None:
            return
        order_id, order_no = order.order_id, order.order_no

        def load(store: StoreContext) -> tuple[tuple[int, str, str], ...]:
            return lines_left(get_order(store, order_id), list_shipments(store, order_id))

        def loaded(lines: tuple[tuple[int, str, str], ...]) -> None:
            if all(Decimal(left) <= 0 for _line_no, _product, left in lines):
                self.notify(t("shipment.nothing_left", order=order_no), markup=False)
                return
            form = ShipmentFormScreen(order_no, lines, order_id=order_id)
            self.app.push_screen(form, self._shipment_booked)

        call_service(self, load, loaded, group="timeline-ship")

    def _shipment_booked(self, view: ShipmentView | None) -> None:
        if view is None:
            return
        eta = view.eta.isoformat() if view.eta is not None else t("shipment.no_date")
        message = t("shipment.booked", carrier=view.carrier, lines=len(view.lines), eta=eta)
        self.notify(message, markup=False)  # the carrier is typed text, never markup

    def action_review(self) -> None:
        from followup_tui.screens.timeline.review import ReviewScreen

        # Until the whole list is read the review reads it itself, rather than review
        # only the first page.
        self.app.push_screen(ReviewScreen(self.rows if self.complete else None))
