"""The "Complaints: ..." palette entries, one per key of the complaint screens.

Each entry runs the very action its key runs, so the palette and the keys cannot drift
apart; the read-only desk hides the steps that would change a case (the screens refuse
them in ``check_action``, and the provider offers only what the screen allows). The
order queue offers the two ways in: a new complaint about the order under the cursor,
and the triage queue.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.screen import Screen

from followup_tui.commands.palette import EntryProvider, PaletteEntry

#: A case's steps, offered on the triage queue and on the case detail alike.
CASE_ENTRIES: tuple[PaletteEntry, ...] = (
    PaletteEntry("cmd.complaints.acknowledge", "acknowledge", "cmd.complaints.acknowledge_help"),
    PaletteEntry("cmd.complaints.assign", "assign", "cmd.complaints.assign_help"),
    PaletteEntry("cmd.complaints.pause", "pause", "cmd.complaints.pause_help"),
    PaletteEntry("cmd.complaints.resume", "resume", "cmd.complaints.resume_help"),
    PaletteEntry("cmd.complaints.escalate", "escalate", "cmd.complaints.escalate_help"),
    PaletteEntry("cmd.complaints.cause", "record_cause", "cmd.complaints.cause_help"),
    PaletteEntry("cmd.complaints.remedy", "record_remedy", "cmd.complaints.remedy_help"),
    PaletteEntry("cmd.complaints.close", "close_case", "cmd.complaints.close_help"),
    PaletteEntry(
        "cmd.complaints.satisfaction", "record_satisfaction", "cmd.complaints.satisfaction_help"
    ),
    PaletteEntry("cmd.complaints.reopen", "reopen", "cmd.complaints.reopen_help"),
)

#: The triage queue's own entries: opening a case, and what the queue shows.
TRIAGE_ENTRIES: tuple[PaletteEntry, ...] = (
    PaletteEntry("cmd.complaints.open_case", "open_case", "cmd.complaints.open_case_help"),
    PaletteEntry("cmd.complaints.filter", "focus_filter", "cmd.complaints.filter_help"),
    PaletteEntry("cmd.complaints.choose_grade", "choose_grade", "cmd.complaints.choose_grade_help"),
    PaletteEntry(
        "cmd.complaints.choose_status", "choose_status", "cmd.complaints.choose_status_help"
    ),
    PaletteEntry("cmd.complaints.owner", "toggle_owner", "cmd.complaints.owner_help"),
    PaletteEntry("cmd.complaints.escalated", "toggle_escalated", "cmd.complaints.escalated_help"),
    PaletteEntry("cmd.complaints.refresh", "refresh", "cmd.complaints.refresh_help"),
    PaletteEntry(
        "cmd.complaint_analysis.open", "open_analysis", "cmd.complaint_analysis.open_help"
    ),
)

#: The case detail's own entries.
DETAIL_ENTRIES: tuple[PaletteEntry, ...] = (
    PaletteEntry("cmd.complaints.reload", "reload", "cmd.complaints.reload_help"),
)

#: The analysis screen's entries: its period, reading again, and the way back.
ANALYSIS_ENTRIES: tuple[PaletteEntry, ...] = (
    PaletteEntry(
        "cmd.complaint_analysis.earlier", "earlier", "cmd.complaint_analysis.earlier_help"
    ),
    PaletteEntry("cmd.complaint_analysis.later", "later", "cmd.complaint_analysis.later_help"),
    PaletteEntry("cmd.complaint_analysis.longer", "longer", "cmd.complaint_analysis.longer_help"),
    PaletteEntry(
        "cmd.complaint_analysis.shorter", "shorter", "cmd.complaint_analysis.shorter_help"
    ),
    PaletteEntry("cmd.complaint_analysis.reload", "reload", "cmd.complaint_analysis.reload_help"),
    PaletteEntry("cmd.complaint_analysis.back", "back", "cmd.complaint_analysis.back_help"),
)

#: Offered on the order queue: the ways into the complaint desk.
QUEUE_ENTRIES: tuple[PaletteEntry, ...] = (
    PaletteEntry("cmd.complaints.new", "new_complaint", "cmd.complaints.new_help"),
    PaletteEntry(
        "cmd.complaints.open_triage", "open_complaints", "cmd.complaints.open_triage_help"
    ),
)


def grade_entries(grades: Iterable[tuple[str, str]]) -> tuple[PaletteEntry, ...]:
    """ "Complaints: show grade Major", one per grade of the policy (key, title)."""
    return tuple(
        PaletteEntry(
            "cmd.complaints.show_grade",
            f"show_grade({key!r})",
            title_values=(("grade", title),),
        )
        for key, title in grades
    )


class ComplaintCommands(EntryProvider):
    """Complaint workflows for whichever complaint screen (or the order queue) is active."""

    def entries(self, screen: Screen[object]) -> Iterable[PaletteEntry]:
        from followup_tui.screens.complaints.detail import ComplaintDetailScreen
        from followup_tui.screens.complaints.triage import ComplaintQueueScreen
        from followup_tui.screens.orders.queue import QueueScreen

        if isinstance(screen, ComplaintQueueScreen):
            grades = [(key, screen.grade_title(key)) for key in screen.grade_keys()]
            return (*TRIAGE_ENTRIES, *CASE_ENTRIES, *grade_entries(grades))
        if isinstance(screen, ComplaintDetailScreen):
            return (*CASE_ENTRIES, *DETAIL_ENTRIES)
        if isinstance(screen, QueueScreen):
            return QUEUE_ENTRIES
        return ()


class ComplaintAnalysisCommands(EntryProvider):
    """The analysis screen's keys by name, so "earlier" (or 上一期) finds ``[``."""

    def entries(self, screen: Screen[object]) -> Iterable[PaletteEntry]:
        from followup_tui.screens.complaints.analysis import ComplaintAnalysisScreen

        if not isinstance(screen, ComplaintAnalysisScreen):
            return ()
        return ANALYSIS_ENTRIES
