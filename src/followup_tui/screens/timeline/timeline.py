"""The timeline: every open order's plan against its promised date, as a Gantt.

The screen owns the loaded rows and the workflows (shift, started, done, link,
exception, shipment); the Gantt widget owns drawing, the cursor, zoom and scrolling.
After a change only the changed order is replaced in the rows, so a shift on a desk with
ten thousand orders redraws at once instead of reloading them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from followup_tui.commands.timeline_commands import TimelineCommands
from followup_tui.i18n import t
from followup_tui.screens.shared.service_calls import call_service, count_alarms, desk, desk_header
from followup_tui.screens.timeline.timeline_actions import TimelineActions
from followup_tui.services.timeline.views import TimelineOrder
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.widgets.gantt import GanttView

#: Orders read first, to fill the screen at once (a tall terminal shows about 60 rows).
FIRST_PAGE = 120


class TimelineScreen(TimelineActions):
    COMMANDS = {TimelineCommands}
    BINDINGS = [
        Binding("escape", "back", "Back", id="timeline.back", tooltip="Back to the queue"),
        Binding(
            "less_than_sign",
            "shift(-1)",
            "Earlier",
            id="timeline.earlier",
            tooltip="Move the milestone one business day earlier",
        ),
        Binding(
            "greater_than_sign",
            "shift(1)",
            "Later",
            id="timeline.later",
            tooltip="Move the milestone one business day later",
        ),
        Binding(
            "g",
            "shift_to_date",
            "Date",
            id="timeline.to_date",
            tooltip="Move the milestone to a typed start date",
        ),
        Binding("s", "mark_started", "Started", id="timeline.started", tooltip="Mark started"),
        Binding("d", "mark_done", "Done", id="timeline.done", tooltip="Mark done"),
        Binding(
            "l",
            "link",
            "Link",
            id="timeline.link",
            tooltip="Link this milestone to another (press on the first, then the second)",
        ),
        Binding(
            "x",
            "record_exception",
            "Exception",
            id="timeline.exception",
            tooltip="Record an exception",
        ),
        Binding("w", "review", "Review", id="timeline.review", tooltip="Weekly review"),
        Binding(
            "b",
            "add_shipment",
            "Ship",
            id="timeline.ship",
            tooltip="Book a shipment of this order",
        ),
        Binding(
            "o",
            "toggle_owner",
            "Mine/all",
            id="timeline.owner",
            show=False,
            tooltip="My orders or everyone's",
        ),
        Binding(
            "ctrl+r", "reload", "Reload", id="timeline.reload", show=False, tooltip="Read again"
        ),
    ]

    def __init__(self, *, focus_order_id: int | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.focus_order_id = focus_order_id
        self.only_mine = False
        #: Whether ``rows`` holds every order yet, or only the first page.
        self.complete = False
        #: Orders re-planned here since the last reload began, by id.
        self.changed_since_reload: dict[int, TimelineOrder] = {}

    def compose(self) -> ComposeResult:
        yield desk_header(self)
        yield Static(id="timeline-status")
        app = desk(self)
        yield GanttView(id="gantt", today=app.today(), calendar=app.calendar)
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        from followup_tui.services.timeline.read import load_timeline

        app = desk(self)
        owner = app.actor if self.only_mine else None
        today = app.today()
        self.complete = False
        self.changed_since_reload.clear()
        self.query_one("#timeline-status", Static).update(Text(t("timeline.loading"), style="dim"))
        # The first screenful first, complete with projections, then every order behind
        # it: ten thousand orders take a second or two to read, a page a few milliseconds.
        call_service(
            self,
            lambda store: load_timeline(store, today, owner=owner, limit=FIRST_PAGE),
            self._first_page,
            group="timeline-first",
        )
        call_service(
            self,
            lambda store: load_timeline(store, today, owner=owner),
            self._loaded,
            group="timeline-load",
        )
        count_alarms(self)

    def _first_page(self, rows: Sequence[TimelineOrder]) -> None:
        if self.complete:
            return  # the whole list was quicker (a small desk)
        self._show_rows(rows)

    def _loaded(self, rows: Sequence[TimelineOrder]) -> None:
        self.complete = True
        # Orders changed here while the list was read are newer than what it holds.
        fresh = [self.changed_since_reload.get(row.order_id, row) for row in rows]
        self._show_rows(fresh)

    def _show_rows(self, rows: Sequence[TimelineOrder]) -> None:
        self.rows = list(rows)
        self.gantt.set_rows(self.rows)
        if self.focus_order_id is not None and self.gantt.move_cursor_to(self.focus_order_id):
            self.focus_order_id = None
        if self.complete:
            self.focus_order_id = None
        self.gantt.focus()
        self.show_status()

    def show_status(self, message: Text | None = None) -> None:
        """The line above the Gantt: counts, whose orders, and what the calendar lacks."""
        from followup_tui.services.timeline.read import unknown_years

        late = sum(1 for row in self.rows if row.late)
        at_risk = sum(1 for row in self.rows if row.at_risk and not row.late)
        line = Text()
        if self.complete:
            line.append(t("timeline.summary", orders=len(self.rows), late=late, at_risk=at_risk))
        else:
            line.append(t("timeline.first_page", orders=len(self.rows)), style="dim")
        line.append("  ·  ")
        line.append(t("timeline.mine") if self.only_mine else t("timeline.everyone"), style="dim")
        years = unknown_years(self.rows)
        if years:
            line.append("  ")
            line.append(
                t("timeline.calendar_unknown", years=", ".join(map(str, years))),
                style="bold yellow",
            )
        if self.pending_link is not None:
            line.append("  ")
            line.append(
                t("timeline.link_pending", milestone=t(f"stage.{self.pending_link[1]}")),
                style="reverse",
            )
        if message is not None:
            line.append("  ")
            line.append_text(message)
        self.query_one("#timeline-status", Static).update(line)

    def action_toggle_owner(self) -> None:
        self.only_mine = not self.only_mine
        self.action_reload()

    def action_back(self) -> None:
        if self.pending_link is not None:
            self.pending_link = None
            self.show_status()
            return
        self.dismiss(None)

    def today(self) -> date:
        return desk(self).today()

    # The Gantt's own keys, as screen actions so the palette can offer them too.

    def action_gantt_toggle_expand(self) -> None:
        self.gantt.action_toggle_expand()

    def action_gantt_zoom_in(self) -> None:
        self.gantt.action_zoom_in()

    def action_gantt_zoom_out(self) -> None:
        self.gantt.action_zoom_out()

    def action_gantt_today(self) -> None:
        self.gantt.action_today()

    def action_gantt_next(self) -> None:
        self.gantt.action_cursor_down()

    def action_gantt_previous(self) -> None:
        self.gantt.action_cursor_up()
