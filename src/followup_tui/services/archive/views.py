"""What the archive services hand to the CLI, the desk and the search: frozen views.

Never live ORM rows, so a screen can keep a view after its session has closed and a
worker thread can pass it to the UI thread without touching the database. The fields
column is JSON text in the store; here it is a plain dict of strings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from followup_tui.store.archive_models import Document

FILED = "filed"
DUPLICATE = "duplicate"
REFUSED = "refused"


@dataclass(frozen=True)
class DocumentView:
    """One filed document as the clerk sees it (order and customer as filed)."""

    id: int
    title: str
    filename: str
    kind: str
    order_no: str
    customer: str
    doc_date: date | None
    size: int
    extension: str
    text_status: str
    fields: Mapping[str, str]
    filed_at: datetime
    filed_by: str
    sha256: str
    version: int
    order_id: int | None = None
    kind_guessed: str = ""


@dataclass(frozen=True)
class FileResult:
    """What happened to one path of a filing: ``filed``, ``duplicate`` or ``refused``.

    ``message_key`` and ``params`` are a catalog message (the services do not translate);
    ``document_id`` is the new row, the row already holding the file for that order, or
    None when refused.
    """

    path: Path
    status: str
    document_id: int | None
    message_key: str
    params: Mapping[str, object] = field(default_factory=dict)


def parse_fields(raw: str) -> dict[str, str]:
    """The stored JSON fields as a dict; a hand-edited, unreadable value reads as empty."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(name): str(value) for name, value in data.items()}


def document_view(row: Document) -> DocumentView:
    return DocumentView(
        id=row.id,
        title=row.title,
        filename=row.filename,
        kind=row.kind,
        order_no=row.order_no,
        customer=row.customer_name,
        doc_date=row.doc_date,
        size=row.size,
        extension=row.extension,
        text_status=row.text_status,
        fields=parse_fields(row.fields),
        filed_at=row.filed_at,
        filed_by=row.filed_by,
        sha256=row.sha256,
        version=row.version,
        order_id=row.order_id,
        kind_guessed=row.kind_guessed,
    )
