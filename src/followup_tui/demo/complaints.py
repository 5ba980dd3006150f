"""Complaints for the demo: a triage queue that looks like a desk's on an ordinary morning.

About one order in twelve gets a complaint (300 orders: 25 cases), most of them about
orders that have shipped, and the late-delivery ones about orders running late. The
cases are spread over the whole life of a complaint: new ones, acknowledged ones, some
under investigation (one of them paused while a QC inspection is done), some with a
remedy agreed, closed ones with the customer's satisfaction score, a few closed ones
whose satisfaction call is still ahead (a dated note on the order, so it comes up on
schedule), one reopened after an unhappy call, and exactly one major complaint whose
acknowledgement nobody has given: it is breached when the desk opens.

Open cases are placed in business time before the load's "now" so that each stands at
a chosen share of the clock it owes (some fresh, some past half, one past 75 %), on
whatever day and at whatever hour the demo is loaded; the clocks themselves are armed
by the services' own ``arm_complaint``, so they are exactly what the desk would store.
The cases and their pauses go in as plain rows (one change-log row per table, as for
the rest of the demo); a big demo gets at most ``MAX_COMPLAINTS``, on its recent orders,
because the desk's budget for a million orders is the orders' and not the complaints'.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, insert, select
from sqlalchemy.orm import Session

from followup_tui.demo.bulk import next_id
from followup_tui.demo.catalog import table_of
from followup_tui.domain.calendar import BusinessCalendar, estimating
from followup_tui.domain.complaints.sla import satisfaction_due
from followup_tui.domain.complaints.sla_policy import ClockKind, SlaPolicy, suggest_grade
from followup_tui.services.complaints.clocks import arm_complaint
from followup_tui.store.models import Complaint, ComplaintPause, Customer, Note, Order

#: One complaint per this many orders, and never more than MAX_COMPLAINTS.
ORDERS_PER_COMPLAINT = 12
MAX_COMPLAINTS = 600
#: A big demo draws its complaints from this many of its most recent candidate orders.
RECENT_CANDIDATES = 4 * MAX_COMPLAINTS
#: A closed case's order was placed at least this many days ago (its goods had arrived).
OLD_ORDER_DAYS = 60
SHIPPED = ("shipped", "in_transit", "delivered", "accepted", "closed")
RUNNING = ("confirmed", "materials", "production", "qc", "packed")
#: The ordinary states, by share of the cases after the three special ones.
MIX: tuple[tuple[str, float], ...] = (
    ("closed", 0.36),
    ("awaiting_call", 0.09),
    ("remedy", 0.14),
    ("investigating", 0.14),
    ("acknowledged", 0.13),
    ("new", 0.14),
)
SPECIAL: tuple[str, ...] = ("breached_major", "paused_qc", "reopened")
#: Oldest first: the order in which cases are given orders (oldest orders first).
AGE_RANK: dict[str, int] = {
    "reopened": 0,
    "closed": 0,
    "awaiting_call": 1,
    "remedy": 2,
    "investigating": 3,
    "paused_qc": 3,
    "acknowledged": 4,
    "new": 5,
    "breached_major": 5,
}
#: Shares of the owed clock used up by the open cases, in turn: most fresh, some past
#: half, one past three quarters (never breached: that is the major case's alone).
FRACTIONS: tuple[float, ...] = (0.15, 0.35, 0.6, 0.2, 0.82, 0.45)
_CATEGORY_TEXT: dict[str, tuple[tuple[str, str], ...]] = {
    "quality": (
        ("到货外壳有明显色差，与确认样不一致", "Housings arrived with a visible colour difference"),
        ("部分产品表面划伤，客户拒收 2 箱", "Scratched surfaces; the customer refused 2 cartons"),
        ("功能测试不良率 3%，超出约定", "3 % failed the function test, above the agreed limit"),
    ),
    "short_quantity": (
        ("实收数量比装箱单少 120 件", "Received 120 pcs fewer than the packing list"),
        ("少发一个托盘", "One pallet missing from the delivery"),
    ),
    "packaging_labels": (
        ("外箱唛头与要求不符", "Carton marks do not match the requirement"),
        ("条码标签贴错型号", "Barcode labels show the wrong model"),
    ),
    "missing_documents": (
        ("缺少原产地证，无法清关", "Certificate of origin missing; cannot clear customs"),
        ("未收到质检报告", "QC report not received"),
    ),
    "late_delivery": (
        ("交期已过仍未发货，客户催促", "Past the delivery date and not shipped; customer chasing"),
        ("到货比承诺晚一周", "Arrived a week later than promised"),
    ),
}
_CAUSES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "quality": (
        ("供应商原料批次色差", "Supplier's resin lot off-colour", "supplier"),
        ("模具磨损未及时更换", "Worn mould not replaced in time", "production"),
    ),
    "short_quantity": (("装箱点数错误", "Miscounted at packing", "production"),),
    "packaging_labels": (("标签模板未更新", "Label template not updated", "internal"),),
    "missing_documents": (("单证员漏寄", "Documents clerk missed the courier", "internal"),),
    "late_delivery": (
        ("船公司甩柜", "Carrier rolled the container", "carrier"),
        ("原材料到货延误", "Raw material arrived late", "supplier"),
    ),
}
_REMEDIES: tuple[tuple[str, str, str], ...] = (
    ("reship", "补发差额，下周空运", "Reship the difference by air next week"),
    ("replace", "整批换货", "Replace the whole lot"),
    ("refund", "退还不良品货款", "Refund the defective units"),
    ("discount", "下单九五折", "5 % off the next order"),
    ("compensation", "承担客户返工费用", "Pay the customer's rework cost"),
)
_CATEGORIES = ("quality", "quality", "short_quantity", "packaging_labels", "missing_documents")


@dataclass(frozen=True, slots=True)
class _Order:
    id: int
    order_no: str
    customer: str
    owner: str
    status: str
    amount: Decimal
    key_account: bool
    language: str
    contact: str
    order_date: date
    due_date: date


@dataclass
class _Rows:
    """What the load inserts, by table, and the ids it gave out."""

    complaints: list[dict[str, Any]] = field(default_factory=list)
    pauses: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)


def complaint_count(orders: int) -> int:
    return min(MAX_COMPLAINTS, round(orders / ORDERS_PER_COMPLAINT))


def _states(count: int) -> list[str]:
    """The special cases first (as many as fit), then the mix by largest remainder."""
    states = list(SPECIAL[:count])
    rest = count - len(states)
    shares = [(name, weight * rest) for name, weight in MIX]
    taken = {name: int(share) for name, share in shares}
    left = rest - sum(taken.values())
    for name, _ in sorted(shares, key=lambda item: item[1] - int(item[1]), reverse=True)[:left]:
        taken[name] += 1
    for name, _ in MIX:
        states += [name] * taken[name]
    return states


def _candidates(connection: Connection, today: date) -> tuple[list[_Order], ...]:
    """The orders complaints can be about, newest first and at most RECENT_CANDIDATES of
    each kind however big the demo: shipped ones placed OLD_ORDER_DAYS ago or more (for
    closed cases), shipped ones of any age, and late ones not shipped yet.

    Shipped orders are most of a big demo, so they are found by walking the orders from
    the newest (``status || ''`` keeps the status index out of it: through the index a
    million orders took 0.7 s a query, sorting every shipped one by id; walking, 0.1 s).
    """
    o, c = table_of(Order), table_of(Customer)
    buyers = {
        row[0]: tuple(row[1:])
        for row in connection.execute(select(c.c.id, c.c.key_account, c.c.language, c.c.contact))
    }
    columns = (
        o.c.id,
        o.c.order_no,
        o.c.customer_name,
        o.c.owner,
        o.c.status,
        o.c.total_amount,
        o.c.customer_id,
        o.c.order_date,
        o.c.due_date,
    )

    def read(*where: Any) -> list[_Order]:
        query = select(*columns).where(*where).order_by(o.c.id.desc()).limit(RECENT_CANDIDATES)
        found = []
        for row in connection.execute(query):
            key_account, language, contact = buyers[row.customer_id]
            found.append(
                _Order(
                    row.id,
                    row.order_no,
                    row.customer_name,
                    row.owner,
                    row.status,
                    row.total_amount,
                    key_account,
                    language,
                    contact,
                    row.order_date,
                    row.due_date,
                )
            )
        return found

    shipped = o.c.status.concat("").in_(SHIPPED)
    placed = today - timedelta(days=OLD_ORDER_DAYS)
    return (
        read(shipped, o.c.order_date <= placed),
        read(shipped),
        read(o.c.status.in_(RUNNING), o.c.due_date < today),
    )


def _blank() -> dict[str, Any]:
    """The columns of a case nobody has worked on yet, as ``create_complaint`` leaves them."""
    empty = (
        "acknowledged_by",
        "root_cause",
        "responsible_party",
        "evidence",
        "remedy_currency",
        "remedy_note",
        "close_note",
        "satisfaction_comment",
    )
    unset = (
        "order_line_id",
        "shipment_id",
        "acknowledged_at",
        "plan_at",
        "closed_at",
        "escalated_at",
        "remedy_kind",
        "remedy_amount",
        "satisfaction_due",
        "satisfaction_score",
    )
    return {
        **dict.fromkeys(empty, ""),
        **dict.fromkeys(unset),
        "third_party_inspection": False,
        "reopen_count": 0,
        "version": 1,
    }


class _Builder:
    """Builds one case's row from its state, placing its times before ``anchor``."""

    def __init__(
        self, policy: SlaPolicy, calendar: BusinessCalendar, anchor: datetime, seed: int
    ) -> None:
        self.policy = policy
        self.calendar = estimating(calendar)  # demo times only: never refuse a year
        self.anchor = anchor
        self.rng = random.Random(seed)
        self.turn = 0

    def hours(self, grade: str, kind: ClockKind) -> float:
        target = self.policy.target(grade, kind)
        return target.hours if target is not None else 8.0

    def back(self, hours: float) -> datetime:
        return self.calendar.add_business_time(self.anchor, -timedelta(hours=hours))

    def after(self, start: datetime, hours: float) -> datetime:
        return min(self.calendar.add_business_time(start, timedelta(hours=hours)), self.anchor)

    def fraction(self) -> float:
        self.turn += 1
        return FRACTIONS[(self.turn - 1) % len(FRACTIONS)]

    @staticmethod
    def text(language: str, pair: tuple[str, str]) -> str:
        """The customer's language: Chinese for Chinese customers, English for the rest."""
        return pair[0] if language == "zh_CN" else pair[1]

    def _age(
        self, state: str, order: _Order, targets: tuple[float, ...], took: tuple[float, ...]
    ) -> float:
        """Business hours from receipt to the load's "now" for a case in ``state``: an
        open case stands at a chosen share of the clock it owes; a closed one was closed
        a few hours (call ahead) or weeks (call done) ago, after its goods arrived."""
        ack, plan, resolve = targets
        done = sum(took[:2]) + 0.5
        if state == "breached_major":  # received a business day and a half ago, never seen
            return 12.0 + self.rng.random() * 4
        if state == "new":
            return self.fraction() * ack
        if state in ("acknowledged", "investigating", "paused_qc"):
            return max(self.fraction() * plan, took[0] + 0.5)
        if state == "remedy":
            return max(self.fraction() * resolve, done)
        if state == "awaiting_call":
            return sum(took) + 2 + self.rng.random() * 10
        age = sum(took) + 8 * self.rng.randint(8, 50)
        arrived = datetime.combine(order.order_date + timedelta(days=25), time(2, 0), UTC)
        since = self.calendar.business_time_between(arrived, self.anchor) / timedelta(hours=1)
        # Not before the goods arrived, while the satisfaction call still lies behind us.
        return max(min(age, since), sum(took) + 8 * (self.policy.satisfaction_days + 2))

    def case(self, complaint_id: int, state: str, order: _Order, category: str) -> dict[str, Any]:
        rng = self.rng
        suggested = suggest_grade(
            self.policy, category, key_account=order.key_account, order_value=order.amount
        )
        grade = "major" if state == "breached_major" else suggested
        reason = ("客户威胁取消后续订单", "Customer threatens to cancel further orders")
        row = _blank() | {
            "id": complaint_id,
            "order_id": order.id,
            "order_no": order.order_no,
            "customer_name": order.customer,
            "category": category,
            "description": self.text(order.language, rng.choice(_CATEGORY_TEXT[category])),
            "contact": order.contact,
            "grade": grade,
            "suggested_grade": suggested,
            "grade_reason": "" if grade == suggested else self.text(order.language, reason),
            "owner": order.owner,
        }
        ack, plan, resolve = (self.hours(grade, kind) for kind in ClockKind)
        # How long each step took, in business hours; the case is then placed so that it
        # has been open ``age`` business hours, every step before the load's "now".
        took = (
            ack * rng.choice((0.2, 0.5, 0.7, 1.2)),
            plan * rng.choice((0.3, 0.6, 0.9)),
            resolve * rng.choice((0.2, 0.4, 0.6)),
        )
        age = self._age(state, order, (ack, plan, resolve), took)
        received = self.back(age)
        row.update(received_at=received, armed_at=received, status="new")
        if state in ("new", "breached_major"):
            return row
        row.update(
            status="acknowledged",
            acknowledged_by=order.owner,
            acknowledged_at=self.after(received, took[0]),
        )
        if state == "acknowledged":
            return row
        cause, cause_en, party = rng.choice(_CAUSES[category])
        row.update(
            status="investigating",
            root_cause=self.text(order.language, (cause, cause_en)),
            responsible_party=party,
            third_party_inspection=state == "paused_qc",
        )
        if state in ("investigating", "paused_qc"):
            return row
        kind, remedy, remedy_en = rng.choice(_REMEDIES)
        row.update(
            status="remedy",
            remedy_kind=kind,
            remedy_note=self.text(order.language, (remedy, remedy_en)),
            plan_at=self.after(row["acknowledged_at"], took[1]),
        )
        if kind in ("refund", "compensation"):
            row.update(
                remedy_amount=Decimal(rng.choice((800, 1500, 3200, 12000))),
                remedy_currency="CNY" if order.language == "zh_CN" else "USD",
            )
        if state == "remedy":
            return row
        closed = self.after(row["plan_at"], took[2])
        row.update(
            status="closed",
            closed_at=closed,
            close_note=self.text(
                order.language,
                ("客户邮件确认已解决", "Customer confirmed by e-mail that it is resolved"),
            ),
            satisfaction_due=satisfaction_due(closed, self.policy.satisfaction_days, self.calendar),
        )
        return row


