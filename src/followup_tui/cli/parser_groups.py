"""The command groups of the ``followup`` argument tree, and the pieces they share.

``parser`` builds the top of the tree (admin, orders, reports) from these pieces and
adds the complaint, archive and search groups defined here; keeping them apart keeps
each module readable, and the shared pieces here keep the two from importing each
other in a circle.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from followup_tui.i18n import LANGUAGES, t


def positive_int(raw: str) -> int:
    """``--limit 0`` or ``--orders -5`` is a usage error, reported by argparse (exit 2)."""
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.error.positive", value=raw)) from None
    if value <= 0:
        raise argparse.ArgumentTypeError(t("cli.error.positive", value=raw))
    return value


def moment_text(raw: str) -> str:
    """``--as-of yesterday`` is a usage error (exit 2), like any unreadable option.

    Only the shape is checked here: a date or an ISO time. The handler reads it in the
    desk's time zone, which argparse does not know yet.
    """
    text = raw.strip()
    try:
        if len(text) == 10:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.complaint_error.not_a_time", value=raw)) from None
    return raw


def add_globals(parser: argparse.ArgumentParser, *, top: bool) -> None:
    default: Any = None if top else argparse.SUPPRESS
    group = parser.add_argument_group(t("cli.help.global_group"))
    group.add_argument("--db", metavar="PATH|URL", default=default, help=t("cli.help.db"))
    group.add_argument("--config", metavar="FILE", default=default, help=t("cli.help.config"))
    group.add_argument("--lang", choices=LANGUAGES, default=default, help=t("cli.help.lang"))


def json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=t("cli.help.json"))


Adder = Callable[..., argparse.ArgumentParser]


def leaf(adder: Adder, name: str, help_key: str, handler: str) -> argparse.ArgumentParser:
    parser = adder(name, help=t(help_key), description=t(help_key))
    add_globals(parser, top=False)
    parser.set_defaults(handler=handler)
    return parser


#: The complaint vocabularies of ``domain.sla`` (statuses, pause reasons, remedies, parties),
#: written out for the same reason (a test keeps them equal to the domain's).
COMPLAINT_STATUSES: tuple[str, ...] = (
    "new",
    "acknowledged",
    "investigating",
    "remedy",
    "awaiting_customer",
    "closed",
    "reopened",
)
PAUSE_REASONS: tuple[str, ...] = ("customer", "supplier", "qc", "carrier")
REMEDY_KINDS: tuple[str, ...] = ("reship", "replace", "refund", "discount", "gift", "compensation")
PARTIES: tuple[str, ...] = ("supplier", "carrier", "production", "internal", "customer")


def complaint_id(raw: str) -> int:
    """``123`` or ``#123`` (as the desk shows a case): a usage error otherwise."""
    text = raw.strip().removeprefix("#")
    if not text.isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(t("cli.complaint_error.id", value=raw))
    return int(text)


def follow_up(raw: str) -> tuple[str, int]:
    """``--follow-up "call the customer=3"``: a task due 3 business days after the remedy."""
    task, sep, days = raw.rpartition("=")
    days = days.strip()
    if not sep or not task.strip() or not days.isdigit():
        raise argparse.ArgumentTypeError(t("cli.complaint_error.follow_up", value=raw))
    return task.strip(), int(days)


