"""What the demo data set is drawn from, and the rules it is drawn with.

The names, products and sentences live in ``data/demo/catalog.toml`` rather than in code
so that a company trying the desk can read (and change) what the demo is made of. This
module turns the file into frozen tables, precomputes what the order generator would
otherwise redo per row (every line a customer can order, as ``LineDraft``), holds the
lifecycle mix (how far along an order of a given age is), and writes the master rows
(customers, products, suppliers) with their pinyin initials, once per name.

A broken catalog is a packaging bug, not something a clerk can fix, so problems raise
``ValueError`` naming the entry.
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Connection, Table, insert, select

from followup_tui.domain.data_files import shipped_file
from followup_tui.domain.orders.rules import (
    CURRENCIES,
    INCOTERMS,
    PAYMENT_TERMS,
    PRICE_PLACES,
    QUANTITY_PLACES,
    UNITS,
    LineDraft,
)
from followup_tui.domain.text import fold, pinyin_initials
from followup_tui.store.models import Customer, Product, Supplier

DOMESTIC_CURRENCY = "CNY"
#: Price multipliers around the list price: the same product is quoted a little
#: differently from order to order (volume, season, negotiation).
PRICE_FACTORS: tuple[Decimal, ...] = tuple(
    Decimal(f) for f in ("0.95", "0.97", "0.98", "1.00", "1.00", "1.02", "1.04")
)


@dataclass(frozen=True)
class CustomerSpec:
    name: str
    country: str
    language: str
    contact: str
    key_account: bool
    buys: tuple[str, ...]
    currency: str
    incoterm: str
    payment_terms: str
    po_prefix: str

    @property
    def domestic(self) -> bool:
        return self.currency == DOMESTIC_CURRENCY


@dataclass(frozen=True)
class ProductSpec:
    category: str
    name: str
    spec: str
    unit: str
    price: Decimal  # CNY list price
    lot: int  # multiplies the unit's usual quantities (screws come by the ten thousand)


@dataclass(frozen=True)
class SupplierSpec:
    name: str
    contact: str


@dataclass(frozen=True)
class Catalog:
    clerks: tuple[str, ...]
    customers: tuple[CustomerSpec, ...]
    products: tuple[ProductSpec, ...]
    suppliers: tuple[SupplierSpec, ...]
    quantities: Mapping[str, tuple[Decimal, ...]]
    rates: Mapping[str, Decimal]
    export_markup: Decimal
    #: (kind, language) -> sentences, kind in packaging / labels
    requirements: Mapping[tuple[str, str], tuple[str, ...]]
    #: (category, language) -> technical parameters
    technical: Mapping[tuple[str, str], tuple[str, ...]]
    #: (language, note kind) -> sentences
    notes: Mapping[tuple[str, str], tuple[str, ...]]

    def quantity_choices(self, product: ProductSpec) -> tuple[Decimal, ...]:
        return tuple(q * product.lot for q in self.quantities[product.unit])

    def price_choices(self, product: ProductSpec, currency: str) -> tuple[Decimal, ...]:
        """The product's prices in ``currency``, rounded so that every quantity the unit
        allows times the price stays exact at the store's 4 money places."""
        places = PRICE_PLACES - max(_places(q) for q in self.quantity_choices(product))
        step = Decimal(1).scaleb(-places)
        base = product.price
        if currency != DOMESTIC_CURRENCY:
            base = base * self.export_markup / self.rates[currency]
        prices = tuple(
            max(step, (base * factor).quantize(step, rounding=ROUND_HALF_UP))
            for factor in PRICE_FACTORS
        )
        return prices


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw) or not raw:
        raise ValueError(f"demo catalog: {where} must be a non-empty list of strings")
    return tuple(raw)


