"""The words for what goes wrong with an order, and what makes a recorded exception valid.

An exception (异常) is something that threatens a promised date: a material shortage, a
broken machine, a customs inspection, a typhoon, a late carrier, damaged goods. The clerk
records its cause, who is responsible and how many days it costs; the timeline shifts the
plan by that impact and the contingency library suggests what to do next. The kinds and
parties are closed vocabularies because the KPI report counts exceptions by kind and by
responsible party: free text here would split one cause into many spellings.

Validation collects every problem at once, each naming its field, the way order
validation does, so a form can mark all bad inputs in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from followup_tui.domain.errors import FollowupError, Problem
from followup_tui.domain.text import clean_text, require_text


class ExceptionKind(StrEnum):
    """What kind of disruption hit the order (GLOSSARY.md, Timeline)."""

    MATERIAL_SHORTAGE = "material_shortage"
    EQUIPMENT_FAILURE = "equipment_failure"
    CUSTOMS_INSPECTION = "customs_inspection"
    BAD_WEATHER = "bad_weather"
    CARRIER_DELAY = "carrier_delay"
    DAMAGE = "damage"
    OTHER = "other"


class ExceptionStatus(StrEnum):
    """An exception stays open until the clerk records that its effect is dealt with."""

    OPEN = "open"
    RESOLVED = "resolved"


#: The responsible parties, spelled as the timeline's ``party`` values (``[party]`` in
#: timeline.toml). Kept as plain strings so this module does not depend on the milestone
#: module; a test pins them to the milestone vocabulary once both exist.
PARTIES: tuple[str, ...] = ("production", "supplier", "carrier", "internal", "customer")

CAUSE_LIMIT = 500
IMPACT_DAYS_MAX = 365
MILESTONE_KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")

#: Who is usually responsible for each kind, so a form can pre-select the party the clerk
#: would pick nine times out of ten. The clerk can always choose another one.
_USUAL_PARTY: dict[ExceptionKind, str] = {
    ExceptionKind.MATERIAL_SHORTAGE: "supplier",
    ExceptionKind.EQUIPMENT_FAILURE: "production",
    ExceptionKind.CUSTOMS_INSPECTION: "internal",
    ExceptionKind.BAD_WEATHER: "carrier",
    ExceptionKind.CARRIER_DELAY: "carrier",
    ExceptionKind.DAMAGE: "carrier",
    ExceptionKind.OTHER: "internal",
}


@dataclass(frozen=True)
class ExceptionDraft:
    """An exception as the clerk enters it, before it is attached to an order.

    A caller holding a typed spelling (a CLI argument, an imported cell) turns it into a
    kind with :func:`parse_exception_kind`; :func:`validate_exception` still re-checks
    ``kind`` at run time, because an import that skipped that step must not store a kind
    the KPI report cannot count. ``party`` is one of :data:`PARTIES`. ``impact_days`` is
    in business days, the unit the plan is shifted in. ``milestone_key`` names the
    milestone the exception hits (``qc``, ``shipping``), or None when it hits the order
    as a whole.
    """

    kind: ExceptionKind
    cause: str
    party: str
    impact_days: int
    milestone_key: str | None = None


def usual_party(kind: ExceptionKind) -> str:
    """The party normally responsible for ``kind`` (a default, never a rule)."""
    return _USUAL_PARTY[kind]


def parse_exception_kind(value: str) -> ExceptionKind:
    """The kind spelled ``value``, or an error listing the known kinds."""
    try:
        return ExceptionKind(value.strip())
    except ValueError:
        raise _kind_error(value) from None


def _kind_error(value: str) -> FollowupError:
    return FollowupError(
        "error.exception_kind_unknown",
        field="kind",
        value=value,
        allowed=", ".join(kind.value for kind in ExceptionKind),
    )


def _cause(draft: ExceptionDraft, found: list[Problem]) -> str:
    try:
        return require_text(draft.cause, field="cause", max_length=CAUSE_LIMIT)
    except FollowupError as error:
        found += error.problems
        return draft.cause


def _kind(draft: ExceptionDraft, found: list[Problem]) -> ExceptionKind:
    try:
        return parse_exception_kind(str(draft.kind))
    except FollowupError as error:
        found += error.problems
        return draft.kind


def _party(draft: ExceptionDraft, found: list[Problem]) -> str:
    try:
        party = clean_text(draft.party, field="party", max_length=20)
    except FollowupError as error:
        found += error.problems
        return draft.party
    if party not in PARTIES:
        found.append(
            Problem(
                "error.exception_party_unknown",
                "party",
                {"value": draft.party, "allowed": ", ".join(PARTIES)},
            )
        )
    return party


def _impact_days(draft: ExceptionDraft, found: list[Problem]) -> None:
    days = draft.impact_days
    # bool is an int subclass; True days is a programming error, not an impact of 1.
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= IMPACT_DAYS_MAX:
        found.append(
            Problem(
                "error.exception_impact_range",
                "impact_days",
                {"value": days, "min": 0, "max": IMPACT_DAYS_MAX},
            )
        )


def _milestone_key(draft: ExceptionDraft, found: list[Problem]) -> str | None:
    if draft.milestone_key is None:
        return None
    try:
        key = clean_text(draft.milestone_key, field="milestone_key", max_length=40)
    except FollowupError as error:
        found += error.problems
        return draft.milestone_key
    if not key:
        return None
    if not MILESTONE_KEY_PATTERN.fullmatch(key):
        found.append(Problem("error.exception_milestone_key_form", "milestone_key", {"value": key}))
    return key


def _checked(draft: ExceptionDraft) -> tuple[ExceptionDraft, list[Problem]]:
    """The cleaned draft (meaningful only without problems) and every problem found."""
    found: list[Problem] = []
    kind = _kind(draft, found)
    cause = _cause(draft, found)
    party = _party(draft, found)
    _impact_days(draft, found)
    milestone_key = _milestone_key(draft, found)
    cleaned = replace(draft, kind=kind, cause=cause, party=party, milestone_key=milestone_key)
    return cleaned, found


def exception_problems(draft: ExceptionDraft) -> list[Problem]:
    """Every reason ``draft`` cannot be recorded, each naming its field."""
    return _checked(draft)[1]


def validate_exception(draft: ExceptionDraft) -> ExceptionDraft:
    """The draft with its text cleaned and its kind parsed, or one error carrying every
    problem (the first one's key, field and parameters on the error itself)."""
    cleaned, found = _checked(draft)
    if found:
        first = found[0]
        raise FollowupError(
            first.key, field=first.field, problems=tuple(found), **dict(first.params)
        )
    return cleaned
