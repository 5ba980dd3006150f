"""The audit bundle's index (``index.txt`` and ``index.html``), in the reader's language.

The bundle service (``services.archive.bundle``) gathers everything about the order and
writes the zip; the index is the part a person reads, so its wording is made here, on
the presentation side, and handed to the service by the CLI and the desk
(``audit_bundle(..., index=audit_index)``). One structure of (heading, lines) feeds both
files, so the text and the page never disagree. Values from the store are data: control
characters are escaped in both files, and the page escapes HTML.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len

from followup_tui.domain.text import find_control_character
from followup_tui.i18n import t
from followup_tui.i18n.names import kind_title
from followup_tui.render.change_history import field_title, history_lines, local_time, value_text

if TYPE_CHECKING:
    from followup_tui.services.archive.bundle import BundleContents
    from followup_tui.services.archive.checklist import Checklist


def _shown(value: object) -> str:
    """Text for the index with control characters escaped (an ESC from an imported row
    must not reach the auditor's terminal when they ``cat index.txt``)."""
    text = "" if value is None else str(value)
    if find_control_character(text, multiline=True) is None:
        return text
    return "".join(
        c if find_control_character(c, multiline=True) is None else ascii(c)[1:-1] for c in text
    )


def _checklist_lines(checklist: Checklist) -> list[tuple[str, str]]:
    """(kind title, state) for every required kind, then kinds on file but not required."""
    lines: list[tuple[str, str]] = []
    for kind in checklist.required:
        if kind in checklist.present:
            state = t("checklist.state_present")
        elif kind in checklist.waived:
            waiver = checklist.waived[kind]
            state = t(
                "checklist.state_waived",
                by=waiver.waived_by,
                at=waiver.waived_at.isoformat(timespec="minutes"),
                reason=waiver.reason,
            )
        else:
            state = t("checklist.state_missing")
        lines.append((kind_title(kind), state))
    lines += [
        (kind_title(kind), t("checklist.state_extra"))
        for kind in checklist.present
        if kind not in checklist.required
    ]
    return lines


def _sections(contents: BundleContents) -> list[tuple[str, list[str]]]:
    """The index as (heading, lines): one structure for both the text and the HTML."""
    order = contents.detail.order
    zone = contents.timezone

    def when(moment: datetime | None) -> str:
        return local_time(moment, zone) if moment is not None else "—"

    header = [
        f"{field_title(name)}: {value_text('order', name, getattr(order, name), zone)}"
        for name in (
            "order_no",
            "customer",
            "customer_po",
            "owner",
            "status",
            "incoterm",
            "payment_terms",
            "currency",
            "total_amount",
            "order_date",
            "requested_date",
            "confirmed_date",
            "due_date",
        )
    ]
    header += [
        f"  #{line.line_no} {line.product} {line.spec}"
        f" {value_text('order_line', 'quantity', line.quantity, zone)} {line.unit}"
        for line in contents.detail.lines
    ]
    documents = [
        f"#{d.id} [{kind_title(d.kind)}] {d.title} ({d.filename}, {d.size} B) sha256={d.sha256}"
        f" {when(d.filed_at)} {d.filed_by}"
        f" -> {d.archived_as or t('bundle.missing_file')}"
        for d in contents.documents
    ]
    history = history_lines(contents.history, zone, indent="    ")
    notes = [
        f"{when(n.created_at)} {n.author} [{t(f'note_kind.{n.kind}')}] {n.body}"
        for n in contents.detail.notes
    ]
    milestones = [
        "; ".join(
            f"{field_title(name)}: {value_text('milestone', name, value, zone)}"
            for name, value in row.items()
        )
        for row in contents.milestones
    ]
    complaints: list[str] = []
    for case in contents.complaints:
        row = case.row
        complaints.append(
            f"#{row.id} {value_text('complaint', 'category', row.category, zone)}"
            f" {value_text('complaint', 'grade', row.grade, zone)}"
            f" {value_text('complaint', 'status', row.status, zone)} "
            f"{when(row.received_at)} {case.description}"
        )
        complaints += [
            f"  {t('bundle.clocks')}: {t(f'clock_kind.{clock.kind}')}"
            f" {t('history.bundle_due', at=when(clock.due_at))}"
            f" {t('history.bundle_met', at=when(clock.met_at))}"
            for clock in row.clocks
        ]
    return [
        (t("bundle.order"), header),
        (
            t("bundle.checklist"),
            [f"{kind}: {state}" for kind, state in _checklist_lines(contents.checklist)],
        ),
        (t("bundle.documents"), documents),
        (t("bundle.history"), history),
        (t("bundle.notes"), notes),
        (t("bundle.timeline"), milestones),
        (t("bundle.complaints"), complaints),
    ]


def _index_text(title: str, generated: str, sections: Iterable[tuple[str, list[str]]]) -> str:
    out = [title, generated, ""]
    for heading, lines in sections:
        out += [heading, "-" * cell_len(heading)]
        out += [_shown(line) for line in lines] or [t("bundle.none")]
        out.append("")
    return "\n".join(out)


def _index_html(title: str, generated: str, sections: Iterable[tuple[str, list[str]]]) -> str:
    def esc(text: str) -> str:
        return html.escape(_shown(text))

    out = [
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title></head><body>",
        f"<h1>{esc(title)}</h1>",
        f"<p>{esc(generated)}</p>",
    ]
    for heading, lines in sections:
        out.append(f"<h2>{esc(heading)}</h2>")
        if not lines:
            out.append(f"<p>{esc(t('bundle.none'))}</p>")
            continue
        out.append("<ul>")
        out += [f"<li>{esc(line)}</li>" for line in lines]
        out.append("</ul>")
    out.append("</body></html>\n")
    return "\n".join(out)


def audit_index(contents: BundleContents) -> list[tuple[str, str]]:
    """The bundle's index files, (name in the zip, text), for ``audit_bundle``."""
    order = contents.detail.order
    title = t("bundle.title", order=order.order_no)
    generated = t(
        "bundle.generated",
        at=local_time(contents.made_at, contents.timezone),
        actor=contents.made_by,
    ) + t("history.bundle_zone", zone=contents.timezone)
    sections = _sections(contents)
    return [
        ("index.txt", _index_text(title, generated, sections)),
        ("index.html", _index_html(title, generated, sections)),
    ]
