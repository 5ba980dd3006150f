"""The "Orders: ..." palette entries of the queue screen."""

from __future__ import annotations

from collections.abc import Iterable

from textual.screen import Screen

from followup_tui.commands.archive_commands import OPEN_ARCHIVE, OPEN_DOCUMENTS
from followup_tui.commands.palette import EntryProvider, PaletteEntry
from followup_tui.commands.timeline_commands import OPEN_TIMELINE
from followup_tui.domain.orders.lifecycle import OrderStatus

#: The workflows of the order desk, in the order the palette lists them.
ORDER_ENTRIES: tuple[PaletteEntry, ...] = (
    PaletteEntry("cmd.orders.new", "new_order", "cmd.orders.new_help"),
    PaletteEntry("cmd.orders.open", "open_order", "cmd.orders.open_help"),
    PaletteEntry("cmd.orders.edit", "edit_order", "cmd.orders.edit_help"),
    PaletteEntry("cmd.orders.confirm", "confirm_order", "cmd.orders.confirm_help"),
    PaletteEntry("cmd.orders.advance", "advance", "cmd.orders.advance_help"),
    PaletteEntry("cmd.orders.hold", "hold", "cmd.orders.hold_help"),
    PaletteEntry("cmd.orders.resume", "resume", "cmd.orders.resume_help"),
    PaletteEntry("cmd.orders.cancel", "cancel_order", "cmd.orders.cancel_help"),
    PaletteEntry("cmd.orders.assign", "assign", "cmd.orders.assign_help"),
    PaletteEntry("cmd.orders.note", "add_note", "cmd.orders.note_help"),
    PaletteEntry("cmd.orders.mark", "toggle_mark", "cmd.orders.mark_help"),
    PaletteEntry("cmd.orders.undo", "undo", "cmd.orders.undo_help"),
    PaletteEntry("cmd.orders.filter", "focus_filter", "cmd.orders.filter_help"),
    PaletteEntry("cmd.orders.choose_status", "choose_status", "cmd.orders.choose_status_help"),
    PaletteEntry("cmd.orders.toggle_owner", "toggle_owner", "cmd.orders.toggle_owner_help"),
    PaletteEntry("cmd.orders.reverse", "reverse_sort", "cmd.orders.reverse_help"),
    PaletteEntry("cmd.orders.refresh", "refresh", "cmd.orders.refresh_help"),
    PaletteEntry("cmd.orders.next_view", "next_view", "cmd.orders.next_view_help"),
)

SORTABLE: tuple[str, ...] = (
    "order_no",
    "customer",
    "product",
    "quantity",
    "due_date",
    "status",
    "owner",
)


def sort_entries() -> tuple[PaletteEntry, ...]:
    return tuple(
        PaletteEntry(
            "cmd.orders.sort_by",
            f"sort_by({column!r})",
            title_keys=(("column", f"queue.col.{column}"),),
        )
        for column in SORTABLE
    )


def status_entries() -> tuple[PaletteEntry, ...]:
    keys = {"open": "queue.status_open", "all": "queue.status_all"}
    keys.update({status.value: f"status.{status.value}" for status in OrderStatus})
    return tuple(
        PaletteEntry(
            "cmd.orders.show_status", f"show_status({status!r})", title_keys=(("status", key),)
        )
        for status, key in keys.items()
    )


class OrderCommands(EntryProvider):
    """Order workflows, offered while the queue is the active screen."""

    def entries(self, screen: Screen[object]) -> Iterable[PaletteEntry]:
        from followup_tui.screens.orders.queue import QueueScreen

        if not isinstance(screen, QueueScreen):
            return ()
        views = tuple(
            PaletteEntry(
                "cmd.orders.open_view", f"open_view({name!r})", title_values=(("name", name),)
            )
            for name in screen.view_names()
        )
        return (
            *ORDER_ENTRIES,
            OPEN_TIMELINE,
            OPEN_DOCUMENTS,
            OPEN_ARCHIVE,
            *sort_entries(),
            *status_entries(),
            *views,
        )
