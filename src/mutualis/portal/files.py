"""A library file, checked by what it holds and not by its name: a PDF that parses, or an
Office document (Word, Excel, PowerPoint, old or new, or OpenDocument) whose container says
so; at most MAX_BYTES. The text inside a PDF is read here for the search."""

import io
import logging
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from pypdf import PdfReader

MAX_BYTES = 20 * 1024 * 1024
# what the index keeps of a long PDF's text: its first pages say what it is about
MAX_TEXT = 200_000
# and the pages it reads to find it: a file of ten thousand empty pages is not read to its end
MAX_PAGES = 500
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, Excel 97-2003, PowerPoint 97-2003
ZIP = b"PK\x03\x04"
# the part of an Office Open XML package that names its kind
OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ODF = {
    b"application/vnd.oasis.opendocument.text",
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.presentation",
}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Upload:
    """A file as it came: its name, for the reader, and its bytes."""

    name: str
    content: bytes


@dataclass(frozen=True)
class Checked:
    content_type: str
    text: str


def check(upload: Upload) -> Checked | str:
    """The file's type and its text, or why it is refused (a message for the `file` field)."""
    content = upload.content
    if not content:
        return _("The file is empty.")
    if len(content) > MAX_BYTES:
        return _("The file weighs more than %(max)s MB, the most the library takes.") % {
            "max": MAX_BYTES // 1024 // 1024
        }
    if content.startswith(b"%PDF-"):
        text = pdf_text(content)
        if text is None:
            return _("This file starts as a PDF but cannot be read as one: it is damaged.")
        return Checked("application/pdf", text)
    if content.startswith(OLE2):
        return Checked("application/vnd.ms-office", "")
    if content.startswith(ZIP):
        office = office_type(content)
        if office:
            return Checked(office, "")
    return _(
        "The library takes PDF and Office documents (Word, Excel, PowerPoint, OpenDocument); "
        "this file is none of them, whatever its name says."
    )


def pdf_text(content: bytes) -> str | None:
    """The text of a PDF's pages, up to MAX_TEXT characters; None when it does not parse."""
    try:
        reader = PdfReader(io.BytesIO(content))
        parts: list[str] = []
        length = 0
        for page in reader.pages[:MAX_PAGES]:
            text = page.extract_text() or ""
            parts.append(text)
            length += len(text)
            if length >= MAX_TEXT:
                break
    except Exception as error:
        # pypdf raises many kinds of errors on a malformed or hostile file (its own, zlib's,
        # struct's, a recursion too deep): to each the answer is the same, the file is refused
        log.info("unreadable PDF: %r", error)
        return None
    # a NUL or other control character from a broken font would be refused as text
    return "".join(c if c.isprintable() or c in "\n\t" else " " for c in "\n".join(parts))[
        :MAX_TEXT
    ]


def office_type(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = package.namelist()
            if "mimetype" in names:
                mimetype = package.read("mimetype").strip()
                return mimetype.decode() if mimetype in ODF else None
            if "[Content_Types].xml" in names:
                for prefix, content_type in OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return content_type
    except (zipfile.BadZipFile, OSError):
        return None
    return None
