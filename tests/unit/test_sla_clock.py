"""SLA clocks: due times in business and wall time, pauses, reopen, ladder marks, levels,
time left and the explanation behind a due time.

The Chinese mainland calendar knows only 2026 (National Day 10-01..07, make-up workdays
09-20 and 10-10; slots 08:30-12:00 and 13:30-18:00); the Monday-Friday one works
09:00-12:00 and 13:00-18:00. Every instant here is Shanghai time.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_tui.domain.calendar import BusinessCalendar, CalendarYearUnknown, load_calendar
from followup_tui.domain.complaints.sla import (
    ClockPlan,
    Level,
    Pause,
    arm_clock,
    arm_clocks,
    clock_level,
    explain,
    format_duration,
    satisfaction_due,
    time_left,
)
from followup_tui.domain.complaints.sla_policy import Basis, ClockKind, Target, load_policy

SH = ZoneInfo("Asia/Shanghai")
CN = load_calendar("cn-mainland")
MON_FRI = load_calendar("mon-fri")
CALENDARS = {"cn-mainland": CN, "mon-fri": MON_FRI}
ONE_US = timedelta(microseconds=1)


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A 2026 instant, Shanghai time."""
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def business(hours_: float, kind: ClockKind = ClockKind.ACK) -> Target:
    return Target(kind, hours_)


# -- due times --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calendar", "received", "target", "due"),
    [
        # Friday 17:30: half an hour on Friday, the rest on Monday morning.
        ("cn-mainland", at(3, 6, 17, 30), 2, at(3, 9, 10, 0)),
        ("mon-fri", at(3, 6, 17, 30), 2, at(3, 9, 10, 30)),
        # Saturday: nothing counts until Monday's first slot.
        ("cn-mainland", at(3, 7, 10, 0), 2, at(3, 9, 10, 30)),
        ("mon-fri", at(3, 7, 10, 0), 2, at(3, 9, 11, 0)),
        # Received in the lunch break: counts from 13:30.
        ("cn-mainland", at(3, 10, 12, 15), 1, at(3, 10, 14, 30)),
        # A night: counts from the next morning.
        ("cn-mainland", at(3, 10, 22, 0), 4, at(3, 11, 14, 0)),
        # The eve of National Day: the holiday week does not count.
        ("cn-mainland", at(9, 30, 17, 0), 2, at(10, 8, 9, 30)),
        # Make-up workday (Saturday 10-10) counts as a Monday.
        ("cn-mainland", at(10, 10, 9, 0), 2, at(10, 10, 11, 0)),
        # Make-up workday (Sunday 09-20) after a Saturday receipt.
        ("cn-mainland", at(9, 19, 15, 0), 1, at(9, 20, 9, 30)),
        # Exactly a whole slot ends at the slot's end, not the next morning.
        ("cn-mainland", at(3, 10, 13, 30), 4.5, at(3, 10, 18, 0)),
    ],
)
def test_business_due_times(
    calendar: str, received: datetime, target: float, due: datetime
) -> None:
    plan = arm_clock(business(target), received, [], CALENDARS[calendar])
    assert plan.due_at == due
    assert plan.due_at.tzinfo is UTC
    assert plan.paused_since is None
    assert plan.remaining == hours(target)


def test_wall_basis_ignores_the_calendar() -> None:
    target = Target(ClockKind.PLAN, 24, Basis.WALL)
    plan = arm_clock(target, at(9, 30, 17, 30), [], CN)
    assert plan.due_at == at(10, 1, 17, 30)  # National Day counts on the wall
    assert plan.marks == (at(10, 1, 5, 30), at(10, 1, 11, 30), at(10, 1, 15, 6))
    paused = arm_clock(target, at(9, 30, 17, 30), [Pause(at(10, 1, 0), at(10, 1, 3), "qc")], CN)
    assert paused.due_at == at(10, 1, 20, 30)
    assert time_left(plan, at(10, 1, 16, 30), CN) == hours(1)


def test_a_pause_over_a_weekend_and_a_holiday_pushes_due_by_its_business_time() -> None:
    target = business(40, ClockKind.RESOLVE)
    received = at(9, 28, 9, 0)
    pause = Pause(at(9, 30, 15, 0), at(10, 9, 10, 0), "supplier")
    plain = arm_clock(target, received, [], CN)
    paused = arm_clock(target, received, [pause], CN)
    pause_business = CN.business_time_between(pause.start, pause.end or pause.start)
    # 09-30 15:00-18:00, 10-08 all day, 10-09 08:30-10:00; 10-01..07 is the holiday.
    assert pause_business == hours(3 + 8 + 1.5)
    assert CN.business_time_between(plain.due_at, paused.due_at) == pause_business
    assert paused.due_at == CN.add_business_time(plain.due_at, pause_business)