def _anchor(now: datetime, today: date, zone: ZoneInfo) -> datetime:
    """The load's "now": the store's clock, but never past the end of the demo's day."""
    end_of_day = datetime.combine(today, time(18, 0), zone).astimezone(UTC)
    return min(now, end_of_day).replace(second=0, microsecond=0)


def _finish(builder: _Builder, row: dict[str, Any], state: str, rows: _Rows, language: str) -> None:
    """Pauses, satisfaction calls, the reopening and the order notes a case implies."""
    rng, cid = builder.rng, row["id"]

    def note(body: str, at: datetime, due: date | None) -> None:
        rows.notes.append(
            {
                "order_id": row["order_id"],
                "kind": "internal",
                "body": f"Complaint #{cid}: {body}",
                "author": row["owner"],
                "created_at": at,
                "due_on": due,
                "version": 1,
            }
        )

    if state == "paused_qc":
        started = builder.back(0.5 + rng.random())
        rows.pauses.append(
            {
                "complaint_id": cid,
                "reason": "qc",
                "note": "SGS",
                "started_at": max(started, row["acknowledged_at"]),
                "ended_at": None,
                "paused_by": row["owner"],
                "resumed_by": "",
            }
        )
    if state == "closed" and rng.random() < 0.4 and row["plan_at"] is not None:
        start = builder.after(row["acknowledged_at"], 1.0)
        rows.pauses.append(
            {
                "complaint_id": cid,
                "reason": "customer",
                "note": "",
                "started_at": start,
                "ended_at": builder.after(start, 6.0),
                "paused_by": row["owner"],
                "resumed_by": row["owner"],
            }
        )
    if state == "remedy":
        due = builder.calendar.add_business_days(builder.anchor.date(), rng.randint(1, 3))
        note(
            builder.text(language, ("确认补救执行情况", "check the remedy is carried out")),
            row["plan_at"],
            due,
        )
    if state == "awaiting_call":
        note("satisfaction follow-up (score 1-5)", row["closed_at"], row["satisfaction_due"])
    if state in ("closed", "reopened"):
        score = 2 if state == "reopened" else rng.choice((5, 5, 4, 4, 4, 3))
        comment = {2: ("问题仍未解决", "Still not fixed"), 3: ("处理偏慢", "Slow to handle")}
        row.update(
            satisfaction_score=score,
            satisfaction_comment=builder.text(language, comment.get(score, ("满意", "Satisfied"))),
        )
    if state == "reopened":
        reopened = builder.back(0.5 + rng.random() * 0.5)
        note(f"reopened: satisfaction 2/5 {row['satisfaction_comment']}", reopened, None)
        row.update(
            status="reopened",
            reopen_count=1,
            armed_at=reopened,
            acknowledged_at=None,
            acknowledged_by="",
            plan_at=None,
            closed_at=None,
            close_note="",
            satisfaction_due=None,
        )


