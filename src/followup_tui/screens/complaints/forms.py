"""The dialogs of a case's steps: pause, record cause, record remedy, close, satisfaction.

Each is a handful of fields on :class:`CaseForm`: it checks what it can with the same
domain rules the service applies (a pause needs a reason, closing needs a remedy and a
note, a score is 1 to 5), so the clerk sees every problem at once, and then saves
through the service, whose refusals land next to the same fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, TextArea

from followup_tui.domain.errors import FollowupError, Problem
from followup_tui.domain.text import clean_text
from followup_tui.i18n import t
from followup_tui.screens.complaints.form_base import CaseForm, Save, collect, options

if TYPE_CHECKING:
    from followup_tui.services.complaints.views import ComplaintDetail, ComplaintRow
    from followup_tui.services.context import StoreContext

#: Longest follow-up, in business days (a quarter of a year of working days).
FOLLOW_UP_DAYS_MAX = 60
NOTE_LIMIT = 2000


def case_context(row: ComplaintRow) -> Text:
    """ "#12 · PO-2026-00123 · 深圳市华强电子有限公司": which case a dialog is about."""
    return Text(f"#{row.id} · {row.order_no} · {row.customer}")


def parse_follow_ups(text: str) -> tuple[tuple[tuple[str, int], ...], list[Problem]]:
    """Follow-up tasks typed one a line as "text | days" (business days from today).

    A line without a "|" or with days that are not a whole number from 0 up is refused
    naming its line number; blank lines are skipped.
    """
    tasks: list[tuple[str, int]] = []
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        task, bar, days = raw.rpartition("|")
        task, days = task.strip(), days.strip()
        if not bar or not task or not days.isdecimal() or int(days) > FOLLOW_UP_DAYS_MAX:
            problems.append(
                Problem(
                    "complaint_form.follow_up_invalid",
                    "follow_ups",
                    {"line": number, "max": FOLLOW_UP_DAYS_MAX},
                )
            )
            continue
        try:
            cleaned = clean_text(task, field="follow_ups", max_length=200)
        except FollowupError as error:
            problems += error.problems
            continue
        tasks.append((cleaned, int(days)))
    return tuple(tasks), problems


class PauseForm(CaseForm):
    """Stop the clocks while the case waits on someone else, and say on whom."""

    FIELDS = ("reason", "note")

    def __init__(self, row: ComplaintRow) -> None:
        super().__init__(t("complaint_form.pause_title", id=row.id), case_context(row))
        self.row = row

    def field_widget(self, field: str) -> Widget:
        if field == "reason":
            from followup_tui.domain.complaints.sla_policy import PauseReason

            return Select(
                options("pause_reason", [reason.value for reason in PauseReason]),
                prompt=t("complaint_form.choose"),
            )
        return Input(placeholder=t("complaint_form.note_placeholder"))

    def checked(self) -> tuple[Save | None, list[Problem]]:
        from followup_tui.domain.complaints.sla_policy import check_pause_reason

        problems: list[Problem] = []
        reason = self.choice("reason") or ""
        collect(problems, lambda: check_pause_reason(reason))
        note = collect(
            problems, lambda: clean_text(self.text("note"), field="note", max_length=NOTE_LIMIT)
        )
        if problems:
            return None, problems
        case_id, typed = self.row.id, str(note)

        def save(store: StoreContext) -> ComplaintDetail:
            from followup_tui.services.complaints.steps import pause_complaint

            return pause_complaint(store, case_id, reason, typed)

        return save, problems


class CauseForm(CaseForm):
    """What went wrong and whose it is; the case moves to investigating."""

    FIELDS = ("root_cause", "responsible_party", "third_party_inspection", "evidence")

    def __init__(self, detail: ComplaintDetail) -> None:
        super().__init__(
            t("complaint_form.cause_title", id=detail.row.id), case_context(detail.row)
        )
        self.detail = detail

    def field_widget(self, field: str) -> Widget:
        detail = self.detail
        if field == "responsible_party":
            from followup_tui.domain.complaints.sla_policy import RESPONSIBLE_PARTIES

            current = detail.responsible_party
            return Select(
                options("party", list(RESPONSIBLE_PARTIES)),
                prompt=t("complaint_form.choose"),
                value=current if current in RESPONSIBLE_PARTIES else Select.NULL,
            )
        if field == "third_party_inspection":
            return Checkbox(t("complaint_form.inspection_box"), detail.third_party_inspection)
        if field == "evidence":
            return Input(detail.evidence, placeholder=t("complaint_form.evidence_placeholder"))
        return Input(detail.root_cause, placeholder=t("complaint_form.cause_placeholder"))

    def checked(self) -> tuple[Save | None, list[Problem]]:
        from followup_tui.domain.text import require_text

        problems: list[Problem] = []
        cause = collect(
            problems,
            lambda: require_text(
                self.text("root_cause"), field="root_cause", max_length=NOTE_LIMIT
            ),
        )
        party = self.choice("responsible_party")
        if party is None:
            problems.append(Problem("error.required", "responsible_party"))
        evidence = collect(
            problems,
            lambda: clean_text(self.text("evidence"), field="evidence", max_length=NOTE_LIMIT),
        )
        if problems:
            return None, problems
        case_id, inspection = self.detail.row.id, self.checked_box("third_party_inspection")
        root_cause, chosen, proof = str(cause), str(party), str(evidence)

        def save(store: StoreContext) -> ComplaintDetail:
            from followup_tui.services.complaints.steps import record_cause

            return record_cause(
                store,
                case_id,
                root_cause=root_cause,
                responsible_party=chosen,
                third_party_inspection=inspection,
                evidence=proof,
            )

        return save, problems


class RemedyForm(CaseForm):
    """What the customer gets, and the follow-up tasks that go with it."""

    FIELDS = ("remedy", "amount", "currency", "note", "follow_ups")

    def __init__(self, detail: ComplaintDetail) -> None:
        super().__init__(
            t("complaint_form.remedy_title", id=detail.row.id), case_context(detail.row)
        )
        self.detail = detail

    def field_widget(self, field: str) -> Widget:
        detail = self.detail
        if field == "remedy":
            from followup_tui.domain.complaints.sla_policy import RemedyKind

            return Select(
                options("remedy_kind", [kind.value for kind in RemedyKind]),
                prompt=t("complaint_form.choose"),
                value=detail.remedy_kind or Select.NULL,
            )
        if field == "amount":
            amount = "" if detail.remedy_amount is None else f"{detail.remedy_amount}"
            return Input(amount, placeholder=t("complaint_form.amount_placeholder"))
        if field == "currency":
            return Input(detail.remedy_currency or detail.order.currency)
        if field == "follow_ups":
            return TextArea("", soft_wrap=True, placeholder=t("complaint_form.follow_ups_hint"))
        return Input(detail.remedy_note, placeholder=t("complaint_form.note_placeholder"))

    def checked(self) -> tuple[Save | None, list[Problem]]:
        from followup_tui.domain.complaints.sla import remedy_money

        problems: list[Problem] = []
        kind = self.choice("remedy")
        if kind is None:
            problems.append(Problem("error.required", "remedy"))
        typed_amount = self.text("amount").strip()
        currency = self.text("currency").strip().upper()
        # The service's own check of the pair: a negative amount is found on this save.
        collect(problems, lambda: remedy_money(typed_amount or None, currency))
        note = collect(
            problems, lambda: clean_text(self.text("note"), field="note", max_length=NOTE_LIMIT)
        )
        tasks, task_problems = parse_follow_ups(self.text("follow_ups"))
        problems += task_problems
        if problems:
            return None, problems
        case_id, chosen, typed = self.detail.row.id, str(kind), str(note)
        amount = typed_amount or None

        def save(store: StoreContext) -> ComplaintDetail:
            from followup_tui.services.complaints.steps import record_remedy

            return record_remedy(
                store,
                case_id,
                kind=chosen,
                amount=amount,
                currency=currency,
                note=typed,
                follow_ups=tasks,
            )

        return save, problems


class CloseForm(CaseForm):
    """Close the case with a note; without a remedy the form says so and saves nothing."""

    FIELDS = ("note",)

    def __init__(self, detail: ComplaintDetail) -> None:
        row = detail.row
        context = case_context(row)
        context.append("\n")
        if detail.remedy_kind:
            context.append(
                t("complaint_form.remedy_is", remedy=t(f"remedy_kind.{detail.remedy_kind}"))
            )
        else:
            context.append(t("complaint_form.no_remedy"), style="bold")
        super().__init__(t("complaint_form.close_title", id=row.id), context)
        self.detail = detail

    def field_widget(self, field: str) -> Widget:
        return Input(placeholder=t("complaint_form.close_placeholder"))

    def checked(self) -> tuple[Save | None, list[Problem]]:
        from followup_tui.domain.complaints.sla import check_close

        problems: list[Problem] = []
        note = self.text("note")
        collect(problems, lambda: check_close(self.detail.remedy_kind, note))
        if problems:
            return None, problems
        case_id = self.detail.row.id

        def save(store: StoreContext) -> ComplaintDetail:
            from followup_tui.services.complaints.steps import close_complaint

            return close_complaint(store, case_id, note)

        return save, problems


class SatisfactionForm(CaseForm):
    """The customer's score at the follow-up; a low one reopens the case."""

    FIELDS = ("comment", "score")

    def __init__(self, row: ComplaintRow) -> None:
        super().__init__(t("complaint_form.satisfaction_title", id=row.id), case_context(row))
        self.row = row

    def field_widget(self, field: str) -> Widget:
        if field == "score":
            return Input(placeholder=t("complaint_form.score_placeholder"))
        return Input(placeholder=t("complaint_form.comment_placeholder"))

    def checked(self) -> tuple[Save | None, list[Problem]]:
        from followup_tui.domain.complaints.sla import check_score

        problems: list[Problem] = []
        typed = self.text("score").strip()
        score = int(typed) if typed.isdecimal() else -1
        collect(problems, lambda: check_score(score))
        comment = collect(
            problems,
            lambda: clean_text(self.text("comment"), field="comment", max_length=NOTE_LIMIT),
        )
        if problems:
            return None, problems
        case_id, said = self.row.id, str(comment)

        def save(store: StoreContext) -> ComplaintDetail:
            from followup_tui.services.complaints.steps import record_satisfaction

            return record_satisfaction(store, case_id, score, said)

        return save, problems
