"""The contingency plans for a just-recorded exception: pick one, or skip.

The company wrote its answers to each kind of exception down once (the contingency
library); this dialog puts the ones for the kind at hand in front of the clerk, with
every prepared action, its party and its due day, and the backup carriers and
suppliers, so the choice is made on the whole plan rather than on a title. Applying it
(adding the actions as follow-up notes) is the caller's work, in a worker: the dialog
only answers which plan.

Titles, actions and company names come from a file the company edits, so all of it is
drawn as ``Text``, never as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from followup_tui.domain.timeline.contingency import Scenario
from followup_tui.i18n import t
from followup_tui.screens.shared.workflows import DeskModal, workflow_bindings
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.workflows.timeline import CONTINGENCY

_NO_NAMES = "—"


def short_day(day: date) -> str:
    """``12-03 Thu`` / ``12-03 周四``: the way the timeline's dialogs name a due day.

    The weekday matters in a plan ("by Thursday"), the year almost never does.
    """
    names = t("due_day.weekdays").split()
    weekday = names[day.weekday()] if len(names) == 7 else ""
    return f"{day:%m-%d} {weekday}".rstrip()


def due_text(due_days: int, due: date | None) -> str:
    """When an action is due: its date when the caller computed it, else in days."""
    if due is not None:
        return t("contingency_plans.due_on", day=short_day(due))
    if due_days == 0:
        return t("contingency_plans.due_now")
    return t("contingency_plans.due_in", days=due_days)


def scenario_text(scenario: Scenario, language: str, due: Sequence[date] | None = None) -> Text:
    """The whole plan: numbered actions with party and due day, then the backups."""
    text = Text()
    text.append(t("contingency_plans.actions"), style="bold")
    for number, action in enumerate(scenario.actions, start=1):
        day = due[number - 1] if due is not None and number <= len(due) else None
        text.append(f"\n {number}. ")
        text.append(action.text(language))
        text.append("\n    ")
        text.append(t(f"party.{action.party}"), style="italic")
        text.append(" · ")
        text.append(due_text(action.due_days, day), style="bold" if day else "")
    for label_key, names in (
        ("contingency_plans.backup_carriers", scenario.backup_carriers),
        ("contingency_plans.backup_suppliers", scenario.backup_suppliers),
    ):
        text.append("\n")
        text.append(t(label_key), style="bold")  # the label carries its own separator
        text.append(", ".join(names) if names else _NO_NAMES)
    return text


class ContingencyScreen(DeskModal[str | None]):
    """Dismisses with the chosen scenario's key, or None when the clerk skips."""

    WORKFLOW_SCREEN = CONTINGENCY
    BINDINGS = workflow_bindings(CONTINGENCY)
    DEFAULT_CSS = """
    ContingencyScreen { align: center middle; }
    ContingencyScreen > Vertical {
        width: 96; height: auto; max-height: 95%; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    ContingencyScreen OptionList { height: auto; max-height: 8; }
    ContingencyScreen #contingency-detail-scroll { height: auto; max-height: 18; }
    ContingencyScreen #contingency-detail { height: auto; margin-top: 1; }
    """

    def __init__(
        self,
        kind: str,
        scenarios: Sequence[Scenario],
        language: str,
        due_dates: Mapping[str, Sequence[date]] | None = None,
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.kind = kind
        self.scenarios = tuple(scenarios)
        self.language = language
        #: Scenario key -> the due date of each of its actions, when the caller has the
        #: calendar at hand; otherwise actions read "in 2 business days".
        self.due_dates: Mapping[str, Sequence[date]] = due_dates or {}

    def compose(self) -> ComposeResult:
        kind_name = t(f"exception_kind.{self.kind}")
        with Vertical():
            yield Label(Text(t("contingency_plans.title", kind=kind_name), style="bold"))
            if not self.scenarios:
                yield Label(
                    Text(t("contingency_plans.none", kind=kind_name)), id="contingency-none"
                )
                yield Label(Text(t("contingency_plans.none_hint"), style="dim"))
                return
            yield OptionList(
                *(
                    Option(Text(scenario.title(self.language)), id=scenario.key)
                    for scenario in self.scenarios
                ),
                id="contingency-list",
            )
            with VerticalScroll(id="contingency-detail-scroll"):
                yield Static(id="contingency-detail")
            yield Label(Text(t("contingency_plans.hint"), style="dim"))

    def on_mount(self) -> None:
        if self.scenarios:
            options = self.query_one(OptionList)
            options.highlighted = 0
            options.focus()
            self._show(0)

    @property
    def highlighted(self) -> Scenario | None:
        """The scenario under the cursor, if there is a list at all."""
        if not self.scenarios:
            return None
        index = self.query_one(OptionList).highlighted
        return self.scenarios[index] if index is not None else None

    def _show(self, index: int) -> None:
        scenario = self.scenarios[index]
        self.query_one("#contingency-detail", Static).update(
            scenario_text(scenario, self.language, self.due_dates.get(scenario.key))
        )

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_apply(self) -> None:
        """Enter when the list does not have the focus (the list's own Enter selects)."""
        scenario = self.highlighted
        if scenario is not None:
            self.dismiss(scenario.key)

    def action_skip(self) -> None:
        self.dismiss(None)