def _customer(raw: Mapping[str, Any], categories: frozenset[str]) -> CustomerSpec:
    name = str(raw["name"])
    currency = str(raw.get("currency", DOMESTIC_CURRENCY))
    spec = CustomerSpec(
        name=name,
        country=str(raw["country"]),
        language=str(raw["language"]),
        contact=str(raw.get("contact", "")),
        key_account=bool(raw.get("key_account", False)),
        buys=_strings(raw["buys"], f"customer {name}: buys"),
        currency=currency,
        incoterm=str(raw.get("incoterm", "FOB")),
        payment_terms=str(raw.get("payment_terms", "T/T")),
        po_prefix=str(raw.get("po_prefix", "")),
    )
    problems = [f"unknown category {c!r}" for c in spec.buys if c not in categories] + [
        f"{label} {value!r} not allowed"
        for label, value, allowed in (
            ("currency", spec.currency, CURRENCIES),
            ("incoterm", spec.incoterm, INCOTERMS),
            ("payment terms", spec.payment_terms, PAYMENT_TERMS),
            ("language", spec.language, ("zh_CN", "en")),
        )
        if value not in allowed
    ]
    if problems:
        raise ValueError(f"demo catalog: customer {name}: {'; '.join(problems)}")
    return spec


def _products(raw: Mapping[str, Any], quantities: Mapping[str, Any]) -> tuple[ProductSpec, ...]:
    found: list[ProductSpec] = []
    for category, entries in raw.items():
        for entry in entries:
            product = ProductSpec(
                category=category,
                name=str(entry["name"]),
                spec=str(entry.get("spec", "")),
                unit=str(entry["unit"]),
                price=Decimal(str(entry["price"])),
                lot=int(entry.get("lot", 1)),
            )
            if product.unit not in UNITS or product.unit not in quantities:
                raise ValueError(f"demo catalog: {product.name}: unit {product.unit!r}")
            if product.price <= 0 or _places(product.price) > PRICE_PLACES:
                raise ValueError(f"demo catalog: {product.name}: price {product.price}")
            found.append(product)
    return tuple(found)


def _quantities(raw: Mapping[str, Any]) -> dict[str, tuple[Decimal, ...]]:
    table: dict[str, tuple[Decimal, ...]] = {}
    for unit, values in raw.items():
        decimals = tuple(Decimal(v) for v in _strings(values, f"quantities.{unit}"))
        if any(q <= 0 or _places(q) > QUANTITY_PLACES for q in decimals):
            raise ValueError(f"demo catalog: quantities.{unit} out of range")
        table[unit] = decimals
    return table


def parse_catalog(data: Mapping[str, Any]) -> Catalog:
    """Build (and check) a catalog from parsed TOML."""
    quantities = _quantities(data["quantities"])
    products = _products(data["products"], quantities)
    categories = frozenset(p.category for p in products)
    customers = tuple(_customer(raw, categories) for raw in data["customers"])
    requirements = {
        (kind, language): _strings(texts, f"requirements.{kind}.{language}")
        for kind in ("packaging", "labels")
        for language, texts in data["requirements"][kind].items()
    }
    technical = {
        (category, language): _strings(texts, f"requirements.technical.{category}")
        for category, by_language in data["requirements"]["technical"].items()
        for language, texts in by_language.items()
    }
    notes = {
        (language, kind): _strings(texts, f"notes.{language}.{kind}")
        for language, by_kind in data["notes"].items()
        for kind, texts in by_kind.items()
    }
    rates = {code: Decimal(str(rate)) for code, rate in data["rates"].items()}
    missing = {c.currency for c in customers} - set(rates) - {DOMESTIC_CURRENCY}
    if missing:
        raise ValueError(f"demo catalog: no rate for {sorted(missing)}")
    return Catalog(
        clerks=_strings(data["clerks"], "clerks"),
        customers=customers,
        products=products,
        suppliers=tuple(
            SupplierSpec(str(raw["name"]), str(raw.get("contact", ""))) for raw in data["suppliers"]
        ),
        quantities=quantities,
        rates=rates,
        export_markup=Decimal(str(data.get("export_markup", "1"))),
        requirements=requirements,
        technical=technical,
        notes=notes,
    )


