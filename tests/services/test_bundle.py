"""The audit bundle: one zip with an index of everything about the order, the originals
byte for byte, the data as JSON; a bad destination is refused and nothing half-written
is ever left in the folder."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders.lifecycle import OrderStatus
from followup_tui.domain.orders.rules import OrderDraft
from followup_tui.render.audit_index import audit_index
from followup_tui.services.archive import bundle as bundle_module
from followup_tui.services.archive.bundle import audit_bundle
from followup_tui.services.archive.checklist import waive_documents
from followup_tui.services.archive.filing import file_documents
from followup_tui.services.orders.entry import create_order
from followup_tui.services.orders.flow import add_note, advance_order
from followup_tui.store.unit_of_work import StoreContext

MakeDraft = Callable[..., OrderDraft]
PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n binary \x00\x01\x02 scan of the B/L\n"


def shipped_order(
    store_ctx: StoreContext, make_draft: MakeDraft, tmp_path: Path
) -> tuple[int, str, dict[str, bytes]]:
    order = create_order(store_ctx, make_draft(confirmed_date=date(2026, 4, 20)))
    advance_order(store_ctx, order.id, OrderStatus.PACKED)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    files = {
        "发票 INV-0042.txt": "Commercial invoice INV-0042\n金额 USD 1,500.00\n".encode(),
        "packing list.csv": b"carton,qty\n1,600\n2,600\n",
        "bl-scan.bin": PDF_BYTES,
    }
    kinds = ["commercial_invoice", "packing_list", "bill_of_lading"]
    for (name, data), kind in zip(files.items(), kinds, strict=True):
        (inbox / name).write_bytes(data)
        (result,) = file_documents(store_ctx, [inbox / name], order_no=order.order_no, kind=kind)
        assert result.status == "filed", result
    add_note(store_ctx, order.id, "客户来电：确认唛头", "call")
    waive_documents(store_ctx, order.id, ["insurance"], "买方自保")
    advance_order(store_ctx, order.id)
    return order.id, order.order_no, files


def test_the_bundle_holds_the_index_the_originals_and_the_history(
    store_ctx: StoreContext, make_draft: MakeDraft, tmp_path: Path
) -> None:
    order_id, order_no, files = shipped_order(store_ctx, make_draft, tmp_path)
    dest = tmp_path / "out"
    dest.mkdir()
    path = audit_bundle(store_ctx, order_id, dest, index=audit_index)
    assert path == dest / f"{order_no}-audit-{store_ctx.today().isoformat()}.zip"
    assert sorted(p.name for p in dest.iterdir()) == [path.name]  # no temporary left

    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        index = archive.read("index.txt").decode("utf-8")
        page = archive.read("index.html").decode("utf-8")
        documents = json.loads(archive.read("data/documents.json"))
        history = json.loads(archive.read("data/history.json"))
        checklist = json.loads(archive.read("data/checklist.json"))
        originals = {name: archive.read(name) for name in names if name.startswith("documents/")}
    assert {
        "index.txt",
        "index.html",
        "data/order.json",
        "data/notes.json",
        "data/milestones.json",
        "data/complaints.json",
    } <= set(names)
    assert len(documents) == len(files) == len(originals)
    for document in documents:
        original = files[document["filename"]]
        assert originals[document["archived_as"]] == original  # byte-identical
        assert document["sha256"] == hashlib.sha256(original).hexdigest()
        assert document["sha256"] in index and document["sha256"] in page
        assert document["title"] in index
    assert order_no in index and "客户来电：确认唛头" in index
    # the history has the order's moves, the filings and the waiver
    entities = {change["entity"] for change in history}
    assert {"order", "document", "document_waiver", "note"} <= entities
    moves = [c["diff"]["status"] for c in history if "status" in c["diff"]]
    assert moves[-1] == ["packed", "shipped"]
    assert "packed → shipped" in index or '"status": ["packed", "shipped"]' in index
    assert checklist["missing"] == [] and checklist["present"]["bill_of_lading"]
    assert "<script" not in page


def test_a_destination_that_is_not_a_writable_folder_is_refused(
    store_ctx: StoreContext, make_draft: MakeDraft, tmp_path: Path
) -> None:
    order_id = create_order(store_ctx, make_draft()).id
    a_file = tmp_path / "not-a-folder.zip"
    a_file.write_bytes(b"")
    for dest in (a_file, tmp_path / "absent"):
        with pytest.raises(FollowupError) as caught:
            audit_bundle(store_ctx, order_id, dest, index=audit_index)
        assert caught.value.key == "error.bundle_dest_not_folder"
        assert caught.value.params["path"] == str(dest)
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(FollowupError) as caught:
            audit_bundle(store_ctx, order_id, locked, index=audit_index)
        assert caught.value.key == "error.bundle_dest_not_writable"


def test_a_failure_half_way_leaves_no_partial_zip(
    store_ctx: StoreContext,
    make_draft: MakeDraft,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order_id, _order_no, _files = shipped_order(store_ctx, make_draft, tmp_path)
    dest = tmp_path / "out"
    dest.mkdir()
    real = bundle_module._write_zip

    def disk_full(handle: object, contents: object, index: object) -> None:
        real(handle, contents, index)  # type: ignore[arg-type]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bundle_module, "_write_zip", disk_full)
    with pytest.raises(FollowupError) as caught:
        audit_bundle(store_ctx, order_id, dest, index=audit_index)
    assert caught.value.key == "error.bundle_write_failed"
    assert list(dest.iterdir()) == []

    def interrupted(handle: object, contents: object, index: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(bundle_module, "_write_zip", interrupted)
    with pytest.raises(KeyboardInterrupt):
        audit_bundle(store_ctx, order_id, dest, index=audit_index)
    assert list(dest.iterdir()) == []


def test_an_unknown_order_is_refused_before_anything_is_written(
    store_ctx: StoreContext, tmp_path: Path
) -> None:
    with pytest.raises(FollowupError):
        audit_bundle(store_ctx, 9999, tmp_path, index=audit_index)
    assert list(tmp_path.glob("*.zip")) == [] and list(tmp_path.glob(".bundle-*")) == []


def test_the_index_tells_the_history_as_the_desk_does(
    store_ctx: StoreContext, make_draft: MakeDraft, tmp_path: Path
) -> None:
    """Labelled fields, old → new, the shipment's booking, and desk time (the store's
    clock stands at 01:30 UTC, 09:30 in Shanghai), never the raw diff in UTC."""
    from followup_tui.services.timeline.events import add_shipment

    order_id, _order_no, _files = shipped_order(store_ctx, make_draft, tmp_path)
    add_shipment(store_ctx, order_id, carrier="中远海运", mode="sea", tracking_no="COSU123")
    dest = tmp_path / "out"
    dest.mkdir()
    path = audit_bundle(store_ctx, order_id, dest, index=audit_index)
    with zipfile.ZipFile(path) as archive:
        index = archive.read("index.txt").decode("utf-8")
    history = index.split("Change history\n", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert "2026-03-02 09:30  tester  shipment created" in history
    assert "    Carrier: 中远海运" in history
    assert "    Tracking no.: COSU123" in history
    assert "    Status: packed → shipped" in history
    assert "2026-03-02 09:30  tester  document waiver created" in history
    assert not any('": [' in line or "+00:00" in line for line in history)
    assert "times are Asia/Shanghai time" in index