def _add_complaint_entry(complaints: Any) -> None:
    add = leaf(complaints.add_parser, "add", "cli.help.complaint.add", "complaints:run_add")
    add.add_argument("order_no", metavar="ORDER_NO")
    add.add_argument("text", metavar="TEXT", help=t("cli.help.complaint.text"))
    add.add_argument(
        "--category", required=True, metavar="C", help=t("cli.help.complaint.category")
    )
    add.add_argument("--grade", metavar="G", help=t("cli.help.complaint.grade"))
    add.add_argument("--reason", default="", metavar="R", help=t("cli.help.complaint.grade_reason"))
    add.add_argument("--contact", default="", metavar="X", help=t("cli.help.complaint.contact"))
    add.add_argument("--line", type=positive_int, metavar="N", help=t("cli.help.complaint.line"))
    add.add_argument("--received", metavar="T", help=t("cli.help.complaint.received"))
    add.add_argument("--owner", metavar="O", help=t("cli.help.complaint.owner"))
    json_flag(add)

    listing = leaf(complaints.add_parser, "list", "cli.help.complaint.list", "complaints:run_list")
    listing.add_argument(
        "--status",
        choices=COMPLAINT_STATUSES,
        metavar="S",
        help=t("cli.help.complaint.status", known=", ".join(COMPLAINT_STATUSES)),
    )
    listing.add_argument("--grade", metavar="G", help=t("cli.help.complaint.grade_filter"))
    listing.add_argument("--owner", metavar="O|me", help=t("cli.help.owner_filter"))
    listing.add_argument("--customer", metavar="C", help=t("cli.help.complaint.customer"))
    listing.add_argument(
        "--as-of", type=moment_text, metavar="T", help=t("cli.help.complaint.as_of")
    )
    json_flag(listing)

    show = leaf(complaints.add_parser, "show", "cli.help.complaint.show", "complaints:run_show")
    show.add_argument("id", type=complaint_id, metavar="ID")
    json_flag(show)


def _add_complaint_steps(complaints: Any) -> None:
    def step(name: str) -> argparse.ArgumentParser:
        parser = leaf(
            complaints.add_parser, name, f"cli.help.complaint.{name}", "complaints:run_step"
        )
        parser.set_defaults(step=name)
        parser.add_argument("id", type=complaint_id, metavar="ID")
        json_flag(parser)
        return parser

    step("ack")
    step("assign").add_argument("owner", metavar="OWNER", help=t("cli.help.assign_owner"))
    pause = step("pause")
    pause.add_argument(
        "--reason", required=True, choices=PAUSE_REASONS, help=t("cli.help.complaint.pause_reason")
    )
    pause.add_argument("--note", default="", help=t("cli.help.complaint.note"))
    step("resume")
    step("escalate").add_argument("--reason", default="", help=t("cli.help.complaint.why"))
    cause = step("cause")
    cause.add_argument(
        "--root-cause", required=True, metavar="TEXT", help=t("cli.help.complaint.root_cause")
    )
    cause.add_argument(
        "--party", required=True, choices=PARTIES, help=t("cli.help.complaint.party")
    )
    cause.add_argument("--inspection", action="store_true", help=t("cli.help.complaint.inspection"))
    cause.add_argument("--evidence", default="", help=t("cli.help.complaint.evidence"))
    remedy = step("remedy")
    remedy.add_argument(
        "--kind", required=True, choices=REMEDY_KINDS, help=t("cli.help.complaint.remedy_kind")
    )
    remedy.add_argument("--amount", metavar="X", help=t("cli.help.complaint.amount"))
    remedy.add_argument("--currency", default="", metavar="C", help=t("cli.help.currency"))
    remedy.add_argument("--note", required=True, help=t("cli.help.complaint.remedy_note"))
    remedy.add_argument(
        "--follow-up",
        dest="follow_ups",
        action="append",
        type=follow_up,
        default=[],
        metavar='"TASK=DAYS"',
        help=t("cli.help.complaint.follow_up"),
    )
    step("close").add_argument("--note", required=True, help=t("cli.help.complaint.close_note"))
    satisfaction = step("satisfaction")
    satisfaction.add_argument(  # 1-5, checked by the service like the desk's form
        "--score", required=True, type=int, metavar="1-5", help=t("cli.help.complaint.score")
    )
    satisfaction.add_argument("--comment", default="", help=t("cli.help.complaint.comment"))
    step("reopen").add_argument("--reason", required=True, help=t("cli.help.complaint.why"))


def add_complaints(commands: Any) -> None:
    complaint = commands.add_parser("complaint", help=t("cli.help.complaint.cmd"))
    complaints = complaint.add_subparsers(
        dest="complaint_command", metavar=t("cli.help.complaint.metavar")
    )
    complaints.required = True
    _add_complaint_entry(complaints)
    _add_complaint_steps(complaints)
    alerts = leaf(
        commands.add_parser, "alerts", "cli.help.complaint.alerts", "complaints:run_alerts"
    )
    alerts.add_argument(
        "--as-of", type=moment_text, metavar="T", help=t("cli.help.complaint.alerts_as_of")
    )
    json_flag(alerts)


