"""The command palette, made from the workflow tables: one provider for every screen.

The provider asks the screen under the palette which workflow screen it is
(``WORKFLOW_SCREEN``), and offers that screen's rows and the desk-wide ones. An entry's
callback runs the very action its key binding runs (``screen.run_action``), so the
palette and the keys cannot drift apart, and entries the screen refuses (a workflow that
changes data, on a read-only desk) are not offered. Titles read "Area: verb object" in
the clerk's language; the English title is matched too, so a Chinese clerk who
remembers "advance" still finds 订单：推进订单.

Nothing here imports a screen: screens name their workflow table, and the palette reads
it through the screen it is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.screen import Screen

from followup_tui.i18n import current_language, load_catalog
from followup_tui.workflows import DESK, PaletteEntry, Workflow, offered_on


@runtime_checkable
class OffersVariants(Protocol):
    """A screen that lists the values of its ``variants`` rows (columns, statuses)."""

    def palette_variants(self, workflow: Workflow) -> Iterable[PaletteEntry]: ...


def palette_entries(screen: Screen[object] | None, name: str) -> tuple[PaletteEntry, ...]:
    """The entries of workflow screen ``name`` and the desk's, in table order.

    ``screen`` supplies the variants (a saved view per name); without it, or for a
    screen that lists none, variant rows offer nothing.
    """
    entries: list[PaletteEntry] = []
    for row in (*offered_on(name), *offered_on(DESK)):
        if not row.palette:
            continue
        if not row.variants:
            entries.append(PaletteEntry(row, row.action))
        elif isinstance(screen, OffersVariants):
            entries.extend(screen.palette_variants(row))
    return tuple(entries)


def literal_highlight(matcher: Matcher, title: str) -> Content:
    """The title with its matched letters highlighted, never read as markup.

    ``Matcher.highlight`` (and a plain string given to a hit) is parsed as markup, and a
    title can carry a saved view's name from the settings file: "[/]本周" would crash
    the palette, "[@click=app.quit]x" would become an action.
    """
    content = Content(title)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class WorkflowCommands(Provider):
    """Every workflow of the screen under the palette, and the desk's own."""

    def _allowed(self, entry: PaletteEntry) -> bool:
        name = entry.action_name()
        if name.startswith("app."):
            return self.app.check_action(name.removeprefix("app."), ()) is not False
        return self.screen.check_action(name, ()) is True

    def _offered(self) -> list[tuple[PaletteEntry, str, str]]:
        screen = self.screen
        name = getattr(screen, "WORKFLOW_SCREEN", "")
        english = load_catalog("en") if current_language() != "en" else None
        offered = []
        for entry in palette_entries(screen, name):
            if not self._allowed(entry):
                continue
            title = entry.title()
            search_text = title
            if english is not None:
                in_english = entry.title_in(lambda key, **kw: english.format(key, kw))
                search_text = f"{title} {in_english}"
            offered.append((entry, title, search_text))
        return offered

    async def discover(self) -> Hits:
        for entry, title, _ in self._offered():
            yield DiscoveryHit(
                Content(title),
                partial(self.screen.run_action, entry.action),
                text=title,
                help=entry.help_text(),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry, title, search_text in self._offered():
            score = max(matcher.match(title), matcher.match(search_text))
            if score > 0:
                yield Hit(
                    score,
                    literal_highlight(matcher, title),
                    partial(self.screen.run_action, entry.action),
                    text=title,
                    help=entry.help_text(),
                )
