"""Milestone templates: which stages an order goes through, how long each takes, and in what order.

A clerk does not draw a plan from nothing: an export by sea always runs confirmation →
materials → production → QC → packing → booking → customs → shipping → transit → delivery →
acceptance, with durations the desk has learned. Those templates are data
(``data/templates/<name>.toml``) so a desk can tune a duration without a code change, and
they are validated as strictly as the calendars: a typo in a stage key or a link that
loops would silently produce a nonsense plan, so every refusal names the file and the
entry to fix.

Dependencies are links between milestones (finish-to-start, start-to-start,
finish-to-finish, each with a lag in business days). :func:`order_links` is the one place
that checks a set of links and sorts milestones topologically; the templates use it, and so
does the scheduler when a clerk adds a link to one order's plan.
"""

from __future__ import annotations

import heapq
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from followup_tui.domain.data_files import shipped_file, shipped_names
from followup_tui.domain.errors import FollowupError


class Stage(StrEnum):
    """The shared stage names; their titles live in the ``stage`` table of the catalogs."""

    CONFIRMATION = "confirmation"
    MATERIALS = "materials"
    PRODUCTION = "production"
    QC = "qc"
    PACKING = "packing"
    BOOKING = "booking"
    SHIPPING = "shipping"
    CUSTOMS = "customs"
    TRANSIT = "transit"
    DELIVERY = "delivery"
    ACCEPTANCE = "acceptance"


class Party(StrEnum):
    """Who is responsible for a stage, the same parties an exception is charged to."""

    PRODUCTION = "production"
    SUPPLIER = "supplier"
    CARRIER = "carrier"
    INTERNAL = "internal"
    CUSTOMER = "customer"


class LinkKind(StrEnum):
    """How a successor waits for its predecessor."""

    FINISH_TO_START = "fs"
    START_TO_START = "ss"
    FINISH_TO_FINISH = "ff"


