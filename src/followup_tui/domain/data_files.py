"""Refusing bad company data files the same way, whichever file it is.

The contingency library, the SLA policy, the document kinds and the document rules
are TOML a company edits by hand; each refusal names the file and the entry
(``grade[2].target[1].hours``) and shows the bad value safely. Only the catalog keys
differ from file to file, so they are what a :class:`DataFileErrors` carries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from followup_tui.domain.errors import FollowupError
from followup_tui.domain.text import find_control_character

#: A bad value is shown cut to this many characters.
SHOWN_VALUE_LIMIT = 80


def shown(value: object) -> str:
    """``value`` safe to print: control characters escaped, long values cut."""
    text = str(value)
    if find_control_character(text) is not None:
        text = ascii(text)
    if len(text) > SHOWN_VALUE_LIMIT:
        text = text[: SHOWN_VALUE_LIMIT - 1] + "…"
    return text


@dataclass(frozen=True)
class DataFileErrors:
    """The refusals of one kind of data file: ``invalid_key`` for a bad value,
    ``missing_key`` for an entry that must be there and is not."""

    invalid_key: str
    missing_key: str

    def invalid(self, source: str, entry: str, value: object) -> FollowupError:
        """The refusal for a bad value, naming the file and the entry."""
        return FollowupError(
            self.invalid_key, field=entry, file=source, entry=entry, value=shown(value)
        )

    def reject_unknown(
        self, table: Mapping[str, object], allowed: frozenset[str], source: str, prefix: str
    ) -> None:
        """Refuse a key the format does not have (a typo would otherwise be ignored)."""
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self.invalid(source, f"{prefix}{unknown[0]}", table[unknown[0]])

    def required(self, table: Mapping[str, object], name: str, source: str, entry: str) -> object:
        """``table[name]``, or a refusal naming the missing entry (``scenario[2].title.en``)."""
        if name not in table:
            where = f"{entry}.{name}" if entry else name
            raise FollowupError(self.missing_key, field=where, file=source, entry=where)
        return table[name]

    def table(self, value: object, source: str, entry: str) -> Mapping[str, object]:
        """``value`` as a TOML table, or a refusal naming the entry."""
        if not isinstance(value, dict):
            raise self.invalid(source, entry, value)
        return value
