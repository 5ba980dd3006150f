"""Every workflow is in the command palette, and a hit runs the action its key runs.

The entries are enumerated from ``ORDER_ENTRIES`` and ``DESK_ENTRIES`` themselves, so a
workflow added to either table is checked here without touching this file.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.command import Command, CommandInput, CommandList, CommandPalette
from textual.pilot import Pilot

from followup_tui.config import Config, SavedView
from followup_tui.domain.orders.lifecycle import OrderStatus
from followup_tui.i18n import load_catalog, t
from followup_tui.widgets.virtual_table import VirtualTable
from followup_tui.workflows import DESK, PaletteEntry
from followup_tui.workflows.orders import QUEUE

from .desk_kit import (
    Desk,
    changing_actions,
    messages,
    open_queue,
    order_nos,
    palette_of,
    press,
    queue,
    screen_text,
    settle,
)

ORDER_ENTRIES = palette_of(QUEUE, "orders.")
DESK_ENTRIES = palette_of(DESK)
MUTATING_ACTIONS = changing_actions(QUEUE)
ALL_ENTRIES: tuple[PaletteEntry, ...] = (*ORDER_ENTRIES, *DESK_ENTRIES)
MUTATING_KEYS = ("n", "e", "y", "a", "h", "r", "x", "g", "m", "ctrl+z", "ctrl+y", "space")


async def open_palette(pilot: Pilot[Any]) -> CommandPalette:
    await press(pilot, "ctrl+p")
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    return palette


async def search(pilot: Pilot[Any], palette: CommandPalette, query: str) -> list[str]:
    """Type ``query`` into the open palette; the hits' plain titles, best first."""
    palette.query_one(CommandInput).value = query
    await settle(pilot)
    hits = palette.query_one(CommandList)
    found = []
    for index in range(hits.option_count):
        option = hits.get_option_at_index(index)
        if isinstance(option, Command):
            found.append(str(option.hit.text))
    return found


async def run_command(pilot: Pilot[Any], title: str) -> None:
    """Open the palette, type ``title`` and choose the hit with exactly that title."""
    palette = await open_palette(pilot)
    found = await search(pilot, palette, title)
    assert title in found, found
    hits = palette.query_one(CommandList)
    hits.highlighted = found.index(title)
    await press(pilot, "enter")
    await settle(pilot)


def test_every_workflow_is_in_the_palette(desk: Desk) -> None:
    titles = [entry.title() for entry in ALL_ENTRIES]
    assert len(set(titles)) == len(titles), "two workflows share a title"
    for title in titles:
        area, _, rest = title.partition(": ")
        assert area and rest, f"{title!r} does not read 'Area: verb object'"

    async def body(pilot: Pilot[Any]) -> None:
        palette = await open_palette(pilot)
        missing = {}
        for entry in ALL_ENTRIES:
            found = await search(pilot, palette, entry.title())
            if entry.title() not in found:
                missing[entry.title()] = found[:3]
        assert missing == {}
        # With nothing typed, the palette lists (discovers) them too.
        listed = await search(pilot, palette, "")
        assert {entry.title() for entry in ORDER_ENTRIES} <= set(listed)

    desk.run(body)


def test_each_entry_names_an_action_of_its_screen(desk: Desk) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        screen = queue(pilot.app)
        for entry in ORDER_ENTRIES:
            assert hasattr(screen, f"action_{entry.action_name()}"), entry
        for entry in DESK_ENTRIES:
            name = entry.action_name().removeprefix("app.")
            assert hasattr(pilot.app, f"action_{name}"), entry

    desk.run(body)


def test_the_palette_advance_runs_the_same_action_as_the_key(desk: Desk) -> None:
    first, second = (spec.order_no for spec in open_queue()[:2])
    before = desk.statuses()

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await run_command(pilot, "Orders: advance order")
        assert app.screen is queue(app)
        assert desk.status(first) == OrderStatus.PACKED  # QC -> packed, as `a` does
        assert "Advanced 1 order." in messages(app)
        await press(pilot, "down", "a")
        assert desk.status(second) == OrderStatus.QC  # production -> QC
        # Undo from the palette takes back the last change, like ctrl+z.
        await run_command(pilot, "Orders: undo my last change")
        assert desk.status(second) == before[second]
        assert desk.status(first) == OrderStatus.PACKED

    desk.run(body)
    after = desk.statuses()
    assert {no for no in before if before[no] != after[no]} == {first}


