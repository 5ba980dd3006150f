"""The audit bundle (审计包): everything about one order in one zip, for an auditor.

When finance, a bank or an auditor asks about an order years later, the clerk hands over
one file: ``<order_no>-audit-<date>.zip`` with ``index.txt`` and ``index.html`` (the
order, its document checklist, every document with its sha256, the change history, the
notes, the timeline milestones, the complaints with their SLA clocks), the original
files under ``documents/`` exactly as filed, and the same data as JSON under ``data/``
for anyone who wants to check it by program.

Everything is read in one read transaction, so the index, the JSON and the checklist
describe the same moment. The index is the one part written for a person, in the
reader's language: services never translate, so the caller hands in the writer of the
index files (``render.audit_index.audit_index``), which turns the gathered
``BundleContents`` into text; this module writes the data, the originals and whatever
index it is given. The zip is written under a temporary name in the destination
folder and renamed into place only when complete, so a full disk or a crash never leaves
a half-written bundle that looks like a real one.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_tui.domain.archive.doc_rules import DocumentRules
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.text import find_control_character
from followup_tui.services.archive.checklist import Checklist, checklist_in, desk_rules
from followup_tui.services.complaints.queue import complaint_detail_in
from followup_tui.services.complaints.views import ComplaintDetail
from followup_tui.services.orders.entry import get_order, load_order
from followup_tui.services.orders.views import ChangeView, OrderDetail
from followup_tui.store.archive_models import Document
from followup_tui.store.attachments import attachment_root, blob_path
from followup_tui.store.models import Complaint, Milestone
from followup_tui.store.unit_of_work import StoreContext

_UNSAFE_NAME = str.maketrans({char: "_" for char in '/\\:*?"<>|'})
_MILESTONE_FIELDS = ("key", "status", "planned_start", "planned_end", "actual_start", "actual_end")


@dataclass(frozen=True)
class BundleDocument:
    """One filed document as the bundle lists it; ``archived_as`` is its name in the zip,
    empty when the original is not in the attachment folder."""

    id: int
    kind: str
    title: str
    filename: str
    sha256: str
    size: int
    doc_date: date | None
    filed_at: datetime
    filed_by: str
    archived_as: str


@dataclass(frozen=True)
class BundleContents:
    """Everything the bundle holds about one order, read in one transaction.

    ``made_at`` and ``made_by`` say when and by whom the bundle was made (the index's
    second line), ``timezone`` is the desk's, in which the index shows every time;
    ``sources`` maps each original's name in the zip to its file in the
    attachment folder.
    """

    detail: OrderDetail
    checklist: Checklist
    documents: tuple[BundleDocument, ...]
    sources: Mapping[str, Path]
    history: tuple[ChangeView, ...]
    milestones: tuple[dict[str, Any], ...]
    complaints: tuple[ComplaintDetail, ...]
    made_at: datetime
    made_by: str
    timezone: str


#: Writes the bundle's index from its contents, in the reader's language: (name in the
#: zip, text) for each index file. The presentation side supplies it.
IndexWriter = Callable[[BundleContents], Sequence[tuple[str, str]]]


def _safe_name(name: str) -> str:
    """A file name that stays one entry inside ``documents/``, whatever was filed."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].translate(_UNSAFE_NAME).strip(". ")
    cleaned = "".join(c for c in base if find_control_character(c) is None)
    return cleaned[:120] or "document"


def _documents(
    session: Session, order_id: int, root: Path
) -> tuple[tuple[BundleDocument, ...], dict[str, Path]]:
    rows = session.scalars(
        select(Document)
        .where(Document.order_id == order_id)
        .order_by(Document.filed_at, Document.id)
    )
    documents: list[BundleDocument] = []
    sources: dict[str, Path] = {}
    for row in rows:
        source = blob_path(root, row.sha256)
        archived_as = f"documents/{row.id}-{_safe_name(row.filename)}" if source.is_file() else ""
        if archived_as:
            sources[archived_as] = source
        documents.append(
            BundleDocument(
                id=row.id,
                kind=row.kind,
                title=row.title,
                filename=row.filename,
                sha256=row.sha256,
                size=row.size,
                doc_date=row.doc_date,
                filed_at=row.filed_at,
                filed_by=row.filed_by,
                archived_as=archived_as,
            )
        )
    return tuple(documents), sources


