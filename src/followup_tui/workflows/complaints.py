"""The complaint desk's workflows: triage, the case, the forms of each step, the analysis.

A case's steps are offered on the triage queue and on the case detail alike (one row,
two screens), so the same key does the same thing wherever the case is.
"""

from __future__ import annotations

from followup_tui.workflows import Workflow

TRIAGE = "triage"
CASE = "case"
CASE_FORM = "case_form"
ANALYSIS = "analysis"

_BOTH = (TRIAGE, CASE)
_T = (TRIAGE,)
_A = (ANALYSIS,)

WORKFLOWS: tuple[Workflow, ...] = (
    Workflow(
        "complaints.acknowledge",
        "k",
        "acknowledge",
        _BOTH,
        "cmd.complaints.acknowledge",
        "cmd.complaints.acknowledge_help",
        changes_data=True,
    ),
    Workflow(
        "complaints.assign",
        "g",
        "assign",
        _BOTH,
        "cmd.complaints.assign",
        "cmd.complaints.assign_help",
        changes_data=True,
        footer=False,
    ),
    Workflow(
        "complaints.pause",
        "p",
        "pause",
        _BOTH,
        "cmd.complaints.pause",
        "cmd.complaints.pause_help",
        changes_data=True,
    ),
    Workflow(
        "complaints.resume",
        "r",
        "resume",
        _BOTH,
        "cmd.complaints.resume",
        "cmd.complaints.resume_help",
        changes_data=True,
    ),
    Workflow(
        "complaints.escalate",
        "u",
        "escalate",
        _BOTH,
        "cmd.complaints.escalate",
        "cmd.complaints.escalate_help",
        changes_data=True,
    ),
    Workflow(
        "complaints.cause",
        "i",
        "record_cause",
        _BOTH,
        "cmd.complaints.cause",
        "cmd.complaints.cause_help",
        changes_data=True,
    ),
    Workflow(
        "complaints.remedy",
        "m",
        "record_remedy",
        _BOTH,
        "cmd.complaints.remedy",
        "cmd.complaints.remedy_help",
        changes_data=True,
    ),
    Workflow(
        "complaints.close",
        "z",
        "close_case",
        _BOTH,
        "cmd.complaints.close",
        "cmd.complaints.close_help",
        changes_data=True,
    ),
    Workflow(
        "complaints.satisfaction",
        "f",
        "record_satisfaction",
        _BOTH,
        "cmd.complaints.satisfaction",
        "cmd.complaints.satisfaction_help",
        changes_data=True,
        footer=False,
    ),
    Workflow(
        "complaints.reopen",
        "o",
        "reopen",
        _BOTH,
        "cmd.complaints.reopen",
        "cmd.complaints.reopen_help",
        changes_data=True,
        footer=False,
    ),
    # The triage queue's own.
    Workflow(
        "complaints.open_case",
        None,
        "open_case",
        _T,
        "cmd.complaints.open_case",
        "cmd.complaints.open_case_help",
    ),
    Workflow(
        "complaints.filter",
        "slash",
        "focus_filter",
        _T,
        "cmd.complaints.filter",
        "cmd.complaints.filter_help",
        priority=True,
    ),
    Workflow("complaints.grade_1", "1", "grade_slot(0)", _T, footer=False),
    Workflow("complaints.grade_2", "2", "grade_slot(1)", _T, footer=False),
    Workflow("complaints.grade_3", "3", "grade_slot(2)", _T, footer=False),
    Workflow(
        "complaints.grade",
        "v",
        "choose_grade",
        _T,
        "cmd.complaints.choose_grade",
        "cmd.complaints.choose_grade_help",
        footer=False,
    ),
    Workflow(
        "complaints.show_grade", None, "show_grade", _T, "cmd.complaints.show_grade", variants=True
    ),
    Workflow(
        "complaints.status",
        "s",
        "choose_status",
        _T,
        "cmd.complaints.choose_status",
        "cmd.complaints.choose_status_help",
        footer=False,
    ),
    Workflow(
        "complaints.owner",
        "w",
        "toggle_owner",
        _T,
        "cmd.complaints.owner",
        "cmd.complaints.owner_help",
        footer=False,
    ),
    Workflow(
        "complaints.escalated",
        "e",
        "toggle_escalated",
        _T,
        "cmd.complaints.escalated",
        "cmd.complaints.escalated_help",
    ),
    Workflow(
        "complaint_analysis.open",
        "a",
        "open_analysis",
        _T,
        "cmd.complaint_analysis.open",
        "cmd.complaint_analysis.open_help",
        footer=False,
    ),
    Workflow(
        "complaints.refresh",
        "ctrl+r",
        "refresh",
        _T,
        "cmd.complaints.refresh",
        "cmd.complaints.refresh_help",
        footer=False,
    ),
    Workflow("complaints.back", "escape", "back", _T),
    # The case detail's own.
    Workflow("complaints.detail_back", "escape", "back", (CASE,)),
    Workflow(
        "complaints.detail_reload",
        "ctrl+r",
        "reload",
        (CASE,),
        "cmd.complaints.reload",
        "cmd.complaints.reload_help",
        footer=False,
    ),
    # The forms of a case's steps.
    Workflow("complaint_form.save", "ctrl+s", "save", (CASE_FORM,), changes_data=True),
    Workflow("complaint_form.close", "escape", "close", (CASE_FORM,)),
    # The analysis.
    Workflow(
        "complaint_analysis.earlier",
        "left_square_bracket",
        "earlier",
        _A,
        "cmd.complaint_analysis.earlier",
        "cmd.complaint_analysis.earlier_help",
    ),
    Workflow(
        "complaint_analysis.later",
        "right_square_bracket",
        "later",
        _A,
        "cmd.complaint_analysis.later",
        "cmd.complaint_analysis.later_help",
    ),
    Workflow(
        "complaint_analysis.longer",
        "plus",
        "longer",
        _A,
        "cmd.complaint_analysis.longer",
        "cmd.complaint_analysis.longer_help",
    ),
    Workflow(
        "complaint_analysis.shorter",
        "minus",
        "shorter",
        _A,
        "cmd.complaint_analysis.shorter",
        "cmd.complaint_analysis.shorter_help",
    ),
    Workflow(
        "complaint_analysis.reload",
        "ctrl+r",
        "reload",
        _A,
        "cmd.complaint_analysis.reload",
        "cmd.complaint_analysis.reload_help",
        footer=False,
    ),
    Workflow(
        "complaint_analysis.back",
        "escape",
        "back",
        _A,
        "cmd.complaint_analysis.back",
        "cmd.complaint_analysis.back_help",
    ),
)
