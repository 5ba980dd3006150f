"""Milestone plans: the cases a clerk checks by hand, and the laws that make ripple trustworthy.

The examples pin link semantics, the National Day week with its make-up Saturday, a late
order and a buffer that absorbs a slip. The properties run random templates through
planning, shifting and recording, and check what a clerk relies on without looking: no
bar lands on a holiday, no link is broken, a later shift never pulls anything earlier, and
``>`` then ``<`` puts the plan back exactly.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup_tui.domain.calendar import BusinessCalendar, load_calendar
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.timeline.milestones import (
    Link,
    LinkKind,
    MilestoneStatus,
    Party,
    Stage,
    StageSpec,
    Template,
    load_template,
)
from followup_tui.domain.timeline.schedule import (
    MilestoneState,
    Plan,
    add_link,
    plan_order,
    project,
    record_actual,
    ripple,
    shift_milestone,
)

CN = load_calendar("cn-mainland")
MON_FRI = load_calendar("mon-fri")
FS, SS, FF = LinkKind.FINISH_TO_START, LinkKind.START_TO_START, LinkKind.FINISH_TO_FINISH
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def template_of(
    stages: list[tuple[str, int, int]], links: list[Link], anchor: str = "delivery"
) -> Template:
    """A template from (key, days, buffer) triples, already in topological order."""
    specs = tuple(StageSpec(key, days, buffer, Party.INTERNAL) for key, days, buffer in stages)
    return Template("test", "测试", "Test", anchor, specs, tuple(links))


def state(key: str, start: date, days: int, cal: BusinessCalendar = MON_FRI) -> MilestoneState:
    end = cal.add_business_days(start, days - 1)
    return MilestoneState(key, days, 0, start, end, start)


def by_key(states: tuple[MilestoneState, ...]) -> dict[str, MilestoneState]:
    return {s.key: s for s in states}


def on_working_days(plan: tuple[MilestoneState, ...], cal: BusinessCalendar) -> bool:
    return all(cal.is_working_day(s.start) and cal.is_working_day(s.end) for s in plan)


# -- link semantics -----------------------------------------------------------------------

MONDAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("kind", "lag", "expected_start"),
    [
        (FS, 0, date(2026, 3, 9)),  # the Monday after a Monday-Friday predecessor
        (FS, 2, date(2026, 3, 11)),
        (SS, 0, date(2026, 3, 2)),  # the same day
        (SS, 3, date(2026, 3, 5)),
        (FF, 0, date(2026, 3, 5)),  # 2 days ending with the predecessor's Friday
        (FF, 1, date(2026, 3, 6)),  # ... ending the Monday after: Friday and Monday
    ],
)
def test_a_link_places_its_successor(kind: LinkKind, lag: int, expected_start: date) -> None:
    states = (state("a", MONDAY, 5), state("b", date(2026, 1, 5), 2))
    placed = by_key(ripple(states, [Link("a", "b", kind, lag)], MON_FRI))
    assert placed["b"].start == expected_start
    assert placed["b"].end == MON_FRI.add_business_days(expected_start, 1)
    assert placed["a"] == states[0]


def test_a_successor_never_goes_before_its_floor() -> None:
    states = (state("a", MONDAY, 1), state("b", date(2026, 3, 20), 2))
    assert ripple(states, [Link("a", "b")], MON_FRI) == states


def test_the_national_day_week_is_skipped_and_the_make_up_saturday_worked() -> None:
    # 2026-09-30 is a Wednesday; 10-01..07 are holidays; Saturday 10-10 is a workday.
    placed = by_key(ripple((state("a", date(2026, 9, 30), 4, CN),), [], CN))
    assert placed["a"].end == date(2026, 10, 10)
    template = template_of(
        [("production", 3, 0), ("delivery", 1, 0)], [Link("production", "delivery")]
    )
    plan = plan_order(template, date(2026, 10, 5), date(2026, 9, 1), CN)
    # a promise inside the holiday rolls back to the last working day before it
    assert plan.projected == date(2026, 9, 30)
    assert [(s.start, s.end) for s in plan.milestones] == [
        (date(2026, 9, 24), date(2026, 9, 29)),  # the Mid-Autumn weekend 9-25..27 skipped
        (date(2026, 9, 30), date(2026, 9, 30)),
    ]
    assert plan.days_short == 0


# -- planning -----------------------------------------------------------------------------


def test_an_order_in_time_is_planned_backwards_from_its_promise() -> None:
    template = load_template("export-sea")
    promised = date(2026, 6, 30)
    plan = plan_order(template, promised, date(2026, 3, 2), CN)
    placed = by_key(plan.milestones)
    assert plan.projected == promised == placed["delivery"].end
    assert (plan.days_short, plan.at_risk) == (0, False)
    assert all(s.floor == s.start and s.status is MilestoneStatus.PLANNED for s in plan.milestones)
    assert [s.key for s in plan.milestones] == [spec.key for spec in template.stages]
    # transit keeps its 2-day buffer before delivery; acceptance follows delivery
    assert placed["delivery"].start == CN.add_business_days(placed["transit"].end, 3)
    assert placed["acceptance"].start == CN.add_business_days(promised, 1)
    assert on_working_days(plan.milestones, CN)


def test_a_late_order_is_planned_forwards_from_today_and_is_short() -> None:
    template = template_of(
        [("confirmation", 1, 0), ("production", 5, 2), ("delivery", 1, 0)],
        [Link("confirmation", "production"), Link("production", "delivery")],
    )
    today = date(2026, 3, 4)  # a Wednesday
    plan = plan_order(template, date(2026, 3, 9), today, MON_FRI)
    placed = by_key(plan.milestones)
    assert placed["confirmation"].start == today
    assert (placed["production"].start, placed["production"].end) == (
        date(2026, 3, 5),
        date(2026, 3, 11),
    )
    assert placed["delivery"].start == date(2026, 3, 16)  # after the 2-day buffer
    assert plan.projected == date(2026, 3, 16)
    assert plan.days_short == 5 and plan.at_risk


def test_planning_on_a_holiday_starts_on_the_next_working_day() -> None:
    plan = plan_order(load_template("domestic"), date(2026, 10, 9), date(2026, 10, 1), CN)
    assert plan.milestones[0].start == date(2026, 10, 8)
    assert plan.at_risk
    assert plan.days_short == CN.business_days_between(date(2026, 10, 9), plan.projected)


def test_a_slip_within_the_buffer_is_absorbed_and_a_longer_one_is_not() -> None:
    template = load_template("export-sea")
    plan = plan_order(template, date(2026, 6, 30), date(2026, 3, 2), CN)
    links = template.links
    transit = by_key(plan.milestones)["transit"]  # buffer 2 before delivery
    started = record_actual(plan.milestones, links, "transit", CN, started=transit.start)
    late_2 = record_actual(
        started, links, "transit", CN, finished=CN.add_business_days(transit.end, 2)
    )
    assert by_key(late_2)["delivery"] == by_key(plan.milestones)["delivery"]
    assert project(late_2, links, "delivery", date(2026, 6, 30), date(2026, 3, 2), CN) == (
        date(2026, 6, 30),
        0,
    )
    late_3 = record_actual(
        started, links, "transit", CN, finished=CN.add_business_days(transit.end, 3)
    )
    assert by_key(late_3)["delivery"].end == date(2026, 7, 1)
    assert project(late_3, links, "delivery", date(2026, 6, 30), date(2026, 3, 2), CN) == (
        date(2026, 7, 1),
        1,
    )


@pytest.mark.parametrize("name", ["domestic", "export-sea", "export-air"])
def test_the_materials_buffer_absorbs_a_one_day_slip_before_its_start_to_start_link(
    name: str,
) -> None:
    """Materials keeps a 1-day buffer and production waits on its start (SS): one ``>``
    on materials must move nothing after it, as the template's buffer promises."""
    template = load_template(name)
    assert template.stage("materials").buffer_days == 1
    assert any(
        link.kind is SS and (link.predecessor, link.successor) == ("materials", "production")
        for link in template.links
    )
    plan = plan_order(template, date(2026, 6, 30), date(2026, 3, 2), CN)
    shifted = shift_milestone(plan.milestones, template.links, "materials", CN, by_days=1)
    before = by_key(plan.milestones)
    moved = {key for key, after in by_key(shifted).items() if after != before[key]}
    assert moved == {"materials"}
    twice = shift_milestone(shifted, template.links, "materials", CN, by_days=1)
    assert by_key(twice)["production"].start > by_key(plan.milestones)["production"].start


