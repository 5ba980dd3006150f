"""Which documents an order's terms require before it ships (单据清单规则).

An auditor, a bank or a customs broker asks for a set of documents that follows from
the order's incoterm and payment terms: an L/C order is paid only against the invoice,
the packing list, the bill of lading and the certificate of origin, a CIF order carries
an insurance certificate. The company decides the exact set, so it is data
(``data/document_rules.toml`` is the shipped default; a ``document_rules.toml`` next to
the company's settings file replaces it), checked on load: a bad entry is refused
naming the file and the entry (``rule[3].requires[2]``), counted from 1 the way a person
counts the ``[[rule]]`` blocks.

Pure: reading the file is the only I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from followup_tui.domain.data_files import DataFileErrors, company_or_shipped
from followup_tui.domain.orders.lifecycle import PIPELINE, OrderStatus
from followup_tui.domain.orders.rules import CURRENCIES, INCOTERMS, PAYMENT_TERMS

_ERRORS = DataFileErrors("error.document_rules_invalid", "error.document_rules_missing")
invalid = _ERRORS.invalid
_reject_unknown = _ERRORS.reject_unknown
_required = _ERRORS.required
_table = _ERRORS.table


#: The file name of the shipped rules and of a company's own copy in its config folder.
DOCUMENT_RULES_FILE = "document_rules.toml"
#: The kinds a checklist rule may require, in the order a checklist lists them (the
#: order papers are usually produced in): the keys of the shipped document_kinds.toml,
#: which a test holds equal. What the desk files under (a company may add kinds) comes
#: from ``services.archive.kinds``, never from a list in code.
DOCUMENT_KINDS: tuple[str, ...] = (
    "contract",
    "commercial_invoice",
    "packing_list",
    "qc_report",
    "bill_of_lading",
    "customs_declaration",
    "letter_of_credit",
    "certificate_of_origin",
    "insurance",
    "certificate",
    "email",
    "other",
)
SCOPES: tuple[str, ...] = ("any", "export", "domestic")
RULE_KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]{0,59}")

_TOP_KEYS = frozenset({"settings", "domestic", "rule"})
_SETTINGS_KEYS = frozenset({"block_shipping"})
_DOMESTIC_KEYS = frozenset({"currencies", "incoterms"})
_RULE_KEYS = frozenset({"key", "scope", "incoterms", "payment_terms", "currencies", "requires"})
_SHIPPED_RANK = PIPELINE.index(OrderStatus.SHIPPED)


@dataclass(frozen=True)
class DocumentRule:
    """One condition and what it requires; an empty condition tuple matches any order."""

    key: str
    scope: str
    incoterms: tuple[str, ...]
    payment_terms: tuple[str, ...]
    currencies: tuple[str, ...]
    requires: tuple[str, ...]

    def applies(self, incoterm: str, payment_terms: str, currency: str, domestic: bool) -> bool:
        if self.scope == "export" and domestic:
            return False
        if self.scope == "domestic" and not domestic:
            return False
        return (
            (not self.incoterms or incoterm in self.incoterms)
            and (not self.payment_terms or payment_terms in self.payment_terms)
            and (not self.currencies or currency in self.currencies)
        )


@dataclass(frozen=True)
class DocumentRules:
    """One rules file: whether it blocks shipping, what "domestic" means, and its rules."""

    source: str
    block_shipping: bool
    domestic_currencies: tuple[str, ...]
    domestic_incoterms: tuple[str, ...]
    rules: tuple[DocumentRule, ...]

    def is_domestic(self, incoterm: str, currency: str) -> bool:
        return currency in self.domestic_currencies and incoterm in self.domestic_incoterms


def required_kinds(
    incoterm: str, payment_terms: str, currency: str, rules: DocumentRules
) -> tuple[str, ...]:
    """The kinds an order with these terms must have on file, in checklist order.

    The union of every rule that applies, so two rules naming the bill of lading (sea
    freight and the L/C) ask for it once.
    """
    domestic = rules.is_domestic(incoterm, currency)
    wanted = {
        kind
        for rule in rules.rules
        if rule.applies(incoterm, payment_terms, currency, domestic)
        for kind in rule.requires
    }
    return tuple(kind for kind in DOCUMENT_KINDS if kind in wanted)


def crosses_shipping(current: str, held_from: str | None, target: str) -> bool:
    """Whether moving from ``current`` to ``target`` takes the order through "shipped".

    Not only a move *to* shipped: a skip from packed straight to delivered (a local truck
    run) or to closed leaves the goods gone all the same, and an order on hold counts
    from the stage it was held in.
    """
    start = held_from if current == OrderStatus.ON_HOLD.value and held_from else current
    if start not in PIPELINE or target not in PIPELINE:
        return False
    return PIPELINE.index(OrderStatus(start)) < _SHIPPED_RANK <= PIPELINE.index(OrderStatus(target))


# -- loading ----------------------------------------------------------------------------


def load_document_rules(path: Path | None = None) -> DocumentRules:
    """The company's rules at ``path`` when that file exists, else the shipped ones.

    A present but broken company file is refused, never replaced by the default: the
    desk would otherwise let orders ship against a checklist the company has changed.
    """
    found = company_or_shipped(path, DOCUMENT_RULES_FILE, _ERRORS)
    return document_rules_from_text(found.text, found.source)


def document_rules_from_text(text: str, source: str) -> DocumentRules:
    """Parse and check a rules file's TOML text; ``source`` names it in every refusal."""
    data = _ERRORS.parse(text, source)
    return document_rules_from_mapping(data, source)


