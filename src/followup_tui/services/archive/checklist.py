"""An order's document checklist, supervisors' waivers, and the gate before "shipped".

The checklist is derived, never stored: the kinds the order's terms require (the
company's ``document_rules.toml``, see ``domain.doc_rules``) against the documents filed
for it and the waivers recorded on it, read in one transaction. So filing a document or
changing the order's incoterm changes the checklist at once, with nothing to keep in
step.

The gate sits here rather than in ``order_flow`` so that the lifecycle module stays about
statuses: ``order_flow`` asks :class:`ShippingGate` before any move that takes an order
through "shipped", inside the same unit of work, and the move is refused (nothing
changed) while a required kind is neither filed nor waived.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup_tui.domain.archive.doc_rules import (
    DOCUMENT_KINDS,
    DOCUMENT_RULES_FILE,
    DocumentRules,
    crosses_shipping,
    load_document_rules,
    required_kinds,
)
from followup_tui.domain.data_files import company_copy
from followup_tui.domain.errors import FollowupError
from followup_tui.domain.text import require_text
from followup_tui.services.orders.entry import load_order
from followup_tui.store.archive_models import Document, DocumentWaiver
from followup_tui.store.models import Order
from followup_tui.store.unit_of_work import StoreContext

REASON_LIMIT = 500


@dataclass(frozen=True)
class WaiverView:
    """A supervisor's decision to ship without some kinds, and why."""

    id: int
    kinds: tuple[str, ...]
    reason: str
    waived_by: str
    waived_at: datetime


@dataclass(frozen=True)
class Checklist:
    """What the order needs, has, and lacks.

    ``present`` maps each kind filed for the order (required or not) to its document
    ids, oldest first. ``missing`` is the required kinds neither filed nor waived: what
    blocks shipping. ``waived`` maps each waived kind to its latest waiver.
    """

    order_id: int
    order_no: str
    required: tuple[str, ...]
    present: Mapping[str, tuple[int, ...]]
    missing: tuple[str, ...]
    waived: Mapping[str, WaiverView]
    block_shipping: bool

    @property
    def complete(self) -> bool:
        return not self.missing


def company_rules(folder: Path | None) -> DocumentRules:
    """The company's rules when ``folder`` (the company folder) holds a copy, else the
    shipped ones; the CLI calls this with its settings' folder."""
    return load_document_rules(company_copy(folder, DOCUMENT_RULES_FILE))


def desk_rules(ctx: StoreContext) -> DocumentRules:
    """The rules of the company folder the desk was opened with (``--config`` included).
    Read per call: the file is small, and an edited file applies at the next move
    without a restart."""
    return company_rules(ctx.company_folder)


def _waiver_view(row: DocumentWaiver) -> WaiverView:
    kinds = tuple(kind for kind in row.kinds.split(",") if kind)
    return WaiverView(row.id, kinds, row.reason, row.waived_by, row.waived_at)


def checklist_in(session: Session, order: Order, rules: DocumentRules) -> Checklist:
    """The checklist of ``order`` as this transaction sees it."""
    required = required_kinds(order.incoterm, order.payment_terms, order.currency, rules)
    present: dict[str, list[int]] = {}
    for kind, document_id in session.execute(
        select(Document.kind, Document.id)
        .where(Document.order_id == order.id)
        .order_by(Document.filed_at, Document.id)
    ):
        present.setdefault(kind, []).append(document_id)
    waived: dict[str, WaiverView] = {}
    for row in session.scalars(
        select(DocumentWaiver)
        .where(DocumentWaiver.order_id == order.id)
        .order_by(DocumentWaiver.waived_at, DocumentWaiver.id)
    ):
        view = _waiver_view(row)
        waived.update(dict.fromkeys(view.kinds, view))  # the latest waiver wins
    missing = tuple(kind for kind in required if kind not in present and kind not in waived)
    return Checklist(
        order_id=order.id,
        order_no=order.order_no,
        required=required,
        present={kind: tuple(ids) for kind, ids in present.items()},
        missing=missing,
        waived=waived,
        block_shipping=rules.block_shipping,
    )


def order_checklist(
    ctx: StoreContext, order_id: int, *, rules: DocumentRules | None = None
) -> Checklist:
    """The order's checklist under ``rules`` (the desk's by default)."""
    chosen = rules if rules is not None else desk_rules(ctx)
    with ctx.read() as session:
        return checklist_in(session, load_order(session, order_id), chosen)


def _kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    """Known kinds, each once, in checklist order; an unknown one is refused by name."""
    given = [kind.strip() for kind in kinds if kind.strip()]
    if not given:
        raise FollowupError("error.required", field="kinds")
    for kind in given:
        if kind not in DOCUMENT_KINDS:
            raise FollowupError(
                "error.waiver_kind_unknown",
                field="kinds",
                value=kind,
                allowed=", ".join(DOCUMENT_KINDS),
            )
    return tuple(kind for kind in DOCUMENT_KINDS if kind in given)


def waive_documents(
    ctx: StoreContext, order_id: int, kinds: Iterable[str], reason: str
) -> WaiverView:
    """Record that the order may ship without ``kinds``, and why.

    A waiver is a supervisor's decision when the desk lists supervisors (the config key
    ``supervisors``); anyone else is refused naming them, so the clerk knows whom to
    ask. A desk that lists none lets anyone waive, as with a major complaint's
    acknowledgement: a small desk has no separate supervisors. The reason is required
    because an auditor will ask it; the row is written to the change log like any edit.
    """
    chosen = _kinds(kinds)
    text = require_text(reason, field="reason", max_length=REASON_LIMIT)
    if ctx.supervisors and ctx.actor not in ctx.supervisors:
        raise FollowupError(
            "error.waiver_needs_supervisor",
            field="reason",
            supervisors=", ".join(sorted(ctx.supervisors)),
        )
    with ctx.write() as session:
        order = load_order(session, order_id)
        row = DocumentWaiver(
            order_id=order.id,
            kinds=",".join(chosen),
            reason=text,
            waived_by=ctx.actor,
            waived_at=ctx.now(),
        )
        session.add(row)
        session.flush()
        return _waiver_view(row)


class ShippingGate:
    """The check ``order_flow`` runs before a move through "shipped".

    The rules are read once per gate and only when a move actually crosses shipping, so
    a bulk advance of a hundred orders reads the file at most once and a move from
    materials to production never reads it.
    """

    def __init__(self, ctx: StoreContext, rules: DocumentRules | None = None) -> None:
        self._ctx = ctx
        self._given = rules

    @cached_property
    def rules(self) -> DocumentRules:
        return self._given if self._given is not None else desk_rules(self._ctx)

    def check(self, session: Session, order: Order, target: str) -> None:
        """Refuse moving ``order`` to ``target`` while required documents are missing.

        Raised before anything changes; the parameters carry the kinds as keys, which
        the message names in the reader's language (``i18n.errors``).
        """
        if not crosses_shipping(order.status, order.held_from, target):
            return
        if not self.rules.block_shipping:
            return
        missing = checklist_in(session, order, self.rules).missing
        if missing:
            raise FollowupError(
                "error.documents_missing",
                field="status",
                order=order.order_no,
                kinds=", ".join(missing),
            )