def _add_archive_compliance(archive: Any) -> None:
    """``archive checklist | waive | bundle``: the compliance half of the archive group."""
    help_key = "cli.help.archive_compliance."
    checklist = leaf(
        archive.add_parser, "checklist", help_key + "checklist", "archive_compliance:run_checklist"
    )
    checklist.add_argument("order_no", metavar="ORDER_NO", help=t(help_key + "order_no"))
    json_flag(checklist)
    waive = leaf(archive.add_parser, "waive", help_key + "waive", "archive_compliance:run_waive")
    waive.add_argument("order_no", metavar="ORDER_NO", help=t(help_key + "order_no"))
    waive.add_argument("--kind", action="append", required=True, help=t(help_key + "kind"))
    waive.add_argument("--reason", required=True, help=t(help_key + "reason"))
    bundle = leaf(
        archive.add_parser, "bundle", help_key + "bundle", "archive_compliance:run_bundle"
    )
    bundle.add_argument("order_no", metavar="ORDER_NO", help=t(help_key + "order_no"))
    bundle.add_argument("dest", metavar="DEST", help=t(help_key + "bundle_dest"))


def _add_archive_filing(archive: Any) -> None:
    """``archive add | show | export | refile``: the filing half of the archive group."""
    help_key = "cli.help.archive."
    add = leaf(archive.add_parser, "add", help_key + "add", "archive:run_add")
    add.add_argument("paths", nargs="+", metavar="PATH", help=t(help_key + "paths"))
    add.add_argument("--order", metavar="NO", help=t(help_key + "order"))
    add.add_argument("--customer", metavar="NAME", help=t(help_key + "customer"))
    add.add_argument("--kind", metavar="KIND", help=t(help_key + "kind"))
    add.add_argument("--base", metavar="DIR", help=t(help_key + "base"))
    json_flag(add)
    show = leaf(archive.add_parser, "show", help_key + "show", "archive:run_show")
    show.add_argument("doc_id", type=positive_int, metavar="DOC_ID")
    json_flag(show)
    export = leaf(archive.add_parser, "export", help_key + "export", "archive:run_export")
    export.add_argument("doc_id", type=positive_int, metavar="DOC_ID")
    export.add_argument("dest_dir", metavar="DEST_DIR", help=t(help_key + "dest_dir"))
    json_flag(export)
    refile = leaf(archive.add_parser, "refile", help_key + "refile", "archive:run_refile")
    refile.add_argument("doc_id", type=positive_int, metavar="DOC_ID")
    refile.add_argument("--kind", metavar="KIND", help=t(help_key + "kind"))
    refile.add_argument("--order", metavar="NO", help=t(help_key + "refile_order"))
    refile.add_argument("--title", metavar="TEXT", help=t(help_key + "title"))
    json_flag(refile)


def add_search(commands: Any) -> None:
    """``followup search QUERY``: the archive search with the screen's filters."""
    key = "cli.help.search."
    search = leaf(commands.add_parser, "search", key + "command", "search:run_search")
    search.add_argument("query", metavar="QUERY", help=t(key + "query"))
    search.add_argument("--kind", metavar="K", help=t(key + "kind"))
    search.add_argument("--customer", metavar="C", help=t(key + "customer"))
    search.add_argument("--order", metavar="NO", help=t(key + "order"))
    search.add_argument("--from", dest="date_from", metavar="D", help=t(key + "date_from"))
    search.add_argument("--to", dest="date_to", metavar="D", help=t(key + "date_to"))
    search.add_argument("--filed-by", dest="filed_by", metavar="WHO", help=t(key + "filed_by"))
    search.add_argument(
        "--limit", type=positive_int, default=20, metavar="N", help=t(key + "limit")
    )
    search.add_argument("--offset", type=int, default=0, metavar="N", help=t(key + "offset"))
    json_flag(search)


def add_archive(commands: Any) -> None:
    """The ``archive`` group: filing (add, show, export, refile) and compliance."""
    archive = commands.add_parser("archive", help=t("cli.help.archive.cmd"))
    archive_commands = archive.add_subparsers(dest="archive_command", metavar="COMMAND")
    archive_commands.required = True
    _add_archive_compliance(archive_commands)
    _add_archive_filing(archive_commands)
