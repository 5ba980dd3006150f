"""The business calendar: every deadline goes through it, so it is tested by table and by property.

The tables pin the cases a clerk would check by hand (a holiday week, a make-up Saturday,
the Spring Festival, a start at night or in the lunch break, a DST change); the properties
check the arithmetic laws that make shifting and counting agree with each other.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from followup_tui.domain.calendar import (
    BusinessCalendar,
    CalendarYearUnknown,
    Slot,
    available_calendars,
    calendar_from_mapping,
    load_calendar,
)
from followup_tui.domain.errors import FollowupError

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
CN = load_calendar("cn-mainland")
MON_FRI = load_calendar("mon-fri")


def berlin_calendar(*slots: Slot) -> BusinessCalendar:
    """A seven-day calendar in Berlin, so DST changes (on Sundays) fall on working days."""
    day = slots or (Slot(time(8), time(12)), Slot(time(13), time(17)))
    return BusinessCalendar(name="berlin-test", timezone="Europe/Berlin", working_slots=(day,) * 7)


BERLIN_CAL = berlin_calendar()


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given as Shanghai wall time."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def ends_inside_or_at_end(cal: BusinessCalendar, t: datetime) -> bool:
    """Whether ``t`` is in (start, end] of some working slot."""
    local = t.astimezone(ZoneInfo(cal.timezone)).date()
    return any(s < t <= e for s, e in cal.intervals_on(local))


# -- days -------------------------------------------------------------------------------


def test_shipped_calendars_are_listed() -> None:
    assert {"cn-mainland", "mon-fri"} <= set(available_calendars())


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 9, 30), True),  # Wednesday before National Day
        (date(2026, 10, 1), False),
        (date(2026, 10, 5), False),  # a Monday inside the holiday week
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # make-up Saturday
        (date(2026, 10, 11), False),  # ordinary Sunday
        (date(2026, 9, 20), True),  # make-up Sunday
        (date(2026, 2, 14), True),  # make-up Saturday before Spring Festival
        (date(2026, 2, 23), False),  # last day of Spring Festival, a Monday
        (date(2026, 1, 4), True),  # make-up Sunday after New Year
        (date(2026, 4, 6), False),  # Qingming Monday
        (date(2026, 5, 9), True),
        (date(2026, 6, 19), False),
        (date(2026, 9, 25), False),
    ],
)
def test_cn_mainland_2026_days(day: date, working: bool) -> None:
    assert CN.is_working_day(day) is working


def test_make_up_day_uses_monday_slots() -> None:
    assert CN.slots_on(date(2026, 2, 14)) == CN.slots_on(date(2026, 2, 16 - 7))
    assert CN.is_working_time(sh(2026, 2, 14, 9, 0))


def test_adding_across_spring_festival() -> None:
    friday = date(2026, 2, 13)
    assert CN.add_business_days(friday, 1) == date(2026, 2, 14)
    assert CN.add_business_days(friday, 2) == date(2026, 2, 24)
    assert CN.add_business_days(date(2026, 2, 24), -1) == date(2026, 2, 14)
    assert CN.business_days_between(friday, date(2026, 2, 24)) == 2
    assert CN.business_days_between(date(2026, 2, 24), friday) == -2
    # Mon-Fri knows no holidays: the same span is seven working days there.
    assert MON_FRI.business_days_between(friday, date(2026, 2, 24)) == 7


def test_zero_days_rolls_forward_to_a_working_day() -> None:
    assert CN.add_business_days(date(2026, 10, 3), 0) == date(2026, 10, 8)
    assert CN.add_business_days(date(2026, 10, 8), 0) == date(2026, 10, 8)


# -- hours ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (sh(2026, 3, 2, 7, 0), timedelta(hours=1), sh(2026, 3, 2, 9, 30)),  # before work
        (sh(2026, 3, 2, 12, 30), timedelta(minutes=30), sh(2026, 3, 2, 14, 0)),  # lunch
        (sh(2026, 3, 2, 11, 0), timedelta(hours=2), sh(2026, 3, 2, 14, 30)),  # over lunch
        (sh(2026, 3, 6, 17, 30), timedelta(hours=1), sh(2026, 3, 9, 9, 0)),  # over weekend
        (sh(2026, 3, 6, 22, 0), timedelta(0), sh(2026, 3, 9, 8, 30)),  # night, zero
        (sh(2026, 3, 2, 17, 0), timedelta(hours=1), sh(2026, 3, 2, 18, 0)),  # ends at close
        (sh(2026, 9, 30, 17, 0), timedelta(hours=2), sh(2026, 10, 8, 9, 30)),  # holiday week
        (sh(2026, 2, 13, 18, 0), timedelta(hours=1), sh(2026, 2, 14, 9, 30)),  # make-up Sat
        (sh(2026, 3, 9, 9, 0), timedelta(hours=-1), sh(2026, 3, 6, 17, 30)),  # backwards
    ],
)
def test_add_business_time_table(start: datetime, duration: timedelta, expected: datetime) -> None:
    result = CN.add_business_time(start, duration)
    assert result == expected
    assert result.tzinfo is UTC


def test_lunch_break_is_not_working_time() -> None:
    assert not CN.is_working_time(sh(2026, 3, 2, 12, 30))
    assert CN.is_working_time(sh(2026, 3, 2, 13, 30))
    assert not CN.is_working_time(sh(2026, 3, 2, 18, 0))
    assert CN.business_time_between(sh(2026, 3, 2, 11, 0), sh(2026, 3, 2, 14, 0)) == timedelta(
        hours=1, minutes=30
    )
    assert CN.business_time_between(sh(2026, 3, 2, 14, 0), sh(2026, 3, 2, 11, 0)) == -timedelta(
        hours=1, minutes=30
    )


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        CN.add_business_time(datetime(2026, 3, 2, 9), timedelta(hours=1))
    with pytest.raises(ValueError, match="aware"):
        CN.business_time_between(datetime(2026, 3, 3, 9), datetime(2026, 3, 2, 9))


# -- DST --------------------------------------------------------------------------------


def test_duration_across_the_march_change_follows_wall_time() -> None:
    # Saturday 16:00 CET plus two hours: one hour on Saturday, then Sunday (the day
    # clocks go forward) from 08:00 CEST, which is 06:00 UTC, not 07:00.
    start = datetime(2026, 3, 28, 16, 0, tzinfo=BERLIN)
    result = BERLIN_CAL.add_business_time(start, timedelta(hours=2))
    assert result == datetime(2026, 3, 29, 9, 0, tzinfo=BERLIN)
    assert result == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    assert BERLIN_CAL.business_time_between(start, result) == timedelta(hours=2)


def test_a_slot_spanning_the_change_is_as_long_as_it_really_is() -> None:
    night = berlin_calendar(Slot(time(1), time(4)))
    spring = date(2026, 3, 29)
    autumn = date(2026, 10, 25)
    whole = night.business_time_between
    assert whole(datetime(2026, 3, 29, tzinfo=BERLIN), datetime(2026, 3, 30, tzinfo=BERLIN)) == (
        timedelta(hours=2)
    )
    assert whole(datetime(2026, 10, 25, tzinfo=BERLIN), datetime(2026, 10, 26, tzinfo=BERLIN)) == (
        timedelta(hours=4)
    )
    start = datetime.combine(spring, time(1), tzinfo=BERLIN)
    assert night.add_business_time(start, timedelta(hours=2)) == datetime(
        2026, 3, 29, 2, tzinfo=UTC
    )
    start = datetime.combine(autumn, time(1), tzinfo=BERLIN)
    assert night.add_business_time(start, timedelta(hours=4)) == datetime(
        2026, 10, 25, 3, tzinfo=UTC
    )


# -- unknown years ----------------------------------------------------------------------


def test_unknown_year_is_refused_not_guessed() -> None:
    with pytest.raises(CalendarYearUnknown) as caught:
        CN.add_business_days(date(2026, 12, 31), 1)
    assert caught.value.key == "error.calendar_year_unknown"
    assert caught.value.params == {"year": 2027, "calendar": "cn-mainland"}
    with pytest.raises(CalendarYearUnknown):
        CN.is_working_day(date(2027, 1, 4))
    with pytest.raises(CalendarYearUnknown):
        CN.add_business_time(sh(2026, 12, 31, 17, 0), timedelta(hours=2))
    with pytest.raises(CalendarYearUnknown):
        CN.business_time_between(sh(2026, 12, 1, 9), sh(2027, 1, 5, 9))
    assert MON_FRI.is_working_day(date(2031, 1, 1))


# -- bad data ---------------------------------------------------------------------------

GOOD: dict[str, object] = {
    "timezone": "Asia/Shanghai",
    "known_years": [2026],
    "working_slots": {"monday": ["08:30-12:00", "13:30-18:00"]},
}


@pytest.mark.parametrize(
    ("change", "entry"),
    [
        ({"colour": "red"}, "colour"),
        ({"working_slots": {"monday": ["12:00-08:30"]}}, "working_slots.monday[0]"),
        ({"working_slots": {"monday": ["08:30-12:00", "11:00-13:00"]}}, "working_slots.monday[1]"),
        ({"working_slots": {"funday": ["08:30-12:00"]}}, "working_slots.funday"),
        ({"working_slots": {"monday": ["8.30 to noon"]}}, "working_slots.monday[0]"),
        ({"holidays": ["2026-02-30"]}, "holidays[0]"),
        ({"holidays": [{"from": date(2026, 5, 5), "to": date(2026, 5, 1)}]}, "holidays[0].to"),
        ({"makeup_workdays": [date(2027, 1, 2)]}, "makeup_workdays"),
        (
            {"holidays": [date(2026, 5, 9)], "makeup_workdays": [date(2026, 5, 9)]},
            "makeup_workdays",
        ),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"makeup_slots_from": "sunday"}, "makeup_slots_from"),
    ],
)
def test_bad_data_names_the_file_and_the_entry(change: dict[str, object], entry: str) -> None:
    with pytest.raises(FollowupError) as caught:
        calendar_from_mapping({**GOOD, **change}, "broken.toml", default_name="broken")
    assert caught.value.key == "error.calendar_invalid"
    assert caught.value.params["file"] == "broken.toml"
    assert caught.value.params["entry"] == entry


@pytest.mark.parametrize("name", ["atlantis", "../cn-mainland", "CN-MAINLAND", ""])
def test_unknown_calendar_is_refused(name: str) -> None:
    with pytest.raises(FollowupError) as caught:
        load_calendar(name)
    assert caught.value.key == "error.unknown_calendar"
    assert caught.value.field == "calendar"
    assert caught.value.params["value"] == name
    assert "cn-mainland" in str(caught.value.params["allowed"])


# -- properties -------------------------------------------------------------------------

CALENDARS = st.sampled_from([CN, MON_FRI, BERLIN_CAL])
# cn-mainland knows 2026 only; these bounds keep every walk below inside that year.
DAYS = st.dates(min_value=date(2026, 2, 1), max_value=date(2026, 11, 20))
INSTANTS = st.datetimes(
    min_value=datetime(2026, 2, 1), max_value=datetime(2026, 11, 20), timezones=st.just(UTC)
)
DURATIONS = st.integers(min_value=0, max_value=60 * 8 * 15).map(lambda m: timedelta(minutes=m))


@given(CALENDARS, DAYS, st.integers(min_value=-20, max_value=20))
def test_adding_days_then_counting_gives_n(cal: BusinessCalendar, day: date, n: int) -> None:
    start = cal.next_working_day(day)
    result = cal.add_business_days(start, n)
    assert cal.is_working_day(result)
    assert cal.business_days_between(start, result) == n


@given(CALENDARS, DAYS, st.integers(min_value=1, max_value=20))
def test_adding_positive_days_from_any_day(cal: BusinessCalendar, day: date, n: int) -> None:
    assert cal.business_days_between(day, cal.add_business_days(day, n)) == n


@given(CALENDARS, INSTANTS, DURATIONS)
def test_never_lands_outside_working_time(
    cal: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    result = cal.add_business_time(start, duration)
    if duration > timedelta(0):
        assert ends_inside_or_at_end(cal, result)
    else:
        assert cal.is_working_time(result)


@given(CALENDARS, INSTANTS, DURATIONS, DURATIONS)
def test_more_time_never_lands_earlier(
    cal: BusinessCalendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    short, long = sorted((a, b))
    assert cal.add_business_time(start, short) <= cal.add_business_time(start, long)
    assert cal.add_business_time(start, short) >= start or short == timedelta(0)


@given(CALENDARS, INSTANTS, DURATIONS)
def test_adding_time_then_counting_gives_it_back(
    cal: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    inside = cal.add_business_time(start, timedelta(0))  # an instant inside a slot
    assert cal.is_working_time(inside)
    assert cal.business_time_between(inside, cal.add_business_time(inside, duration)) == duration
    # It holds from outside a slot too: the time before the next slot does not count.
    assert cal.business_time_between(start, cal.add_business_time(start, duration)) == duration


@given(CALENDARS, INSTANTS, DURATIONS)
def test_going_back_then_counting_gives_it_back(
    cal: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    assume(duration > timedelta(0))  # -0 is 0, which rolls forward to a slot start
    earlier = cal.add_business_time(start, -duration)
    assert earlier <= start
    assert cal.business_time_between(start, earlier) == -duration
