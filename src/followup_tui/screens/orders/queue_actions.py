"""The order workflows of the queue: what each key (and palette entry) does.

Advance, hold and assign act on the marked orders, or on the cursor's order when none
is marked, through the bulk services, so every one of them can be undone with ctrl+z.
Each action first asks what it needs (a date, a reason, a name) in a small dialog, then
calls the service in a worker and reloads the queue on the cursor's order.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from followup_tui.domain.orders.rules import NoteKind, parse_date
from followup_tui.i18n import t
from followup_tui.i18n.errors import explain
from followup_tui.screens.shared.prompt import ChoiceScreen, PromptScreen
from followup_tui.screens.shared.service_calls import call_service, desk
from followup_tui.services.orders.queue import QueueRow
from followup_tui.widgets.virtual_table import VirtualTable

if TYPE_CHECKING:
    from followup_tui.services.orders.views import BulkResult, OrderDetail, OrderView

#: Actions that change the store; hidden and refused on a read-only desk.
MUTATING_ACTIONS: frozenset[str] = frozenset(
    {
        "new_order",
        "edit_order",
        "confirm_order",
        "advance",
        "hold",
        "resume",
        "cancel_order",
        "assign",
        "add_note",
        "undo",
        "new_complaint",
    }
)


class QueueActions(Screen[None]):
    """Mixin for ``QueueScreen``: the clerk's order workflows."""

    last_bulk: BulkResult | None = None

    @property
    def table(self) -> VirtualTable[QueueRow]:
        table: VirtualTable[QueueRow] = self.query_one("#orders", VirtualTable)
        return table

    if TYPE_CHECKING:

        def reload_rows(self, *, focus_id: int | None = None) -> None: ...
        def _update_status(self) -> None: ...
        def action_show_status(self, status: str) -> None: ...

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False hides the action from the footer and the palette (None would only dim it).
        return not (action in MUTATING_ACTIONS and desk(self).read_only)

    # --- helpers ------------------------------------------------------------------------

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

    def _after_single(self, view: OrderView) -> None:
        self.notify(
            t("queue.order_now", order=view.order_no, status=t(f"status.{view.status}")), timeout=3
        )
        self.reload_rows(focus_id=view.id)

    def _after_bulk(self, result: BulkResult) -> None:
        undoing = result.action.startswith("undo")
        self.last_bulk = None if undoing or not result.done else result
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

    # --- single-order workflows ------------------------------------------------------

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

        def answered(value: str | None) -> None:
            if value is None:
                return
            from followup_tui.domain.errors import FollowupError
            from followup_tui.services.orders.flow import confirm_order

            try:
                promised: date = parse_date(value, field="confirmed_date")
            except FollowupError as error:
                self.notify(explain(error), severity="error")
                return
            self._call(lambda store: confirm_order(store, order_id, promised), self._after_single)

        self.app.push_screen(
            PromptScreen(
                t("queue.confirm_title", order=row.order_no),
                t("queue.confirm_label"),
                default=default,
                required=True,
            ),
            answered,
        )

    def action_resume(self) -> None:
        order_id = self._cursor_id()
        if order_id is None:
            return
        from followup_tui.services.orders.flow import resume_order

        self._call(lambda store: resume_order(store, order_id), self._after_single)

    def action_cancel_order(self) -> None:
        order_id = self._cursor_id()
        if order_id is None:
            return

        def answered(reason: str | None) -> None:
            if reason is None:
                return
            from followup_tui.services.orders.flow import cancel_order

            self._call(lambda store: cancel_order(store, order_id, reason), self._after_single)

        self.app.push_screen(
            PromptScreen(t("queue.cancel_title"), t("queue.reason_label"), required=True),
            answered,
        )

    def action_add_note(self) -> None:
        order_id = self._cursor_id()
        if order_id is None:
            return
        kinds = [(kind.value, t(f"note_kind.{kind.value}")) for kind in NoteKind]

        def kind_chosen(kind: str | None) -> None:
            if kind is None:
                return

            def written(body: str | None) -> None:
                if body is None:
                    return
                from followup_tui.services.orders.flow import add_note

                self._call(
                    lambda store: add_note(store, order_id, body, kind),
                    lambda _note: self.notify(t("queue.note_added"), timeout=3),
                )

            self.app.push_screen(
                PromptScreen(t("queue.note_title"), t(f"note_kind.{kind}"), required=True),
                written,
            )

        self.app.push_screen(ChoiceScreen(t("queue.note_kind_title"), kinds), kind_chosen)

    # --- bulk workflows (marked orders, or the cursor's) -------------------------------

    def action_advance(self) -> None:
        targets = self._targets()
        if targets:
            from followup_tui.services.orders.flow import bulk_advance

            self._call(lambda store: bulk_advance(store, targets), self._after_bulk)

    def action_hold(self) -> None:
        targets = self._targets()
        if targets:
            from followup_tui.services.orders.flow import bulk_hold

            self._call(lambda store: bulk_hold(store, targets), self._after_bulk)

    def action_assign(self) -> None:
        targets = self._targets()
        if not targets:
            return

        def answered(owner: str | None) -> None:
            if owner is None:
                return
            from followup_tui.services.orders.flow import bulk_assign

            self._call(lambda store: bulk_assign(store, targets, owner), self._after_bulk)

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
        last = self.last_bulk
        if last is None:
            self.notify(t("queue.nothing_to_undo"), severity="warning")
            return
        from followup_tui.services.orders.flow import undo_bulk

        self._call(lambda store: undo_bulk(store, last), self._after_bulk)

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
