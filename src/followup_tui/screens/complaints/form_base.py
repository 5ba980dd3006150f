"""What every complaint dialog shares: fields in rows, every problem next to its field.

A complaint step is small (a reason and a note, a score and a comment), so each dialog
only says which fields it has, how to draw them and how to turn what was typed into a
service call. This base lays them out, checks before saving, runs the call in a worker
and shows a refusal from the service under the field it names, with the typed values
still there to fix, as every form does (``screens.shared.problems``); the dialog saves
itself for that reason (a dismissed dialog has no fields to show a refusal next to). It
dismisses with the case as the service returned it, or None on Escape (asking first
when something was typed, ``screens.shared.leaving``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from followup_tui.domain.errors import FollowupError, Problem
from followup_tui.i18n import t
from followup_tui.screens.shared.leaving import OpenedFields, leave
from followup_tui.screens.shared.problems import ProblemDisplay, Spot, dom_id, field_spot
from followup_tui.screens.shared.service_calls import call_service
from followup_tui.screens.shared.workflows import DeskModal, workflow_bindings
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.workflows.complaints import CASE_FORM

if TYPE_CHECKING:
    from followup_tui.services.complaints.views import ComplaintDetail
    from followup_tui.services.context import StoreContext

#: A checked dialog's service call: it runs in a worker and returns the changed case.
Save = Callable[["StoreContext"], "ComplaintDetail"]


def options(prefix: str, values: Sequence[str]) -> list[tuple[Text, str]]:
    """Select options named from the catalog (``grade.major``), drawn as ``Text``."""
    return [(Text(t(f"{prefix}.{value}")), value) for value in values]


class CaseForm(DeskModal["ComplaintDetail | None"]):
    """Base of the complaint dialogs; subclasses name ``FIELDS`` and fill in
    :meth:`field_widget` and :meth:`checked`."""

    FIELDS: ClassVar[tuple[str, ...]] = ()
    WORKFLOW_SCREEN = CASE_FORM
    BINDINGS = workflow_bindings(CASE_FORM)
    DEFAULT_CSS = """
    CaseForm { align: center middle; }
    CaseForm > VerticalScroll {
        width: 90; height: auto; max-height: 95%; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    CaseForm .case-row { height: auto; }
    CaseForm .case-label { width: 25; padding-top: 1; }
    CaseForm .case-row Input, CaseForm .case-row Select { width: 1fr; }
    CaseForm .case-row Checkbox { width: 1fr; border: none; padding-top: 1; }
    CaseForm .case-row TextArea { width: 1fr; height: 5; }
    CaseForm .case-error { color: $error; margin-left: 25; width: 1fr; height: auto; }
    CaseForm #case-summary { color: $error; height: auto; }
    CaseForm #case-context { color: $text-muted; height: auto; }
    """

    def __init__(self, title: str, context: Text | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.title_text = title
        self.context = context
        #: True while the call is with the service: a second ctrl+s must not save twice.
        self.saving = False
        self.opened = OpenedFields()
        self.problem_display = ProblemDisplay(
            error_class="case-error",
            summary_id="case-summary",
            count_key="complaint_form.problems",
            spot=self._spot,
        )

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=False):  # no tab stop of its own: the fields scroll
            yield Label(Text(self.title_text, style="bold"), id="case-title")
            if self.context is not None:
                yield Label(self.context, id="case-context")
            yield Label("", id="case-summary")
            for field in self.FIELDS:
                with Horizontal(classes="case-row"):
                    yield Label(Text(t(f"complaint_form.{field}")), classes="case-label")
                    widget = self.field_widget(field)
                    widget.id = f"in-{dom_id(field)}"
                    yield widget
                error = Label("", id=f"err-{dom_id(field)}", classes="case-error")
                error.display = False
                yield error
            yield Label(Text(t("complaint_form.hint"), style="dim"))

    def field_widget(self, field: str) -> Widget:
        raise NotImplementedError

    def on_mount(self) -> None:
        if self.FIELDS:
            self.query_one(f"#in-{dom_id(self.FIELDS[0])}").focus()
        self.opened.remember_after_refresh(self)

    # --- reading the fields ---------------------------------------------------------------

    def text(self, field: str) -> str:
        widget = self.query_one(f"#in-{dom_id(field)}")
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Input):
            return widget.value
        raise TypeError(f"{field} is not a text field")

    def choice(self, field: str) -> str | None:
        widget: Select[str] = self.query_one(f"#in-{dom_id(field)}", Select)
        value = widget.value
        return value if isinstance(value, str) else None

    def checked_box(self, field: str) -> bool:
        return self.query_one(f"#in-{dom_id(field)}", Checkbox).value

    def checked(self) -> tuple[Save | None, list[Problem]]:
        """The service call when what was typed is valid, and every problem found."""
        raise NotImplementedError

    # --- problems ---------------------------------------------------------------------------

    def _spot(self, field: str | None) -> Spot | None:
        """Every field of the dialog has its label under it; other problems go on top."""
        return field_spot(field) if field is not None and field in self.FIELDS else None

    # --- actions ----------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter on the last field saves; on an earlier one it moves on, as Tab does."""
        event.stop()
        if event.input.id == f"in-{dom_id(self.FIELDS[-1])}":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        if self.saving:
            return
        save, problems = self.checked()
        self.problem_display.show(self, problems)
        if save is None:
            self.problem_display.focus_first(self, problems)
            return
        self.saving = True
        self.query_one("#case-summary", Label).update(Text(t("complaint_form.saving")))
        call_service(self, save, self._saved, on_error=self._refused, group="complaint-form")

    def _saved(self, detail: ComplaintDetail) -> None:
        self.saving = False
        self.dismiss(detail)

    def _refused(self, error: BaseException, message: str) -> None:
        self.saving = False
        self.opened = OpenedFields()
        self.problem_display.show_refusal(self, error, message)

    def action_close(self) -> None:
        """Escape: at once on an untouched dialog, after asking when something was typed."""
        leave(self, self.opened.changed(self))


def collect(problems: list[Problem], check: Callable[[], object]) -> object | None:
    """Run one check, adding its problems instead of stopping at the first refusal."""
    try:
        return check()
    except FollowupError as error:
        problems.extend(error.problems)
        return None
