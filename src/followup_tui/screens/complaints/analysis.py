"""The complaint analysis on screen: the figures of ``followup report complaints``.

A supervisor watching over SSH should not have to leave the desk to learn which
categories and customers complain most, whether the grades' clocks were kept and how
long answers took. The screen asks the same service for the same period as the report
(``analyse``) and draws the same translated tables (``render.complaint_analysis``), so a
figure read here is the figure in the weekly mail.

The period starts as the report's default, the 90 days up to today. ``[`` and ``]``
step it back and forward by its own length (never past today: a future period holds
no complaints); ``+`` and ``-`` double and halve it, keeping its last day, so "this
quarter" becomes "this half year" with one key. Every change reads the store again in
a worker; an answer for a period the clerk has already left is dropped.

Nothing here writes, so a read-only desk opens it like any other. Names typed by people
(customers, root causes) reach the terminal as ``Text``, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from followup_tui.domain.complaints.analysis_period import (
    default_period,
    moved_period,
    scaled_period,
)
from followup_tui.i18n import t
from followup_tui.render.complaint_analysis import (
    Section,
    footer,
    heading,
    numeric_column,
    sections,
)
from followup_tui.screens.shared.service_calls import call_service, count_alarms, desk, desk_header
from followup_tui.screens.shared.workflows import DeskScreen, workflow_bindings
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.widgets.table_render import sanitize
from followup_tui.workflows.complaints import ANALYSIS

if TYPE_CHECKING:
    from followup_tui.services.complaints.analysis import ComplaintAnalysis
    from followup_tui.services.context import StoreContext


def section_table(section: Section) -> Table:
    """One section as a Rich table: figures right-aligned, every cell plain text."""
    title, headers, rows = section
    table = Table(
        title=Text(title, style="bold"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        header_style="bold dim",
        show_edge=False,
        pad_edge=False,
        expand=False,
    )
    for index, header in enumerate(headers):
        right = numeric_column(rows, index)
        table.add_column(Text(header), justify="right" if right else "left", no_wrap=right)
    for row in rows:
        table.add_row(*(sanitize(Text(value)) for value in row))
    return table


class ComplaintAnalysisScreen(DeskScreen[None]):
    """Counts, shares, SLA compliance and response times for one period."""

    WORKFLOW_SCREEN = ANALYSIS
    BINDINGS = workflow_bindings(ANALYSIS)
    DEFAULT_CSS = """
    ComplaintAnalysisScreen #analysis-title { height: auto; padding: 0 1; }
    ComplaintAnalysisScreen #analysis-scroll { height: 1fr; }
    ComplaintAnalysisScreen #analysis-body { width: auto; min-width: 100%; padding: 1 1 0 1; }
    """

    def __init__(self, *, period: tuple[date, date] | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        #: The period shown, first day included, end excluded; None: the default, set
        #: once the desk's today is known (on mount).
        self.period: tuple[date, date] | None = period
        #: The analysis on screen, and its tables as drawn (the tests read them).
        self.result: ComplaintAnalysis | None = None
        self.tables: tuple[Table, ...] = ()

    def compose(self) -> ComposeResult:
        yield desk_header(self)
        yield Static(id="analysis-title")
        with VerticalScroll(id="analysis-scroll"):
            yield Static(id="analysis-body")
        yield Footer()

    def on_mount(self) -> None:
        if self.period is None:
            self.period = default_period(desk(self).today())
        self.query_one("#analysis-scroll").focus()
        self.action_reload()

    @property
    def loaded(self) -> bool:
        """Whether the tables on screen are those of the period chosen now."""
        return self.result is not None and (self.result.start, self.result.end) == self.period

    # --- reading --------------------------------------------------------------------------

    def action_reload(self) -> None:
        """Read the period's complaints in a worker, as of the desk's clock now."""
        from followup_tui.services.complaints.analysis import analyse

        if self.period is None:
            return
        start, end = self.period
        now = desk(self).clock()
        self._show_waiting(start, end)

        def read(store: StoreContext) -> ComplaintAnalysis:
            return analyse(store, start, end, now)

        call_service(self, read, self._loaded, group="complaint-analysis")
        count_alarms(self)

    def _loaded(self, result: ComplaintAnalysis) -> None:
        if (result.start, result.end) != self.period:
            return  # the clerk has moved on; that period's answer is already on its way
        self.result = result
        self._draw(result)

    # --- drawing --------------------------------------------------------------------------

    def _period_line(self, start: date, end: date, title: str) -> Text:
        line = Text(title, style="bold")
        line.append(f"  ·  {t('complaint_analysis.days', days=(end - start).days)}", style="dim")
        return line

    def _show_waiting(self, start: date, end: date) -> None:
        last = end - timedelta(days=1)
        title = t("cli.complaint_report.title", start=start.isoformat(), end=last.isoformat())
        lines = [self._period_line(start, end, title)]
        lines.append(Text(t("complaint_analysis.loading"), style="dim italic"))
        self.query_one("#analysis-title", Static).update(Text("\n").join(lines))

    def _draw(self, result: ComplaintAnalysis) -> None:
        app = desk(self)
        head = heading(result, app.settings.config.timezone)
        title = [self._period_line(result.start, result.end, head[0])]
        title += [Text(line) for line in head[1:]]
        self.query_one("#analysis-title", Static).update(Text("\n").join(title))
        self.tables = (
            tuple(section_table(section) for section in sections(app.sla, result))
            if result.total
            else ()
        )
        parts: list[RenderableType] = []
        if not self.tables:
            parts.append(Text(t("cli.complaint_report.none"), style="italic"))
        for table in self.tables:
            parts += [table, Text()]
        parts += [Text(line, style="dim") for line in footer(result)]
        self.query_one("#analysis-body", Static).update(Group(*parts))

    def table(self, title: str) -> Table | None:
        """The table drawn under ``title`` (as translated), if there is one."""
        for table in self.tables:
            if isinstance(table.title, Text) and table.title.plain == title:
                return table
        return None

    # --- the period -------------------------------------------------------------------------

    def _set_period(self, period: tuple[date, date] | None) -> None:
        if period is None:
            self.app.bell()
            return
        self.period = period
        self.action_reload()

    def action_earlier(self) -> None:
        if self.period is not None:
            self._set_period(moved_period(*self.period, -1, desk(self).today()))

    def action_later(self) -> None:
        if self.period is not None:
            self._set_period(moved_period(*self.period, 1, desk(self).today()))

    def action_longer(self) -> None:
        if self.period is not None:
            self._set_period(scaled_period(*self.period, 2))

    def action_shorter(self) -> None:
        if self.period is not None:
            self._set_period(scaled_period(*self.period, 0.5))

    def action_back(self) -> None:
        self.dismiss(None)


def cell_texts(table: Table) -> list[list[str]]:
    """A drawn table's rows as plain strings, for a reader that checks the figures."""
    columns: Sequence[list[str]] = [
        [cell.plain if isinstance(cell, Text) else str(cell) for cell in column.cells]
        for column in table.columns
    ]
    return [list(row) for row in zip(*columns, strict=True)]