def test_a_pause_that_is_all_weekend_moves_nothing() -> None:
    target = business(2)
    weekend = Pause(at(3, 6, 18, 30), at(3, 8, 23, 0), "customer")
    plan = arm_clock(target, at(3, 6, 17, 30), [weekend], CN)
    assert plan.due_at == arm_clock(target, at(3, 6, 17, 30), [], CN).due_at


def test_a_pause_after_the_due_time_does_not_move_it() -> None:
    target = business(2)
    late_pause = Pause(at(3, 10, 15, 0), None, "customer")
    plan = arm_clock(target, at(3, 10, 9, 0), [late_pause], CN)
    assert plan.due_at == at(3, 10, 11, 0)
    assert plan.paused_since is None
    assert clock_level(plan, at(3, 12, 9, 0)) is Level.BREACHED
    keys = [line.key for line in explain(target, at(3, 10, 9, 0), [late_pause], CN)]
    assert keys == ["sla.explain.armed", "sla.explain.paused_after_due"]


def test_overlapping_pauses_count_once() -> None:
    target = business(4)
    first = Pause(at(3, 10, 9, 0), at(3, 10, 11, 0), "qc")
    second = Pause(at(3, 10, 10, 0), at(3, 10, 11, 30), "supplier")
    both = arm_clock(target, at(3, 10, 8, 30), [second, first], CN)
    union = arm_clock(target, at(3, 10, 8, 30), [Pause(first.start, second.end, "qc")], CN)
    assert both.due_at == union.due_at == at(3, 10, 16, 30)


def test_reopen_arms_from_the_reopen_and_ignores_earlier_pauses() -> None:
    target = business(8, ClockKind.PLAN)
    old_pauses = [
        Pause(at(3, 10, 9, 0), at(3, 12, 9, 0), "customer"),
        Pause(at(3, 16, 9, 0), at(3, 16, 17, 0), "qc"),
    ]
    reopened_at = at(4, 1, 10, 0)
    reopened = arm_clock(target, reopened_at, old_pauses, CN)
    assert reopened == arm_clock(target, reopened_at, [], CN)
    assert reopened.armed_at == reopened_at
    assert reopened.due_at == at(4, 2, 10, 0)
    # A pause still running at the reopen only counts from the reopen.
    straddling = Pause(at(3, 31, 9, 0), at(4, 1, 11, 0), "customer")
    assert arm_clock(target, reopened_at, [straddling], CN).due_at == at(4, 2, 11, 0)
    assert [line.key for line in explain(target, reopened_at, old_pauses, CN)] == [
        "sla.explain.armed"
    ]


def test_an_open_pause_freezes_the_clock() -> None:
    target = business(2)
    received = at(3, 10, 9, 0)
    pause = Pause(at(3, 10, 10, 30), None, "qc")
    plan = arm_clock(target, received, [pause], CN)
    assert plan.paused_since == pause.start
    assert plan.is_paused
    assert plan.remaining == hours(0.5)
    # Due and marks as if it resumed at its start.
    assert plan.due_at == at(3, 10, 11, 0)
    assert plan.marks[0] == at(3, 10, 10, 0)
    for later in (at(3, 10, 11, 0), at(3, 11, 9, 0), at(3, 30, 9, 0)):
        assert time_left(plan, later, CN) == hours(0.5)
        assert clock_level(plan, later) is Level.THREE_QUARTERS
    # Before the pause it was still running.
    assert time_left(plan, at(3, 10, 10, 0), CN) == hours(1)
    # Resuming re-arms: the due moves by the pause's business time.
    resumed = arm_clock(target, received, [Pause(pause.start, at(3, 11, 9, 0), "qc")], CN)
    assert resumed.paused_since is None
    assert resumed.due_at == at(3, 11, 9, 30)
    assert time_left(resumed, at(3, 11, 9, 0), CN) == hours(0.5)


