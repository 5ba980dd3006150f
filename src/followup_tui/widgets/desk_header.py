"""The desk's top line: which store, who is working, read-only or not, and the alarms.

It shows user data (the store name and the account's full name), so it draws
``Text`` objects only; nothing typed by a person ever passes through markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual.reactive import reactive
from textual.widget import Widget


class DeskHeader(Widget):
    DEFAULT_CSS = """
    DeskHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    store_name: reactive[str] = reactive("")
    user: reactive[str] = reactive("")
    role: reactive[str] = reactive("")
    read_only_label: reactive[str] = reactive("")
    late: reactive[int] = reactive(0)
    #: None when the desk's calendar cannot say which orders are at risk (an unknown year).
    at_risk: reactive[int | None] = reactive[int | None](0)
    late_label: reactive[str] = reactive("late")
    at_risk_label: reactive[str] = reactive("at risk")
    title: reactive[str] = reactive("followup")

    def render(self) -> RenderResult:
        left = Text(" ")
        left.append(self.title, style="bold")
        left.append(" · ")
        left.append(self.store_name)
        left.append(" · ")
        left.append(self.user)
        if self.role:
            left.append(f" ({self.role})", style="dim")
        if self.read_only_label:
            left.append("  ")
            left.append(f" {self.read_only_label} ", style="bold reverse")
        right = Text()
        right.append(f"‼ {self.late:,} {self.late_label}", style="bold red" if self.late else "")
        right.append(" · ")
        at_risk = "?" if self.at_risk is None else f"{self.at_risk:,}"
        right.append(f"! {at_risk} {self.at_risk_label}", style="yellow" if self.at_risk else "")
        right.append(" ")
        width = self.size.width
        gap = max(1, width - left.cell_len - right.cell_len)
        line = Text.assemble(left, " " * gap, right)
        line.truncate(width, overflow="ellipsis")
        return line
