"""Both catalogs say the same things, and every key the code raises is in both."""

from __future__ import annotations

import ast
import string
import tomllib
from pathlib import Path

import pytest

import followup_tui
from followup_tui.domain.orders.lifecycle import OrderStatus
from followup_tui.i18n import LANGUAGES, format_template, load_catalog

SRC = Path(followup_tui.__file__).parent
LOCALES = SRC / "i18n" / "locales"


def flat(table: dict[str, object], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}.{name}" if prefix else name
        if isinstance(value, dict):
            out.update(flat(value, key))
        else:
            out[key] = str(value)
    return out


def file_keys(language: str) -> dict[str, dict[str, str]]:
    """Area file name -> its flattened messages."""
    return {
        path.name: flat(tomllib.loads(path.read_text(encoding="utf-8")))
        for path in sorted((LOCALES / language).glob("*.toml"))
    }


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def error_keys_in_source() -> dict[str, list[str]]:
    """Every string literal in src that looks like a whole ``error.*`` key."""
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value.startswith("error.")
                and node.value[len("error.") :].isidentifier()
            ):
                where = f"{path.relative_to(SRC)}:{node.lineno}"
                found.setdefault(node.value, []).append(where)
    return found


def test_both_languages_have_the_same_area_files() -> None:
    en = {p.name for p in (LOCALES / "en").glob("*.toml")}
    zh = {p.name for p in (LOCALES / "zh_CN").glob("*.toml")}
    assert en == zh
    assert en  # not an empty folder
    assert set(LANGUAGES) == {"en", "zh_CN"}


def test_every_key_exists_in_both_catalogs_with_the_same_placeholders() -> None:
    en, zh = file_keys("en"), file_keys("zh_CN")
    problems: list[str] = []
    for area in sorted(en.keys() | zh.keys()):
        left, right = en.get(area, {}), zh.get(area, {})
        problems += [
            f"{area}: {key} missing in zh_CN" for key in sorted(left.keys() - right.keys())
        ]
        problems += [f"{area}: {key} missing in en" for key in sorted(right.keys() - left.keys())]
        for key in sorted(left.keys() & right.keys()):
            if placeholders(left[key]) != placeholders(right[key]):
                problems.append(
                    f"{area}: {key} placeholders differ: en {sorted(placeholders(left[key]))} "
                    f"zh_CN {sorted(placeholders(right[key]))}"
                )
            if not right[key].strip() or not left[key].strip():
                problems.append(f"{area}: {key} is empty")
    assert problems == []


def test_catalogs_load_and_agree() -> None:
    en, zh = load_catalog("en"), load_catalog("zh_CN")
    assert en.messages.keys() == zh.messages.keys()
    assert len(en.messages) > 50


def test_every_error_key_used_in_the_source_is_in_both_catalogs() -> None:
    used = error_keys_in_source()
    # the scan itself works: keys raised by the domain and the services are found
    assert {"error.illegal_move", "error.stale_edit", "error.read_only"} <= used.keys()
    for language in LANGUAGES:
        messages = load_catalog(language).messages
        missing = {key: where for key, where in used.items() if key not in messages}
        assert missing == {}, f"{language} lacks keys raised in the source"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_status_has_a_name(language: str) -> None:
    messages = load_catalog(language).messages
    for status in OrderStatus:
        assert messages.get(f"status.{status.value}", "").strip(), status


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_formats_with_its_own_placeholders(language: str) -> None:
    catalog = load_catalog(language)
    for key, template in catalog.messages.items():
        params = {name: "X" for name in placeholders(template)}
        assert format_template(template, params), key
        if ":|" in template:  # a counted word: both of its forms fill in
            assert format_template(template, dict.fromkeys(params, 1)), key


def test_english_counts_say_one_or_many_never_s_in_brackets() -> None:
    """ "Advanced 1 order(s)" reads as a machine's sentence: a counted word takes its
    singular for 1 and its plural otherwise (``{count:|order|orders}``)."""
    catalog = load_catalog("en")
    bracketed = {key: text for key, text in catalog.messages.items() if "(s)" in text}
    assert bracketed == {}
    assert catalog.format("queue.bulk_advance", {"count": 1}) == "Advanced 1 order."
    assert catalog.format("queue.bulk_advance", {"count": 2}) == "Advanced 2 orders."
    # Undo names its orders now (history.undone); none is "Nothing was undone".
    assert catalog.format("queue.bulk_hold", {"count": 0}) == "Put 0 orders on hold."


def test_a_step_that_keeps_the_status_does_not_announce_it() -> None:
    """Escalating a reopened case said "…is now reopened"; a status name is never put
    where a sentence expects a state ("is now materials")."""
    for language in LANGUAGES:
        catalog = load_catalog(language)
        assert "{status}" not in catalog.messages["complaints.escalated_now"]
    english = load_catalog("en").messages
    for key in ("queue.order_now", "complaints.case_now", "cli.order.moved"):
        assert "is now {status}" not in english[key], key
