"""A screen's keys and its read-only rule, made from its area's workflow table.

A screen says which workflow screen it is (``WORKFLOW_SCREEN = QUEUE``) and takes its
``BINDINGS`` from :func:`workflow_bindings`; its ``check_action`` asks
:func:`refused_when_watching` before anything of its own. The palette reads the same
table through the same name, so key, palette entry and read-only rule are one row.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen

from followup_tui.workflows import changes_data, offered_on

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
            show=row.footer,
            priority=row.priority,
        )
        for row in offered_on(screen)
        if row.key
    ]


def refused_when_watching(screen: Screen[Any], action: str) -> bool:
    """Whether ``action`` changes data and the desk only watches: then the footer and
    the palette hide it and the key does nothing (the services refuse it too).

    A dialog shown by another app (a test's) is never watching.
    """
    name: str = getattr(screen, "WORKFLOW_SCREEN", "")
    return changes_data(name, action) and bool(getattr(screen.app, "read_only", False))


class DeskScreen(Screen[ResultT]):
    """A full screen of the desk: its keys come from its workflow table, and a watching
    desk hides and refuses the ones that change data."""

    #: The workflow screen this is (``followup_tui.workflows.orders.QUEUE``).
    WORKFLOW_SCREEN: ClassVar[str] = ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False hides the action from the footer and the palette (None would only dim it).
        return not refused_when_watching(self, action)


class DeskModal(ModalScreen[ResultT]):
    """A dialog or form of the desk, with the same rule for its keys as :class:`DeskScreen`."""

    WORKFLOW_SCREEN: ClassVar[str] = ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not refused_when_watching(self, action)
