"""The argument tree of ``followup``.

Every leaf names its handler as ``"module:function"`` inside ``followup_tui.cli`` instead
of holding the function, so that building the parser imports no handler module: the desk
path (``followup`` with no subcommand) must not pay for SQLAlchemy or Rich tables just
because ``order list`` exists. Help texts go through ``t()``, so the parser is built after
the language is chosen.

The global options (``--db``, ``--config``, ``--lang``) are accepted before or after the
subcommand, because administrators write ``followup db check --db x.db`` as often as the
other way round; below the top level their default is ``SUPPRESS`` so that an option given
before the subcommand is not overwritten by the subcommand's default.
"""

from __future__ import annotations

import argparse
from typing import Any

from followup_tui import __version__
from followup_tui.cli.parser_groups import (
    COMPLAINT_STATUSES,
    PARTIES,
    PAUSE_REASONS,
    REMEDY_KINDS,
    add_archive,
    add_complaints,
    add_globals,
    add_search,
    json_flag,
    leaf,
    moment_text,
    positive_int,
)
from followup_tui.config import ORDER_STATUSES, SORT_COLUMNS, VIEW_STATUSES
from followup_tui.i18n import t

__all__ = [
    "COMPLAINT_STATUSES",
    "PARTIES",
    "PAUSE_REASONS",
    "REMEDY_KINDS",
    "SHIP_MODES",
    "build_parser",
    "early_options",
    "line_spec",
    "positive_int",
    "ship_line",
]

PROG = "followup"
LINE_PARTS = 6
NOTE_KINDS = "{call,email,visit,internal}"
PRIORITIES: tuple[str, ...] = ("normal", "high", "urgent")
#: ``services.timeline_events.SHIP_MODES``, written out because building the parser must
#: not import SQLAlchemy (a test keeps the two equal).
SHIP_MODES: tuple[str, ...] = ("sea", "air", "rail", "truck", "express")


def line_spec(raw: str) -> tuple[str, ...]:
    """``--line "product|spec|qty|unit|price|currency"``: the shape is checked here, the
    values later (so a bad quantity names its line and field like any other)."""
    parts = tuple(part.strip() for part in raw.split("|"))
    if len(parts) != LINE_PARTS:
        raise argparse.ArgumentTypeError(t("cli.error.line_form", value=raw))
    return parts


def ship_line(raw: str) -> tuple[int, str]:
    """``--line 2=300``: line number 2, quantity "300". The quantity is checked by the
    service, which names the line when it is not a number or more than is left."""
    number, sep, quantity = raw.partition("=")
    number = number.strip()
    if not sep or not number.isdigit() or int(number) <= 0 or not quantity.strip():
        raise argparse.ArgumentTypeError(t("cli.error.ship_line_form", value=raw))
    return int(number), quantity.strip()


