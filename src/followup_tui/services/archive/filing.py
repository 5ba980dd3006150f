"""Filing documents into the archive, exporting them back, and correcting how they were filed.

Each file of a batch is its own unit of work: a refused file (missing, outside the folder
the clerk named, too large, encrypted, corrupt) is reported and the others are still
filed. Nothing is half-stored: the bytes go into the attachment folder first (atomically,
under their hash) and the row and its index entries after, in one transaction; a crash
in between leaves only an orphan file that the next filing of the same bytes reuses.

The same bytes filed twice for one order are one row (``duplicate``); filed for another
order they are a second row pointing at the same stored file, because the same
certificate really does belong to both orders.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_tui.domain.archive.documents import DocumentKinds, extract_fields, guess_kind
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.text import clean_text, find_control_character, pinyin_initials
from followup_tui.services.archive.extract import Extracted, extract_text
from followup_tui.services.archive.index import index_document, unindex_document
from followup_tui.services.archive.kinds import desk_kinds
from followup_tui.services.archive.views import (
    DUPLICATE,
    FILED,
    REFUSED,
    DocumentView,
    FileResult,
    document_view,
)
from followup_tui.services.orders.lookup import order_by_number
from followup_tui.store.archive_models import Document, DocumentText
from followup_tui.store.attachments import BlobTooLarge, attachment_root, blob_path, store_blob
from followup_tui.store.models import Customer
from followup_tui.store.unit_of_work import StoreContext

#: The largest file filed unless the caller says otherwise (the issue's default).
DEFAULT_SIZE_LIMIT = 100 * 1024 * 1024
TITLE_LIMIT = 300
FILENAME_LIMIT = 300
EXTENSION_LIMIT = 12
_MEGABYTE = 1024 * 1024


# -- the meta column ------------------------------------------------------------------


def document_meta(
    *,
    kind_titles: Iterable[str],
    order_no: str,
    customer_name: str,
    filename: str,
    fields: Mapping[str, str],
    filed_by: str,
    doc_date: date | None,
) -> str:
    """The text of the index's ``meta`` column: what a clerk may search a document by
    besides its title and body (kind in both languages, order, customer and its pinyin
    initials, file name, invoice/B/L/L/C numbers, who filed it, its date).

    The indexes are contentless, so removing a document needs this exact text again:
    every input is on the row, and the kind titles come from the kinds table.
    """
    parts = [*kind_titles, order_no, customer_name]
    if customer_name:
        parts.append(pinyin_initials(customer_name))
    parts.extend([filename, *fields.values(), filed_by])
    if doc_date is not None:
        parts.append(doc_date.isoformat())
    return " ".join(part for part in parts if part)


def _row_meta(row: Document, kinds: DocumentKinds) -> str:
    spec = kinds.find(row.kind)
    titles = (spec.title_zh_CN, spec.title_en) if spec is not None else (row.kind,)
    return document_meta(
        kind_titles=titles,
        order_no=row.order_no,
        customer_name=row.customer_name,
        filename=row.filename,
        fields=json.loads(row.fields or "{}"),
        filed_by=row.filed_by,
        doc_date=row.doc_date,
    )


# -- checking a path --------------------------------------------------------------------


def _refusal(path: Path, key: str, /, **params: object) -> FileResult:
    """A refused path; positional-only, since an extraction error's params carry a path
    too (the resolved one), which the path as the clerk typed it replaces."""
    return FileResult(path, REFUSED, None, key, {**params, "path": str(path)})


def _inside(path: Path, base: Path) -> bool:
    return path == base or path.is_relative_to(base)


def _checked_path(raw: Path, base_dir: Path | None, size_limit: int) -> Path | FileResult:
    """The file to read, or the refusal: outside ``base_dir``, missing, not a file, too big.

    ``..`` is judged on the path as written and symbolic links on the path resolved, so
    ``docs/../../etc/passwd`` and a link ``docs/x -> /etc/passwd`` are both refused.
    """
    candidate = raw if base_dir is None or raw.is_absolute() else base_dir / raw
    if base_dir is not None:
        base = Path(os.path.abspath(base_dir))
        if not _inside(Path(os.path.normpath(os.path.abspath(candidate))), base):
            return _refusal(raw, "error.document_outside_base", base=str(base_dir))
        if not _inside(candidate.resolve(), base.resolve()):
            return _refusal(raw, "error.document_link_escapes", base=str(base_dir))
    try:
        info = candidate.stat()
    except FileNotFoundError:
        return _refusal(raw, "error.file_missing")
    except OSError as error:
        return _refusal(raw, "error.document_unreadable", detail=error.strerror or str(error))
    if not stat.S_ISREG(info.st_mode):
        return _refusal(raw, "error.document_not_a_file")
    if info.st_size > size_limit:
        return _refusal(
            raw,
            "error.document_too_large",
            size=_megabytes(info.st_size),
            limit=_megabytes(size_limit),
        )
    if not os.access(candidate, os.R_OK):
        return _refusal(raw, "error.document_unreadable", detail="permission denied")
    return candidate


def _megabytes(size: int) -> str:
    return f"{size / _MEGABYTE:.1f}"


def _clean_title(value: str, fallback: str) -> str:
    """A one-line title: control characters (a mail subject may carry any) become blanks."""
    text = "".join(char if find_control_character(char) is None else " " for char in value)
    text = " ".join(text.split())[:TITLE_LIMIT]
    return text or fallback[:TITLE_LIMIT]


# -- filing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Batch:
    """What every file of one filing shares: the checks, the kinds, the order it is for."""

    base_dir: Path | None
    size_limit: int
    kinds: DocumentKinds
    kind: str | None
    order_id: int | None
    order_no: str
    customer_id: int | None
    customer_name: str
    root: Path


@dataclass(frozen=True)
class _Stored:
    """One file read and its bytes stored, waiting for its row."""

    path: Path
    extracted: Extracted
    sha256: str
    size: int
    doc_date: date | None


def _target(
    ctx: StoreContext, order_no: str | None, customer: str | None
) -> tuple[int | None, str, int | None, str]:
    """(order id, order no, customer id, customer name) the batch is filed for."""
    with ctx.read() as session:
        if order_no:
            order = order_by_number(session, order_no)
            return order.id, order.order_no, order.customer_id, order.customer_name
        if customer:
            name = clean_text(customer, field="customer", max_length=120)
            found = session.scalar(select(Customer.id).where(Customer.name == name))
            return None, "", found, name
    return None, "", None, ""


def file_documents(
    ctx: StoreContext,
    paths: Iterable[Path | str],
    *,
    base_dir: Path | None = None,
    order_no: str | None = None,
    customer: str | None = None,
    kind: str | None = None,
    size_limit: int = DEFAULT_SIZE_LIMIT,
    kinds: DocumentKinds | None = None,
    attachments: Path | None = None,
) -> tuple[FileResult, ...]:
    """File every path (one unit of work each) and say what happened to each, in order.

    A bad ``order_no``, ``customer`` or ``kind`` refuses the whole batch before anything
    is stored (it is one typo, not a problem of one file); ``kinds`` is the desk's table
    (default: that of the store's company folder, the company's copy included, as the
    CLI passes it), ``attachments`` the folder (default: next to the store).
    """
    if ctx.read_only:
        raise FollowupError("error.read_only")
    table = kinds if kinds is not None else desk_kinds(ctx)
    if kind is not None:
        table.get(kind)
    order_id, number, customer_id, customer_name = _target(ctx, order_no, customer)
    batch = _Batch(
        base_dir=base_dir,
        size_limit=size_limit,
        kinds=table,
        kind=kind,
        order_id=order_id,
        order_no=number,
        customer_id=customer_id,
        customer_name=customer_name,
        root=attachments if attachments is not None else attachment_root(ctx.location),
    )
    return tuple(_file_one(ctx, batch, Path(raw)) for raw in paths)


def _file_one(ctx: StoreContext, batch: _Batch, raw: Path) -> FileResult:
    checked = _checked_path(raw, batch.base_dir, batch.size_limit)
    if isinstance(checked, FileResult):
        return checked
    try:
        extracted = extract_text(checked)
        sha, size, _path = store_blob(batch.root, checked, size_limit=batch.size_limit)
    except FollowupError as error:
        return _refusal(raw, error.key, **error.params)
    except BlobTooLarge as error:
        return _refusal(
            raw,
            "error.document_too_large",
            size=_megabytes(error.size),
            limit=_megabytes(error.limit),
        )
    except OSError as error:
        return _refusal(raw, "error.document_unreadable", detail=error.strerror or str(error))
    doc_date = extracted.doc_date or _mtime_date(checked, ctx.timezone)
    return _insert(ctx, batch, raw, _Stored(checked, extracted, sha, size, doc_date))


def _mtime_date(path: Path, timezone: str) -> date | None:
    """The file's modification day in the desk's zone: the best date a bare file has."""
    try:
        moment = datetime.fromtimestamp(path.stat().st_mtime, ZoneInfo(timezone))
    except (OSError, OverflowError, ValueError):
        return None
    return moment.date()


def _insert(ctx: StoreContext, batch: _Batch, raw: Path, stored: _Stored) -> FileResult:
    path, extracted = stored.path, stored.extracted
    filename = _clean_title(path.name, "document")[:FILENAME_LIMIT]
    guessed = guess_kind(filename, extracted.text, batch.kinds)
    chosen = batch.kind or guessed
    fields = extract_fields(extracted.text, batch.kinds.get(chosen))
    with ctx.write() as session:
        same = select(Document.id).where(Document.sha256 == stored.sha256)
        same = same.where(
            Document.order_id == batch.order_id
            if batch.order_id is not None
            else Document.order_id.is_(None)
        )
        existing = session.scalar(same.order_by(Document.id).limit(1))
        if existing is not None:
            return FileResult(
                raw, DUPLICATE, existing, "archive_filing.duplicate", {"path": str(raw)}
            )
        row = Document(
            sha256=stored.sha256,
            title=_clean_title(extracted.title, path.stem or filename),
            filename=filename,
            kind=chosen,
            kind_guessed=guessed,
            order_id=batch.order_id,
            order_no=batch.order_no,
            customer_id=batch.customer_id,
            customer_name=batch.customer_name,
            doc_date=stored.doc_date,
            size=stored.size,
            extension=path.suffix.lower().lstrip(".")[:EXTENSION_LIMIT],
            text_status=extracted.status,
            fields=json.dumps(fields, ensure_ascii=False, sort_keys=True),
            filed_at=ctx.now(),
            filed_by=ctx.actor,
        )
        session.add(row)
        session.flush()
        meta = _row_meta(row, batch.kinds)
        session.add(DocumentText(document_id=row.id, body=extracted.text, indexed_meta=meta))
        index_document(session.connection(), row.id, row.title, meta, extracted.text)
        return FileResult(raw, FILED, row.id, "archive_filing.filed", {"path": str(raw)})


# -- reading, exporting, re-filing ----------------------------------------------------------


def _load(session: Session, document_id: int) -> Document:
    row = session.get(Document, document_id)
    if row is None:
        raise FollowupError("error.document_not_found", field="document_id", id=document_id)
    return row


def get_document(ctx: StoreContext, document_id: int) -> DocumentView:
    with ctx.read() as session:
        return document_view(_load(session, document_id))


def document_body(ctx: StoreContext, document_id: int) -> str:
    """The extracted text kept for the document ("" when it had none), for a preview."""
    with ctx.read() as session:
        _load(session, document_id)
        body = session.scalar(
            select(DocumentText.body).where(DocumentText.document_id == document_id)
        )
        return body or ""


def documents_of_order(ctx: StoreContext, order_id: int) -> tuple[DocumentView, ...]:
    """The order's documents, newest filed first."""
    with ctx.read() as session:
        rows = session.scalars(
            select(Document)
            .where(Document.order_id == order_id)
            .order_by(Document.filed_at.desc(), Document.id.desc())
        ).all()
        return tuple(document_view(row) for row in rows)


