"""Turn a ``FollowupError`` into the sentence a clerk reads, naming the field.

Status names inside messages are translated too, so a Chinese clerk reads 质检, not qc;
a ``kinds`` parameter (document kinds, comma-separated keys) is named as ``titles``,
because the service that raised the error speaks in keys only.
"""

from __future__ import annotations

from followup_tui.domain.errors import FollowupError, Problem
from followup_tui.i18n import t
from followup_tui.i18n.names import kind_title

_STATUS_PARAMS = ("status", "current", "target")


def field_label(field: str) -> str:
    """``lines.0.quantity`` reads "Line 1 quantity"; plain fields read their label."""
    parts = field.split(".")
    if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
        return t("field.line", number=int(parts[1]) + 1, field=t(f"field.{parts[2]}"))
    label = t(f"field.{field}")
    return field if label == f"field.{field}" else label


def _translated_params(problem: Problem) -> dict[str, object]:
    params = dict(problem.params)
    for name in _STATUS_PARAMS:
        value = params.get(name)
        if isinstance(value, str):
            params[name] = t(f"status.{value}")
    allowed = params.get("allowed")
    if isinstance(allowed, str) and problem.key in ("error.illegal_move", "error.cannot_advance"):
        params["allowed"] = ", ".join(
            t(f"status.{item.strip()}") for item in allowed.split(",") if item.strip()
        )
    if "entity" in params and isinstance(params["entity"], str):
        params["entity"] = t(f"entity.{params['entity']}")
    kinds = params.get("kinds")
    if isinstance(kinds, str) and "titles" not in params:
        params["titles"] = ", ".join(
            kind_title(kind.strip()) for kind in kinds.split(",") if kind.strip()
        )
    return params


def explain_problem(problem: Problem) -> str:
    message = t(problem.key, **_translated_params(problem))
    if problem.field:
        return f"{field_label(problem.field)}: {message}"
    return message


def explain(error: FollowupError) -> str:
    """All problems of the error, one per line, each prefixed by its field."""
    return "\n".join(explain_problem(problem) for problem in error.problems)