def test_met_clocks_stop_where_they_were_met() -> None:
    target = business(2)
    received = at(3, 10, 9, 0)
    early = arm_clock(target, received, [], CN, met_at=at(3, 10, 10, 0))
    assert early.is_met
    assert clock_level(early, at(3, 20, 9, 0)) is Level.HALF
    assert time_left(early, at(3, 20, 9, 0), CN) == hours(1)
    late = arm_clock(target, received, [], CN, met_at=at(3, 10, 14, 0))
    assert clock_level(late, at(3, 20, 9, 0)) is Level.BREACHED
    assert time_left(late, at(3, 20, 9, 0), CN) == -hours(1.5)
    # Met while paused: the pause runs until the meeting, not as if it resumed.
    paused = [Pause(at(3, 10, 9, 30), None, "customer")]
    met_in_pause = arm_clock(target, received, paused, CN, met_at=at(3, 12, 9, 0))
    assert met_in_pause.paused_since is None
    assert clock_level(met_in_pause, at(3, 20, 9, 0)) is Level.OK
    assert time_left(met_in_pause, at(3, 20, 9, 0), CN) == hours(1.5)
    with pytest.raises(ValueError):
        arm_clock(target, received, [], CN, met_at=received - hours(1))


@pytest.mark.parametrize(
    ("now", "level"),
    [
        (at(3, 9, 8, 0), Level.OK),  # before arming
        (at(3, 9, 10, 29), Level.OK),
        (at(3, 9, 10, 30), Level.HALF),
        (at(3, 9, 11, 29), Level.HALF),
        (at(3, 9, 11, 30), Level.THREE_QUARTERS),
        (at(3, 9, 12, 45), Level.THREE_QUARTERS),  # lunch: nothing is used up
        (at(3, 9, 13, 36), Level.NINETY),
        (at(3, 9, 14, 0), Level.NINETY),  # at the due instant: still in time
        (at(3, 9, 14, 0) + ONE_US, Level.BREACHED),
        (at(3, 20, 9, 0), Level.BREACHED),
    ],
)
def test_levels_at_each_threshold(now: datetime, level: Level) -> None:
    plan = arm_clock(business(4), at(3, 9, 8, 30), [], CN)
    assert plan.marks == (at(3, 9, 10, 30), at(3, 9, 11, 30), at(3, 9, 13, 36))
    assert plan.due_at == at(3, 9, 14, 0)
    assert clock_level(plan, now) is level


def test_time_left_is_business_time_and_negative_when_missed() -> None:
    plan = arm_clock(business(2), at(3, 6, 17, 30), [], CN)
    assert time_left(plan, at(3, 6, 17, 30), CN) == hours(2)
    assert time_left(plan, at(3, 7, 12, 0), CN) == hours(1.5)  # Saturday
    assert time_left(plan, at(3, 9, 14, 10), CN) == -timedelta(minutes=2 * 60 + 40)
    assert format_duration(time_left(plan, at(3, 9, 14, 10), CN)) == "-2:40"


def test_a_custom_ladder_moves_the_marks() -> None:
    plan = arm_clock(business(4), at(3, 9, 8, 30), [], CN, ladder=(0.25, 0.5, 0.75))
    assert plan.marks == (at(3, 9, 9, 30), at(3, 9, 10, 30), at(3, 9, 11, 30))


def test_policy_change_applies_only_when_re_armed() -> None:
    policy = load_policy()
    received = at(3, 9, 9, 0)
    old_target = policy.target("ordinary", ClockKind.PLAN)
    assert old_target is not None
    stored = arm_clock(old_target, received, [], CN)
    new_target = Target(ClockKind.PLAN, 16)
    # The stored plan is data: a new policy does not touch it...
    assert stored.target == old_target
    assert clock_level(stored, at(3, 9, 12, 0)) is Level.OK
    # ...until the service arms the clock again with the new target.
    rearmed = arm_clock(new_target, received, [], CN)
    assert rearmed.due_at != stored.due_at
    assert rearmed.due_at == at(3, 11, 9, 0)
    assert stored.due_at == at(3, 12, 9, 0)


def test_arm_clocks_arms_every_target_of_a_grade() -> None:
    grade = load_policy().grade("major")
    plans = arm_clocks(grade, at(3, 9, 9, 0), [], CN, met={ClockKind.ACK: at(3, 9, 10, 0)})
    assert [plan.kind for plan in plans] == [ClockKind.ACK, ClockKind.PLAN, ClockKind.RESOLVE]
    assert plans[0].met_at == at(3, 9, 10, 0)
    assert plans[1].met_at is None
    assert plans[1].due_at == at(3, 10, 9, 0)


