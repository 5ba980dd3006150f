"""The shipment form: book what leaves on one shipment (发运), by carrier, mode and line.

Partial shipments are the everyday case, so every line of the order gets its own
quantity field, filled with what is still left to ship: the clerk lowers one number or
empties a line instead of typing the whole order again. The form checks what it can
itself (a required carrier, dates, numbers, ETA not before ETD) and shows every problem
at once, next to its field. What only the store knows (more than is left, because a
colleague booked the rest a minute ago) comes back from the service and is shown the
same way, so the typed values are still there to fix. Unlike the exception form, this one
saves itself: a refusal has to reach the fields, and a dismissed dialog has none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Select

from followup_tui.domain.errors import FollowupError, Problem
from followup_tui.domain.orders.rules import parse_date, parse_decimal
from followup_tui.domain.text import clean_text, require_text
from followup_tui.i18n import t
from followup_tui.i18n.errors import field_label
from followup_tui.screens.shared.leaving import OpenedFields, leave
from followup_tui.screens.shared.problems import ProblemDisplay, Spot, dom_id, field_spot
from followup_tui.screens.shared.service_calls import call_service
from followup_tui.screens.shared.workflows import DeskModal, workflow_bindings
from followup_tui.services.timeline.views import ShipmentView
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.workflows.timeline import SHIPMENT_FORM

if TYPE_CHECKING:
    from followup_tui.services.context import StoreContext
    from followup_tui.services.orders.views import OrderDetail

#: The shipping modes, as ``services.timeline_events.SHIP_MODES`` names them (that module
#: imports SQLAlchemy; a test keeps the two equal).
MODES: tuple[str, ...] = ("sea", "air", "rail", "truck", "express")
#: Header fields, top to bottom, named as the service's problems name them.
FIELDS: tuple[str, ...] = ("carrier", "mode", "tracking_no", "etd", "eta")
#: Decimal places a shipped quantity may have (the service's limit).
QUANTITY_PLACES = 3


@dataclass(frozen=True)
class ShipmentDraft:
    """A checked shipment, as the service takes it: ``lines`` maps line no. to quantity."""

    carrier: str
    mode: str
    tracking_no: str
    etd: date | None
    eta: date | None
    lines: Mapping[int, str]


def quantity_text(value: Decimal) -> str:
    """``500.000`` reads ``500``: the form is prefilled with it, so no exponent either."""
    normal = value.normalize()
    return format(normal if normal != 0 else Decimal(0), "f")


def lines_left(
    detail: OrderDetail, shipments: Sequence[ShipmentView]
) -> tuple[tuple[int, str, str], ...]:
    """(line no., product, quantity left to ship) for every line of the order."""
    shipped: dict[int, Decimal] = {}
    for shipment in shipments:
        for line_no, quantity in shipment.lines:
            shipped[line_no] = shipped.get(line_no, Decimal(0)) + Decimal(quantity)
    return tuple(
        (
            line.line_no,
            line.product,
            quantity_text(max(line.quantity - shipped.get(line.line_no, Decimal(0)), Decimal(0))),
        )
        for line in detail.lines
    )


def line_field(line_no: int) -> str:
    """The field name the service gives a line's quantity in its refusals."""
    return f"lines[{line_no}]"


def check_shipment(
    quantities: Mapping[int, str],
    *,
    carrier: str,
    mode: str,
    tracking_no: str,
    etd_text: str,
    eta_text: str,
) -> tuple[ShipmentDraft | None, list[Problem]]:
    """The draft when everything typed is valid, and every problem found.

    An empty quantity leaves the line off this shipment; whether a quantity fits what
    is left is the service's to say, as only the store knows what was shipped meanwhile.
    """
    problems: list[Problem] = []
    cleaned_carrier = tracking = ""
    try:
        cleaned_carrier = require_text(carrier, field="carrier", max_length=120)
    except FollowupError as error:
        problems += error.problems
    try:
        tracking = clean_text(tracking_no, field="tracking_no", max_length=60)
    except FollowupError as error:
        problems += error.problems
    if mode not in MODES:
        known = ", ".join(MODES)
        problems.append(Problem("error.ship_mode_unknown", "mode", {"mode": mode, "known": known}))
    days: dict[str, date | None] = {"etd": None, "eta": None}
    for name, text in (("etd", etd_text), ("eta", eta_text)):
        if text.strip():
            try:
                days[name] = parse_date(text, field=name)
            except FollowupError as error:
                problems += error.problems
    etd, eta = days["etd"], days["eta"]
    if etd is not None and eta is not None and eta < etd:
        problems.append(Problem("error.eta_before_etd", "eta", {"etd": etd, "eta": eta}))
    lines: dict[int, str] = {}
    for line_no, text in sorted(quantities.items()):
        if not text.strip():
            continue
        try:
            parse_decimal(text, field=line_field(line_no), places=QUANTITY_PLACES)
        except FollowupError as error:
            problems += error.problems
        lines[line_no] = text.strip()
    if not lines and not any(p.field and p.field.startswith("lines[") for p in problems):
        problems.append(Problem("error.shipment_empty", "lines"))
    if problems:
        return None, problems
    draft = ShipmentDraft(cleaned_carrier, mode, tracking, etd, eta, lines)
    return draft, problems


