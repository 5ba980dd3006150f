"""Recording an exception: the vocabulary matches the catalogs, and validation names every
bad field in one pass."""

from __future__ import annotations

from dataclasses import replace

import pytest

from followup_tui.domain.errors import FollowupError
from followup_tui.domain.timeline.disruptions import (
    CAUSE_LIMIT,
    IMPACT_DAYS_MAX,
    PARTIES,
    ExceptionDraft,
    ExceptionKind,
    ExceptionStatus,
    exception_problems,
    parse_exception_kind,
    usual_party,
    validate_exception,
)
from followup_tui.i18n import LANGUAGES, load_catalog

GOOD = ExceptionDraft(
    kind=ExceptionKind.EQUIPMENT_FAILURE,
    cause="  注塑机液压系统故障，维修需 3 天  ",
    party="production",
    impact_days=3,
    milestone_key="production",
)


def fields_of(error: FollowupError) -> list[str | None]:
    return [problem.field for problem in error.problems]


def refused(draft: ExceptionDraft) -> FollowupError:
    with pytest.raises(FollowupError) as caught:
        validate_exception(draft)
    return caught.value


# -- vocabulary ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kind_status_and_party_has_a_name_in_the_timeline_catalog(language: str) -> None:
    messages = load_catalog(language).messages
    assert {
        k.removeprefix("exception_kind.") for k in messages if k.startswith("exception_kind.")
    } == {kind.value for kind in ExceptionKind}
    assert {
        k.removeprefix("exception_status.") for k in messages if k.startswith("exception_status.")
    } == {status.value for status in ExceptionStatus}
    assert {k.removeprefix("party.") for k in messages if k.startswith("party.")} == set(PARTIES)


def test_the_glossary_kinds_are_all_there() -> None:
    assert [kind.value for kind in ExceptionKind] == [
        "material_shortage",
        "equipment_failure",
        "customs_inspection",
        "bad_weather",
        "carrier_delay",
        "damage",
        "other",
    ]
    assert [status.value for status in ExceptionStatus] == ["open", "resolved"]


@pytest.mark.parametrize("kind", list(ExceptionKind))
def test_every_kind_has_a_usual_party(kind: ExceptionKind) -> None:
    assert usual_party(kind) in PARTIES


def test_a_kind_parses_from_its_spelling_and_an_unknown_one_lists_the_known() -> None:
    assert parse_exception_kind(" damage ") is ExceptionKind.DAMAGE
    with pytest.raises(FollowupError) as caught:
        parse_exception_kind("earthquake")
    assert caught.value.key == "error.exception_kind_unknown"
    assert caught.value.field == "kind"
    assert "customs_inspection" in str(caught.value.params["allowed"])


# -- a good draft -------------------------------------------------------------------------


def test_a_good_draft_comes_back_cleaned_with_its_kind_parsed() -> None:
    cleaned = validate_exception(replace(GOOD, kind=" equipment_failure "))  # type: ignore[arg-type]
    assert cleaned.kind is ExceptionKind.EQUIPMENT_FAILURE
    assert cleaned.cause == "注塑机液压系统故障，维修需 3 天"
    assert cleaned.party == "production"
    assert cleaned.impact_days == 3
    assert cleaned.milestone_key == "production"
    assert exception_problems(GOOD) == []


def test_a_blank_milestone_key_means_the_whole_order() -> None:
    assert validate_exception(replace(GOOD, milestone_key="  ")).milestone_key is None
    assert validate_exception(replace(GOOD, milestone_key=None)).milestone_key is None


@pytest.mark.parametrize("days", [0, 1, IMPACT_DAYS_MAX])
def test_impact_days_at_the_edges_are_accepted(days: int) -> None:
    assert validate_exception(replace(GOOD, impact_days=days)).impact_days == days


def test_a_cause_of_exactly_the_limit_is_accepted() -> None:
    cause = "色" * CAUSE_LIMIT
    assert validate_exception(replace(GOOD, cause=cause)).cause == cause


# -- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "key"),
    [
        ({"kind": "earthquake"}, "kind", "error.exception_kind_unknown"),
        ({"cause": "   "}, "cause", "error.required"),
        ({"cause": "x" * (CAUSE_LIMIT + 1)}, "cause", "error.too_long"),
        ({"party": "government"}, "party", "error.exception_party_unknown"),
        ({"impact_days": -1}, "impact_days", "error.exception_impact_range"),
        ({"impact_days": IMPACT_DAYS_MAX + 1}, "impact_days", "error.exception_impact_range"),
        ({"impact_days": True}, "impact_days", "error.exception_impact_range"),
        ({"milestone_key": "QC stage"}, "milestone_key", "error.exception_milestone_key_form"),
    ],
)
def test_each_bad_field_is_named(change: dict[str, object], field: str, key: str) -> None:
    error = refused(replace(GOOD, **change))  # type: ignore[arg-type]
    assert fields_of(error) == [field]
    assert error.field == field
    assert error.key == key


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cause", "破损\x1b[31m严重"),
        ("cause", "line one\nline two"),
        ("party", "carrier\x00"),
        ("milestone_key", "qc\u202e"),
    ],
)
def test_control_characters_are_refused(field: str, value: str) -> None:
    error = refused(replace(GOOD, **{field: value}))  # type: ignore[arg-type]
    assert fields_of(error) == [field]
    assert error.key == "error.control_character"


def test_every_problem_is_reported_at_once_in_field_order() -> None:
    draft = ExceptionDraft(
        kind="volcano",  # type: ignore[arg-type]  # as an unchecked import passes it
        cause="",
        party="nobody",
        impact_days=400,
        milestone_key="Q C",
    )
    error = refused(draft)
    assert fields_of(error) == ["kind", "cause", "party", "impact_days", "milestone_key"]
    assert error.key == "error.exception_kind_unknown"  # the first problem leads
    assert error.params["value"] == "volcano"
    assert [problem.key for problem in exception_problems(draft)] == [
        problem.key for problem in error.problems
    ]


def test_the_impact_error_carries_its_bounds() -> None:
    error = refused(replace(GOOD, impact_days=-5))
    assert dict(error.params) == {"value": -5, "min": 0, "max": IMPACT_DAYS_MAX}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_refusal_reads_as_a_sentence(language: str) -> None:
    catalog = load_catalog(language)
    draft = ExceptionDraft(
        kind="volcano",  # type: ignore[arg-type]  # as an unchecked import passes it
        cause="",
        party="nobody",
        impact_days=-1,
        milestone_key="Q C",
    )
    for problem in refused(draft).problems:
        sentence = catalog.format(problem.key, problem.params)
        assert sentence != problem.key
        assert "{" not in sentence
