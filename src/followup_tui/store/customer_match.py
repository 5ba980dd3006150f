"""The customer matcher in SQL: which customers a clerk means by what they typed.

The rule is ``domain.text.customer_matches``: a substring of the folded name or of the
pinyin initials, both stored (and indexed) on ``customers`` when a name is written.
The order queue, the archive's search and customer facet, and the complaint list all
ask this one sub-query, so ``hq`` finds 华强 in each of them; before, each had its own
``LIKE`` and only the queue knew that initials may match in the middle.
"""

from __future__ import annotations

from followup_tui.domain.text import customer_needle, like_substring


def customer_ids_sql(placeholder: str) -> str:
    """``SELECT id FROM customers`` matching the pattern bound at ``placeholder``.

    The placeholder appears twice: ``:customer`` for named parameters binds once, while
    ``?`` needs ``customer_params`` (the pattern twice).
    """
    return (
        f"SELECT id FROM customers WHERE name_folded LIKE {placeholder} ESCAPE '\\'"
        f" OR name_initials LIKE {placeholder} ESCAPE '\\'"
    )


def customer_pattern(typed: str) -> str | None:
    """The ``LIKE`` pattern for what the clerk typed; None when it asks for nothing."""
    needle = customer_needle(typed)
    return like_substring(needle) if needle else None


def customer_params(pattern: str) -> list[str]:
    """The positional parameters of ``customer_ids_sql("?")``."""
    return [pattern, pattern]
