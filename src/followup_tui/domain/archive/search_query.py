"""What a clerk typed into the archive search, as terms each index can answer correctly.

The archive has two SQLite FTS5 indexes (see services/archive_index.py). The trigram
index answers any substring of three or more characters, but it has no trigram for a
two-character word: on SQLite 3.40 ``MATCH '深圳市 质检'`` silently dropped ``质检`` and
returned documents without it, and ``LIKE '%质检%'`` returned nothing although matches
existed. So every term is classified here, before any SQL is written:

* ``long`` (3+ characters): a quoted FTS5 string for ``documents_fts`` (trigram), so
  ``PO-2026-00123``, ``B/L`` numbers and any punctuation are taken literally;
* ``short`` (1-2 characters): a phrase for ``documents_cjk``, where every Chinese
  character is a token of its own: ``色差`` becomes the phrase ``"色 差"`` (the two
  characters next to each other, not anywhere in the document); Latin letters and
  digits become a token prefix (``"po"*``), since that index keeps words whole.

Terms are separated by blanks; ``"quoted phrases"`` stay one term; a Chinese run glued
to Latin text (``质检PO-1``) is split at the boundary, each run a term of its own. All
terms are required (AND). Everything here is pure and cheap; the SQL is built by
services/search.py from ``fts_expression`` and ``cjk_expression``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from followup_tui.domain.text import is_cjk

TermKind = Literal["long", "short"]

#: Shortest term the trigram index can answer.
TRIGRAM = 3
#: Longest query text taken from the search box; the rest is ignored.
MAX_QUERY = 200
#: Quoted phrases or runs of non-blank characters.
_PIECES = re.compile(r'"([^"]*)"?|(\S+)')
#: Unicode categories of characters that are never part of a term.
_CONTROL = frozenset(("Cc", "Cs", "Cf"))
#: What the unicode61 tokenizer keeps as a token: letters and digits (not ``_``).
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Term:
    """One required term: its text as typed (normalised) and which index answers it."""

    text: str
    kind: TermKind

    @property
    def fts(self) -> str:
        """The term as an FTS5 string (double quotes doubled), for the trigram index."""
        return fts_string(self.text)

    @property
    def cjk(self) -> str:
        """The term as a phrase for the one-token-per-character index; "" if it has no
        letter, digit or Chinese character (such a term cannot be searched there)."""
        tokens = short_tokens(self.text)
        if not tokens:
            return ""
        phrase = fts_string(" ".join(tokens))
        # A Latin or digit word at the end of a short term may continue in the text
        # ("PO" finds "PO-2026"); Chinese characters are whole tokens already.
        return phrase + "*" if not is_cjk(tokens[-1][-1]) else phrase


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """The terms of a query; empty when the clerk typed only blanks or punctuation."""

    terms: tuple[Term, ...]

    @property
    def long_terms(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if term.kind == "long")

    @property
    def short_terms(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if term.kind == "short")

    @property
    def fts_expression(self) -> str | None:
        """All long terms ANDed, for ``documents_fts MATCH``; None when there are none."""
        parts = [term.fts for term in self.long_terms]
        return " AND ".join(parts) if parts else None

    @property
    def cjk_expression(self) -> str | None:
        """All short terms ANDed as phrases, for ``documents_cjk MATCH``; None if none."""
        parts = [term.cjk for term in self.short_terms if term.cjk]
        return " AND ".join(parts) if parts else None

    @property
    def texts(self) -> tuple[str, ...]:
        """The terms' texts, longest first (what a snippet marks)."""
        return tuple(sorted({term.text for term in self.terms}, key=len, reverse=True))

    def __bool__(self) -> bool:
        return bool(self.terms)


def fts_string(text: str) -> str:
    """``text`` as an FTS5 string literal: nothing inside is an operator or column."""
    return '"' + text.replace('"', '""') + '"'


def short_tokens(text: str) -> tuple[str, ...]:
    """The tokens unicode61 makes of ``text`` once each Chinese character is spaced out,
    lower-cased: ``"A色"`` -> ``("a", "色")``; punctuation separates and is dropped."""
    tokens: list[str] = []
    for word in _WORD.findall(text.casefold()):
        run = ""
        for char in word:
            if is_cjk(char):
                if run:
                    tokens.append(run)
                    run = ""
                tokens.append(char)
            else:
                run += char
        if run:
            tokens.append(run)
    return tuple(tokens)


def _runs(piece: str) -> list[str]:
    """A blank-free piece split where Chinese meets anything else: ``质检PO-1`` ->
    ``["质检", "PO-1"]``; ``PO-2026-00123`` stays whole."""
    runs: list[str] = []
    current = ""
    current_cjk: bool | None = None
    for char in piece:
        cjk = is_cjk(char)
        if current and cjk != current_cjk:
            runs.append(current)
            current = ""
        current += char
        current_cjk = cjk
    if current:
        runs.append(current)
    return runs


def classify(text: str) -> TermKind:
    """``long`` when the trigram index can answer it (3+ characters), else ``short``."""
    return "long" if len(text) >= TRIGRAM else "short"


def parse_query(raw: str) -> ParsedQuery:
    """Terms of ``raw``: blanks separate, quotes group, Chinese runs split off.

    The text is NFKC-normalised first, because a Chinese input method types full-width
    Latin letters and digits (``ＰＯ－２０２６``) that the documents hold half-width.
    A short term that has no letter, digit or Chinese character (``-``, ``/``) is
    dropped: no index can answer it and requiring it would hide every document.
    Control and format characters separate terms. Repeated terms are kept once.
    """
    normal = unicodedata.normalize("NFKC", raw[:MAX_QUERY])
    # A NUL ends an FTS5 string early ("unterminated string"); no control character is
    # searchable text anyway, so each one separates terms like a blank.
    normal = "".join(" " if unicodedata.category(char) in _CONTROL else char for char in normal)
    texts: list[str] = []
    for match in _PIECES.finditer(normal):
        quoted, bare = match.group(1), match.group(2)
        if quoted is not None:
            phrase = " ".join(quoted.split())
            if phrase:
                texts.append(phrase)
        elif bare:
            texts.extend(_runs(bare))
    terms: list[Term] = []
    seen: set[str] = set()
    for text in texts:
        key = text.casefold()
        if key in seen:
            continue
        term = Term(text, classify(text))
        if term.kind == "short" and not term.cjk:
            continue
        seen.add(key)
        terms.append(term)
    return ParsedQuery(tuple(terms))