def load_catalog() -> Catalog:
    """The catalog shipped with the package (``data/demo/catalog.toml``)."""
    return parse_catalog(tomllib.loads(shipped_file("demo", "catalog.toml").text))


# --- the catalog as the order generator sees it ------------------------------------

#: Note kinds and how often each turns up in a desk's communication log.
NOTE_KINDS: tuple[str, ...] = ("call", "email", "visit", "internal")
NOTE_WEIGHTS: tuple[float, ...] = (0.30, 0.35, 0.05, 0.30)


@dataclass(frozen=True, slots=True)
class Pick:
    """One product as one customer orders it, with every line it can appear on
    (quantity x price) built once, so generating a line is one index."""

    product_id: int
    drafts: tuple[LineDraft, ...]
    technical: tuple[str, ...]

    @classmethod
    def build(
        cls, catalog: Catalog, product: ProductSpec, product_id: int, currency: str, language: str
    ) -> Pick:
        drafts = tuple(
            LineDraft(
                product=product.name,
                spec=product.spec,
                quantity=quantity,
                unit=product.unit,
                unit_price=price,
                currency=currency,
            )
            for quantity in catalog.quantity_choices(product)
            for price in catalog.price_choices(product, currency)
        )
        return cls(product_id, drafts, catalog.technical.get((product.category, language), ()))


@dataclass(frozen=True, slots=True)
class Buyer:
    """A customer prepared for the generator: its products, terms, texts and clerk."""

    customer_id: int
    name: str
    key_account: bool
    domestic: bool
    incoterm: str
    payment_terms: str
    po_format: str  # ``.format(n)`` gives the customer's PO number n ("" if it has none)
    picks: tuple[Pick, ...]
    packaging: tuple[str, ...]
    labels: tuple[str, ...]
    notes: tuple[tuple[str, ...], ...]  # aligned with NOTE_KINDS
    weight: float
    owner: str = ""

    @classmethod
    def build(
        cls,
        catalog: Catalog,
        spec: CustomerSpec,
        customer_id: int,
        picks: tuple[Pick, ...],
        *,
        weight: float,
    ) -> Buyer:
        language = spec.language
        notes = [catalog.notes.get((language, kind), ()) for kind in NOTE_KINDS]
        # Internal remarks are written by the clerks, in Chinese, whoever the customer is.
        internal = catalog.notes.get(("zh_CN", "internal"), ())
        notes[-1] = internal if language == "zh_CN" else internal + notes[-1]
        if any(not pool for pool in notes) or len(picks) < 3:
            raise ValueError(f"demo catalog: {spec.name} lacks notes or products")
        return cls(
            customer_id=customer_id,
            name=spec.name,
            key_account=spec.key_account,
            domestic=spec.domestic,
            incoterm=spec.incoterm,
            payment_terms=spec.payment_terms,
            po_format=_po_format(spec.po_prefix),
            picks=picks,
            packaging=catalog.requirements[("packaging", language)],
            labels=catalog.requirements[("labels", language)],
            notes=tuple(notes),
            weight=weight,
        )


def _po_format(prefix: str) -> str:
    """Customers' own PO numbers: their prefix and six digits (SAP-style 4500123456)."""
    if not prefix:
        return ""
    return prefix.replace("{", "{{").replace("}", "}}") + "{:06d}"


