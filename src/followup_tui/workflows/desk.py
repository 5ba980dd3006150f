"""The desk's own workflows: the palette, the key list, language, quitting, and the
dialogs every area shares (the first-run choice, prompts and choices)."""

from __future__ import annotations

from followup_tui.workflows import DESK, Workflow

FIRST_RUN = "first_run"
PROMPT = "prompt"
CHOICE = "choice"
DISCARD = "discard"

_D = (DESK,)

WORKFLOWS: tuple[Workflow, ...] = (
    # The palette cannot offer itself: it is what is open.
    Workflow(
        "desk.palette",
        "ctrl+p",
        "app.command_palette",
        _D,
        footer=False,
        priority=True,
        palette=False,
    ),
    Workflow(
        "desk.keys", "question_mark", "app.show_keys", _D, "cmd.desk.keys", "cmd.desk.keys_help"
    ),
    Workflow("desk.quit", "ctrl+q", "app.quit", _D),
    Workflow(
        "desk.language_zh",
        None,
        "app.set_language('zh_CN')",
        _D,
        "cmd.desk.language_zh",
        "cmd.desk.language_help",
    ),
    Workflow(
        "desk.language_en",
        None,
        "app.set_language('en')",
        _D,
        "cmd.desk.language_en",
        "cmd.desk.language_help",
    ),
    Workflow("first_run.demo", "d", "choose('demo')", (FIRST_RUN,), changes_data=True),
    Workflow("first_run.import", "i", "choose('import')", (FIRST_RUN,)),
    Workflow("first_run.empty", "e", "choose('empty')", (FIRST_RUN,)),
    Workflow("first_run.quit", "escape", "choose('quit')", (FIRST_RUN,)),
    Workflow("prompt.cancel", "escape", "cancel", (PROMPT,)),
    Workflow("choice.cancel", "escape", "cancel", (CHOICE,)),
    # Escape keeps the form, so pressing it twice by reflex never loses the input.
    Workflow("discard.leave", "y", "leave", (DISCARD,)),
    Workflow("discard.stay", "escape,n", "stay", (DISCARD,)),
)
