"""The desk's undo and redo: what this clerk did on this desk, newest last.

Every change a clerk makes from a key (cancel, resume, hold, advance, assign, confirm,
edit, note, a milestone move) runs through :func:`call_recorded`, which records the
change-log ids its unit of work wrote as one :class:`DeskAction` on the App's
:class:`DeskHistory`. ``ctrl+z`` takes back the newest one through the change log
(``services.orders.undo``), whatever screen it was made on, and names the orders in its
message; ``ctrl+y`` does it again. The history lives as long as the desk runs: it is
this desk's, not the store's, so another clerk's desk never undoes this one's work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from textual.screen import Screen

from followup_tui.i18n import t
from followup_tui.screens.shared.service_calls import call_service, desk

if TYPE_CHECKING:
    from followup_tui.services.context import StoreContext
    from followup_tui.services.orders.undo import UndoResult

ResultT = TypeVar("ResultT")

#: How many order numbers a message names before it says "and N more".
_NAMED = 5


@dataclass(frozen=True)
class DeskAction:
    """One action of the clerk: what it was (``history.what.<kind>``), the orders it
    touched, and the change-log ids it wrote."""

    kind: str
    orders: tuple[str, ...]
    change_ids: tuple[int, ...]
    #: False for a change the desk cannot take back (a complaint step, a shipment, a
    #: filed document): ctrl+z says so and steps past it on the next press.
    undoable: bool = True

    def describe(self) -> dict[str, str]:
        """The message parameters that name it: ``what`` and ``orders``."""
        return {"what": t(f"history.what.{self.kind}"), "orders": name_orders(self.orders)}


def name_orders(orders: Sequence[str]) -> str:
    """The order numbers, the first few by name and the rest counted."""
    named = ", ".join(orders[:_NAMED])
    if len(orders) <= _NAMED:
        return named
    return t("history.more", orders=named, more=len(orders) - _NAMED)


class DeskHistory:
    """The undo and redo stacks of one desk session.

    ``settled`` are the change-log ids this desk balanced out (an action and the undo
    that took it back, an undo and the redo): no one else's work, so they never make an
    earlier action look "changed since".
    """

    def __init__(self) -> None:
        self._undo: list[DeskAction] = []
        self._redo: list[DeskAction] = []
        self.settled: set[int] = set()
        #: An undo or redo under way; a second press waits for it rather than racing.
        self.busy = False

    @property
    def next_undo(self) -> DeskAction | None:
        return self._undo[-1] if self._undo else None

    @property
    def next_redo(self) -> DeskAction | None:
        return self._redo[-1] if self._redo else None

    def record(self, action: DeskAction) -> None:
        """A new action: it is the next to undo, and what was undone can no longer be
        redone (it would land on top of the new work)."""
        if action.change_ids:
            self._undo.append(action)
            self._redo.clear()

    def record_other(self, change_ids: tuple[int, ...]) -> None:
        """A change ctrl+z cannot take back: it still is the clerk's last change."""
        self.record(DeskAction("other", (), change_ids, undoable=False))

    def step_past(self, action: DeskAction) -> None:
        """Leave a change that cannot be undone behind; the one before is next."""
        if action in self._undo:
            self._undo.remove(action)

    def undone(self, action: DeskAction, result: UndoResult, written: tuple[int, ...]) -> None:
        """``action`` was taken back (``written`` are the undo's rows): redo offers it."""
        if action in self._undo:
            self._undo.remove(action)
        self.settled.update(result.reverted, written)
        if written:
            self._redo.append(DeskAction(action.kind, result.orders, written))

    def redone(self, action: DeskAction, result: UndoResult, written: tuple[int, ...]) -> None:
        """``action`` (an undo's rows) was taken back: the work is on the undo stack again."""
        if action in self._redo:
            self._redo.remove(action)
        if written:
            self._undo.append(DeskAction(action.kind, result.orders, written))


