"""The complaint triage queue: every open case, the one closest to breach first.

The open cases are read in a worker and kept in memory (tens of thousands at most), so
the facets and the customer filter work on that list as the clerk types, without a
query per key. Every ``refresh_seconds`` the change log's newest id is polled as the
order queue polls it: when it moved, the cases are read again; when it did not, they
are only re-sorted at the new ``now``, because a clock climbs the ladder with time and
nothing else (comparisons of stored instants). Either way the cursor stays on the case
it was on, wherever that case has moved to.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Footer, Input, Label

from followup_tui.domain.complaints.sla import Level
from followup_tui.domain.text import customer_matches, customer_needle, fold
from followup_tui.i18n import current_language, t
from followup_tui.screens.complaints.case_actions import ComplaintActions
from followup_tui.screens.shared.prompt import ChoiceScreen
from followup_tui.screens.shared.service_calls import (
    call_service,
    count_alarms,
    desk,
    desk_header,
    run_in_background,
)
from followup_tui.screens.shared.workflows import workflow_bindings
from followup_tui.services.complaints.views import ComplaintDetail, ComplaintRow
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.widgets.complaint_columns import ClockCells, ListSource, complaint_columns
from followup_tui.widgets.virtual_table import VirtualTable
from followup_tui.workflows import PaletteEntry, Workflow
from followup_tui.workflows.complaints import TRIAGE

if TYPE_CHECKING:
    from followup_tui.domain.complaints.sla_policy import SlaPolicy
    from followup_tui.services.context import StoreContext


@dataclass(frozen=True)
class Triage:
    """The open cases in triage order at ``now``, and the worst level of each."""

    now: datetime
    rows: tuple[ComplaintRow, ...]
    levels: dict[int, Level]


def arrange(rows: Sequence[ComplaintRow], now: datetime) -> Triage:
    """Sort by time to breach and rate every case: comparisons only, so a refresh of
    twenty thousand cases stays well inside the refresh interval."""
    from followup_tui.services.complaints.queue import levels, triage_sorted

    ordered = tuple(triage_sorted(list(rows), now))
    return Triage(now, ordered, levels(ordered, now))


class ComplaintQueueScreen(ComplaintActions):
    WORKFLOW_SCREEN = TRIAGE
    BINDINGS = workflow_bindings(TRIAGE)

    def __init__(self, *, focus_id: int | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        #: The case the cursor should land on once the cases are read (a new complaint).
        self.focus_id = focus_id
        self.policy: SlaPolicy | None = None
        self.cases: tuple[ComplaintRow, ...] = ()
        self.triage = Triage(datetime.min, (), {})
        self.grade: str | None = None
        self.status: str | None = None
        self.only_mine = False
        self.escalated_only = False
        self.text = ""
        self.loaded = False
        self._last_mark = -1

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield desk_header(self)
        with Horizontal(id="filter-bar"):
            yield Label("/", id="filter-slash")
            yield Input(placeholder=t("complaints.filter_placeholder"), id="filter")
            yield Label("", id="facets")
        app = desk(self)
        self.policy = app.sla
        self.cells = ClockCells(app.clock(), app.calendar)
        table: VirtualTable[ComplaintRow] = VirtualTable(
            complaint_columns(self.cells, self),
            empty_text=t("complaints.loading"),
            id="complaints",
        )
        translate_bindings(table)
        yield table
        yield Label("", id="status-line")
        yield Footer()

    @property
    def table(self) -> VirtualTable[ComplaintRow]:
        table: VirtualTable[ComplaintRow] = self.query_one("#complaints", VirtualTable)
        return table

    def on_mount(self) -> None:
        self.set_focus(self.table)
        self._update_facets()
        self.action_refresh()
        self.set_interval(desk(self).settings.config.refresh_seconds, self._poll)

    # --- names from the policy (the columns ask) -------------------------------------------

    def grade_title(self, grade: str) -> str:
        if self.policy is not None and grade in self.policy.grade_keys():
            return self.policy.grade(grade).title(current_language())
        return t(f"grade.{grade}")

    def grade_rank(self, grade: str) -> int:
        keys = self.policy.grade_keys() if self.policy is not None else ()
        return keys.index(grade) if grade in keys else len(keys)

    def category_title(self, category: str) -> str:
        if self.policy is not None and category in self.policy.categories:
            return self.policy.category_title(category, current_language())
        return t(f"category.{category}")

    # --- reading and arranging ---------------------------------------------------------------

    def action_refresh(self) -> None:
        """Read every open case in a worker. Reading only: the newly breached cases are
        escalated by the desk's own sweep (``FollowupApp.sweep_breaches``), whose write
        moves the change log and so brings the ``▲`` in at the next poll."""
        from followup_tui.services.orders.queue import change_mark

        self._last_mark = change_mark(desk(self).reader)
        clock = desk(self).clock

        def load(store: StoreContext) -> tuple[tuple[ComplaintRow, ...], Triage]:
            from followup_tui.services.complaints.queue import load_open_complaints

            now = clock()
            rows = tuple(load_open_complaints(store))
            return rows, arrange(rows, now)

        call_service(self, load, self._loaded, group="complaints-load")
        count_alarms(self)

    def _loaded(self, loaded: tuple[tuple[ComplaintRow, ...], Triage]) -> None:
        self.cases, triage = loaded
        self.loaded = True
        self.table.empty_text = t("complaints.empty")
        self._arranged(triage)

    def _poll(self) -> None:
        """Read again when the change log moved; otherwise re-sort at the new time."""
        from followup_tui.services.orders.queue import change_mark

        if not self.loaded:
            return
        if change_mark(desk(self).reader) != self._last_mark:
            self.action_refresh()
            return
        cases, clock = self.cases, desk(self).clock

        def resort() -> None:
            triage = arrange(cases, clock())
            self.app.call_from_thread(self._arranged, triage)

        run_in_background(self, resort, group="complaints-sort")

    def _arranged(self, triage: Triage) -> None:
        self.triage = triage
        self.cells.now = triage.now
        self.apply_filters()

    def visible_cases(self) -> list[ComplaintRow]:
        """The arranged cases the facets and the typed filter let through."""
        actor = desk(self).actor
        needle = customer_needle(self.text)
        shown = []
        for row in self.triage.rows:
            if self.grade is not None and row.grade != self.grade:
                continue
            if self.status is not None and row.status != self.status:
                continue
            if self.only_mine and row.owner != actor:
                continue
            if self.escalated_only and not (
                row.escalated or self.triage.levels.get(row.id, Level.OK) >= Level.BREACHED
            ):
                continue
            if (
                needle
                and not customer_matches(needle, row.customer, row.customer_initials)
                and needle not in fold(row.order_no)
            ):
                continue
            shown.append(row)
        return shown

    def apply_filters(self) -> None:
        """Show the filtered cases, keeping the cursor on its case wherever it moved."""
        table = self.table
        keep: Hashable | None = self.focus_id if self.focus_id is not None else table.cursor_key
        source = ListSource(self.visible_cases(), key=lambda row: row.id)
        table.set_source(source, keep_key=keep)
        if keep is not None and table.cursor_key != keep:
            row = source.row_for(keep)
            if row is not None:
                table.show_row(row)
        if self.focus_id is not None and table.cursor_key == self.focus_id:
            self.focus_id = None
        self._update_facets()
        self._update_status()

    # --- what the lines say -------------------------------------------------------------------

    def _update_facets(self) -> None:
        grade = t("complaints.all") if self.grade is None else self.grade_title(self.grade)
        status = (
            t("complaints.all_open")
            if self.status is None
            else t(f"complaint_status.{self.status}")
        )
        owner = t("complaints.me") if self.only_mine else t("complaints.all")
        text = Text()
        for label, value in (
            (t("complaints.facet_grade"), grade),
            (t("complaints.facet_status"), status),
            (t("complaints.facet_owner"), owner),
        ):
            text.append(f"  {label}: ", style="dim")
            text.append(value)
        if self.escalated_only:
            text.append("  ")
            text.append(f" {t('complaints.escalated_only')} ", style="bold reverse")
        self.query_one("#facets", Label).update(text, layout=False)

    def _update_status(self) -> None:
        levels = self.triage.levels
        breached = sum(1 for value in levels.values() if value >= Level.BREACHED)
        risk = sum(1 for value in levels.values() if Level.THREE_QUARTERS <= value < Level.BREACHED)
        line = Text(f" {self.table.position_text()}  ")
        line.append(t("complaints.summary", cases=len(self.cases)))
        line.append("  ")
        line.append(
            f"‼ {t('complaints.breached', count=breached)}", style="bold red" if breached else ""
        )
        line.append("  ")
        line.append(f"! {t('complaints.at_risk', count=risk)}", style="dark_orange" if risk else "")
        # What "wd" in the clock columns means (the full sentence is in `complaint list`),
        # before the marks' legend: it is the one thing on the line a clerk cannot guess.
        hours = self.cells.day / timedelta(hours=1)
        line.append(f"   {t('sla.span.legend_short', hours=f'{hours:g}')}", style="dim")
        line.append(f"   {t('complaints.legend')}", style="dim")
        self.query_one("#status-line", Label).update(line, layout=False)

    @on(VirtualTable.CursorMoved)
    def _cursor_moved(self, _event: Any) -> None:
        self._update_status()

    # --- the case under the cursor -------------------------------------------------------------

    def current_case(self) -> ComplaintRow | None:
        return self.table.cursor_row

    def case_changed(self, detail: ComplaintDetail) -> None:
        self.focus_id = detail.row.id
        self.action_refresh()

    @on(VirtualTable.Selected)
    def _row_selected(self, event: VirtualTable.Selected[ComplaintRow]) -> None:
        self.open_case(event.row.id)

    def action_open_case(self) -> None:
        row = self._case()
        if row is not None:
            self.open_case(row.id)

    def open_case(self, case_id: int) -> None:
        from followup_tui.screens.complaints.detail import ComplaintDetailScreen

        def back(_result: None) -> None:
            self.focus_id = case_id
            self.action_refresh()

        self.app.push_screen(ComplaintDetailScreen(case_id), back)

    def action_open_analysis(self) -> None:
        """The analysis of every case received lately, closed ones too (it writes
        nothing, so a read-only desk opens it as well)."""
        from followup_tui.screens.complaints.analysis import ComplaintAnalysisScreen

        self.app.push_screen(ComplaintAnalysisScreen())

    # --- filters and facets --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_filter" and self.query_one("#filter", Input).has_focus:
            return False  # "/" is a character of the filter then (order numbers)
        return super().check_action(action, parameters)

    def action_focus_filter(self) -> None:
        # At once, not with focus(): "/hq" typed quickly must not send "h" to the table.
        self.set_focus(self.query_one("#filter", Input))

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.text = event.value
        self.apply_filters()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, _event: Input.Submitted) -> None:
        self.set_focus(self.table)

    def grade_keys(self) -> tuple[str, ...]:
        return self.policy.grade_keys() if self.policy is not None else ()

    def palette_variants(self, workflow: Workflow) -> Iterable[PaletteEntry]:
        """The palette's "show grade <title>", one per grade of the policy."""
        if workflow.id == "complaints.show_grade":
            for key in self.grade_keys():
                yield PaletteEntry(
                    workflow,
                    f"show_grade({key!r})",
                    title_values=(("grade", self.grade_title(key)),),
                )

    def action_show_grade(self, grade: str) -> None:
        self.grade = None if grade == "all" else grade
        self.apply_filters()

    def action_grade_slot(self, slot: int) -> None:
        keys = self.grade_keys()
        if slot < len(keys):
            self.action_show_grade("all" if self.grade == keys[slot] else keys[slot])

    def action_choose_grade(self) -> None:
        choices = [("all", t("complaints.all"))]
        choices += [(key, self.grade_title(key)) for key in self.grade_keys()]

        def chosen(grade: str | None) -> None:
            if grade is not None:
                self.action_show_grade(grade)

        self.app.push_screen(
            ChoiceScreen(t("complaints.facet_grade"), choices, current=self.grade or "all"),
            chosen,
        )

    def action_show_status(self, status: str) -> None:
        self.status = None if status == "all" else status
        self.apply_filters()

    def action_choose_status(self) -> None:
        from followup_tui.domain.complaints.sla import ComplaintStatus

        choices = [("all", t("complaints.all_open"))]
        choices += [
            (status.value, t(f"complaint_status.{status.value}"))
            for status in ComplaintStatus
            if status is not ComplaintStatus.CLOSED
        ]

        def chosen(status: str | None) -> None:
            if status is not None:
                self.action_show_status(status)

        self.app.push_screen(
            ChoiceScreen(t("complaints.facet_status"), choices, current=self.status or "all"),
            chosen,
        )

    def action_toggle_owner(self) -> None:
        self.only_mine = not self.only_mine
        self.apply_filters()

    def action_toggle_escalated(self) -> None:
        self.escalated_only = not self.escalated_only
        self.apply_filters()

    def action_back(self) -> None:
        filter_input = self.query_one("#filter", Input)
        if filter_input.has_focus:
            self.set_focus(self.table)
        else:
            self.dismiss(None)
