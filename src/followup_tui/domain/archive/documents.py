"""The kinds of business document a clerk files (单据类型), and how a kind is recognised.

A follow-up desk lives on paper: contracts, invoices, packing lists, QC reports, bills of
lading, customs declarations, letters of credit, certificates, e-mails. Which kinds exist,
how their files are usually named, which words give them away and which numbers are worth
reading out of them (invoice no., B/L no., L/C no., amounts) differ from company to
company, so the table is data: ``data/document_kinds.toml`` ships the common kinds and a
``document_kinds.toml`` in the company's config folder replaces kinds by key or adds new
ones. Every entry is checked on load and a bad one is refused naming the file and the
entry (``kind[3].fields.invoice_no``), because a silently ignored pattern would make the
archive guess wrong for years.

Pure: reading the two files is the only I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from followup_tui.domain.data_files import DataFileErrors, company_file, shipped_file
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.text import find_control_character

_ERRORS = DataFileErrors("error.document_kinds_invalid", "error.document_kinds_invalid")
invalid = _ERRORS.invalid


#: The shipped table's file name, and the name of a company's copy next to its config.
DOCUMENT_KINDS_FILE = "document_kinds.toml"
#: The kind every document falls back to; the table must always have it.
FALLBACK_KIND = "other"
TEXT_LANGUAGES: tuple[str, ...] = ("zh_CN", "en")
KIND_KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,29}")
FIELD_NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")
TITLE_LIMIT = 60
PATTERN_LIMIT = 300
#: Points for a file name pattern that matches; a keyword found in the text scores 1.
NAME_POINTS = 5
#: Only the start of a long text is searched for keywords: a 300-page annex would
#: otherwise mention every kind once and the guess would be noise.
GUESS_TEXT_LIMIT = 20_000
FIELD_VALUE_LIMIT = 80

_TOP_KEYS = frozenset({"kind"})
_KIND_KEYS = frozenset({"key", "title", "name_patterns", "keywords", "fields"})


@dataclass(frozen=True)
class DocumentKindSpec:
    """One kind of document: its names in both desk languages and how to recognise it."""

    key: str
    title_zh_CN: str
    title_en: str
    name_patterns: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    fields: Mapping[str, str] | None = None

    def title(self, language: str) -> str:
        """The title in ``language``; anything but zh_CN reads English."""
        return self.title_zh_CN if language == "zh_CN" else self.title_en

    def field_patterns(self) -> Mapping[str, str]:
        return self.fields or {}


@dataclass(frozen=True)
class DocumentKinds:
    """The kinds of one desk (shipped table plus the company's), in table order."""

    source: str
    kinds: tuple[DocumentKindSpec, ...]

    def __iter__(self) -> Iterator[DocumentKindSpec]:
        return iter(self.kinds)

    def __len__(self) -> int:
        return len(self.kinds)

    def keys(self) -> tuple[str, ...]:
        return tuple(kind.key for kind in self.kinds)

    def find(self, key: str) -> DocumentKindSpec | None:
        for kind in self.kinds:
            if kind.key == key:
                return kind
        return None

    def get(self, key: str) -> DocumentKindSpec:
        """The kind called ``key``; an unknown one is the clerk's typo, named with the list."""
        found = self.find(key)
        if found is None:
            raise FollowupError(
                "error.document_kind_unknown",
                field="kind",
                value=key,
                allowed=", ".join(self.keys()),
            )
        return found


# -- recognising ------------------------------------------------------------------------


def _score(filename: str, text: str, kind: DocumentKindSpec) -> int:
    points = 0
    for pattern in kind.name_patterns:
        if re.search(pattern, filename, re.IGNORECASE):
            points += NAME_POINTS
    for keyword in kind.keywords:
        if keyword.casefold() in text:
            points += 1
    return points


def guess_kind(filename: str, text: str, kinds: Iterable[DocumentKindSpec]) -> str:
    """The most likely kind's key: file name patterns weigh most, then distinct keywords.

    Ties go to the kind listed first, so a company orders its table by how much it trusts
    each kind; nothing scoring means ``other``, never a wild guess.
    """
    folded = text[:GUESS_TEXT_LIMIT].casefold()
    best_key, best_points = FALLBACK_KIND, 0
    for kind in kinds:
        points = _score(filename, folded, kind)
        if points > best_points:
            best_key, best_points = kind.key, points
    return best_key


def extract_fields(text: str, spec: DocumentKindSpec) -> dict[str, str]:
    """The kind's fields found in ``text``: the first match of each, blanks squeezed.

    Values are cut to a sane length and stripped of control characters, because they
    are shown on the desk and indexed for search.
    """
    found: dict[str, str] = {}
    for name, pattern in spec.field_patterns().items():
        match = re.search(pattern, text, re.IGNORECASE)
        if match is None:
            continue
        raw = match.group(1) if match.groups() else match.group(0)
        value = " ".join(
            "".join(char if find_control_character(char) is None else " " for char in raw).split()
        )
        if value:
            found[name] = value[:FIELD_VALUE_LIMIT]
    return found


# -- loading ----------------------------------------------------------------------------


def load_document_kinds(path: Path | None = None) -> DocumentKinds:
    """The shipped kinds, with the company's file at ``path`` applied when it exists.

    A missing company file is normal; a broken one is refused rather than ignored, since
    the clerk would otherwise file under kinds the company has changed.
    """
    shipped_copy = shipped_file(DOCUMENT_KINDS_FILE)
    shipped = kinds_from_text(shipped_copy.text, shipped_copy.source)
    own = company_file(path, _ERRORS)
    if own is None:
        return _with_fallback(DocumentKinds(shipped_copy.source, shipped), shipped_copy.source)
    source = own.source
    company = kinds_from_text(own.text, source)
    by_key = {kind.key: kind for kind in company}
    merged = [by_key.pop(kind.key, kind) for kind in shipped]
    merged.extend(kind for kind in company if kind.key in by_key)
    return _with_fallback(DocumentKinds(source, tuple(merged)), source)


def _with_fallback(kinds: DocumentKinds, source: str) -> DocumentKinds:
    if kinds.find(FALLBACK_KIND) is None:
        raise FollowupError(
            "error.document_kinds_missing", field="kind", file=source, entry=FALLBACK_KIND
        )
    return kinds


def kinds_from_text(text: str, source: str) -> tuple[DocumentKindSpec, ...]:
    """Parse and check one kinds file; ``source`` names it in every refusal."""
    data = _ERRORS.parse(text, source)
    return kinds_from_mapping(data, source)


def kinds_from_mapping(data: Mapping[str, object], source: str) -> tuple[DocumentKindSpec, ...]:
    """Build the kinds of parsed TOML, refusing the first bad entry by name."""
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise invalid(source, unknown[0], data[unknown[0]])
    raw_kinds = data.get("kind")
    if not isinstance(raw_kinds, list) or not raw_kinds:
        raise invalid(source, "kind", "no [[kind]]")
    kinds: list[DocumentKindSpec] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_kinds, start=1):
        kind = _kind(raw, source, f"kind[{number}]")
        if kind.key in seen:
            raise invalid(source, f"kind[{number}].key", kind.key)
        seen.add(kind.key)
        kinds.append(kind)
    return tuple(kinds)


