"""Milestone templates: the shipped ones load, and bad data is refused naming the entry.

A template is edited by hand, so the refusals are what the person editing reads: every
one must name the file and the entry (``milestone[2].party``) to fix.
"""

from __future__ import annotations

import copy
from importlib import resources
from typing import Any

import pytest

from followup_tui.domain.errors import FollowupError
from followup_tui.domain.timeline.milestones import (
    Link,
    LinkKind,
    Party,
    Stage,
    StageSpec,
    Template,
    available_templates,
    load_template,
    order_links,
    template_from_mapping,
)

SHIPPED = ("domestic", "export-air", "export-sea")


def small() -> dict[str, Any]:
    """A valid three-stage template as parsed TOML, for tests to break one entry of."""
    return {
        "title_zh_CN": "测试",
        "title_en": "Test",
        "anchor": "delivery",
        "milestone": [
            {"key": "confirmation", "days": 1, "buffer": 0, "party": "internal"},
            {
                "key": "production",
                "days": 5,
                "buffer": 1,
                "party": "production",
                "depends_on": ["confirmation"],
            },
            {
                "key": "delivery",
                "days": 2,
                "party": "carrier",
                "depends_on": [{"on": "production", "kind": "ss", "lag": 2}],
            },
        ],
    }


def refusal(data: dict[str, Any]) -> FollowupError:
    with pytest.raises(FollowupError) as caught:
        template_from_mapping(data, "test.toml")
    return caught.value


# -- shipped templates --------------------------------------------------------------------


def test_the_shipped_templates_are_listed() -> None:
    assert set(SHIPPED) <= set(available_templates())


@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_template_loads_in_topological_order(name: str) -> None:
    template = load_template(name)
    assert template.name == name
    assert template.title_zh_CN and template.title_en
    assert template.anchor == Stage.DELIVERY
    keys = [spec.key for spec in template.stages]
    position = {key: index for index, key in enumerate(keys)}
    for link in template.links:
        assert position[link.predecessor] < position[link.successor], link
    assert keys == list(order_links(keys, template.links, name))
    assert keys[0] == Stage.CONFIRMATION and keys[-1] == Stage.ACCEPTANCE


@pytest.mark.parametrize("name", ["export-sea", "export-air"])
def test_export_templates_have_every_stage(name: str) -> None:
    assert {spec.key for spec in load_template(name).stages} == set(Stage)


def test_domestic_has_no_booking_or_customs() -> None:
    keys = [spec.key for spec in load_template("domestic").stages]
    assert keys == [
        "confirmation",
        "materials",
        "production",
        "qc",
        "packing",
        "shipping",
        "transit",
        "delivery",
        "acceptance",
    ]


def test_export_by_sea_is_realistic_and_uses_every_link_kind() -> None:
    template = load_template("export-sea")
    total = sum(spec.duration_days + spec.buffer_days for spec in template.stages)
    assert 35 <= total <= 45
    kinds = {link.kind for link in template.links}
    assert {LinkKind.START_TO_START, LinkKind.FINISH_TO_FINISH} <= kinds
    air = load_template("export-air")
    assert air.stage("transit").duration_days < template.stage("transit").duration_days


def test_every_shipped_file_documents_its_format_in_both_languages() -> None:
    folder = resources.files("followup_tui").joinpath("data", "templates")
    for name in SHIPPED:
        head = folder.joinpath(f"{name}.toml").read_text(encoding="utf-8").splitlines()[:25]
        comments = "\n".join(line for line in head if line.startswith("#"))
        assert "depends_on" in comments and "缓冲" in comments and "buffer" in comments


def test_a_template_from_good_data_keeps_links_and_parties() -> None:
    template = template_from_mapping(small(), "small.toml")
    assert template.name == "small"
    assert template.stage("production") == StageSpec("production", 5, 1, Party.PRODUCTION)
    assert template.stage("delivery").buffer_days == 0  # buffer defaults to 0
    assert template.links == (
        Link("confirmation", "production"),
        Link("production", "delivery", LinkKind.START_TO_START, 2),
    )


def test_milestones_listed_out_of_order_come_back_in_topological_order() -> None:
    data = small()
    data["milestone"].reverse()
    template = template_from_mapping(data, "small.toml")
    assert [s.key for s in template.stages] == ["confirmation", "production", "delivery"]


def test_an_unknown_template_name_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(FollowupError) as caught:
        load_template("export-rail")
    assert caught.value.key == "error.template_unknown"
    assert caught.value.field == "template"
    assert caught.value.params["template"] == "export-rail"
    assert "export-sea" in str(caught.value.params["known"])
    with pytest.raises(FollowupError):
        load_template("../calendars/mon-fri")


# -- refusals -----------------------------------------------------------------------------


