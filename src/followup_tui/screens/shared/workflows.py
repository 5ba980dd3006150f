"""A screen's keys and its read-only rule, made from its area's workflow table.

A screen says which workflow screen it is (``WORKFLOW_SCREEN = QUEUE``) and takes its
``BINDINGS`` from :func:`workflow_bindings`; its ``check_action`` asks
:func:`refused_when_watching` before anything of its own. The palette reads the same
table through the same name, so key, palette entry and read-only rule are one row.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from textual import events
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen

from followup_tui.workflows import Workflow, offered_on, refused_rows, refused_when_read_only

ResultT = TypeVar("ResultT")


def workflow_bindings(screen: str) -> list[BindingType]:
    """The key bindings of every keyed workflow offered on ``screen``.

    Descriptions and tooltips are the binding id here; ``translate_bindings`` gives each
    instance its words in the clerk's language from ``keys.<id>``.
    """
    return [
        Binding(
            row.key,
            row.action.removeprefix("app."),
            row.id,
            id=row.id,
            show=row.footer and screen not in row.footer_off,
            priority=row.priority,
        )
        for row in offered_on(screen)
        if row.key
    ]


def _watching(screen: Screen[Any]) -> bool:
    """A dialog shown by another app (a test's) is never watching."""
    return bool(getattr(screen.app, "read_only", False))


def refused_when_watching(screen: Screen[Any], action: str) -> bool:
    """Whether ``action`` changes data (or only serves those that do, as marking does)
    and the desk only watches: then the footer and the palette hide it, its key says
    "read-only" (:func:`say_read_only`), and the services refuse it too.
    """
    name: str = getattr(screen, "WORKFLOW_SCREEN", "")
    return _watching(screen) and refused_when_read_only(name, action)


def _refused_row(screen: Screen[Any], key: str) -> Workflow | None:
    """The workflow of ``screen`` a watching desk refuses whose key is ``key``."""
    settings = getattr(screen.app, "settings", None)
    keymap = dict(getattr(getattr(settings, "config", None), "keymap", None) or {})
    for row in refused_rows(getattr(screen, "WORKFLOW_SCREEN", "")):
        if key in row.keys_with(keymap):
            return row
    return None


def say_read_only(screen: Screen[Any], event: events.Key) -> None:
    """On a watching desk, a change key says so instead of doing nothing.

    The refused binding is hidden (``check_action`` answers False, so Textual neither
    shows nor runs it), and a hidden binding lets its key fall through silently; the
    supervisor would press ``a`` and wonder. So the screen looks at the key on its way
    up, before the bindings run: a refused workflow's key is answered with a toast and
    goes no further (a table's own ``space`` included). Keys typed into an input never
    get here: the input takes them first.
    """
    if not _watching(screen):
        return
    row = _refused_row(screen, event.key)
    if row is None:
        return
    from followup_tui.i18n import t

    event.stop()
    event.prevent_default()
    screen.notify(t("watch.read_only", what=t(f"keys.{row.id}")), severity="warning", timeout=4)


class DeskScreen(Screen[ResultT]):
    """A full screen of the desk: its keys come from its workflow table, and a watching
    desk hides and refuses the ones that change data."""

    #: The workflow screen this is (``followup_tui.workflows.orders.QUEUE``).
    WORKFLOW_SCREEN: ClassVar[str] = ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False hides the action from the footer and the palette (None would only dim it).
        return not refused_when_watching(self, action)

    def on_key(self, event: events.Key) -> None:
        say_read_only(self, event)


class DeskModal(ModalScreen[ResultT]):
    """A dialog or form of the desk, with the same rule for its keys as :class:`DeskScreen`."""

    WORKFLOW_SCREEN: ClassVar[str] = ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not refused_when_watching(self, action)

    def on_key(self, event: events.Key) -> None:
        say_read_only(self, event)