def _text(value: object, source: str, entry: str, limit: int) -> str:
    if not isinstance(value, str) or find_control_character(value) is not None:
        raise invalid(source, entry, value)
    cleaned = value.strip()
    if not cleaned or len(cleaned) > limit:
        raise invalid(source, entry, value)
    return cleaned


def _pattern(value: object, source: str, entry: str) -> str:
    text = _text(value, source, entry, PATTERN_LIMIT)
    try:
        re.compile(text)
    except re.error as error:
        raise invalid(source, entry, f"{text}: {error}") from None
    return text


def _texts(value: object, source: str, entry: str, *, patterns: bool) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise invalid(source, entry, value)
    return tuple(
        _pattern(item, source, f"{entry}[{number}]")
        if patterns
        else _text(item, source, f"{entry}[{number}]", PATTERN_LIMIT)
        for number, item in enumerate(value, start=1)
    )


def _fields(value: object, source: str, entry: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid(source, entry, value)
    fields: dict[str, str] = {}
    for name, raw in value.items():
        where = f"{entry}.{name}"
        if not FIELD_NAME_PATTERN.fullmatch(name):
            raise invalid(source, where, name)
        fields[name] = _pattern(raw, source, where)
    return fields


def _kind(value: object, source: str, entry: str) -> DocumentKindSpec:
    if not isinstance(value, dict):
        raise invalid(source, entry, value)
    unknown = sorted(set(value) - _KIND_KEYS)
    if unknown:
        raise invalid(source, f"{entry}.{unknown[0]}", value[unknown[0]])
    key = value.get("key")
    if not isinstance(key, str) or not KIND_KEY_PATTERN.fullmatch(key):
        raise invalid(source, f"{entry}.key", key)
    title = value.get("title")
    if not isinstance(title, dict) or set(title) != set(TEXT_LANGUAGES):
        raise invalid(source, f"{entry}.title", title)
    titles = {
        language: _text(title[language], source, f"{entry}.title.{language}", TITLE_LIMIT)
        for language in TEXT_LANGUAGES
    }
    return DocumentKindSpec(
        key=key,
        title_zh_CN=titles["zh_CN"],
        title_en=titles["en"],
        name_patterns=_texts(
            value.get("name_patterns"), source, f"{entry}.name_patterns", patterns=True
        ),
        keywords=_texts(value.get("keywords"), source, f"{entry}.keywords", patterns=False),
        fields=_fields(value.get("fields"), source, f"{entry}.fields"),
    )
