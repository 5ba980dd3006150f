"""Order validation, text rules and the clerk's date arithmetic."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup_tui.domain.calendar import BusinessCalendar, load_calendar
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders.rules import (
    AT_RISK_DAYS,
    LineDraft,
    OrderDraft,
    Urgency,
    at_risk_limit,
    days_left,
    due_date,
    order_problems,
    parse_date,
    parse_decimal,
    summarise_lines,
    unknown_year_between,
    urgency,
    validate_order,
)
from followup_tui.domain.text import (
    clean_text,
    find_control_character,
    fold,
    pinyin_initials,
    require_text,
    reverse_key,
)
from followup_tui.i18n.errors import explain

MakeDraft = Callable[..., OrderDraft]


def fields_of(draft: OrderDraft) -> dict[str, str]:
    return {p.field or "": p.key for p in order_problems(draft)}


# ------------------------------------------------------------------ validation


def test_a_good_draft_has_no_problems(make_draft: MakeDraft) -> None:
    draft = make_draft()
    assert order_problems(draft) == []
    validate_order(draft)


@pytest.mark.parametrize(
    ("overrides", "line", "field", "key"),
    [
        ({}, {"quantity": Decimal(0)}, "lines.0.quantity", "error.quantity_positive"),
        ({}, {"quantity": Decimal("-1")}, "lines.0.quantity", "error.quantity_positive"),
        ({}, {"currency": "XYZ"}, "lines.0.currency", "error.unknown_currency"),
        ({}, {"unit_price": Decimal("-0.01")}, "lines.0.unit_price", "error.price_negative"),
        ({}, {"product": "  "}, "lines.0.product", "error.required"),
        (
            {},
            {"confirmed_date": date(2026, 3, 1)},
            "lines.0.confirmed_date",
            "error.confirmed_before_order",
        ),
        (
            {"confirmed_date": date(2026, 3, 1)},
            {},
            "confirmed_date",
            "error.confirmed_before_order",
        ),
        (
            {"requested_date": date(2026, 2, 1)},
            {},
            "requested_date",
            "error.requested_before_order",
        ),
        ({"customer": ""}, {}, "customer", "error.required"),
        ({"customer": "   "}, {}, "customer", "error.required"),
        ({"customer": "Acme\x1b[2J GmbH"}, {}, "customer", "error.control_character_short"),
        ({"customer": "Acme\u202e GmbH"}, {}, "customer", "error.control_character_short"),
        ({"customer": "x" * 121}, {}, "customer", "error.too_long"),
        ({"owner": ""}, {}, "owner", "error.required"),
        ({"order_no": "P"}, {}, "order_no", "error.order_no_form"),
        ({"order_no": "PO 2026 1"}, {}, "order_no", "error.order_no_form"),
        ({"incoterm": "XXX"}, {}, "incoterm", "error.unknown_incoterm"),
        ({"payment_terms": "cash"}, {}, "payment_terms", "error.unknown_payment_terms"),
        ({"lines": []}, {}, "lines", "error.no_lines"),
    ],
)
def test_each_problem_names_its_field(
    make_draft: MakeDraft,
    overrides: dict[str, object],
    line: dict[str, object],
    field: str,
    key: str,
) -> None:
    draft = make_draft(line=line, **overrides)
    assert fields_of(draft) == {field: key}
    with pytest.raises(FollowupError) as caught:
        validate_order(draft)
    assert caught.value.key == key
    assert caught.value.field == field


def test_unknown_currency_lists_the_known_ones(make_draft: MakeDraft) -> None:
    with pytest.raises(FollowupError) as caught:
        validate_order(make_draft(line={"currency": "RMB"}))
    assert caught.value.params["value"] == "RMB"
    assert "CNY" in str(caught.value.params["allowed"])
    assert "USD" in str(caught.value.params["allowed"])


def test_every_problem_is_collected_at_once(make_draft: MakeDraft) -> None:
    draft = make_draft(
        customer="",
        confirmed_date=date(2026, 1, 1),
        line={"quantity": Decimal(0), "currency": "XYZ"},
    )
    second = LineDraft(
        product="Cable\x07", quantity=Decimal(-3), unit="pcs", unit_price=Decimal(1), currency="EUR"
    )
    draft = replace(draft, lines=[*draft.lines, second])
    problems = {(p.field, p.key) for p in order_problems(draft)}
    assert problems == {
        ("customer", "error.required"),
        ("confirmed_date", "error.confirmed_before_order"),
        ("lines.0.quantity", "error.quantity_positive"),
        ("lines.0.currency", "error.unknown_currency"),
        ("lines.1.product", "error.control_character_short"),
        ("lines.1.quantity", "error.quantity_positive"),
    }
    with pytest.raises(FollowupError) as caught:
        validate_order(draft)
    assert len(caught.value.problems) == 6
    message = explain(caught.value).splitlines()
    assert len(message) == 6
    assert "Customer: This field is required." in message
    assert "Line 2 Quantity: The quantity must be greater than 0." in message


def test_parse_decimal_accepts_separators_and_refuses_extra_places() -> None:
    assert parse_decimal("1,200.5", field="quantity", places=3) == Decimal("1200.5")
    assert parse_decimal(" 12，000 ", field="quantity", places=3) == Decimal(12000)
    assert parse_decimal("1.2500", field="unit_price", places=4) == Decimal("1.25")
    with pytest.raises(FollowupError) as caught:
        parse_decimal("1.23456", field="unit_price", places=4)
    assert (caught.value.key, caught.value.field) == ("error.too_many_places", "unit_price")
    assert caught.value.params == {"places": 4}


@pytest.mark.parametrize("raw", ["", "abc", "1.2.3", "NaN", "Infinity", "1e"])
def test_parse_decimal_names_the_field_of_a_non_number(raw: str) -> None:
    with pytest.raises(FollowupError) as caught:
        parse_decimal(raw, field="lines.0.quantity", places=3)
    assert caught.value.key == "error.not_a_number"
    assert caught.value.field == "lines.0.quantity"
    assert caught.value.params == {"value": raw}


def test_parse_date() -> None:
    assert parse_date(" 2026-04-15 ", field="requested_date") == date(2026, 4, 15)
    for raw in ("2026-02-30", "15/04/2026", "tomorrow", ""):
        with pytest.raises(FollowupError) as caught:
            parse_date(raw, field="requested_date")
        assert caught.value.key == "error.not_a_date"
        assert caught.value.field == "requested_date"
        assert caught.value.params == {"value": raw}


def test_summary_of_lines() -> None:
    lines = [
        LineDraft("A", Decimal("2.5"), "kg", Decimal("4"), "USD"),
        LineDraft("B", Decimal("1"), "kg", Decimal("0.5"), "USD"),
    ]
    assert summarise_lines(lines) == ("A", Decimal("3.5"), "kg", Decimal("10.5"), "USD")
    mixed = [*lines, LineDraft("C", Decimal(1), "pcs", Decimal(1), "EUR")]
    lead, quantity, unit, _amount, currency = summarise_lines(mixed)
    assert (lead, quantity, unit, currency) == ("A", Decimal("4.5"), "", "")


# ------------------------------------------------------------------ text rules


@pytest.mark.parametrize(
    ("value", "position", "code"),
    [
        ("\x1b[31mred", 1, "U+001B"),
        ("Acme\x07", 5, "U+0007"),
        ("ab\u202ecd", 3, "U+202E"),  # right-to-left override
        ("深圳\x00", 3, "U+0000"),
        ("a\nb", 2, "U+000A"),
    ],
)
def test_control_characters_are_refused_with_their_position(
    value: str, position: int, code: str
) -> None:
    with pytest.raises(FollowupError) as caught:
        clean_text(value, field="customer")
    error = caught.value
    assert error.key == "error.control_character"
    assert error.field == "customer"
    assert error.params == {"position": position, "code": code}
    assert explain(error) == (
        f"Customer: Contains a control character ({code}) at position {position}; "
        "it is not allowed."
    )


def test_line_breaks_and_tabs_are_fine_in_multiline_text_but_escapes_are_not() -> None:
    assert clean_text(" call back\n\tat 3 ", field="body", multiline=True) == "call back\n\tat 3"
    assert find_control_character("a\u200db") is None  # zero-width joiner in emoji
    assert find_control_character("a\x1bb", multiline=True) == 1


def test_markup_is_just_text() -> None:
    assert clean_text("[bold]x[/] [@click=app.quit]", field="customer") == (
        "[bold]x[/] [@click=app.quit]"
    )


def test_require_text_and_length() -> None:
    assert require_text("  李娜 ", field="owner") == "李娜"
    with pytest.raises(FollowupError) as caught:
        require_text("   ", field="owner")
    assert (caught.value.key, caught.value.field) == ("error.required", "owner")
    with pytest.raises(FollowupError) as caught:
        clean_text("x" * 11, field="reason", max_length=10)
    assert caught.value.key == "error.too_long"
    assert caught.value.params == {"limit": 10}


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("深圳市华强电子有限公司", "szshqdzyxgs"),
        ("Acme GmbH", "ag"),
        ("华强北 LED 3号仓", "hqbl3hc"),
        ("", ""),
    ],
)
def test_pinyin_initials(name: str, initials: str) -> None:
    assert pinyin_initials(name) == initials


def test_reverse_key_turns_a_suffix_into_a_prefix() -> None:
    assert reverse_key("PO-2026-00123") == "32100-6202-OP"
    assert reverse_key("PO-2026-00123").startswith(reverse_key("00123"))
    assert reverse_key(reverse_key("深圳-001")) == "深圳-001"


@given(st.text(max_size=30), st.text(max_size=10))
def test_reverse_key_property(head: str, tail: str) -> None:
    assert reverse_key(head + tail).startswith(reverse_key(tail))
    assert reverse_key(reverse_key(head)) == head


def test_fold_normalises_width_and_case() -> None:
    assert fold("ＡＣＭＥ Gmbh") == "acme gmbh"
    assert fold("华强") == "华强"


# ------------------------------------------------------------------ dates


def test_due_date_prefers_the_promise() -> None:
    assert due_date(None, date(2026, 4, 15)) == date(2026, 4, 15)
    assert due_date(date(2026, 4, 20), date(2026, 4, 15)) == date(2026, 4, 20)


MON_FRI = load_calendar("mon-fri")
CN = load_calendar("cn-mainland")
FRIDAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("due", "today", "expected"),
    [
        (FRIDAY, FRIDAY, 0),
        (date(2026, 11, 28), FRIDAY, 0),  # Saturday: no working day between
        (date(2026, 11, 30), FRIDAY, 1),  # Monday is the next working day, not 3 days off
        (date(2026, 12, 4), FRIDAY, 5),
        (date(2026, 12, 11), FRIDAY, 10),
        (date(2026, 11, 26), FRIDAY, -1),
        (date(2026, 11, 20), FRIDAY, -5),
        (FRIDAY, date(2026, 11, 30), -1),  # due Friday, seen on Monday: one working day lost
        (date(2026, 11, 28), date(2026, 11, 29), 0),  # late by date, no working day lost yet
        (date(2027, 11, 26), FRIDAY, 260),  # every year is known to a plain calendar
    ],
)
def test_days_left_counts_business_days_across_weekends(
    due: date, today: date, expected: int
) -> None:
    assert days_left(due, today, MON_FRI) == expected


@pytest.mark.parametrize(
    ("due", "today", "expected"),
    [
        # National Day 2026: 10-01..10-07 off, Saturday 10-10 worked (调休).
        (date(2026, 10, 8), date(2026, 9, 30), 1),
        (date(2026, 10, 9), date(2026, 9, 30), 2),
        (date(2026, 10, 10), date(2026, 9, 30), 3),
        (date(2026, 10, 12), date(2026, 9, 30), 4),
        (date(2026, 10, 7), date(2026, 9, 30), 0),
        (date(2026, 9, 30), date(2026, 10, 8), -1),  # the holiday week costs no working day
        # Sunday 09-20 is a make-up workday before it.
        (date(2026, 9, 21), date(2026, 9, 18), 2),
    ],
)
def test_days_left_follows_holidays_and_make_up_days(due: date, today: date, expected: int) -> None:
    assert days_left(due, today, CN) == expected
    assert days_left(due, today, MON_FRI) != expected  # the calendar really mattered


def test_days_left_is_none_for_a_year_the_calendar_does_not_know() -> None:
    assert days_left(date(2027, 1, 4), date(2026, 12, 30), CN) is None
    assert days_left(date(2026, 12, 30), date(2027, 1, 4), CN) is None
    assert days_left(date(2028, 3, 1), date(2026, 6, 1), CN) is None
    assert days_left(date(2026, 12, 31), date(2026, 12, 30), CN) == 1
    assert unknown_year_between(date(2026, 12, 30), date(2028, 3, 1), CN) == 2027
    assert unknown_year_between(date(2028, 3, 1), date(2026, 12, 30), CN) == 2027
    assert unknown_year_between(date(2026, 1, 1), date(2026, 12, 31), CN) is None
    assert unknown_year_between(date(2026, 1, 1), date(2030, 1, 1), MON_FRI) is None


def test_at_risk_limit_is_the_day_before_the_fourth_working_day() -> None:
    assert AT_RISK_DAYS == 3
    # Friday: Mon, Tue, Wed are the three working days left; Thursday is the fourth.
    assert at_risk_limit(FRIDAY, MON_FRI) == date(2026, 12, 2)
    # Before National Day the holiday week stretches the limit past it.
    assert at_risk_limit(date(2026, 9, 29), CN) == date(2026, 10, 9)
    # A Wednesday: Thu, Fri, Mon; the weekend before Tuesday is at risk too (3 days left).
    assert at_risk_limit(date(2026, 11, 25), MON_FRI) == date(2026, 11, 30)
    assert at_risk_limit(date(2026, 12, 29), CN) is None  # the fourth day is in 2027


@given(
    st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 11, 30)),
    st.integers(min_value=0, max_value=30),
    st.sampled_from([MON_FRI, CN]),
)
def test_the_limit_and_the_days_agree(today: date, ahead: int, calendar: BusinessCalendar) -> None:
    """The header counts by the limit, the rows by days left: they must mark the same."""
    due = today + timedelta(days=ahead)
    days = days_left(due, today, calendar)
    limit = at_risk_limit(today, calendar)
    assert days is not None and limit is not None
    assert (due <= limit) == (days <= AT_RISK_DAYS)
    level = urgency(due, today, days, open_order=True)
    assert (level is Urgency.AT_RISK) == (due <= limit)


@pytest.mark.parametrize(
    ("due", "today", "days", "open_order", "expected"),
    [
        (date(2026, 11, 26), FRIDAY, -1, True, Urgency.LATE),
        (date(2026, 10, 28), FRIDAY, -22, True, Urgency.LATE),
        (date(2026, 11, 28), date(2026, 11, 29), 0, True, Urgency.LATE),  # by date
        (FRIDAY, FRIDAY, 0, True, Urgency.AT_RISK),
        (date(2026, 12, 2), FRIDAY, AT_RISK_DAYS, True, Urgency.AT_RISK),
        (date(2026, 12, 3), FRIDAY, AT_RISK_DAYS + 1, True, Urgency.ON_TRACK),
        (date(2027, 1, 1), date(2026, 12, 30), None, True, Urgency.AT_RISK),  # 2 calendar days
        (date(2027, 1, 4), date(2026, 12, 30), None, True, Urgency.UNKNOWN),
        (date(2026, 12, 30), date(2027, 1, 4), None, True, Urgency.LATE),
        (date(2026, 11, 20), FRIDAY, -5, False, Urgency.DONE),
        (date(2027, 1, 4), date(2026, 12, 30), None, False, Urgency.DONE),
    ],
)
def test_urgency(
    due: date, today: date, days: int | None, open_order: bool, expected: Urgency
) -> None:
    assert urgency(due, today, days, open_order=open_order) is expected


@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)))
def test_urgency_never_gets_better_as_the_due_date_nears(due: date) -> None:
    order = [Urgency.LATE, Urgency.AT_RISK, Urgency.ON_TRACK]

    def level(d: date) -> Urgency:
        return urgency(d, FRIDAY, days_left(d, FRIDAY, MON_FRI), open_order=True)

    assert order.index(level(due)) <= order.index(level(due + timedelta(days=1)))
