"""Every workflow of the desk, declared once: its key, its action, where it is offered.

Each area of the desk (orders, timeline, complaints, archive, and the desk itself)
declares its workflows as one table of :class:`Workflow` rows. From those rows come the
screens' key bindings, the command palette's entries, the read-only rule (a watching desk
hides and refuses every workflow that changes data) and the check of the ``[keymap]``
table in the config. Adding a workflow is one row here, one service function, its
catalog keys and its tests; nothing else has to remember it.

This package is plain data with no Textual import, so the config reader can check a
keymap without paying for the UI, and the layer below the screens stays free of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache

#: The screen name of the rows the App itself binds (palette, keys, quit); they are
#: offered in the palette on every screen.
DESK = "desk"


@dataclass(frozen=True)
class Workflow:
    """One thing a clerk can do, as the key binding, the palette and the keymap see it.

    ``id`` is the binding id and the ``[keymap]`` id (``orders.advance``); the footer
    shows ``keys.<id>`` and the tooltip ``keys.<id>_tip`` from the catalogs. ``key`` is
    the default key (Textual key names, comma separated for several), or None for a
    palette-only workflow (one whose key belongs to a widget, such as ``enter`` on a
    table row, or that the palette offers per value). ``action`` is the screen action it
    runs (``advance``, ``shift(1)``), or an ``app.`` action for the desk-wide rows.
    ``title`` is the catalog key of the palette title; empty means "the screen's name:
    the key's tooltip". ``variants`` marks a row whose palette entries are one per value
    the screen lists (sort by each column, show each status), made by the screen's
    ``palette_variants`` from this row.
    """

    id: str
    key: str | None
    action: str
    screens: tuple[str, ...]
    title: str = ""
    help: str = ""
    changes_data: bool = False
    footer: bool = True
    priority: bool = False
    palette: bool = True
    variants: bool = False
    #: Offered only on a desk that can write, though it changes nothing itself: marking
    #: rows is for the bulk changes, which a watching desk refuses.
    writers_only: bool = False
    #: Screens whose footer leaves this row out although it shows elsewhere (a row
    #: shared by several screens, on one whose footer is full); still bound, in ``?``
    #: and in the palette.
    footer_off: tuple[str, ...] = ()

    @property
    def action_name(self) -> str:
        """The action's name without arguments or namespace: ``shift(1)`` -> ``shift``."""
        return self.action.split("(", 1)[0].removeprefix("app.")

    def keys_with(self, keymap: Mapping[str, str]) -> tuple[str, ...]:
        """The keys this workflow answers to once the clerk's keymap is applied."""
        chosen = keymap.get(self.id, self.key)
        if not chosen:
            return ()
        return tuple(key.strip() for key in chosen.split(",") if key.strip())


@dataclass(frozen=True)
class PaletteEntry:
    """One palette command: ``action`` is an action string on the screen, with args."""

    workflow: Workflow
    action: str
    #: Placeholders filled with a translated catalog key: (("column", "queue.col.owner"),)
    title_keys: tuple[tuple[str, str], ...] = ()
    #: Placeholders filled with a literal value, e.g. a saved view's name.
    title_values: tuple[tuple[str, str], ...] = ()

    def title(self) -> str:
        """The title in the clerk's language."""
        from followup_tui.i18n import t

        return self.title_in(t)

    def title_in(self, translate: Callable[..., str]) -> str:
        """The title in the language ``translate`` speaks.

        A row without a title of its own reads "<screen>: <what its key does>", from the
        screen's name and the key's tooltip, so every key has a palette entry without a
        second sentence to keep in step.
        """
        row = self.workflow
        if not row.title:
            return translate(
                "cmd.composed",
                screen=translate(f"workflow.screen.{row.screens[0]}"),
                what=translate(f"keys.{row.id}_tip"),
            )
        params = {name: translate(key) for name, key in self.title_keys}
        params.update(self.title_values)
        return translate(row.title, **params)

    def help_text(self) -> str | None:
        from followup_tui.i18n import t

        return t(self.workflow.help) if self.workflow.help else None

    def action_name(self) -> str:
        return self.action.split("(", 1)[0]


@cache
def all_workflows() -> tuple[Workflow, ...]:
    """Every area's table, in the order the palette lists them.

    Made once: screens ask about their rows on every key and footer refresh, and the
    tables are constants.
    """
    from followup_tui.workflows import archive, complaints, desk, orders, timeline

    return (
        *orders.WORKFLOWS,
        *timeline.WORKFLOWS,
        *complaints.WORKFLOWS,
        *archive.WORKFLOWS,
        *desk.WORKFLOWS,
    )


def offered_on(screen: str, workflows: Iterable[Workflow] | None = None) -> tuple[Workflow, ...]:
    """The workflows offered on ``screen``, in table order."""
    rows = all_workflows() if workflows is None else workflows
    return tuple(row for row in rows if screen in row.screens)


def refused_rows(screen: str) -> tuple[Workflow, ...]:
    """The rows of ``screen`` a watching desk refuses: those that change data and those
    that only serve them."""
    return tuple(row for row in offered_on(screen) if row.changes_data or row.writers_only)


def refused_when_read_only(screen: str, action: str) -> bool:
    """Whether a watching desk refuses ``action`` on ``screen``."""
    return action.split("(", 1)[0] in _refused_actions(screen)


@cache
def _refused_actions(screen: str) -> frozenset[str]:
    """The action names a watching desk refuses on ``screen``, looked up per key."""
    return frozenset(row.action_name for row in refused_rows(screen))


def workflow_ids() -> tuple[str, ...]:
    """Every id a ``[keymap]`` entry may name, sorted."""
    return tuple(sorted({row.id for row in all_workflows()}))


@dataclass(frozen=True)
class KeyClash:
    """Two workflows of one screen answering to one key."""

    screen: str
    key: str
    first: str
    second: str


def key_clashes(keymap: Mapping[str, str]) -> tuple[KeyClash, ...]:
    """Every key two workflows of one screen would share once ``keymap`` is applied.

    The desk-wide keys (palette, keys, quit) count on every screen, since the App's
    bindings answer wherever the clerk is.
    """
    rows = all_workflows()
    desk_rows = offered_on(DESK, rows)
    screens = sorted({screen for row in rows for screen in row.screens} - {DESK})
    clashes: list[KeyClash] = []
    for screen in screens:
        owner: dict[str, str] = {}
        for row in (*offered_on(screen, rows), *desk_rows):
            for key in row.keys_with(keymap):
                if key in owner and owner[key] != row.id:
                    clashes.append(KeyClash(screen, key, owner[key], row.id))
                else:
                    owner[key] = row.id
    return tuple(clashes)