class ShipLines(argparse.Action):
    """Collects ``--line N=Q`` into {N: Q}; the same line twice is a usage error, since
    neither "the last one wins" nor "add them up" is what every clerk would expect."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        line_no, quantity = values
        lines = dict(getattr(namespace, self.dest, None) or {})
        if line_no in lines:
            parser.error(t("cli.error.ship_line_twice", line=line_no))
        lines[line_no] = quantity
        setattr(namespace, self.dest, lines)


def _add_admin(commands: Any) -> None:
    watch = commands.add_parser("watch", help=t("cli.help.watch"), description=t("cli.help.watch"))
    add_globals(watch, top=False)
    watch.set_defaults(handler=None, read_only=True)

    locate = leaf(commands.add_parser, "locate", "cli.help.locate", "admin:run_locate")
    json_flag(locate)

    config = commands.add_parser("config", help=t("cli.help.config_cmd"))
    config_commands = config.add_subparsers(dest="config_command", metavar="get|set")
    config_commands.required = True
    get = leaf(config_commands.add_parser, "get", "cli.help.config_get", "admin:run_config_get")
    get.add_argument("key", metavar="KEY", help=t("cli.help.config_key"))
    put = leaf(config_commands.add_parser, "set", "cli.help.config_set", "admin:run_config_set")
    put.add_argument("key", metavar="KEY", help=t("cli.help.config_key"))
    put.add_argument("value", metavar="VALUE", help=t("cli.help.config_value"))

    db = commands.add_parser("db", help=t("cli.help.db_cmd"))
    db_commands = db.add_subparsers(dest="db_command", metavar="upgrade|check|backup")
    db_commands.required = True
    upgrade = leaf(db_commands.add_parser, "upgrade", "cli.help.db_upgrade", "admin:run_upgrade")
    json_flag(upgrade)
    check = leaf(db_commands.add_parser, "check", "cli.help.db_check", "admin:run_check")
    json_flag(check)
    backup = leaf(db_commands.add_parser, "backup", "cli.help.db_backup", "admin:run_backup")
    backup.add_argument("dest", metavar="DEST", help=t("cli.help.backup_dest"))

    demo = leaf(commands.add_parser, "demo", "cli.help.demo", "admin:run_demo")
    demo.add_argument(
        "--orders", type=positive_int, default=300, metavar="N", help=t("cli.help.demo_orders")
    )
    demo.add_argument("--seed", type=int, default=7, metavar="S", help=t("cli.help.demo_seed"))
    json_flag(demo)


def _add_order_entry(orders: Any) -> None:
    add = leaf(orders.add_parser, "add", "cli.help.order_add", "orders:run_add")
    add.add_argument("--customer", required=True, help=t("cli.help.customer"))
    add.add_argument(
        "--requested", required=True, metavar="YYYY-MM-DD", help=t("cli.help.requested")
    )
    add.add_argument("--product", help=t("cli.help.product"))
    add.add_argument("--spec", default="", help=t("cli.help.spec"))
    add.add_argument("--quantity", metavar="Q", help=t("cli.help.quantity"))
    add.add_argument("--unit", metavar="U", help=t("cli.help.unit"))
    add.add_argument("--price", metavar="X", help=t("cli.help.price"))
    add.add_argument("--currency", metavar="C", help=t("cli.help.currency"))
    add.add_argument(
        "--line",
        dest="lines",
        action="append",
        type=line_spec,
        default=[],
        metavar='"P|SPEC|Q|U|X|C"',
        help=t("cli.help.line"),
    )
    add.add_argument("--order-no", metavar="NO", help=t("cli.help.order_no"))
    add.add_argument("--order-date", metavar="YYYY-MM-DD", help=t("cli.help.order_date"))
    add.add_argument("--confirmed", metavar="YYYY-MM-DD", help=t("cli.help.confirmed"))
    add.add_argument("--owner", help=t("cli.help.owner"))
    add.add_argument("--customer-po", default="", metavar="PO", help=t("cli.help.customer_po"))
    add.add_argument("--incoterm", default="FOB", help=t("cli.help.incoterm"))
    add.add_argument("--payment-terms", default="T/T", metavar="T", help=t("cli.help.payment"))
    add.add_argument(
        "--priority", choices=PRIORITIES, default="normal", help=t("cli.help.priority")
    )
    add.add_argument("--packaging", default="", help=t("cli.help.packaging"))
    add.add_argument("--labels", default="", help=t("cli.help.labels"))
    add.add_argument("--technical", default="", help=t("cli.help.technical"))
    json_flag(add)

    listing = leaf(orders.add_parser, "list", "cli.help.order_list", "orders:run_list")
    listing.add_argument(
        "--status",
        choices=VIEW_STATUSES,
        default="open",
        metavar="S",
        help=t("cli.help.status", known=", ".join(VIEW_STATUSES)),
    )
    listing.add_argument("--owner", metavar="O|me", help=t("cli.help.owner_filter"))
    listing.add_argument("--filter", default="", metavar="TEXT", help=t("cli.help.filter"))
    listing.add_argument(
        "--sort", choices=SORT_COLUMNS, default="due_date", help=t("cli.help.sort")
    )
    listing.add_argument("--desc", action="store_true", help=t("cli.help.desc"))
    listing.add_argument(
        "--limit", type=positive_int, default=50, metavar="N", help=t("cli.help.limit")
    )
    json_flag(listing)

    show = leaf(orders.add_parser, "show", "cli.help.order_show", "orders:run_show")
    show.add_argument("order_no", metavar="ORDER_NO")
    json_flag(show)


def _add_order_moves(orders: Any) -> None:
    def move(name: str, handler: str) -> argparse.ArgumentParser:
        parser = leaf(orders.add_parser, name, f"cli.help.order_{name}", f"orders:{handler}")
        parser.add_argument("order_no", metavar="ORDER_NO")
        json_flag(parser)
        return parser

    from followup_tui.domain.timeline.milestones import available_templates

    confirm = move("confirm", "run_confirm")
    confirm.add_argument("--date", metavar="YYYY-MM-DD", help=t("cli.help.confirm_date"))
    templates = available_templates()
    confirm.add_argument(
        "--template",
        choices=templates,
        metavar="NAME",
        help=t("cli.help.confirm_template", known=", ".join(templates)),
    )
    advance = move("advance", "run_advance")
    advance.add_argument(
        "--to",
        choices=ORDER_STATUSES,
        metavar="STATUS",
        help=t("cli.help.advance_to", known=", ".join(ORDER_STATUSES)),
    )
    hold = move("hold", "run_hold")
    hold.add_argument("--reason", default="", help=t("cli.help.hold_reason"))
    move("resume", "run_resume")
    cancel = move("cancel", "run_cancel")
    cancel.add_argument("--reason", required=True, help=t("cli.help.cancel_reason"))
    assign = move("assign", "run_assign")
    assign.add_argument("owner", metavar="OWNER", help=t("cli.help.assign_owner"))
    note = move("note", "run_note")
    note.add_argument("text", metavar="TEXT", help=t("cli.help.note_text"))
    note.add_argument(
        "--kind", default="internal", metavar=NOTE_KINDS, help=t("cli.help.note_kind")
    )
    _add_order_ship(orders)


def _add_order_ship(orders: Any) -> None:
    ship = leaf(orders.add_parser, "ship", "cli.help.order_ship", "shipments:run_ship")
    ship.add_argument("order_no", metavar="ORDER_NO")
    ship.add_argument("--carrier", required=True, metavar="C", help=t("cli.help.ship_carrier"))
    ship.add_argument(
        "--mode",
        required=True,
        choices=SHIP_MODES,
        help=t("cli.help.ship_mode", known=", ".join(SHIP_MODES)),
    )
    ship.add_argument("--tracking", default="", metavar="NO", help=t("cli.help.ship_tracking"))
    ship.add_argument("--etd", metavar="YYYY-MM-DD", help=t("cli.help.ship_etd"))
    ship.add_argument("--eta", metavar="YYYY-MM-DD", help=t("cli.help.ship_eta"))
    ship.add_argument(
        "--line",
        dest="lines",
        action=ShipLines,
        type=ship_line,
        default=None,
        metavar="N=Q",
        help=t("cli.help.ship_line"),
    )
    json_flag(ship)


def _add_reports(commands: Any) -> None:
    report = commands.add_parser("report", help=t("cli.help.report_cmd"))
    reports = report.add_subparsers(dest="report_command", metavar="timeline|complaints|estimates")
    reports.required = True
    estimates = leaf(
        reports.add_parser, "estimates", "report.estimates.help", "reports:run_report_estimates"
    )
    json_flag(estimates)
    timeline = leaf(
        reports.add_parser, "timeline", "cli.help.report_timeline", "reports:run_report_timeline"
    )
    timeline.add_argument("--as-of", type=moment_text, metavar="T", help=t("cli.help.report_as_of"))
    timeline.add_argument(
        "--weeks", type=positive_int, default=2, metavar="N", help=t("cli.help.report_weeks")
    )
    timeline.add_argument(
        "--format",
        choices=("text", "html", "svg"),
        default="text",
        help=t("cli.help.report_format"),
    )
    timeline.add_argument(
        "--by", choices=("customer", "owner"), default="customer", help=t("cli.help.report_by")
    )
    timeline.add_argument("--out", metavar="FILE", help=t("cli.help.report_out"))
    analysis = leaf(
        reports.add_parser,
        "complaints",
        "cli.help.complaint.report",
        "complaint_report:run_report_complaints",
    )
    analysis.add_argument(
        "--from", dest="date_from", metavar="D", help=t("cli.help.complaint.from")
    )
    analysis.add_argument("--to", dest="date_to", metavar="D", help=t("cli.help.complaint.to"))
    analysis.add_argument(
        "--as-of", type=moment_text, metavar="T", help=t("cli.help.complaint.as_of")
    )
    analysis.add_argument(
        "--format",
        choices=("text", "md", "json"),
        default="text",
        help=t("cli.help.complaint.format"),
    )
    analysis.add_argument("--out", metavar="FILE", help=t("cli.help.report_out"))


def build_parser() -> argparse.ArgumentParser:
    """The whole tree; call after ``use_language`` so the help speaks the clerk's language."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=t("cli.help.description"),
        epilog=t("cli.help.epilog"),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    add_globals(parser, top=True)
    parser.set_defaults(handler=None, read_only=False)
    commands = parser.add_subparsers(dest="command", metavar=t("cli.help.commands_metavar"))
    _add_admin(commands)
    order = commands.add_parser("order", help=t("cli.help.order_cmd"))
    orders = order.add_subparsers(dest="order_command", metavar=t("cli.help.order_metavar"))
    orders.required = True
    _add_order_entry(orders)
    _add_order_moves(orders)
    add_complaints(commands)
    _add_reports(commands)
    add_search(commands)
    add_archive(commands)
    return parser


def early_options(argv: list[str]) -> argparse.Namespace:
    """``--config`` and ``--lang`` wherever they appear, before the real parse: the
    language must be known to translate the help that the real parse may print."""
    probe = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    probe.add_argument("--config", default=None)
    probe.add_argument("--lang", default=None)
    try:
        known, _rest = probe.parse_known_args(argv)
    except argparse.ArgumentError:  # e.g. "--lang" with no value: the real parse says so
        return argparse.Namespace(config=None, lang=None)
    return known
