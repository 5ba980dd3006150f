"""A new complaint about an order: what the customer says, who said it, how serious.

The grade starts at the policy's suggestion for the category and the order (a key
account, a large order) and follows the category while the clerk leaves it alone; a
grade the clerk chooses by hand needs a reason, which the form asks for next to the
reason field before anything is saved. Opened from the order queue (``c``), it reads
the order and its customer in a worker first, then saves through ``create_complaint``
and the triage queue opens on the new case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Select, TextArea

from followup_tui.domain.errors import Problem
from followup_tui.domain.text import clean_text, require_text
from followup_tui.i18n import current_language, t
from followup_tui.screens.complaints.form_base import CaseForm, Save, collect
from followup_tui.screens.shared.service_calls import call_service, desk

if TYPE_CHECKING:
    from followup_tui.domain.complaints.sla_policy import SlaPolicy
    from followup_tui.services.complaints.views import ComplaintDetail
    from followup_tui.services.context import StoreContext

DESCRIPTION_LIMIT = 4000


@dataclass(frozen=True)
class OrderFacts:
    """What the form needs to know of the order: its lines and what the grade follows."""

    order_no: str
    customer: str
    lines: tuple[tuple[int, str], ...]  # (line no., product)
    #: The suggested grade for each category of the policy.
    suggestions: dict[str, str]


def order_facts(store: StoreContext, order_id: int) -> OrderFacts:
    """Read the order and the grade the policy suggests per category (in a worker)."""
    from followup_tui.services.complaints.steps import suggested_grades
    from followup_tui.services.orders.entry import get_order

    detail = get_order(store, order_id)
    lines = tuple((line.line_no, line.product) for line in detail.lines)
    return OrderFacts(
        detail.order.order_no, detail.order.customer, lines, suggested_grades(store, order_id)
    )


class NewComplaintForm(CaseForm):
    """Record a complaint about ``facts``' order; dismisses with the new case."""

    FIELDS = ("category", "description", "contact", "grade", "grade_reason", "line_no")

    def __init__(self, facts: OrderFacts, policy: SlaPolicy) -> None:
        self.facts = facts
        self.policy = policy
        self.category = policy.categories[0]
        #: The grade the form last filled in from the category; any other value in the
        #: grade field means the clerk chose it, and the category stops overriding it.
        self.suggested = facts.suggestions.get(self.category, policy.grade_keys()[-1])
        context = Text(f"{facts.order_no} · {facts.customer}")
        super().__init__(t("complaint_form.new_title", order=facts.order_no), context)

    def field_widget(self, field: str) -> Widget:
        language = current_language()
        if field == "category":
            return Select(
                [
                    (Text(self.policy.category_title(key, language)), key)
                    for key in self.policy.categories
                ],
                allow_blank=False,
                value=self.category,
            )
        if field == "grade":
            return Select(
                [(Text(grade.title(language)), grade.key) for grade in self.policy.grades],
                allow_blank=False,
                value=self.suggested,
            )
        if field == "line_no":
            return Select(
                [(Text(f"{no} · {product}"), str(no)) for no, product in self.facts.lines],
                prompt=t("complaint_form.whole_order"),
            )
        if field == "description":
            return TextArea(
                "", soft_wrap=True, placeholder=t("complaint_form.description_placeholder")
            )
        placeholders = {
            "contact": "complaint_form.contact_placeholder",
            "grade_reason": "complaint_form.grade_reason_placeholder",
        }
        return Input(placeholder=t(placeholders[field]))

    def on_mount(self) -> None:
        super().on_mount()
        self._show_suggestion()

    # --- the grade follows the category ----------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id != "in-category" or not isinstance(event.value, str):
            return
        chosen_by_hand = self.choice("grade") != self.suggested
        self.category = event.value
        self.suggested = self.facts.suggestions.get(self.category, self.suggested)
        if not chosen_by_hand:
            self.query_one("#in-grade", Select).value = self.suggested
        self._show_suggestion()

    def _show_suggestion(self) -> None:
        title = self.policy.grade(self.suggested).title(current_language())
        self.query_one("#in-grade-reason", Input).placeholder = t(
            "complaint_form.grade_reason_placeholder", suggested=title
        )

    # --- checking and saving ---------------------------------------------------------------

    def checked(self) -> tuple[Save | None, list[Problem]]:
        problems: list[Problem] = []
        description = collect(
            problems,
            lambda: require_text(
                self.text("description"), field="description", max_length=DESCRIPTION_LIMIT
            ),
        )
        contact = collect(
            problems, lambda: clean_text(self.text("contact"), field="contact", max_length=200)
        )
        reason = collect(
            problems,
            lambda: clean_text(self.text("grade_reason"), field="grade_reason", max_length=500),
        )
        grade = self.choice("grade") or self.suggested
        if grade != self.suggested and not reason:
            title = self.policy.grade(self.suggested).title(current_language())
            problems.append(
                Problem("complaint_form.grade_reason_needed", "grade_reason", {"suggested": title})
            )
        if problems:
            return None, problems
        line = self.choice("line_no")
        values: dict[str, Any] = {
            "order_no": self.facts.order_no,
            "category": self.category,
            "description": str(description),
            "contact": str(contact),
            "grade": None if grade == self.suggested else grade,
            "grade_reason": str(reason),
            "line_no": int(line) if line is not None else None,
        }

        def save(store: StoreContext) -> ComplaintDetail:
            from followup_tui.services.complaints.steps import ComplaintDraft, create_complaint

            return create_complaint(store, ComplaintDraft(**values))

        return save, problems


def new_complaint(screen: Screen[Any], order_id: int, opened: Callable[[int], None]) -> None:
    """Read the order, ask for the complaint, and hand the new case's id to ``opened``."""
    policy = desk(screen).sla

    def ask(facts: OrderFacts) -> None:
        def saved(detail: ComplaintDetail | None) -> None:
            if detail is not None:
                opened(detail.row.id)

        screen.app.push_screen(NewComplaintForm(facts, policy), saved)

    call_service(screen, lambda store: order_facts(store, order_id), ask, group="new-complaint")