def document_rules_from_mapping(data: Mapping[str, object], source: str) -> DocumentRules:
    """Build the rules from parsed TOML, refusing the first bad entry by name."""
    _reject_unknown(data, _TOP_KEYS, source, "")
    settings = _table(data.get("settings", {}), source, "settings")
    _reject_unknown(settings, _SETTINGS_KEYS, source, "settings.")
    block = settings.get("block_shipping", True)
    if not isinstance(block, bool):
        raise invalid(source, "settings.block_shipping", block)
    domestic = _table(data.get("domestic", {}), source, "domestic")
    _reject_unknown(domestic, _DOMESTIC_KEYS, source, "domestic.")
    raw_rules = _required(data, "rule", source, "")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise invalid(source, "rule", "no [[rule]]")
    rules: list[DocumentRule] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_rules, start=1):
        rule = _rule(raw, source, f"rule[{number}]")
        if rule.key in seen:
            raise invalid(source, f"rule[{number}].key", rule.key)
        seen.add(rule.key)
        rules.append(rule)
    return DocumentRules(
        source=source,
        block_shipping=block,
        domestic_currencies=_choices(
            domestic.get("currencies"), tuple(sorted(CURRENCIES)), source, "domestic.currencies"
        ),
        domestic_incoterms=_choices(
            domestic.get("incoterms"), INCOTERMS, source, "domestic.incoterms"
        ),
        rules=tuple(rules),
    )


def _choices(value: object, allowed: tuple[str, ...], source: str, entry: str) -> tuple[str, ...]:
    """A list of known values (an incoterm, a kind...); absent means none."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise invalid(source, entry, value)
    for number, item in enumerate(value, start=1):
        if not isinstance(item, str) or item not in allowed:
            raise invalid(source, f"{entry}[{number}]", item)
    return tuple(str(item) for item in value)


def _rule(value: object, source: str, entry: str) -> DocumentRule:
    table = _table(value, source, entry)
    _reject_unknown(table, _RULE_KEYS, source, f"{entry}.")
    key = _required(table, "key", source, entry)
    if not isinstance(key, str) or not RULE_KEY_PATTERN.fullmatch(key):
        raise invalid(source, f"{entry}.key", key)
    scope = table.get("scope", "any")
    if not isinstance(scope, str) or scope not in SCOPES:
        raise invalid(source, f"{entry}.scope", scope)
    requires = _choices(
        _required(table, "requires", source, entry), DOCUMENT_KINDS, source, f"{entry}.requires"
    )
    if not requires:
        raise invalid(source, f"{entry}.requires", "[]")
    return DocumentRule(
        key=key,
        scope=scope,
        incoterms=_choices(table.get("incoterms"), INCOTERMS, source, f"{entry}.incoterms"),
        payment_terms=_choices(
            table.get("payment_terms"), PAYMENT_TERMS, source, f"{entry}.payment_terms"
        ),
        currencies=_choices(
            table.get("currencies"), tuple(sorted(CURRENCIES)), source, f"{entry}.currencies"
        ),
        requires=requires,
    )