# -- projection ---------------------------------------------------------------------------


def test_projection_starts_what_is_overdue_today_and_leaves_the_plan_alone() -> None:
    states = (state("a", MONDAY, 2), state("b", date(2026, 3, 4), 3))
    links = [Link("a", "b")]
    assert project(states, links, "b", date(2026, 3, 6), MONDAY, MON_FRI) == (
        date(2026, 3, 6),
        0,
    )
    # a has not started by Wednesday: it takes Wed-Thu, b then Fri-Tue
    assert project(states, links, "b", date(2026, 3, 6), date(2026, 3, 4), MON_FRI) == (
        date(2026, 3, 10),
        2,
    )
    started = record_actual(states, links, "a", MON_FRI, started=MONDAY)
    # a started on Monday but is not done on Thursday: it ends Thursday at the earliest,
    # and b takes Friday, Monday and Tuesday
    assert project(started, links, "b", date(2026, 3, 6), date(2026, 3, 5), MON_FRI) == (
        date(2026, 3, 10),
        2,
    )
    done = record_actual(started, links, "a", MON_FRI, finished=date(2026, 3, 3))
    assert project(done, links, "b", date(2026, 3, 6), date(2026, 3, 4), MON_FRI)[0] == date(
        2026, 3, 6
    )


# -- a clerk's changes: refusals ----------------------------------------------------------


