"""Rules for text a clerk types or imports.

Control characters are refused at the door (decisions.md, "Hard-won rules"): an ESC in a customer
name would otherwise reach every supervisor's terminal. Pinyin initials are computed
once, when a name is written, so the queue filter is an indexed prefix match instead of
a conversion per row per keystroke.
"""

from __future__ import annotations

import unicodedata

from followup_tui.domain.errors import FollowupError

#: Characters allowed although they are "control": line breaks and tabs in long notes.
_MULTILINE_OK = frozenset("\n\t")


def find_control_character(value: str, *, multiline: bool = False) -> int | None:
    """Index of the first control or format character a terminal could act on."""
    for index, char in enumerate(value):
        if multiline and char in _MULTILINE_OK:
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cs") or (category == "Cf" and char not in "\u200d"):
            return index
    return None


def clean_text(value: str, *, field: str, multiline: bool = False, max_length: int = 200) -> str:
    """Strip surrounding blanks and refuse control characters, naming the field."""
    index = find_control_character(value, multiline=multiline)
    if index is not None:
        raise FollowupError(
            "error.control_character",
            field=field,
            position=index + 1,
            code=f"U+{ord(value[index]):04X}",
        )
    cleaned = value.strip()
    if len(cleaned) > max_length:
        raise FollowupError("error.too_long", field=field, limit=max_length)
    return cleaned


def require_text(value: str, *, field: str, max_length: int = 200) -> str:
    cleaned = clean_text(value, field=field, max_length=max_length)
    if not cleaned:
        raise FollowupError("error.required", field=field)
    return cleaned


def is_cjk(char: str) -> bool:
    code = ord(char)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FFFF


def pinyin_initials(name: str) -> str:
    """Lower-case pinyin initials of the Chinese characters in ``name``.

    ``深圳市华强电子有限公司`` becomes ``szshqdzyxgs``; Latin words contribute their first
    letter, so ``Acme GmbH`` becomes ``ag``. pypinyin costs 0.2-0.3 s to import, so it is
    imported here, on write, never on the path to the first frame.
    """
    if not any(is_cjk(char) for char in name):
        return "".join(word[0] for word in name.lower().split() if word[:1].isalnum())
    from pypinyin import Style, lazy_pinyin

    # errors="default" keeps non-Chinese runs as they are ("LED ", "A3"): each word of
    # such a run contributes its first letter, like the Chinese characters do.
    parts = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    initials: list[str] = []
    for part in parts:
        for word in part.lower().split():
            letter = word[:1]
            if letter.isalnum() and letter.isascii():
                initials.append(letter)
    return "".join(initials)


def reverse_key(value: str) -> str:
    """The reversed string, indexed so that a suffix search is an index prefix search.

    Clerks type the tail of an order number (``00123``) far more often than its head.
    """
    return value[::-1]


def fold(value: str) -> str:
    """Case-fold and normalise width (full-width ＡＢＣ typed by a Chinese IME)."""
    return unicodedata.normalize("NFKC", value).casefold()


def like_substring(term: str) -> str:
    """``%term%`` for ``LIKE ... ESCAPE '\\'``, the term's own ``%``, ``_`` and ``\\`` literal."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def customer_needle(typed: str) -> str:
    """What a clerk typed to find a customer, as every customer matcher compares it:
    folded (case, full width) and stripped; "" means no customer filter."""
    return fold(typed).strip()


def customer_matches(needle: str, name: str, initials: str) -> bool:
    """Whether a customer called ``name`` (pinyin initials ``initials``) is one the clerk
    means by ``needle`` (from ``customer_needle``): a substring of the folded name or of
    the initials, so ``hq`` finds 深圳市华强电子 (``szshqdz``) as ``华强`` does.

    This is the one rule; ``store/customer_match.py`` says it in SQL for the queue, the
    archive and the complaints, and the triage screen applies it to the cases it holds.
    """
    return not needle or needle in fold(name) or needle in initials
