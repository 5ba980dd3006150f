"""The order desk's workflows: the queue (home), the order detail, the form, the conflict.

The queue's ways into the other areas (timeline, complaints, archive) are rows here,
since they are keys of the queue; they run the queue's own actions.
"""

from __future__ import annotations

from followup_tui.workflows import Workflow
from followup_tui.workflows.timeline import TIMELINE

QUEUE = "queue"
DETAIL = "order_detail"
FORM = "order_form"
CONFLICT = "conflict"

_Q = (QUEUE,)

WORKFLOWS: tuple[Workflow, ...] = (
    # Run before the app hands the next keys to the focused widget, so "/hq" typed in one
    # go reaches the filter and not the table ("h" is hold).
    Workflow(
        "orders.filter",
        "slash",
        "focus_filter",
        _Q,
        "cmd.orders.filter",
        "cmd.orders.filter_help",
        priority=True,
    ),
    Workflow(
        "orders.new",
        "n",
        "new_order",
        _Q,
        "cmd.orders.new",
        "cmd.orders.new_help",
        changes_data=True,
    ),
    Workflow("orders.open", None, "open_order", _Q, "cmd.orders.open", "cmd.orders.open_help"),
    Workflow(
        "orders.edit",
        "e",
        "edit_order",
        _Q,
        "cmd.orders.edit",
        "cmd.orders.edit_help",
        changes_data=True,
    ),
    Workflow(
        "orders.confirm",
        "y",
        "confirm_order",
        _Q,
        "cmd.orders.confirm",
        "cmd.orders.confirm_help",
        changes_data=True,
    ),
    Workflow(
        "orders.advance",
        "a",
        "advance",
        _Q,
        "cmd.orders.advance",
        "cmd.orders.advance_help",
        changes_data=True,
    ),
    Workflow(
        "orders.hold", "h", "hold", _Q, "cmd.orders.hold", "cmd.orders.hold_help", changes_data=True
    ),
    Workflow(
        "orders.resume",
        "r",
        "resume",
        _Q,
        "cmd.orders.resume",
        "cmd.orders.resume_help",
        changes_data=True,
        footer=False,
    ),
    Workflow(
        "orders.cancel",
        "x",
        "cancel_order",
        _Q,
        "cmd.orders.cancel",
        "cmd.orders.cancel_help",
        changes_data=True,
        footer=False,
    ),
    Workflow(
        "orders.assign",
        "g",
        "assign",
        _Q,
        "cmd.orders.assign",
        "cmd.orders.assign_help",
        changes_data=True,
    ),
    Workflow(
        "orders.timeline", "t", "open_timeline", _Q, "cmd.timeline.open", "cmd.timeline.open_help"
    ),
    Workflow(
        "complaints.new",
        "c",
        "new_complaint",
        _Q,
        "cmd.complaints.new",
        "cmd.complaints.new_help",
        changes_data=True,
    ),
    Workflow(
        "complaints.triage",
        "C",
        "open_complaints",
        _Q,
        "cmd.complaints.open_triage",
        "cmd.complaints.open_triage_help",
        footer=False,
    ),
    Workflow(
        "archive.documents",
        "d",
        "open_documents",
        _Q,
        "cmd.archive.documents",
        "cmd.archive.documents_help",
        footer=False,
    ),
    Workflow(
        "archive.open",
        "D",
        "open_archive",
        _Q,
        "cmd.archive.open",
        "cmd.archive.open_help",
        footer=False,
    ),
    Workflow(
        "orders.note",
        "m",
        "add_note",
        _Q,
        "cmd.orders.note",
        "cmd.orders.note_help",
        changes_data=True,
        footer=False,
    ),
    # The table's own key; the row is here so a watching desk hides marking and says why
    # when space is pressed (there is nothing to mark for).
    Workflow(
        "orders.mark",
        "space",
        "toggle_mark",
        _Q,
        "cmd.orders.mark",
        "cmd.orders.mark_help",
        footer=False,
        writers_only=True,
    ),
    # The desk's history: the clerk's last change, whichever screen made it, is taken
    # back (and done again) from every screen that shows orders.
    Workflow(
        "orders.undo",
        "ctrl+z",
        "undo",
        (QUEUE, DETAIL, TIMELINE),
        "cmd.orders.undo",
        "cmd.orders.undo_help",
        changes_data=True,
        footer_off=(TIMELINE,),  # the timeline's footer is full of its own keys
    ),
    Workflow(
        "orders.redo",
        "ctrl+y",
        "redo",
        (QUEUE, DETAIL, TIMELINE),
        "cmd.orders.redo",
        "cmd.orders.redo_help",
        changes_data=True,
        footer=False,
    ),
    Workflow("orders.sort", "s", "cycle_sort", _Q, footer=False),
    Workflow("orders.sort_by", None, "sort_by", _Q, "cmd.orders.sort_by", variants=True),
    Workflow(
        "orders.reverse",
        "S",
        "reverse_sort",
        _Q,
        "cmd.orders.reverse",
        "cmd.orders.reverse_help",
        footer=False,
    ),
    Workflow(
        "orders.status",
        "f",
        "choose_status",
        _Q,
        "cmd.orders.choose_status",
        "cmd.orders.choose_status_help",
        footer=False,
    ),
    Workflow(
        "orders.show_status", None, "show_status", _Q, "cmd.orders.show_status", variants=True
    ),
    Workflow(
        "orders.owner",
        "o",
        "toggle_owner",
        _Q,
        "cmd.orders.toggle_owner",
        "cmd.orders.toggle_owner_help",
        footer=False,
    ),
    Workflow(
        "orders.view",
        "v",
        "next_view",
        _Q,
        "cmd.orders.next_view",
        "cmd.orders.next_view_help",
        footer=False,
    ),
    Workflow("orders.open_view", None, "open_view", _Q, "cmd.orders.open_view", variants=True),
    Workflow(
        "orders.refresh",
        "ctrl+r",
        "refresh",
        _Q,
        "cmd.orders.refresh",
        "cmd.orders.refresh_help",
        footer=False,
    ),
    Workflow("orders.escape", "escape", "escape", _Q, footer=False),
    # The order detail.
    Workflow("detail.back", "escape", "back", (DETAIL,)),
    Workflow(
        "detail.edit",
        "e",
        "edit",
        (DETAIL,),
        "cmd.orders.edit",
        "cmd.orders.edit_help",
        changes_data=True,
    ),
    Workflow("detail.reload", "ctrl+r", "reload", (DETAIL,), footer=False),
    # The order form.
    Workflow("form.save", "ctrl+s", "save", (FORM,), changes_data=True),
    Workflow("form.add_line", "ctrl+l", "add_line", (FORM,)),
    Workflow("form.remove_line", "ctrl+d", "remove_line", (FORM,)),
    Workflow("form.close", "escape", "close", (FORM,)),
    # The conflict dialog of a stale save.
    Workflow("conflict.toggle", "space", "switch_value", (CONFLICT,)),
    Workflow("conflict.accept", "ctrl+s", "accept", (CONFLICT,), changes_data=True),
    Workflow("conflict.cancel", "escape", "cancel", (CONFLICT,)),
)
