"""Who may acknowledge a major complaint: the desk's supervisors when the config lists
them, anyone when it lists none.

The shipped policy gives the major grade an acknowledgement target with the role
``supervisor``; the other grades' targets are the owner's. ``store_ctx`` acts as
``tester``, who is never a supervisor here; a supervisor's desk is a second connection
to the same store, as it would be in an office.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders.rules import OrderDraft
from followup_tui.services.complaints.steps import (
    ComplaintDraft,
    acknowledge_complaint,
    close_complaint,
    create_complaint,
    get_complaint,
    record_cause,
    record_remedy,
    reopen_complaint,
)
from followup_tui.services.complaints.views import ComplaintDetail
from followup_tui.services.orders.entry import create_order
from followup_tui.services.orders.views import OrderView
from followup_tui.store.models import ChangeLog
from followup_tui.store.unit_of_work import StoreContext, open_store

SUPERVISORS = frozenset({"zhaolei", "wangfang"})


@pytest.fixture
def order(store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]) -> OrderView:
    return create_order(store_ctx, make_draft())


@pytest.fixture
def desk_of(store_ctx: StoreContext, clock: Any) -> Iterator[Callable[[str], StoreContext]]:
    """``desk_of("wangfang")``: that account's own connection, on the same store, clock
    and supervisor list as ``store_ctx``."""
    opened: list[StoreContext] = []

    def open_as(actor: str) -> StoreContext:
        ctx = open_store(
            store_ctx.location, actor=actor, clock=clock, supervisors=store_ctx.supervisors
        )
        opened.append(ctx)
        return ctx

    yield open_as
    for ctx in opened:
        ctx.dispose()


def major_case(store_ctx: StoreContext, order: OrderView) -> ComplaintDetail:
    draft = ComplaintDraft(
        order.order_no,
        category="quality",
        description="色差明显",
        grade="major",
        grade_reason="客户要求索赔",
    )
    return create_complaint(store_ctx, draft)


def ordinary_case(store_ctx: StoreContext, order: OrderView) -> ComplaintDetail:
    draft = ComplaintDraft(order.order_no, category="late_delivery", description="交期延误")
    case = create_complaint(store_ctx, draft)
    assert case.row.grade == "ordinary"
    return case


def log_count(store_ctx: StoreContext) -> int:
    with store_ctx.read() as session:
        return session.scalar(select(func.count()).select_from(ChangeLog)) or 0


def test_the_shipped_policy_owes_only_the_major_acknowledgement_to_a_supervisor(
    store_ctx: StoreContext,
) -> None:
    roles = {
        grade.key: target.role
        for grade in store_ctx.sla.grades
        for target in grade.targets
        if target.kind == "ack"
    }
    assert roles["major"] == "supervisor"
    assert {role for key, role in roles.items() if key != "major"} <= {"owner"}


def test_a_clerk_is_refused_and_nothing_changes(store_ctx: StoreContext, order: OrderView) -> None:
    store_ctx.supervisors = SUPERVISORS
    case = major_case(store_ctx, order)
    before = (get_complaint(store_ctx, case.row.id), log_count(store_ctx))

    with pytest.raises(FollowupError) as caught:
        acknowledge_complaint(store_ctx, case.row.id, expected_version=case.row.version)

    error = caught.value
    assert error.key == "error.ack_needs_supervisor"
    assert error.field == "status"
    assert error.params == {"grade": "major", "supervisors": "wangfang, zhaolei"}
    assert (get_complaint(store_ctx, case.row.id), log_count(store_ctx)) == before
    after = get_complaint(store_ctx, case.row.id).row
    assert after.status == "new" and after.version == case.row.version
    ack = after.clock("ack")
    assert ack is not None and ack.met_at is None


def test_the_refusal_reads_in_both_languages(store_ctx: StoreContext, order: OrderView) -> None:
    from followup_tui.i18n import t, use_language

    store_ctx.supervisors = SUPERVISORS
    case = major_case(store_ctx, order)
    with pytest.raises(FollowupError) as caught:
        acknowledge_complaint(store_ctx, case.row.id)
    params = caught.value.params
    assert t(caught.value.key, **params) == (
        "A complaint graded major must be acknowledged by a supervisor (wangfang, zhaolei)."
    )
    use_language("zh_CN")
    assert "主管" in t(caught.value.key, **params)
    assert "wangfang, zhaolei" in t(caught.value.key, **params)


def test_a_listed_supervisor_acknowledges(
    store_ctx: StoreContext, order: OrderView, desk_of: Callable[[str], StoreContext]
) -> None:
    store_ctx.supervisors = SUPERVISORS
    case = major_case(store_ctx, order)

    done = acknowledge_complaint(desk_of("wangfang"), case.row.id)

    assert done.row.status == "acknowledged"
    assert done.acknowledged_by == "wangfang"
    ack = done.row.clock("ack")
    assert ack is not None and ack.met_at is not None


def test_without_a_list_anyone_acknowledges(store_ctx: StoreContext, order: OrderView) -> None:
    assert store_ctx.supervisors == frozenset()
    case = major_case(store_ctx, order)

    done = acknowledge_complaint(store_ctx, case.row.id)

    assert done.row.status == "acknowledged"
    assert done.acknowledged_by == "tester"


def test_an_ordinary_case_never_needs_a_supervisor(
    store_ctx: StoreContext, order: OrderView
) -> None:
    store_ctx.supervisors = SUPERVISORS
    case = ordinary_case(store_ctx, order)

    done = acknowledge_complaint(store_ctx, case.row.id)

    assert done.row.status == "acknowledged"
    assert done.acknowledged_by == "tester"


def test_an_acknowledged_case_is_refused_for_its_status_not_the_role(
    store_ctx: StoreContext, order: OrderView, desk_of: Callable[[str], StoreContext]
) -> None:
    """A clerk pressing the key twice learns the case is done, not whom to call."""
    store_ctx.supervisors = SUPERVISORS
    case = major_case(store_ctx, order)
    acknowledge_complaint(desk_of("zhaolei"), case.row.id)

    with pytest.raises(FollowupError) as caught:
        acknowledge_complaint(store_ctx, case.row.id)

    assert caught.value.key != "error.ack_needs_supervisor"


def test_a_reopened_major_case_still_waits_for_a_supervisor(
    store_ctx: StoreContext, order: OrderView, desk_of: Callable[[str], StoreContext]
) -> None:
    """The first working step of a reopened case meets its acknowledgement clock only
    when the one taking it may acknowledge; a clerk's leaves the clock running."""
    store_ctx.supervisors = SUPERVISORS
    case = major_case(store_ctx, order)
    supervisor = desk_of("wangfang")
    acknowledge_complaint(supervisor, case.row.id)
    record_remedy(store_ctx, case.row.id, kind="reship", amount=None, currency="", note="补发")
    close_complaint(store_ctx, case.row.id, "客户已确认")
    reopen_complaint(store_ctx, case.row.id, "补发的货也有色差")

    with pytest.raises(FollowupError) as caught:
        acknowledge_complaint(store_ctx, case.row.id)
    assert caught.value.key == "error.ack_needs_supervisor"

    worked = record_cause(
        store_ctx, case.row.id, root_cause="染色批次不同", responsible_party="supplier"
    )
    assert worked.row.status == "investigating"
    ack = worked.row.clock("ack")
    assert ack is not None and ack.met_at is None
    assert worked.acknowledged_by == ""

    done = acknowledge_complaint(supervisor, case.row.id)
    assert done.row.status == "investigating"
    assert done.acknowledged_by == "wangfang"
    ack = done.row.clock("ack")
    assert ack is not None and ack.met_at is not None


def test_a_dropped_grade_keeps_the_role_it_was_armed_with(
    store_ctx: StoreContext, order: OrderView
) -> None:
    """A company that removes the major grade does not open its old cases to anyone:
    the acknowledgement target they were armed with still names the supervisor."""
    from importlib import resources

    from followup_tui.domain.complaints.sla_policy import policy_from_text

    store_ctx.supervisors = SUPERVISORS
    case = major_case(store_ctx, order)
    text = resources.files("followup_tui").joinpath("data", "sla_policy.toml").read_text("utf-8")
    start = text.index('[[grade]]\nkey = "major"')
    end = text.index("[[grade]]", start + 1)
    company = (text[:start] + text[end:]).replace('"major"', '"ordinary"')
    store_ctx.sla = policy_from_text(company, "company.toml")
    assert "major" not in store_ctx.sla.grade_keys()

    with pytest.raises(FollowupError) as caught:
        acknowledge_complaint(store_ctx, case.row.id)

    assert caught.value.key == "error.ack_needs_supervisor"