class MilestoneStatus(StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    DONE = "done"


@dataclass(frozen=True)
class Link:
    """``successor`` waits for ``predecessor`` by ``kind``, ``lag_days`` business days later.

    A negative lag (a lead) is refused: a successor that may start before its predecessor
    finishes is what a start-to-start link says, and saying it twice invites plans that
    contradict themselves.
    """

    predecessor: str
    successor: str
    kind: LinkKind = LinkKind.FINISH_TO_START
    lag_days: int = 0

    def __post_init__(self) -> None:
        if self.lag_days < 0:
            raise FollowupError(
                "error.link_lag_negative",
                field="lag",
                predecessor=self.predecessor,
                milestone=self.successor,
                lag=self.lag_days,
            )


def is_value_of(kind: type[StrEnum], text: str) -> bool:
    """Whether ``text`` spells one of ``kind``'s values (data files carry the values)."""
    return any(member.value == text for member in kind)


def check_duration(key: str, duration_days: int, buffer_days: int) -> None:
    """Refuse a milestone that takes no time or reserves negative slack.

    A zero-day milestone would have its end before its start, and a negative buffer would
    let the plan promise less than the work takes.
    """
    if duration_days < 1:
        raise FollowupError(
            "error.duration_too_short", field="duration_days", milestone=key, value=duration_days
        )
    if buffer_days < 0:
        raise FollowupError(
            "error.buffer_negative", field="buffer_days", milestone=key, value=buffer_days
        )


@dataclass(frozen=True)
class StageSpec:
    """One stage of a template: how many working days it takes and the slack kept after it."""

    key: str
    duration_days: int
    buffer_days: int
    party: Party

    def __post_init__(self) -> None:
        if not is_value_of(Stage, self.key):
            raise FollowupError(
                "error.stage_unknown",
                field="key",
                value=self.key,
                known=", ".join(s.value for s in Stage),
            )
        check_duration(self.key, self.duration_days, self.buffer_days)


@dataclass(frozen=True)
class Template:
    """A named plan shape: stages in topological order, the links between them, the anchor.

    The anchor is the stage whose end is the date promised to the customer (delivery);
    stages after it, such as acceptance, are scheduled forward from it.
    """

    name: str
    title_zh_CN: str
    title_en: str
    anchor: str
    stages: tuple[StageSpec, ...]
    links: tuple[Link, ...]

    def __post_init__(self) -> None:
        keys = [spec.key for spec in self.stages]
        if self.anchor not in keys:
            raise invalid(f"{self.name}.toml", "anchor", self.anchor)

    def stage(self, key: str) -> StageSpec:
        """The stage called ``key``; an unknown key is refused naming the milestone."""
        for spec in self.stages:
            if spec.key == key:
                return spec
        raise FollowupError("error.milestone_unknown", field="milestone", milestone=key)


def invalid(source: str, entry: str, value: object) -> FollowupError:
    """The refusal for bad template data, naming the file and the entry to fix."""
    return FollowupError(
        "error.template_invalid", field=entry, file=source, entry=entry, value=str(value)
    )


# -- links --------------------------------------------------------------------------------


def order_links(keys: Sequence[str], links: Sequence[Link], source: str) -> tuple[str, ...]:
    """Check ``links`` against ``keys`` and return the keys in topological order.

    The order is stable: among milestones that could go next, the one listed first in
    ``keys`` does, so a list that is already in order comes back unchanged and the Gantt
    rows do not jump around when a link is added. ``source`` (a template file, an order
    number) goes into every refusal's parameters for logs and the CLI.
    """
    position = {key: index for index, key in enumerate(keys)}
    if len(position) != len(keys):
        raise ValueError(f"{source}: milestone keys repeat: {list(keys)}")
    seen: set[tuple[str, str]] = set()
    successors: dict[str, list[str]] = {key: [] for key in keys}
    predecessors: dict[str, list[str]] = {key: [] for key in keys}
    for link in links:
        for key in (link.predecessor, link.successor):
            if key not in position:
                raise FollowupError(
                    "error.link_unknown_milestone",
                    field="depends_on",
                    source=source,
                    milestone=key,
                )
        if link.predecessor == link.successor:
            raise FollowupError(
                "error.link_self", field="depends_on", source=source, milestone=link.successor
            )
        pair = (link.predecessor, link.successor)
        if pair in seen:
            raise FollowupError(
                "error.link_duplicate",
                field="depends_on",
                source=source,
                predecessor=link.predecessor,
                milestone=link.successor,
            )
        seen.add(pair)
        successors[link.predecessor].append(link.successor)
        predecessors[link.successor].append(link.predecessor)

    waiting = {key: len(predecessors[key]) for key in keys}
    ready = [position[key] for key in keys if waiting[key] == 0]
    heapq.heapify(ready)
    ordered: list[str] = []
    while ready:
        key = keys[heapq.heappop(ready)]
        ordered.append(key)
        for successor in successors[key]:
            waiting[successor] -= 1
            if waiting[successor] == 0:
                heapq.heappush(ready, position[successor])
    if len(ordered) < len(keys):
        cycle = _find_cycle([k for k in keys if waiting[k] > 0], predecessors, position)
        raise FollowupError(
            "error.link_cycle", field="depends_on", source=source, milestones=" → ".join(cycle)
        )
    return tuple(ordered)


def _find_cycle(
    stuck: list[str], predecessors: Mapping[str, list[str]], position: Mapping[str, int]
) -> list[str]:
    """One cycle among milestones that never became ready, in dependency order.

    Every stuck milestone waits on at least one other stuck milestone, so walking back
    along stuck predecessors must revisit one; the walk from that first revisit is a cycle.
    It is told from the milestone listed first, the way the clerk reads the plan.
    """
    remaining = set(stuck)
    walk = [stuck[0]]
    visited = {stuck[0]: 0}
    while True:
        waits_on = min(
            (p for p in predecessors[walk[-1]] if p in remaining), key=position.__getitem__
        )
        if waits_on in visited:
            loop = walk[visited[waits_on] :]
            loop.reverse()
            first = loop.index(min(loop, key=position.__getitem__))  # read from the earliest
            loop = loop[first:] + loop[:first]
            return [*loop, loop[0]]
        visited[waits_on] = len(walk)
        walk.append(waits_on)


# -- loading ------------------------------------------------------------------------------

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
_TOP_KEYS = frozenset({"title_zh_CN", "title_en", "anchor", "milestone"})
_MILESTONE_KEYS = frozenset({"key", "days", "buffer", "party", "depends_on"})
_LINK_KEYS = frozenset({"on", "kind", "lag"})


def available_templates() -> tuple[str, ...]:
    """The names of the templates shipped in ``data/templates``, sorted."""
    return shipped_names("templates")


def load_template(name: str) -> Template:
    """The template ``data/templates/<name>.toml``; refuses unknown names and bad data."""
    known = available_templates()
    if not _NAME.fullmatch(name) or name not in known:
        raise FollowupError(
            "error.template_unknown", field="template", template=name, known=", ".join(known)
        )
    found = shipped_file("templates", f"{name}.toml")
    source = found.source
    try:
        data = tomllib.loads(found.text)
    except tomllib.TOMLDecodeError as exc:
        raise invalid(source, "toml", exc) from None
    return template_from_mapping(data, source)


def template_from_mapping(data: Mapping[str, object], source: str) -> Template:
    """Build a template from parsed TOML, naming ``source`` and the entry in every refusal.

    The milestones may be listed in any order; the template keeps them in topological
    order. The template's name is the file name without ``.toml``.
    """
    _refuse_unknown_keys(data, _TOP_KEYS, source, "")
    titles = {entry: data.get(entry) for entry in ("title_zh_CN", "title_en")}
    for entry, title in titles.items():
        if not isinstance(title, str) or not title.strip():
            raise invalid(source, entry, title)
    raw_milestones = data.get("milestone")
    if not isinstance(raw_milestones, list) or not raw_milestones:
        raise invalid(source, "milestone", raw_milestones)

    stages: list[StageSpec] = []
    raw_links: list[tuple[str, str, Mapping[str, object]]] = []
    for index, item in enumerate(raw_milestones):
        entry = f"milestone[{index}]"
        if not isinstance(item, dict):
            raise invalid(source, entry, item)
        spec = _stage_spec(item, source, entry)
        if any(existing.key == spec.key for existing in stages):
            raise invalid(source, f"{entry}.key", spec.key)
        stages.append(spec)
        depends_on = item.get("depends_on", [])
        if not isinstance(depends_on, list):
            raise invalid(source, f"{entry}.depends_on", depends_on)
        for link_index, raw in enumerate(depends_on):
            link_entry = f"{entry}.depends_on[{link_index}]"
            raw_links.append((spec.key, link_entry, _link_fields(raw, source, link_entry)))

    keys = [spec.key for spec in stages]
    links: list[Link] = []
    for successor, entry, fields in raw_links:
        link = _link(successor, fields, keys, source, entry)
        if (link.predecessor, successor) in {(x.predecessor, x.successor) for x in links}:
            raise invalid(source, f"{entry}.on", link.predecessor)
        links.append(link)

    anchor = data.get("anchor")
    if not isinstance(anchor, str) or anchor not in keys:
        raise invalid(source, "anchor", anchor)
    by_key = {spec.key: spec for spec in stages}
    ordered = order_links(keys, links, source)
    return Template(
        name=source.removesuffix(".toml"),
        title_zh_CN=str(titles["title_zh_CN"]),
        title_en=str(titles["title_en"]),
        anchor=anchor,
        stages=tuple(by_key[key] for key in ordered),
        links=tuple(links),
    )


def _refuse_unknown_keys(
    table: Mapping[str, object], allowed: frozenset[str], source: str, entry: str
) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        name = f"{entry}.{unknown[0]}" if entry else unknown[0]
        raise invalid(source, name, table[unknown[0]])


def _whole_number(value: object, minimum: int, source: str, entry: str) -> int:
    """An integer of at least ``minimum``; TOML booleans are not numbers here."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise invalid(source, entry, value)
    return value


def _stage_spec(item: Mapping[str, object], source: str, entry: str) -> StageSpec:
    _refuse_unknown_keys(item, _MILESTONE_KEYS, source, entry)
    key = item.get("key")
    if not isinstance(key, str) or not is_value_of(Stage, key):
        raise invalid(source, f"{entry}.key", key)
    party = item.get("party")
    if not isinstance(party, str) or not is_value_of(Party, party):
        raise invalid(source, f"{entry}.party", party)
    return StageSpec(
        key=key,
        duration_days=_whole_number(item.get("days"), 1, source, f"{entry}.days"),
        buffer_days=_whole_number(item.get("buffer", 0), 0, source, f"{entry}.buffer"),
        party=Party(party),
    )


def _link_fields(raw: object, source: str, entry: str) -> Mapping[str, object]:
    """A ``depends_on`` item as a table: a bare key is shorthand for finish-to-start, lag 0."""
    if isinstance(raw, str):
        return {"on": raw}
    if isinstance(raw, dict):
        _refuse_unknown_keys(raw, _LINK_KEYS, source, entry)
        return raw
    raise invalid(source, entry, raw)


def _link(
    successor: str, fields: Mapping[str, object], keys: Sequence[str], source: str, entry: str
) -> Link:
    predecessor = fields.get("on")
    if not isinstance(predecessor, str) or predecessor not in keys or predecessor == successor:
        raise invalid(source, f"{entry}.on", predecessor)
    kind = fields.get("kind", LinkKind.FINISH_TO_START.value)
    if not isinstance(kind, str) or not is_value_of(LinkKind, kind):
        raise invalid(source, f"{entry}.kind", kind)
    lag = _whole_number(fields.get("lag", 0), 0, source, f"{entry}.lag")
    return Link(predecessor, successor, LinkKind(kind), lag)
