"""The document kinds one desk files under: the shipped table with the company's copy.

Filing, re-filing, the archive's kind facet and the CLI all ask here, so a kind a company
adds in its ``document_kinds.toml`` is offered and accepted everywhere at once, and the
desk and ``followup archive`` can never disagree about which kinds exist.
"""

from __future__ import annotations

from pathlib import Path

from followup_tui.domain.archive.documents import (
    DOCUMENT_KINDS_FILE,
    DocumentKinds,
    load_document_kinds,
)
from followup_tui.domain.data_files import company_copy
from followup_tui.store.unit_of_work import StoreContext


def company_kinds(folder: Path | None) -> DocumentKinds:
    """The shipped kinds with the copy in ``folder`` (the company folder) applied; the
    CLI loads them once per command with its settings' folder."""
    return load_document_kinds(company_copy(folder, DOCUMENT_KINDS_FILE))


def desk_kinds(ctx: StoreContext) -> DocumentKinds:
    """The kinds of the company folder the store was opened with. Read per move, like the
    document rules: the file is small, and an edited table applies without a restart."""
    return company_kinds(ctx.company_folder)


def kind_keys(ctx: StoreContext) -> tuple[str, ...]:
    """The desk's kind keys in table order: what a clerk may file or re-file under."""
    return desk_kinds(ctx).keys()
