"""The complaint workflows: what each key (and palette entry) does to a case.

The triage queue and the case detail share them: on the queue they act on the case
under the cursor, on the detail on the case shown, so a clerk can acknowledge from the
list and close from the detail with the same key. Each step asks what it needs in a
small dialog (which saves through the service itself, so a refusal lands next to its
field), or calls the service directly in a worker when there is nothing to ask, and
then hands the changed case to the screen. Nothing here touches the store on the UI
thread.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from followup_tui.i18n import t
from followup_tui.screens.shared.prompt import PromptScreen
from followup_tui.screens.shared.service_calls import call_service
from followup_tui.screens.shared.workflows import DeskScreen

if TYPE_CHECKING:
    from followup_tui.screens.complaints.form_base import CaseForm
    from followup_tui.services.complaints.views import ComplaintDetail, ComplaintRow
    from followup_tui.services.context import StoreContext


class ComplaintActions(DeskScreen[None]):
    """The base of the two screens a case is worked on: the steps of a case.

    A screen built on it says which case the steps act on and how it shows a changed
    case; the keys come from the complaints workflow table (one row serves both).
    """

    def current_case(self) -> ComplaintRow | None:
        """The case the steps act on: the cursor's on the queue, the shown one on the
        detail. Each screen answers for itself."""
        raise NotImplementedError(f"{type(self).__name__} says which case it shows")

    def case_changed(self, detail: ComplaintDetail) -> None:
        """Show ``detail``, the case as a step left it."""
        raise NotImplementedError(f"{type(self).__name__} shows a changed case")

    # --- helpers --------------------------------------------------------------------------

    def _case(self) -> ComplaintRow | None:
        row = self.current_case()
        if row is None:
            self.notify(t("complaints.no_case"), severity="warning")
        return row

    def _run(
        self, work: Callable[[StoreContext], ComplaintDetail], said: str = "complaints.case_now"
    ) -> None:
        call_service(self, work, partial(self._changed, said=said), group="complaint-step")

    def _changed(self, detail: ComplaintDetail | None, said: str = "complaints.case_now") -> None:
        """A step (or a dialog) came back with the case; None means it was left.

        ``said`` is what the clerk is told: the case's status after most steps, but a
        step that leaves the status as it was (escalating) says what it did instead of
        "…is now reopened"."""
        if detail is None:
            return
        row = detail.row
        self.notify(
            t(
                said,
                id=row.id,
                order=row.order_no,
                status=t(f"complaint_status.{row.status}"),
            ),
            timeout=3,
            markup=False,
        )
        self.case_changed(detail)

    def _with_detail(self, then: Callable[[ComplaintDetail], None]) -> None:
        """Read the whole case in a worker, then open a dialog that needs it (the
        remedy form needs the order's currency, closing needs to know the remedy)."""
        row = self._case()
        if row is None:
            return
        from followup_tui.services.complaints.steps import get_complaint

        case_id = row.id
        call_service(self, lambda store: get_complaint(store, case_id), then, group="case-read")

    def _open(self, form: CaseForm) -> None:
        """Open a step's dialog; it saves itself and comes back with the case."""
        self.app.push_screen(form, self._changed)

    def _ask(
        self,
        title: str,
        label: str,
        answered: Callable[[str], None],
        *,
        required: bool = True,
        default: str = "",
    ) -> None:
        def done(value: str | None) -> None:
            if value is not None:
                answered(value)

        self.app.push_screen(PromptScreen(title, label, default=default, required=required), done)

    # --- the steps ------------------------------------------------------------------------

    def action_acknowledge(self) -> None:
        row = self._case()
        if row is None:
            return
        from followup_tui.services.complaints.steps import acknowledge_complaint

        case_id, version = row.id, row.version
        self._run(lambda store: acknowledge_complaint(store, case_id, expected_version=version))

    def action_assign(self) -> None:
        row = self._case()
        if row is None:
            return
        case_id = row.id

        def answered(owner: str) -> None:
            from followup_tui.services.complaints.steps import assign_complaint

            self._run(lambda store: assign_complaint(store, case_id, owner))

        self._ask(
            t("complaints.assign_title", id=case_id),
            t("complaints.owner_label"),
            answered,
            default=row.owner,
        )

    def action_pause(self) -> None:
        row = self._case()
        if row is not None:
            from followup_tui.screens.complaints.forms import PauseForm

            self._open(PauseForm(row))

    def action_resume(self) -> None:
        row = self._case()
        if row is None:
            return
        from followup_tui.services.complaints.steps import resume_complaint

        case_id = row.id
        self._run(lambda store: resume_complaint(store, case_id))

    def action_escalate(self) -> None:
        row = self._case()
        if row is None:
            return
        case_id = row.id

        def answered(reason: str) -> None:
            from followup_tui.services.complaints.steps import escalate_complaint

            self._run(
                lambda store: escalate_complaint(store, case_id, reason),
                said="complaints.escalated_now",
            )

        self._ask(
            t("complaints.escalate_title", id=case_id),
            t("complaints.escalate_label"),
            answered,
            required=False,
        )

    def action_record_cause(self) -> None:
        from followup_tui.screens.complaints.forms import CauseForm

        self._with_detail(lambda detail: self._open(CauseForm(detail)))

    def action_record_remedy(self) -> None:
        from followup_tui.screens.complaints.forms import RemedyForm

        self._with_detail(lambda detail: self._open(RemedyForm(detail)))

    def action_close_case(self) -> None:
        from followup_tui.screens.complaints.forms import CloseForm

        self._with_detail(lambda detail: self._open(CloseForm(detail)))

    def action_record_satisfaction(self) -> None:
        """Refused at once on a case that is not closed, before the clerk types a score."""
        row = self._case()
        if row is None:
            return
        from followup_tui.domain.complaints.sla import check_satisfaction_allowed
        from followup_tui.domain.errors import FollowupError
        from followup_tui.i18n.errors import explain
        from followup_tui.screens.complaints.forms import SatisfactionForm

        try:
            check_satisfaction_allowed(row.status)
        except FollowupError as error:
            self.notify(explain(error), severity="warning")
            return
        self._open(SatisfactionForm(row))

    def action_reopen(self) -> None:
        row = self._case()
        if row is None:
            return
        case_id = row.id

        def answered(reason: str) -> None:
            from followup_tui.services.complaints.steps import reopen_complaint

            self._run(lambda store: reopen_complaint(store, case_id, reason))

        self._ask(t("complaints.reopen_title", id=case_id), t("complaints.reopen_label"), answered)
