"""Small modal questions: one line of text, or one choice from a list.

They return the answer through ``dismiss`` so the screen that asked keeps the workflow;
Escape always means "never mind" and returns None. A prompt whose answer must parse (a
date, a range) is given a ``check``: a refused answer keeps the dialog open with the
message under the marked field, so the clerk corrects one character instead of
retyping everything after a toast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from followup_tui.domain.errors import FollowupError
from followup_tui.i18n import t
from followup_tui.i18n.errors import explain
from followup_tui.screens.shared.workflows import DeskModal, workflow_bindings
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.workflows.desk import CHOICE, PROMPT

Check = Callable[[str], str | None]
"""What a prompt says about an answer: the message that refuses it, or None."""


def refusal_of(parse: Callable[[str], object]) -> Check:
    """A check from a parser that raises ``FollowupError`` on text it cannot read."""

    def check(answer: str) -> str | None:
        try:
            parse(answer)
        except FollowupError as error:
            return explain(error)
        return None

    return check


class PromptScreen(DeskModal[str | None]):
    """Ask for one line of text; ``required`` refuses an empty answer in place, and so
    does ``check`` an answer it has a message for."""

    WORKFLOW_SCREEN = PROMPT
    BINDINGS = workflow_bindings(PROMPT)
    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 64; height: auto; padding: 1 2; border: thick $accent; background: $surface;
    }
    PromptScreen #prompt-error { color: $error; height: auto; }
    PromptScreen Input.-invalid { border: tall $error; }
    """

    def __init__(
        self,
        title: str,
        label: str,
        *,
        default: str = "",
        required: bool = False,
        placeholder: str = "",
        check: Check | None = None,
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self._check = check
        self._title = title
        self._label = label
        self._default = default
        self._required = required
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._title, style="bold"))
            yield Label(Text(self._label))
            yield Input(value=self._default, placeholder=self._placeholder, id="prompt-input")
            yield Label("", id="prompt-error")
            yield Label(Text(t("desk.prompt_hint"), style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        refusal = t("error.required") if self._required and not value else None
        if refusal is None and self._check is not None and (value or self._required):
            refusal = self._check(value)
        self.query_one("#prompt-input", Input).set_class(refusal is not None, "-invalid")
        self.query_one("#prompt-error", Label).update(Text(refusal or ""))
        if refusal is None:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceScreen(DeskModal[str | None]):
    """Pick one of ``options`` (id, label) with the arrow keys and Enter."""

    WORKFLOW_SCREEN = CHOICE
    BINDINGS = workflow_bindings(CHOICE)
    DEFAULT_CSS = """
    ChoiceScreen { align: center middle; }
    ChoiceScreen > Vertical {
        width: 50; height: auto; max-height: 80%; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    ChoiceScreen OptionList { height: auto; max-height: 20; }
    """

    def __init__(
        self, title: str, options: Sequence[tuple[str, str]], *, current: str | None = None
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self._title = title
        self._options = list(options)
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._title, style="bold"))
            yield OptionList(
                *(Option(Text(label), id=option_id) for option_id, label in self._options),
                id="choice-list",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [option_id for option_id, _ in self._options]
        if self._current in ids:
            options.highlighted = ids.index(self._current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