def two_step() -> tuple[tuple[MilestoneState, ...], list[Link]]:
    return (state("a", MONDAY, 2), state("b", date(2026, 3, 4), 2)), [Link("a", "b")]


def refused(call: object, *args: object, **kwargs: object) -> FollowupError:
    assert callable(call)
    with pytest.raises(FollowupError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_shift_refusals_name_the_milestone() -> None:
    states, links = two_step()
    error = refused(shift_milestone, states, links, "z", MON_FRI, by_days=1)
    assert (error.key, error.params["milestone"]) == ("error.milestone_unknown", "z")
    error = refused(shift_milestone, states, links, "b", MON_FRI, to_start=date(2026, 3, 7))
    assert error.key == "error.non_working_day"
    assert error.params == {"milestone": "b", "date": "2026-03-07"}
    error = refused(shift_milestone, states, links, "b", MON_FRI, by_days=-1)
    assert error.key == "error.before_predecessor" and error.field == "start"
    assert error.params == {"milestone": "b", "predecessor": "a", "earliest": "2026-03-04"}
    done = record_actual(states, links, "a", MON_FRI, started=MONDAY, finished=MONDAY)
    error = refused(shift_milestone, done, links, "a", MON_FRI, by_days=1)
    assert (error.key, error.params["milestone"]) == ("error.milestone_done", "a")
    with pytest.raises(TypeError):
        shift_milestone(states, links, "a", MON_FRI)


def test_record_refusals_name_the_milestone() -> None:
    states, links = two_step()
    error = refused(
        record_actual, states, links, "a", MON_FRI, started=date(2026, 3, 3), finished=MONDAY
    )
    assert (error.key, error.params["milestone"]) == ("error.ends_before_start", "a")
    error = refused(record_actual, states, links, "a", MON_FRI, finished=date(2026, 3, 8))
    assert (error.key, error.field) == ("error.non_working_day", "finished")
    error = refused(record_actual, states, links, "b", MON_FRI, finished=date(2026, 3, 3))
    assert error.key == "error.finish_without_start"
    assert error.params == {"milestone": "b", "start": "2026-03-04"}
    # a finish alone on or after the planned start means it started as planned
    done = by_key(record_actual(states, links, "b", MON_FRI, finished=date(2026, 3, 4)))["b"]
    assert (done.actual_start, done.status) == (date(2026, 3, 4), MilestoneStatus.DONE)


def test_an_early_finish_does_not_pull_successors_before_their_floors() -> None:
    states, links = two_step()
    early = record_actual(states, links, "a", MON_FRI, started=MONDAY, finished=MONDAY)
    assert by_key(early)["b"] == states[1]


def test_a_started_milestone_moves_its_end_not_its_start() -> None:
    states, links = two_step()
    started = record_actual(states, links, "a", MON_FRI, started=MONDAY)
    longer = by_key(shift_milestone(started, links, "a", MON_FRI, by_days=2))
    assert (longer["a"].start, longer["a"].end, longer["a"].duration_days) == (
        MONDAY,
        date(2026, 3, 5),
        4,
    )
    assert longer["b"].start == date(2026, 3, 6)
    back = shift_milestone(tuple(longer.values()), links, "a", MON_FRI, by_days=-2)
    assert back == started
    error = refused(shift_milestone, started, links, "a", MON_FRI, to_start=date(2026, 3, 3))
    assert error.key == "error.milestone_started"


def test_adding_a_link_ripples_and_a_cycle_is_refused_naming_the_milestones() -> None:
    states = (state("a", MONDAY, 2), state("b", MONDAY, 2), state("c", MONDAY, 1))
    links, placed = add_link(states, [Link("a", "b")], Link("b", "c", FF, 1), MON_FRI)
    assert links == (Link("a", "b"), Link("b", "c", FF, 1))
    assert by_key(placed)["c"].start == date(2026, 3, 6)
    error = refused(add_link, placed, links, Link("c", "a"), MON_FRI)
    assert (error.key, error.params["milestones"]) == ("error.link_cycle", "a → b → c → a")
    error = refused(add_link, placed, links, Link("c", "x"), MON_FRI)
    assert (error.key, error.params["milestone"]) == ("error.link_unknown_milestone", "x")
    assert states == (state("a", MONDAY, 2), state("b", MONDAY, 2), state("c", MONDAY, 1))


def test_a_shift_through_ten_successors_takes_well_under_ten_milliseconds() -> None:
    keys = [s.value for s in Stage]
    template = template_of(
        [(key, 3, 1) for key in keys],
        [Link(p, s) for p, s in pairwise(keys)],
    )
    plan = plan_order(template, date(2026, 9, 30), date(2026, 3, 2), CN)
    best = float("inf")
    for _ in range(20):
        began = time.perf_counter()
        shift_milestone(plan.milestones, template.links, "confirmation", CN, by_days=5)
        best = min(best, time.perf_counter() - began)
    assert best < 0.010


# -- properties ---------------------------------------------------------------------------


@st.composite
def templates(draw: st.DrawFn) -> Template:
    """A random template over the first few stages, links only from earlier to later."""
    count = draw(st.integers(min_value=2, max_value=6))
    keys = [s.value for s in Stage][:count]
    stages = [(key, draw(st.integers(1, 5)), draw(st.integers(0, 2))) for key in keys]
    links: list[Link] = []
    for j in range(1, count):
        for i in draw(st.sets(st.integers(0, j - 1), min_size=1, max_size=2)):
            links.append(
                Link(keys[i], keys[j], draw(st.sampled_from(LinkKind)), draw(st.integers(0, 2)))
            )
    anchor = keys[draw(st.integers(1, count - 1))]
    return template_of(stages, links, anchor)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Template, date, date, BusinessCalendar]:
    """A template, a promise and a planning day; the Chinese calendar only knows 2026."""
    cal = draw(st.sampled_from([CN, MON_FRI]))
    promised = date(2026, 4, 15) + timedelta(days=draw(st.integers(0, 135)))
    today = promised - timedelta(days=draw(st.integers(-10, 90)))
    return draw(templates()), promised, today, cal


