"""The text of a document, as passages are checked against, and what its own metadata says of it.

Each page of a PDF ends with a form feed, so page N of the archive is the text
after its (N-1)th form feed and a citation can name its page. A saved web page
loses its navigation, footer and other boilerplate (trafilatura), which no
passage could rest on. Paragraphs of a web page or a DOCX are separated by a
blank line, as pdfminer separates a PDF's blocks, so that a sentence never
runs from one paragraph into the next. Metadata is taken only where the file
states it: a date guessed from a copyright line or a file's age would be
wrong more often than blank.
"""

from __future__ import annotations

import datetime
import io
import logging
import re
from dataclasses import dataclass
from typing import Any, Literal

from generator.kb.ingest import SourceRefused
from generator.text.characters import INVISIBLE, UNPRINTABLE

Kind = Literal["pdf", "html", "docx", "txt"]

SUFFIXES: dict[str, Kind] = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".txt": "txt",
    ".text": "txt",
    ".md": "txt",
    ".markdown": "txt",
}
"""File name endings `source add` reads, and what each is read as."""

ARCHIVED_SUFFIX: dict[Kind, str] = {"pdf": ".pdf", "html": ".html", "docx": ".docx", "txt": ".txt"}
"""The ending the original is stored under: one per kind, whatever the file was called."""

DESCRIPTION: dict[Kind, str] = {"pdf": "PDF", "html": "web page", "docx": "DOCX", "txt": "text file"}

_CONVERT_FIRST = {
    ".doc": "DOCX or PDF",
    ".rtf": "DOCX or PDF",
    ".odt": "DOCX or PDF",
    ".pages": "DOCX or PDF",
    ".epub": "PDF",
    ".mht": "HTML (a complete web page)",
    ".mhtml": "HTML (a complete web page)",
}

_PYTHON_DOCX_DEFAULTS = ("python-docx", datetime.datetime(2013, 12, 23, 23, 15, tzinfo=datetime.UTC))
"""The author and creation time python-docx's blank template carries: no document's own."""


@dataclass(frozen=True)
class Extracted:
    """A document's text and the fields of its sources.yaml entry its own metadata gives."""

    text: str
    title: str | None = None
    author: str | None = None
    date: datetime.date | None = None
    url: str | None = None


def kind_of(name: str) -> Kind:
    """What a file is read as, from the ending of its name; refused when it is none `source add` reads."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    if suffix in _CONVERT_FIRST:
        raise SourceRefused(f"{name}: cannot read a {suffix} file; save it as {_CONVERT_FIRST[suffix]} and add that")
    raise SourceRefused(
        f"{name}: cannot tell what kind of document this is from its name; "
        f"source add reads {', '.join(sorted(SUFFIXES))} files"
    )


def extract(content: bytes, kind: Kind, name: str) -> Extracted:
    """The text of `content` read as `kind`; `name` is how messages call it. Refused when it holds no text."""
    extracted = {"pdf": _pdf, "html": _html, "docx": _docx, "txt": _txt}[kind](content, name)
    if not extracted.text.replace("\f", "").strip():
        raise SourceRefused(f"{name}: {_EMPTY[kind]}")
    return extracted


_EMPTY: dict[Kind, str] = {
    "pdf": "no text could be extracted: its pages look like pictures (a scan). Run it through OCR, "
    "check the text against the pages, and add the result as a .txt file",
    "html": "no article text found, only navigation or nothing at all. Save the page again once it has "
    "loaded completely, or copy its text into a .txt file and add that",
    "docx": "holds no text",
    "txt": "is empty",
}


def clean(value: Any) -> str | None:
    """A metadata value on one line, without the characters no knowledge-base text may hold; None when empty."""
    if not isinstance(value, str):
        return None
    text = " ".join(UNPRINTABLE.sub(" ", INVISIBLE.sub("", value)).split())
    return text or None


def _pdf(content: bytes, name: str) -> Extracted:
    from pdfminer.high_level import extract_text
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        text = extract_text(io.BytesIO(content))
        info = _pdf_info(content)
    except PDFPasswordIncorrect:
        raise SourceRefused(f"{name}: the PDF is protected by a password; add an unprotected copy") from None
    except Exception as error:  # pdfminer's errors share no base class; a damaged file can raise any of them
        raise SourceRefused(f"{name}: cannot be read as a PDF ({type(error).__name__})") from None
    return Extracted(
        # pdfminer ends every page with a form feed, which keeps page N the text after the (N-1)th
        # and marks even a one-page archive as paged, so its citations can name the page too.
        text=text,
        title=clean(info.get("Title")),
        author=clean(info.get("Author")),
        date=_pdf_date(info.get("CreationDate")),
    )


def _pdf_info(content: bytes) -> dict[str, str]:
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    document = PDFDocument(PDFParser(io.BytesIO(content)))
    found: dict[str, str] = {}
    for info in document.info:
        for key, raw in info.items():
            value = resolve1(raw)
            if isinstance(value, bytes):
                found.setdefault(key, decode_text(value))
            elif isinstance(value, str):
                found.setdefault(key, value)
    return found


_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})")


def _pdf_date(value: str | None) -> datetime.date | None:
    """The day of a PDF date ("D:20210722093000+01'00'"); None unless it gives year, month and day."""
    match = _PDF_DATE.match(value or "")
    return _date(*map(int, match.groups())) if match else None


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _html(content: bytes, name: str) -> Extracted:
    from trafilatura import bare_extraction

    # trafilatura logs what it could not find as warnings; the outcome says all a user needs.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    document = bare_extraction(
        content,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        # Only a date the page states as its own; a search of the whole page takes a copyright year for one.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None:
        return Extracted(text="")
    # A Document, or a dict where an older trafilatura is installed.
    found = document if isinstance(document, dict) else document.as_dict()
    lines = [line.strip() for line in (found.get("text") or "").splitlines()]
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", found.get("date") or "")
    url = clean(found.get("url"))
    return Extracted(
        text="\n\n".join(line for line in lines if line) + "\n",
        title=clean(found.get("title")),
        author=clean(found.get("author")),
        date=_date(*map(int, iso.groups())) if iso else None,
        url=url if url and re.fullmatch(r"https?://\S+", url) else None,
    )


def _docx(content: bytes, name: str) -> Extracted:
    from docx import Document
    from docx.table import Table

    try:
        document = Document(io.BytesIO(content))
    except Exception as error:  # python-docx raises zip, XML and package errors alike for a damaged file
        raise SourceRefused(f"{name}: cannot be read as a DOCX ({type(error).__name__})") from None
    blocks: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            blocks.append("\n".join(_row_text(row.cells) for row in block.rows))
        else:
            blocks.append(block.text)
    properties = document.core_properties
    author, created = properties.author, properties.created
    if (author, created) == _PYTHON_DOCX_DEFAULTS:
        author, created = "", None
    return Extracted(
        text="\n\n".join(text.strip() for text in blocks if text.strip()) + "\n",
        title=clean(properties.title),
        author=clean(author),
        date=created.date() if created else None,
    )


def _row_text(cells: Any) -> str:
    # A merged cell is returned once per grid column it spans; its text belongs in the row once.
    texts: list[str] = []
    previous = None
    for cell in cells:
        if cell is not previous and cell._tc is not getattr(previous, "_tc", None):
            texts.append(" ".join(cell.text.split()))
        previous = cell
    return " | ".join(texts)


def _txt(content: bytes, name: str) -> Extracted:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceRefused(
            f"{name}: is not UTF-8 text (byte {error.start + 1}); save it with the UTF-8 encoding and add it again"
        ) from None
    return Extracted(text=text)
