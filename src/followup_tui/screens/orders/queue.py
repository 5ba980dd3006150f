"""The order queue, the desk's home screen.

It shows a window onto every order through the virtual table, filtered as the clerk
types and faceted by status and owner. The table's source is rebuilt on every change of
query; the selected row is tied to its order id, so refreshes (polled from the change
log's newest id) never move the clerk's cursor to another order.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Input, Label

from followup_tui.commands.complaint_commands import ComplaintCommands
from followup_tui.commands.order_commands import OrderCommands
from followup_tui.i18n import t
from followup_tui.screens.orders.queue_actions import QueueActions
from followup_tui.screens.shared.service_calls import (
    call_service,
    count_alarms,
    desk,
    desk_header,
    run_in_background,
)
from followup_tui.services.orders.queue import (
    OrderWindow,
    QueueQuery,
    QueueRow,
    StoreState,
    change_mark,
    store_state,
)
from followup_tui.store.window_reader import QueryInterrupted
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.widgets.order_columns import order_columns
from followup_tui.widgets.virtual_table import VirtualTable

SORT_ORDER: tuple[str, ...] = (
    "due_date",
    "order_no",
    "customer",
    "product",
    "quantity",
    "status",
    "owner",
)


class QueueScreen(QueueActions):
    COMMANDS = {OrderCommands, ComplaintCommands}
    BINDINGS = [
        Binding(
            "slash",
            "focus_filter",
            "Filter",
            id="orders.filter",
            tooltip="Filter by order no., customer, product or pinyin initials",
            # Run before the app hands the next keys to the focused widget, so "/hq"
            # typed in one go reaches the filter and not the table ("h" is hold).
            priority=True,
        ),
        Binding("n", "new_order", "New", id="orders.new", tooltip="Enter a new order"),
        Binding("e", "edit_order", "Edit", id="orders.edit", tooltip="Edit the order"),
        Binding(
            "y",
            "confirm_order",
            "Confirm",
            id="orders.confirm",
            tooltip="Confirm a draft with the promised date",
        ),
        Binding(
            "a",
            "advance",
            "Advance",
            id="orders.advance",
            tooltip="Advance the marked orders (or this one) one stage",
        ),
        Binding("h", "hold", "Hold", id="orders.hold", tooltip="Put on hold"),
        Binding(
            "r", "resume", "Resume", id="orders.resume", tooltip="Resume from hold", show=False
        ),
        Binding(
            "x",
            "cancel_order",
            "Cancel",
            id="orders.cancel",
            tooltip="Cancel the order",
            show=False,
        ),
        Binding("g", "assign", "Assign", id="orders.assign", tooltip="Assign an owner"),
        Binding(
            "t", "open_timeline", "Timeline", id="orders.timeline", tooltip="Open the timeline"
        ),
        Binding("c", "new_complaint", "Complaint", id="complaints.new", tooltip="New complaint"),
        Binding(
            "C",
            "open_complaints",
            "Complaints",
            id="complaints.triage",
            show=False,
            tooltip="Open the complaint triage",
        ),
        Binding(
            "d",
            "open_documents",
            "Documents",
            id="archive.documents",
            show=False,
            tooltip="The order's documents and its checklist",
        ),
        Binding(
            "D",
            "open_archive",
            "Archive",
            id="archive.open",
            show=False,
            tooltip="Search every filed document",
        ),
        Binding("m", "add_note", "Note", id="orders.note", tooltip="Add a note", show=False),
        Binding("ctrl+z", "undo", "Undo", id="orders.undo", tooltip="Undo the last bulk action"),
        Binding(
            "s",
            "cycle_sort",
            "Sort",
            id="orders.sort",
            tooltip="Sort by the next column",
            show=False,
        ),
        Binding(
            "S",
            "reverse_sort",
            "Reverse",
            id="orders.reverse",
            show=False,
            tooltip="Reverse the sort",
        ),
        Binding(
            "f",
            "choose_status",
            "Status",
            id="orders.status",
            show=False,
            tooltip="Show one status",
        ),
        Binding(
            "o",
            "toggle_owner",
            "Mine/all",
            id="orders.owner",
            show=False,
            tooltip="My orders or everyone's",
        ),
        Binding("v", "next_view", "View", id="orders.view", show=False, tooltip="Next saved view"),
        Binding(
            "ctrl+r",
            "refresh",
            "Refresh",
            id="orders.refresh",
            show=False,
            tooltip="Read the store again",
        ),
        Binding(
            "escape",
            "escape",
            "Back",
            id="orders.escape",
            show=False,
            tooltip="Leave the filter, or clear the marks",
        ),
    ]

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
            state = store_state(app.reader, _head_revision())
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

        def prepare(store: Any) -> int:
            from followup_tui.store import schema

            schema.upgrade(store.engine)
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
            except QueryInterrupted:
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
        if self.last_bulk is not None:
            text.append(f"  {t('queue.undo_hint')}", style="dim")
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


def _head_revision() -> str:
    """The schema revision this program expects, without importing SQLAlchemy."""
    from followup_tui.store.schema_version import HEAD_REVISION

    return HEAD_REVISION
