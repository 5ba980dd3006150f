"""The "Timeline: ..." palette entries, one per key of the timeline screen.

Each entry runs the very action its key runs, so the palette and the keys cannot drift
apart; the read-only desk hides the ones that would change a plan.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.screen import Screen

from followup_tui.commands.palette import EntryProvider, PaletteEntry

#: The timeline's workflows, in the order the palette lists them.
TIMELINE_ENTRIES: tuple[PaletteEntry, ...] = (
    PaletteEntry("cmd.timeline.later", "shift(1)", "cmd.timeline.later_help"),
    PaletteEntry("cmd.timeline.earlier", "shift(-1)", "cmd.timeline.earlier_help"),
    PaletteEntry("cmd.timeline.to_date", "shift_to_date", "cmd.timeline.to_date_help"),
    PaletteEntry("cmd.timeline.started", "mark_started", "cmd.timeline.started_help"),
    PaletteEntry("cmd.timeline.done", "mark_done", "cmd.timeline.done_help"),
    PaletteEntry("cmd.timeline.link", "link", "cmd.timeline.link_help"),
    PaletteEntry("cmd.timeline.exception", "record_exception", "cmd.timeline.exception_help"),
    PaletteEntry("cmd.timeline.ship", "add_shipment", "cmd.timeline.ship_help"),
    PaletteEntry("cmd.timeline.review", "review", "cmd.timeline.review_help"),
    PaletteEntry("cmd.timeline.expand", "gantt_toggle_expand", "cmd.timeline.expand_help"),
    PaletteEntry("cmd.timeline.zoom_in", "gantt_zoom_in", "cmd.timeline.zoom_in_help"),
    PaletteEntry("cmd.timeline.zoom_out", "gantt_zoom_out", "cmd.timeline.zoom_out_help"),
    PaletteEntry("cmd.timeline.today", "gantt_today", "cmd.timeline.today_help"),
    PaletteEntry("cmd.timeline.next", "gantt_next", "cmd.timeline.next_help"),
    PaletteEntry("cmd.timeline.previous", "gantt_previous", "cmd.timeline.previous_help"),
    PaletteEntry("cmd.timeline.owner", "toggle_owner", "cmd.timeline.owner_help"),
    PaletteEntry("cmd.timeline.reload", "reload", "cmd.timeline.reload_help"),
)

#: Offered on the queue: the way into the timeline.
OPEN_TIMELINE = PaletteEntry("cmd.timeline.open", "open_timeline", "cmd.timeline.open_help")


class TimelineCommands(EntryProvider):
    """Timeline workflows, offered while the timeline is the active screen."""

    def entries(self, screen: Screen[object]) -> Iterable[PaletteEntry]:
        from followup_tui.screens.timeline.timeline import TimelineScreen

        if not isinstance(screen, TimelineScreen):
            return ()
        return TIMELINE_ENTRIES
