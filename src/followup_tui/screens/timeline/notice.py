"""The drafted customer notice, for the clerk to edit and copy into a mail or a chat.

The desk does not send mail: the clerk's customers are reached through the company's
mail system, WeChat or the customer's portal, so the notice ends in the clipboard. The
copy is OSC 52, the terminal's own clipboard sequence, which also reaches the clerk's
machine when the desk runs over SSH.

Closing returns the edited text when the clerk changed the draft and None when the
draft was left as it came, so the caller can tell "keep this wording" from "nothing
to keep" without comparing strings itself.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, TextArea

from followup_tui.i18n import t
from followup_tui.screens.shared.workflows import DeskModal, workflow_bindings
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.workflows.timeline import NOTICE


class NoticeScreen(DeskModal[str | None]):
    """Dismisses with the edited text, or None when the draft was not changed."""

    WORKFLOW_SCREEN = NOTICE
    BINDINGS = workflow_bindings(NOTICE)
    DEFAULT_CSS = """
    NoticeScreen { align: center middle; }
    NoticeScreen > Vertical {
        width: 90%; max-width: 110; height: 90%; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    NoticeScreen TextArea { height: 1fr; }
    NoticeScreen #notice-hint { margin-top: 1; }
    """

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.title_text = title
        self.draft = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text, style="bold"), id="notice-title")
            yield TextArea(self.draft, soft_wrap=True, id="notice-text")
            yield Label(Text(t("notice_edit.hint"), style="dim"), id="notice-hint")

    def on_mount(self) -> None:
        self.editor.focus()

    @property
    def editor(self) -> TextArea:
        return self.query_one("#notice-text", TextArea)

    @property
    def text(self) -> str:
        """The notice as it reads now, with the clerk's edits."""
        return self.editor.text

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.notify(t("notice_edit.copied"), timeout=3)

    def action_restore(self) -> None:
        """Undo every edit at once (the text area's own undo goes one step at a time)."""
        self.editor.load_text(self.draft)

    def action_close(self) -> None:
        text = self.text
        self.dismiss(text if text != self.draft else None)
