"""The contingency library: the shipped one is complete, a company copy replaces it, a bad
copy is refused naming the entry, and applying a plan puts due dates on working days."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from followup_tui.domain.calendar import load_calendar
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.timeline.contingency import (
    CONTINGENCY_FILE,
    Action,
    ContingencyLibrary,
    Scenario,
    contingency_from_text,
    follow_up_actions,
    load_contingency,
)
from followup_tui.domain.timeline.disruptions import PARTIES, ExceptionKind

CN = load_calendar("cn-mainland")
MON_FRI = load_calendar("mon-fri")

COMPANY_FILE = """\
# 本公司的预案 / our own plans
[[scenario]]
key = "carrier_delay.rail"
kind = "carrier_delay"
title = { zh_CN = "改走中欧班列", en = "Switch to the China-Europe rail service" }
backup_carriers = ["西安国际陆港多式联运有限公司"]

[[scenario.action]]
zh_CN = "向铁路代理询问舱位"
en = "Ask the rail agent for space"
due_days = 1
party = "internal"

[[scenario]]
key = "damage.claim"
kind = "damage"
title = { zh_CN = "索赔", en = "Claim" }

[[scenario.action]]
zh_CN = "提出索赔"
en = "File the claim"
due_days = 2
party = "carrier"
"""

TWO_SCENARIOS_ONE_BAD_ACTION = """\
[[scenario]]
key = "other.a"
kind = "other"
title = { zh_CN = "甲", en = "A" }
[[scenario.action]]
zh_CN = "一"
en = "one"
due_days = 0
party = "internal"

