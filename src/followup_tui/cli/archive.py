"""``followup archive add|show|export|refile``: filing documents from a shell or a script.

The same services as the desk's file picker (``services.archive``), so a script files
exactly what the desk would and refuses exactly what it would refuse. ``archive add``
files each path on its own: one line per path on standard output for the filed and the
duplicates, one line on standard error for each refusal with its reason; the exit status
is 1 when any path was refused (the others are filed all the same), 0 otherwise, so a
nightly import script can tell "some scans need attention" from "all done".

The document kinds are the desk's: the shipped table with the company's
``document_kinds.toml`` (next to the settings file) applied.

JSON output (``--json``), stable keys:

``archive add``: a list, one object per path in the order given::

    path, status (filed | duplicate | refused), document_id (null when refused),
    message_key (the catalog key), message (in the clerk's language)

``archive show`` and ``archive refile``: one object::

    id, title, filename, kind, kind_title, order_no, customer, doc_date (YYYY-MM-DD or
    null), size (bytes), extension, text_status, fields {name: value}, filed_at (ISO,
    UTC), filed_by, sha256, version

``archive export``: ``{"path": the file written}``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from followup_tui.cli.orders import open_for_read, open_for_write
from followup_tui.cli.output import (
    cell,
    console,
    date_text,
    key_values,
    print_json,
    printable,
)
from followup_tui.desk_settings import DeskSettings, Invocation
from followup_tui.i18n import t

if TYPE_CHECKING:
    from followup_tui.domain.archive.documents import DocumentKinds
    from followup_tui.services.archive.views import DocumentView, FileResult

EXIT_REFUSED = 1


def desk_kinds(settings: DeskSettings) -> DocumentKinds:
    """The shipped kinds with the company's copy next to the settings file applied."""
    from followup_tui.services.archive.kinds import company_kinds

    return company_kinds(settings.company_folder)


def _attachments(run: Invocation) -> Path:
    from followup_tui.store.attachments import attachment_root

    return attachment_root(run.settings().location, run.environ)


def kind_title(kind: str, kinds: DocumentKinds | None, language: str) -> str:
    """The kind's title: the company's table first (it may add kinds), then the catalog."""
    spec = kinds.find(kind) if kinds is not None else None
    if spec is not None:
        return spec.title(language)
    label = t(f"document_kind.{kind}")
    return kind if label == f"document_kind.{kind}" else label


def _message(result: FileResult) -> str:
    from followup_tui.domain.errors import Problem
    from followup_tui.i18n.errors import explain_problem

    return explain_problem(Problem(result.message_key, None, dict(result.params)))


# --- archive add ------------------------------------------------------------------------


def run_add(run: Invocation) -> int:
    from followup_tui.services.archive.filing import file_documents

    args = run.args
    settings = run.settings()
    kinds = desk_kinds(settings)
    ctx = open_for_write(settings)
    try:
        results = file_documents(
            ctx,
            [Path(raw) for raw in args.paths],
            base_dir=Path(args.base) if args.base else None,
            order_no=args.order,
            customer=args.customer,
            kind=args.kind,
            kinds=kinds,
            attachments=_attachments(run),
        )
    finally:
        ctx.dispose()
    if run.json:
        print_json([_result_json(result) for result in results])
    else:
        _print_results(results)
    refused = any(result.status == "refused" for result in results)
    return EXIT_REFUSED if refused else 0


def _result_json(result: FileResult) -> dict[str, Any]:
    return {
        "path": str(result.path),
        "status": result.status,
        "document_id": result.document_id,
        "message_key": result.message_key,
        "message": _message(result),
    }


