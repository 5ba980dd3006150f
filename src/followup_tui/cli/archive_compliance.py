"""``followup archive checklist | waive | bundle``: an order's papers, from a shell.

The same services as the desk: ``checklist`` prints what the order's terms require and
what is on file, missing or waived; ``waive`` records a supervisor's decision to ship
without some kinds (refused, naming the supervisors, for anyone else when the config
lists supervisors); ``bundle`` writes the audit zip into a folder.

The rules are the company's copy next to the settings file this run uses (``--config``
included), else the shipped ones.

JSON output of ``checklist --json`` (stable keys, one object)::

    order_no, required: [kind], missing: [kind],
    present: {kind: [document id]}, waived: {kind: {id, reason, waived_by, waived_at}},
    block_shipping: bool

Kinds are keys (``bill_of_lading``), never translated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from followup_tui.cli.orders import open_for_read, open_for_write
from followup_tui.cli.output import cell, console, print_json
from followup_tui.desk_settings import DeskSettings, Invocation
from followup_tui.i18n import t

if TYPE_CHECKING:
    from followup_tui.domain.archive.doc_rules import DocumentRules
    from followup_tui.services.archive.checklist import Checklist


def _rules(settings: DeskSettings) -> DocumentRules:
    from followup_tui.services.archive.checklist import company_rules

    return company_rules(settings.company_folder)


def checklist_json(checklist: Checklist) -> dict[str, Any]:
    """The documented JSON shape (see the module docstring)."""
    return {
        "order_no": checklist.order_no,
        "required": list(checklist.required),
        "missing": list(checklist.missing),
        "present": {kind: list(ids) for kind, ids in checklist.present.items()},
        "waived": {
            kind: {
                "id": waiver.id,
                "reason": waiver.reason,
                "waived_by": waiver.waived_by,
                "waived_at": waiver.waived_at.isoformat(),
            }
            for kind, waiver in checklist.waived.items()
        },
        "block_shipping": checklist.block_shipping,
    }


def _print_checklist(checklist: Checklist) -> None:
    from rich.table import Table

    from followup_tui.i18n.names import kind_title

    out = console()
    table = Table(title=cell(t("checklist.title", order=checklist.order_no)))
    for key in ("checklist.kind", "checklist.state", "checklist.documents"):
        table.add_column(t(key))
    kinds = [*checklist.required, *(k for k in checklist.present if k not in checklist.required)]
    for kind in kinds:
        ids = checklist.present.get(kind, ())
        if ids:
            key = (
                "checklist.state_present" if kind in checklist.required else "checklist.state_extra"
            )
            state = t(key)
        elif kind in checklist.waived:
            waiver = checklist.waived[kind]
            state = t(
                "checklist.state_waived",
                by=waiver.waived_by,
                at=waiver.waived_at.isoformat(timespec="minutes"),
                reason=waiver.reason,
            )
        else:
            state = t("checklist.state_missing")
        listed = ", ".join(f"#{i}" for i in ids) or t("checklist.none")
        table.add_row(cell(kind_title(kind)), cell(state), cell(listed))
    out.print(table)
    if checklist.missing:
        titles = ", ".join(kind_title(kind) for kind in checklist.missing)
        out.print(cell(t("checklist.incomplete", titles=titles)))
    else:
        out.print(cell(t("checklist.complete")))
    if not checklist.block_shipping:
        out.print(cell(t("checklist.not_blocking")))


def run_checklist(run: Invocation) -> int:
    from followup_tui.services.archive.checklist import order_checklist
    from followup_tui.services.orders.entry import find_order_id

    settings = run.settings()
    rules = _rules(settings)
    ctx = open_for_read(settings)
    try:
        checklist = order_checklist(ctx, find_order_id(ctx, run.args.order_no), rules=rules)
    finally:
        ctx.dispose()
    if run.json:
        print_json(checklist_json(checklist))
    else:
        _print_checklist(checklist)
    return 0


def run_waive(run: Invocation) -> int:
    from followup_tui.i18n.names import kind_title
    from followup_tui.services.archive.checklist import waive_documents
    from followup_tui.services.orders.entry import find_order_id

    ctx = open_for_write(run.settings())
    try:
        order_id = find_order_id(ctx, run.args.order_no)
        waiver = waive_documents(ctx, order_id, run.args.kind, run.args.reason)
    finally:
        ctx.dispose()
    titles = ", ".join(kind_title(kind) for kind in waiver.kinds)
    console().print(cell(t("checklist.waived_done", order=run.args.order_no, titles=titles)))
    return 0


def run_bundle(run: Invocation) -> int:
    from pathlib import Path

    from followup_tui.render.audit_index import audit_index
    from followup_tui.services.archive.bundle import audit_bundle
    from followup_tui.services.orders.entry import find_order_id

    settings = run.settings()
    rules = _rules(settings)
    ctx = open_for_read(settings)
    try:
        path = audit_bundle(
            ctx,
            find_order_id(ctx, run.args.order_no),
            Path(run.args.dest),
            index=audit_index,
            rules=rules,
        )
    finally:
        ctx.dispose()
    console().print(cell(t("bundle.written", order=run.args.order_no, path=str(path))))
    return 0