def _gather(ctx: StoreContext, order_id: int, rules: DocumentRules) -> BundleContents:
    detail = get_order(ctx, order_id)  # refuses an unknown order before anything is written
    root = attachment_root(ctx.location)
    with ctx.read() as session:
        order = load_order(session, order_id)
        checklist = checklist_in(session, order, rules)
        documents, sources = _documents(session, order_id, root)
        complaints = tuple(
            complaint_detail_in(session, row)
            for row in session.scalars(
                select(Complaint).where(Complaint.order_id == order_id).order_by(Complaint.id)
            )
        )
        # Straight from the table, not the Gantt's reader: that one shows open orders
        # only, and an audit is usually about a closed one.
        milestones = tuple(
            {name: getattr(row, name) for name in _MILESTONE_FIELDS}
            for row in session.scalars(
                select(Milestone).where(Milestone.order_id == order_id).order_by(Milestone.seq)
            )
        )
    return BundleContents(
        detail,
        checklist,
        documents,
        sources,
        detail.changes,
        milestones,
        complaints,
        made_at=ctx.now(),
        made_by=ctx.actor,
        timezone=ctx.timezone,
    )


# -- rendering --------------------------------------------------------------------------


def iso_duration(span: timedelta) -> str:
    """``PT1H30M5S``: a span as ISO 8601 text, in whole seconds, ``-`` before a negative
    one. Days are written as hours, since a business clock's span (the time a paused
    clock had left) is working time, not calendar days."""
    seconds = round(span.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours}H" if hours else "", f"{minutes}M" if minutes else ""]
    parts.append(f"{seconds}S" if seconds or not (hours or minutes) else "")
    return f"{sign}PT{''.join(parts)}"


def json_value(value: object) -> object:
    """``json.dumps``'s ``default`` for the bundle's data: dates as ISO text, spans as
    ISO 8601 durations (a paused clock's time left), decimals as text (never a float),
    sets and tuples as lists, dataclasses as objects. Anything else is a ``TypeError``,
    so a new kind of value in a view fails a test here rather than writing a guess."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return iso_duration(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, frozenset | set | tuple):
        return list(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(type(value).__name__)


def _dump(value: object) -> str:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    return json.dumps(value, ensure_ascii=False, indent=2, default=json_value) + "\n"


# -- writing ----------------------------------------------------------------------------


def _writable_folder(dest: Path) -> Path:
    """``dest`` if it is a folder this account can write; else a refusal naming it."""
    folder = dest.expanduser()
    if not folder.is_dir():
        raise FollowupError("error.bundle_dest_not_folder", field="dest", path=str(dest))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FollowupError(
            "error.bundle_dest_not_writable", field="dest", path=str(dest), reason="EACCES"
        )
    return folder


def _write_zip(handle: Any, contents: BundleContents, index: Sequence[tuple[str, str]]) -> None:
    order = contents.detail.order
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in index:
            archive.writestr(name, text)
        archive.writestr("data/order.json", _dump({"order": order, "lines": contents.detail.lines}))
        archive.writestr("data/checklist.json", _dump(contents.checklist))
        archive.writestr(
            "data/documents.json", _dump([dataclasses.asdict(d) for d in contents.documents])
        )
        archive.writestr(
            "data/history.json", _dump([dataclasses.asdict(c) for c in contents.history])
        )
        archive.writestr(
            "data/notes.json", _dump([dataclasses.asdict(n) for n in contents.detail.notes])
        )
        archive.writestr("data/milestones.json", _dump(list(contents.milestones)))
        archive.writestr(
            "data/complaints.json", _dump([dataclasses.asdict(c) for c in contents.complaints])
        )
        for name, source in contents.sources.items():
            archive.write(source, name)


def bundle_name(order_no: str, day: date) -> str:
    """``<order_no>-audit-<date>.zip``, with characters a file name cannot hold replaced."""
    return f"{order_no.translate(_UNSAFE_NAME)}-audit-{day.isoformat()}.zip"


def audit_bundle(
    ctx: StoreContext,
    order_id: int,
    dest: Path,
    *,
    index: IndexWriter,
    rules: DocumentRules | None = None,
) -> Path:
    """Write the order's audit bundle into the folder ``dest`` and return its path;
    ``index`` writes its index files (``render.audit_index.audit_index``).

    A bundle of the same order made the same day is replaced, so the newest one is the
    one on disk. Any failure removes the temporary file; nothing half-written remains.
    """
    folder = _writable_folder(dest)
    contents = _gather(ctx, order_id, rules if rules is not None else desk_rules(ctx))
    index_files = index(contents)
    target = folder / bundle_name(contents.detail.order.order_no, ctx.today())
    descriptor, temp_name = tempfile.mkstemp(dir=folder, prefix=".bundle-", suffix=".part")
    temp = Path(temp_name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            _write_zip(handle, contents, index_files)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise FollowupError(
            "error.bundle_write_failed",
            field="dest",
            path=str(dest),
            reason=error.strerror or type(error).__name__,
        ) from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target