def test_unknown_years_and_naive_times_are_refused() -> None:
    with pytest.raises(CalendarYearUnknown):
        arm_clock(business(2), at(12, 31, 17, 0) + timedelta(days=1), [], CN)
    with pytest.raises(ValueError):
        arm_clock(business(2), datetime(2026, 3, 9, 9, 0), [], CN)
    with pytest.raises(ValueError):
        Pause(at(3, 9, 10, 0), at(3, 9, 9, 0), "qc")


# -- explain ----------------------------------------------------------------------------


def test_explain_lists_pauses_and_resumes_in_order() -> None:
    target = business(4)
    received = at(9, 29, 9, 0)
    pauses = [
        Pause(at(9, 30, 16, 0), at(10, 8, 9, 30), "supplier"),  # over the holiday
        Pause(at(9, 29, 10, 0), at(9, 29, 11, 0), "qc"),
    ]
    lines = explain(target, received, pauses, CN, met_at=at(10, 8, 10, 0))
    assert [(line.key, line.at) for line in lines] == [
        ("sla.explain.armed", received),
        ("sla.explain.paused", at(9, 29, 10, 0)),
        ("sla.explain.resumed", at(9, 29, 11, 0)),
        ("sla.explain.paused_after_due", at(9, 30, 16, 0)),
        ("sla.explain.missed", at(10, 8, 10, 0)),
    ]
    # The second pause started after the (pushed) due time of 09-29 15:30.
    assert lines[2].params == {"paused_for": hours(1), "due": at(9, 29, 15, 30)}
    assert lines[3].params == {"reason": "supplier", "due": at(9, 29, 15, 30)}
    assert lines[0].params["due"] == at(9, 29, 14, 30)
    assert lines[-1].params["late_by"] == hours(2.5 + 8 + 1.5)
    assert lines[0].params["target"] == "4"
    plan = arm_clock(target, received, pauses, CN, met_at=at(10, 8, 10, 0))
    assert lines[-1].params["due"] == plan.due_at
    assert lines[-1].params["late_by"] == -plan.remaining


def test_explain_an_open_pause_and_an_early_meeting() -> None:
    target = business(8, ClockKind.PLAN)
    received = at(3, 9, 9, 0)
    open_pause = [Pause(at(3, 9, 10, 0), None, "customer")]
    lines = explain(target, received, open_pause, CN)
    assert [line.key for line in lines] == ["sla.explain.armed", "sla.explain.paused"]
    assert lines[1].params == {"reason": "customer", "left": hours(7)}
    met = explain(target, received, [], CN, met_at=at(3, 9, 11, 0))
    assert met[-1].key == "sla.explain.met"
    assert met[-1].params == {"due": at(3, 10, 9, 0), "early_by": hours(6)}


# -- properties -------------------------------------------------------------------------

_DAY_ONE = datetime(2026, 1, 1, tzinfo=SH)


@st.composite
def clock_cases(draw: st.DrawFn) -> tuple[BusinessCalendar, Target, datetime, list[Pause]]:
    calendar = CALENDARS[draw(st.sampled_from(sorted(CALENDARS)))]
    target = Target(
        draw(st.sampled_from(list(ClockKind))),
        draw(st.integers(min_value=1, max_value=4 * 120)) / 4,
        draw(st.sampled_from(list(Basis))),
    )
    armed = _DAY_ONE + timedelta(minutes=draw(st.integers(0, 300 * 24 * 60)))
    pauses: list[Pause] = []
    cursor = armed - timedelta(days=2)  # some pauses end before arming (a reopened case)
    for _ in range(draw(st.integers(0, 4))):
        start = cursor + timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
        end = start + timedelta(minutes=draw(st.integers(1, 4 * 24 * 60)))
        pauses.append(Pause(start, end, draw(st.sampled_from(["customer", "qc"]))))
        cursor = end
    if bool(pauses) and draw(st.booleans()):
        last = pauses.pop()
        pauses.append(Pause(last.start, None, last.reason))
    return calendar, target, armed, pauses


def _counted(plan: ClockPlan, calendar: BusinessCalendar, a: datetime, b: datetime) -> timedelta:
    if plan.target.basis is Basis.WALL:
        return b - a
    return calendar.business_time_between(a, b)


