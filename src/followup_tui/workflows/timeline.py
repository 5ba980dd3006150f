"""The timeline's workflows: the Gantt, the weekly review and their dialogs.

The Gantt's own keys (space, + and -, t, the arrows) belong to the Gantt widget, which
works the same wherever it is shown; the palette offers them as rows without a key.
"""

from __future__ import annotations

from followup_tui.workflows import Workflow

TIMELINE = "timeline"
REVIEW = "review"
CONTINGENCY = "contingency"
EXCEPTION_FORM = "exception_form"
SHIPMENT_FORM = "shipment_form"
NOTICE = "notice"

_T = (TIMELINE,)

WORKFLOWS: tuple[Workflow, ...] = (
    Workflow("timeline.back", "escape", "back", _T),
    Workflow(
        "timeline.earlier",
        "less_than_sign",
        "shift(-1)",
        _T,
        "cmd.timeline.earlier",
        "cmd.timeline.earlier_help",
        changes_data=True,
    ),
    Workflow(
        "timeline.later",
        "greater_than_sign",
        "shift(1)",
        _T,
        "cmd.timeline.later",
        "cmd.timeline.later_help",
        changes_data=True,
    ),
    Workflow(
        "timeline.to_date",
        "g",
        "shift_to_date",
        _T,
        "cmd.timeline.to_date",
        "cmd.timeline.to_date_help",
        changes_data=True,
    ),
    Workflow(
        "timeline.started",
        "s",
        "mark_started",
        _T,
        "cmd.timeline.started",
        "cmd.timeline.started_help",
        changes_data=True,
    ),
    Workflow(
        "timeline.done",
        "d",
        "mark_done",
        _T,
        "cmd.timeline.done",
        "cmd.timeline.done_help",
        changes_data=True,
    ),
    Workflow(
        "timeline.link",
        "l",
        "link",
        _T,
        "cmd.timeline.link",
        "cmd.timeline.link_help",
        changes_data=True,
    ),
    Workflow(
        "timeline.exception",
        "x",
        "record_exception",
        _T,
        "cmd.timeline.exception",
        "cmd.timeline.exception_help",
        changes_data=True,
    ),
    Workflow(
        "timeline.notice",
        "n",
        "open_notice",
        _T,
        "cmd.timeline.notice",
        "cmd.timeline.notice_help",
    ),
    Workflow(
        "timeline.review", "w", "review", _T, "cmd.timeline.review", "cmd.timeline.review_help"
    ),
    Workflow(
        "timeline.expand",
        None,
        "gantt_toggle_expand",
        _T,
        "cmd.timeline.expand",
        "cmd.timeline.expand_help",
    ),
    Workflow(
        "timeline.zoom_in",
        None,
        "gantt_zoom_in",
        _T,
        "cmd.timeline.zoom_in",
        "cmd.timeline.zoom_in_help",
    ),
    Workflow(
        "timeline.zoom_out",
        None,
        "gantt_zoom_out",
        _T,
        "cmd.timeline.zoom_out",
        "cmd.timeline.zoom_out_help",
    ),
    Workflow(
        "timeline.today", None, "gantt_today", _T, "cmd.timeline.today", "cmd.timeline.today_help"
    ),
    Workflow(
        "timeline.next", None, "gantt_next", _T, "cmd.timeline.next", "cmd.timeline.next_help"
    ),
    Workflow(
        "timeline.previous",
        None,
        "gantt_previous",
        _T,
        "cmd.timeline.previous",
        "cmd.timeline.previous_help",
    ),
    Workflow(
        "timeline.ship",
        "b",
        "add_shipment",
        _T,
        "cmd.timeline.ship",
        "cmd.timeline.ship_help",
        changes_data=True,
    ),
    Workflow(
        "timeline.owner",
        "o",
        "toggle_owner",
        _T,
        "cmd.timeline.owner",
        "cmd.timeline.owner_help",
        footer=False,
    ),
    Workflow(
        "timeline.reload",
        "ctrl+r",
        "reload",
        _T,
        "cmd.timeline.reload",
        "cmd.timeline.reload_help",
        footer=False,
    ),
    # The weekly review.
    Workflow(
        "review.more_weeks",
        "plus",
        "more_weeks",
        (REVIEW,),
        "cmd.review.more_weeks",
        "cmd.review.more_weeks_help",
    ),
    Workflow(
        "review.fewer_weeks",
        "minus",
        "fewer_weeks",
        (REVIEW,),
        "cmd.review.fewer_weeks",
        "cmd.review.fewer_weeks_help",
    ),
    Workflow(
        "review.toggle_group",
        "g",
        "toggle_group",
        (REVIEW,),
        "cmd.review.toggle_group",
        "cmd.review.toggle_group_help",
    ),
    Workflow(
        "review.reload",
        "ctrl+r",
        "reload",
        (REVIEW,),
        "cmd.review.reload",
        "cmd.review.reload_help",
    ),
    Workflow("review.back", "escape", "back", (REVIEW,), "cmd.review.back", "cmd.review.back_help"),
    # The dialogs that re-plan an order.
    Workflow("contingency.apply", "enter", "apply", (CONTINGENCY,), changes_data=True),
    Workflow("contingency.skip", "escape", "skip", (CONTINGENCY,)),
    Workflow("exception_form.save", "ctrl+s", "save", (EXCEPTION_FORM,), changes_data=True),
    Workflow("exception_form.close", "escape", "close", (EXCEPTION_FORM,)),
    Workflow("shipment_form.save", "ctrl+s", "save", (SHIPMENT_FORM,), changes_data=True),
    Workflow("shipment_form.close", "escape", "close", (SHIPMENT_FORM,)),
    Workflow("notice.copy", "ctrl+y", "copy", (NOTICE,), priority=True),
    Workflow("notice.restore", "ctrl+r", "restore", (NOTICE,)),
    Workflow("notice.close", "escape", "close", (NOTICE,)),
)
