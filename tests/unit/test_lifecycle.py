"""The order lifecycle: one transition table, and the rules every workflow reads from it."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders.lifecycle import (
    OPEN_STATUSES,
    PIPELINE,
    TERMINAL,
    TRANSITIONS,
    OrderStatus,
    allowed_moves,
    check_move,
    is_open,
    next_status,
    parse_status,
    rank,
    resume_target,
)
from followup_tui.i18n.errors import explain

S = OrderStatus
STATUSES = list(OrderStatus)


def moves_of(current: OrderStatus, held_from: str | None) -> list[OrderStatus]:
    """The moves ``check_move`` accepts from ``current`` (hold resumes to one stage)."""
    if current is S.ON_HOLD:
        return [resume_target(held_from), S.CANCELLED]
    return list(allowed_moves(current))


# ------------------------------------------------------------------ the table


def test_every_status_has_a_row_and_targets_are_statuses() -> None:
    assert set(TRANSITIONS) == set(OrderStatus)
    for targets in TRANSITIONS.values():
        assert targets <= set(OrderStatus)


@pytest.mark.parametrize("status", [s for s in PIPELINE if s not in (S.DRAFT, S.CLOSED)])
def test_every_open_pipeline_stage_can_move_to_any_later_stage(status: OrderStatus) -> None:
    later = set(PIPELINE[PIPELINE.index(status) + 1 :])
    assert later <= TRANSITIONS[status]
    assert next_status(status) is PIPELINE[PIPELINE.index(status) + 1]
    # ... and never backwards
    earlier = set(PIPELINE[: PIPELINE.index(status)])
    assert not earlier & TRANSITIONS[status]
    assert {S.ON_HOLD, S.CANCELLED} <= TRANSITIONS[status]


def test_draft_moves_only_to_confirmed_hold_or_cancelled() -> None:
    assert TRANSITIONS[S.DRAFT] == {S.CONFIRMED, S.ON_HOLD, S.CANCELLED}
    assert next_status(S.DRAFT) is S.CONFIRMED
    for later in PIPELINE[2:]:
        with pytest.raises(FollowupError) as caught:
            check_move(S.DRAFT, later)
        assert caught.value.key == "error.illegal_move"


@pytest.mark.parametrize("status", [S.CLOSED, S.CANCELLED])
def test_closed_and_cancelled_are_terminal(status: OrderStatus) -> None:
    assert status in TERMINAL
    assert not is_open(status)
    assert TRANSITIONS[status] == frozenset()
    for target in OrderStatus:
        with pytest.raises(FollowupError):
            check_move(status, target)
    with pytest.raises(FollowupError) as caught:
        next_status(status)
    assert caught.value.key == "error.cannot_advance"


def test_open_statuses_are_everything_but_the_terminal_ones() -> None:
    assert set(OrderStatus) - {S.CLOSED, S.CANCELLED} == OPEN_STATUSES
    assert all(is_open(s) for s in OPEN_STATUSES)


@pytest.mark.parametrize("held", [s for s in PIPELINE if s is not S.CLOSED])
def test_hold_resumes_to_the_stage_it_was_held_in(held: OrderStatus) -> None:
    check_move(held, S.ON_HOLD)
    assert resume_target(held.value) is held
    check_move(S.ON_HOLD, held, held_from=held.value)
    check_move(S.ON_HOLD, S.CANCELLED, held_from=held.value)
    for other in OrderStatus:
        if other in (held, S.CANCELLED, S.ON_HOLD):
            continue
        with pytest.raises(FollowupError) as caught:
            check_move(S.ON_HOLD, other, held_from=held.value)
        assert caught.value.key == "error.illegal_move"
        assert caught.value.params["allowed"] == f"{held.value}, cancelled"


@pytest.mark.parametrize("history", [None, "", "nonsense", "closed", "cancelled", "on_hold"])
def test_hold_without_a_usable_history_resumes_to_confirmed(history: str | None) -> None:
    assert resume_target(history) is S.CONFIRMED


def test_moving_to_the_same_status_says_so() -> None:
    with pytest.raises(FollowupError) as caught:
        check_move(S.QC, S.QC)
    assert caught.value.key == "error.already_in_status"
    assert caught.value.params == {"status": "qc"}


def test_illegal_move_message_lists_the_allowed_moves() -> None:
    with pytest.raises(FollowupError) as caught:
        check_move(S.SHIPPED, S.PRODUCTION)
    error = caught.value
    assert error.key == "error.illegal_move"
    assert error.params["current"] == "shipped"
    assert error.params["target"] == "production"
    assert error.params["allowed"] == "in_transit, delivered, accepted, closed, on_hold, cancelled"
    message = explain(error)
    assert message == (
        "An order in shipped cannot move to production; allowed moves: "
        "in transit, delivered, accepted, closed, on hold, cancelled."
    )


def test_illegal_move_message_in_chinese_translates_statuses() -> None:
    from followup_tui.i18n import use_language

    use_language("zh_CN")
    with pytest.raises(FollowupError) as caught:
        check_move(S.DRAFT, S.QC)
    message = explain(caught.value)
    assert "qc" not in message
    assert "on_hold" not in message
    assert "draft" not in message


def test_allowed_moves_come_in_pipeline_order() -> None:
    assert allowed_moves(S.PACKED) == (
        S.SHIPPED,
        S.IN_TRANSIT,
        S.DELIVERED,
        S.ACCEPTED,
        S.CLOSED,
        S.ON_HOLD,
        S.CANCELLED,
    )
    assert allowed_moves(S.CANCELLED) == ()


def test_parse_status_names_the_field_and_lists_known_values() -> None:
    assert parse_status("in_transit") is S.IN_TRANSIT
    with pytest.raises(FollowupError) as caught:
        parse_status("shipping", field="to")
    assert caught.value.key == "error.unknown_status"
    assert caught.value.field == "to"
    assert "in_transit" in str(caught.value.params["allowed"])


# ------------------------------------------------------------------ properties


@given(st.lists(st.integers(min_value=0, max_value=1_000), max_size=60))
def test_any_walk_of_allowed_moves_stays_inside_the_lifecycle(choices: list[int]) -> None:
    status, held_from = S.DRAFT, None
    seen = [status]
    for choice in choices:
        options = moves_of(status, held_from)
        if not options:
            assert status in TERMINAL
            break
        target = options[choice % len(options)]
        check_move(status, target, held_from=held_from)  # the walk only takes legal moves
        if target is S.ON_HOLD:
            held_from = status.value
        elif status is S.ON_HOLD:
            assert target in (resume_target(held_from), S.CANCELLED)
            held_from = None
        status = target
        assert isinstance(status, OrderStatus)
        assert status in set(OrderStatus)
        seen.append(status)
    # the pipeline part of the walk never goes backwards, except by resuming from hold
    line = [s for s in seen if s in PIPELINE]
    assert all(rank(a) <= rank(b) for a, b in pairwise(line))
    # nothing ever comes back from a terminal state
    for index, s in enumerate(seen):
        if s in TERMINAL:
            assert index == len(seen) - 1


@given(
    st.sampled_from(STATUSES),
    st.sampled_from(STATUSES),
    st.sampled_from([None, *[s.value for s in STATUSES]]),
)
def test_check_move_accepts_exactly_the_table(
    current: OrderStatus, target: OrderStatus, held_from: str | None
) -> None:
    try:
        check_move(current, target, held_from=held_from)
    except FollowupError:
        accepted = False
    else:
        accepted = True
    if current is S.ON_HOLD:
        # the table says where a held order may go at all; the history picks the one stage
        expected = target in (resume_target(held_from), S.CANCELLED)
        assert not accepted or target in TRANSITIONS[current]
    else:
        expected = target in TRANSITIONS[current]
    assert accepted == expected


@given(st.sampled_from(STATUSES), st.sampled_from(STATUSES), st.sampled_from(STATUSES))
def test_rank_is_a_total_order_consistent_with_the_pipeline(
    a: OrderStatus, b: OrderStatus, c: OrderStatus
) -> None:
    # antisymmetric (no two statuses share a rank) and transitive
    assert (rank(a) == rank(b)) == (a is b)
    if rank(a) <= rank(b) <= rank(c):
        assert rank(a) <= rank(c)
    if a in PIPELINE and b in PIPELINE:
        assert (rank(a) < rank(b)) == (PIPELINE.index(a) < PIPELINE.index(b))


def test_ranks_are_dense_pipeline_first_then_hold_then_cancelled() -> None:
    assert [rank(s) for s in PIPELINE] == list(range(len(PIPELINE)))
    assert rank(S.ON_HOLD) == len(PIPELINE)
    assert rank(S.CANCELLED) == len(PIPELINE) + 1
    assert sorted(rank(s) for s in OrderStatus) == list(range(len(OrderStatus)))
