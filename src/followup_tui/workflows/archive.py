"""The archive's workflows: search as you type, previews, filing and the file picker."""

from __future__ import annotations

from followup_tui.workflows import Workflow

ARCHIVE = "archive"
FILE_PICKER = "file_picker"

_A = (ARCHIVE,)

WORKFLOWS: tuple[Workflow, ...] = (
    Workflow("archive.back", "escape", "back", _A),
    Workflow(
        "archive.focus_search",
        "slash",
        "focus_search",
        _A,
        "cmd.archive.search",
        "cmd.archive.search_help",
        priority=True,
    ),
    Workflow(
        "archive.preview", "enter", "preview", _A, "cmd.archive.preview", "cmd.archive.preview_help"
    ),
    Workflow("archive.export", "x", "export", _A, "cmd.archive.export", "cmd.archive.export_help"),
    Workflow(
        "archive.refile",
        "f",
        "refile",
        _A,
        "cmd.archive.refile",
        "cmd.archive.refile_help",
        changes_data=True,
    ),
    Workflow(
        "archive.attach",
        "a",
        "attach",
        _A,
        "cmd.archive.attach",
        "cmd.archive.attach_help",
        changes_data=True,
    ),
    Workflow(
        "archive.file_new",
        "n",
        "file_new",
        _A,
        "cmd.archive.file_new",
        "cmd.archive.file_new_help",
        changes_data=True,
    ),
    Workflow(
        "archive.bundle",
        "b",
        "bundle",
        _A,
        "cmd.archive.bundle",
        "cmd.archive.bundle_help",
        footer=False,
    ),
    Workflow(
        "archive.waive",
        "w",
        "waive",
        _A,
        "cmd.archive.waive",
        "cmd.archive.waive_help",
        changes_data=True,
        footer=False,
    ),
    Workflow(
        "archive.choose_kind", "k", "choose_kind", _A, "cmd.archive.kind", "cmd.archive.kind_help"
    ),
    Workflow(
        "archive.choose_customer",
        "c",
        "choose_customer",
        _A,
        "cmd.archive.customer",
        "cmd.archive.customer_help",
        footer=False,
    ),
    Workflow(
        "archive.choose_order",
        "o",
        "choose_order",
        _A,
        "cmd.archive.order",
        "cmd.archive.order_help",
        footer=False,
    ),
    Workflow(
        "archive.choose_dates",
        "r",
        "choose_dates",
        _A,
        "cmd.archive.dates",
        "cmd.archive.dates_help",
        footer=False,
    ),
    Workflow(
        "archive.toggle_order_scope",
        "t",
        "toggle_order_scope",
        _A,
        "cmd.archive.scope",
        "cmd.archive.scope_help",
    ),
    Workflow("archive.focus_results", "down", "focus_results", _A, footer=False),
    Workflow(
        "archive.reload",
        "ctrl+r",
        "reload",
        _A,
        "cmd.archive.reload",
        "cmd.archive.reload_help",
        footer=False,
    ),
    # The file picker of "file new documents".
    Workflow("picker.cancel", "escape", "cancel", (FILE_PICKER,)),
    Workflow("picker.mark", "space", "mark", (FILE_PICKER,), priority=True),
    Workflow("picker.file", "enter", "file", (FILE_PICKER,), changes_data=True, priority=True),
    Workflow("picker.order", "o", "toggle_order", (FILE_PICKER,)),
)
