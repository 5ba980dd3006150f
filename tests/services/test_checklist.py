"""An order's document checklist, waivers, and the refusal to ship without documents.

Documents are filed through the archive's own service, so the checklist sees what a
clerk's filing writes; the gate is exercised through ``advance_order`` and
``bulk_advance``, the moves the desk and the CLI make.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from followup_tui.domain.archive.doc_rules import DOCUMENT_RULES_FILE
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders.lifecycle import OrderStatus
from followup_tui.domain.orders.rules import OrderDraft
from followup_tui.services.archive.checklist import order_checklist, waive_documents
from followup_tui.services.archive.filing import file_documents
from followup_tui.services.orders.entry import create_order, get_order
from followup_tui.services.orders.flow import advance_order, bulk_advance
from followup_tui.store.archive_models import DocumentWaiver
from followup_tui.store.models import ChangeLog
from followup_tui.store.unit_of_work import StoreContext

from .cli_kit import run
from .test_cli_orders import add, ok_json

MakeDraft = Callable[..., OrderDraft]
LC_CIF = (
    "commercial_invoice",
    "packing_list",
    "bill_of_lading",
    "letter_of_credit",
    "certificate_of_origin",
    "insurance",
)


def packed(store_ctx: StoreContext, make_draft: MakeDraft, **terms: str) -> int:
    """An order advanced to packed, one step before shipping."""
    draft = make_draft(confirmed_date=date(2026, 4, 20), **terms)
    order_id = create_order(store_ctx, draft).id
    advance_order(store_ctx, order_id, OrderStatus.PACKED)
    return order_id


def file_kind(store_ctx: StoreContext, tmp_path: Path, order_id: int, kind: str) -> int:
    order_no = get_order(store_ctx, order_id).order.order_no
    path = tmp_path / f"{order_no}-{kind}.txt"
    path.write_text(f"{kind} for {order_no}\n", encoding="utf-8")
    (result,) = file_documents(store_ctx, [path], order_no=order_no, kind=kind)
    assert result.status == "filed" and result.document_id is not None
    return result.document_id


def state(store_ctx: StoreContext, order_id: int) -> tuple[str, int, int]:
    order = get_order(store_ctx, order_id).order
    with store_ctx.read() as session:
        logged = session.scalar(select(func.count()).select_from(ChangeLog)) or 0
    return order.status, order.version, logged


def test_present_and_missing_follow_what_is_filed(
    store_ctx: StoreContext, make_draft: MakeDraft, tmp_path: Path
) -> None:
    order_id = packed(store_ctx, make_draft, incoterm="CIF", payment_terms="L/C")
    before = order_checklist(store_ctx, order_id)
    assert before.required == LC_CIF
    assert before.missing == LC_CIF and not before.present and not before.complete

    invoice = file_kind(store_ctx, tmp_path, order_id, "commercial_invoice")
    qc = file_kind(store_ctx, tmp_path, order_id, "qc_report")  # on file, not required
    after = order_checklist(store_ctx, order_id)
    assert after.present == {"commercial_invoice": (invoice,), "qc_report": (qc,)}
    assert after.missing == LC_CIF[1:]


def test_shipping_with_missing_documents_is_refused_and_changes_nothing(
    store_ctx: StoreContext, make_draft: MakeDraft, tmp_path: Path
) -> None:
    order_id = packed(store_ctx, make_draft)  # FOB, T/T: invoice, packing list, B/L
    file_kind(store_ctx, tmp_path, order_id, "commercial_invoice")
    before = state(store_ctx, order_id)
    attempts: tuple[Callable[[], object], ...] = (
        lambda: advance_order(store_ctx, order_id),
        lambda: advance_order(store_ctx, order_id, OrderStatus.SHIPPED),
        lambda: advance_order(store_ctx, order_id, OrderStatus.DELIVERED),  # no skipping past
    )
    for attempt in attempts:
        with pytest.raises(FollowupError) as caught:
            attempt()
        assert caught.value.key == "error.documents_missing"
        assert caught.value.field == "status"
        assert caught.value.params["kinds"] == "packing_list, bill_of_lading"
        assert caught.value.params["order"] == get_order(store_ctx, order_id).order.order_no
        assert state(store_ctx, order_id) == before

    file_kind(store_ctx, tmp_path, order_id, "packing_list")
    file_kind(store_ctx, tmp_path, order_id, "bill_of_lading")
    assert advance_order(store_ctx, order_id).status == "shipped"


def test_a_waiver_lets_the_order_ship_and_is_audited(
    store_ctx: StoreContext, make_draft: MakeDraft, tmp_path: Path
) -> None:
    store_ctx.supervisors = frozenset({"tester"})
    order_id = packed(store_ctx, make_draft)
    file_kind(store_ctx, tmp_path, order_id, "commercial_invoice")
    waiver = waive_documents(
        store_ctx, order_id, ["bill_of_lading", "packing_list"], "正本提单随船，客户同意"
    )
    assert waiver.kinds == ("packing_list", "bill_of_lading")  # checklist order
    assert waiver.waived_by == "tester"
    checklist = order_checklist(store_ctx, order_id)
    assert checklist.missing == () and checklist.complete
    assert set(checklist.waived) == {"packing_list", "bill_of_lading"}
    assert checklist.waived["bill_of_lading"].reason == "正本提单随船，客户同意"
    assert advance_order(store_ctx, order_id).status == "shipped"
    with store_ctx.read() as session:
        logged = session.scalars(
            select(ChangeLog).where(ChangeLog.entity == "document_waiver")
        ).all()
    assert [(row.entity_id, row.action, row.actor) for row in logged] == [
        (waiver.id, "insert", "tester")
    ]


def test_a_waiver_needs_a_supervisor_when_the_desk_has_some(
    store_ctx: StoreContext, make_draft: MakeDraft
) -> None:
    order_id = packed(store_ctx, make_draft)
    store_ctx.supervisors = frozenset({"wang.boss", "zhao.lead"})
    with pytest.raises(FollowupError) as caught:
        waive_documents(store_ctx, order_id, ["bill_of_lading"], "客户同意")
    assert caught.value.key == "error.waiver_needs_supervisor"
    assert caught.value.params["supervisors"] == "wang.boss, zhao.lead"
    with store_ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(DocumentWaiver)) == 0


@pytest.mark.parametrize(
    ("kinds", "reason", "key"),
    [
        pytest.param(["bill_of_lading"], "   ", "error.required", id="no-reason"),
        pytest.param([], "ok", "error.required", id="no-kinds"),
        pytest.param(["bill_of_landing"], "ok", "error.waiver_kind_unknown", id="typo-kind"),
    ],
)
def test_a_bad_waiver_is_refused(
    store_ctx: StoreContext, make_draft: MakeDraft, kinds: list[str], reason: str, key: str
) -> None:
    order_id = packed(store_ctx, make_draft)
    with pytest.raises(FollowupError) as caught:
        waive_documents(store_ctx, order_id, kinds, reason)
    assert caught.value.key == key


def test_bulk_advance_refuses_only_the_order_without_documents(
    store_ctx: StoreContext, make_draft: MakeDraft, tmp_path: Path
) -> None:
    ready = packed(store_ctx, make_draft, incoterm="DDP")
    ready_no = get_order(store_ctx, ready).order.order_no
    (result,) = file_documents(  # a DDP order in CNY needs the invoice only
        store_ctx, [_text(tmp_path, "inv.txt")], order_no=ready_no, kind="commercial_invoice"
    )
    assert result.status == "filed"
    create_cny = make_draft(
        confirmed_date=date(2026, 4, 20), incoterm="DDP", line={"currency": "CNY"}
    )
    domestic = create_order(store_ctx, create_cny).id
    advance_order(store_ctx, domestic, OrderStatus.PACKED)
    file_kind(store_ctx, tmp_path, domestic, "commercial_invoice")
    lacking = packed(store_ctx, make_draft)
    early = create_order(store_ctx, make_draft(confirmed_date=date(2026, 4, 20))).id

    outcome = bulk_advance(store_ctx, [ready, domestic, lacking, early])
    lacking_no = get_order(store_ctx, lacking).order.order_no
    assert [step.order_id for step in outcome.done] == [domestic, early]
    refused = {no: (key, params["kinds"]) for no, key, params in outcome.refused}
    assert refused[lacking_no] == (
        "error.documents_missing",
        "commercial_invoice, packing_list, bill_of_lading",
    )
    assert refused[ready_no][1] == "packing_list"  # DDP in USD is an export
    assert get_order(store_ctx, domestic).order.status == "shipped"
    assert get_order(store_ctx, lacking).order.status == "packed"
    assert get_order(store_ctx, early).order.status == "materials"


def test_a_company_that_does_not_block_still_sees_its_checklist(
    store_ctx: StoreContext, make_draft: MakeDraft, tmp_path: Path
) -> None:
    config = Path(tmp_path / "company")
    config.mkdir(parents=True, exist_ok=True)
    (config / DOCUMENT_RULES_FILE).write_text(
        '[settings]\nblock_shipping = false\n[[rule]]\nkey = "qc"\nrequires = ["qc_report"]\n',
        encoding="utf-8",
    )
    # the folder of the settings file the desk was opened with (DeskSettings passes it)
    store_ctx.company_folder = config
    order_id = packed(store_ctx, make_draft)
    checklist = order_checklist(store_ctx, order_id)
    assert checklist.missing == ("qc_report",) and not checklist.block_shipping
    assert advance_order(store_ctx, order_id).status == "shipped"


def _text(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text(f"{name}\n", encoding="utf-8")
    return path


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An English terminal wide enough for a table, settings and store in tmp_path."""
    monkeypatch.setenv("FOLLOWUP_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("FOLLOWUP_DATA_DIR", str(tmp_path / "data"))
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def test_the_cli_shows_waives_and_bundles(
    cli_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``followup archive checklist | waive | bundle`` through ``main``, in both languages."""
    tmp_path = cli_home
    order_no = add(capsys, "Acme GmbH", "--confirmed", "2026-02-25")["order_no"]
    assert ok_json(capsys, "order", "advance", order_no, "--to", "packed")
    code, _, err = run(capsys, "order", "advance", order_no)
    assert code == 1 and "documents missing" in err and "packing" in err.lower()

    listed = ok_json(capsys, "archive", "checklist", order_no)
    assert isinstance(listed, dict)
    assert listed["missing"] == ["commercial_invoice", "packing_list", "bill_of_lading"]
    code, out, _ = run(capsys, "--lang", "zh_CN", "archive", "checklist", order_no)
    assert code == 0 and "单据清单" in out

    code, _, err = run(capsys, "archive", "waive", order_no, "--kind", "insurance")
    assert code == 2  # --reason is required: a usage error
    args = (
        "archive",
        "waive",
        order_no,
        "--kind",
        "commercial_invoice",
        "--kind",
        "packing_list",
        "--kind",
        "bill_of_lading",
        "--reason",
        "paper originals",
    )
    code, out, err = run(capsys, *args)
    assert code == 0, err
    assert ok_json(capsys, "archive", "checklist", order_no)["missing"] == []  # type: ignore[index]
    assert ok_json(capsys, "order", "advance", order_no)

    dest = tmp_path / "audit"
    dest.mkdir()
    code, out, err = run(capsys, "archive", "bundle", order_no, str(dest))
    assert code == 0, err
    assert [p.name for p in dest.iterdir()] == [
        next(p.name for p in dest.iterdir() if p.name.startswith(f"{order_no}-audit-"))
    ]
    code, _, err = run(capsys, "archive", "bundle", order_no, str(tmp_path / "nowhere"))
    assert code == 1 and "not a folder" in err
