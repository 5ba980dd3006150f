"""``followup archive ...`` in-process: a line per file, refusals on stderr with exit 1
while the other files are filed, stable JSON keys, export and refile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .cli_kit import run

RESULT_KEYS = {"path", "status", "document_id", "message_key", "message"}
DOCUMENT_KEYS = {
    "id",
    "title",
    "filename",
    "kind",
    "kind_title",
    "order_no",
    "customer",
    "doc_date",
    "size",
    "extension",
    "text_status",
    "fields",
    "filed_at",
    "filed_by",
    "sha256",
    "version",
}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FOLLOWUP_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("FOLLOWUP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FOLLOWUP_DB", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def _inbox(home: Path) -> Path:
    inbox = home / "inbox"
    inbox.mkdir()
    (inbox / "invoice.txt").write_text("Commercial invoice No: INV-2026-9", encoding="utf-8")
    (inbox / "packing.csv").write_text("packing list,cartons\n40,箱数\n", encoding="utf-8")
    (inbox / "locked.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    return inbox


def test_add_files_the_good_ones_and_exits_1_for_the_bad(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = _inbox(home)
    code, out, err = run(
        capsys,
        "archive",
        "add",
        str(inbox / "invoice.txt"),
        str(inbox / "locked.pdf"),
        str(inbox / "packing.csv"),
        str(inbox / "invoice.txt"),
    )
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("filed") and "invoice.txt" in lines[0]
    assert lines[1].startswith("filed") and "packing.csv" in lines[1]
    assert lines[2].startswith("duplicate")
    assert "1 refused" in lines[3]
    assert err.startswith("followup: refused") and "locked.pdf" in err
    assert "Traceback" not in err
    assert (home / "data" / "attachments").is_dir()


def test_json_results_show_export_and_refile(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = _inbox(home)
    code, out, err = run(
        capsys, "archive", "add", "invoice.txt", "../outside.txt", "--base", str(inbox), "--json"
    )
    assert code == 1, err
    results = json.loads(out)
    assert [set(item) for item in results] == [RESULT_KEYS, RESULT_KEYS]
    assert [item["status"] for item in results] == ["filed", "refused"]
    assert results[1]["message_key"] == "error.document_outside_base"
    doc_id = str(results[0]["document_id"])

    code, out, err = run(capsys, "archive", "show", doc_id, "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert set(shown) == DOCUMENT_KEYS
    assert shown["kind"] == "commercial_invoice" and shown["fields"]["invoice_no"] == "INV-2026-9"

    code, out, err = run(capsys, "archive", "export", doc_id, str(home / "out"))
    assert code == 0, err
    assert (home / "out" / "invoice.txt").read_bytes() == (inbox / "invoice.txt").read_bytes()

    code, out, err = run(capsys, "archive", "refile", doc_id, "--kind", "contract", "--json")
    assert code == 0, err
    assert json.loads(out)["kind_title"] == "Contract"

    code, out, err = run(capsys, "archive", "refile", doc_id, "--kind", "recipe")
    assert code == 1 and "recipe" in err
    code, out, err = run(capsys, "archive", "show", "99")
    assert code == 1 and "No document 99" in err


def test_show_in_chinese(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inbox = _inbox(home)
    code, _out, err = run(capsys, "archive", "add", str(inbox / "packing.csv"))
    assert code == 0, err
    code, out, err = run(capsys, "--lang", "zh_CN", "archive", "show", "1")
    assert code == 0, err
    assert "装箱单" in out and "单据日期" in out