def broken(path: str, value: object) -> dict[str, Any]:
    """``small()`` with the entry at ``path`` (``milestone.1.party``) set or added."""
    data = copy.deepcopy(small())
    *parents, last = path.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "entry"),
    [
        ("colour", "red", "colour"),
        ("milestone.1.owner", "李娜", "milestone[1].owner"),
        ("milestone.1.party", "government", "milestone[1].party"),
        ("milestone.1.key", "painting", "milestone[1].key"),
        ("milestone.1.days", -3, "milestone[1].days"),
        ("milestone.1.days", 0, "milestone[1].days"),
        ("milestone.1.days", True, "milestone[1].days"),
        ("milestone.1.days", "5", "milestone[1].days"),
        ("milestone.1.buffer", -1, "milestone[1].buffer"),
        ("milestone.1.depends_on", "confirmation", "milestone[1].depends_on"),
        ("milestone.1.depends_on.0", "shipping", "milestone[1].depends_on[0].on"),
        ("milestone.1.depends_on.0", "production", "milestone[1].depends_on[0].on"),
        ("milestone.1.depends_on.0", 7, "milestone[1].depends_on[0]"),
        ("milestone.2.depends_on.0.kind", "sf", "milestone[2].depends_on[0].kind"),
        ("milestone.2.depends_on.0.lag", -1, "milestone[2].depends_on[0].lag"),
        ("milestone.2.depends_on.0.after", 1, "milestone[2].depends_on[0].after"),
        ("milestone.2.key", "production", "milestone[2].key"),
        ("anchor", "acceptance", "anchor"),
        ("title_en", "", "title_en"),
        ("milestone", [], "milestone"),
    ],
)
def test_bad_data_is_refused_naming_the_file_and_the_entry(
    path: str, value: object, entry: str
) -> None:
    error = refusal(broken(path, value))
    assert error.key == "error.template_invalid"
    assert error.params["file"] == "test.toml"
    assert error.params["entry"] == entry
    assert error.field == entry


def test_a_predecessor_named_twice_is_refused() -> None:
    data = broken("milestone.2.depends_on", ["production", "production"])
    assert refusal(data).params["entry"] == "milestone[2].depends_on[1].on"


def test_a_cycle_is_refused_naming_the_milestones_in_it() -> None:
    data = broken("milestone.0.depends_on", ["delivery"])
    error = refusal(data)
    assert error.key == "error.link_cycle"
    assert error.field == "depends_on"
    assert error.params["milestones"] == "confirmation → production → delivery → confirmation"


def test_a_stage_spec_refuses_what_the_loader_refuses() -> None:
    with pytest.raises(FollowupError) as caught:
        StageSpec("painting", 1, 0, Party.INTERNAL)
    assert caught.value.key == "error.stage_unknown"
    with pytest.raises(FollowupError) as caught:
        StageSpec("qc", 0, 0, Party.INTERNAL)
    assert caught.value.key == "error.duration_too_short"
    with pytest.raises(FollowupError) as caught:
        StageSpec("qc", 1, -1, Party.INTERNAL)
    assert caught.value.key == "error.buffer_negative"
    with pytest.raises(FollowupError) as caught:
        Template("t", "t", "t", "qc", (StageSpec("packing", 1, 0, Party.INTERNAL),), ())
    assert caught.value.params["entry"] == "anchor"


# -- order_links --------------------------------------------------------------------------

KEYS = ("a", "b", "c", "d")


def test_order_links_is_stable_for_milestones_already_in_order() -> None:
    links = [Link("a", "c"), Link("b", "d", LinkKind.START_TO_START)]
    assert order_links(KEYS, links, "PO-1") == KEYS
    assert order_links(KEYS, [Link("d", "a")], "PO-1") == ("b", "c", "d", "a")


@pytest.mark.parametrize(
    ("links", "key", "params"),
    [
        ([Link("a", "z")], "error.link_unknown_milestone", {"milestone": "z"}),
        ([Link("b", "b")], "error.link_self", {"milestone": "b"}),
        (
            [Link("a", "b"), Link("a", "b", LinkKind.FINISH_TO_FINISH)],
            "error.link_duplicate",
            {"predecessor": "a", "milestone": "b"},
        ),
        (
            [Link("a", "b"), Link("b", "c"), Link("c", "b"), Link("c", "d")],
            "error.link_cycle",
            {"milestones": "b → c → b"},
        ),
    ],
)
def test_order_links_refuses_bad_links(links: list[Link], key: str, params: dict[str, str]) -> None:
    with pytest.raises(FollowupError) as caught:
        order_links(KEYS, links, "PO-1")
    assert caught.value.key == key
    assert caught.value.field == "depends_on"
    assert caught.value.params["source"] == "PO-1"
    for name, value in params.items():
        assert caught.value.params[name] == value


def test_a_negative_lag_is_refused_when_the_link_is_made() -> None:
    with pytest.raises(FollowupError) as caught:
        Link("a", "b", LinkKind.FINISH_TO_START, -2)
    assert caught.value.key == "error.link_lag_negative"
    assert caught.value.params == {"predecessor": "a", "milestone": "b", "lag": -2}