def _paused_within(
    plan: ClockPlan, calendar: BusinessCalendar, pauses: list[Pause], until: datetime
) -> timedelta:
    """Counted time inside pauses between arming and ``until`` (an open pause: none)."""
    total = timedelta(0)
    for pause in pauses:
        if pause.end is None:
            continue
        start, end = max(pause.start, plan.armed_at), min(pause.end, until)
        if end > start:
            total += _counted(plan, calendar, start, end)
    return total


@settings(max_examples=150, deadline=None)
@given(clock_cases())
def test_marks_are_where_their_share_of_the_target_is_used(
    case: tuple[BusinessCalendar, Target, datetime, list[Pause]],
) -> None:
    calendar, target, armed, pauses = case
    plan = arm_clock(target, armed, pauses, calendar)
    instants = (plan.armed_at, *plan.marks, plan.due_at)
    assert all(a < b for a, b in itertools.pairwise(instants))
    full = timedelta(hours=target.hours)
    for share, mark in zip((0.5, 0.75, 0.9, 1.0), (*plan.marks, plan.due_at), strict=True):
        used = _counted(plan, calendar, plan.armed_at, mark)
        assert used - _paused_within(plan, calendar, pauses, mark) == full * share
    for level, mark in enumerate(plan.marks, start=1):
        if plan.paused_since is None or plan.paused_since >= mark:
            assert clock_level(plan, mark) == level
            assert clock_level(plan, mark - ONE_US) == level - 1
    if plan.paused_since is None:
        assert clock_level(plan, plan.due_at) is Level.NINETY
        assert clock_level(plan, plan.due_at + ONE_US) is Level.BREACHED
    if not pauses:
        assert time_left(plan, plan.armed_at, calendar) == plan.remaining == full


@settings(max_examples=100, deadline=None)
@given(clock_cases())
def test_explain_lists_every_pause_and_ends_on_the_due_time(
    case: tuple[BusinessCalendar, Target, datetime, list[Pause]],
) -> None:
    calendar, target, armed, pauses = case
    plan = arm_clock(target, armed, pauses, calendar)
    lines = explain(target, armed, pauses, calendar)
    assert [line.at for line in lines] == sorted(line.at for line in lines)
    listed = [line for line in lines if line.key.startswith("sla.explain.paused")]
    counted = [p for p in pauses if p.end is None or p.end > plan.armed_at]
    assert [line.params["reason"] for line in listed] == [p.reason for p in counted]
    dues = [line.params["due"] for line in lines if "due" in line.params]
    assert dues[-1] == plan.due_at


@settings(max_examples=100, deadline=None)
@given(clock_cases(), st.integers(0, 60 * 24 * 60))
def test_paused_clocks_stand_still(
    case: tuple[BusinessCalendar, Target, datetime, list[Pause]], minutes: int
) -> None:
    calendar, target, armed, pauses = case
    plan = arm_clock(target, armed, pauses, calendar)
    if plan.paused_since is None:
        return
    later = plan.paused_since + timedelta(minutes=minutes)
    assert time_left(plan, later, calendar) == plan.remaining > timedelta(0)
    assert clock_level(plan, later) == clock_level(plan, plan.paused_since)


def test_satisfaction_follow_up_is_business_days_after_closing() -> None:
    # 09-30, then the holiday week, 10-08, 10-09, make-up Saturday 10-10, Monday 10-12.
    assert satisfaction_due(at(9, 29, 16, 0), 5, CN) == date(2026, 10, 12)
    assert satisfaction_due(at(3, 6, 23, 30), 5, MON_FRI) == date(2026, 3, 13)


def test_format_duration() -> None:
    assert format_duration(timedelta(hours=21, minutes=10)) == "21:10"
    assert format_duration(-timedelta(minutes=40)) == "-0:40"
    assert format_duration(timedelta(seconds=59)) == "0:00"
    assert format_duration(timedelta(days=4)) == "96:00"


def test_explain_a_clock_met_while_paused() -> None:
    target = business(2)
    received = at(3, 10, 9, 0)
    pauses = [Pause(at(3, 10, 9, 30), None, "customer"), Pause(at(3, 13, 9, 0), None, "qc")]
    lines = explain(target, received, pauses, CN, met_at=at(3, 12, 9, 0))
    assert [line.key for line in lines] == [
        "sla.explain.armed",
        "sla.explain.paused",
        "sla.explain.met",
    ]
    plan = arm_clock(target, received, pauses, CN, met_at=at(3, 12, 9, 0))
    assert not plan.is_paused
    assert lines[-1].params == {"due": plan.due_at, "early_by": hours(1.5)}
