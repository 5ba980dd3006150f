"""The one error type every service raises for the clerk to read.

It carries a translation key and parameters instead of a finished sentence, because the
domain does not know which language the clerk reads; the CLI and the desk translate it.
``field`` names the form field (or CSV column, or config key) the message is about, so a
form can put the message next to the right input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where, and what (as a catalog key)."""

    key: str
    field: str | None = None
    params: Mapping[str, object] = dataclass_field(default_factory=dict)


class FollowupError(Exception):
    """A refusal the clerk can act on; nothing was changed when it is raised."""

    def __init__(
        self,
        key: str,
        *,
        field: str | None = None,
        problems: tuple[Problem, ...] = (),
        **params: object,
    ) -> None:
        self.key = key
        self.field = field
        self.params: dict[str, object] = dict(params)
        self.problems = problems or (Problem(key, field, self.params),)
        super().__init__(key)

    def __str__(self) -> str:
        return f"{self.key} {self.params}" if self.params else self.key


class StaleEditError(FollowupError):
    """Someone saved the same row after the clerk opened it.

    ``theirs`` holds the row as it is now, so the form can show both values per field.
    """

    def __init__(self, entity: str, entity_id: int, theirs: Mapping[str, object]) -> None:
        super().__init__("error.stale_edit", entity=entity, entity_id=entity_id)
        self.theirs = dict(theirs)
