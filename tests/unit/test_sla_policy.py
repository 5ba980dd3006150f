"""The SLA policy: the shipped one is what the issue promises, a company copy replaces it,
a bad copy is refused naming the entry, grades are suggested by a table, and the
complaint's rules refuse bad input naming the field."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from followup_tui.domain.complaints.sla import (
    COMPLAINT_TRANSITIONS,
    ComplaintStatus,
    Level,
    check_close,
    check_complaint_move,
    check_pause,
    check_resume,
    check_score,
    parse_complaint_status,
    reopens_case,
)
from followup_tui.domain.complaints.sla_policy import (
    RESPONSIBLE_PARTIES,
    SLA_POLICY_FILE,
    Basis,
    ClockKind,
    PauseReason,
    RemedyKind,
    SlaPolicy,
    check_pause_reason,
    check_remedy_kind,
    check_responsible_party,
    load_policy,
    policy_from_text,
    suggest_grade,
)
from followup_tui.domain.errors import FollowupError
from followup_tui.i18n import LANGUAGES, load_catalog

SHIPPED = load_policy()

MINIMAL = """\
[[grade]]
key = "urgent"
title = { zh_CN = "紧急", en = "Urgent" }
target = [
    { kind = "ack", hours = 1, role = "supervisor" },
    { kind = "resolve", hours = 24, basis = "wall" },
]

[[grade]]
key = "normal"
title = { zh_CN = "普通", en = "Normal" }
target = [{ kind = "ack", hours = 4 }]

