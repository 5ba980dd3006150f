"""Document checklist rules: the shipped table says what each kind of order needs, a
company copy replaces it, and a bad copy is refused naming the file and the entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from followup_tui.domain.archive.doc_rules import (
    DOCUMENT_KINDS,
    DOCUMENT_RULES_FILE,
    crosses_shipping,
    document_rules_from_text,
    load_document_rules,
    required_kinds,
)
from followup_tui.domain.errors import FollowupError

SHIPPED = load_document_rules()


def test_an_lc_cif_order_needs_the_full_set() -> None:
    assert required_kinds("CIF", "L/C", "USD", SHIPPED) == (
        "commercial_invoice",
        "packing_list",
        "bill_of_lading",
        "letter_of_credit",
        "certificate_of_origin",
        "insurance",
    )


INVOICE = {"commercial_invoice"}
EXPORT = {*INVOICE, "packing_list"}
SEA = {*EXPORT, "bill_of_lading"}
LC = {*SEA, "letter_of_credit", "certificate_of_origin"}
RULE = '[[rule]]\nkey = "a"\nrequires = ["insurance"]\n'


@pytest.mark.parametrize(
    ("incoterm", "payment", "currency", "expected"),
    [
        pytest.param("FOB", "T/T", "USD", SEA, id="fob"),
        pytest.param("CFR", "T/T", "EUR", SEA, id="cfr"),
        pytest.param("CIP", "T/T", "USD", {*EXPORT, "insurance"}, id="cip-air"),
        pytest.param("EXW", "T/T", "USD", EXPORT, id="exw-export"),
        pytest.param("DDP", "T/T", "CNY", INVOICE, id="domestic-ddp"),
        pytest.param("EXW", "O/A", "CNY", INVOICE, id="domestic-exw"),
        pytest.param("FOB", "T/T", "CNY", SEA, id="fob-in-cny-is-export"),
        pytest.param("FCA", "L/C", "USD", LC, id="lc-fca"),
    ],
)
def test_required_kinds_follow_the_terms(
    incoterm: str, payment: str, currency: str, expected: set[str]
) -> None:
    kinds = required_kinds(incoterm, payment, currency, SHIPPED)
    assert set(kinds) == expected
    assert list(kinds) == [kind for kind in DOCUMENT_KINDS if kind in expected]  # listed in order


def test_the_shipped_file_blocks_shipping_and_documents_itself_in_both_languages() -> None:
    assert SHIPPED.block_shipping is True
    assert SHIPPED.source == DOCUMENT_RULES_FILE
    text = (
        Path(__file__)
        .parents[2]
        .joinpath("src", "followup_tui", "data", DOCUMENT_RULES_FILE)
        .read_text(encoding="utf-8")
    )
    header = text.split("[settings]")[0]
    assert "单据" in header and "Document checklist rules" in header


def test_a_company_file_replaces_the_shipped_rules(tmp_path: Path) -> None:
    path = tmp_path / DOCUMENT_RULES_FILE
    path.write_text(
        '[settings]\nblock_shipping = false\n[[rule]]\nkey = "qc"\nrequires = ["qc_report"]\n',
        encoding="utf-8",
    )
    rules = load_document_rules(path)
    assert rules.block_shipping is False
    assert required_kinds("CIF", "L/C", "USD", rules) == ("qc_report",)
    assert load_document_rules(tmp_path / "absent.toml") == SHIPPED


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ('[[rule]]\nkey = "a"\nrequires = ["bill_of_landing"]\n', "rule[1].requires[1]"),
        (
            RULE + '[[rule]]\nkey = "b"\nincoterms = ["FOBB"]\nrequires = ["insurance"]\n',
            "rule[2].incoterms[1]",
        ),
        ('[[rule]]\nkey = "a"\nscope = "abroad"\nrequires = ["insurance"]\n', "rule[1].scope"),
        ('[[rule]]\nkey = "a"\nrequires = []\n', "rule[1].requires"),
        ('[[rule]]\nkey = "a"\nrequire = ["insurance"]\n', "rule[1].require"),
        (RULE + RULE, "rule[2].key"),
        ('[settings]\nblock_shipping = "yes"\n' + RULE, "settings.block_shipping"),
        ('[domestic]\ncurrencies = ["RMB"]\n' + RULE, "domestic.currencies[1]"),
        ("[settings]\n", "rule"),
        ("rule = [", "toml"),
    ],
)
def test_a_bad_rules_file_is_refused_naming_file_and_entry(text: str, entry: str) -> None:
    with pytest.raises(FollowupError) as caught:
        document_rules_from_text(text, "/etc/company/document_rules.toml")
    assert caught.value.params["file"] == "/etc/company/document_rules.toml"
    assert caught.value.params["entry"] == entry
    assert caught.value.key in ("error.document_rules_invalid", "error.document_rules_missing")


def test_a_broken_company_file_is_refused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / DOCUMENT_RULES_FILE
    path.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(FollowupError) as caught:
        load_document_rules(path)
    assert caught.value.params["file"] == str(path) and caught.value.params["entry"] == "encoding"


@pytest.mark.parametrize(
    ("current", "held_from", "target", "crosses"),
    [
        ("packed", None, "shipped", True),
        ("packed", None, "delivered", True),  # a skip past shipped still ships
        ("confirmed", None, "closed", True),
        ("on_hold", "packed", "shipped", True),
        ("on_hold", "in_transit", "delivered", False),
        ("shipped", None, "in_transit", False),
        ("qc", None, "packed", False),
        ("packed", None, "cancelled", False),
        ("packed", None, "on_hold", False),
    ],
)
def test_which_moves_go_through_shipping(
    current: str, held_from: str | None, target: str, crosses: bool
) -> None:
    assert crosses_shipping(current, held_from, target) is crosses


def test_the_checklist_kinds_are_the_shipped_kinds_table_in_its_order() -> None:
    """The rules may require exactly the kinds the shipped table files under; the two
    lists cannot drift apart unnoticed."""
    from followup_tui.domain.archive.documents import load_document_kinds

    assert load_document_kinds().keys() == DOCUMENT_KINDS
