"""A stored clock view and the domain's plan behind it stand on one ladder.

The triage queue asks the domain's ``clock_level`` about the stored views themselves
(building a plan for each of sixty thousand clocks would cost more than the
comparisons), while the cells, the CLI and the alerts turn a view into a plan with
``plan_of`` to count the time left. Both must give the same level at every instant.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from followup_tui.domain.complaints.sla import Level, clock_level
from followup_tui.domain.complaints.sla_policy import Basis, ClockKind
from followup_tui.services.complaints.views import ClockView, plan_of

_START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
_MINUTE = timedelta(minutes=1)


@st.composite
def clock_views(draw: st.DrawFn) -> ClockView:
    """A view as the store hands it back: rising marks, maybe paused, maybe met."""
    steps = sorted(draw(st.lists(st.integers(1, 20_000), min_size=4, max_size=4, unique=True)))
    armed = _START + _MINUTE * draw(st.integers(0, 100_000))
    half, three_quarters, ninety, due = (armed + _MINUTE * step for step in steps)
    stop = st.none() | st.integers(0, 30_000).map(lambda m: armed + _MINUTE * m)
    paused_since, met_at = draw(stop), draw(stop)
    stopped = paused_since is not None or met_at is not None
    return ClockView(
        kind=draw(st.sampled_from([kind.value for kind in ClockKind])),
        target_hours=steps[-1] / 60,
        basis=draw(st.sampled_from([basis.value for basis in Basis])),
        role=draw(st.sampled_from(["owner", "supervisor"])),
        armed_at=armed,
        due_at=due,
        marks=(half, three_quarters, ninety),
        paused_since=paused_since,
        remaining=timedelta(minutes=draw(st.integers(-600, 600))) if stopped else None,
        met_at=met_at,
    )


@settings(max_examples=200, deadline=None)
@given(clock_views(), st.integers(-10, 40_000))
def test_a_view_and_its_plan_have_the_same_level_at_every_instant(
    view: ClockView, minutes: int
) -> None:
    now = view.armed_at + _MINUTE * minutes
    plan = plan_of(view)
    assert (plan.due_at, plan.marks) == (view.due_at, view.marks)
    assert (plan.paused_since, plan.met_at) == (view.paused_since, view.met_at)
    assert clock_level(view, now) == clock_level(plan, now)
    for instant in (*view.marks, view.due_at):
        for moment in (instant - _MINUTE, instant, instant + _MINUTE):
            assert clock_level(view, moment) == clock_level(plan, moment)


def test_a_running_view_reaches_each_step_at_its_mark() -> None:
    half, three_quarters, ninety = (_START + _MINUTE * m for m in (50, 75, 90))
    view = ClockView(
        kind="ack",
        target_hours=100 / 60,
        basis="wall",
        role="owner",
        armed_at=_START,
        due_at=_START + _MINUTE * 100,
        marks=(half, three_quarters, ninety),
        paused_since=None,
        remaining=None,
        met_at=None,
    )
    assert [clock_level(view, at) for at in (_START, half, three_quarters, ninety)] == [
        Level.OK,
        Level.HALF,
        Level.THREE_QUARTERS,
        Level.NINETY,
    ]
    assert clock_level(view, view.due_at) is Level.NINETY
    assert clock_level(view, view.due_at + _MINUTE) is Level.BREACHED
