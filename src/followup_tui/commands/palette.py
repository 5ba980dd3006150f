"""A palette provider built from a table of entries, each naming a screen action.

An entry's callback runs the very action its key binding runs (``screen.run_action``),
so the palette and the keys cannot drift apart. Titles read "Area: verb object" in the
clerk's language; the English title is matched too, so a Chinese clerk who remembers
"advance" still finds 订单：推进订单. Entries whose action the screen refuses (a
mutating action on a read-only desk) are not offered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.screen import Screen

from followup_tui.i18n import current_language, load_catalog, t


@dataclass(frozen=True)
class PaletteEntry:
    """One palette command: ``action`` is an action string on the screen, with args."""

    title_key: str
    action: str
    help_key: str = ""
    #: Placeholders filled with a translated catalog key: (("column", "queue.col.owner"),)
    title_keys: tuple[tuple[str, str], ...] = ()
    #: Placeholders filled with a literal value, e.g. a saved view's name.
    title_values: tuple[tuple[str, str], ...] = ()

    def title(self) -> str:
        return self.title_in(t)

    def title_in(self, translate: Callable[..., str]) -> str:
        params = {name: translate(key) for name, key in self.title_keys}
        params.update(self.title_values)
        return translate(self.title_key, **params)

    def action_name(self) -> str:
        return self.action.split("(", 1)[0]


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


class EntryProvider(Provider):
    """Subclasses say which entries apply to the screen under the palette."""

    def entries(self, screen: Screen[object]) -> Iterable[PaletteEntry]:
        raise NotImplementedError

    def _offered(self) -> list[tuple[PaletteEntry, str, str]]:
        screen = self.screen
        english = load_catalog("en") if current_language() != "en" else None
        offered = []
        for entry in self.entries(screen):
            if screen.check_action(entry.action_name(), ()) is not True:
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
                help=t(entry.help_key) if entry.help_key else None,
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
                    help=t(entry.help_key) if entry.help_key else None,
                )
