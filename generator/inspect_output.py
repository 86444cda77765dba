"""Read a finished PDF or DOCX back, as its reader's tools would, before it is published.

The compose guard checks every string handed to the renderers; this checks
what the renderers made of them, including what templates and document
properties add, so a leak introduced after composing is caught too. It
reads a PDF's page text, document information, XMP metadata, bookmarks and
link targets, and every XML part of a DOCX (text, attribute values and so
relationship targets), plus the file's name and its manifest entry.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any
from xml.etree import ElementTree

from .names import NameGuard

WORD_PARAGRAPH = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"


def leak_in(
    content: bytes, output_format: str, guard: NameGuard, file_name: str, manifest_entry: Mapping[str, object]
) -> str | None:
    """Why the finished file may not be published, or None when it names no one it may not name."""
    if not guard:
        return None
    readable = [
        ("the file name", file_name),
        *((f"the manifest's {key}", value) for key, value in manifest_entry.items() if isinstance(value, str)),
        *(_docx_strings(content) if output_format == "docx" else _pdf_strings(content)),
    ]
    for where, text in readable:
        if label := guard.find(text):
            return (
                f"the finished {output_format.upper()} would name a person who may not be named here ({label}) "
                f"in {where}; refusing to publish it"
            )
    return None


def _pdf_strings(content: bytes) -> Iterator[tuple[str, str]]:
    from pypdf import PdfReader  # only when there is someone to look for

    reader = PdfReader(io.BytesIO(content))
    for number, page in enumerate(reader.pages, start=1):
        # Line by line: names are checked within a field, and a page's lines
        # run on from one field into the next.
        for line in page.extract_text().splitlines():
            yield f"the text of page {number}", line
        for annotation in page.get("/Annots") or ():
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                yield f"a link on page {number}", str(action["/URI"])
    for key, value in (reader.metadata or {}).items():
        yield f"the document information {key}", str(value)
    metadata = reader.root_object.get("/Metadata")
    if metadata is not None:
        yield from _xml_strings("the XMP metadata", metadata.get_object().get_data())
    yield from (("a bookmark", title) for title in _outline_titles(reader.outline))


def _outline_titles(outline: list[Any]) -> Iterator[str]:
    for entry in outline:
        if isinstance(entry, list):
            yield from _outline_titles(entry)
        else:
            yield str(entry.title)


def _docx_strings(content: bytes) -> Iterator[tuple[str, str]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                yield from _xml_strings(name, archive.read(name))


def _xml_strings(part: str, data: bytes) -> Iterator[tuple[str, str]]:
    """Every attribute value and text of an XML part."""
    root = ElementTree.fromstring(data)
    for element in root.iter():
        for attribute, value in element.attrib.items():
            yield f"{part} ({attribute.rsplit('}', 1)[-1]})", value
    yield from ((part, text) for text in _texts(root))


def _texts(element: ElementTree.Element) -> Iterator[str]:
    """The text of an element and its descendants; a Word paragraph's runs read as one text,
    since a name can be split across runs."""
    if element.tag == WORD_PARAGRAPH:
        yield "".join(element.itertext())
        return
    if element.text:
        yield element.text
    for child in element:
        yield from _texts(child)
        if child.tail:
            yield child.tail
