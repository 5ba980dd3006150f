"""Names of the project's own keys in the reader's language.

A service hands out keys (a document kind such as ``bill_of_lading``), never titles:
services never translate. The layers that show them (the CLI, the desk, the audit
bundle's index) name them through here, so a kind reads the same everywhere.
"""

from __future__ import annotations

from followup_tui.i18n import t


def kind_title(kind: str) -> str:
    """The document kind's title in the reader's language, or its key until a catalog
    names it (a company's own kind)."""
    key = f"document_kind.{kind}"
    title = t(key)
    return kind if title == key else title