class ShipmentFormScreen(DeskModal[ShipmentView | None]):
    """Books the shipment on ``order_id`` and dismisses with it; None on Escape."""

    WORKFLOW_SCREEN = SHIPMENT_FORM
    BINDINGS = workflow_bindings(SHIPMENT_FORM)
    DEFAULT_CSS = """
    ShipmentFormScreen { align: center middle; }
    ShipmentFormScreen > VerticalScroll {
        width: 90; height: auto; max-height: 95%; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    ShipmentFormScreen .shipment-row { height: auto; }
    ShipmentFormScreen .shipment-label { width: 30; padding-top: 1; }
    ShipmentFormScreen .shipment-row Input, ShipmentFormScreen .shipment-row Select {
        width: 1fr;
    }
    ShipmentFormScreen .shipment-error { color: $error; margin-left: 30; height: auto; }
    ShipmentFormScreen #shipment-summary { color: $error; height: auto; }
    ShipmentFormScreen #shipment-lines-title { margin-top: 1; }
    """

    def __init__(
        self, order_no: str, lines: Sequence[tuple[int, str, str]], *, order_id: int
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.opened = OpenedFields()
        self.order_no = order_no
        self.order_id = order_id
        self.lines = tuple(lines)
        #: True while a booking is with the service: a second ctrl+s must not book twice.
        self.saving = False
        self.problem_display = ProblemDisplay(
            error_class="shipment-error",
            summary_id="shipment-summary",
            count_key="shipment_form.problems",
            spot=self._spot,
        )

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=False):  # no tab stop of its own: the fields scroll
            yield Label(Text(t("shipment_form.title", order=self.order_no), style="bold"))
            yield Label("", id="shipment-summary")
            for field in FIELDS:
                with Horizontal(classes="shipment-row"):
                    yield Label(Text(field_label(field)), classes="shipment-label")
                    yield self._field_widget(field)
                yield self._error_label(f"err-{dom_id(field)}")
            yield Label(Text(t("shipment_form.lines"), style="bold"), id="shipment-lines-title")
            for line_no, product, left in self.lines:
                shipped = Decimal(left) <= 0
                label = Text(t("shipment_form.line", line=line_no, product=product))
                label.append("\n")
                note = t("shipment_form.shipped") if shipped else t("shipment_form.left", left=left)
                label.append(note, style="dim")
                with Horizontal(classes="shipment-row"):
                    yield Label(label, classes="shipment-label")
                    yield Input("" if shipped else left, id=f"in-line-{line_no}")
                yield self._error_label(f"err-line-{line_no}")
            yield Label(Text(t("shipment_form.hint"), style="dim"))

    def _error_label(self, label_id: str) -> Label:
        label = Label("", id=label_id, classes="shipment-error")
        label.display = False
        return label

    def _field_widget(self, field: str) -> Input | Select[str]:
        widget_id = f"in-{dom_id(field)}"
        if field == "mode":
            return Select(
                [(Text(t(f"ship_mode.{mode}")), mode) for mode in MODES],
                allow_blank=False,
                value=MODES[0],
                id=widget_id,
            )
        placeholder = {
            "carrier": t("shipment_form.carrier_placeholder"),
            "tracking_no": t("shipment_form.tracking_placeholder"),
        }.get(field, t("shipment_form.date_placeholder"))
        return Input(placeholder=placeholder, id=widget_id)

    def on_mount(self) -> None:
        self._input("carrier").focus()
        self.opened.remember_after_refresh(self)

    def _input(self, field: str) -> Input:
        return self.query_one(f"#in-{dom_id(field)}", Input)

    # --- reading and checking -------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter on the last quantity saves; anywhere else it moves on, as Tab does."""
        event.stop()
        last = f"in-line-{self.lines[-1][0]}" if self.lines else f"in-{dom_id(FIELDS[-1])}"
        if event.input.id == last:
            self.action_save()
        else:
            self.focus_next()

    def checked_draft(self) -> tuple[ShipmentDraft | None, list[Problem]]:
        mode = self.query_one(f"#in-{dom_id('mode')}", Select).value
        quantities = {
            line_no: self.query_one(f"#in-line-{line_no}", Input).value
            for line_no, _product, _left in self.lines
        }
        return check_shipment(
            quantities,
            carrier=self._input("carrier").value,
            mode=mode if isinstance(mode, str) else "",
            tracking_no=self._input("tracking_no").value,
            etd_text=self._input("etd").value,
            eta_text=self._input("eta").value,
        )

    def _spot(self, field: str | None) -> Spot | None:
        """Where a problem's field is on the form: a header field, or the quantity of one
        of the lines; None (the summary) for the rest, such as an empty shipment."""
        if field is None:
            return None
        if field in FIELDS:
            return field_spot(field)
        numbers = {line_field(line_no): line_no for line_no, _product, _left in self.lines}
        if field in numbers:
            return Spot(f"err-line-{numbers[field]}", f"in-line-{numbers[field]}")
        return None

    # --- actions ----------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving:
            return
        draft, problems = self.checked_draft()
        self.problem_display.show(self, problems)
        if draft is None:
            self.problem_display.focus_first(self, problems)
            return
        from followup_tui.services.timeline.events import add_shipment

        order_id = self.order_id

        def book(store: StoreContext) -> ShipmentView:
            return add_shipment(
                store,
                order_id,
                carrier=draft.carrier,
                mode=draft.mode,
                tracking_no=draft.tracking_no,
                etd=draft.etd,
                eta=draft.eta,
                lines=draft.lines,
            )

        self.saving = True
        self.query_one("#shipment-summary", Label).update(Text(t("shipment_form.saving")))
        call_service(self, book, self._booked, on_error=self._refused, group="save-shipment")

    def _booked(self, view: ShipmentView) -> None:
        self.saving = False
        self.dismiss(view)

    def _refused(self, error: BaseException, message: str) -> None:
        self.saving = False
        self.problem_display.show_refusal(self, error, message)

    def action_close(self) -> None:
        """Escape: at once on an untouched form, after asking when something was typed."""
        leave(self, self.opened.changed(self))
