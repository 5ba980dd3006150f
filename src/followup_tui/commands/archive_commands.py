"""The "Archive: ..." palette entries, one per key of the archive screen.

Each entry runs the very action its key runs, so the palette and the keys cannot drift
apart; the read-only desk hides the ones that would re-file or file documents. The
queue offers the two ways in: the documents of the order under the cursor, and the
search over everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.screen import Screen

from followup_tui.commands.palette import EntryProvider, PaletteEntry

#: The archive's workflows, in the order the palette lists them.
ARCHIVE_ENTRIES: tuple[PaletteEntry, ...] = (
    PaletteEntry("cmd.archive.search", "focus_search", "cmd.archive.search_help"),
    PaletteEntry("cmd.archive.preview", "preview", "cmd.archive.preview_help"),
    PaletteEntry("cmd.archive.export", "export", "cmd.archive.export_help"),
    PaletteEntry("cmd.archive.refile", "refile", "cmd.archive.refile_help"),
    PaletteEntry("cmd.archive.attach", "attach", "cmd.archive.attach_help"),
    PaletteEntry("cmd.archive.file_new", "file_new", "cmd.archive.file_new_help"),
    PaletteEntry("cmd.archive.bundle", "bundle", "cmd.archive.bundle_help"),
    PaletteEntry("cmd.archive.waive", "waive", "cmd.archive.waive_help"),
    PaletteEntry("cmd.archive.kind", "choose_kind", "cmd.archive.kind_help"),
    PaletteEntry("cmd.archive.customer", "choose_customer", "cmd.archive.customer_help"),
    PaletteEntry("cmd.archive.order", "choose_order", "cmd.archive.order_help"),
    PaletteEntry("cmd.archive.dates", "choose_dates", "cmd.archive.dates_help"),
    PaletteEntry("cmd.archive.scope", "toggle_order_scope", "cmd.archive.scope_help"),
    PaletteEntry("cmd.archive.reload", "reload", "cmd.archive.reload_help"),
)

#: Offered on the queue: the ways into the archive.
OPEN_DOCUMENTS = PaletteEntry(
    "cmd.archive.documents", "open_documents", "cmd.archive.documents_help"
)
OPEN_ARCHIVE = PaletteEntry("cmd.archive.open", "open_archive", "cmd.archive.open_help")


class ArchiveCommands(EntryProvider):
    """Archive workflows, offered while the archive is the active screen."""

    def entries(self, screen: Screen[object]) -> Iterable[PaletteEntry]:
        from followup_tui.screens.archive.archive import ArchiveScreen

        if not isinstance(screen, ArchiveScreen):
            return ()
        return ARCHIVE_ENTRIES