def links_hold(
    states: tuple[MilestoneState, ...], links: tuple[Link, ...], cal: BusinessCalendar
) -> bool:
    """Every link satisfied, without buffers, by what successors wait on."""
    placed = by_key(states)
    for link in links:
        p, s = placed[link.predecessor], placed[link.successor]
        if s.status is MilestoneStatus.DONE:
            continue
        if link.kind is LinkKind.FINISH_TO_FINISH:
            if s.end < cal.add_business_days(p.effective_end, link.lag_days):
                return False
        elif s.status is MilestoneStatus.STARTED:
            continue
        elif link.kind is LinkKind.FINISH_TO_START:
            if s.start < cal.add_business_days(p.effective_end, 1 + link.lag_days):
                return False
        elif s.start < cal.add_business_days(p.effective_start, link.lag_days):
            return False
    return True


@PROPERTY
@given(scenarios())
def test_a_plan_is_on_working_days_keeps_its_links_and_its_promise(
    scenario: tuple[Template, date, date, BusinessCalendar],
) -> None:
    template, promised, today, cal = scenario
    plan = plan_order(template, promised, today, cal)
    assert isinstance(plan, Plan)
    assert on_working_days(plan.milestones, cal)
    assert all(
        s.end == cal.add_business_days(s.start, s.duration_days - 1) for s in plan.milestones
    )
    assert links_hold(plan.milestones, template.links, cal)
    assert plan.projected == by_key(plan.milestones)[template.anchor].end
    if plan.days_short == 0:
        assert plan.projected <= promised
    else:
        assert plan.at_risk and plan.projected > promised
        assert all(s.start >= today for s in plan.milestones)
    assert ripple(plan.milestones, template.links, cal) == plan.milestones


