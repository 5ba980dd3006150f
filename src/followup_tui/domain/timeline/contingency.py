"""The company's contingency library (风险预案库): prepared answers to each kind of exception.

When an exception is recorded, the clerk should not have to remember what to do about a
customs inspection at six in the evening: the company has written it down once, as
scenarios per exception kind, each with prepared actions (who does what, by which
business day), backup carriers and backup suppliers. The library is data the company
edits (``data/contingency.toml`` is the shipped default; a ``contingency.toml`` in the
company's config folder replaces it), so every entry is checked on load and a bad one is
refused naming the file and the entry, counted from 1 the way a person counts the
``[[scenario]]`` blocks in the file.

Pure: reading the file is the only I/O, and no clock is read; applying a plan takes the
day the exception was recorded and the desk's calendar as parameters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from followup_tui.domain.calendar import BusinessCalendar
from followup_tui.domain.data_files import DataFileErrors, company_or_shipped
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.text import find_control_character
from followup_tui.domain.timeline.disruptions import PARTIES, ExceptionKind

_ERRORS = DataFileErrors("error.contingency_invalid", "error.contingency_missing")
invalid = _ERRORS.invalid
_reject_unknown = _ERRORS.reject_unknown
_required = _ERRORS.required
_table = _ERRORS.table


#: The file name of the shipped library and of a company's own copy in its config folder.
CONTINGENCY_FILE = "contingency.toml"
TEXT_LANGUAGES: tuple[str, ...] = ("zh_CN", "en")
SCENARIO_KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]{0,59}")
DUE_DAYS_MAX = 365
TITLE_LIMIT = 120
ACTION_TEXT_LIMIT = 300
NAME_LIMIT = 120

_TOP_KEYS = frozenset({"scenario"})
_SCENARIO_KEYS = frozenset(
    {"key", "kind", "title", "action", "backup_carriers", "backup_suppliers"}
)
_ACTION_KEYS = frozenset({*TEXT_LANGUAGES, "due_days", "party"})
_KIND_VALUES = frozenset(kind.value for kind in ExceptionKind)


@dataclass(frozen=True)
class Action:
    """One prepared step: what to do (in both desk languages), by when, and who owns it.

    ``due_days`` counts business days after the day the exception was recorded, because
    "within two working days" is how the company writes its procedures.
    """

    text_zh_CN: str
    text_en: str
    due_days: int
    party: str

    def text(self, language: str) -> str:
        """The action in ``language``; anything but zh_CN reads English."""
        return self.text_zh_CN if language == "zh_CN" else self.text_en


@dataclass(frozen=True)
class Scenario:
    """One prepared plan for one exception kind."""

    key: str
    kind: ExceptionKind
    title_zh_CN: str
    title_en: str
    actions: tuple[Action, ...]
    backup_carriers: tuple[str, ...] = ()
    backup_suppliers: tuple[str, ...] = ()

    def title(self, language: str) -> str:
        """The title in ``language``; anything but zh_CN reads English."""
        return self.title_zh_CN if language == "zh_CN" else self.title_en


@dataclass(frozen=True)
class ContingencyLibrary:
    """Every scenario of one library file, in file order (the order the company chose)."""

    source: str
    scenarios: tuple[Scenario, ...]

    def for_kind(self, kind: ExceptionKind | str) -> tuple[Scenario, ...]:
        """The scenarios prepared for ``kind``; empty when the company wrote none."""
        return tuple(scenario for scenario in self.scenarios if scenario.kind == kind)

    def scenario(self, key: str) -> Scenario:
        """The scenario called ``key``; a stale key (the file changed) is an error."""
        for scenario in self.scenarios:
            if scenario.key == key:
                return scenario
        raise FollowupError(
            "error.contingency_scenario_unknown", field="scenario", value=key, file=self.source
        )

    def missing_kinds(self) -> tuple[ExceptionKind, ...]:
        """The kinds without any scenario, so an administrator can see the gaps."""
        covered = {scenario.kind for scenario in self.scenarios}
        return tuple(kind for kind in ExceptionKind if kind not in covered)


def follow_up_actions(
    scenario: Scenario, recorded_on: date, calendar: BusinessCalendar, language: str
) -> tuple[tuple[str, date, str], ...]:
    """What applying ``scenario`` adds as follow-up notes: (text, due date, party).

    Due dates are business days after ``recorded_on`` on the desk's calendar, so a step
    due "in 1 day" on the eve of a holiday falls after the holiday; 0 days means that day,
    or the next working day when the exception is recorded on a day off. A calendar that
    does not know the year raises ``CalendarYearUnknown`` rather than guessing.
    """
    return tuple(
        (
            action.text(language),
            calendar.add_business_days(recorded_on, action.due_days),
            action.party,
        )
        for action in scenario.actions
    )


# -- loading ----------------------------------------------------------------------------


def load_contingency(path: Path | None = None) -> ContingencyLibrary:
    """The company's library at ``path`` when that file exists, else the shipped one.

    A missing company file is normal (most companies start from the default); a present
    but broken one is refused, never silently replaced by the default, because the clerk
    would then follow a plan the company has changed.
    """
    found = company_or_shipped(path, CONTINGENCY_FILE, _ERRORS)
    return contingency_from_text(found.text, found.source)


def contingency_from_text(text: str, source: str) -> ContingencyLibrary:
    """Parse and check a library's TOML text; ``source`` names it in every refusal."""
    data = _ERRORS.parse(text, source)
    return contingency_from_mapping(data, source)


