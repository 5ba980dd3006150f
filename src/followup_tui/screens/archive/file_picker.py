"""Choosing files to file: a folder tree, space to mark, enter to file the marked ones.

The picker only chooses; the archive screen files the paths it returns and shows a
line per file, so a refused file (too large, encrypted, outside the folder) never hides
the ones that were filed. Opened from an order, the files go to that order unless the
clerk turns the order off with ``o`` (a contract filed before the order exists).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DirectoryTree, Label, Static
from textual.widgets.tree import TreeNode

from followup_tui.i18n import t
from followup_tui.screens.shared.workflows import DeskModal, workflow_bindings
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.workflows.archive import FILE_PICKER


@dataclass(frozen=True)
class Picked:
    """The files to file, and the order they are for ("" for none)."""

    paths: tuple[Path, ...]
    order_no: str


class FilePickerScreen(DeskModal[Picked | None]):
    """Dismisses with the marked files (or the one under the cursor), or None."""

    WORKFLOW_SCREEN = FILE_PICKER
    BINDINGS = workflow_bindings(FILE_PICKER)
    DEFAULT_CSS = """
    FilePickerScreen { align: center middle; }
    FilePickerScreen > Vertical {
        width: 90%; height: 85%; padding: 0 1; border: thick $accent; background: $surface;
    }
    FilePickerScreen DirectoryTree { height: 1fr; }
    FilePickerScreen #picker-marked { height: auto; max-height: 6; }
    """

    def __init__(self, folder: Path, *, order_no: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.folder = folder
        self.order_no = order_no
        self.for_order = bool(order_no)
        #: Marked files, in the order the clerk marked them.
        self.marked: list[Path] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(t("picker.title"), style="bold"))
            yield Label("", id="picker-target")
            yield DirectoryTree(self.folder, id="picker-tree")
            yield Static("", id="picker-marked")
            yield Label(Text(t("picker.hint"), style="dim"))

    def on_mount(self) -> None:
        self.query_one(DirectoryTree).focus()
        self._show()

    @property
    def directory_tree(self) -> DirectoryTree:
        return self.query_one(DirectoryTree)

    def _cursor_path(self) -> tuple[Path, bool] | None:
        """The path under the cursor and whether it is a folder."""
        node: TreeNode[object] | None = self.directory_tree.cursor_node  # type: ignore[assignment]
        entry = getattr(node, "data", None) if node is not None else None
        path = getattr(entry, "path", None)
        if not isinstance(path, Path):
            return None
        return path, path.is_dir()

    def _show(self) -> None:
        target = Text()
        if self.for_order:
            target.append(t("picker.for_order", order=self.order_no))
        else:
            target.append(t("picker.no_order"), style="italic")
        self.query_one("#picker-target", Label).update(target)
        marked = Text()
        for path in self.marked:
            marked.append("● ", style="bold")
            marked.append(str(path))
            marked.append("\n")
        if not self.marked:
            marked.append(t("picker.none_marked"), style="dim")
        self.query_one("#picker-marked", Static).update(marked)

    def action_mark(self) -> None:
        current = self._cursor_path()
        if current is None:
            return
        path, is_folder = current
        if is_folder:
            self.directory_tree.action_toggle_node()
            return
        if path in self.marked:
            self.marked.remove(path)
        else:
            self.marked.append(path)
        self._show()
        self.directory_tree.action_cursor_down()

    def action_file(self) -> None:
        current = self._cursor_path()
        if not self.marked:
            if current is None:
                return
            path, is_folder = current
            if is_folder:
                self.directory_tree.action_select_cursor()
                return
            self.marked.append(path)
        self.dismiss(Picked(tuple(self.marked), self.order_no if self.for_order else ""))

    def action_toggle_order(self) -> None:
        if self.order_no:
            self.for_order = not self.for_order
            self._show()

    def action_cancel(self) -> None:
        self.dismiss(None)
