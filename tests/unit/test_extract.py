"""Text extraction per format, from small files the tests write, and kind guessing.

Each format the archive reads gets a file made here (no fixtures on disk), so a reader
of the test sees exactly what the extraction was given; the refusals (encrypted,
corrupt) must be ``FollowupError``s naming the file, never a traceback.
"""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest

from followup_tui.domain.archive.documents import (
    extract_fields,
    guess_kind,
    kinds_from_text,
    load_document_kinds,
)
from followup_tui.domain.errors import FollowupError
from followup_tui.services.archive.extract import date_in_text, decode_text, extract_text


def pdf_with_text(text: str) -> bytes:
    """A minimal one-page PDF whose content stream draws ``text`` (ASCII) in Helvetica."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /CreationDate (D:20261120093000+08'00') /Title (Invoice INV-77) >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def blank_pdf(path: Path, *, password: str | None = None) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if password is not None:
        writer.encrypt(password)
    with path.open("wb") as out:
        writer.write(out)
    return path


def test_plain_text_markdown_and_csv(tmp_path: Path) -> None:
    txt = tmp_path / "note.txt"
    txt.write_text("验货报告 色差明显\n日期 2026年11月20日\n", encoding="utf-8")
    md = tmp_path / "readme.md"
    md.write_text("# Packing list\n\nCartons: 40\n", encoding="utf-8")
    csv = tmp_path / "lines.csv"
    csv.write_bytes("品名,数量\nLED 灯条,1200\n".encode("gb18030"))
    got = extract_text(txt)
    assert got.status == "indexed" and "色差" in got.text
    assert got.doc_date == date(2026, 11, 20)
    assert "Cartons" in extract_text(md).text
    assert "灯条" in extract_text(csv).text
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert extract_text(empty).status == "none"


def test_workbook_cells_are_text(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "装箱"
    sheet.append(["Packing list", "PO-2026-00123"])
    sheet.append(["毛重", 12.5, date(2026, 11, 3)])
    path = tmp_path / "pl.xlsx"
    book.save(path)
    got = extract_text(path)
    assert got.status == "indexed"
    assert "PO-2026-00123" in got.text and "毛重\t12.5\t2026-11-03" in got.text
    assert got.doc_date == date(2026, 11, 3)


def test_pdf_text_layer_date_and_title(tmp_path: Path) -> None:
    path = tmp_path / "inv.pdf"
    path.write_bytes(pdf_with_text("Commercial Invoice No: INV-2026-0042"))
    got = extract_text(path)
    assert got.status == "indexed"
    assert "INV-2026-0042" in got.text
    assert got.doc_date == date(2026, 11, 20)
    assert got.title == "Invoice INV-77"


def test_pdf_without_text_layer_is_filed_as_such(tmp_path: Path) -> None:
    got = extract_text(blank_pdf(tmp_path / "scan.pdf"))
    assert got.status == "no_text_layer" and got.text == ""


def test_encrypted_and_corrupt_files_are_refused_by_name(tmp_path: Path) -> None:
    locked = blank_pdf(tmp_path / "locked.pdf", password="secret")
    with pytest.raises(FollowupError) as caught:
        extract_text(locked)
    assert caught.value.key == "error.document_encrypted"
    assert caught.value.params["path"] == str(locked)
    for name, data in (("bad.pdf", b"%PDF-1.4\nthis is not a pdf"), ("bad.xlsx", b"PK\x03\x04xx")):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(FollowupError) as caught:
            extract_text(path)
        assert caught.value.key == "error.document_corrupt", name


def test_email_subject_headers_and_text_part(tmp_path: Path) -> None:
    message = EmailMessage()
    message["Subject"] = "关于 PO-2026-00123 的质检报告"
    message["From"] = "王芳 <wang@example.cn>"
    message["To"] = "buyer@example.com"
    message["Date"] = "Fri, 20 Nov 2026 10:00:00 +0800"
    message.set_content("您好，附件是验货报告，色差在允许范围内。")
    message.add_attachment(
        b"\x00\x01", maintype="application", subtype="octet-stream", filename="photo.bin"
    )
    path = tmp_path / "mail.eml"
    path.write_bytes(bytes(message))
    got = extract_text(path)
    assert got.status == "indexed"
    assert got.title == "关于 PO-2026-00123 的质检报告"
    assert "色差在允许范围内" in got.text and "wang@example.cn" in got.text
    assert "photo.bin" not in got.text
    assert got.doc_date == date(2026, 11, 20)


def test_other_formats_are_metadata_only(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff")
    assert extract_text(path).status == "unsupported"


def test_dates_and_decoding() -> None:
    assert date_in_text("issued 2026/02/30 then 2026-03-01") == date(2026, 3, 1)
    assert date_in_text("no date here 12345") is None
    assert decode_text("色差".encode("gb18030")) == "色差"
    assert decode_text("\ufeffabc".encode()) == "abc"


def test_kind_guessing_and_fields() -> None:
    kinds = load_document_kinds()
    assert guess_kind("INV-0042.pdf", "", kinds) == "commercial_invoice"
    assert guess_kind("scan001.pdf", "QC inspection report: 色差 AQL 2.5", kinds) == "qc_report"
    assert guess_kind("mail.eml", "invoice", kinds) == "email"
    assert guess_kind("photo.jpg", "", kinds) == "other"
    text = "Bill of Lading  B/L No: COSU6123456780  Port of loading: Shenzhen"
    assert guess_kind("doc.pdf", text, kinds) == "bill_of_lading"
    fields = extract_fields(text, kinds.get("bill_of_lading"))
    assert fields == {"bl_no": "COSU6123456780"}
    invoice = extract_fields(
        "Invoice No.: INV-2026-0042\nTotal Amount: USD 12,500.00", kinds.get("commercial_invoice")
    )
    assert invoice == {"invoice_no": "INV-2026-0042", "amount": "USD 12,500.00"}


def test_company_table_overrides_and_extends(tmp_path: Path) -> None:
    company = tmp_path / "document_kinds.toml"
    company.write_text(
        '[[kind]]\nkey = "qc_report"\ntitle = { zh_CN = "验货报告", en = "Inspection" }\n'
        'name_patterns = ["^IR-"]\n'
        '[[kind]]\nkey = "sample_record"\ntitle = { zh_CN = "样品单", en = "Sample record" }\n'
        'keywords = ["样品"]\n',
        encoding="utf-8",
    )
    kinds = load_document_kinds(company)
    assert kinds.get("qc_report").title("zh_CN") == "验货报告"
    assert kinds.keys()[-1] == "sample_record"
    assert guess_kind("x.txt", "寄出样品三件", kinds) == "sample_record"
    assert guess_kind("IR-7.pdf", "", kinds) == "qc_report"


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        (
            '[[kind]]\nkey = "a"\ntitle = { zh_CN = "甲", en = "A" }\nname_patterns = ["("]\n',
            "kind[1].name_patterns[1]",
        ),
        ('[[kind]]\nkey = "Bad"\ntitle = { zh_CN = "甲", en = "A" }\n', "kind[1].key"),
        ('[[kind]]\nkey = "a"\ntitle = { zh_CN = "甲" }\n', "kind[1].title"),
        ('[[kind]]\nkey = "a"\ntitle = { zh_CN = "甲", en = "A" }\ncolour = 1\n', "kind[1].colour"),
    ],
)
def test_bad_kinds_are_refused_naming_the_entry(text: str, entry: str) -> None:
    with pytest.raises(FollowupError) as caught:
        kinds_from_text(text, "company.toml")
    assert caught.value.key == "error.document_kinds_invalid"
    assert caught.value.params["entry"] == entry
    assert caught.value.params["file"] == "company.toml"
