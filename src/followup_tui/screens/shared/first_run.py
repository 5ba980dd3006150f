"""The first screen of an empty store: load the demo data, import, or start empty.

A clerk trying the desk should see a realistic queue with one key; an administrator
setting up a real desk starts empty or imports the ERP's export (a later feature, so the
choice explains how instead of pretending).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from followup_tui.i18n import t
from followup_tui.widgets.binding_text import translate_bindings


class FirstRunScreen(ModalScreen[str | None]):
    """Dismisses with "demo", "empty" or None (quit)."""

    BINDINGS = [
        Binding("d", "choose('demo')", "Demo", id="first_run.demo", tooltip="Load demo data"),
        Binding("i", "choose('import')", "Import", id="first_run.import", tooltip="Import orders"),
        Binding("e", "choose('empty')", "Empty", id="first_run.empty", tooltip="Start empty"),
        Binding("escape", "choose('quit')", "Quit", id="first_run.quit", tooltip="Quit"),
    ]
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
