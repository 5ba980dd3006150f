"""``followup search``: the archive search for scripts and shells, the desk's own results.

It calls ``services.search.search`` and ``count_hits`` with the same arguments the
archive screen passes, so a script and the screen list the same documents in the same
order. Text output marks each match as 【match】 inside the snippet: the brackets survive
a pipe, a cron mail and a terminal without colour, and every piece of document text
goes through ``cell()``, so nothing a filed document contains reaches the terminal as
markup or an escape sequence.

JSON output (``--json``), stable keys, one object::

    query, total, hits: [{rank, id, title, filename, kind, order_no, customer,
    doc_date (YYYY-MM-DD or null), filed_at (ISO), filed_by, sha256,
    snippet: [[text, matched (bool)], ...]}] in rank order
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from followup_tui.cli import EXIT_USAGE
from followup_tui.cli.orders import open_for_read
from followup_tui.cli.output import cell, console, date_text, print_json, table
from followup_tui.desk_settings import DeskSettings, Invocation
from followup_tui.domain.orders.rules import parse_date
from followup_tui.i18n import t

if TYPE_CHECKING:
    from rich.text import Text

    from followup_tui.services.archive.search import SearchHit, Snippet

OPEN_MARK, CLOSE_MARK = "【", "】"


def hit_json(hit: SearchHit) -> dict[str, Any]:
    """The documented JSON shape of one hit (see the module docstring)."""
    view = hit.document
    return {
        "rank": hit.rank,
        "id": view.id,
        "title": view.title,
        "filename": view.filename,
        "kind": view.kind,
        "order_no": view.order_no,
        "customer": view.customer,
        "doc_date": view.doc_date.isoformat() if view.doc_date else None,
        "filed_at": view.filed_at.isoformat(),
        "filed_by": view.filed_by,
        "sha256": view.sha256,
        "snippet": [[piece, matched] for piece, matched in hit.snippet],
    }


def marked(snippet: Snippet) -> Text:
    """The snippet as inert text, each match in 【】 and bold."""
    from rich.text import Text

    out = Text()
    for piece, matched in snippet:
        if matched:
            out.append_text(cell(f"{OPEN_MARK}{piece}{CLOSE_MARK}", style="bold"))
        else:
            out.append_text(cell(" ".join(piece.split()) if "\n" in piece else piece))
    return out


def _kind_title(kind: str) -> str:
    """The kind in the reader's language (``document_kind.*``), or its key."""
    title = t(f"document_kind.{kind}")
    return kind if title.startswith("document_kind.") else title


def _known_kind(settings: DeskSettings, kind: str) -> bool:
    """Whether ``--kind`` names a kind of the desk's table; says which kinds there are
    when not, since a mistyped kind would otherwise read "no document matches"."""
    from followup_tui.cli.archive import desk_kinds
    from followup_tui.cli.output import say

    known = desk_kinds(settings).keys()
    if kind in known:
        return True
    say(t("error.document_kind_unknown", value=kind, allowed=", ".join(known)))
    return False


def _filters(args: Any) -> dict[str, Any]:
    return {
        "kind": args.kind,
        "customer": args.customer,
        "order_no": args.order,
        "date_from": parse_date(args.date_from, field="date_from") if args.date_from else None,
        "date_to": parse_date(args.date_to, field="date_to") if args.date_to else None,
        "filed_by": args.filed_by,
    }


def run_search(run: Invocation) -> int:
    """Print one page of hits and the count; exit 0 also when nothing matched."""
    from followup_tui.services.archive.search import count_hits, search

    args = run.args
    settings = run.settings()
    if args.kind and not _known_kind(settings, args.kind):
        return EXIT_USAGE
    filters = _filters(args)
    ctx = open_for_read(settings)
    try:
        result = search(ctx, args.query, limit=args.limit, offset=args.offset, **filters)
        total = count_hits(ctx, args.query, **filters)
    finally:
        ctx.dispose()
    if run.json:
        print_json(
            {"query": args.query, "total": total, "hits": [hit_json(h) for h in result.hits]}
        )
        return 0
    out = console(wide=True)
    if not result.hits:
        out.print(cell(t("cli.search.none")))
        return 0
    grid = table(
        [
            (t("cli.search.rank"), "right"),
            (t("cli.search.kind"), "left"),
            (t("cli.search.order"), "left"),
            (t("cli.search.customer"), "left"),
            (t("cli.search.date"), "left"),
            (t("cli.search.title"), "left"),
            (t("cli.search.snippet"), "left"),
        ]
    )
    for hit in result.hits:
        view = hit.document
        grid.add_row(
            cell(str(hit.rank)),
            cell(_kind_title(view.kind)),
            cell(view.order_no),
            cell(view.customer),
            cell(date_text(view.doc_date)),
            cell(view.title),
            marked(hit.snippet),
        )
    out.print(grid)
    out.print(cell(t("cli.search.count", shown=len(result.hits), total=total)))
    return 0
