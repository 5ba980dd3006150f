"""``followup order ship``: book a shipment (发运) from a shell, a script or a forwarder's feed.

It calls the same service as the timeline's ``b`` key (``add_shipment``), so a script can
ship no more than the desk would allow: a quantity beyond what is left is refused naming
its line (``lines[2]``), and nothing is stored. Without ``--line`` everything still left
on every line goes; with it, only the lines named, so partial shipments are one
``--line N=Q`` each.

The dates are checked before the store is opened, both at once, so a typo in the ETD and
one in the ETA are reported together.

JSON output (``--json``), stable keys, one object::

    id, order_no, carrier, mode (sea|air|rail|truck|express, never translated),
    tracking_no ("" when none), etd, eta (YYYY-MM-DD or null),
    lines: [{line_no, quantity (decimal string)}], in line order
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from followup_tui.cli.orders import open_for_write
from followup_tui.cli.output import cell, console, date_text, key_values, print_json
from followup_tui.desk_settings import Invocation
from followup_tui.domain.errors import FollowupError, Problem
from followup_tui.domain.orders.rules import parse_date
from followup_tui.i18n import t

if TYPE_CHECKING:
    from datetime import date

    from followup_tui.services.timeline.views import ShipmentView


def shipment_json(view: ShipmentView, order_no: str) -> dict[str, Any]:
    """The documented JSON shape of one shipment (see the module docstring)."""
    return {
        "id": view.id,
        "order_no": order_no,
        "carrier": view.carrier,
        "mode": view.mode,
        "tracking_no": view.tracking_no,
        "etd": view.etd,
        "eta": view.eta,
        "lines": [{"line_no": line_no, "quantity": quantity} for line_no, quantity in view.lines],
    }


def _dates(etd_raw: str | None, eta_raw: str | None) -> tuple[date | None, date | None]:
    """Both dates parsed, or one error carrying every bad one."""
    problems: list[Problem] = []
    parsed: dict[str, date | None] = {"etd": None, "eta": None}
    for field, raw in (("etd", etd_raw), ("eta", eta_raw)):
        if raw is None:
            continue
        try:
            parsed[field] = parse_date(raw, field=field)
        except FollowupError as error:
            problems.extend(error.problems)
    if problems:
        first = problems[0]
        raise FollowupError(
            first.key, field=first.field, problems=tuple(problems), **dict(first.params)
        )
    return parsed["etd"], parsed["eta"]


def _print_shipment(view: ShipmentView, order_no: str) -> None:
    out = console()
    out.print(cell(t("cli.order.shipped", order=order_no, lines=len(view.lines))))
    out.print(
        key_values(
            [
                (t("field.carrier"), view.carrier),
                (t("field.mode"), t(f"ship_mode.{view.mode}")),
                (t("field.tracking_no"), view.tracking_no or "—"),
                (t("field.etd"), date_text(view.etd)),
                (t("field.eta"), date_text(view.eta)),
                (
                    t("field.lines"),
                    ", ".join(f"{line_no}×{quantity}" for line_no, quantity in view.lines),
                ),
            ]
        )
    )


def run_ship(run: Invocation) -> int:
    """Book the shipment; exit 1 (stderr names the field) when the service refuses it."""
    from followup_tui.services.orders.entry import find_order_id, get_order
    from followup_tui.services.timeline.events import add_shipment

    args = run.args
    etd, eta = _dates(args.etd, args.eta)
    lines: dict[int, str] | None = args.lines
    ctx = open_for_write(run.settings())
    try:
        order_id = find_order_id(ctx, args.order_no)
        view = add_shipment(
            ctx,
            order_id,
            carrier=args.carrier,
            mode=args.mode,
            tracking_no=args.tracking,
            etd=etd,
            eta=eta,
            lines=lines,
        )
        # The number as stored (the clerk may have typed it in lower case).
        order_no = get_order(ctx, order_id).order.order_no
    finally:
        ctx.dispose()
    if run.json:
        print_json(shipment_json(view, order_no))
    else:
        _print_shipment(view, order_no)
    return 0