def assign_owners(
    buyers: Sequence[Buyer], owners: Sequence[str], lead_share: float = 0.25
) -> tuple[Buyer, ...]:
    """Give each customer a clerk so that ``owners[0]`` (whoever runs the demo) carries
    about ``lead_share`` of the order volume and the others split the rest: real desks
    own accounts, not random orders."""
    total = sum(b.weight for b in buyers)
    rest = (1 - lead_share) / max(1, len(owners) - 1)
    targets = [total * (lead_share if i == 0 else rest) for i in range(len(owners))]
    if len(owners) == 1:
        targets = [total]
    carried = [0.0] * len(owners)
    assigned: dict[int, str] = {}
    for index in sorted(range(len(buyers)), key=lambda i: (-buyers[i].weight, i)):
        chosen = max(range(len(owners)), key=lambda o: (targets[o] - carried[o], -o))
        carried[chosen] += buyers[index].weight
        assigned[index] = owners[chosen]
    return tuple(replace(b, owner=assigned[i]) for i, b in enumerate(buyers))


def table_of(model: type[Any]) -> Table:
    """The Core table behind a model, typed for mypy."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _ensure(
    connection: Connection, model: type[Any], keys: Sequence[str], rows: Sequence[dict[str, Any]]
) -> tuple[dict[tuple[Any, ...], int], int]:
    """Insert the rows whose key is not there yet; return key -> id and how many were new."""
    table = table_of(model)
    columns = [table.c[name] for name in keys]

    def ids() -> dict[tuple[Any, ...], int]:
        found = connection.execute(select(*columns, table.c.id))
        return {tuple(row[:-1]): int(row[-1]) for row in found}

    before = ids()
    new = [row for row in rows if tuple(row[k] for k in keys) not in before]
    if new:
        connection.execute(insert(table), new)
    return (ids() if new else before), len(new)


def prepare_buyers(
    connection: Connection,
    catalog: Catalog,
    rng: random.Random,
    actor: str,
    since: datetime,
) -> tuple[tuple[Buyer, ...], tuple[str, ...], dict[str, int]]:
    """Write the master data (customers, products, suppliers) and prepare each customer
    for the generator. Pinyin initials are computed here, once per name, never per row."""
    customer_ids, new_customers = _ensure(
        connection,
        Customer,
        ("name",),
        [
            {
                "name": c.name,
                "name_initials": pinyin_initials(c.name),
                "name_folded": fold(c.name),
                "country": c.country,
                "language": c.language,
                "key_account": c.key_account,
                "contact": c.contact,
                "created_at": since,
                "version": 1,
            }
            for c in catalog.customers
        ],
    )
    product_ids, new_products = _ensure(
        connection,
        Product,
        ("name", "spec"),
        [
            {
                "name": p.name,
                "spec": p.spec,
                "name_folded": fold(f"{p.name} {p.spec}"),
                "name_initials": pinyin_initials(p.name),
                "version": 1,
            }
            for p in catalog.products
        ],
    )
    _, new_suppliers = _ensure(
        connection,
        Supplier,
        ("name",),
        [
            {
                "name": s.name,
                "name_initials": pinyin_initials(s.name),
                "contact": s.contact,
                "created_at": since,
                "version": 1,
            }
            for s in catalog.suppliers
        ],
    )
    picks: dict[tuple[int, str, str], Pick] = {}
    buyers: list[Buyer] = []
    for spec in catalog.customers:
        offered = [i for i, p in enumerate(catalog.products) if p.category in spec.buys]
        chosen = sorted(rng.sample(offered, min(len(offered), rng.randint(6, 12))))
        for index in chosen:
            key = (index, spec.currency, spec.language)
            if key not in picks:
                product = catalog.products[index]
                product_id = product_ids[(product.name, product.spec)]
                picks[key] = Pick.build(catalog, product, product_id, *key[1:])
        buyers.append(
            Buyer.build(
                catalog,
                spec,
                customer_ids[(spec.name,)],
                tuple(picks[(i, spec.currency, spec.language)] for i in chosen),
                weight=(3.0 if spec.key_account else 1.0) * (0.6 + 0.8 * rng.random()),
            )
        )
    owners = (actor, *(clerk for clerk in catalog.clerks if clerk != actor))
    counts = {"customers": new_customers, "products": new_products, "suppliers": new_suppliers}
    return assign_owners(buyers, owners), owners, counts
