"""One order in full: header, lines, shipments, notes and who changed what, when.

The change history reads from the change log, so it shows every field change made by
the desk, the CLI or an import alike. Shipments are read in the same worker call as the
order, so the section never shows another moment's state than the lines above it. All
values are user data and are drawn as ``Text``. The history is text, not a table, so a
long change wraps instead of being cut off at the column's edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Label, Static

from followup_tui.i18n import t
from followup_tui.render.change_history import change_title, field_changes, local_time
from followup_tui.screens.shared.service_calls import call_service, count_alarms, desk, desk_header
from followup_tui.screens.shared.workflows import DeskScreen, workflow_bindings
from followup_tui.services.archive.preview import OrderDocuments
from followup_tui.services.orders.views import ChangeView, OrderDetail
from followup_tui.services.timeline.views import ShipmentView
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.widgets.order_columns import format_quantity
from followup_tui.workflows.orders import DETAIL

#: The shipments table's columns, as ``field.*`` labels.
SHIPMENT_COLUMNS: tuple[str, ...] = ("carrier", "mode", "tracking_no", "etd", "eta", "lines")


def history_text(changes: Sequence[ChangeView], timezone: tzinfo) -> Text:
    """The change history, newest first: when (desk time), who and what on one line,
    then each field on its own line, old → new, whole (``render.change_history`` says
    it the same way for ``order show`` and the audit bundle)."""
    text = Text()
    for change in reversed(changes):
        if text:
            text.append("\n")
        text.append(local_time(change.at, timezone), style="dim")
        text.append("  ")
        text.append(change.actor, style="italic")
        text.append("  ")
        text.append(change_title(change), style="bold")
        for field in field_changes(change, timezone):
            text.append("\n    ")
            text.append(f"{field.label}: ", style="dim")
            if change.action == "insert":
                text.append(field.new)
            elif change.action == "delete":
                text.append(field.old)
            else:
                text.append(field.old)
                text.append(" → ")
                text.append(field.new, style="bold")
    return text or Text("—")


def shipment_lines(view: ShipmentView) -> str:
    """ "1×500, 2×10": line number × quantity, for every line on the shipment."""
    return ", ".join(f"{line_no}×{quantity}" for line_no, quantity in view.lines)


def shipment_row(view: ShipmentView) -> tuple[Text, ...]:
    """One shipment as table cells; the carrier and tracking no. are typed text."""
    no_date = t("shipment.no_date")
    return (
        Text(view.carrier),
        Text(t(f"ship_mode.{view.mode}")),
        Text(view.tracking_no or "—"),
        Text(view.etd.isoformat() if view.etd else no_date),
        Text(view.eta.isoformat() if view.eta else no_date),
        Text(shipment_lines(view)),
    )


def documents_text(loaded: OrderDocuments) -> Text:
    """The order's documents, one a line, then the checklist's missing kinds marked ‼
    (the mark, not only the colour, says something is missing)."""
    from followup_tui.screens.archive.hits import kind_title

    text = Text()
    for document in loaded.documents:
        text.append(f"{kind_title(document.kind)}  ", style="dim")
        text.append(document.title)
        if document.doc_date is not None:
            text.append(f"  {document.doc_date.isoformat()}", style="dim")
        text.append("\n")
    if not loaded.documents:
        text.append(t("archive.no_documents"), style="dim")
        text.append("\n")
    missing = loaded.checklist.missing
    if missing:
        kinds = ", ".join(kind_title(kind) for kind in missing)
        text.append(t("archive.missing_kinds", kinds=kinds), style="bold red")
    elif loaded.checklist.required:
        text.append(t("archive.all_present"), style="green")
    return text


class OrderDetailScreen(DeskScreen[None]):
    WORKFLOW_SCREEN = DETAIL
    BINDINGS = workflow_bindings(DETAIL)

    def __init__(self, order_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.order_id = order_id
        self.detail: OrderDetail | None = None
        self.shipments: tuple[ShipmentView, ...] = ()

    def compose(self) -> ComposeResult:
        yield desk_header(self)
        with VerticalScroll(id="detail-body"):
            yield Static(id="detail-header")
            yield Label(Text(t("detail.lines"), style="bold"), classes="section")
            yield DataTable(id="detail-lines", cursor_type="row", zebra_stripes=True)
            yield Label(Text(t("shipment.section"), style="bold"), classes="section")
            yield DataTable(id="detail-shipments", cursor_type="row", zebra_stripes=True)
            yield Label(Text(t("archive.documents"), style="bold"), classes="section")
            yield Static(id="detail-documents")
            yield Label(Text(t("detail.notes"), style="bold"), classes="section")
            yield Static(id="detail-notes")
            yield Label(Text(t("detail.history"), style="bold"), classes="section")
            yield Static(id="detail-history")
        yield Footer()

    def on_mount(self) -> None:
        lines = self.query_one("#detail-lines", DataTable)
        lines.add_columns(
            *(
                t(f"field.{name}")
                for name in (
                    "product",
                    "spec",
                    "quantity",
                    "unit",
                    "unit_price",
                    "currency",
                    "confirmed_date",
                )
            )
        )
        shipments = self.query_one("#detail-shipments", DataTable)
        shipments.add_columns(*(t(f"field.{name}") for name in SHIPMENT_COLUMNS))
        self.action_reload()

    def action_reload(self) -> None:
        from followup_tui.services.orders.entry import get_order
        from followup_tui.services.timeline.events import list_shipments

        order_id = self.order_id
        call_service(
            self,
            lambda store: (get_order(store, order_id), list_shipments(store, order_id)),
            self._show,
            group="detail",
        )
        count_alarms(self)

    def _load_documents(self, order_no: str) -> None:
        """The Documents section, read after the order (it needs the order's number)."""
        from followup_tui.services.archive.preview import order_documents

        order_id = self.order_id
        call_service(
            self,
            lambda store: order_documents(store, order_id, order_no),
            self._show_documents,
            group="detail-documents",
        )

    def _show_documents(self, loaded: OrderDocuments) -> None:
        self.query_one("#detail-documents", Static).update(documents_text(loaded))

    def _show(self, loaded: tuple[OrderDetail, tuple[ShipmentView, ...]]) -> None:
        detail, self.shipments = loaded
        self.detail = detail
        order = detail.order
        tz = desk(self).timezone
        head = Text()
        head.append(order.order_no, style="bold")
        head.append("  ")
        head.append(order.customer)
        head.append(f"  [{t(f'status.{order.status}')}]", style="bold")
        for label, value in (
            ("owner", order.owner),
            ("customer_po", order.customer_po),
            ("order_date", order.order_date.isoformat()),
            ("requested_date", order.requested_date.isoformat()),
            ("confirmed_date", order.confirmed_date.isoformat() if order.confirmed_date else ""),
            ("incoterm", order.incoterm),
            ("payment_terms", order.payment_terms),
            ("priority", t(f"priority.{order.priority}")),
            ("packaging", order.packaging),
            ("labels", order.labels),
            ("technical", order.technical),
        ):
            if value:
                head.append(f"\n{t(f'field.{label}')}: ", style="dim")
                head.append(value)
        self.query_one("#detail-header", Static).update(head)
        self._load_documents(order.order_no)
        lines = self.query_one("#detail-lines", DataTable)
        lines.clear()
        for line in detail.lines:
            lines.add_row(
                Text(line.product),
                Text(line.spec),
                Text(format_quantity(line.quantity)),
                Text(line.unit),
                Text(f"{line.unit_price:,}"),
                Text(line.currency),
                Text(line.confirmed_date.isoformat() if line.confirmed_date else "—"),
            )
        shipments = self.query_one("#detail-shipments", DataTable)
        shipments.clear()
        for shipment in self.shipments:
            shipments.add_row(*shipment_row(shipment))
        notes = Text()
        for note in detail.notes:
            stamp = note.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
            notes.append(f"{stamp}  {t(f'note_kind.{note.kind}')}  ", style="dim")
            notes.append(note.author, style="italic")
            notes.append("\n  ")
            notes.append(note.body)
            notes.append("\n")
        self.query_one("#detail-notes", Static).update(notes or Text("—"))
        self.query_one("#detail-history", Static).update(history_text(detail.changes, tz))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_undo(self) -> None:
        """The clerk's last change on this desk, taken back; the order is read again."""
        from followup_tui.screens.shared.history import undo_last

        undo_last(self, self.action_reload)

    def action_redo(self) -> None:
        from followup_tui.screens.shared.history import redo_last

        redo_last(self, self.action_reload)

    def action_edit(self) -> None:
        if self.detail is None or desk(self).read_only:
            return
        from followup_tui.screens.orders.form import OrderFormScreen

        self.app.push_screen(OrderFormScreen(self.detail), lambda _view: self.action_reload())
