"""The archive: filed documents, searched as the clerk types.

Each keystroke restarts a short timer; when the clerk pauses, one search runs in a
worker. Searches are numbered, and a result is shown only if it answers the newest
search: a slow search for "色" that returns after the one for "色差" must not replace
it. Opened from an order, the screen starts scoped to that order and shows the order's
document checklist (required, present, missing, waived) above the results.

Everything the documents say (titles, snippets, the preview) is drawn as ``Text``,
never as markup: a file called "[red]x" is a file called "[red]x".
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Label, Static

from followup_tui.i18n import t
from followup_tui.screens.archive.hits import (
    ArchiveFilters,
    ArchiveRow,
    centred_pieces,
    kind_title,
    kind_width,
    parse_range,
    pieces_text,
)
from followup_tui.screens.shared.prompt import ChoiceScreen, PromptScreen
from followup_tui.screens.shared.service_calls import call_service, count_alarms, desk_header
from followup_tui.screens.shared.workflows import DeskScreen, workflow_bindings
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.workflows.archive import ARCHIVE

if TYPE_CHECKING:
    from followup_tui.services.archive.checklist import Checklist
    from followup_tui.services.archive.preview import Preview
    from followup_tui.services.archive.views import DocumentView, FileResult
    from followup_tui.services.context import StoreContext

#: Seconds of quiet after a keystroke before the search runs.
DEBOUNCE = 0.15
#: Cells the kind and snippet columns share; the other three take 48 and the padding 10.
SNIPPET_ROOM = 58
#: Hits asked for per search: a screenful and a little more.
PAGE = 50


class ArchiveScreen(DeskScreen[None]):
    WORKFLOW_SCREEN = ARCHIVE
    BINDINGS = workflow_bindings(ARCHIVE)
    DEFAULT_CSS = """
    ArchiveScreen #archive-checklist { height: auto; padding: 0 1; }
    ArchiveScreen #archive-bar { height: 1; }
    ArchiveScreen #archive-bar Label { width: auto; padding: 0 1; }
    ArchiveScreen #archive-query { width: 1fr; border: none; height: 1; padding: 0; }
    ArchiveScreen #archive-facets { height: 1; padding: 0 1; }
    ArchiveScreen #archive-hits { height: 1fr; overflow-x: hidden; }
    ArchiveScreen #archive-preview-box {
        height: 10; border-top: solid $primary; padding: 0 1;
    }
    ArchiveScreen #archive-status { height: 1; padding: 0 1; }
    """

    def __init__(self, *, order_id: int | None = None, order_no: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.order_id = order_id
        self.home_order_no = order_no
        self.filters = ArchiveFilters(order_no=order_no)
        self.query_text = ""
        #: Number of the newest search; a result carrying another number is stale.
        self.sequence = 0
        #: Number of the search whose rows are on screen.
        self.shown_sequence = 0
        self._timer: Timer | None = None
        self._kind_cells = 0  # the kind column's width as last laid out
        self._preview_sequence = 0
        self.checklist: Checklist | None = None
        self.rows: list[ArchiveRow] = []
        #: The last filing's per-file report, kept in the preview until the clerk moves on.
        self.pinned_report: Text | None = None
        #: What the last export, re-file or filing did, kept on the status line.
        self.last_change: Text | None = None

    # --- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield desk_header(self)
        yield Static("", id="archive-checklist")
        with Horizontal(id="archive-bar"):
            yield Label("/", id="archive-slash")
            yield Input(placeholder=t("archive.search_placeholder"), id="archive-query")
        yield Label("", id="archive-facets")
        yield DataTable(id="archive-hits", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="archive-preview-box"):
            yield Static("", id="archive-preview")
        yield Label("", id="archive-status")
        yield Footer()

    def on_mount(self) -> None:
        self.set_columns(())
        self.query_one("#archive-checklist", Static).display = self.order_id is not None
        self.show_facets()
        self.set_focus(self.query_one("#archive-query", Input))
        self.load_checklist()
        self.search_now()
        count_alarms(self)

    def set_columns(self, kinds: tuple[str, ...]) -> int:
        """The result columns with the kind column fitted to the kinds shown and the
        snippet taking what it leaves of the 120 columns; the snippet's width in cells.
        """
        kind_cells = kind_width((kind_title(kind) for kind in kinds), t("archive.col.kind"))
        snippet_cells = max(30, SNIPPET_ROOM - kind_cells)
        table = self.hits_table
        if table.columns and self._kind_cells == kind_cells:
            table.clear()
            return snippet_cells
        self._kind_cells = kind_cells
        table.clear(columns=True)
        for column, width in (  # fits 120 columns
            ("kind", kind_cells),
            ("order", 14),
            ("date", 10),
            ("title", 24),
            ("snippet", snippet_cells),
        ):
            table.add_column(t(f"archive.col.{column}"), key=column, width=width)
        return snippet_cells

    @property
    def hits_table(self) -> DataTable[Text]:
        table: DataTable[Text] = self.query_one("#archive-hits", DataTable)
        return table

    # --- searching ------------------------------------------------------------------

    @on(Input.Changed, "#archive-query")
    def _query_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.pinned_report = None
        self.last_change = None
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.search_now)

    @on(Input.Submitted, "#archive-query")
    def _query_submitted(self, _event: Input.Submitted) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.search_now()
        self.set_focus(self.hits_table)

    def search_now(self) -> None:
        """Run the search for the query and facets as they are now, in a worker."""
        self._timer = None
        self.sequence += 1
        number, query, filters = self.sequence, self.query_text.strip(), self.filters
        self.set_status(Text(t("archive.searching"), style="dim"))
        call_service(
            self,
            partial(_find, query, filters),
            partial(self._found, number),
            group="archive-search",
        )

    def _found(self, number: int, rows: tuple[ArchiveRow, ...]) -> None:
        if number != self.sequence:
            return  # an older search finished late; the newer one is on its way
        self.shown_sequence = number
        table = self.hits_table
        self.rows = list(rows)
        snippet_cells = self.set_columns(tuple({row.document.kind for row in self.rows}))
        for index, row in enumerate(self.rows):
            document = row.document
            table.add_row(
                Text(kind_title(document.kind)),
                Text(document.order_no or "—"),
                Text(document.doc_date.isoformat() if document.doc_date else "—"),
                Text(document.title, overflow="ellipsis", no_wrap=True),
                pieces_text(
                    centred_pieces(row.snippet, snippet_cells)
                    if row.snippet
                    else ((document.filename, False),)
                ),
                key=str(index),
            )
        if not self.rows:
            status = Text(t("archive.no_hits"), style="bold yellow")
        else:
            status = Text(t("archive.hits", count=len(self.rows)))
        if self.last_change is not None:
            status.append("  ·  ")
            status.append_text(self.last_change)
        self.set_status(status)
        self.show_hit_metadata()

    # --- checklist, facets, preview --------------------------------------------------

    def load_checklist(self) -> None:
        order_id = self.order_id
        if order_id is None:
            return
        from followup_tui.services.archive.checklist import order_checklist

        call_service(
            self,
            lambda store: order_checklist(store, order_id),
            self._show_checklist,
            group="archive-checklist",
        )

    def _show_checklist(self, checklist: Checklist) -> None:
        self.checklist = checklist
        line = Text()
        line.append(t("archive.checklist", order=self.home_order_no), style="bold")
        line.append("  ")
        if not checklist.required:
            line.append(t("archive.nothing_required"), style="dim")
        for kind in checklist.required:
            if kind in checklist.missing:
                line.append(f"‼ {kind_title(kind)} {t('archive.missing')}", style="bold red")
            elif kind in checklist.waived:
                line.append(f"~ {kind_title(kind)} {t('archive.waived')}", style="dim")
            else:
                line.append(f"✓ {kind_title(kind)}", style="green")
            line.append("  ")
        self.query_one("#archive-checklist", Static).update(line)

    def show_facets(self) -> None:
        filters = self.filters
        text = Text()
        everything = t("archive.facet_all")
        kind = kind_title(filters.kind) if filters.kind else everything
        dates = "—"
        if filters.date_from or filters.date_to:
            low = filters.date_from.isoformat() if filters.date_from else ""
            high = filters.date_to.isoformat() if filters.date_to else ""
            dates = f"{low} … {high}"
        for label, value in (
            (t("archive.facet_kind"), kind),
            (t("archive.facet_customer"), filters.customer or everything),
            (t("archive.facet_order"), filters.order_no or everything),
            (t("archive.facet_dates"), dates),
        ):
            text.append(f"{label}: ", style="dim")
            text.append(value)
            text.append("   ")
        if self.home_order_no:
            scoped = filters.order_no == self.home_order_no
            text.append(t("archive.this_order_only") if scoped else t("archive.everything"))
        self.query_one("#archive-facets", Label).update(text)

    def set_filters(self, **changes: object) -> None:
        self.filters = replace(self.filters, **changes)  # type: ignore[arg-type]
        self.show_facets()
        self.search_now()

    def set_status(self, message: Text) -> None:
        self.query_one("#archive-status", Label).update(message)

    @on(DataTable.RowHighlighted, "#archive-hits")
    def _highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.show_hit_metadata()

    @on(DataTable.RowSelected, "#archive-hits")
    def _selected(self, _event: DataTable.RowSelected) -> None:
        self.action_preview()

    def show_hit_metadata(self, preview: Preview | None = None) -> None:
        """The preview pane: the hit's metadata, then its passages once read."""
        row = self.current_row()
        pane = self.query_one("#archive-preview", Static)
        if self.pinned_report is not None:
            pane.update(self.pinned_report)
            return
        if row is None:
            pane.update(Text(t("archive.preview_empty"), style="dim"))
            return
        document = row.document
        text = Text()
        text.append(document.title, style="bold")
        text.append(f"  {kind_title(document.kind)}", style="dim")
        for value in (document.order_no, document.customer, document.filename):
            if value:
                text.append("  ·  ")
                text.append(value)
        text.append("\n")
        text.append(
            t(
                "archive.meta_line",
                size=f"{document.size:,}",
                filed_by=document.filed_by,
                status=t(f"archive.text_status.{document.text_status}"),
            ),
            style="dim",
        )
        for name, value in sorted(document.fields.items()):
            text.append(f"  {name}: ", style="dim")
            text.append(str(value))
        if preview is None:
            text.append("\n")
            text.append_text(pieces_text(row.snippet))
            text.append("\n")
            text.append(t("archive.preview_hint"), style="dim italic")
        else:
            text.append("\n")
            text.append(t("archive.matches", count=preview.matches), style="bold")
            for passage in preview.passages:
                text.append("\n")
                text.append_text(pieces_text(passage))
        pane.update(text)

    def action_preview(self) -> None:
        self.pinned_report = None
        row = self.current_row()
        if row is None:
            return
        from followup_tui.services.archive.preview import load_preview

        self._preview_sequence += 1
        number, document_id, query = self._preview_sequence, row.document.id, self.query_text

        def shown(preview: Preview) -> None:
            current = self.current_row()
            fresh = number == self._preview_sequence
            if fresh and current is not None and current.document.id == document_id:
                self.show_hit_metadata(preview)

        call_service(
            self,
            lambda store: load_preview(store, document_id, query),
            shown,
            group="archive-preview",
        )

    # --- navigation -----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_search" and self.query_one("#archive-query", Input).has_focus:
            return False  # "/" is a character of the query then (T/T, B/L)
        if action == "toggle_order_scope" and not self.home_order_no:
            return False
        return super().check_action(action, parameters)

    def action_focus_search(self) -> None:
        self.set_focus(self.query_one("#archive-query", Input))

    def action_focus_results(self) -> None:
        self.set_focus(self.hits_table)

    def action_reload(self) -> None:
        self.load_checklist()
        self.search_now()

    def action_back(self) -> None:
        self.dismiss(None)

    def current_row(self) -> ArchiveRow | None:
        table = self.query_one("#archive-hits", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def _document(self) -> DocumentView | None:
        row = self.current_row()
        if row is None:
            self.notify(t("archive.pick_document"), severity="warning")
            return None
        return row.document

    def _after_change(self, message: Text) -> None:
        self.last_change = message
        self.set_status(message)
        self.load_checklist()
        self.search_now()

    def action_choose_kind(self) -> None:
        from followup_tui.services.archive.kinds import kind_keys

        def ask(kinds: tuple[str, ...]) -> None:
            options = [("", t("archive.facet_all"))]
            options += [(kind, kind_title(kind)) for kind in kinds]
            self.app.push_screen(
                ChoiceScreen(t("archive.choose_kind"), options, current=self.filters.kind),
                lambda kind: None if kind is None else self.set_filters(kind=kind),
            )

        call_service(self, kind_keys, ask, group="archive-kinds")

    def action_choose_customer(self) -> None:
        self.app.push_screen(
            PromptScreen(
                t("archive.choose_customer"),
                t("archive.customer_label"),
                default=self.filters.customer,
            ),
            lambda answer: None if answer is None else self.set_filters(customer=answer),
        )

    def action_choose_order(self) -> None:
        self.app.push_screen(
            PromptScreen(
                t("archive.choose_order"), t("archive.order_label"), default=self.filters.order_no
            ),
            lambda answer: None if answer is None else self.set_filters(order_no=answer),
        )

    def action_choose_dates(self) -> None:
        def refusal(answer: str) -> str | None:
            try:
                parse_range(answer)
            except ValueError:
                return t("archive.bad_range", text=answer)
            return None

        def chosen(answer: str | None) -> None:
            if answer is None or refusal(answer) is not None:
                return
            low, high = parse_range(answer)
            self.set_filters(date_from=low, date_to=high)

        self.app.push_screen(
            PromptScreen(
                t("archive.choose_dates"),
                t("archive.dates_label"),
                placeholder="2025-01..2026-12",
                check=refusal,
            ),
            chosen,
        )

    def action_toggle_order_scope(self) -> None:
        if not self.home_order_no:
            return
        scoped = self.filters.order_no == self.home_order_no
        self.set_filters(order_no="" if scoped else self.home_order_no)

    def action_export(self) -> None:
        document = self._document()
        if document is None:
            return
        document_id = document.id

        def chosen(folder: str | None) -> None:
            if not folder:
                return
            from followup_tui.services.archive.filing import export_document

            destination = Path(folder).expanduser()
            call_service(
                self,
                lambda store: export_document(store, document_id, destination),
                lambda path: self._exported(Text(t("archive.exported", path=str(path)))),
                group="archive-change",
            )

        self.app.push_screen(
            PromptScreen(
                t("archive.export_title", title=document.title),
                t("archive.export_label"),
                default=str(Path.home()),
                required=True,
            ),
            chosen,
        )

    def _exported(self, message: Text) -> None:
        self.last_change = message
        self.set_status(message)

    def action_refile(self) -> None:
        document = self._document()
        if document is None:
            return
        document_id, old_order = document.id, document.order_no

        def order_chosen(kind: str, answer: str | None) -> None:
            if answer is None:
                return
            order_no = answer if answer and answer != old_order else None
            self._refile(
                document_id, kind=kind if kind != document.kind else None, order_no=order_no
            )

        def kind_chosen(kind: str | None) -> None:
            if kind is None:
                return
            self.app.push_screen(
                PromptScreen(
                    t("archive.refile_title", title=document.title),
                    t("archive.order_label"),
                    default=old_order,
                ),
                lambda answer: order_chosen(kind, answer),
            )

        def ask(kinds: tuple[str, ...]) -> None:
            options = [(kind, kind_title(kind)) for kind in kinds]
            if document.kind not in kinds:
                options.insert(0, (document.kind, kind_title(document.kind)))
            self.app.push_screen(
                ChoiceScreen(t("archive.choose_kind"), options, current=document.kind),
                kind_chosen,
            )

        from followup_tui.services.archive.kinds import kind_keys

        call_service(self, kind_keys, ask, group="archive-kinds")

    def action_attach(self) -> None:
        document = self._document()
        if document is None:
            return
        document_id = document.id

        def chosen(answer: str | None) -> None:
            if answer:
                self._refile(document_id, order_no=answer)

        self.app.push_screen(
            PromptScreen(
                t("archive.attach_title", title=document.title),
                t("archive.order_label"),
                default=self.home_order_no,
                required=True,
            ),
            chosen,
        )

    def _refile(
        self, document_id: int, *, kind: str | None = None, order_no: str | None = None
    ) -> None:
        if kind is None and order_no is None:
            return
        from followup_tui.services.archive.filing import refile_document

        call_service(
            self,
            lambda store: refile_document(store, document_id, kind=kind, order_no=order_no),
            lambda _view: self._after_change(Text(t("archive.refiled"))),
            group="archive-change",
        )

    def action_file_new(self) -> None:
        from followup_tui.screens.archive.file_picker import FilePickerScreen, Picked

        def picked(choice: Picked | None) -> None:
            if choice is None or not choice.paths:
                return
            from followup_tui.services.archive.filing import file_documents

            paths, order_no = choice.paths, choice.order_no
            call_service(
                self,
                lambda store: file_documents(store, paths, order_no=order_no),
                self._filed,
                group="archive-change",
            )

        self.app.push_screen(FilePickerScreen(Path.cwd(), order_no=self.home_order_no), picked)

    def _filed(self, results: tuple[FileResult, ...]) -> None:
        """One line per file: ✓ filed, = already filed, ✗ refused and why."""
        report = Text()
        marks = {"filed": ("✓", "green"), "duplicate": ("=", "dim"), "refused": ("✗", "bold red")}
        for result in results:
            mark, style = marks.get(result.status, ("?", ""))
            report.append(f"{mark} ", style=style)
            report.append(Path(result.path).name)
            report.append(f"  {t(f'archive.file_status.{result.status}')}", style=style)
            if result.status == "refused" and result.message_key:
                report.append("  ")
                report.append(t(result.message_key, **dict(result.params or {})))
            report.append("\n")
        filed = sum(result.status == "filed" for result in results)
        refused = sum(result.status == "refused" for result in results)
        self.pinned_report = report
        style = "bold yellow" if refused else ""
        self._after_change(Text(t("archive.filed", filed=filed, refused=refused), style=style))

    def _bundle_order(self) -> int | None:
        """The order the screen was opened for, else the selected document's order."""
        order_id = self.order_id
        if order_id is None:
            row = self.current_row()
            order_id = row.document.order_id if row is not None else None
        if order_id is None:
            self.notify(t("archive.pick_order_first"), severity="warning")
        return order_id

    def action_bundle(self) -> None:
        """Everything about one order in a zip: documents, history, notes, timeline,
        complaints, for an auditor or finance."""
        order_id = self._bundle_order()
        if order_id is None:
            return

        def chosen(folder: str | None) -> None:
            if not folder:
                return
            from followup_tui.render.audit_index import audit_index
            from followup_tui.services.archive.bundle import audit_bundle

            destination = Path(folder).expanduser()
            call_service(
                self,
                lambda store: audit_bundle(store, order_id, destination, index=audit_index),
                lambda path: self._exported(Text(t("archive.bundled", path=str(path)))),
                group="archive-change",
            )

        self.app.push_screen(
            PromptScreen(
                t("archive.bundle_title"),
                t("archive.bundle_label"),
                default=str(Path.home()),
                required=True,
            ),
            chosen,
        )

    def action_waive(self) -> None:
        """Ship without the missing documents: a supervisor's decision, with a reason."""
        checklist = getattr(self, "checklist", None)
        order_id = self.order_id
        if order_id is None or checklist is None:
            self.notify(t("archive.pick_order_first"), severity="warning")
            return
        missing = tuple(checklist.missing)
        if not missing:
            self.notify(t("archive.nothing_missing"))
            return

        def names(kinds: tuple[str, ...]) -> str:
            return t("archive.kind_separator").join(kind_title(kind) for kind in kinds)

        def reason_given(kinds: tuple[str, ...], reason: str | None) -> None:
            if not reason:
                return
            from followup_tui.services.archive.checklist import waive_documents

            call_service(
                self,
                lambda store: waive_documents(store, order_id, kinds, reason),
                lambda _view: self._after_change(
                    Text(t("archive.waived_done", count=len(kinds), kinds=names(kinds)))
                ),
                group="archive-change",
            )

        def ask_reason(kinds: tuple[str, ...]) -> None:
            self.app.push_screen(
                PromptScreen(
                    t("archive.waive_title", kinds=names(kinds)),
                    t("archive.waive_label"),
                    required=True,
                ),
                partial(reason_given, kinds),
            )

        if len(missing) == 1:
            ask_reason(missing)
            return
        # A supervisor waives what the order may really ship without, often one kind of
        # several (the B/L follows the goods); every kind at once is one choice of them.
        every = "*"  # no kind is called that
        options = [(every, t("archive.waive_every", kinds=names(missing)))]
        options += [(kind, kind_title(kind)) for kind in missing]
        self.app.push_screen(
            ChoiceScreen(t("archive.waive_which"), options, current=every),
            lambda chosen: (
                None if chosen is None else ask_reason(missing if chosen == every else (chosen,))
            ),
        )


def _find(query: str, filters: ArchiveFilters, store: StoreContext) -> tuple[ArchiveRow, ...]:
    """The rows for one search; with no query, the newest documents the facets admit
    (opened from an order: that order's documents)."""
    from followup_tui.services.archive.search import search

    result = search(
        store,
        query,
        kind=filters.kind or None,
        customer=filters.customer or None,
        order_no=filters.order_no or None,
        date_from=filters.date_from,
        date_to=filters.date_to,
        limit=PAGE,
    )
    return tuple(ArchiveRow(hit.document, tuple(hit.snippet)) for hit in result.hits)