def plan_demo_complaints(
    session: Session,
    policy: SlaPolicy,
    calendar: BusinessCalendar,
    now: datetime,
    today: date,
    *,
    orders: int,
    seed: int,
    timezone: str = "Asia/Shanghai",
) -> dict[str, int]:
    """Add the demo's complaints and arm their clocks; the rows added per table."""
    count = complaint_count(orders)
    counts = {"complaints": 0, "complaint_pauses": 0, "complaint_clocks": 0, "notes": 0}
    if not count:
        return counts
    connection = session.connection()
    old, shipped, overdue = _candidates(connection, today)
    rng = random.Random(seed * 7919 + 17)
    builder = _Builder(policy, calendar, _anchor(now, today, ZoneInfo(timezone)), seed)
    states = sorted(_states(count), key=AGE_RANK.__getitem__)
    # Closed cases get orders whose goods arrived weeks ago; late deliveries orders past
    # their due date and not shipped yet; the rest any recent shipped order.
    early = rng.sample(old, min(len(old), sum(AGE_RANK[s] <= 1 for s in states)))
    taken = {o.id for o in early}
    recent = [o for o in shipped if o.id not in taken]
    recent = rng.sample(recent, min(len(recent), len(states) - len(early)))
    late = rng.sample(overdue, min(len(overdue), len(states) // 6))
    rows, first = _Rows(), next_id(connection, table_of(Complaint))
    for index, state in enumerate(states):
        if AGE_RANK[state] <= 1 and early:
            order, category = early.pop(), rng.choice(_CATEGORIES)
        elif index % 5 == 0 and late and state not in SPECIAL:
            order, category = late.pop(), "late_delivery"
        elif recent or early:
            order, category = (recent or early).pop(), rng.choice(_CATEGORIES)
        else:
            break
        row = builder.case(first + len(rows.complaints), state, order, category)
        _finish(builder, row, state, rows, order.language)
        rows.complaints.append(row)
    _insert(connection, table_of(Complaint), rows.complaints, counts, "complaints")
    _insert(connection, table_of(ComplaintPause), rows.pauses, counts, "complaint_pauses")
    _insert(connection, table_of(Note), rows.notes, counts, "notes")
    ids = [row["id"] for row in rows.complaints]
    for complaint in session.scalars(select(Complaint).where(Complaint.id.in_(ids))):
        counts["complaint_clocks"] += len(arm_complaint(session, complaint, policy, calendar))
    session.flush()
    return counts


def _insert(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    counts: dict[str, int],
    name: str,
) -> None:
    """Core inserts (a few hundred rows: the column types convert the values)."""
    if rows:
        connection.execute(insert(table), list(rows))
        counts[name] += len(rows)
    if rows and connection.dialect.name == "postgresql" and "id" in rows[0]:
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
            f" (SELECT max(id) FROM {table.name}))"
        )
