"""Reading the desk's data files and refusing bad ones the same way, whichever file it is.

The contingency library, the SLA policy, the document kinds and the document rules
are TOML a company edits by hand; each refusal names the file and the entry
(``grade[2].target[1].hours``) and shows the bad value safely. Only the catalog keys
differ from file to file, so they are what a :class:`DataFileErrors` carries.

Where the text comes from is decided here too, once for every file: the shipped copy
is package data under ``followup_tui/data/`` (read through ``importlib.resources``, so a
wheel and an editable install behave alike), and a company's own copy is a file of the
same name in its company folder, the folder of the settings file. A missing company copy
is normal; a present but unreadable one is refused, never replaced by the shipped one,
because the desk would then work to rules the company has changed. ``data/README.md`` at
the top of the repository lists the files.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from followup_tui.domain.errors import FollowupError
from followup_tui.domain.text import find_control_character

#: A bad value is shown cut to this many characters.
SHOWN_VALUE_LIMIT = 80

#: The package whose ``data/`` folder holds the shipped files.
SHIPPED_PACKAGE = "followup_tui"
#: The shipped files' folder inside that package.
SHIPPED_FOLDER = "data"


def shown(value: object) -> str:
    """``value`` safe to print: control characters escaped, long values cut."""
    text = str(value)
    if find_control_character(text) is not None:
        text = ascii(text)
    if len(text) > SHOWN_VALUE_LIMIT:
        text = text[: SHOWN_VALUE_LIMIT - 1] + "…"
    return text


@dataclass(frozen=True)
class DataFileErrors:
    """The refusals of one kind of data file: ``invalid_key`` for a bad value,
    ``missing_key`` for an entry that must be there and is not."""

    invalid_key: str
    missing_key: str

    def invalid(self, source: str, entry: str, value: object) -> FollowupError:
        """The refusal for a bad value, naming the file and the entry."""
        return FollowupError(
            self.invalid_key, field=entry, file=source, entry=entry, value=shown(value)
        )

    def parse(self, text: str, source: str) -> dict[str, object]:
        """The file's TOML, or the refusal that names the file and the line at fault."""
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise self.invalid(source, "toml", error) from None

    def reject_unknown(
        self, table: Mapping[str, object], allowed: frozenset[str], source: str, prefix: str
    ) -> None:
        """Refuse a key the format does not have (a typo would otherwise be ignored)."""
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self.invalid(source, f"{prefix}{unknown[0]}", table[unknown[0]])

    def required(self, table: Mapping[str, object], name: str, source: str, entry: str) -> object:
        """``table[name]``, or a refusal naming the missing entry (``scenario[2].title.en``)."""
        if name not in table:
            where = f"{entry}.{name}" if entry else name
            raise FollowupError(self.missing_key, field=where, file=source, entry=where)
        return table[name]

    def table(self, value: object, source: str, entry: str) -> Mapping[str, object]:
        """``value`` as a TOML table, or a refusal naming the entry."""
        if not isinstance(value, dict):
            raise self.invalid(source, entry, value)
        return value


@dataclass(frozen=True)
class DataFile:
    """One data file's text and the name a refusal cites: the company copy's full path
    (so the clerk knows which file to fix), or the shipped file's bare name."""

    text: str
    source: str


def shipped_file(*parts: str) -> DataFile:
    """The shipped file ``data/<parts>`` (``shipped_file("calendars", "mon-fri.toml")``)."""
    text = (
        resources.files(SHIPPED_PACKAGE)
        .joinpath(SHIPPED_FOLDER, *parts)
        .read_text(encoding="utf-8")
    )
    return DataFile(text, parts[-1])


def shipped_names(folder: str) -> tuple[str, ...]:
    """The names (without ``.toml``) of the shipped files in ``data/<folder>``, sorted."""
    found = resources.files(SHIPPED_PACKAGE).joinpath(SHIPPED_FOLDER, folder)
    return tuple(
        sorted(p.name.removesuffix(".toml") for p in found.iterdir() if p.name.endswith(".toml"))
    )


def company_copy(folder: Path | None, name: str) -> Path | None:
    """Where the company's copy of ``name`` goes: ``folder/name``; None without a folder
    (a bare store in a test or a script uses the shipped files only)."""
    return None if folder is None else folder / name


def company_file(path: Path | None, errors: DataFileErrors) -> DataFile | None:
    """The company's copy at ``path``, or None when there is none.

    An undecodable or unreadable file is refused with ``errors``' catalog key, naming
    the file and ``encoding`` or ``file`` as the entry.
    """
    if path is None or not path.exists():
        return None
    source = str(path)
    try:
        return DataFile(path.read_text(encoding="utf-8"), source)
    except UnicodeDecodeError as error:
        raise errors.invalid(source, "encoding", error.reason) from None
    except OSError as error:
        raise errors.invalid(source, "file", error.strerror or error) from None


def company_or_shipped(path: Path | None, name: str, errors: DataFileErrors) -> DataFile:
    """The company's copy at ``path`` when that file exists, else the shipped ``name``."""
    own = company_file(path, errors)
    return own if own is not None else shipped_file(name)
