"""Keys, palette and read-only rules come from one workflow table per area.

The checks start from what the program really has: every screen class's own key
bindings (as Textual merges them) and the entries the palette provider offers for that
screen, not from a list kept in this file. A key without a palette entry, a palette
entry without a key (unless its row says it has none), a binding no table declares, or a
workflow whose screen does not exist fails here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen

import followup_tui.screens
from followup_tui.app import FollowupApp
from followup_tui.commands.palette import palette_entries
from followup_tui.i18n import load_catalog
from followup_tui.workflows import DESK, all_workflows, key_clashes, offered_on

from .desk_kit import Desk, open_queue, press, screen_text, settle
from .test_palette import open_palette, search


def screen_classes() -> list[type[Screen[Any]]]:
    """Every screen class the desk defines, found by walking the screens package."""
    found: dict[str, type[Screen[Any]]] = {}
    for module in pkgutil.walk_packages(followup_tui.screens.__path__, "followup_tui.screens."):
        loaded = importlib.import_module(module.name)
        for _name, cls in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__ == loaded.__name__:
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return list(found.values())


def own_bindings(cls: type[Any]) -> list[Binding]:
    """The bindings Textual merges for ``cls`` from its class hierarchy (our classes)."""
    merged: list[Binding] = []
    for klass in reversed(cls.__mro__):
        if klass.__module__.startswith("followup_tui") and "BINDINGS" in vars(klass):
            bindings: list[Any] = vars(klass)["BINDINGS"]
            merged.extend(b if isinstance(b, Binding) else Binding(*b) for b in bindings)
    return merged


SCREENS = screen_classes()
#: Screen classes that show keys, by the workflow screen they say they are.
KEYED = [cls for cls in SCREENS if own_bindings(cls)]


def test_every_screen_with_keys_names_its_workflow_table() -> None:
    nameless = [cls.__qualname__ for cls in KEYED if not getattr(cls, "WORKFLOW_SCREEN", "")]
    assert nameless == []
    declared = {screen for row in all_workflows() for screen in row.screens} - {DESK}
    named = {cls.WORKFLOW_SCREEN for cls in KEYED}  # type: ignore[attr-defined]
    assert declared == named, "a table row names a screen no class is, or the other way"


@pytest.mark.parametrize("cls", KEYED, ids=lambda cls: cls.__qualname__)
def test_each_key_is_a_workflow_row_and_has_a_palette_entry(cls: type[Any]) -> None:
    name = cls.WORKFLOW_SCREEN
    rows = {row.id: row for row in offered_on(name)}
    palette_actions = {entry.action for entry in palette_entries(None, name)}
    problems = []
    for binding in own_bindings(cls):
        row = rows.get(binding.id or "")
        if row is None:
            problems.append(f"{binding.key} -> {binding.action}: no workflow row")
        elif (row.key, row.action) != (binding.key, binding.action):
            problems.append(
                f"{binding.id}: bound {binding.key}/{binding.action}, table says "
                f"{row.key}/{row.action}"
            )
        elif binding.action not in palette_actions:
            problems.append(f"{binding.id} ({binding.key}): no palette entry")
    bound = {binding.action for binding in own_bindings(cls)}
    for entry in palette_entries(None, name):
        row = entry.workflow
        if DESK in row.screens:
            continue
        if row.key is not None and entry.action not in bound:
            problems.append(f"{row.id}: a palette entry whose key {row.key} is not bound")
    assert problems == []


def test_the_desk_keys_are_the_desk_rows_and_in_the_palette() -> None:
    bound = {binding.id: binding for binding in own_bindings(FollowupApp)}
    rows = [row for row in offered_on(DESK) if row.key]
    assert set(bound) == {row.id for row in rows}
    offered = {entry.workflow.id for entry in palette_entries(None, DESK)}
    # The palette cannot list the key that opens it: it is what is open.
    assert {row.id for row in rows} - offered == {"desk.palette"}


def test_the_default_keys_never_clash() -> None:
    assert key_clashes({}) == ()


def test_every_key_has_words_in_both_languages() -> None:
    for language in ("en", "zh_CN"):
        catalog = load_catalog(language)
        missing = [
            key
            for row in all_workflows()
            for key in (
                *((f"keys.{row.id}", f"keys.{row.id}_tip") if row.key else ()),
                *((row.title,) if row.title else (f"workflow.screen.{row.screens[0]}",)),
                *((row.help,) if row.help else ()),
            )
            if key not in catalog.messages
        ]
        assert missing == [], language


def test_rows_that_change_data_are_hidden_when_watching(desk: Desk) -> None:
    seen: dict[str, str] = {}

    async def body(pilot: Pilot[Any]) -> None:
        palette = await open_palette(pilot)
        seen["advance"] = " ".join(await search(pilot, palette, "advance"))
        seen["sort"] = " ".join(await search(pilot, palette, "sort by"))

    desk.run(body, read_only=True)
    assert "Orders: advance order" not in seen["advance"]
    assert "Orders: sort by" in seen["sort"]


def test_the_order_detail_edit_key_has_its_palette_entry(desk: Desk) -> None:
    """Before the tables, ``e`` on the order detail had no palette entry."""
    target = open_queue()[0].order_no
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        await press(pilot, "enter")
        await settle(pilot)
        seen["screen"] = type(pilot.app.screen).__name__
        palette = await open_palette(pilot)
        seen["found"] = await search(pilot, palette, "edit order")
        await press(pilot, "enter")
        await settle(pilot)
        seen["form"] = type(pilot.app.screen).__name__
        seen["text"] = screen_text(pilot.app)

    desk.run(body)
    assert seen["screen"] == "OrderDetailScreen"
    assert seen["found"][0] == "Orders: edit order"
    assert seen["form"] == "OrderFormScreen"
    assert target in seen["text"]
