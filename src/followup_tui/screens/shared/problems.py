"""A form's problems on screen: each message next to its field, the rest at the top.

Every form of the desk (orders, shipments, exceptions, the complaint steps) checks what
was typed before it saves, and the service refuses with the same kind of answer: a list
of problems, each naming the field it is about, or none. They are shown the same way in
all of them: every message under the field it names, at once, with the typed values
still there to fix; a summary line above the fields counts them and carries the ones
that name no field on this form; the labels of fields that are fixed go blank. Then the
first field with a problem takes the focus, so the clerk starts fixing where the eye
goes first (the order form, which never moved the focus, says it does not).

A form says only what differs: where a field's error label and input are
(:class:`Spot`), the catalog key of its summary line, and how a message reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.dom import DOMNode
from textual.widgets import Label

from followup_tui.domain.errors import FollowupError, Problem
from followup_tui.i18n import t


def dom_id(field: str) -> str:
    """A field name as the forms spell it in widget ids (``lines.0.unit_price`` reads
    ``lines-0-unit-price``): ids may hold neither dots nor, by the house style,
    underscores."""
    return field.replace(".", "-").replace("_", "-")


@dataclass(frozen=True, slots=True)
class Spot:
    """Where one field's problems go: the label under it, and the input to focus."""

    error_id: str
    input_id: str


def field_spot(field: str) -> Spot:
    """The spot of a field laid out the usual way: ``err-<id>`` under ``in-<id>``."""
    name = dom_id(field)
    return Spot(f"err-{name}", f"in-{name}")


def problem_message(problem: Problem) -> str:
    """The message alone: it is shown under its field, so the field is not named again."""
    return t(problem.key, **problem.params)


@dataclass(frozen=True)
class ProblemDisplay:
    """How one form shows its problems.

    ``error_class`` is the class every field's error label carries (all of them are
    updated, so a fixed field's message goes away), ``summary_id`` the label above the
    fields and ``count_key`` its catalog key (with ``count``). ``spot`` places a
    problem's field on this form, None when it has no place here (it then goes to the
    summary). ``hide_empty`` hides an error label with nothing to say; a form laid out
    on a grid keeps them, since a hidden cell would move the others. ``moves_focus``
    says whether the first field with a problem takes the focus.
    """

    error_class: str
    summary_id: str
    count_key: str
    spot: Callable[[str | None], Spot | None]
    message: Callable[[Problem], str] = problem_message
    hide_empty: bool = True
    moves_focus: bool = True

    def show(self, form: DOMNode, problems: Sequence[Problem]) -> None:
        """Each message under its field, the rest in the summary; fixed ones disappear."""
        placed: dict[str, list[str]] = {}
        unplaced: list[str] = []
        for problem in problems:
            spot = self.spot(problem.field)
            if spot is None:
                unplaced.append(self.message(problem))
            else:
                placed.setdefault(spot.error_id, []).append(self.message(problem))
        for label in form.query(f".{self.error_class}").results(Label):
            messages = placed.pop(label.id or "", [])
            label.update(Text("\n".join(messages)))
            if self.hide_empty:
                label.display = bool(messages)
        for lost in placed.values():  # a spot without its label: never drop a message
            unplaced.extend(lost)
        summary = [t(self.count_key, count=len(problems))] if problems else []
        form.query_one(f"#{self.summary_id}", Label).update(Text("\n".join(summary + unplaced)))

    def focus_first(self, form: DOMNode, problems: Sequence[Problem]) -> bool:
        """Focus the input of the first problem that has a place on the form; whether
        the focus moved (never on a form that keeps it where the clerk was)."""
        if not self.moves_focus:
            return False
        for problem in problems:
            spot = self.spot(problem.field)
            if spot is not None:
                form.query_one(f"#{spot.input_id}").focus()
                return True
        return False

    def show_refusal(self, form: DOMNode, error: BaseException, message: str) -> None:
        """A save the service refused: its problems as :meth:`show` and
        :meth:`focus_first` put them, with the typed values still there to fix; any other
        failure as the one-line message the service call gave, in the summary."""
        if isinstance(error, FollowupError):
            self.show(form, error.problems)
            self.focus_first(form, error.problems)
            return
        form.query_one(f"#{self.summary_id}", Label).update(Text(message))