def history(screen: Screen[Any]) -> DeskHistory:
    """The history of the desk the screen belongs to."""
    return desk(screen).history


def call_recorded(
    screen: Screen[Any],
    work: Callable[[StoreContext], ResultT],
    on_done: Callable[[ResultT], None],
    *,
    kind: str,
    orders: Callable[[ResultT], Sequence[str]],
    on_error: Callable[[BaseException, str], None] | None = None,
    group: str = "order-action",
) -> None:
    """``call_service`` for a change the clerk may undo: its change-log ids are kept on
    the desk's history as one action of ``kind`` on ``orders(result)``."""
    app = desk(screen)

    def job(store: StoreContext) -> tuple[ResultT, tuple[int, ...]]:
        recording = store.recording()
        result = work(recording)
        return result, tuple(recording.journal or ())

    def done(outcome: tuple[ResultT, tuple[int, ...]]) -> None:
        result, written = outcome
        app.history.record(DeskAction(kind, tuple(orders(result)), written))
        on_done(result)

    call_service(screen, job, done, on_error=on_error, group=group)


def _refusal_lines(result: UndoResult) -> list[str]:
    from followup_tui.domain.errors import Problem
    from followup_tui.i18n.errors import explain_problem

    return [explain_problem(Problem(key, None, params)) for _no, key, params in result.refused]


def _take_back(screen: Screen[Any], *, redo: bool, refreshed: Callable[[], None]) -> None:
    from followup_tui.services.orders.undo import undo_changes

    app = desk(screen)
    desk_history = app.history
    action = desk_history.next_redo if redo else desk_history.next_undo
    if action is None:
        key = "history.nothing_to_redo" if redo else "history.nothing_to_undo"
        screen.notify(t(key), severity="warning")
        return
    if desk_history.busy:
        return
    if not action.undoable:
        # The clerk's last change is not one ctrl+z can take back: say so rather than
        # undo an older one unannounced; the next press undoes the one before.
        desk_history.step_past(action)
        before = desk_history.next_undo
        message = t("history.cannot_undo")
        if before is not None and before.undoable:
            message = "\n".join([message, t("history.next_undo", **before.describe())])
        screen.notify(message, severity="warning", timeout=8)
        refreshed()
        return
    desk_history.busy = True
    settled = frozenset(desk_history.settled)
    change_ids = action.change_ids

    def job(store: StoreContext) -> tuple[UndoResult, tuple[int, ...]]:
        recording = store.recording()
        result = undo_changes(recording, change_ids, settled=settled)
        return result, tuple(recording.journal or ())

    def done(outcome: tuple[UndoResult, tuple[int, ...]]) -> None:
        result, written = outcome
        desk_history.busy = False
        if redo:
            desk_history.redone(action, result, written)
        else:
            desk_history.undone(action, result, written)
        lines = _refusal_lines(result)
        severity: Literal["information", "warning", "error"]
        if result.orders:
            done_action = DeskAction(action.kind, result.orders, written)
            key = "history.redone" if redo else "history.undone"
            message = t(key, **done_action.describe())
            severity = "warning" if lines else "information"
        else:
            message = t("history.nothing_redone" if redo else "history.nothing_undone")
            severity = "error"
        screen.notify("\n".join([message, *lines]), severity=severity, timeout=8)
        refreshed()

    def failed(_error: BaseException, message: str) -> None:
        desk_history.busy = False
        screen.notify(message, severity="error", timeout=8)

    call_service(screen, job, done, on_error=failed, group="undo")


def undo_last(screen: Screen[Any], refreshed: Callable[[], None]) -> None:
    """Take back the clerk's newest action on this desk, then call ``refreshed``."""
    _take_back(screen, redo=False, refreshed=refreshed)


def redo_last(screen: Screen[Any], refreshed: Callable[[], None]) -> None:
    """Do again what the newest undo took back, then call ``refreshed``."""
    _take_back(screen, redo=True, refreshed=refreshed)
