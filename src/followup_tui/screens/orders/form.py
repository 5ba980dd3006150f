"""The order form: a modal for new and edited orders, checked before anything is saved.

Every problem is shown under its input at once. The save carries the version the clerk
opened; if someone saved the order meanwhile, the conflict dialog shows both values of
every field that differs and the clerk chooses, so nothing is overwritten silently.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Input, Label, Select

from followup_tui.domain.errors import StaleEditError
from followup_tui.domain.orders.rules import INCOTERMS, PAYMENT_TERMS, Priority
from followup_tui.i18n import t
from followup_tui.i18n.errors import explain_problem, field_label
from followup_tui.screens.orders.form_model import (
    HEADER_FIELDS,
    LINE_DATE_FIELDS,
    LINE_FIELDS,
    FormValues,
    blank_values,
    build_draft,
    theirs_as_values,
    typed_since,
    untouched_fields,
    values_from_detail,
)
from followup_tui.screens.shared.history import call_recorded
from followup_tui.screens.shared.leaving import leave
from followup_tui.screens.shared.problems import ProblemDisplay, Spot, dom_id, field_spot
from followup_tui.screens.shared.service_calls import call_service, desk
from followup_tui.screens.shared.workflows import DeskModal, workflow_bindings
from followup_tui.services.orders.views import OrderDetail, OrderView
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.workflows.orders import FORM

MAX_LINES = 8
_SELECTS: dict[str, tuple[str, ...]] = {
    "incoterm": INCOTERMS,
    "payment_terms": PAYMENT_TERMS,
    "priority": tuple(p.value for p in Priority),
}
_MULTILINE = frozenset({"packaging", "labels", "technical"})


def _spot(field: str | None) -> Spot | None:
    """Where a problem's field is on the form: a header field, or the one label under a
    line (``lines.<index>.<field>``) with the input it names; None for the summary."""
    if field in HEADER_FIELDS:
        return field_spot(field)
    if field is not None and field.startswith("lines.") and field.count(".") == 2:
        return Spot(f"err-line-{field.split('.')[1]}", f"in-{dom_id(field)}")
    return None


#: Where the form's problems are shown: the message names its field, since a line's
#: label holds the problems of all its cells; the labels stay in place on the grid.
#: Unlike the dialogs, this form has always left the focus where the clerk was
#: (``moves_focus``); moving it would be a change of its own, not part of sharing this.
PROBLEMS = ProblemDisplay(
    error_class="form-error",
    summary_id="form-summary",
    count_key="form.problems",
    spot=_spot,
    message=explain_problem,
    hide_empty=False,
    moves_focus=False,
)


class OrderFormScreen(DeskModal[OrderView | None]):
    """Dismisses with the saved order, or None when the clerk leaves without saving."""

    WORKFLOW_SCREEN = FORM
    BINDINGS = workflow_bindings(FORM)

    def __init__(self, detail: OrderDetail | None) -> None:
        super().__init__()
        translate_bindings(self)
        self.detail = detail
        self.expected_version = detail.order.version if detail else None
        self._values: FormValues | None = values_from_detail(detail) if detail else None
        self._line_count = len(self._values.lines) if self._values else 1

    # --- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        title = (
            t("form.edit_title", order=self.detail.order.order_no)
            if self.detail
            else t("form.new_title")
        )
        with VerticalScroll(id="form-body", can_focus=False):  # the fields are the tab stops
            yield Label(Text(title, style="bold"), id="form-title")
            yield Label("", id="form-summary")
            with Grid(id="form-header"):
                for name in HEADER_FIELDS:
                    yield Label(Text(field_label(name)), classes="form-label")
                    if name in _SELECTS:
                        yield Select(
                            [(self._option_label(name, value), value) for value in _SELECTS[name]],
                            allow_blank=False,
                            id=f"in-{dom_id(name)}",
                        )
                    else:
                        yield Input(
                            id=f"in-{dom_id(name)}", classes=("wide" if name in _MULTILINE else "")
                        )
                    yield Label("", id=f"err-{dom_id(name)}", classes="form-error")
            yield Label(Text(t("field.lines"), style="bold"))
            with Horizontal(classes="line-titles"):
                for name in LINE_FIELDS:
                    yield Label(Text(field_label(name)), classes=f"line-cell cell-{name}")
            for index in range(MAX_LINES):
                with Horizontal(id=f"line-{index}", classes="form-line"):
                    for name in LINE_FIELDS:
                        yield Input(
                            id=f"in-{dom_id(f'lines.{index}.{name}')}",
                            classes=f"line-cell cell-{name}",
                        )
                yield Label("", id=f"err-line-{index}", classes="form-error")
            yield Label(Text(t("form.keys_hint"), style="dim"))

    def _option_label(self, name: str, value: str) -> str:
        return t(f"priority.{value}") if name == "priority" else value

    def on_mount(self) -> None:
        app = desk(self)
        if self._values is None:
            self._values = blank_values("", app.actor, app.today())
            from followup_tui.services.orders.entry import next_order_no

            today = app.today()
            call_service(
                self, lambda store: next_order_no(store, today), self._numbered, group="order-no"
            )
        self._fill(self._values)
        self.query_one(f"#in-{dom_id('customer')}", Input).focus()

    def _numbered(self, number: str) -> None:
        """Fill the next free number unless the clerk already typed one."""
        field = self.query_one(f"#in-{dom_id('order_no')}", Input)
        if not field.value:
            field.value = number
            if self._values is not None:  # the desk's suggestion is not the clerk's typing
                self._values = FormValues(
                    {**self._values.header, "order_no": number},
                    [dict(line) for line in self._values.lines],
                )

    def _fill(self, values: FormValues) -> None:
        for name, value in values.header.items():
            widget = self.query_one(f"#in-{dom_id(name)}")
            if isinstance(widget, Select):
                if value in _SELECTS[name]:
                    widget.value = value
            elif isinstance(widget, Input):
                widget.value = value
        self._line_count = max(1, min(MAX_LINES, len(values.lines)))
        for index in range(MAX_LINES):
            line = values.lines[index] if index < len(values.lines) else {}
            for name in LINE_FIELDS:
                self.query_one(f"#in-{dom_id(f'lines.{index}.{name}')}", Input).value = line.get(
                    name, ""
                )
        self._show_lines()

    def _show_lines(self) -> None:
        for index in range(MAX_LINES):
            self.query_one(f"#line-{index}").display = index < self._line_count

    # --- reading and checking ------------------------------------------------------------

    def current_values(self) -> FormValues:
        header: dict[str, str] = {}
        for name in HEADER_FIELDS:
            widget = self.query_one(f"#in-{dom_id(name)}")
            if isinstance(widget, Select):
                header[name] = str(widget.value)
            elif isinstance(widget, Input):
                header[name] = widget.value
        stored = self._values.lines if self._values else []
        lines = []
        for index in range(self._line_count):
            line = {
                name: self.query_one(f"#in-{dom_id(f'lines.{index}.{name}')}", Input).value
                for name in LINE_FIELDS
            }
            if index < len(stored):  # carry the stored line's own dates
                line.update({name: stored[index].get(name, "") for name in LINE_DATE_FIELDS})
            lines.append(line)
        return FormValues(header, lines)

    # --- actions ----------------------------------------------------------------------

    def action_add_line(self) -> None:
        """Show one more line, with the unit and currency of the line above it: an
        order's lines are nearly always counted and priced alike."""
        if self._line_count < MAX_LINES:
            index = self._line_count
            self._line_count += 1
            for name in ("unit", "currency"):
                above = self.query_one(f"#in-{dom_id(f'lines.{index - 1}.{name}')}", Input)
                below = self.query_one(f"#in-{dom_id(f'lines.{index}.{name}')}", Input)
                if not below.value.strip():
                    below.value = above.value
            self._show_lines()
            self.query_one(f"#in-{dom_id(f'lines.{index}.product')}", Input).focus()

    def action_remove_line(self) -> None:
        if self._line_count > 1:
            self._line_count -= 1
            self._show_lines()

    def action_close(self) -> None:
        """Escape: at once on an untouched form, after asking when something was typed."""
        opened = self._values
        leave(self, opened is not None and typed_since(opened, self.current_values()))

    def action_save(self) -> None:
        values = self.current_values()
        draft, problems = build_draft(values)
        PROBLEMS.show(self, problems)
        if draft is None:
            PROBLEMS.focus_first(self, problems)
            return
        from followup_tui.services.orders.entry import create_order, edit_order

        detail, version = self.detail, self.expected_version

        def save(store: Any) -> OrderView:
            if detail is None:
                return create_order(store, draft)
            return edit_order(store, detail.order.id, draft, version or 0)

        # Recorded on the desk's history, so ctrl+z takes the whole save back.
        call_recorded(
            self,
            save,
            self._saved,
            kind="new" if detail is None else "edit",
            orders=lambda view: (view.order_no,),
            on_error=self._refused,
            group="save-order",
        )

    def _saved(self, view: OrderView) -> None:
        self.app.notify(t("form.saved", order=view.order_no), timeout=3)
        self.dismiss(view)

    def _refused(self, error: BaseException, message: str) -> None:
        if isinstance(error, StaleEditError):
            from followup_tui.screens.orders.conflict import ConflictScreen

            mine = self.current_values()
            opened = self._values or mine
            self.app.push_screen(
                ConflictScreen(mine, error.theirs, take_theirs=untouched_fields(mine, opened)),
                lambda merged: self._resolved(merged, error),
            )
            return
        PROBLEMS.show_refusal(self, error, message)

    def _resolved(self, merged: FormValues | None, error: StaleEditError) -> None:
        if merged is None:
            return
        self.expected_version = int(str(error.theirs["version"]))
        # The other save is now what this form is based on (for a third save meanwhile).
        self._values = theirs_as_values(error.theirs)
        self._fill(merged)
        self.action_save()