def contingency_from_mapping(data: Mapping[str, object], source: str) -> ContingencyLibrary:
    """Build a library from parsed TOML, refusing the first bad entry by name."""
    _reject_unknown(data, _TOP_KEYS, source, "")
    raw_scenarios = _required(data, "scenario", source, "")
    if not isinstance(raw_scenarios, list) or not raw_scenarios:
        raise invalid(source, "scenario", "no [[scenario]]")
    scenarios: list[Scenario] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_scenarios, start=1):
        scenario = _scenario(raw, source, f"scenario[{number}]")
        if scenario.key in seen:
            raise invalid(source, f"scenario[{number}].key", scenario.key)
        seen.add(scenario.key)
        scenarios.append(scenario)
    return ContingencyLibrary(source=source, scenarios=tuple(scenarios))


def _text(value: object, source: str, entry: str, limit: int) -> str:
    """A non-empty single-line text without control characters."""
    if not isinstance(value, str) or find_control_character(value) is not None:
        raise invalid(source, entry, value)
    cleaned = value.strip()
    if not cleaned or len(cleaned) > limit:
        raise invalid(source, entry, value)
    return cleaned


def _names(value: object, source: str, entry: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise invalid(source, entry, value)
    return tuple(
        _text(item, source, f"{entry}[{number}]", NAME_LIMIT)
        for number, item in enumerate(value, start=1)
    )


def _due_days(value: object, source: str, entry: str) -> int:
    # bool is an int subclass; `due_days = true` is a typo, not one day.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= DUE_DAYS_MAX:
        raise invalid(source, entry, value)
    return value


def _action(value: object, source: str, entry: str) -> Action:
    table = _table(value, source, entry)
    _reject_unknown(table, _ACTION_KEYS, source, f"{entry}.")
    texts = {
        language: _text(
            _required(table, language, source, entry),
            source,
            f"{entry}.{language}",
            ACTION_TEXT_LIMIT,
        )
        for language in TEXT_LANGUAGES
    }
    party = _required(table, "party", source, entry)
    if not isinstance(party, str) or party not in PARTIES:
        raise invalid(source, f"{entry}.party", party)
    return Action(
        text_zh_CN=texts["zh_CN"],
        text_en=texts["en"],
        due_days=_due_days(
            _required(table, "due_days", source, entry), source, f"{entry}.due_days"
        ),
        party=str(party),
    )


def _scenario(value: object, source: str, entry: str) -> Scenario:
    table = _table(value, source, entry)
    _reject_unknown(table, _SCENARIO_KEYS, source, f"{entry}.")
    key = _required(table, "key", source, entry)
    if not isinstance(key, str) or not SCENARIO_KEY_PATTERN.fullmatch(key):
        raise invalid(source, f"{entry}.key", key)
    kind_value = _required(table, "kind", source, entry)
    if not isinstance(kind_value, str) or kind_value not in _KIND_VALUES:
        raise invalid(source, f"{entry}.kind", kind_value)
    title = _table(_required(table, "title", source, entry), source, f"{entry}.title")
    _reject_unknown(title, frozenset(TEXT_LANGUAGES), source, f"{entry}.title.")
    titles = {
        language: _text(
            _required(title, language, source, f"{entry}.title"),
            source,
            f"{entry}.title.{language}",
            TITLE_LIMIT,
        )
        for language in TEXT_LANGUAGES
    }
    raw_actions = _required(table, "action", source, entry)
    if not isinstance(raw_actions, list) or not raw_actions:
        raise invalid(source, f"{entry}.action", "no [[scenario.action]]")
    actions = tuple(
        _action(raw, source, f"{entry}.action[{number}]")
        for number, raw in enumerate(raw_actions, start=1)
    )
    return Scenario(
        key=key,
        kind=ExceptionKind(str(kind_value)),
        title_zh_CN=titles["zh_CN"],
        title_en=titles["en"],
        actions=actions,
        backup_carriers=_names(table.get("backup_carriers"), source, f"{entry}.backup_carriers"),
        backup_suppliers=_names(table.get("backup_suppliers"), source, f"{entry}.backup_suppliers"),
    )
