"""Read a finished file back as its reader's tools would: every string a reader can see in it.

It reads what a reader can read, and nothing else: a withheld "Roman …"
must not stop every DOCX because its font table lists Times New Roman. From
a PDF: page text, document information, XMP metadata, bookmarks and link
targets. From a DOCX: the text of the body, headers, footers, footnotes,
endnotes and comments, with the alt text, titles and names of their
drawings, their hyperlinks' tooltips and targets and the authors of their
comments and tracked changes; and the core, extended (app) and custom
properties. Never the styles, fonts, theme, settings or numbering.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

from pypdf import PdfReader

WORD_PARAGRAPH = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"

# Relationship types by their last segment, which the transitional and the strict schemas share.
DOCUMENT = "officeDocument"
PROPERTIES = frozenset({"core-properties", "extended-properties", "custom-properties"})
TEXT_PARTS = frozenset({"header", "footer", "footnotes", "endnotes", "comments"})
HYPERLINK = "hyperlink"

PROPERTY_PARTS = ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml")
"""Where every producer puts them; read even if no relationship names them, as a zip tool shows them."""

SHOWN_ATTRIBUTES = {
    "descr": None,  # alt text of a drawing
    "title": None,  # title of a drawing (DrawingML) or an image (VML)
    "alt": None,  # alt text of a VML shape
    "tooltip": None,  # shown over a hyperlink
    "author": None,  # of a comment or a tracked change
    "initials": None,  # of a comment's author
    "name": frozenset({"docPr", "cNvPr", "bookmarkStart"}),  # drawing and bookmark names, in Word's panes
}
"""Attributes of a text part that Word shows, by local name; the value limits the elements, None allows any.
Others (fonts, styles, revision ids) are formatting no reader sees as text."""


def pdf_strings(content: bytes) -> Iterator[tuple[str, str]]:
    """(where, text) of a PDF: its pages' text line by line, link targets, document information,
    XMP metadata and bookmarks."""
    reader = PdfReader(io.BytesIO(content))
    for number, page in enumerate(reader.pages, start=1):
        # Line by line: names are checked within a field, and a page's lines
        # run on from one field into the next.
        for line in page.extract_text().splitlines():
            yield f"the text of page {number}", line
        for annotation in page.get("/Annots") or ():
            action = annotation.get_object().get("/A")
            action = action.get_object() if action is not None else {}
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


def docx_strings(content: bytes) -> Iterator[tuple[str, str]]:
    """(where, text) of a DOCX: the properties parts, then the text parts Word shows and their links' targets."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        present = set(archive.namelist())
        package = list(_relationships(archive, ""))
        documents = [target for kind, target in package if kind == DOCUMENT]
        properties = {target for kind, target in package if kind in PROPERTIES}
        texts = documents + [
            target for part in documents for kind, target in _relationships(archive, part) if kind in TEXT_PARTS
        ]
        for part in sorted(properties.union(PROPERTY_PARTS) & present):
            yield from _xml_strings(part, archive.read(part))
        for part in dict.fromkeys(texts):
            if part in present:
                yield from _shown_strings(part, archive.read(part))
            links = _relationships_path(part)
            for kind, target in _relationships(archive, part, resolve=False):
                if kind == HYPERLINK:
                    yield f"{links} (Target)", target


def _relationships_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _relationships(archive: zipfile.ZipFile, part: str, *, resolve: bool = True) -> Iterator[tuple[str, str]]:
    """(type's last segment, target) of each relationship of `part` ("" for the package); targets of
    other parts resolved to their names in the archive."""
    try:
        data = archive.read(_relationships_path(part))
    except KeyError:
        return
    for relationship in ElementTree.fromstring(data).iter(RELATIONSHIP):
        kind = relationship.get("Type", "").rsplit("/", 1)[-1]
        target = relationship.get("Target", "")
        if resolve:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(part), target)).lstrip("/")
        yield kind, target


def _xml_strings(part: str, data: bytes) -> Iterator[tuple[str, str]]:
    """Every attribute value and text of an XML part: all of a properties part is shown somewhere."""
    root = ElementTree.fromstring(data)
    for element in root.iter():
        for attribute, value in element.attrib.items():
            yield f"{part} ({_local(attribute)})", value
    yield from ((part, text) for text in _texts(root))


def _shown_strings(part: str, data: bytes) -> Iterator[tuple[str, str]]:
    """The text of a Word text part and the attributes Word shows of it."""
    root = ElementTree.fromstring(data)
    for element in root.iter():
        for attribute, value in element.attrib.items():
            name = _local(attribute)
            if name in SHOWN_ATTRIBUTES and (
                (elements := SHOWN_ATTRIBUTES[name]) is None or _local(element.tag) in elements
            ):
                yield f"{part} ({name})", value
    yield from ((part, text) for text in _texts(root))


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


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
