"""The timeline: every open order's plan against its promised date, as a Gantt.

The screen owns the loaded rows and the workflows (shift, started, done, link,
exception, shipment); the Gantt widget owns drawing, the cursor, zoom and scrolling.
After a change only the changed order is replaced in the rows, so a shift on a desk with
ten thousand orders redraws at once instead of reloading them all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Footer, Static

from followup_tui.domain.orders.rules import parse_date
from followup_tui.i18n import current_language, t
from followup_tui.screens.shared.service_calls import call_service, count_alarms, desk, desk_header
from followup_tui.screens.shared.workflows import DeskScreen, workflow_bindings
from followup_tui.services.timeline.views import MilestoneBar, ShiftResult, TimelineOrder
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.widgets.gantt import GanttView
from followup_tui.workflows.timeline import TIMELINE

if TYPE_CHECKING:
    from followup_tui.domain.timeline.disruptions import ExceptionDraft
    from followup_tui.services.context import StoreContext
    from followup_tui.services.timeline.views import ExceptionView, ShipmentView


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


#: Orders read first, to fill the screen at once (a tall terminal shows about 60 rows).
FIRST_PAGE = 120


class TimelineScreen(DeskScreen[None]):
    WORKFLOW_SCREEN = TIMELINE
    BINDINGS = workflow_bindings(TIMELINE)

    #: (milestone id, key) chosen as the predecessor by the first ``l``; None otherwise.
    pending_link: tuple[int, str] | None = None

    def __init__(self, *, focus_order_id: int | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        #: The loaded orders, in the Gantt's order.
        self.rows: list[TimelineOrder] = []
        self.focus_order_id = focus_order_id
        self.only_mine = False
        #: Whether ``rows`` holds every order yet, or only the first page.
        self.complete = False
        #: Orders re-planned here since the last reload began, by id.
        self.changed_since_reload: dict[int, TimelineOrder] = {}

    def compose(self) -> ComposeResult:
        yield desk_header(self)
        yield Static(id="timeline-status")
        app = desk(self)
        yield GanttView(id="gantt", today=app.today(), calendar=app.calendar)
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        from followup_tui.services.timeline.read import load_timeline

        app = desk(self)
        owner = app.actor if self.only_mine else None
        today = app.today()
        self.complete = False
        self.changed_since_reload.clear()
        self.query_one("#timeline-status", Static).update(Text(t("timeline.loading"), style="dim"))
        # The first screenful first, complete with projections, then every order behind
        # it: ten thousand orders take a second or two to read, a page a few milliseconds.
        call_service(
            self,
            lambda store: load_timeline(store, today, owner=owner, limit=FIRST_PAGE),
            self._first_page,
            group="timeline-first",
        )
        call_service(
            self,
            lambda store: load_timeline(store, today, owner=owner),
            self._loaded,
            group="timeline-load",
        )
        count_alarms(self)

    def _first_page(self, rows: Sequence[TimelineOrder]) -> None:
        if self.complete:
            return  # the whole list was quicker (a small desk)
        self._show_rows(rows)

    def _loaded(self, rows: Sequence[TimelineOrder]) -> None:
        self.complete = True
        # Orders changed here while the list was read are newer than what it holds.
        fresh = [self.changed_since_reload.get(row.order_id, row) for row in rows]
        self._show_rows(fresh)

    def _show_rows(self, rows: Sequence[TimelineOrder]) -> None:
        self.rows = list(rows)
        self.gantt.set_rows(self.rows)
        if self.focus_order_id is not None and self.gantt.move_cursor_to(self.focus_order_id):
            self.focus_order_id = None
        if self.complete:
            self.focus_order_id = None
        self.gantt.focus()
        self.show_status()

    def show_status(self, message: Text | None = None) -> None:
        """The line above the Gantt: counts, whose orders, and what the calendar lacks."""
        from followup_tui.services.timeline.read import unknown_years

        late = sum(1 for row in self.rows if row.late)
        at_risk = sum(1 for row in self.rows if row.at_risk and not row.late)
        line = Text()
        if self.complete:
            line.append(t("timeline.summary", orders=len(self.rows), late=late, at_risk=at_risk))
        else:
            line.append(t("timeline.first_page", orders=len(self.rows)), style="dim")
        line.append("  ·  ")
        line.append(t("timeline.mine") if self.only_mine else t("timeline.everyone"), style="dim")
        years = unknown_years(self.rows)
        if years:
            line.append("  ")
            line.append(
                t("timeline.calendar_unknown", years=", ".join(map(str, years))),
                style="bold yellow",
            )
        if self.pending_link is not None:
            line.append("  ")
            line.append(
                t("timeline.link_pending", milestone=t(f"stage.{self.pending_link[1]}")),
                style="reverse",
            )
        if message is not None:
            line.append("  ")
            line.append_text(message)
        self.query_one("#timeline-status", Static).update(line)

    def action_toggle_owner(self) -> None:
        self.only_mine = not self.only_mine
        self.action_reload()

    def action_back(self) -> None:
        if self.pending_link is not None:
            self.pending_link = None
            self.show_status()
            return
        self.dismiss(None)

    def today(self) -> date:
        return desk(self).today()

    # The Gantt's own keys, as screen actions so the palette can offer them too.

    def action_gantt_toggle_expand(self) -> None:
        self.gantt.action_toggle_expand()

    def action_gantt_zoom_in(self) -> None:
        self.gantt.action_zoom_in()

    def action_gantt_zoom_out(self) -> None:
        self.gantt.action_zoom_out()

    def action_gantt_today(self) -> None:
        self.gantt.action_today()

    def action_gantt_next(self) -> None:
        self.gantt.action_cursor_down()

    def action_gantt_previous(self) -> None:
        self.gantt.action_cursor_up()

    @property
    def gantt(self) -> GanttView:
        return self.query_one("#gantt", GanttView)

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
            # Offered, not opened: the clerk may be in the middle of a run of ``>``
            # presses, and a dialog opened now would take the next ones as typed text.
            message.append(" ")
            message.append(t("timeline.notice_ready", shortcut=self._notice_key()), style="bold")
        self.show_status(message)

    def _notice_key(self) -> str:
        """The key that drafts the notice, as the footer shows it (a keymap may move it)."""
        for bindings in self._bindings.key_to_bindings.values():
            for binding in bindings:
                if binding.id == "timeline.notice":
                    return self.app.get_key_display(binding)
        return "n"

    def action_open_notice(self) -> None:
        """Draft the delay notice for the order under the cursor, when it runs late.

        Built from the order's row as the timeline shows it (promised date and projected
        finish), so it says what the clerk sees, however many shifts led there.
        """
        from followup_tui.render.customer_notice import notice_for
        from followup_tui.screens.timeline.notice import NoticeScreen
        from followup_tui.services.timeline.views import NoticeFacts

        order = self.gantt.current_order
        if order is None:
            return
        if order.days_short <= 0:
            self.notify(t("timeline.notice_on_time", order=order.order_no), severity="warning")
            return
        facts = NoticeFacts(
            language=order.customer_language,
            customer=order.customer,
            order_no=order.order_no,
            promised=order.promised,
            new_eta=order.projected,
            slip_days=order.days_short,
            clerk=desk(self).actor,
        )
        title = t("timeline.notice_title", order=order.order_no)
        self.app.push_screen(NoticeScreen(title, notice_for(facts)))

    def _run(self, work: Callable[[StoreContext], ShiftResult], kind: str = "shift") -> None:
        """A change of the plan, recorded on the desk's history for ctrl+z."""
        from followup_tui.screens.shared.history import call_recorded

        call_recorded(
            self,
            work,
            self._after_shift,
            kind=kind,
            orders=lambda result: (result.order.order_no,),
            group="timeline-change",
        )

    def action_undo(self) -> None:
        """The clerk's last change on this desk (here or on the queue), taken back."""
        from followup_tui.screens.shared.history import undo_last

        undo_last(self, self.action_reload)

    def action_redo(self) -> None:
        from followup_tui.screens.shared.history import redo_last

        redo_last(self, self.action_reload)

    def action_shift(self, days: int) -> None:
        from followup_tui.services.timeline.plans import shift

        bar = self._milestone()
        if bar is None:
            return
        milestone_id, version = bar.milestone_id, bar.version
        self._run(lambda store: shift(store, milestone_id, by_days=days, expected_version=version))

    def action_shift_to_date(self) -> None:
        from followup_tui.screens.shared.prompt import PromptScreen, refusal_of
        from followup_tui.services.timeline.plans import shift

        bar = self._milestone()
        if bar is None:
            return
        milestone_id, version = bar.milestone_id, bar.version

        def day(answer: str) -> date:
            return typed_day(answer, desk(self).today())

        def typed(answer: str | None) -> None:
            if not answer:
                return
            start = day(answer)  # the dialog refused what does not parse
            self._run(
                lambda store: shift(store, milestone_id, to_start=start, expected_version=version)
            )

        self.app.push_screen(
            PromptScreen(
                t("timeline.to_date_title", milestone=t(f"stage.{bar.key}")),
                t("timeline.to_date_label"),
                default=bar.planned_start.isoformat(),
                required=True,
                check=refusal_of(day),
            ),
            typed,
        )

    def action_mark_started(self) -> None:
        from followup_tui.services.timeline.plans import mark_started

        bar = self._milestone()
        if bar is not None:
            milestone_id = bar.milestone_id
            self._run(lambda store: mark_started(store, milestone_id), "started")

    def action_mark_done(self) -> None:
        from followup_tui.services.timeline.plans import mark_done

        bar = self._milestone()
        if bar is not None:
            milestone_id = bar.milestone_id
            self._run(lambda store: mark_done(store, milestone_id), "done")

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
        self._run(lambda store: link(store, predecessor_id, successor_id), "link")

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
        from followup_tui.screens.timeline.contingency import ContingencyScreen
        from followup_tui.services.timeline.events import apply_contingency, company_contingency

        app = desk(self)
        library = company_contingency(app.settings.company_folder)
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
