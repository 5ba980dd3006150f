"""Desk-wide palette entries: language, keys, and the way back to the queue."""

from __future__ import annotations

from collections.abc import Iterable

from textual.screen import Screen

from followup_tui.commands.palette import EntryProvider, PaletteEntry

DESK_ENTRIES: tuple[PaletteEntry, ...] = (
    PaletteEntry("cmd.desk.language_zh", "app.set_language('zh_CN')", "cmd.desk.language_help"),
    PaletteEntry("cmd.desk.language_en", "app.set_language('en')", "cmd.desk.language_help"),
    PaletteEntry("cmd.desk.keys", "app.show_keys", "cmd.desk.keys_help"),
)


class DeskCommands(EntryProvider):
    def entries(self, screen: Screen[object]) -> Iterable[PaletteEntry]:
        return DESK_ENTRIES