[[scenario]]
key = "other.b"
kind = "other"
title = { zh_CN = "乙", en = "B" }
[[scenario.action]]
zh_CN = "一"
en = "one"
due_days = 1
party = "internal"
[[scenario.action]]
zh_CN = "二"
en = "two"
due_days = {due_days}
party = "internal"
"""


def refusal(text: str) -> FollowupError:
    with pytest.raises(FollowupError) as caught:
        contingency_from_text(text, "company.toml")
    return caught.value


def one_scenario(**overrides: str) -> str:
    """A valid one-scenario file whose lines can be replaced by name."""
    lines = {
        "key": 'key = "other.x"',
        "kind": 'kind = "other"',
        "title": 'title = { zh_CN = "标题", en = "Title" }',
        "extra": "",
        "action_zh": 'zh_CN = "做"',
        "action_en": 'en = "do"',
        "due_days": "due_days = 1",
        "party": 'party = "internal"',
        "action_extra": "",
    }
    lines.update(overrides)
    return (
        "[[scenario]]\n"
        f"{lines['key']}\n{lines['kind']}\n{lines['title']}\n{lines['extra']}\n"
        "[[scenario.action]]\n"
        f"{lines['action_zh']}\n{lines['action_en']}\n{lines['due_days']}\n"
        f"{lines['party']}\n{lines['action_extra']}\n"
    )


# -- the shipped library ------------------------------------------------------------------


def test_the_shipped_library_loads_and_covers_every_kind() -> None:
    library = load_contingency()
    assert library.source == CONTINGENCY_FILE
    assert library.missing_kinds() == ()
    for kind in ExceptionKind:
        scenarios = library.for_kind(kind)
        assert scenarios, kind
        assert all(scenario.kind is kind for scenario in scenarios)


def test_the_shipped_library_is_complete_in_both_languages() -> None:
    library = load_contingency()
    keys = [scenario.key for scenario in library.scenarios]
    assert len(keys) == len(set(keys))
    for scenario in library.scenarios:
        assert scenario.title("zh_CN") != scenario.title("en")
        assert scenario.actions
        for action in scenario.actions:
            assert action.text("zh_CN") and action.text("en")
            assert any("\u4e00" <= char <= "\u9fff" for char in action.text_zh_CN)
            assert action.party in PARTIES
            assert action.due_days >= 0


def test_the_shipped_plans_name_their_backups() -> None:
    library = load_contingency()
    shortage = {s.key: s for s in library.for_kind(ExceptionKind.MATERIAL_SHORTAGE)}
    assert {
        "material_shortage.backup_supplier",
        "material_shortage.partial_shipment",
        "material_shortage.substitute",
    } <= shortage.keys()
    assert shortage["material_shortage.backup_supplier"].backup_suppliers
    assert any(s.backup_carriers for s in library.for_kind(ExceptionKind.CARRIER_DELAY))
    assert any(s.backup_carriers for s in library.for_kind(ExceptionKind.BAD_WEATHER))


def test_a_scenario_is_found_by_key_and_a_stale_key_is_an_error() -> None:
    library = load_contingency()
    assert library.scenario("damage.claim").kind is ExceptionKind.DAMAGE
    with pytest.raises(FollowupError) as caught:
        library.scenario("damage.gone")
    assert caught.value.key == "error.contingency_scenario_unknown"


def test_for_kind_accepts_the_plain_spelling() -> None:
    library = load_contingency()
    assert library.for_kind("customs_inspection") == library.for_kind(
        ExceptionKind.CUSTOMS_INSPECTION
    )


# -- the company's copy -------------------------------------------------------------------


def test_a_company_file_replaces_the_shipped_library(tmp_path: Path) -> None:
    path = tmp_path / CONTINGENCY_FILE
    path.write_text(COMPANY_FILE, encoding="utf-8")
    library = load_contingency(path)
    assert library.source == str(path)
    assert [s.key for s in library.scenarios] == ["carrier_delay.rail", "damage.claim"]
    rail = library.for_kind(ExceptionKind.CARRIER_DELAY)[0]
    assert rail.backup_carriers == ("西安国际陆港多式联运有限公司",)
    assert rail.backup_suppliers == ()
    assert rail.title("en") == "Switch to the China-Europe rail service"
    assert library.for_kind(ExceptionKind.BAD_WEATHER) == ()
    assert ExceptionKind.BAD_WEATHER in library.missing_kinds()


def test_a_missing_company_file_means_the_shipped_library(tmp_path: Path) -> None:
    library = load_contingency(tmp_path / "absent.toml")
    assert library.source == CONTINGENCY_FILE
    assert library.missing_kinds() == ()


def test_a_company_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / CONTINGENCY_FILE
    path.write_bytes(COMPANY_FILE.encode("gbk"))
    with pytest.raises(FollowupError) as caught:
        load_contingency(path)
    assert caught.value.params["file"] == str(path)
    assert caught.value.params["entry"] == "encoding"


def test_a_broken_company_file_is_refused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / CONTINGENCY_FILE
    path.write_text("[[scenario]\n", encoding="utf-8")
    with pytest.raises(FollowupError) as caught:
        load_contingency(path)
    assert caught.value.key == "error.contingency_invalid"
    assert caught.value.params["entry"] == "toml"


# -- refusals name the entry --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        (one_scenario(kind='kind = "earthquake"'), "scenario[1].kind"),
        (one_scenario(kind="kind = []"), "scenario[1].kind"),
        (one_scenario(key='key = "Other X"'), "scenario[1].key"),
        (one_scenario(title='title = { zh_CN = "标题", en = "  " }'), "scenario[1].title.en"),
        (
            one_scenario(title='title = { zh_CN = "标题", en = "T", de = "T" }'),
            "scenario[1].title.de",
        ),
        (one_scenario(action_en='en = "do\\u001b[2J"'), "scenario[1].action[1].en"),
        (one_scenario(due_days="due_days = -1"), "scenario[1].action[1].due_days"),
        (one_scenario(due_days="due_days = 1.5"), "scenario[1].action[1].due_days"),
        (one_scenario(due_days="due_days = true"), "scenario[1].action[1].due_days"),
        (one_scenario(party='party = "government"'), "scenario[1].action[1].party"),
        (one_scenario(extra='owner = "李娜"'), "scenario[1].owner"),
        (one_scenario(action_extra='note = "x"'), "scenario[1].action[1].note"),
        (one_scenario(extra='backup_carriers = "顺达"'), "scenario[1].backup_carriers"),
        (one_scenario(extra='backup_suppliers = ["好", ""]'), "scenario[1].backup_suppliers[2]"),
        ('version = 2\n[[scenario]]\nkey = "x"\n', "version"),
        ("# nothing here\n", "scenario"),
        (one_scenario() + "[[scenario]]\nkey = 1\n", "scenario[2].key"),
    ],
)
def test_a_bad_entry_is_refused_by_name(text: str, entry: str) -> None:
    error = refusal(text)
    assert error.key in ("error.contingency_invalid", "error.contingency_missing")
    assert error.params["file"] == "company.toml"
    assert error.params["entry"] == entry
    assert error.field == entry


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        (one_scenario(action_en=""), "scenario[1].action[1].en"),
        (one_scenario(action_zh=""), "scenario[1].action[1].zh_CN"),
        (one_scenario(title='title = { en = "Title" }'), "scenario[1].title.zh_CN"),
        (one_scenario(due_days=""), "scenario[1].action[1].due_days"),
        (one_scenario(kind=""), "scenario[1].kind"),
    ],
)
def test_a_missing_entry_is_named(text: str, entry: str) -> None:
    error = refusal(text)
    assert error.key == "error.contingency_missing"
    assert error.params["entry"] == entry


def test_the_second_action_of_the_second_scenario_is_named() -> None:
    error = refusal(TWO_SCENARIOS_ONE_BAD_ACTION.replace("{due_days}", "-3"))
    assert error.params["entry"] == "scenario[2].action[2].due_days"
    assert error.params["value"] == "-3"
    assert (
        len(
            contingency_from_text(
                TWO_SCENARIOS_ONE_BAD_ACTION.replace("{due_days}", "3"), "company.toml"
            ).scenarios
        )
        == 2
    )


def test_a_duplicate_scenario_key_is_refused() -> None:
    error = refusal(one_scenario() + one_scenario())
    assert error.params["entry"] == "scenario[2].key"
    assert error.params["value"] == "other.x"


def test_a_scenario_without_actions_is_refused() -> None:
    text = (
        '[[scenario]]\nkey = "other.x"\nkind = "other"\n'
        'title = { zh_CN = "标", en = "T" }\naction = []\n'
    )
    assert refusal(text).params["entry"] == "scenario[1].action"


def test_a_control_character_in_a_refused_value_is_shown_escaped() -> None:
    error = refusal(one_scenario(party='party = "x\\u001b[31m"'))
    assert "\x1b" not in str(error.params["value"])
    assert "\\x1b" in str(error.params["value"])


# -- applying a plan ----------------------------------------------------------------------


def plan(*due_days: int) -> Scenario:
    return Scenario(
        key="test.plan",
        kind=ExceptionKind.OTHER,
        title_zh_CN="测试",
        title_en="Test",
        actions=tuple(
            Action(text_zh_CN=f"第{n}步", text_en=f"step {n}", due_days=n, party="internal")
            for n in due_days
        ),
    )


def test_due_dates_skip_the_weekend() -> None:
    friday = date(2026, 6, 5)
    actions = follow_up_actions(plan(0, 1, 2), friday, MON_FRI, "en")
    assert [due for _, due, _ in actions] == [friday, date(2026, 6, 8), date(2026, 6, 9)]
    assert [text for text, _, _ in actions] == ["step 0", "step 1", "step 2"]
    assert {party for _, _, party in actions} == {"internal"}


def test_due_dates_skip_national_day_and_count_the_make_up_saturday() -> None:
    recorded = date(2026, 9, 30)  # a Wednesday; 10-01..10-07 are holidays, 10-10 is worked
    actions = follow_up_actions(plan(0, 1, 2, 3), recorded, CN, "zh_CN")
    assert [due for _, due, _ in actions] == [
        recorded,
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),  # 调休补班 Saturday
    ]
    assert actions[1][0] == "第1步"


def test_a_plan_recorded_on_a_holiday_starts_on_the_next_working_day() -> None:
    actions = follow_up_actions(plan(0), date(2026, 10, 3), CN, "en")
    assert actions[0][1] == date(2026, 10, 8)


def test_the_shipped_plan_applies_in_both_languages() -> None:
    scenario = load_contingency().scenario("material_shortage.backup_supplier")
    zh = follow_up_actions(scenario, date(2026, 9, 30), CN, "zh_CN")
    en = follow_up_actions(scenario, date(2026, 9, 30), CN, "en")
    assert [due for _, due, _ in zh] == [due for _, due, _ in en]
    assert [party for _, _, party in zh] == [action.party for action in scenario.actions]
    assert zh[0][0] == scenario.actions[0].text_zh_CN
    assert en[0][0] == scenario.actions[0].text_en
    assert all(CN.is_working_day(due) for _, due, _ in zh)


def test_an_unknown_language_reads_english() -> None:
    action = Action(text_zh_CN="拍照", text_en="take photos", due_days=0, party="customer")
    assert action.text("fr") == "take photos"
    assert action.text("zh_CN") == "拍照"


def test_the_library_type_is_plain_data() -> None:
    library = ContingencyLibrary(source="x", scenarios=(plan(1),))
    assert library.for_kind(ExceptionKind.OTHER) == (plan(1),)


def test_the_desk_reads_the_library_of_its_company_folder(tmp_path: Path) -> None:
    from followup_tui.services.timeline.events import company_contingency

    assert company_contingency(tmp_path) == load_contingency()  # no copy yet
    (tmp_path / CONTINGENCY_FILE).write_text(COMPANY_FILE, encoding="utf-8")
    assert company_contingency(tmp_path).source == str(tmp_path / CONTINGENCY_FILE)
    assert company_contingency(None) == load_contingency()
