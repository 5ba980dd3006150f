"""The archive's workflows: export, re-file, attach to an order, file new documents, and
the facets that narrow a search.

Each first asks what it needs in a small dialog (a folder, a kind, an order number),
then calls the filing service in a worker and searches again, so the list on screen
always shows what the store now says. Re-filing and filing are refused on a read-only
desk: a supervisor watching over SSH may look and export, never change the archive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.screen import Screen
from textual.widgets import DataTable

from followup_tui.i18n import t
from followup_tui.screens.shared.prompt import ChoiceScreen, PromptScreen
from followup_tui.screens.shared.service_calls import call_service, desk

if TYPE_CHECKING:
    from followup_tui.services.archive.views import DocumentView, FileResult

#: Actions that change the store; hidden and refused on a read-only desk.
MUTATING_ACTIONS: frozenset[str] = frozenset({"refile", "attach", "file_new", "waive"})

#: The kinds of the contract, for when the company's kind table cannot be read.
DEFAULT_KINDS: tuple[str, ...] = (
    "contract",
    "commercial_invoice",
    "packing_list",
    "qc_report",
    "bill_of_lading",
    "customs_declaration",
    "letter_of_credit",
    "certificate_of_origin",
    "insurance",
    "certificate",
    "email",
    "other",
)

#: How a matched piece of a snippet is drawn: reverse video reads without colour too.
MATCH_STYLE = "bold reverse"


@dataclass(frozen=True)
class ArchiveRow:
    """One line of the results: the document and its snippet as (text, matched)."""

    document: DocumentView
    snippet: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class ArchiveFilters:
    """The facets of a search; empty values mean "any"."""

    kind: str = ""
    customer: str = ""
    order_no: str = ""
    date_from: date | None = None
    date_to: date | None = None


def kind_title(kind: str) -> str:
    """A kind's name in the clerk's language; a company's own kind shows its key."""
    title = t(f"archive.kind.{kind}")
    return kind if title.startswith("archive.kind.") else title


def pieces_text(pieces: tuple[tuple[str, bool], ...]) -> Text:
    """Snippet pieces as one ``Text``, the matched ones stylised (never markup)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for piece, matched in pieces:
        text.append(piece, style=MATCH_STYLE if matched else "")
    return text


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def parse_day(text: str, *, end: bool) -> date | None:
    """2026-11-27, or 2026-11 (the month's first or last day), or nothing."""
    text = text.strip()
    if not text:
        return None
    parts = text.split("-")
    if len(parts) == 2:
        first = date(int(parts[0]), int(parts[1]), 1)
        return _month_end(first) if end else first
    return date.fromisoformat(text)


def parse_range(text: str) -> tuple[date | None, date | None]:
    """ "2025-01..2026-12", "2026-11-01..", "..2026-06-30"; ValueError when unreadable."""
    low, sep, high = text.partition("..")
    if not sep:
        return parse_day(low, end=False), parse_day(low, end=True)
    return parse_day(low, end=False), parse_day(high, end=True)


class ArchiveActions(Screen[None]):
    """Mixin for ``ArchiveScreen``: what each key (and palette entry) does."""

    filters: ArchiveFilters
    home_order_no: str
    order_id: int | None

    if TYPE_CHECKING:

        def search_now(self) -> None: ...
        def set_filters(self, **changes: object) -> None: ...
        def set_status(self, message: Text) -> None: ...
        def show_facets(self) -> None: ...
        def load_checklist(self) -> None: ...

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ArchiveRow] = []
        #: The last filing's per-file report, kept in the preview until the clerk moves on.
        self.pinned_report: Text | None = None
        #: What the last export, re-file or filing did, kept on the status line.
        self.last_change: Text | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False hides the action from the footer and the palette (None would only dim it).
        return not (action in MUTATING_ACTIONS and desk(self).read_only)

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

    # --- facets -----------------------------------------------------------------------

    def action_choose_kind(self) -> None:
        def load(_store: object) -> tuple[str, ...]:
            try:
                from followup_tui.domain.archive.documents import load_document_kinds
            except ImportError:
                return DEFAULT_KINDS
            return tuple(spec.key for spec in load_document_kinds())

        def ask(kinds: tuple[str, ...]) -> None:
            options = [("", t("archive.facet_all"))]
            options += [(kind, kind_title(kind)) for kind in kinds]
            self.app.push_screen(
                ChoiceScreen(t("archive.choose_kind"), options, current=self.filters.kind),
                lambda kind: None if kind is None else self.set_filters(kind=kind),
            )

        call_service(self, load, ask, group="archive-kinds")

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
        def chosen(answer: str | None) -> None:
            if answer is None:
                return
            try:
                low, high = parse_range(answer)
            except ValueError:
                self.notify(t("archive.bad_range", text=answer), severity="error")
                return
            self.set_filters(date_from=low, date_to=high)

        self.app.push_screen(
            PromptScreen(
                t("archive.choose_dates"),
                t("archive.dates_label"),
                placeholder="2025-01..2026-12",
            ),
            chosen,
        )

    def action_toggle_order_scope(self) -> None:
        if not self.home_order_no:
            return
        scoped = self.filters.order_no == self.home_order_no
        self.set_filters(order_no="" if scoped else self.home_order_no)

    # --- workflows --------------------------------------------------------------------

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

        options = [(kind, kind_title(kind)) for kind in DEFAULT_KINDS]
        if document.kind not in DEFAULT_KINDS:
            options.insert(0, (document.kind, kind_title(document.kind)))
        self.app.push_screen(
            ChoiceScreen(t("archive.choose_kind"), options, current=document.kind), kind_chosen
        )

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

    # --- the order's audit bundle and its missing documents ------------------------------

    def _bundle_order(self) -> int | None:
        """The order the screen was opened for, else the selected document's order."""
        order_id: int | None = getattr(self, "order_id", None)
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
            from followup_tui.services.archive.bundle import audit_bundle

            destination = Path(folder).expanduser()
            call_service(
                self,
                lambda store: audit_bundle(store, order_id, destination),
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
        order_id: int | None = getattr(self, "order_id", None)
        if order_id is None or checklist is None:
            self.notify(t("archive.pick_order_first"), severity="warning")
            return
        missing = tuple(checklist.missing)
        if not missing:
            self.notify(t("archive.nothing_missing"))
            return

        def reason_given(reason: str | None) -> None:
            if not reason:
                return
            from followup_tui.services.archive.checklist import waive_documents

            call_service(
                self,
                lambda store: waive_documents(store, order_id, missing, reason),
                lambda _view: self._after_change(
                    Text(t("archive.waived_done", count=len(missing)))
                ),
                group="archive-change",
            )

        self.app.push_screen(
            PromptScreen(
                t("archive.waive_title", kinds=", ".join(missing)),
                t("archive.waive_label"),
                required=True,
            ),
            reason_given,
        )
