"""The demo's filed documents: QC reports, packing lists, invoices, bills of lading,
contracts and customer e-mails, small text files in both languages.

They are filed inside the demo's own transaction through the filing service's pieces
(``store_blob`` for the file, ``document_meta`` and ``index_document`` for the search
indexes, the kinds table for the fields), not through ``file_documents``: that opens a
unit of work per file and would make the demo wait on hundreds of commits. The number
of documents is bounded (``MAX_DOCUMENTS``) whatever the number of orders, so a
million-order demo spends well under a second here. Every fourth export order is left
without its bill of lading or invoice, so the checklist has gaps to show.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, insert, select

from followup_tui.demo.bulk import next_id
from followup_tui.demo.catalog import table_of
from followup_tui.domain.archive.documents import DocumentKinds, extract_fields, load_document_kinds
from followup_tui.services.archive.filing import document_meta
from followup_tui.services.archive.index import index_document
from followup_tui.store.archive_models import Document, DocumentText
from followup_tui.store.attachments import store_blob
from followup_tui.store.models import Customer, Order

#: Documents at most, for any size of demo (the default 300 orders get about this many).
MAX_DOCUMENTS = 300
#: Orders given documents: a fifth of the default demo, capped so the total stays bounded.
MAX_ORDERS = 60
#: Statuses whose goods were inspected, packed or shipped: they have paperwork.
_INSPECTED = ("qc", "packed", "shipped", "in_transit", "delivered", "accepted", "closed")
_PACKED = ("packed", "shipped", "in_transit", "delivered", "accepted", "closed")
_SHIPPED = ("shipped", "in_transit", "delivered", "accepted", "closed")

_QC_FINDINGS = (
    "外观检查：色差明显，与封样不一致，需返工。",
    "外观良好，无色差；两箱纸箱轻微破损，已更换外箱。",
    "抽检 AQL 2.5：发现 3 件划伤，1 件破损，判定合格。",
    "尺寸、功能测试合格；包装唛头与客户要求一致。",
    "外观有轻微色差，客户已书面确认可以接受。",
)
_MAIL_LINES = (
    "Please confirm the shipment date and send the draft B/L for checking.",
    "We noticed a shade difference (色差) on the last lot; please check before packing.",
    "Kindly send the commercial invoice and packing list for customs clearance.",
    "Two cartons arrived damaged (破损); photos attached for your reference.",
)


@dataclass(frozen=True)
class _OrderRow:
    id: int
    order_no: str
    customer_id: int
    customer: str
    status: str
    currency: str
    incoterm: str
    payment_terms: str
    order_date: date


@dataclass(frozen=True)
class _Draft:
    kind: str
    filename: str
    title: str
    body: str
    doc_date: date


def _chosen_orders(connection: Connection, rng: random.Random) -> list[_OrderRow]:
    """Orders far enough along to have paperwork, sampled reproducibly."""
    orders = table_of(Order)
    customers = table_of(Customer)
    query = (
        select(
            orders.c.id,
            orders.c.order_no,
            orders.c.customer_id,
            customers.c.name,
            orders.c.status,
            orders.c.currency,
            orders.c.incoterm,
            orders.c.payment_terms,
            orders.c.order_date,
        )
        .join(customers, customers.c.id == orders.c.customer_id)
        .where(orders.c.status.in_(_INSPECTED))
        .order_by(orders.c.id)
        .limit(MAX_ORDERS * 20)
    )
    rows = [_OrderRow(*row) for row in connection.execute(query)]
    return sorted(rng.sample(rows, min(len(rows), MAX_ORDERS)), key=lambda row: row.id)


def _drafts(order: _OrderRow, index: int, rng: random.Random) -> Iterator[_Draft]:
    """The documents of one order, by how far it has come; some left out on purpose."""
    serial = order.order_no.rsplit("-", 1)[-1]
    day = order.order_date
    export = order.currency != "CNY"
    gap = export and index % 4 == 0  # an export order with a document still to come
    finding = rng.choice(_QC_FINDINGS)
    yield _Draft(
        "qc_report",
        f"QC-{serial}.txt",
        f"质检报告 {order.order_no}",
        f"质检报告 QC inspection report\n订单号：{order.order_no}\n客户：{order.customer}\n"
        f"检验日期：{(day + timedelta(days=20)).isoformat()}\n{finding}\n检验员：王工\n",
        day + timedelta(days=20),
    )
    if order.status in _PACKED:
        cartons = rng.randint(8, 60)
        yield _Draft(
            "packing_list",
            f"PL-{serial}.txt",
            f"Packing list {order.order_no}",
            f"装箱单 PACKING LIST\nOrder: {order.order_no}\nConsignee: {order.customer}\n"
            f"箱数 cartons: {cartons}\nGross weight 毛重: {cartons * 18} kg\n"
            f"Net weight 净重: {cartons * 16} kg\n",
            day + timedelta(days=25),
        )
        if not (gap and index % 8 == 0):
            invoice_no = f"INV-{day.year}-{serial}"
            yield _Draft(
                "commercial_invoice",
                f"{invoice_no}.txt",
                f"Commercial invoice {invoice_no}",
                f"COMMERCIAL INVOICE 商业发票\nInvoice No: {invoice_no}\n"
                f"Order: {order.order_no}\nBuyer: {order.customer}\n"
                f"Terms: {order.incoterm} / {order.payment_terms}\n"
                f"Total amount: {order.currency} {rng.randint(2, 90) * 1000:,}.00\n",
                day + timedelta(days=26),
            )
    if order.status in _SHIPPED and export and not gap:
        bl_no = f"COSU{6_000_000_000 + order.id * 7919 % 1_000_000_000}"
        yield _Draft(
            "bill_of_lading",
            f"BL-{serial}.txt",
            f"B/L {bl_no}",
            f"BILL OF LADING 提单\nB/L No: {bl_no}\nShipper: 本公司\n"
            f"Consignee: {order.customer}\nPort of loading: Ningbo\nVessel: COSCO STAR\n"
            f"Order: {order.order_no}\n",
            day + timedelta(days=30),
        )
    if export and index % 3 == 0:
        yield _Draft(
            "email",
            f"mail-{serial}.eml",
            f"Re: order {order.order_no}",
            f"From: buyer@example.com\nSubject: Re: order {order.order_no}\n\n"
            f"Dear Li Na,\n\n{rng.choice(_MAIL_LINES)}\n\nBest regards\n{order.customer}\n",
            day + timedelta(days=22),
        )


def plan_demo_documents(
    connection: Connection,
    attachments: Path,
    actor: str,
    now: datetime,
    *,
    orders: int,
    seed: int,
    kinds: DocumentKinds | None = None,
) -> dict[str, int]:
    """File the demo's documents for some of its orders; the rows added per table."""
    counts = {"documents": 0, "document_texts": 0}
    if not orders:
        return counts
    rng = random.Random(seed * 7727 + 5)
    table = kinds if kinds is not None else load_document_kinds()
    documents: list[dict[str, object]] = []
    texts: list[dict[str, object]] = []
    first = next_id(connection, table_of(Document))
    with tempfile.TemporaryDirectory(prefix="followup-demo-") as scratch:
        source = Path(scratch) / "document"
        for index, order in enumerate(_chosen_orders(connection, rng)):
            for draft in _drafts(order, index, rng):
                if len(documents) >= MAX_DOCUMENTS:
                    break
                source.write_text(draft.body, encoding="utf-8")
                sha, size, _stored = store_blob(attachments, source)
                spec = table.get(draft.kind)
                fields = extract_fields(draft.body, spec)
                document_id = first + len(documents)
                documents.append(
                    {
                        "id": document_id,
                        "sha256": sha,
                        "title": draft.title,
                        "filename": draft.filename,
                        "kind": draft.kind,
                        "kind_guessed": draft.kind,
                        "order_id": order.id,
                        "order_no": order.order_no,
                        "customer_id": order.customer_id,
                        "customer_name": order.customer,
                        "doc_date": draft.doc_date,
                        "size": size,
                        "extension": draft.filename.rsplit(".", 1)[-1],
                        "text_status": "indexed",
                        "fields": json.dumps(fields, ensure_ascii=False, sort_keys=True),
                        "filed_at": now,
                        "filed_by": actor,
                        "version": 1,
                    }
                )
                meta = document_meta(
                    kind_titles=(spec.title_zh_CN, spec.title_en),
                    order_no=order.order_no,
                    customer_name=order.customer,
                    filename=draft.filename,
                    fields=fields,
                    filed_by=actor,
                    doc_date=draft.doc_date,
                )
                texts.append({"document_id": document_id, "body": draft.body, "indexed_meta": meta})
                index_document(connection, document_id, draft.title, meta, draft.body)
    if documents:
        connection.execute(insert(table_of(Document)), documents)
        connection.execute(insert(table_of(DocumentText)), texts)
    counts.update(documents=len(documents), document_texts=len(texts))
    return counts
