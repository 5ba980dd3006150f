"""The exception form: what went wrong with an order, who owns it and what it costs.

The form checks the draft with the same rule the service applies
(``validate_exception``) before it closes, so the clerk sees every problem at once,
next to its field, while the text is still there to fix. It saves nothing itself: it
dismisses with the cleaned draft and the timeline records it in a worker, which keeps
this dialog usable from any screen that wants to record an exception.

The responsible party follows the kind (a material shortage is usually the supplier's)
until the clerk picks a party by hand; from then on a change of kind leaves the
clerk's choice alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Select

from followup_tui.domain.errors import FollowupError, Problem
from followup_tui.domain.timeline.disruptions import (
    IMPACT_DAYS_MAX,
    PARTIES,
    ExceptionDraft,
    ExceptionKind,
    usual_party,
    validate_exception,
)
from followup_tui.i18n import t
from followup_tui.screens.shared.leaving import OpenedFields, leave
from followup_tui.screens.shared.problems import ProblemDisplay, Spot, dom_id, field_spot
from followup_tui.screens.shared.workflows import DeskModal, workflow_bindings
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.workflows.timeline import EXCEPTION_FORM

#: The form's fields, top to bottom, named as ``ExceptionDraft`` and its problems name
#: them. The impact comes last so that Enter there saves, as in the other forms.
FIELDS: tuple[str, ...] = ("kind", "milestone_key", "cause", "party", "impact_days")
#: The kind the form opens with: the first in the glossary's list, as the Select shows it.
DEFAULT_KIND = ExceptionKind.MATERIAL_SHORTAGE


def read_impact_days(text: str) -> int:
    """The impact as typed, in whole business days; refusals name the impact field.

    Digits only (full-width ones included, as a Chinese input method types them): a
    sign, a decimal point or words are refused with the range message, which says what
    is expected, instead of reaching the domain as something that is not a number.
    """
    typed = text.strip()
    if not typed:
        raise FollowupError("error.required", field="impact_days")
    if not typed.isdecimal():
        raise FollowupError(
            "error.exception_impact_range",
            field="impact_days",
            value=typed,
            min=0,
            max=IMPACT_DAYS_MAX,
        )
    return int(typed)


def _spot(field: str | None) -> Spot | None:
    """Every field has its label under it; a problem naming none goes to the summary."""
    return field_spot(field) if field is not None and field in FIELDS else None


#: Where the form's problems are shown.
PROBLEMS = ProblemDisplay(
    error_class="exception-error",
    summary_id="exception-summary",
    count_key="exception_form.problems",
    spot=_spot,
)


class ExceptionFormScreen(DeskModal[ExceptionDraft | None]):
    """Dismisses with the cleaned draft, or None when the clerk leaves with Escape."""

    WORKFLOW_SCREEN = EXCEPTION_FORM
    BINDINGS = workflow_bindings(EXCEPTION_FORM)
    DEFAULT_CSS = """
    ExceptionFormScreen { align: center middle; }
    ExceptionFormScreen > VerticalScroll {
        width: 84; height: auto; max-height: 95%; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    ExceptionFormScreen .exception-row { height: auto; }
    ExceptionFormScreen .exception-label { width: 24; padding-top: 1; }
    ExceptionFormScreen .exception-row Input, ExceptionFormScreen .exception-row Select {
        width: 1fr;
    }
    ExceptionFormScreen .exception-error {
        color: $error; margin-left: 24; width: 1fr; height: auto;
    }
    ExceptionFormScreen #exception-summary { color: $error; height: auto; }
    """

    def __init__(
        self,
        order_no: str,
        milestones: Sequence[tuple[str, str]],
        current_milestone: str | None,
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.opened = OpenedFields()
        self.order_no = order_no
        self.milestones = tuple(milestones)
        keys = {key for key, _label in self.milestones}
        self.current_milestone = current_milestone if current_milestone in keys else None
        #: The party the form last filled in from the kind; a different value in the
        #: party field means the clerk chose it, and the kind stops overriding it.
        self._suggested_party = usual_party(DEFAULT_KIND)
        self._party_chosen = False

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=False):  # no tab stop of its own: the fields scroll
            yield Label(
                Text(t("exception_form.title", order=self.order_no), style="bold"),
                id="exception-title",
            )
            yield Label("", id="exception-summary")
            for field in FIELDS:
                with Horizontal(classes="exception-row"):
                    yield Label(Text(t(f"exception_form.{field}")), classes="exception-label")
                    yield self._field_widget(field)
                error = Label("", id=f"err-{dom_id(field)}", classes="exception-error")
                error.display = False
                yield error
            yield Label(Text(t("exception_form.hint"), style="dim"))

    def _field_widget(self, field: str) -> Input | Select[str]:
        widget_id = f"in-{dom_id(field)}"
        if field == "kind":
            return Select(
                [(Text(t(f"exception_kind.{kind.value}")), kind.value) for kind in ExceptionKind],
                allow_blank=False,
                value=DEFAULT_KIND.value,
                id=widget_id,
            )
        if field == "party":
            return Select(
                [(Text(t(f"party.{party}")), party) for party in PARTIES],
                allow_blank=False,
                value=self._suggested_party,
                id=widget_id,
            )
        if field == "milestone_key":
            return Select(
                [(Text(label), key) for key, label in self.milestones],
                allow_blank=True,
                prompt=t("exception_form.no_milestone"),
                value=self.current_milestone if self.current_milestone else Select.NULL,
                id=widget_id,
            )
        if field == "impact_days":
            return Input(
                placeholder=t("exception_form.impact_placeholder", max=IMPACT_DAYS_MAX),
                id=widget_id,
            )
        return Input(placeholder=t("exception_form.cause_placeholder"), id=widget_id)

    def on_mount(self) -> None:
        self.query_one(f"#in-{dom_id('kind')}", Select).focus()
        self.opened.remember_after_refresh(self)

    def _select(self, field: str) -> Select[str]:
        widget: Select[str] = self.query_one(f"#in-{dom_id(field)}", Select)
        return widget

    def _input(self, field: str) -> Input:
        return self.query_one(f"#in-{dom_id(field)}", Input)

    # --- the party follows the kind ---------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == f"in-{dom_id('kind')}":
            self._kind_changed(event.value)
        elif event.select.id == f"in-{dom_id('party')}" and event.value != self._suggested_party:
            self._party_chosen = True

    def _kind_changed(self, value: object) -> None:
        if self._party_chosen or not isinstance(value, str):
            return
        self._suggested_party = usual_party(ExceptionKind(value))
        self._select("party").value = self._suggested_party

    # --- reading and checking -------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter on the last field saves; on an earlier field it moves on, as Tab does."""
        event.stop()
        if event.input.id == f"in-{dom_id(FIELDS[-1])}":
            self.action_save()
        else:
            self.focus_next()

    def checked_draft(self) -> tuple[ExceptionDraft | None, list[Problem]]:
        """The cleaned draft when the form is valid, and every problem found."""
        problems: list[Problem] = []
        try:
            impact = read_impact_days(self._input("impact_days").value)
        except FollowupError as error:
            problems += error.problems
            impact = 0  # a valid stand-in, so the other fields are still checked
        milestone = self._select("milestone_key").value
        draft = ExceptionDraft(
            kind=ExceptionKind(str(self._select("kind").value)),  # only kinds are offered
            cause=self._input("cause").value,
            party=str(self._select("party").value),
            impact_days=impact,
            milestone_key=milestone if isinstance(milestone, str) else None,
        )
        try:
            cleaned: ExceptionDraft | None = validate_exception(draft)
        except FollowupError as error:
            problems = [*error.problems, *problems]
            cleaned = None
        order = {field: index for index, field in enumerate(FIELDS)}
        problems.sort(key=lambda problem: order.get(problem.field or "", len(FIELDS)))
        return (None if problems else cleaned), problems

    # --- actions ----------------------------------------------------------------------------

    def action_save(self) -> None:
        draft, problems = self.checked_draft()
        PROBLEMS.show(self, problems)
        if draft is None:
            PROBLEMS.focus_first(self, problems)
            return
        self.dismiss(draft)

    def action_close(self) -> None:
        """Escape: at once on an untouched form, after asking when something was typed."""
        leave(self, self.opened.changed(self))
