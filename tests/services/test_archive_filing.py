"""Filing documents: each file its own unit of work, the same bytes stored once, originals
exported byte-identical, and every bad path refused by name while the others are filed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders.rules import OrderDraft
from followup_tui.services.archive.filing import (
    document_body,
    documents_of_order,
    export_document,
    file_documents,
    get_document,
    refile_document,
)
from followup_tui.services.archive.views import DUPLICATE, FILED, REFUSED
from followup_tui.services.orders.entry import create_order
from followup_tui.store.attachments import attachment_root, blob_path


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def blank_pdf(path: Path, *, password: str | None = None) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if password is not None:
        writer.encrypt(password)
    with path.open("wb") as out:
        writer.write(out)
    return path


def _blobs(ctx: Any) -> list[Path]:
    root = attachment_root(ctx.location)
    return [path for path in root.rglob("*") if path.is_file()]


def _fts_hits(ctx: Any, query: str) -> list[int]:
    with ctx.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?", (query,)
        ).all()
    return [row[0] for row in rows]


@pytest.fixture
def orders(store_ctx: Any, make_draft: Callable[..., OrderDraft]) -> tuple[str, str]:
    first = create_order(store_ctx, make_draft())
    second = create_order(store_ctx, make_draft(customer="Acme GmbH"))
    return first.order_no, second.order_no


def test_filed_row_text_blob_and_index(
    store_ctx: Any, tmp_path: Path, orders: tuple[str, str]
) -> None:
    text = "Inspection report: 色差明显, AQL 2.5\n2026-11-20"
    path = _write(tmp_path / "in", "QC-0042.txt", text)
    (result,) = file_documents(store_ctx, [path], order_no=orders[0])
    assert result.status == FILED and result.document_id is not None
    view = get_document(store_ctx, result.document_id)
    assert view.kind == "qc_report" and view.kind_guessed == "qc_report"
    assert view.order_no == orders[0] and view.customer == "深圳市华强电子有限公司"
    assert view.filed_by == "tester" and view.text_status == "indexed"
    assert view.doc_date is not None and view.doc_date.isoformat() == "2026-11-20"
    assert view.size == path.stat().st_size and view.extension == "txt"
    assert "色差明显" in document_body(store_ctx, view.id)
    stored = blob_path(attachment_root(store_ctx.location), view.sha256)
    assert stored.read_bytes() == path.read_bytes()
    assert stored.stat().st_mode & 0o777 == 0o600
    assert stored.parent.stat().st_mode & 0o777 == 0o700
    assert _fts_hits(store_ctx, '"Inspection"') == [view.id]
    assert _fts_hits(store_ctx, '"质检报告"') == [view.id]  # the kind's title is in meta
    assert _fts_hits(store_ctx, '"szshqdzyxgs"') == [view.id]  # customer initials
    assert [doc.id for doc in documents_of_order(store_ctx, view.order_id or 0)] == [view.id]


def test_same_file_twice_is_one_row_and_another_order_reuses_the_blob(
    store_ctx: Any, tmp_path: Path, orders: tuple[str, str]
) -> None:
    path = _write(tmp_path / "in", "cert.txt", "Certificate of origin")
    first = file_documents(store_ctx, [path, path], order_no=orders[0])
    assert [r.status for r in first] == [FILED, DUPLICATE]
    assert first[1].document_id == first[0].document_id
    copy = _write(tmp_path / "elsewhere", "copy.txt", "Certificate of origin")
    (other,) = file_documents(store_ctx, [copy], order_no=orders[1])
    assert other.status == FILED and other.document_id != first[0].document_id
    assert len(_blobs(store_ctx)) == 1
    a, b = (
        get_document(store_ctx, first[0].document_id or 0),
        get_document(store_ctx, other.document_id or 0),
    )
    assert a.sha256 == b.sha256 and b.order_no == orders[1]


def test_export_is_byte_identical_and_never_overwrites(store_ctx: Any, tmp_path: Path) -> None:
    data = bytes(range(256)) * 40 + "装箱单".encode()
    source = tmp_path / "in" / "pl.bin"
    source.parent.mkdir()
    source.write_bytes(data)
    (result,) = file_documents(store_ctx, [source])
    assert result.document_id is not None
    out = tmp_path / "out"
    first = export_document(store_ctx, result.document_id, out)
    second = export_document(store_ctx, result.document_id, out)
    assert first.read_bytes() == data and second.read_bytes() == data
    assert first.name == "pl.bin" and second.name == "pl (2).bin"


def test_escapes_are_refused_while_the_others_are_filed(store_ctx: Any, tmp_path: Path) -> None:
    base = tmp_path / "inbox"
    good = _write(base, "invoice.txt", "Commercial invoice No: INV-1")
    _write(tmp_path, "secret.txt", "not for the archive")
    (base / "link.txt").symlink_to(tmp_path / "secret.txt")
    results = file_documents(
        store_ctx,
        ["invoice.txt", "../secret.txt", "link.txt", "missing.txt", str(good)],
        base_dir=base,
    )
    assert [r.status for r in results] == [FILED, REFUSED, REFUSED, REFUSED, DUPLICATE]
    assert results[1].message_key == "error.document_outside_base"
    assert results[2].message_key == "error.document_link_escapes"
    assert results[3].message_key == "error.file_missing"
    assert results[1].params["path"] == "../secret.txt"
    assert len(_blobs(store_ctx)) == 1


def test_over_the_limit_encrypted_and_corrupt_are_refused(store_ctx: Any, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    big = _write(folder, "big.txt", "x" * 2048)
    small = _write(folder, "small.txt", "ok")
    locked = blank_pdf(folder / "locked.pdf", password="secret")
    corrupt = folder / "broken.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 truncated")
    results = file_documents(store_ctx, [big, small, locked, corrupt, folder], size_limit=1024)
    assert [r.status for r in results] == [REFUSED, FILED, REFUSED, REFUSED, REFUSED]
    assert [r.message_key for r in results if r.status == REFUSED] == [
        "error.document_too_large",
        "error.document_encrypted",
        "error.document_corrupt",
        "error.document_not_a_file",
    ]
    assert len(_blobs(store_ctx)) == 1
    assert not [p for p in attachment_root(store_ctx.location).iterdir() if p.is_file()]


def test_scan_without_text_layer_is_filed_with_its_status(store_ctx: Any, tmp_path: Path) -> None:
    scan = blank_pdf(tmp_path / "scan.pdf")
    os.utime(scan, (1_790_000_000, 1_790_000_000))  # 2026-09-21 in Shanghai
    (result,) = file_documents(store_ctx, [scan])
    view = get_document(store_ctx, result.document_id or 0)
    assert view.text_status == "no_text_layer"
    assert view.doc_date is not None and view.doc_date.isoformat() == "2026-09-21"


def test_refile_reindexes_under_the_new_kind(
    store_ctx: Any, tmp_path: Path, orders: tuple[str, str]
) -> None:
    path = _write(tmp_path / "in", "scan7.txt", "B/L No: COSU6123456780 shipper consignee")
    (result,) = file_documents(store_ctx, [path])
    doc_id = result.document_id or 0
    assert get_document(store_ctx, doc_id).kind == "bill_of_lading"
    assert _fts_hits(store_ctx, '"保险单"') == []
    view = refile_document(store_ctx, doc_id, kind="insurance", order_no=orders[1], title="保单")
    assert (view.kind, view.order_no, view.customer, view.title) == (
        "insurance",
        orders[1],
        "Acme GmbH",
        "保单",
    )
    assert view.fields == {} and view.version == 2
    assert _fts_hits(store_ctx, '"保险单"') == [doc_id]
    assert _fts_hits(store_ctx, '"提单"') == []
    assert _fts_hits(store_ctx, f'"{orders[1]}"') == [doc_id]


def test_bad_batch_arguments_refuse_everything(store_ctx: Any, tmp_path: Path) -> None:
    path = _write(tmp_path / "in", "a.txt", "text")
    with pytest.raises(FollowupError) as caught:
        file_documents(store_ctx, [path], kind="recipe")
    assert caught.value.key == "error.document_kind_unknown"
    with pytest.raises(FollowupError) as caught:
        file_documents(store_ctx, [path], order_no="PO-NOPE")
    assert caught.value.key == "error.order_not_found"
    assert _blobs(store_ctx) == []
    with pytest.raises(FollowupError) as caught:
        get_document(store_ctx, 999)
    assert caught.value.key == "error.document_not_found"


def test_refile_after_the_company_renamed_a_kind_leaves_no_stale_entry(
    store_ctx: Any, tmp_path: Path
) -> None:
    """The index is told exactly what it was given, not what the kinds table says now."""
    from dataclasses import replace

    from followup_tui.domain.archive.documents import DocumentKinds, load_document_kinds

    shipped = load_document_kinds()
    renamed = DocumentKinds(
        shipped.source,
        tuple(
            replace(spec, title_en="Ocean B/L") if spec.key == "bill_of_lading" else spec
            for spec in shipped.kinds
        ),
    )
    path = _write(tmp_path / "in", "scan8.txt", "B/L No: COSU6123456781 shipper consignee")
    (result,) = file_documents(store_ctx, [path])
    doc_id = result.document_id or 0
    assert _fts_hits(store_ctx, '"Bill of lading"') == [doc_id]
    refile_document(store_ctx, doc_id, kind="insurance", kinds=renamed)
    # the old English title left the index although the table now names the kind otherwise
    assert _fts_hits(store_ctx, '"Bill of lading"') == []
    assert _fts_hits(store_ctx, '"保险单"') == [doc_id]


def test_filing_and_refiling_use_the_companys_kinds_without_being_handed_them(
    store_ctx: Any, tmp_path: Path
) -> None:
    """The desk passes no table: the store's company folder decides, as for the CLI."""
    company = tmp_path / "company"
    company.mkdir()
    (company / "document_kinds.toml").write_text(
        '[[kind]]\nkey = "sample_card"\ntitle = { zh_CN = "样品卡", en = "Sample card" }\n'
        'name_patterns = ["^card-"]\n',
        encoding="utf-8",
    )
    store_ctx.company_folder = company
    card = _write(tmp_path / "in", "card-7.txt", "three samples sent")
    packing = _write(tmp_path / "in", "packing-7.txt", "packing list 20 cartons")
    (filed, other) = file_documents(store_ctx, [card, packing])
    assert get_document(store_ctx, filed.document_id or 0).kind == "sample_card"
    moved = refile_document(store_ctx, other.document_id or 0, kind="sample_card")
    assert moved.kind == "sample_card"