def stored_file(ctx: StoreContext, document_id: int, attachments: Path | None = None) -> Path:
    """Where the document's bytes are; refused when the attachment folder lost them."""
    view = get_document(ctx, document_id)
    root = attachments if attachments is not None else attachment_root(ctx.location)
    path = blob_path(root, view.sha256)
    if not path.is_file():
        raise FollowupError(
            "error.document_file_lost", field="document_id", id=document_id, path=str(path)
        )
    return path


def _free_name(dest_dir: Path, filename: str, document_id: int) -> Path:
    """``name.pdf``, else ``name (2).pdf``...: an export never overwrites a file."""
    name = Path(filename).name
    if name in ("", ".", ".."):
        name = f"document-{document_id}"
    candidate = dest_dir / name
    stem, suffix = Path(name).stem, Path(name).suffix
    number = 2
    while candidate.exists() or candidate.is_symlink():
        candidate = dest_dir / f"{stem} ({number}){suffix}"
        number += 1
    return candidate


def export_document(
    ctx: StoreContext, document_id: int, dest_dir: Path, *, attachments: Path | None = None
) -> Path:
    """Copy the original, byte for byte, into ``dest_dir`` under its filed name."""
    source = stored_file(ctx, document_id, attachments)
    view = get_document(ctx, document_id)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        target = _free_name(dest_dir, view.filename, document_id)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out, source.open("rb") as data:
            shutil.copyfileobj(data, out)
    except OSError as error:
        raise FollowupError(
            "error.document_export_failed",
            field="export_folder",
            path=str(dest_dir),
            detail=error.strerror or str(error),
        ) from None
    return target


