"""The order queue, the desk's home screen.

It shows a window onto every order through the virtual table, filtered as the clerk
types and faceted by status and owner. The table's source is rebuilt on every change of
query; the selected row is tied to its order id, so refreshes (polled from the change
log's newest id) never move the clerk's cursor to another order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Footer, Input, Label

from followup_tui.domain.orders.lifecycle import OrderStatus
from followup_tui.domain.orders.rules import NoteKind, parse_date
from followup_tui.i18n import t
from followup_tui.screens.shared.history import call_recorded, history, redo_last, undo_last
from followup_tui.screens.shared.prompt import ChoiceScreen, PromptScreen, refusal_of
from followup_tui.screens.shared.service_calls import (
    call_service,
    count_alarms,
    desk,
    desk_header,
    run_in_background,
)
from followup_tui.screens.shared.workflows import DeskScreen, workflow_bindings
from followup_tui.services.orders.queue import (
    CountInterrupted,
    OrderWindow,
    QueueQuery,
    QueueRow,
    StoreState,
    change_mark,
    store_state,
)
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.widgets.order_columns import order_columns
from followup_tui.widgets.virtual_table import VirtualTable
from followup_tui.workflows import PaletteEntry, Workflow
from followup_tui.workflows.orders import QUEUE

if TYPE_CHECKING:
    from followup_tui.services.context import StoreContext
    from followup_tui.services.orders.views import BulkResult, OrderDetail, OrderView

SORT_ORDER: tuple[str, ...] = (
    "due_date",
    "order_no",
    "customer",
    "product",
    "quantity",
    "status",
    "owner",
    "slip",  # ascending puts on-time first; S shows the worst slip first
)


class QueueScreen(DeskScreen[None]):
    WORKFLOW_SCREEN = QUEUE
    BINDINGS = workflow_bindings(QUEUE)

    @property
    def table(self) -> VirtualTable[QueueRow]:
        table: VirtualTable[QueueRow] = self.query_one("#orders", VirtualTable)
        return table

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.query_state = QueueQuery()
        self._last_mark = -1
        self._ready = False

    # --- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield desk_header(self, id="desk-header")
        with Horizontal(id="filter-bar"):
            yield Label("/", id="filter-slash")
            yield Input(placeholder=t("queue.filter_placeholder"), id="filter")
            yield Label("", id="facets")
        app = desk(self)
        columns = order_columns(app.today(), app.calendar, self._calendar_year_unknown)
        table: VirtualTable[QueueRow] = VirtualTable(
            columns, empty_text=t("queue.empty"), id="orders"
        )
        translate_bindings(table)
        yield table
        yield Label("", id="status-line")

    async def _mount_footer(self) -> None:
        """The footer (a widget per key) is mounted after the first frame: the header,
        the filter bar and the rows are what the clerk waits for (measured: 1.36-1.50x
        the baseline's start with the footer in the first frame, 1.2x without)."""
        if not self.query(Footer):
            await self.mount(Footer())
            self.refresh_bindings()  # the footer draws its keys when bindings change

    def on_mount(self) -> None:
        app = desk(self)
        view = app.settings.config.views.get("open")
        if view is not None:
            self.query_state = self._query_from_view(view)
        self.set_focus(self.table)
        # The first frame (header, filter bar, column titles) paints before the store is
        # read, so the desk answers at once; the rows follow in the next frame.
        self.call_after_refresh(self._open_store)
        self.call_after_refresh(self._mount_footer)

    def _open_store(self) -> None:
        """Show rows at once when the store is ready; otherwise ask what to do."""
        app = desk(self)
        location = app.settings.location
        state = StoreState.MISSING
        if location.path is None or location.path.exists():
            state = store_state(app.reader)
        if state is StoreState.READY:
            self._show_rows()
            return
        if state is StoreState.OUTDATED:
            self.notify(t("error.store_outdated"), severity="error", timeout=30)
            return
        if app.read_only:
            self.table.empty_text = t("queue.empty_read_only")
            return
        from followup_tui.screens.shared.first_run import FirstRunScreen

        self.app.push_screen(FirstRunScreen(), self._first_run_chosen)

    def _show_rows(self) -> None:
        self._ready = True
        self._apply_query()
        self.set_interval(desk(self).settings.config.refresh_seconds, self._poll_changes)
        # After the first frame: these workers import SQLAlchemy and count, and would
        # otherwise compete with the first paint for the interpreter.
        self.call_after_refresh(self._refresh_counts)
        self.call_after_refresh(desk(self).warm_store)

    def _first_run_chosen(self, choice: str | None) -> None:
        if choice is None:
            return
        self._set_status(t("first_run.preparing"))

        def prepare(store: StoreContext) -> int:
            from followup_tui.services.store_setup import upgrade_store

            upgrade_store(store)
            if choice == "demo":
                from followup_tui.demo.dataset import load_demo

                return int(load_demo(store, today=desk(self).today()).orders)
            return 0

        def done(count: int) -> None:
            if count:
                self.notify(t("first_run.loaded", count=f"{count:,}"))
            self._show_rows()

        call_service(self, prepare, done, group="first-run")

    # --- the query --------------------------------------------------------------------

    def _apply_query(self, *, keep_key: int | None = None) -> None:
        if not self._ready:
            return
        table = self.table
        keep = keep_key if keep_key is not None else table.cursor_key
        window = OrderWindow(desk(self).reader, self.query_state)
        table.set_source(window, keep_key=keep)
        if keep_key is not None and table.cursor_key != keep_key:
            # Not in the first page: open the window at that order instead.
            row = window.row_for(keep_key)
            if row is not None:
                table.show_row(row)
        table.set_sort(self.query_state.sort, self.query_state.descending)
        self._update_facets()
        self._update_status()
        self._count_exactly(window)

    def _count_exactly(self, window: OrderWindow) -> None:
        """Count the rows in a worker (the table shows its position without a total
        until then). A count still running for an older query is interrupted: on a
        million orders it can take seconds, and a queue of stale counts, one per
        keystroke, would delay the one that matters. SQLite releases the interpreter
        while it counts, so the clerk's typing is not slowed by it."""
        reader = desk(self).background_reader
        reader.interrupt()

        def count() -> None:
            try:
                total = window.exact_count(reader)
            except CountInterrupted:
                return  # a newer query replaced this one
            self.app.call_from_thread(self._counted, window, total)

        run_in_background(self, count, group="exact-count")

    def _counted(self, window: OrderWindow, total: int) -> None:
        if self.table.source is window:
            self.table.set_row_count(total)
            self._update_status()

    def _update_facets(self) -> None:
        query = self.query_state
        status = (
            t("queue.status_open")
            if query.status == "open"
            else (t("queue.status_all") if query.status == "all" else t(f"status.{query.status}"))
        )
        owner = (
            t("queue.owner_all")
            if query.owner is None
            else (t("queue.owner_me") if query.owner == desk(self).actor else query.owner)
        )
        sort = t(f"queue.col.{query.sort}") + (" ▼" if query.descending else " ▲")
        text = Text()
        for label, value in (
            (t("queue.facet_status"), status),
            (t("queue.facet_owner"), owner),
            (t("queue.facet_sort"), sort),
        ):
            text.append(f"  {label}: ", style="dim")
            text.append(value)
        self.query_one("#facets", Label).update(text, layout=False)

    def _calendar_year_unknown(self, year: int) -> None:
        """A days-left cell met a year the calendar has no holidays for: say so, once.

        Called while the table draws a row, so the notice is posted for after the frame
        rather than shown from inside the render.
        """
        calendar = desk(self).calendar.name
        message = t("queue.calendar_unknown_year", calendar=calendar, year=year)
        self.call_later(self.notify, message, severity="warning", timeout=30)

    def _set_status(self, message: str) -> None:
        self.query_one("#status-line", Label).update(Text(message), layout=False)

    def _update_status(self) -> None:
        table = self.table
        text = Text(f" {table.position_text()}")
        marks = len(table.marked_keys)
        if marks:
            text.append(f"  ● {t('queue.marked', count=marks)}", style="bold")
        last = history(self).next_undo
        if last is not None and last.undoable and not desk(self).read_only:
            # Named before ctrl+z is pressed, so the clerk knows what it will take back.
            text.append("  ")
            text.append(t("queue.undo_hint", **last.describe()), style="dim")
        self.query_one("#status-line", Label).update(text, layout=False)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_state = self.query_state.with_text(event.value)
        self._apply_query()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, _event: Input.Submitted) -> None:
        self.set_focus(self.table)

    @on(VirtualTable.CursorMoved)
    @on(VirtualTable.MarksChanged)
    def _table_moved(self, _event: Any) -> None:
        self._update_status()

    @on(VirtualTable.Selected)
    def _row_selected(self, event: VirtualTable.Selected[QueueRow]) -> None:
        self.open_order(int(event.row.id))

    # --- refresh ----------------------------------------------------------------------

    def _poll_changes(self) -> None:
        """Reload only when the change log moved: one max(id) read per interval."""
        mark = change_mark(desk(self).reader)
        if mark != self._last_mark:
            self._last_mark = mark
            self.reload_rows()

    def reload_rows(self, *, focus_id: int | None = None) -> None:
        if not self._ready:
            return
        source = self.table.source
        if focus_id is not None or not isinstance(source, OrderWindow):
            self._apply_query(keep_key=focus_id)
        else:
            source.forget_count()
            self.table.reload()
            self._update_status()
            self._count_exactly(source)
        self._refresh_counts()

    def _refresh_counts(self) -> None:
        count_alarms(self)

    # --- facets, sort and views -------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_filter" and self.query_one("#filter", Input).has_focus:
            return False  # "/" is a character of the filter then (T/T, PO numbers)
        return super().check_action(action, parameters)

    def action_focus_filter(self) -> None:
        # At once, not with ``focus()`` (which waits for the next turn of the loop): a
        # clerk typing "/hq" quickly would otherwise send "h" to the table and hold
        # the order under the cursor.
        self.set_focus(self.query_one("#filter", Input))

    def action_escape(self) -> None:
        filter_input = self.query_one("#filter", Input)
        if filter_input.has_focus:
            self.set_focus(self.table)
        else:
            self.table.clear_marks()

    def action_refresh(self) -> None:
        self._apply_query()
        self._refresh_counts()

    def action_sort_by(self, column: str) -> None:
        descending = self.query_state.descending if column == self.query_state.sort else False
        self._set_query(sort=column, descending=descending)

    def action_cycle_sort(self) -> None:
        current = self.query_state.sort if self.query_state.sort in SORT_ORDER else "due_date"
        self.action_sort_by(SORT_ORDER[(SORT_ORDER.index(current) + 1) % len(SORT_ORDER)])

    def action_reverse_sort(self) -> None:
        self._set_query(descending=not self.query_state.descending)

    def action_show_status(self, status: str) -> None:
        self._set_query(status=status)

    def action_toggle_owner(self) -> None:
        mine = desk(self).actor
        self._set_query(owner=None if self.query_state.owner == mine else mine)

    def action_show_owner(self, owner: str) -> None:
        self._set_query(owner=None if owner == "all" else owner)

    def action_next_view(self) -> None:
        views = list(desk(self).settings.config.views.values())
        if not views:
            return
        names = [view.name for view in views]
        current = getattr(self, "_view_name", None)
        index = (names.index(current) + 1) % len(names) if current in names else 0
        self.action_open_view(names[index])

    def palette_variants(self, workflow: Workflow) -> Iterable[PaletteEntry]:
        """The palette's "sort by <column>", "show <status>" and "open view <name>"."""
        if workflow.id == "orders.sort_by":
            for column in SORT_ORDER:
                yield PaletteEntry(
                    workflow,
                    f"sort_by({column!r})",
                    title_keys=(("column", f"queue.col.{column}"),),
                )
        elif workflow.id == "orders.show_status":
            keys = {"open": "queue.status_open", "all": "queue.status_all"}
            keys.update({status.value: f"status.{status.value}" for status in OrderStatus})
            for status, key in keys.items():
                yield PaletteEntry(
                    workflow, f"show_status({status!r})", title_keys=(("status", key),)
                )
        elif workflow.id == "orders.open_view":
            for name in self.view_names():
                yield PaletteEntry(workflow, f"open_view({name!r})", title_values=(("name", name),))

    def view_names(self) -> list[str]:
        return list(desk(self).settings.config.views)

    def action_toggle_mark(self) -> None:
        self.table.action_toggle_mark()

    def action_open_view(self, name: str) -> None:
        view = desk(self).settings.config.views.get(name)
        if view is None:
            self.notify(t("queue.no_view", name=name), severity="warning")
            return
        self._view_name = name
        self.query_state = self._query_from_view(view)
        self.query_one("#filter", Input).value = view.filter
        self._apply_query()
        self.notify(t("queue.view_opened", name=name), timeout=2)

    def _query_from_view(self, view: Any) -> QueueQuery:
        owner = (
            None
            if view.owner == "all"
            else (desk(self).actor if view.owner == "me" else view.owner)
        )
        return QueueQuery(
            text=view.filter,
            status=view.status,
            owner=owner,
            sort=view.sort,
            descending=view.descending,
        )

    def _set_query(self, **changes: Any) -> None:
        from dataclasses import replace

        self.query_state = replace(self.query_state, **changes)
        self._apply_query()

    def _targets(self) -> list[int]:
        marked = sorted(int(str(key)) for key in self.table.marked_keys)
        if marked:
            return marked
        key = self.table.cursor_key
        return [int(str(key))] if key is not None else []

    def _cursor_id(self) -> int | None:
        key = self.table.cursor_key
        if key is None:
            self.notify(t("queue.no_order"), severity="warning")
            return None
        return int(str(key))

    def _call(self, work: Any, done: Any, group: str = "order-action") -> None:
        call_service(self, work, done, group=group)

    def _change(self, kind: str, work: Any, done: Any, orders: Any) -> None:
        """A change the clerk may undo (ctrl+z): recorded on the desk's history."""
        call_recorded(self, work, done, kind=kind, orders=orders)

    def _change_one(self, kind: str, work: Any) -> None:
        """A change of one order that answers with its view."""
        self._change(kind, work, self._after_single, lambda view: (view.order_no,))

    def _change_many(self, kind: str, work: Any) -> None:
        """A bulk change: the orders it names are those it did."""
        self._change(
            kind, work, self._after_bulk, lambda result: [step.order_no for step in result.done]
        )

    def _after_single(self, view: OrderView) -> None:
        self.notify(
            t("queue.order_now", order=view.order_no, status=t(f"status.{view.status}")), timeout=3
        )
        self.reload_rows(focus_id=view.id)

    def _after_bulk(self, result: BulkResult) -> None:
        message = t(f"queue.bulk_{result.action.replace('-', '_')}", count=result.changed)
        if result.refused:
            lines = [
                f"{order_no}: {explain_problem_params(key, params)}"
                for order_no, key, params in result.refused[:5]
            ]
            # Nothing done at all is an error to the clerk; a partial success a warning.
            self.notify(
                "\n".join([message, *lines]),
                severity="warning" if result.done else "error",
                timeout=10,
            )
        else:
            self.notify(message, timeout=3)
        self.table.clear_marks()
        self.reload_rows()
        self._update_status()

    def open_order(self, order_id: int) -> None:
        from followup_tui.screens.orders.detail import OrderDetailScreen

        self.app.push_screen(OrderDetailScreen(order_id), lambda _: self.reload_rows())

    def action_open_timeline(self) -> None:
        """The Gantt of every open order, with the cursor on this one if it has a plan."""
        from followup_tui.screens.timeline.timeline import TimelineScreen

        key = self.table.cursor_key
        focus = int(str(key)) if key is not None else None
        self.app.push_screen(TimelineScreen(focus_order_id=focus), lambda _: self.reload_rows())

    def action_new_complaint(self) -> None:
        """A complaint about this order; the triage queue then opens on the new case."""
        from followup_tui.screens.complaints.new_form import new_complaint

        order_id = self._cursor_id()
        if order_id is not None:
            new_complaint(self, order_id, self.action_open_complaints)

    def action_open_complaints(self, case_id: int | None = None) -> None:
        from followup_tui.screens.complaints.triage import ComplaintQueueScreen

        self.app.push_screen(ComplaintQueueScreen(focus_id=case_id), lambda _: self.reload_rows())

    def action_open_documents(self) -> None:
        """The archive scoped to the cursor's order, its document checklist on top."""
        from followup_tui.screens.archive.archive import ArchiveScreen

        row = self.table.cursor_row
        if row is None:
            self.notify(t("queue.no_order"), severity="warning")
            return
        screen = ArchiveScreen(order_id=int(str(row.id)), order_no=row.order_no)
        self.app.push_screen(screen, lambda _: self.reload_rows())

    def action_open_archive(self) -> None:
        from followup_tui.screens.archive.archive import ArchiveScreen

        self.app.push_screen(ArchiveScreen(), lambda _: self.reload_rows())

    def action_open_order(self) -> None:
        order_id = self._cursor_id()
        if order_id is not None:
            self.open_order(order_id)

    def action_new_order(self) -> None:
        from followup_tui.screens.orders.form import OrderFormScreen

        self.app.push_screen(OrderFormScreen(None), self._form_closed)

    def action_edit_order(self) -> None:
        order_id = self._cursor_id()
        if order_id is None:
            return
        from followup_tui.screens.orders.form import OrderFormScreen
        from followup_tui.services.orders.entry import get_order

        def opened(detail: OrderDetail) -> None:
            self.app.push_screen(OrderFormScreen(detail), self._form_closed)

        self._call(lambda store: get_order(store, order_id), opened, "load-order")

    def _form_closed(self, view: OrderView | None) -> None:
        if view is not None:
            self.reload_rows(focus_id=view.id)

    def action_confirm_order(self) -> None:
        row = self.table.cursor_row
        if row is None:
            self.notify(t("queue.no_order"), severity="warning")
            return
        order_id, default = row.id, row.due_date.isoformat()

        def promised_date(value: str) -> date:
            return parse_date(value, field="confirmed_date")

        def answered(value: str | None) -> None:
            if value is None:
                return
            from followup_tui.services.orders.flow import confirm_order

            promised = promised_date(value)  # the dialog refused what does not parse
            self._change_one("confirm", lambda store: confirm_order(store, order_id, promised))

        self.app.push_screen(
            PromptScreen(
                t("queue.confirm_title", order=row.order_no),
                t("queue.confirm_label"),
                default=default,
                required=True,
                check=refusal_of(promised_date),
            ),
            answered,
        )

    def action_resume(self) -> None:
        order_id = self._cursor_id()
        if order_id is None:
            return
        from followup_tui.services.orders.flow import resume_order

        self._change_one("resume", lambda store: resume_order(store, order_id))

    def action_cancel_order(self) -> None:
        order_id = self._cursor_id()
        if order_id is None:
            return

        def answered(reason: str | None) -> None:
            if reason is None:
                return
            from followup_tui.services.orders.flow import cancel_order

            self._change_one("cancel", lambda store: cancel_order(store, order_id, reason))

        self.app.push_screen(
            PromptScreen(t("queue.cancel_title"), t("queue.reason_label"), required=True),
            answered,
        )

    def _note_added(self, _note: object) -> None:
        self.notify(t("queue.note_added"), timeout=3)
        self._update_status()

    def action_add_note(self) -> None:
        row = self.table.cursor_row
        if row is None:
            self.notify(t("queue.no_order"), severity="warning")
            return
        order_id, order_no = int(str(row.id)), row.order_no
        kinds = [(kind.value, t(f"note_kind.{kind.value}")) for kind in NoteKind]

        def kind_chosen(kind: str | None) -> None:
            if kind is None:
                return

            def written(body: str | None) -> None:
                if body is None:
                    return
                from followup_tui.services.orders.flow import add_note

                self._change(
                    "note",
                    lambda store: add_note(store, order_id, body, kind),
                    self._note_added,
                    lambda _note: (order_no,),
                )

            self.app.push_screen(
                PromptScreen(t("queue.note_title"), t(f"note_kind.{kind}"), required=True),
                written,
            )

        self.app.push_screen(ChoiceScreen(t("queue.note_kind_title"), kinds), kind_chosen)

    def action_advance(self) -> None:
        targets = self._targets()
        if targets:
            from followup_tui.services.orders.flow import bulk_advance

            self._change_many("advance", lambda store: bulk_advance(store, targets))

    def action_hold(self) -> None:
        targets = self._targets()
        if targets:
            from followup_tui.services.orders.flow import bulk_hold

            self._change_many("hold", lambda store: bulk_hold(store, targets))

    def action_assign(self) -> None:
        targets = self._targets()
        if not targets:
            return

        def answered(owner: str | None) -> None:
            if owner is None:
                return
            from followup_tui.services.orders.flow import bulk_assign

            self._change_many("assign", lambda store: bulk_assign(store, targets, owner))

        self.app.push_screen(
            PromptScreen(
                t("queue.assign_title", count=len(targets)),
                t("queue.owner_label"),
                required=True,
                default=desk(self).actor,
            ),
            answered,
        )

    def action_undo(self) -> None:
        """Take back the clerk's last change on this desk, whatever it was."""
        undo_last(self, self._after_history)

    def action_redo(self) -> None:
        redo_last(self, self._after_history)

    def _after_history(self) -> None:
        self.table.clear_marks()
        self.reload_rows()
        self._update_status()

    def action_choose_status(self) -> None:
        from followup_tui.domain.orders.lifecycle import OrderStatus

        options = [("open", t("queue.status_open")), ("all", t("queue.status_all"))]
        options += [(status.value, t(f"status.{status.value}")) for status in OrderStatus]

        def chosen(status: str | None) -> None:
            if status is not None:
                self.action_show_status(status)

        self.app.push_screen(ChoiceScreen(t("queue.facet_status"), options), chosen)


def explain_problem_params(key: str, params: dict[str, Any]) -> str:
    """A refused bulk item's reason in the clerk's language."""
    from followup_tui.domain.errors import Problem
    from followup_tui.i18n.errors import explain_problem

    return explain_problem(Problem(key, None, params))
