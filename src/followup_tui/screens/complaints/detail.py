"""One complaint in full: the order behind it, the case, its clocks and their reasons.

A clerk (or a supervisor asked why a case breached) needs the whole story on one page:
what the customer said and how the case was graded, what was found and done, and for
each clock when it falls due and why then, which is the list of pauses and resumes
behind the due time (``domain.sla.explain``). The explanation walks the calendar, so it
is worked out in the worker that reads the case. The same keys as on the queue act on
the case shown here. Every value a person typed is drawn as ``Text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Label, Static

from followup_tui.domain.complaints.sla import ExplainLine, format_duration
from followup_tui.i18n import t
from followup_tui.render.labels import label_width, pad_label
from followup_tui.screens.complaints.case_actions import ComplaintActions
from followup_tui.screens.shared.service_calls import call_service, count_alarms, desk, desk_header
from followup_tui.screens.shared.workflows import workflow_bindings
from followup_tui.services.complaints.views import ComplaintDetail, ComplaintRow
from followup_tui.services.orders.views import ChangeView
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.widgets.complaint_columns import CLOCK_KINDS, ClockCells
from followup_tui.widgets.order_columns import format_quantity
from followup_tui.workflows.complaints import CASE

if TYPE_CHECKING:
    from followup_tui.services.context import StoreContext

#: Fields whose stored codes read better through the catalog.
_CODED = {
    "status": "complaint_status",
    "category": "category",
    "grade": "grade",
    "suggested_grade": "grade",
    "reason": "pause_reason",
    "remedy_kind": "remedy_kind",
    "responsible_party": "party",
}
#: Bookkeeping columns the history leaves out.
_HIDDEN = frozenset({"id", "order_id", "complaint_id", "order_line_id", "shipment_id", "version"})


@dataclass(frozen=True)
class CaseView:
    """The case as read, with each clock's explanation worked out beside it."""

    detail: ComplaintDetail
    explained: dict[str, tuple[ExplainLine, ...]]


def explain_case(store: StoreContext, case_id: int) -> CaseView:
    """Read the case and explain its clocks from that same read (in a worker: explaining
    walks the calendar). Each clock is explained with the target it was armed with; a
    year the calendar does not know is counted as plain weekdays, as the clock was."""
    from followup_tui.domain.calendar import CalendarYearUnknown, estimating
    from followup_tui.domain.complaints.sla import Pause, explain
    from followup_tui.services.complaints.steps import get_complaint
    from followup_tui.services.complaints.views import plan_of

    detail = get_complaint(store, case_id)
    pauses = [Pause(p.started_at, p.ended_at, p.reason) for p in detail.pauses]
    explained: dict[str, tuple[ExplainLine, ...]] = {}
    for clock in detail.row.clocks:
        target = plan_of(clock).target
        try:
            lines = explain(target, clock.armed_at, pauses, store.calendar, met_at=clock.met_at)
        except CalendarYearUnknown:
            calendar = estimating(store.calendar)
            lines = explain(target, clock.armed_at, pauses, calendar, met_at=clock.met_at)
        explained[clock.kind] = lines
    return CaseView(detail, explained)


def coded(field: str, value: Any) -> str:
    """A stored value as the clerk reads it: codes translated, blanks as a dash."""
    if value is None or value == "":
        return "—"
    prefix = _CODED.get(field)
    if prefix is not None and isinstance(value, str):
        return t(f"{prefix}.{value}")
    return str(value)


def describe_change(change: ChangeView) -> Text:
    """ "status: new → acknowledged; owner: 李娜 → 王强" for one change-log row."""
    text = Text()
    for field, (old, new) in sorted(change.diff.items()):
        if field in _HIDDEN:
            continue
        if text.plain:
            text.append("; ")
        text.append(f"{field}: ", style="dim")
        if change.action != "insert":
            text.append(coded(field, old))
            text.append(" → ")
        text.append(coded(field, new), style="bold" if change.action != "insert" else "")
    return text