def _print_results(results: tuple[FileResult, ...]) -> None:
    out = console()
    for result in results:
        path = printable(str(result.path))
        if result.status == "refused":
            line = t("cli.archive.refused", path=path, reason=_message(result))
            print(f"followup: {printable(line)}", file=sys.stderr)
        elif result.status == "duplicate":
            out.print(cell(t("cli.archive.duplicate", path=path, id=result.document_id)))
        else:
            out.print(cell(t("cli.archive.filed", path=path, id=result.document_id)))
    filed = sum(1 for result in results if result.status == "filed")
    duplicates = sum(1 for result in results if result.status == "duplicate")
    refused = len(results) - filed - duplicates
    out.print(cell(t("cli.archive.summary", filed=filed, duplicates=duplicates, refused=refused)))


# --- archive show / refile --------------------------------------------------------------


def document_json(view: DocumentView, kinds: DocumentKinds | None, language: str) -> dict[str, Any]:
    return {
        "id": view.id,
        "title": view.title,
        "filename": view.filename,
        "kind": view.kind,
        "kind_title": kind_title(view.kind, kinds, language),
        "order_no": view.order_no,
        "customer": view.customer,
        "doc_date": view.doc_date,
        "size": view.size,
        "extension": view.extension,
        "text_status": view.text_status,
        "fields": dict(view.fields),
        "filed_at": view.filed_at,
        "filed_by": view.filed_by,
        "sha256": view.sha256,
        "version": view.version,
    }


def _print_document(view: DocumentView, kinds: DocumentKinds, settings: DeskSettings) -> None:
    from zoneinfo import ZoneInfo

    filed_at = view.filed_at.astimezone(ZoneInfo(settings.config.timezone))
    rows = [
        (t("cli.archive.label.id"), str(view.id)),
        (t("field.document_title"), view.title),
        (t("cli.archive.label.filename"), view.filename),
        (t("field.kind"), kind_title(view.kind, kinds, settings.language)),
        (t("field.order_no"), view.order_no or "—"),
        (t("field.customer"), view.customer or "—"),
        (t("cli.archive.label.doc_date"), date_text(view.doc_date)),
        (t("cli.archive.label.size"), t("cli.archive.bytes", size=f"{view.size:,}")),
        (t("cli.archive.label.text"), t(f"cli.archive.text_status.{view.text_status}")),
        *((name, value) for name, value in sorted(view.fields.items())),
        (t("cli.archive.label.filed"), f"{filed_at:%Y-%m-%d %H:%M} {view.filed_by}"),
        ("sha256", view.sha256),
    ]
    console().print(key_values(rows))


def run_show(run: Invocation) -> int:
    from followup_tui.services.archive.filing import get_document

    settings = run.settings()
    kinds = desk_kinds(settings)
    ctx = open_for_read(settings)
    try:
        view = get_document(ctx, run.args.doc_id)
    finally:
        ctx.dispose()
    if run.json:
        print_json(document_json(view, kinds, settings.language))
    else:
        _print_document(view, kinds, settings)
    return 0


def run_refile(run: Invocation) -> int:
    from followup_tui.services.archive.filing import refile_document

    args = run.args
    settings = run.settings()
    kinds = desk_kinds(settings)
    ctx = open_for_write(settings)
    try:
        view = refile_document(
            ctx, args.doc_id, kind=args.kind, order_no=args.order, title=args.title, kinds=kinds
        )
    finally:
        ctx.dispose()
    if run.json:
        print_json(document_json(view, kinds, settings.language))
    else:
        console().print(
            cell(
                t(
                    "cli.archive.refiled",
                    id=view.id,
                    kind=kind_title(view.kind, kinds, settings.language),
                    order=view.order_no or "—",
                )
            )
        )
    return 0


# --- archive export ---------------------------------------------------------------------


def run_export(run: Invocation) -> int:
    from followup_tui.services.archive.filing import export_document

    args = run.args
    ctx = open_for_read(run.settings())
    try:
        written = export_document(
            ctx, args.doc_id, Path(args.dest_dir).expanduser(), attachments=_attachments(run)
        )
    finally:
        ctx.dispose()
    if run.json:
        print_json({"path": str(written)})
    else:
        console().print(cell(t("cli.archive.exported", path=str(written))))
    return 0
