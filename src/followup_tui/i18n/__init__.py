"""One translation function for every user-facing string.

Catalogs are TOML files under ``locales/<language>/<area>.toml``; a section name becomes
the key prefix (``[queue] title = ...`` is ``queue.title``). Areas live in separate files
so that the order desk, the timeline and the archive each own their strings.

The active language lives in a ``ContextVar`` rather than a module global: the app and the
CLI choose it once at start (``use_language``), and tests can switch it without leaking.
Services never translate; they raise errors that carry a key and parameters, and the
layer that shows them (CLI or desk) calls ``t``.
"""

from __future__ import annotations

import locale
import os
import string
import tomllib
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from importlib import resources

LANGUAGES: tuple[str, ...] = ("zh_CN", "en")
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class Catalog:
    """All messages of one language, flattened to dotted keys."""

    language: str
    messages: Mapping[str, str] = field(default_factory=dict)

    def format(self, key: str, params: Mapping[str, object]) -> str:
        template = self.messages.get(key)
        if template is None:
            # A missing key is a bug the catalog test catches; show the key, never crash.
            return key
        try:
            return format_template(template, params)
        except (KeyError, IndexError, ValueError):
            return template


def format_template(template: str, params: Mapping[str, object]) -> str:
    """``template`` filled from ``params``, as ``str.format`` with counted words (see
    ``_PluralFormatter``); raises what ``str.format`` raises."""
    return _PluralFormatter().vformat(template, (), params)


class _PluralFormatter(string.Formatter):
    """``str.format`` plus one spec for counted words: ``{count:|order|orders}`` is the
    first word when the count is 1 and the second otherwise, so English says "1 order"
    and "2 orders" instead of "order(s)". Chinese has no plural and never uses it."""

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec.startswith("|"):
            one, _, other = format_spec[1:].partition("|")
            return one if value == 1 else other
        return str(super().format_field(value, format_spec))


def _flatten(prefix: str, table: Mapping[str, object], out: dict[str, str]) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}" if prefix else name
        if isinstance(value, Mapping):
            _flatten(key, value, out)
        else:
            out[key] = str(value)


def load_catalog(language: str) -> Catalog:
    """Read every area file of ``language``; later files never silently replace a key."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {LANGUAGES}")
    messages: dict[str, str] = {}
    folder = resources.files("followup_tui.i18n").joinpath("locales", language)
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".toml"):
            continue
        area: dict[str, str] = {}
        _flatten("", tomllib.loads(entry.read_text(encoding="utf-8")), area)
        clash = messages.keys() & area.keys()
        if clash:
            raise ValueError(f"{language}/{entry.name} repeats keys: {sorted(clash)}")
        messages.update(area)
    return Catalog(language, messages)


def language_from_locale(environ: Mapping[str, str] | None = None) -> str:
    """zh_* locales get zh_CN, everything else English."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var, "")
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    system = locale.getlocale()[0] or ""
    return "zh_CN" if system.lower().startswith("zh") else FALLBACK_LANGUAGE


def choose_language(configured: str | None, environ: Mapping[str, str] | None = None) -> str:
    """Config wins; otherwise the locale decides."""
    if configured:
        return configured
    return language_from_locale(environ)


_active: ContextVar[Catalog | None] = ContextVar("followup_tui_catalog", default=None)


def use_language(language: str) -> Catalog:
    """Make ``language`` the one ``t`` speaks in this context (and threads started later
    with a copy of it)."""
    catalog = load_catalog(language)
    _active.set(catalog)
    return catalog


def current_language() -> str:
    catalog = _active.get()
    return catalog.language if catalog else FALLBACK_LANGUAGE


def t(key: str, **params: object) -> str:
    """Translate ``key`` into the active language, filling ``{name}`` placeholders."""
    catalog = _active.get()
    if catalog is None:
        catalog = use_language(FALLBACK_LANGUAGE)
    return catalog.format(key, params)
