"""The first screen of an empty store: load the demo data, import, or start empty.

A clerk trying the desk should see a realistic queue with one key; an administrator
setting up a real desk starts empty or imports the ERP's export (a later feature, so the
choice explains how instead of pretending).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from followup_tui.i18n import t
from followup_tui.screens.shared.workflows import DeskModal, workflow_bindings
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.workflows.desk import FIRST_RUN


class FirstRunScreen(DeskModal[str | None]):
    """Dismisses with "demo", "empty" or None (quit)."""

    WORKFLOW_SCREEN = FIRST_RUN
    BINDINGS = workflow_bindings(FIRST_RUN)
    DEFAULT_CSS = """
    FirstRunScreen { align: center middle; }
    FirstRunScreen > Vertical {
        width: 86; height: auto; padding: 1 2; border: thick $accent; background: $surface;
    }
    FirstRunScreen .choice { padding: 0 0 0 2; }
    FirstRunScreen #first-run-note { color: $warning; height: auto; }
    """

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(t("first_run.title"), style="bold"))
            yield Label(Text(t("first_run.body")))
            yield Label(Text(t("first_run.demo")), classes="choice")
            yield Label(Text(t("first_run.import")), classes="choice")
            yield Label(Text(t("first_run.empty")), classes="choice")
            yield Label("", id="first-run-note")

    def action_choose(self, choice: str) -> None:
        if choice == "import":
            self.query_one("#first-run-note", Label).update(Text(t("first_run.import_later")))
            return
        if choice == "quit":
            self.app.exit(0)
            return
        self.dismiss(choice)