@PROPERTY
@given(scenarios(), st.data())
def test_shifting_later_moves_nothing_earlier_and_shifting_back_restores_the_plan(
    scenario: tuple[Template, date, date, BusinessCalendar], data: st.DataObject
) -> None:
    template, promised, today, cal = scenario
    plan = plan_order(template, promised, today, cal).milestones
    key = data.draw(st.sampled_from([s.key for s in plan]))
    n = data.draw(st.integers(1, 10))
    later = shift_milestone(plan, template.links, key, cal, by_days=n)
    assert on_working_days(later, cal)
    assert links_hold(later, template.links, cal)
    for before, after in zip(plan, later, strict=True):
        assert after.start >= before.start and after.end >= before.end
    assert by_key(later)[key].start == cal.add_business_days(by_key(plan)[key].start, n)
    assert shift_milestone(later, template.links, key, cal, by_days=-n) == plan


@PROPERTY
@given(scenarios(), st.data())
def test_a_late_finish_pushes_successors_by_at_most_the_excess(
    scenario: tuple[Template, date, date, BusinessCalendar], data: st.DataObject
) -> None:
    template, promised, today, cal = scenario
    plan = plan_order(template, promised, today, cal).milestones
    target = by_key(plan)[data.draw(st.sampled_from([s.key for s in plan]))]
    excess = data.draw(st.integers(0, 8))
    finished = cal.add_business_days(target.end, excess)
    after = record_actual(
        plan, template.links, target.key, cal, started=target.start, finished=finished
    )
    assert on_working_days(after, cal)
    assert links_hold(after, template.links, cal)
    for before, moved in zip(plan, after, strict=True):
        assert before.start <= moved.start <= cal.add_business_days(before.start, excess)
    early = record_actual(
        plan, template.links, target.key, cal, started=target.start, finished=target.start
    )
    assert [(s.start, s.end) for s in early] == [(s.start, s.end) for s in plan]


@PROPERTY
@given(scenarios(), st.data())
def test_ripple_keeps_every_link_after_any_mix_of_changes(
    scenario: tuple[Template, date, date, BusinessCalendar], data: st.DataObject
) -> None:
    template, promised, today, cal = scenario
    states = plan_order(template, promised, today, cal).milestones
    for _ in range(data.draw(st.integers(1, 6))):
        current = by_key(states)[data.draw(st.sampled_from([s.key for s in states]))]
        if current.status is MilestoneStatus.DONE:
            continue
        action = data.draw(st.sampled_from(["shift", "start", "finish"]))
        if action == "shift":
            by_days = data.draw(st.integers(0, 5))
            states = shift_milestone(states, template.links, current.key, cal, by_days=by_days)
        elif action == "start":
            start = current.effective_start
            states = record_actual(states, template.links, current.key, cal, started=start)
        else:
            finish = cal.add_business_days(current.end, data.draw(st.integers(-1, 3)))
            finish = max(finish, current.effective_start)
            states = record_actual(
                states,
                template.links,
                current.key,
                cal,
                started=current.effective_start,
                finished=finish,
            )
        assert on_working_days(states, cal)
        assert links_hold(states, template.links, cal)
    assert ripple(states, template.links, cal) == states
    projected, short = project(states, template.links, template.anchor, promised, today, cal)
    assert short == max(0, cal.business_days_between(promised, projected))


def test_nothing_is_changed_in_place() -> None:
    states, links = two_step()
    frozen = tuple(replace(s) for s in states)
    shift_milestone(states, links, "a", MON_FRI, by_days=3)
    record_actual(states, links, "a", MON_FRI, started=MONDAY)
    assert states == frozen
