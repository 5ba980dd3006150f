"""The "Review: ..." palette entries of the weekly review screen.

Each entry names the action its key runs, so a supervisor who does not remember ``g``
still finds "Review: group by customer or clerk" by typing "group" (or 分组).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.screen import Screen

from followup_tui.commands.palette import EntryProvider, PaletteEntry

#: The review's workflows, in the order the palette lists them.
REVIEW_ENTRIES: tuple[PaletteEntry, ...] = (
    PaletteEntry("cmd.review.more_weeks", "more_weeks", "cmd.review.more_weeks_help"),
    PaletteEntry("cmd.review.fewer_weeks", "fewer_weeks", "cmd.review.fewer_weeks_help"),
    PaletteEntry("cmd.review.toggle_group", "toggle_group", "cmd.review.toggle_group_help"),
    PaletteEntry("cmd.review.reload", "reload", "cmd.review.reload_help"),
    PaletteEntry("cmd.review.back", "back", "cmd.review.back_help"),
)


class ReviewCommands(EntryProvider):
    """Review workflows, offered while the weekly review is the active screen."""

    def entries(self, screen: Screen[object]) -> Iterable[PaletteEntry]:
        from followup_tui.screens.timeline.review import ReviewScreen

        if not isinstance(screen, ReviewScreen):
            return ()
        return REVIEW_ENTRIES
