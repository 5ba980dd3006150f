"""The complaint SLA policy (grades, targets, categories) and the words complaints use.

How fast a complaint must be answered is a promise the company makes to its customers,
so it is data the company edits, not code: ``data/sla_policy.toml`` is the shipped
default and an ``sla_policy.toml`` in the company's config folder replaces it. Every
value is checked on load and a bad one is refused naming the file and the entry, counted
from 1 the way a person counts the ``[[grade]]`` blocks, because a policy that loads
half-right would arm clocks against targets nobody agreed to.

Grades are listed most severe first; that order is what "one grade up" means when a key
account or a large order raises the suggested grade. The fixed vocabulary the policy
and the complaint records are written in (clock kinds, bases, pause reasons, remedies,
responsible parties) is here too, with the checks that refuse an unknown word. Pure:
reading the file is the only I/O, and no clock is read.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from followup_tui.domain.data_files import DataFileErrors, company_or_shipped
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.text import find_control_character

_ERRORS = DataFileErrors("error.sla_policy_invalid", "error.sla_policy_missing")
invalid = _ERRORS.invalid
_reject_unknown = _ERRORS.reject_unknown
_required = _ERRORS.required
_table = _ERRORS.table


#: The file name of the shipped policy and of a company's own copy in its config folder.
SLA_POLICY_FILE = "sla_policy.toml"
ROLES: tuple[str, ...] = ("owner", "supervisor")
TEXT_LANGUAGES: tuple[str, ...] = ("zh_CN", "en")
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,31}")
HOURS_MAX = 10_000.0
SATISFACTION_DAYS_MAX = 90
TITLE_LIMIT = 40
DEFAULT_LADDER: tuple[float, float, float] = (0.5, 0.75, 0.9)

_TOP_KEYS = frozenset(
    {"ladder", "satisfaction_days", "reopen_score", "suggest", "grade", "category"}
)
_SUGGEST_KEYS = frozenset(
    {"key_account_bump", "key_account_grade", "value_threshold", "value_grade"}
)
_GRADE_KEYS = frozenset({"key", "title", "target"})
_TARGET_KEYS = frozenset({"kind", "hours", "basis", "role"})
_CATEGORY_KEYS = frozenset({"key", "title", "grade"})


class Basis(StrEnum):
    """What a target's hours count: working time on the desk's calendar, or the wall clock."""

    BUSINESS = "business"
    WALL = "wall"


class ClockKind(StrEnum):
    """The three promises a complaint carries: acknowledge it, plan a fix, resolve it."""

    ACK = "ack"
    PLAN = "plan"
    RESOLVE = "resolve"


class PauseReason(StrEnum):
    """Why a clock may stop: the case waits on someone outside the desk."""

    CUSTOMER = "customer"
    SUPPLIER = "supplier"
    QC = "qc"
    CARRIER = "carrier"


class RemedyKind(StrEnum):
    """What the company does to make good; closing a case needs one."""

    RESHIP = "reship"
    REPLACE = "replace"
    REFUND = "refund"
    DISCOUNT = "discount"
    GIFT = "gift"
    COMPENSATION = "compensation"


#: Who a root cause is laid on, in the order the complaint form lists them.
RESPONSIBLE_PARTIES: tuple[str, ...] = ("supplier", "carrier", "production", "internal", "customer")


@dataclass(frozen=True)
class Target:
    """One promise of one grade: ``hours`` of ``basis`` time, owed by ``role``.

    ``role`` is who must meet it: the case owner, or a supervisor (a major complaint's
    acknowledgement must come from a supervisor, not from the clerk who took the call).
    """

    kind: ClockKind
    hours: float
    basis: Basis = Basis.BUSINESS
    role: str = "owner"

    def __post_init__(self) -> None:
        """Refuse a target no clock could count, whoever built it."""
        if not (math.isfinite(self.hours) and 0 < self.hours <= HOURS_MAX):
            raise ValueError(f"target hours must be in (0, {HOURS_MAX}], got {self.hours!r}")
        if self.role not in ROLES:
            raise ValueError(f"target role must be one of {ROLES}, got {self.role!r}")


@dataclass(frozen=True)
class Grade:
    """A severity level with its titles and at most one target per clock kind."""

    key: str
    title_zh_CN: str
    title_en: str
    targets: tuple[Target, ...]

    def __post_init__(self) -> None:
        kinds = [target.kind for target in self.targets]
        if len(kinds) != len(set(kinds)):
            raise ValueError(f"grade {self.key!r} has a clock kind twice")

    def title(self, language: str) -> str:
        """The title in ``language``; anything but zh_CN reads English."""
        return self.title_zh_CN if language == "zh_CN" else self.title_en

    def target(self, kind: ClockKind | str) -> Target | None:
        """The target for ``kind``, or None when this grade makes no such promise."""
        for target in self.targets:
            if target.kind == kind:
                return target
        return None


@dataclass(frozen=True)
class SlaPolicy:
    """Every grade and category, the escalation ladder and the suggestion rules.

    ``grades`` run most severe first. A key account's complaint moves ``key_account_bump``
    grades up (and to at least ``key_account_grade`` when set); an order worth
    ``value_threshold`` or more (in the order's own currency) gets at least
    ``value_grade``. A satisfaction score at or below ``reopen_score`` reopens the case.
    """

    grades: tuple[Grade, ...]
    categories: tuple[str, ...]
    ladder: tuple[float, float, float] = DEFAULT_LADDER
    satisfaction_days: int = 5
    key_account_grade: str | None = None
    value_threshold: Decimal | None = None
    value_grade: str | None = None
    category_grades: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    key_account_bump: int = 1
    reopen_score: int = 2
    category_titles: Mapping[str, tuple[str, str]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    source: str = SLA_POLICY_FILE

    def grade_keys(self) -> tuple[str, ...]:
        """Grade keys, most severe first."""
        return tuple(grade.key for grade in self.grades)

    def grade(self, key: str) -> Grade:
        """The grade called ``key``; an unknown one is refused naming the known ones."""
        for grade in self.grades:
            if grade.key == key:
                return grade
        raise FollowupError(
            "error.sla_grade_unknown",
            field="grade",
            grade=key,
            known=", ".join(self.grade_keys()),
        )

    def check_category(self, category: str) -> str:
        """``category`` itself when the policy knows it; refused otherwise."""
        if category not in self.categories:
            raise FollowupError(
                "error.sla_category_unknown",
                field="category",
                category=category,
                known=", ".join(self.categories),
            )
        return category

    def category_title(self, category: str, language: str) -> str:
        """The category's title from the policy file, or its key when it has none."""
        titles = self.category_titles.get(category)
        if titles is None:
            return category
        return titles[0] if language == "zh_CN" else titles[1]

    def target(self, grade: str, kind: ClockKind | str) -> Target | None:
        """The target of ``kind`` for ``grade`` (None: that grade has no such clock)."""
        return self.grade(grade).target(kind)


def suggest_grade(
    policy: SlaPolicy, category: str, *, key_account: bool, order_value: Decimal
) -> str:
    """The grade a new complaint starts with; the clerk may override it with a reason.

    Start from the category's grade, move up for a key account, then make sure a large
    order is at least the value grade. Moving up never passes the most severe grade.
    """
    policy.check_category(category)
    keys = policy.grade_keys()
    index = keys.index(policy.category_grades.get(category, keys[-1]))
    if key_account:
        index = max(0, index - policy.key_account_bump)
        if policy.key_account_grade is not None:
            index = min(index, keys.index(policy.key_account_grade))
    if policy.value_threshold is not None and order_value >= policy.value_threshold:
        value_grade = policy.value_grade if policy.value_grade is not None else keys[0]
        index = min(index, keys.index(value_grade))
    return keys[index]


# -- the vocabulary, checked ----------------------------------------------------------


def check_remedy_kind(remedy_kind: str) -> RemedyKind:
    """The remedy spelled ``remedy_kind``; an unknown one is refused listing the known."""
    _refuse_unless_one_of(remedy_kind, tuple(RemedyKind), "error.remedy_kind_unknown", "remedy")
    return RemedyKind(remedy_kind)


def check_pause_reason(reason: str) -> PauseReason:
    """The pause reason spelled ``reason``; an empty or unknown one is refused."""
    _refuse_unless_one_of(reason.strip(), tuple(PauseReason), "error.pause_reason", "reason")
    return PauseReason(reason.strip())


def check_responsible_party(party: str) -> str:
    """``party`` when it is one of :data:`RESPONSIBLE_PARTIES`; refused otherwise."""
    _refuse_unless_one_of(
        party, RESPONSIBLE_PARTIES, "error.complaint_party_unknown", "responsible_party"
    )
    return party


def _refuse_unless_one_of(value: str, allowed: tuple[str, ...], key: str, field_name: str) -> None:
    if value not in allowed:
        raise FollowupError(key, field=field_name, value=value, allowed=", ".join(allowed))


# -- loading ----------------------------------------------------------------------------


def load_policy(path: Path | None = None) -> SlaPolicy:
    """The company's policy at ``path`` when that file exists, else the shipped one.

    A missing company file is normal; a present but broken one is refused, never
    silently replaced by the default, because clocks would then run on targets the
    company has changed.
    """
    found = company_or_shipped(path, SLA_POLICY_FILE, _ERRORS)
    return policy_from_text(found.text, found.source)


def policy_from_text(text: str, source: str) -> SlaPolicy:
    """Parse and check a policy's TOML text; ``source`` names it in every refusal."""
    data = _ERRORS.parse(text, source)
    return policy_from_mapping(data, source)


def policy_from_mapping(data: Mapping[str, object], source: str) -> SlaPolicy:
    """Build a policy from parsed TOML, refusing the first bad entry by name."""
    _reject_unknown(data, _TOP_KEYS, source, "")
    grades = _grades(_required(data, "grade", source, ""), source)
    grade_keys = tuple(grade.key for grade in grades)
    categories, category_grades, category_titles = _categories(
        _required(data, "category", source, ""), source, grade_keys
    )
    suggest = _table(data.get("suggest", {}), source, "suggest")
    _reject_unknown(suggest, _SUGGEST_KEYS, source, "suggest.")
    bump = _whole(suggest.get("key_account_bump", 1), source, "suggest.key_account_bump", 0, 9)
    key_account_grade = _grade_ref(
        suggest.get("key_account_grade"), source, "suggest.key_account_grade", grade_keys
    )
    threshold = _amount(suggest.get("value_threshold"), source, "suggest.value_threshold")
    value_grade = _grade_ref(suggest.get("value_grade"), source, "suggest.value_grade", grade_keys)
    if value_grade is not None and threshold is None:
        raise invalid(source, "suggest.value_grade", "needs suggest.value_threshold")
    return SlaPolicy(
        grades=grades,
        categories=categories,
        ladder=_ladder(data.get("ladder", list(DEFAULT_LADDER)), source),
        satisfaction_days=_whole(
            data.get("satisfaction_days", 5), source, "satisfaction_days", 0, SATISFACTION_DAYS_MAX
        ),
        key_account_grade=key_account_grade,
        value_threshold=threshold,
        value_grade=value_grade,
        category_grades=MappingProxyType(category_grades),
        key_account_bump=bump,
        reopen_score=_whole(data.get("reopen_score", 2), source, "reopen_score", 0, 4),
        category_titles=MappingProxyType(category_titles),
        source=source,
    )


def _list(value: object, source: str, entry: str) -> list[object]:
    if not isinstance(value, list) or not value:
        raise invalid(source, entry, value)
    return value


def _whole(value: object, source: str, entry: str, low: int, high: int) -> int:
    # bool is an int subclass; `satisfaction_days = true` is a typo, not one day.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(source, entry, value)
    return value


def _number(value: object, source: str, entry: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(source, entry, value)
    return float(value)


def _key(value: object, source: str, entry: str) -> str:
    if not isinstance(value, str) or not KEY_PATTERN.fullmatch(value):
        raise invalid(source, entry, value)
    return value


def _titles(value: object, source: str, entry: str) -> tuple[str, str]:
    table = _table(value, source, entry)
    _reject_unknown(table, frozenset(TEXT_LANGUAGES), source, f"{entry}.")
    texts: list[str] = []
    for language in TEXT_LANGUAGES:
        text = _required(table, language, source, entry)
        where = f"{entry}.{language}"
        if not isinstance(text, str) or find_control_character(text) is not None:
            raise invalid(source, where, text)
        if not text.strip() or len(text.strip()) > TITLE_LIMIT:
            raise invalid(source, where, text)
        texts.append(text.strip())
    return texts[0], texts[1]


def _grade_ref(value: object, source: str, entry: str, grade_keys: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in grade_keys:
        raise invalid(source, entry, value)
    return value


def _amount(value: object, source: str, entry: str) -> Decimal | None:
    """A money threshold: an integer or a decimal string, never a binary float."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise invalid(source, entry, value)
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise invalid(source, entry, value) from None
    if not amount.is_finite() or amount <= 0:
        raise invalid(source, entry, value)
    return amount


def _ladder(value: object, source: str, entry: str = "ladder") -> tuple[float, float, float]:
    steps = _list(value, source, entry)
    if len(steps) != 3:
        raise invalid(source, entry, value)
    numbers = [_number(step, source, f"{entry}[{i}]") for i, step in enumerate(steps, start=1)]
    if not 0 < numbers[0] < numbers[1] < numbers[2] < 1:
        raise invalid(source, entry, value)
    return numbers[0], numbers[1], numbers[2]


def _target(value: object, source: str, entry: str) -> Target:
    table = _table(value, source, entry)
    _reject_unknown(table, _TARGET_KEYS, source, f"{entry}.")
    kind = _required(table, "kind", source, entry)
    if kind not in tuple(ClockKind):
        raise invalid(source, f"{entry}.kind", kind)
    hours = _number(_required(table, "hours", source, entry), source, f"{entry}.hours")
    if not (math.isfinite(hours) and 0 < hours <= HOURS_MAX):
        raise invalid(source, f"{entry}.hours", hours)
    basis = table.get("basis", Basis.BUSINESS.value)
    if basis not in tuple(Basis):
        raise invalid(source, f"{entry}.basis", basis)
    role = table.get("role", "owner")
    if role not in ROLES:
        raise invalid(source, f"{entry}.role", role)
    return Target(ClockKind(str(kind)), hours, Basis(str(basis)), str(role))


def _grades(value: object, source: str) -> tuple[Grade, ...]:
    grades: list[Grade] = []
    for number, raw in enumerate(_list(value, source, "grade"), start=1):
        entry = f"grade[{number}]"
        table = _table(raw, source, entry)
        _reject_unknown(table, _GRADE_KEYS, source, f"{entry}.")
        key = _key(_required(table, "key", source, entry), source, f"{entry}.key")
        if key in (grade.key for grade in grades):
            raise invalid(source, f"{entry}.key", key)
        title_zh, title_en = _titles(
            _required(table, "title", source, entry), source, f"{entry}.title"
        )
        targets: list[Target] = []
        raw_targets = _list(_required(table, "target", source, entry), source, f"{entry}.target")
        for target_number, raw_target in enumerate(raw_targets, start=1):
            target_entry = f"{entry}.target[{target_number}]"
            target = _target(raw_target, source, target_entry)
            if any(existing.kind == target.kind for existing in targets):
                raise invalid(source, f"{target_entry}.kind", target.kind.value)
            targets.append(target)
        grades.append(Grade(key, title_zh, title_en, tuple(targets)))
    return tuple(grades)


def _categories(
    value: object, source: str, grade_keys: tuple[str, ...]
) -> tuple[tuple[str, ...], dict[str, str], dict[str, tuple[str, str]]]:
    keys: list[str] = []
    default_grades: dict[str, str] = {}
    titles: dict[str, tuple[str, str]] = {}
    for number, raw in enumerate(_list(value, source, "category"), start=1):
        entry = f"category[{number}]"
        table = _table(raw, source, entry)
        _reject_unknown(table, _CATEGORY_KEYS, source, f"{entry}.")
        key = _key(_required(table, "key", source, entry), source, f"{entry}.key")
        if key in keys:
            raise invalid(source, f"{entry}.key", key)
        grade = _grade_ref(
            _required(table, "grade", source, entry), source, f"{entry}.grade", grade_keys
        )
        keys.append(key)
        default_grades[key] = str(grade)
        titles[key] = _titles(_required(table, "title", source, entry), source, f"{entry}.title")
    return tuple(keys), default_grades, titles
