"""Key descriptions in the clerk's language.

Bindings are class data, built before a language is chosen, so they are written in
English and translated per instance here: every binding with an ``id`` gets its footer
description from ``keys.<id>`` and its tooltip from ``keys.<id>_tip``. Ids stay as they
are, so a ``[keymap]`` in the config still finds them.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.dom import DOMNode

from followup_tui.i18n import t


def _translated(binding: Binding) -> Binding:
    if not binding.id:
        return binding
    description = t(f"keys.{binding.id}")
    if description.startswith("keys."):
        return binding
    tooltip = t(f"keys.{binding.id}_tip")
    return replace(
        binding,
        description=description,
        tooltip=binding.tooltip if tooltip.startswith("keys.") else tooltip,
    )


def translate_bindings(node: DOMNode) -> None:
    """Replace the descriptions of ``node``'s own bindings (a copy per instance)."""
    # ``_bindings`` is the node's private copy of its merged bindings; Textual offers no
    # public setter for descriptions, and replacing the Binding objects keeps ids intact.
    bindings_map = node._bindings
    for key, bindings in list(bindings_map.key_to_bindings.items()):
        bindings_map.key_to_bindings[key] = [_translated(binding) for binding in bindings]
