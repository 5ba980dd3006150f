"""Archive search on 1,000,000 synthetic documents: query times, index size, filing.

The store, ``benchmarks/out/archive-1m.db``, is built once and reused (``--fresh``
rebuilds it): an upgraded store, then documents, their text and both FTS5 indexes
written with plain ``executemany`` batches (the same values ``index_document`` writes,
Chinese spaced by ``spaced_cjk``). Bodies are 200-400 characters of mixed Chinese and
English trade vocabulary (色差, 破损, 质检, carton, shipment ...) with PO and B/L numbers;
ids are given in filing order, like the desk does.

* Queries: ``services.search.search(ctx, q)`` (first page of 20 hits with snippets),
  ~200 runs per kind: an English word, a 2-character Chinese word, a 4-character Chinese
  phrase, an order number; median and p95 (targets < 50 ms and < 200 ms). ``count_hits``
  is timed too (info).
* Index size: pages of the FTS5 shadow tables (``dbstat``) against the bytes of the
  indexed text (title, metadata, body as UTF-8); target < 4x.
* Filing 1,000 small text files through ``services.archive.file_documents`` (target
  < 20 s), skipped with a note when that service is not there.

    .venv/bin/python benchmarks/bench_search.py [--fresh] [--docs N] [--quick]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from common import OUT, Figure, contention, median, ms, percentile, print_figures, write_figures

STORE = OUT / "archive-1m.db"
#: What the build indexed (title, metadata and text bytes): metadata is not stored.
SIDECAR = OUT / "archive-1m.json"
DOCS = 1_000_000
BATCH = 5_000
SEED = 11
RUNS = 200
MEDIAN_TARGET_S, P95_TARGET_S, SIZE_TARGET, FILING_TARGET_S = 0.050, 0.200, 4.0, 20.0
START = datetime(2021, 1, 1, tzinfo=UTC)

KINDS = (
    ("commercial_invoice", "商业发票 Commercial invoice"),
    ("packing_list", "装箱单 Packing list"),
    ("qc_report", "质检报告 QC report"),
    ("bill_of_lading", "提单 Bill of lading"),
    ("contract", "合同 Contract"),
    ("email", "邮件 E-mail"),
    ("letter_of_credit", "信用证 Letter of credit"),
    ("certificate_of_origin", "原产地证 Origin"),
)
ZH_WORDS = (
    "色差",
    "破损",
    "质检",
    "包装",
    "外箱",
    "数量",
    "短装",
    "唛头",
    "交期",
    "延误",
    "返工",
    "验货",
    "合格",
    "不良",
    "尺寸",
    "偏差",
    "客户",
    "确认",
    "样品",
    "出货",
    "订舱",
    "报关",
    "清关",
    "付款",
    "发票",
    "装柜",
    "托盘",
    "受潮",
    "划痕",
    "污渍",
    "线头",
    "颜色",
    "面料",
    "工厂",
    "车间",
    "抽检",
    "标准",
    "整改",
    "复检",
    "放行",
    "船期",
    "目的港",
    "集装箱",
    "质量检验",
    "外箱破损",
    "颜色偏差",
    "尺寸超差",
    "包装不良",
    "交货延误",
    "客户投诉",
)
EN_WORDS = (
    "carton",
    "shipment",
    "inspection",
    "defect",
    "colour",
    "shade",
    "damaged",
    "pallet",
    "container",
    "vessel",
    "invoice",
    "payment",
    "sample",
    "approval",
    "quantity",
    "shortage",
    "moisture",
    "scratch",
    "stain",
    "delay",
    "factory",
    "rework",
    "packing",
    "label",
    "buyer",
    "supplier",
    "freight",
    "customs",
    "clearance",
    "booking",
    "port",
    "discharge",
    "loading",
)
CITIES = ("深圳市", "广州市", "宁波市", "义乌市", "东莞市", "厦门市", "青岛市", "苏州市")
SUFFIX = ("电子有限公司", "贸易有限公司", "纺织品有限公司", "五金制品厂", "家居用品有限公司")
QUERIES_ZH2 = ("色差", "破损", "质检", "包装", "短装", "唛头", "返工", "受潮", "划痕", "污渍")
QUERIES_ZH4 = ("质量检验", "外箱破损", "颜色偏差", "尺寸超差", "包装不良", "交货延误", "客户投诉")


def po_number(index: int) -> str:
    return f"PO-{2021 + index % 6}-{index // 6 % 100000:05d}"


def bl_number(rng: random.Random) -> str:
    return f"COSU{rng.randrange(10**9):09d}"


def customers(rng: random.Random) -> list[tuple[str, str]]:
    from followup_tui.domain.text import pinyin_initials

    names = {
        f"{rng.choice(CITIES)}{''.join(rng.sample('华强宏达鑫源盛泰恒丰', 2))}{rng.choice(SUFFIX)}"
        for _ in range(300)
    }
    return [(name, pinyin_initials(name)) for name in sorted(names)]


def body_of(rng: random.Random, order_no: str, bl_no: str) -> str:
    parts: list[str] = []
    size = rng.randint(200, 400)
    length = 0
    while length < size:
        roll = rng.random()
        if roll < 0.45:
            piece = "".join(rng.choices(ZH_WORDS, k=rng.randint(2, 5))) + "，"
        elif roll < 0.85:
            piece = " ".join(rng.choices(EN_WORDS, k=rng.randint(2, 5))) + ". "
        elif roll < 0.93:
            piece = f"订单 {order_no} "
        else:
            piece = f"B/L {bl_no} "
        parts.append(piece)
        length += len(piece)
    return "".join(parts)[:size]


def rows(count: int) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of (document, text, fts, cjk) rows, ids 1..count in filing order."""
    rng = random.Random(SEED)
    names = customers(rng)
    docs: list[tuple[Any, ...]] = []
    for doc_id in range(1, count + 1):
        kind, kind_title = KINDS[rng.randrange(len(KINDS))]
        order_no = po_number(rng.randrange(count // 3 + 1))
        bl_no = bl_number(rng)
        customer, initials = names[rng.randrange(len(names))]
        filed = START + timedelta(seconds=doc_id * 150)
        doc_date = (filed - timedelta(days=rng.randint(0, 20))).date()
        title = f"{kind_title.split()[0]} {order_no}"
        body = body_of(rng, order_no, bl_no)
        filename = f"{kind}-{order_no}.txt"
        meta = f"{kind_title} {order_no} {customer} {initials} {filename} {bl_no} bench {doc_date}"
        docs.append(
            (
                doc_id,
                f"{doc_id:064x}",
                title,
                filename,
                kind,
                kind,
                order_no,
                customer,
                doc_date.isoformat(),
                len(body.encode()),
                "txt",
                "indexed",
                f'{{"bl_no": "{bl_no}"}}',
                filed.strftime("%Y-%m-%d %H:%M:%S.000000"),
                "bench",
                1,
                body,
                meta,
            )
        )
        if len(docs) == BATCH:
            yield docs
            docs = []
    if docs:
        yield docs


def build(count: int) -> float:
    from followup_tui.services.archive.index import spaced_cjk
    from followup_tui.store import schema
    from followup_tui.store.location import parse_store
    from followup_tui.store.unit_of_work import open_store

    for suffix in ("", "-wal", "-shm"):
        Path(f"{STORE}{suffix}").unlink(missing_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    ctx = open_store(parse_store(str(STORE)), actor="bench")
    schema.upgrade(ctx.engine)
    ctx.dispose()
    started = time.perf_counter()
    connection = sqlite3.connect(STORE, isolation_level=None)
    connection.executescript(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-400000;"
    )
    connection.execute("BEGIN")
    done = indexed = 0
    for batch in rows(count):
        indexed += sum(len(f"{row[2]}{row[16]}{row[17]}".encode()) for row in batch)
        connection.executemany(
            "INSERT INTO documents (id, sha256, title, filename, kind, kind_guessed, order_no,"
            " customer_name, doc_date, size, extension, text_status, fields, filed_at, filed_by,"
            " version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [row[:16] for row in batch],
        )
        connection.executemany(
            "INSERT INTO document_texts (document_id, body) VALUES (?, ?)",
            [(row[0], row[16]) for row in batch],
        )
        connection.executemany(
            "INSERT INTO documents_fts (rowid, title, meta, body) VALUES (?, ?, ?, ?)",
            [(row[0], row[2], row[17], row[16]) for row in batch],
        )
        connection.executemany(
            "INSERT INTO documents_cjk (rowid, title, meta, body) VALUES (?, ?, ?, ?)",
            [
                (row[0], spaced_cjk(row[2]), spaced_cjk(row[17]), spaced_cjk(row[16]))
                for row in batch
            ],
        )
        done += len(batch)
        if done % 100_000 == 0:
            print(f"  {done} documents, {time.perf_counter() - started:.0f} s", flush=True)
    connection.execute("COMMIT")
    for table in ("documents_fts", "documents_cjk"):
        connection.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.close()
    SIDECAR.write_text(json.dumps({"documents": count, "indexed_bytes": indexed}))
    return time.perf_counter() - started


def stored_count() -> int:
    if not STORE.exists():
        return 0
    with sqlite3.connect(f"file:{STORE}?mode=ro", uri=True) as connection:
        value = connection.execute("SELECT max(id) FROM documents").fetchone()[0]
    connection.close()
    return int(value or 0)


def sizes() -> tuple[int, int]:
    """(bytes of the FTS shadow tables, bytes of the indexed text: title, meta, body)."""
    connection = sqlite3.connect(f"file:{STORE}?mode=ro", uri=True)
    index = connection.execute(
        "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'documents_fts%'"
        " OR name LIKE 'documents_cjk%'"
    ).fetchone()[0]
    connection.close()
    return int(index), int(json.loads(SIDECAR.read_text())["indexed_bytes"])


def timed(call: Callable[[], Any], runs: int) -> list[float]:
    call()  # warm the page cache for this query kind
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def measure_kind(ctx: Any, label: str, queries: list[str]) -> list[Figure]:
    """Page and count times of one kind of query."""
    from followup_tui.services.archive.search import count_hits, search

    pending = iter(queries)
    hits: list[int] = []

    def one() -> None:
        hits.append(len(search(ctx, next(pending, queries[0])).hits))

    times = timed(one, len(queries))
    counted = timed(lambda: count_hits(ctx, queries[0]), max(5, len(queries) // 20))
    passed = median(times) < MEDIAN_TARGET_S and percentile(times, 0.95) < P95_TARGET_S
    print(
        f"  {label}: page median {ms(median(times))}, p95 {ms(percentile(times, 0.95))}, "
        f"max {ms(max(times))}; {min(hits)}-{max(hits)} hits a page; count_hits("
        f"{queries[0]!r}) = {count_hits(ctx, queries[0])} in {ms(median(counted))}"
    )
    return [
        Figure(
            f"search {label}, page of 20 (median / p95)",
            f"{ms(median(times))} / {ms(percentile(times, 0.95))}",
            "< 50 ms / < 200 ms",
            passed,
        ),
        Figure(f"search {label}, count (median)", ms(median(counted)), "info", None),
    ]


def measure(count: int, runs: int) -> list[Figure]:
    from followup_tui.store.location import parse_store
    from followup_tui.store.unit_of_work import open_store

    ctx = open_store(parse_store(str(STORE)), actor="bench", read_only=True)
    rng = random.Random(5)
    english = [rng.choice(EN_WORDS) for _ in range(runs)]
    zh2 = [rng.choice(QUERIES_ZH2) for _ in range(runs)]
    zh4 = [rng.choice(QUERIES_ZH4) for _ in range(runs)]
    orders = [po_number(rng.randrange(count // 3)) for _ in range(runs)]
    figures: list[Figure] = []
    for label, queries in (
        ("English word", english),
        ("2-char Chinese", zh2),
        ("4-char Chinese", zh4),
        ("order number", orders),
        ("mixed 深圳市 质检", ["深圳市 质检"] * runs),
    ):
        figures += measure_kind(ctx, label, queries)
    ctx.dispose()
    return figures


def filing() -> Figure:
    try:
        from followup_tui.services.archive.filing import file_documents
    except ImportError:
        print("  filing: services.archive.file_documents is not there yet; skipped")
        return Figure("filing 1,000 text files", "skipped (no file_documents)", "< 20 s", None)
    from followup_tui.store import schema
    from followup_tui.store.location import parse_store
    from followup_tui.store.unit_of_work import open_store

    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        base = Path(folder)
        rng = random.Random(3)
        paths = []
        for number in range(1000):
            path = base / "in" / f"qc-{number:04d}.txt"
            path.parent.mkdir(exist_ok=True)
            path.write_text(body_of(rng, po_number(number), bl_number(rng)), encoding="utf-8")
            paths.append(path)
        ctx = open_store(parse_store(str(base / "filing.db")), actor="bench")
        schema.upgrade(ctx.engine)
        started = time.perf_counter()
        file_documents(ctx, paths)
        seconds = time.perf_counter() - started
        ctx.dispose()
    print(f"  filing 1,000 files: {seconds:.1f} s")
    return Figure(
        "filing 1,000 text files", f"{seconds:.1f} s", "< 20 s", seconds < FILING_TARGET_S
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="rebuild archive-1m.db")
    parser.add_argument("--docs", type=int, default=DOCS, help="documents to build")
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a smoke test")
    options = parser.parse_args()
    print(f"  machine before: {contention()}")
    figures: list[Figure] = []
    count = stored_count()
    if options.fresh or count != options.docs:
        seconds = build(options.docs)
        count = stored_count()
        print(f"  built {count} documents in {seconds:.0f} s")
        figures.append(
            Figure(f"archive build ({count} documents)", f"{seconds:.0f} s", "info", None)
        )
    else:
        print(f"  reusing {STORE.name}: {count} documents")
    figures += measure(count, 20 if options.quick else RUNS)
    index, text_bytes = sizes()
    ratio = index / text_bytes
    print(f"  index {index / 2**20:.0f} MiB, text {text_bytes / 2**20:.0f} MiB: {ratio:.2f}x")
    figures.append(
        Figure(
            "search indexes / text size",
            f"{ratio:.2f}x",
            f"< {SIZE_TARGET:.0f}x",
            ratio < SIZE_TARGET,
        )
    )
    figures.append(filing())
    print(f"  machine after: {contention()}  ({date.today()})\n")
    print_figures(figures)
    write_figures("search", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
