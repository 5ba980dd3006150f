"""Two saves of one order: show both values of every differing field, let the clerk pick.

Each row starts on the clerk's own value when the clerk changed that field, and on the
other save's value when they did not; space (or enter) switches it. Nothing is written
until the clerk accepts, and then it is saved against the newer version, so a third
save in between is caught again.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from followup_tui.i18n import t
from followup_tui.i18n.errors import field_label
from followup_tui.screens.orders.form_model import FormValues, conflicting_fields, merge
from followup_tui.screens.shared.workflows import DeskModal, workflow_bindings
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.workflows.orders import CONFLICT


class ConflictScreen(DeskModal[FormValues | None]):
    WORKFLOW_SCREEN = CONFLICT
    BINDINGS = workflow_bindings(CONFLICT)
    DEFAULT_CSS = """
    ConflictScreen { align: center middle; }
    ConflictScreen > Vertical {
        width: 90%; height: auto; max-height: 90%; padding: 1 2;
        border: thick $warning; background: $surface;
    }
    ConflictScreen OptionList { height: auto; max-height: 24; }
    """

    def __init__(
        self,
        mine: FormValues,
        theirs: dict[str, object],
        *,
        take_theirs: frozenset[str] | set[str] = frozenset(),
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.mine = mine
        self.theirs = theirs
        self.fields = conflicting_fields(mine, theirs)
        # Fields the clerk did not touch start on the other save's value.
        self.take_theirs: set[str] = {name for name, _, _ in self.fields} & set(take_theirs)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(t("conflict.title"), style="bold"))
            yield Label(Text(t("conflict.body")))
            yield OptionList(*self._options(), id="conflict-fields")
            yield Label(Text(t("conflict.keys"), style="dim"))

    def _options(self) -> list[Option]:
        options = []
        for name, my_value, their_value in self.fields:
            theirs_chosen = name in self.take_theirs
            text = Text()
            text.append(f"{field_label(name)}\n", style="bold")
            text.append("  ✔ " if not theirs_chosen else "    ")
            text.append(f"{t('conflict.mine')}: ", style="dim")
            text.append(my_value or "—")
            text.append("\n")
            text.append("  ✔ " if theirs_chosen else "    ")
            text.append(f"{t('conflict.theirs')}: ", style="dim")
            text.append(their_value or "—")
            options.append(Option(text, id=name))
        return options

    def action_switch_value(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None or not self.fields:
            return
        name = self.fields[index][0]
        self.take_theirs ^= {name}
        options.clear_options()
        options.add_options(self._options())
        options.highlighted = index

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_switch_value()

    def action_accept(self) -> None:
        self.dismiss(merge(self.mine, self.theirs, self.take_theirs))

    def action_cancel(self) -> None:
        self.dismiss(None)
