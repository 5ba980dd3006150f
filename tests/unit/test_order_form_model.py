"""The order form's data rules, without widgets: line dates survive an edit, and a
conflict defaults to the other save for fields this clerk did not touch."""

from __future__ import annotations

from datetime import date

from followup_tui.screens.orders.form_model import (
    FormValues,
    blank_values,
    build_draft,
    typed_since,
    untouched_fields,
)


def _values(**line_extra: str) -> FormValues:
    values = blank_values("PO-2026-00001", "tester", date(2026, 11, 1))
    values.header.update(
        customer="Acme GmbH", requested_date="2026-12-01", confirmed_date="2026-12-05"
    )
    values.lines[0].update(
        product="Cable set K2", quantity="100", unit_price="2.5", currency="USD", **line_extra
    )
    return values


def test_a_stored_line_keeps_its_own_dates() -> None:
    draft, problems = build_draft(_values(requested_date="2026-11-20", confirmed_date="2026-11-28"))
    assert problems == []
    assert draft is not None
    assert draft.lines[0].confirmed_date == date(2026, 11, 28)
    assert draft.lines[0].requested_date == date(2026, 11, 20)


def test_a_new_line_takes_the_headers_confirmed_date() -> None:
    draft, problems = build_draft(_values())
    assert problems == [] and draft is not None
    assert draft.lines[0].confirmed_date == date(2026, 12, 5)
    assert draft.lines[0].requested_date is None


def test_a_bad_line_date_names_the_line() -> None:
    draft, problems = build_draft(_values(confirmed_date="2026-13-40"))
    assert draft is None
    assert [p.field for p in problems] == ["lines.0.confirmed_date"]


def test_untouched_fields_are_those_equal_to_what_was_opened() -> None:
    opened = _values()
    mine = FormValues(dict(opened.header), [dict(line) for line in opened.lines])
    mine.header["packaging"] = "出口纸箱"
    touched = {"packaging"}
    untouched = untouched_fields(mine, opened)
    assert "packaging" not in untouched
    assert "labels" in untouched and "lines" in untouched
    mine.lines[0]["quantity"] = "200"
    assert "lines" not in untouched_fields(mine, opened)
    assert touched.isdisjoint(untouched_fields(mine, opened))


def test_an_empty_quantity_is_one_problem_not_two() -> None:
    """It was both "required" and "must be greater than 0"; the customer's is kept."""
    values = _values()
    values.lines[0]["quantity"] = ""
    values.header["customer"] = ""
    draft, problems = build_draft(values)
    assert draft is None
    assert [(problem.field, problem.key) for problem in problems] == [
        ("lines.0.quantity", "error.required"),
        ("customer", "error.required"),
    ]


def test_typing_since_the_form_opened_is_what_leaving_asks_about() -> None:
    opened = _values()
    assert not typed_since(opened, _values())
    with_blank_line = _values()
    with_blank_line.lines.append({"unit": "pcs", "currency": "USD"})  # ctrl+l, left blank
    assert not typed_since(opened, with_blank_line)
    assert typed_since(opened, _values(spec="2 m"))
    changed = _values()
    changed.header["customer_po"] = "CPO-1"
    assert typed_since(opened, changed)