[[category]]
key = "quality"
title = { zh_CN = "质量", en = "Quality" }
grade = "normal"
"""


def test_the_shipped_policy_has_the_promised_targets() -> None:
    assert SHIPPED.source == SLA_POLICY_FILE
    assert SHIPPED.grade_keys() == ("major", "ordinary", "minor")
    expected = {
        "major": {"ack": 2, "plan": 8, "resolve": 40},
        "ordinary": {"ack": 4, "plan": 24, "resolve": 80},
        "minor": {"ack": 8, "plan": 40, "resolve": 120},
    }
    for grade in SHIPPED.grades:
        assert {t.kind.value: t.hours for t in grade.targets} == expected[grade.key]
        assert all(t.basis is Basis.BUSINESS for t in grade.targets)
    ack = SHIPPED.target("major", ClockKind.ACK)
    assert ack is not None
    assert ack.role == "supervisor"
    assert SHIPPED.target("ordinary", "ack") is not None
    assert SHIPPED.categories == (
        "late_delivery",
        "quality",
        "short_quantity",
        "packaging_labels",
        "missing_documents",
    )
    assert SHIPPED.category_grades["quality"] == "ordinary"
    assert SHIPPED.category_grades["missing_documents"] == "minor"
    assert SHIPPED.ladder == (0.5, 0.75, 0.9)
    assert SHIPPED.satisfaction_days == 5
    assert SHIPPED.value_threshold == Decimal(500000)
    assert SHIPPED.value_grade == "major"
    assert SHIPPED.grade("major").title("zh_CN") == "重大"
    assert SHIPPED.category_title("quality", "en") == "Quality"


def test_a_company_file_replaces_the_shipped_policy(tmp_path: Path) -> None:
    company = tmp_path / SLA_POLICY_FILE
    assert load_policy(company) == SHIPPED  # no company file yet
    company.write_text(MINIMAL, encoding="utf-8")
    policy = load_policy(company)
    assert policy.source == str(company)
    assert policy.grade_keys() == ("urgent", "normal")
    resolve = policy.target("urgent", ClockKind.RESOLVE)
    assert resolve is not None
    assert resolve.basis is Basis.WALL
    assert policy.target("normal", ClockKind.PLAN) is None
    assert policy.ladder == (0.5, 0.75, 0.9)  # defaults where the file is silent
    assert policy.satisfaction_days == 5
    assert policy.value_threshold is None


def _edit(old: str, new: str) -> str:
    assert old in MINIMAL
    return MINIMAL.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        (_edit("hours = 1, role", "hours = 0, role"), "grade[1].target[1].hours"),
        (_edit("hours = 1, role", "hours = -2, role"), "grade[1].target[1].hours"),
        (_edit("hours = 1, role", 'hours = "1", role'), "grade[1].target[1].hours"),
        (_edit("hours = 1, role", "hours = true, role"), "grade[1].target[1].hours"),
        (_edit("hours = 1, role", "hours = nan, role"), "grade[1].target[1].hours"),
        (_edit('role = "supervisor"', 'role = "boss"'), "grade[1].target[1].role"),
        (_edit('basis = "wall"', 'basis = "weekly"'), "grade[1].target[2].basis"),
        (_edit('kind = "resolve"', 'kind = "ack"'), "grade[1].target[2].kind"),
        (_edit('kind = "resolve"', 'kind = "close"'), "grade[1].target[2].kind"),
        (
            _edit('{ kind = "ack", hours = 4 }', '{ kind = "ack", hours = 4, minutes = 3 }'),
            "grade[2].target[1].minutes",
        ),
        (_edit('target = [{ kind = "ack", hours = 4 }]', "target = []"), "grade[2].target"),
        (_edit('key = "normal"', 'key = "urgent"'), "grade[2].key"),
        (_edit('key = "normal"', 'key = "Normal Grade"'), "grade[2].key"),
        (_edit('en = "Urgent"', 'en = ""'), "grade[1].title.en"),
        (_edit('en = "Urgent"', 'en = "Ur\\u001bgent"'), "grade[1].title.en"),
        (_edit('grade = "normal"', 'grade = "severe"'), "category[1].grade"),
        ("colour = 'red'\n" + MINIMAL, "colour"),
        ("ladder = [0.5, 0.9, 0.75]\n" + MINIMAL, "ladder"),
        ("ladder = [0.5, 0.75]\n" + MINIMAL, "ladder"),
        ("ladder = [0.5, 0.75, 'x']\n" + MINIMAL, "ladder[3]"),
        ("satisfaction_days = -1\n" + MINIMAL, "satisfaction_days"),
        ("reopen_score = 5\n" + MINIMAL, "reopen_score"),
        ("[suggest]\nvalue_threshold = -5\n" + MINIMAL, "suggest.value_threshold"),
        ("[suggest]\nvalue_threshold = 1.5\n" + MINIMAL, "suggest.value_threshold"),
        ("[suggest]\nvalue_grade = 'urgent'\n" + MINIMAL, "suggest.value_grade"),
        ("[suggest]\nkey_account_grade = 'top'\n" + MINIMAL, "suggest.key_account_grade"),
        ("[suggest]\nbump = 1\n" + MINIMAL, "suggest.bump"),
        ("[[grade]\n", "toml"),
    ],
)
def test_bad_policies_are_refused_naming_the_file_and_entry(text: str, entry: str) -> None:
    with pytest.raises(FollowupError) as caught:
        policy_from_text(text, "company/sla_policy.toml")
    assert caught.value.key == "error.sla_policy_invalid"
    assert caught.value.field == entry
    assert caught.value.params["file"] == "company/sla_policy.toml"
    assert caught.value.params["entry"] == entry


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        (
            _edit('title = { zh_CN = "紧急", en = "Urgent" }', 'title = { zh_CN = "紧急" }'),
            "grade[1].title.en",
        ),
        (_edit('{ kind = "ack", hours = 4 }', '{ kind = "ack" }'), "grade[2].target[1].hours"),
        (_edit('grade = "normal"\n', ""), "category[1].grade"),
        (MINIMAL.split("[[category]]", maxsplit=1)[0], "category"),
        ("", "grade"),
    ],
)
def test_missing_entries_are_named(text: str, entry: str) -> None:
    with pytest.raises(FollowupError) as caught:
        policy_from_text(text, "p.toml")
    assert caught.value.key == "error.sla_policy_missing"
    assert caught.value.field == entry


def test_an_unreadable_company_file_is_refused_not_replaced(tmp_path: Path) -> None:
    company = tmp_path / SLA_POLICY_FILE
    company.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(FollowupError) as caught:
        load_policy(company)
    assert caught.value.params["entry"] == "encoding"
    assert caught.value.params["file"] == str(company)


@pytest.mark.parametrize(
    ("category", "key_account", "value", "grade"),
    [
        ("quality", False, Decimal(1000), "ordinary"),
        ("late_delivery", False, Decimal(0), "ordinary"),
        ("missing_documents", False, Decimal(1000), "minor"),
        ("packaging_labels", False, Decimal(1000), "minor"),
        # A key account moves one grade up.
        ("missing_documents", True, Decimal(1000), "ordinary"),
        ("quality", True, Decimal(1000), "major"),
        # An order worth 500,000 or more is major whatever the category.
        ("missing_documents", False, Decimal(500000), "major"),
        ("missing_documents", False, Decimal("499999.99"), "minor"),
        ("quality", True, Decimal(900000), "major"),
    ],
)
def test_suggest_grade(category: str, key_account: bool, value: Decimal, grade: str) -> None:
    assert suggest_grade(SHIPPED, category, key_account=key_account, order_value=value) == grade


def test_suggest_grade_with_a_key_account_floor() -> None:
    policy = policy_from_text(
        "[suggest]\nkey_account_bump = 0\nkey_account_grade = 'urgent'\n" + MINIMAL, "p.toml"
    )
    assert suggest_grade(policy, "quality", key_account=False, order_value=Decimal(1)) == "normal"
    assert suggest_grade(policy, "quality", key_account=True, order_value=Decimal(1)) == "urgent"
    assert isinstance(policy, SlaPolicy)


def test_unknown_grades_and_categories_are_refused_naming_the_field() -> None:
    with pytest.raises(FollowupError) as grade:
        SHIPPED.grade("critical")
    assert (grade.value.key, grade.value.field) == ("error.sla_grade_unknown", "grade")
    assert grade.value.params["known"] == "major, ordinary, minor"
    with pytest.raises(FollowupError) as category:
        suggest_grade(SHIPPED, "smell", key_account=False, order_value=Decimal(1))
    assert (category.value.key, category.value.field) == ("error.sla_category_unknown", "category")
    assert SHIPPED.check_category("quality") == "quality"


# -- the complaint's rules ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("remedy", "note", "key", "field"),
    [
        (None, "customer confirmed by phone", "error.close_without_remedy", "remedy"),
        ("", "customer confirmed by phone", "error.close_without_remedy", "remedy"),
        ("apology", "customer confirmed by phone", "error.remedy_kind_unknown", "remedy"),
        ("refund", "", "error.close_without_note", "note"),
        ("refund", "   \n ", "error.close_without_note", "note"),
        ("refund", "ok\x1b[31m", "error.control_character", "note"),
    ],
)
def test_closing_needs_a_remedy_and_a_note(
    remedy: str | None, note: str, key: str, field: str
) -> None:
    with pytest.raises(FollowupError) as caught:
        check_close(remedy, note)
    assert (caught.value.key, caught.value.field) == (key, field)


def test_a_good_close_returns_the_clean_note() -> None:
    assert (
        check_close("reship", "  客户电话确认已解决\n补发 20 件  ")
        == "客户电话确认已解决\n补发 20 件"
    )


@pytest.mark.parametrize("score", [0, 6, -1, True])
def test_scores_outside_one_to_five_are_refused(score: int) -> None:
    with pytest.raises(FollowupError) as caught:
        check_score(score)
    assert (caught.value.key, caught.value.field) == ("error.satisfaction_score", "score")


def test_scores_in_range_and_which_reopen() -> None:
    for score in range(1, 6):
        check_score(score)
    assert [reopens_case(score, SHIPPED) for score in range(1, 6)] == [
        True,
        True,
        False,
        False,
        False,
    ]


def test_pause_and_resume_rules() -> None:
    since = datetime(2026, 3, 9, 2, 0, tzinfo=UTC)
    with pytest.raises(FollowupError) as not_paused:
        check_resume(None)
    assert not_paused.value.key == "error.not_paused"
    check_resume(since)
    with pytest.raises(FollowupError) as paused:
        check_pause(since)
    assert paused.value.key == "error.already_paused"
    check_pause(None)


@pytest.mark.parametrize("reason", ["", "   ", "lunch", "QC "])
def test_a_pause_needs_a_known_reason(reason: str) -> None:
    with pytest.raises(FollowupError) as caught:
        check_pause_reason(reason)
    assert (caught.value.key, caught.value.field) == ("error.pause_reason", "reason")
    assert caught.value.params["allowed"] == "customer, supplier, qc, carrier"


def test_known_words_are_accepted() -> None:
    assert check_pause_reason(" qc ") is PauseReason.QC
    assert check_remedy_kind("gift") is RemedyKind.GIFT
    assert check_responsible_party("carrier") == "carrier"
    with pytest.raises(FollowupError) as caught:
        check_responsible_party("weather")
    assert caught.value.field == "responsible_party"


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("new", "acknowledged", True),
        ("new", "investigating", False),
        ("new", "closed", False),
        ("acknowledged", "investigating", True),
        ("acknowledged", "awaiting_customer", True),
        ("acknowledged", "closed", False),
        ("investigating", "remedy", True),
        ("investigating", "closed", False),
        ("remedy", "investigating", True),
        ("remedy", "closed", True),
        ("awaiting_customer", "closed", True),
        ("awaiting_customer", "remedy", True),
        ("closed", "reopened", True),
        ("closed", "investigating", False),
        ("closed", "new", False),
        ("reopened", "investigating", True),
        ("reopened", "closed", False),
        ("remedy", "remedy", False),
    ],
)
def test_complaint_moves(current: str, target: str, allowed: bool) -> None:
    move = (ComplaintStatus(current), ComplaintStatus(target))
    if allowed:
        check_complaint_move(*move)
        return
    with pytest.raises(FollowupError) as caught:
        check_complaint_move(*move)
    assert caught.value.key == "error.complaint_move"
    assert caught.value.params["allowed"] == ", ".join(COMPLAINT_TRANSITIONS[move[0]])


def test_reopened_continues_like_acknowledged() -> None:
    assert set(COMPLAINT_TRANSITIONS) == set(ComplaintStatus)
    reopened = COMPLAINT_TRANSITIONS[ComplaintStatus.REOPENED]
    assert reopened == COMPLAINT_TRANSITIONS[ComplaintStatus.ACKNOWLEDGED]
    assert COMPLAINT_TRANSITIONS[ComplaintStatus.CLOSED] == (ComplaintStatus.REOPENED,)
    assert parse_complaint_status("remedy") is ComplaintStatus.REMEDY
    with pytest.raises(FollowupError) as caught:
        parse_complaint_status("done")
    assert caught.value.field == "status"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_word_has_a_label(language: str) -> None:
    messages = load_catalog(language).messages
    words = [
        *(f"grade.{key}" for key in SHIPPED.grade_keys()),
        *(f"category.{key}" for key in SHIPPED.categories),
        *(f"pause_reason.{reason.value}" for reason in PauseReason),
        *(f"remedy_kind.{kind.value}" for kind in RemedyKind),
        *(f"complaint_status.{status.value}" for status in ComplaintStatus),
        *(f"clock_kind.{kind.value}" for kind in ClockKind),
        *(f"sla_level.{level.name.lower()}" for level in Level),
        *(f"sla.basis.{basis.value}" for basis in Basis),
        *(f"party.{party}" for party in RESPONSIBLE_PARTIES),
        "sla.role.owner",
        "sla.role.supervisor",
    ]
    assert [word for word in words if not messages.get(word, "").strip()] == []