def refile_document(
    ctx: StoreContext,
    document_id: int,
    *,
    kind: str | None = None,
    order_no: str | None = None,
    title: str | None = None,
    kinds: DocumentKinds | None = None,
) -> DocumentView:
    """Correct a document's kind, order (``""`` detaches it) or title, and re-index it.

    The fields are read again with the new kind's patterns; ``kinds`` defaults to the
    table of the store's company folder, as for filing. Moving it to an order that
    already holds the same file is refused: that would be the duplicate filing avoids.
    """
    table = kinds if kinds is not None else desk_kinds(ctx)
    spec = table.get(kind) if kind is not None else None
    new_title = (
        _clean_title(clean_text(title, field="document_title", max_length=TITLE_LIMIT), "")
        if title is not None
        else None
    )
    if new_title == "":
        raise FollowupError("error.required", field="document_title")
    with ctx.write() as session:
        row = _load(session, document_id)
        text_row = session.get(DocumentText, row.id)
        body = text_row.body if text_row is not None else ""
        old_meta = text_row.indexed_meta if text_row is not None else None
        connection = session.connection()
        unindex_document(connection, row.id, row.title, old_meta or _row_meta(row, table), body)
        if order_no is not None:
            _move(session, row, order_no)
        if spec is not None:
            row.kind = spec.key
            row.fields = json.dumps(extract_fields(body, spec), ensure_ascii=False, sort_keys=True)
        if new_title is not None:
            row.title = new_title
        session.flush()
        meta = _row_meta(row, table)
        if text_row is not None:
            text_row.indexed_meta = meta
        index_document(connection, row.id, row.title, meta, body)
        return document_view(row)


def _move(session: Session, row: Document, order_no: str) -> None:
    if not order_no.strip():
        row.order_id, row.order_no = None, ""
        return
    order = order_by_number(session, order_no)
    clash = session.scalar(
        select(Document.id).where(
            Document.sha256 == row.sha256, Document.order_id == order.id, Document.id != row.id
        )
    )
    if clash is not None:
        raise FollowupError(
            "error.document_already_filed", field="order_no", order=order.order_no, id=clash
        )
    row.order_id, row.order_no = order.id, order.order_no
    row.customer_id, row.customer_name = order.customer_id, order.customer_name
