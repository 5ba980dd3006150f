"""Reading the text out of a filed document, so the archive can search it.

Plain text, Markdown and CSV are decoded (UTF-8, else GB18030, which is what a Chinese
Windows machine writes); workbooks are read cell by cell with openpyxl in read-only mode;
PDFs give their text layer through pypdf; e-mails their subject, sender, recipients, date
and text parts (attachments are left out: a clerk files those on their own). Anything
else is stored with its metadata only (status ``unsupported``).

A file that cannot be read as what it claims to be (an encrypted PDF, a corrupt workbook)
is refused with a ``FollowupError``, naming the file, so the caller files the other files
and tells the clerk about this one; a scan without a text layer is not an error but a
status (``no_text_layer``), since the paper still belongs in the archive.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree.ElementTree import ParseError

from followup_tui.domain.errors import FollowupError

if TYPE_CHECKING:
    from pypdf import PdfReader

TEXT_EXTENSIONS: frozenset[str] = frozenset({".txt", ".md", ".csv"})
SUPPORTED_EXTENSIONS: frozenset[str] = TEXT_EXTENSIONS | {".xlsx", ".pdf", ".eml"}
#: The most text kept per document: enough for any invoice or contract, and it keeps a
#: 100 MB log file from tripling the size of the search indexes.
TEXT_LIMIT = 2_000_000
_DATE_IN_TEXT = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)"
)


@dataclass(frozen=True)
class Extracted:
    """What a file said: its text, how that went, its own date and title if it has them.

    ``status`` is one of ``indexed`` (text found), ``none`` (a readable file with no
    text), ``no_text_layer`` (a scanned PDF), ``unsupported`` (a format not read).
    """

    text: str
    status: str
    doc_date: date | None = None
    title: str = ""


def date_in_text(text: str) -> date | None:
    """The first real calendar date written in ``text`` (2026-11-20, 2026年11月20日)."""
    for match in _DATE_IN_TEXT.finditer(text[:TEXT_LIMIT]):
        year, month, day = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return None


def _refused(key: str, path: Path, detail: object = "") -> FollowupError:
    return FollowupError(key, field="document_path", path=str(path), detail=str(detail))


def _found(text: str, doc_date: date | None = None, title: str = "") -> Extracted:
    text = text[:TEXT_LIMIT]
    status = "indexed" if text.strip() else "none"
    return Extracted(text, status, doc_date or date_in_text(text), title)


def extract_text(path: Path) -> Extracted:
    """The text of ``path`` by its extension; raises FollowupError for a file to refuse.

    An unreadable file (permissions, a vanished network share) is refused like a corrupt
    one: the clerk sees which file and why, the rest of the batch is filed.
    """
    suffix = path.suffix.lower()
    try:
        if suffix in TEXT_EXTENSIONS:
            return _found(decode_text(path.read_bytes()))
        if suffix == ".xlsx":
            return _workbook(path)
        if suffix == ".pdf":
            return _pdf(path)
        if suffix == ".eml":
            return _email(path)
    except OSError as error:
        raise _refused("error.document_unreadable", path, error.strerror or error) from None
    return Extracted("", "unsupported")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030; bytes neither can read become U+FFFD."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


# -- workbooks ----------------------------------------------------------------------------


def _workbook(path: Path) -> Extracted:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, ParseError) as error:
        raise _refused("error.document_corrupt", path, error) from None
    lines: list[str] = []
    size = 0
    try:
        for sheet in book.worksheets:
            lines.append(str(sheet.title))
            for row in sheet.iter_rows(values_only=True):
                cells = [_cell_text(value) for value in row if value is not None]
                if not cells:
                    continue
                line = "\t".join(cells)
                lines.append(line)
                size += len(line)
                if size > TEXT_LIMIT:
                    break
    except (zipfile.BadZipFile, KeyError, ValueError, ParseError) as error:
        raise _refused("error.document_corrupt", path, error) from None
    finally:
        book.close()
    return _found("\n".join(lines))


def _cell_text(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- PDF ----------------------------------------------------------------------------------


def _pdf(path: Path) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not _opened_without_password(reader):
            raise _refused("error.document_encrypted", path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except DependencyError as error:  # an encryption scheme needing an extra library
        raise _refused("error.document_encrypted", path, error) from None
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        raise _refused("error.document_corrupt", path, error) from None
    text = "\n".join(pages)[:TEXT_LIMIT]
    created, title = _pdf_info(reader)
    if not text.strip():
        return Extracted("", "no_text_layer", created, title)
    return Extracted(text, "indexed", created or date_in_text(text), title)


def _opened_without_password(reader: PdfReader) -> bool:
    """Many invoices are "encrypted" with an owner password only (no printing, say) and
    open for anyone; only a PDF that needs a password to be read is refused."""
    from pypdf import PasswordType

    return reader.decrypt("") != PasswordType.NOT_DECRYPTED


def _pdf_info(reader: PdfReader) -> tuple[date | None, str]:
    """Creation date and title from the document information, when they can be read."""
    from pypdf.errors import PyPdfError

    try:
        info = reader.metadata
        if info is None:
            return None, ""
        created = info.creation_date
        title = info.title or ""
    except (PyPdfError, ValueError, KeyError, TypeError):
        return None, ""
    return (created.date() if created is not None else None), str(title).strip()


# -- e-mail -------------------------------------------------------------------------------


class _HtmlText(HTMLParser):
    """The words of an HTML body, for mails that carry no plain-text part."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def _email(path: Path) -> Extracted:
    with path.open("rb") as source:
        message = BytesParser(policy=policy.default).parse(source)
    try:
        subject = str(message.get("Subject", "") or "")
        header_lines = [
            f"{name}: {message.get(name)}"
            for name in ("Subject", "From", "To", "Cc", "Date")
            if message.get(name)
        ]
        plain, html = _email_bodies(message)
        sent = _email_date(message)
    except (LookupError, ValueError, TypeError) as error:
        raise _refused("error.document_corrupt", path, error) from None
    body = "\n\n".join(plain) if plain else _html_words("\n".join(html))
    return _found("\n".join([*header_lines, "", body]), sent, subject.strip())


def _email_bodies(message: EmailMessage) -> tuple[list[str], list[str]]:
    plain: list[str] = []
    html: list[str] = []
    for part in message.walk():
        if part.is_multipart() or part.is_attachment():
            continue
        kind = part.get_content_type()
        if kind not in ("text/plain", "text/html"):
            continue
        try:
            content = part.get_content()
        except (LookupError, UnicodeDecodeError):  # an unknown charset: decode leniently
            payload = part.get_payload(decode=True)
            content = decode_text(payload) if isinstance(payload, bytes) else ""
        (plain if kind == "text/plain" else html).append(str(content))
    return plain, html


def _email_date(message: EmailMessage) -> date | None:
    header = message.get("Date")
    moment = getattr(header, "datetime", None)
    return moment.date() if isinstance(moment, datetime) else None


def _html_words(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)