def test_palette_workflows_that_ask_first(desk: Desk) -> None:
    target = open_queue()[0].order_no

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await run_command(pilot, "Orders: hold order")
        assert desk.status(target) == OrderStatus.ON_HOLD
        await run_command(pilot, "Orders: resume order")
        assert desk.status(target) == OrderStatus.QC
        await run_command(pilot, "Orders: filter")
        assert app.focused is app.screen.query_one("#filter")
        await press(pilot, *"hq", "enter")
        assert isinstance(app.focused, VirtualTable)
        assert all("华强" in row.customer for row in queue(app).table.visible_rows)
        await run_command(pilot, "Orders: sort by Order no.")
        assert order_nos(app) == sorted(order_nos(app))

    desk.run(body)


def test_english_words_find_chinese_titles(desk: Desk) -> None:
    desk.language = "zh_CN"

    async def body(pilot: Pilot[Any]) -> None:
        palette = await open_palette(pilot)
        title = t("cmd.orders.advance")
        assert title != "Orders: advance order"
        assert title in await search(pilot, palette, "advance order")
        assert title in await search(pilot, palette, title)

    desk.run(body)


def test_read_only_desk_hides_and_refuses_mutations(desk: Desk) -> None:
    before = desk.statuses()
    mutating = [entry for entry in ORDER_ENTRIES if entry.action_name() in MUTATING_ACTIONS]
    reading = [entry for entry in ALL_ENTRIES if entry not in mutating]
    # Ten changes, redo, and marking (which only serves the bulk changes).
    assert len(mutating) == 12

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert "READ-ONLY" in screen_text(app).splitlines()[0]
        palette = await open_palette(pilot)
        listed = await search(pilot, palette, "")
        for entry in mutating:
            assert entry.title() not in await search(pilot, palette, entry.title())
            assert entry.title() not in listed
        for entry in reading:
            assert entry.title() in await search(pilot, palette, entry.title())
        await press(pilot, "escape")
        assert app.screen is queue(app)
        for key in MUTATING_KEYS:
            await press(pilot, key)
            assert app.screen is queue(app), f"{key} opened {app.screen!r}"
            # Issue 10, 26: the key says why it does nothing, rather than nothing.
            told = [m for m in messages(app, "warning") if m.startswith("Read-only:")]
            assert len(told) == MUTATING_KEYS.index(key) + 1, (key, list(messages(app)))
        assert queue(app).table.marked_keys == frozenset()  # space marked nothing
        assert not [m for m in messages(app) if "order(s)" in m]

    desk.run(body, read_only=True)
    assert desk.statuses() == before


@pytest.mark.parametrize("name", ["[/]本周", "[@click=app.quit]mine[/]"])
def test_a_saved_view_name_is_shown_as_typed(desk: Desk, name: str) -> None:
    """View names come from the clerk's settings file: never markup in the palette."""
    views = {"open": SavedView("open"), name: SavedView(name, filter="hq")}
    title = f"Orders: open view {name}"

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        palette = await open_palette(pilot)
        assert title in await search(pilot, palette, "")
        assert title in await search(pilot, palette, "open view")
        assert title in screen_text(app)
        await press(pilot, "escape")
        await run_command(pilot, title)
        assert app.is_running
        assert all("华强" in row.customer for row in queue(app).table.visible_rows)

    desk.run(body, config=Config(views=views))


def test_switching_the_language_from_the_palette(desk: Desk) -> None:
    """The desk redraws in Chinese at once, remembers it, and keeps speaking it (also in
    the refusals explained by worker threads)."""
    target = open_queue()[0].order_no

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await run_command(pilot, "Settings: language 中文")
        await settle(pilot)
        text = screen_text(app)
        assert "单号" in text.splitlines()[2] and "质检" in text
        assert "已延误" in text.splitlines()[0]
        await press(pilot, "r")  # resume an order that is not on hold
        assert any("并未暂停" in m and target in m for m in messages(app, "error"))
        await run_command(pilot, load_catalog("zh_CN").format("cmd.desk.language_en", {}))
        await settle(pilot)  # the new queue reads its rows after its first frame
        assert "Order no." in screen_text(app).splitlines()[2]

    desk.run(body)
    assert 'language = "en"' in (desk.folder / "config.toml").read_text(encoding="utf-8")


def test_question_mark_and_the_palette_show_every_key(desk: Desk) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await press(pilot, "question_mark")
        assert app.screen.query("KeyPanel")
        assert "Move the cursor up" in screen_text(app)  # keys the footer leaves out
        await press(pilot, "question_mark")
        assert not app.screen.query("KeyPanel")
        await run_command(pilot, "Help: show keys")
        assert app.screen.query("KeyPanel")

    desk.run(body)
