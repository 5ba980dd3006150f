"""Leaving a form: at once when nothing was typed, after a question when something was.

A clerk who presses Escape on a half-filled order, remedy or shipment has usually hit it
by reflex (to close a drop-down, or out of habit from the queue); losing ten typed
fields to that is worse than one more key when the form really is to go. So a form
remembers its fields as they were once it opened and, on Escape, compares: unchanged,
it closes; changed, :class:`DiscardScreen` asks, and only ``y`` throws the input away.
Escape there keeps the form, so a double Escape never loses anything.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from followup_tui.i18n import t
from followup_tui.screens.shared.workflows import DeskModal, workflow_bindings
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.workflows.desk import DISCARD

#: A form's fields by widget id, as :func:`field_values` reads them.
FieldValues = dict[str, object]


def field_values(form: DOMNode) -> FieldValues:
    """What every field of ``form`` holds now: inputs, text areas, selects, boxes."""
    values: FieldValues = {}
    for widget in form.query("Input, TextArea, Select, Checkbox"):
        if isinstance(widget, Input | Checkbox):
            values[widget.id or str(id(widget))] = widget.value
        elif isinstance(widget, TextArea):
            values[widget.id or str(id(widget))] = widget.text
        elif isinstance(widget, Select):
            values[widget.id or str(id(widget))] = widget.value
    return values


class OpenedFields:
    """A form's fields as they stood once it opened (after its first refresh, so values
    the form fills in on mount, such as a suggested party, count as the start)."""

    def __init__(self) -> None:
        self.values: FieldValues | None = None

    def remember_after_refresh(self, form: DOMNode) -> None:
        form.call_after_refresh(self.remember, form)

    def remember(self, form: DOMNode) -> None:
        self.values = field_values(form)

    def changed(self, form: DOMNode) -> bool:
        """Whether anything differs from the start (nothing, before it was remembered)."""
        return self.values is not None and field_values(form) != self.values


def leave(form: ModalScreen[Any], typed: bool) -> None:
    """Close ``form`` with None, asking first when the clerk has ``typed`` something."""
    if not typed:
        form.dismiss(None)
        return

    def answered(discard: bool | None) -> None:
        if discard:
            form.dismiss(None)

    form.app.push_screen(DiscardScreen(), answered)


class DiscardScreen(DeskModal[bool]):
    """Asks whether to throw the typed input away: True for ``y``, False to keep it."""

    WORKFLOW_SCREEN = DISCARD
    BINDINGS = workflow_bindings(DISCARD)
    DEFAULT_CSS = """
    DiscardScreen { align: center middle; }
    DiscardScreen > Vertical {
        width: 56; height: auto; padding: 1 2; border: thick $warning; background: $surface;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(t("discard.title"), style="bold"))
            yield Label(Text(t("discard.body")))
            yield Label(Text(t("discard.hint"), style="dim"))

    def action_leave(self) -> None:
        self.dismiss(True)

    def action_stay(self) -> None:
        self.dismiss(False)