class ComplaintDetailScreen(ComplaintActions):
    WORKFLOW_SCREEN = CASE
    BINDINGS = workflow_bindings(CASE)
    DEFAULT_CSS = """
    ComplaintDetailScreen #case-body { padding: 0 1; }
    ComplaintDetailScreen .section { margin-top: 1; color: $accent; }
    ComplaintDetailScreen DataTable { height: auto; max-height: 12; }
    """

    def __init__(self, case_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.case_id = case_id
        self.view: CaseView | None = None

    def compose(self) -> ComposeResult:
        yield desk_header(self)
        with VerticalScroll(id="case-body"):
            yield Static(Text(t("complaints.loading"), style="dim"), id="case-head")
            for section in ("order", "clocks", "case", "investigation", "remedy", "satisfaction"):
                yield Label(Text(t(f"complaint_detail.{section}"), style="bold"), classes="section")
                yield Static(id=f"case-{section}")
            yield Label(Text(t("complaint_detail.shipments"), style="bold"), classes="section")
            yield DataTable(id="case-shipments", cursor_type="row", zebra_stripes=True)
            yield Label(Text(t("complaint_detail.pauses"), style="bold"), classes="section")
            yield DataTable(id="case-pauses", cursor_type="row")
            yield Label(Text(t("complaint_detail.history"), style="bold"), classes="section")
            yield DataTable(id="case-history", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        columns = {
            "case-shipments": ("carrier", "tracking", "etd", "eta", "lines"),
            "case-pauses": ("reason", "note", "from", "to", "by"),
            "case-history": ("when", "who", "what", "change"),
        }
        for table_id, names in columns.items():
            table = self.query_one(f"#{table_id}", DataTable)
            table.add_columns(*(t(f"complaint_detail.col.{name}") for name in names))
        self.action_reload()

    def action_reload(self) -> None:
        case_id = self.case_id
        call_service(
            self, lambda store: explain_case(store, case_id), self._show, group="case-detail"
        )
        count_alarms(self)

    # --- the case's steps act on the case shown -----------------------------------------

    def current_case(self) -> ComplaintRow | None:
        return self.view.detail.row if self.view is not None else None

    def case_changed(self, detail: ComplaintDetail) -> None:
        self.action_reload()  # the explanations move with the case

    def action_back(self) -> None:
        self.dismiss(None)

    # --- drawing ----------------------------------------------------------------------------

    def _stamp(self, at: datetime | None) -> str:
        if at is None:
            return "—"
        return at.astimezone(desk(self).timezone).strftime("%Y-%m-%d %H:%M")

    def _show(self, view: CaseView) -> None:
        self.view = view
        detail, row = view.detail, view.detail.row
        head = Text()
        head.append(f"#{row.id}  ", style="bold")
        head.append(row.order_no, style="bold")
        head.append("  ")
        head.append(row.customer)
        head.append(f"  [{t(f'complaint_status.{row.status}')}]", style="bold")
        if row.escalated:
            head.append(f"  ▲ {t('complaint_detail.escalated')}", style="bold red")
        if row.reopen_count:
            head.append(f"  {t('complaint_detail.reopened', count=row.reopen_count)}")
        self.query_one("#case-head", Static).update(head)
        self._section("order", self._order_text(detail))
        self._section("clocks", self._clocks_text(view))
        self._section("case", self._case_text(detail))
        self._section(
            "investigation",
            self._pairs(
                ("root_cause", detail.root_cause),
                ("responsible_party", coded("responsible_party", detail.responsible_party)),
                (
                    "third_party_inspection",
                    t("complaint_detail.yes")
                    if detail.third_party_inspection
                    else t("complaint_detail.no"),
                ),
                ("evidence", detail.evidence),
            ),
        )
        amount = (
            ""
            if detail.remedy_amount is None
            else f"{detail.remedy_amount:,} {detail.remedy_currency}"
        )
        self._section(
            "remedy",
            self._pairs(
                ("remedy_kind", coded("remedy_kind", detail.remedy_kind)),
                ("amount", amount),
                ("note", detail.remedy_note),
                ("plan_at", self._stamp(detail.plan_at)),
                ("close_note", detail.close_note),
                ("closed_at", self._stamp(detail.closed_at)),
            ),
        )
        self._section(
            "satisfaction",
            self._pairs(
                (
                    "satisfaction_due",
                    detail.satisfaction_due.isoformat() if detail.satisfaction_due else "",
                ),
                (
                    "score",
                    "" if detail.satisfaction_score is None else f"{detail.satisfaction_score} / 5",
                ),
                ("comment", detail.satisfaction_comment),
            ),
        )
        self._fill_tables(detail)

    def _section(self, name: str, text: Text) -> None:
        self.query_one(f"#case-{name}", Static).update(text)

    def _pairs(self, *pairs: tuple[str, str]) -> Text:
        """ "label: value" lines; the values are the clerk's own words, kept inert."""
        text = Text()
        for label, value in pairs:
            if text.plain:
                text.append("\n")
            text.append(f"{t(f'complaint_detail.field.{label}')}: ", style="dim")
            text.append(value or "—")
        return text

    def _order_text(self, detail: ComplaintDetail) -> Text:
        order = detail.order
        promised = order.confirmed_date or order.requested_date
        line = t("complaint_form.whole_order") if detail.line_no is None else str(detail.line_no)
        return self._pairs(
            ("order_status", t(f"status.{order.status}")),
            ("promised", promised.isoformat()),
            (
                "product",
                f"{order.lead_product} · {format_quantity(order.total_quantity)} {order.unit}",
            ),
            ("line_no", line),
            ("order_owner", order.owner),
        )

    def _case_text(self, detail: ComplaintDetail) -> Text:
        row = detail.row
        grade = coded("grade", row.grade)
        if row.grade != detail.suggested_grade:
            grade += " " + t(
                "complaint_detail.suggested", grade=coded("grade", detail.suggested_grade)
            )
        text = self._pairs(
            ("category", coded("category", row.category)),
            ("grade", grade),
            ("grade_reason", detail.grade_reason),
            ("received_at", self._stamp(row.received_at)),
            ("contact", detail.contact),
            ("owner", row.owner),
            (
                "acknowledged",
                f"{self._stamp(detail.acknowledged_at)} {detail.acknowledged_by}"
                if detail.acknowledged_at
                else "",
            ),
        )
        text.append(f"\n{t('complaint_detail.field.description')}:\n", style="dim")
        text.append(detail.description)
        return text

    def _clocks_text(self, view: CaseView) -> Text:
        """Each clock: its state as the queue shows it, its due time, and why then."""
        app = desk(self)
        cells = ClockCells(app.clock(), app.calendar)
        row = view.detail.row
        text = Text()
        labels = {kind: t(f"clock_kind.{kind}") for kind in CLOCK_KINDS if row.clock(kind)}
        width = label_width(labels.values())
        states = {kind: cells.cell(row, kind) for kind in labels}
        state_width = max((state.cell_len for state in states.values()), default=0)
        for kind in CLOCK_KINDS:
            clock = row.clock(kind)
            if clock is None:
                continue
            if text.plain:
                text.append("\n")
            text.append(pad_label(labels[kind], width), style="bold")
            text.append_text(states[kind])
            text.append(" " * (state_width - states[kind].cell_len))
            text.append(f"  {t('complaint_detail.due', due=self._stamp(clock.due_at))}")
            text.append(
                "  "
                + t(
                    "complaint_detail.target",
                    hours=f"{clock.target_hours:g}",
                    basis=t(f"sla.basis.{clock.basis}"),
                    role=t(f"sla.role.{clock.role}"),
                ),
                style="dim",
            )
            for line in view.explained.get(kind, ()):
                text.append(f"\n    {self._stamp(line.at)}  ", style="dim")
                text.append(self._explain(line))
            year = (
                app.calendar.unknown_year_between(clock.armed_at, max(clock.due_at, cells.now))
                if clock.basis == "business" and clock.met_at is None
                else None
            )
            if year is not None:
                note = t("sla.estimate.clock", calendar=app.calendar.name, year=year)
                text.append(f"\n    {note}", style="italic")
        return text or Text("—")

    def _explain(self, line: ExplainLine) -> str:
        params: dict[str, object] = {}
        for name, value in line.params.items():
            if isinstance(value, datetime):
                params[name] = self._stamp(value)
            elif isinstance(value, timedelta):
                params[name] = format_duration(value)
            elif name == "kind":
                params[name] = t(f"clock_kind.{value}")
            elif name == "basis":
                params[name] = t(f"sla.basis.{value}")
            elif name == "reason":
                params[name] = t(f"pause_reason.{value}")
            else:
                params[name] = value
        return t(line.key, **params)

    def _fill_tables(self, detail: ComplaintDetail) -> None:
        shipments = self.query_one("#case-shipments", DataTable)
        shipments.clear()
        for shipment in detail.shipments:
            shipments.add_row(
                Text(shipment.carrier),
                Text(shipment.tracking_no or "—"),
                Text(shipment.etd.isoformat() if shipment.etd else "—"),
                Text(shipment.eta.isoformat() if shipment.eta else "—"),
                Text(", ".join(f"{line}×{quantity}" for line, quantity in shipment.lines)),
            )
        pauses = self.query_one("#case-pauses", DataTable)
        pauses.clear()
        for pause in detail.pauses:
            pauses.add_row(
                Text(t(f"pause_reason.{pause.reason}")),
                Text(pause.note or "—"),
                Text(self._stamp(pause.started_at)),
                Text(self._stamp(pause.ended_at)),
                Text(" / ".join(name for name in (pause.paused_by, pause.resumed_by) if name)),
            )
        history = self.query_one("#case-history", DataTable)
        history.clear()
        for change in reversed(detail.history):
            history.add_row(
                Text(self._stamp(change.at)),
                Text(change.actor),
                Text(
                    f"{t(f'complaint_detail.entity.{change.entity}')} "
                    f"{t(f'action.{change.action}')}"
                ),
                describe_change(change),
            )
