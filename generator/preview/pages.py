"""The pages of a rendered PDF as the browser shows them: images with a text layer.

Browsers do not lay out CSS paged media the way WeasyPrint does, so the
preview shows WeasyPrint's own pages, rasterised by PDFium. Each page also
carries its lines of text with their positions, laid over the image as
transparent text so the preview can be searched and selected.

PDFium is not thread-safe: every call into it holds `PDFIUM_LOCK`.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import pypdfium2
from PIL import Image

PDFIUM_LOCK = threading.Lock()

SCALE = 1.5
"""Pixels per PDF point: 108 dpi, sharp at the width the preview shows a page."""

_LAYOUT = re.compile(r"[\s\u00ad\u2010\x02-]+")
"""Spacing, line breaks and hyphens, which differ between the source text and the page."""


@dataclass(frozen=True)
class TextRun:
    """One line of text, placed as fractions of the page's width and height from its top left."""

    text: str
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class Page:
    width: float
    """In PDF points."""
    height: float
    image: str
    """The hash that names this page's picture; equal pictures share it."""
    runs: tuple[TextRun, ...]

    def locate(self, needle: str) -> float | None:
        """How far down the page (0 to 1) a text starts, ignoring line breaks, spacing and hyphens."""
        wanted = _LAYOUT.sub("", needle)
        if not wanted:
            return None
        joined = ""
        starts: list[int] = []
        for run in self.runs:
            starts.append(len(joined))
            joined += _LAYOUT.sub("", run.text)
        found = joined.find(wanted)
        if found < 0:
            return None
        line = max(index for index, start in enumerate(starts) if start <= found)
        return self.runs[line].top


class Pictures:
    """PNG pictures of pages by hash, encoded on first request, the most recent kept.

    Pages are rasterised as soon as a PDF is rendered (to name each picture by
    its content) but encoded only when the browser asks: after an edit, the
    pages that look the same keep their name, and the browser its copy.
    """

    def __init__(self, capacity: int = 60) -> None:
        self._entries: OrderedDict[str, Image.Image | bytes] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def add(self, key: str, picture: Image.Image) -> None:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return
            self._entries[key] = picture
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def png(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or isinstance(entry, bytes):
            return entry
        buffer = io.BytesIO()
        # The fastest compression: a page is encoded on its way to the screen.
        entry.save(buffer, "PNG", compress_level=1)
        with self._lock:
            if key in self._entries:
                self._entries[key] = buffer.getvalue()
        return buffer.getvalue()


def read_pages(pdf: bytes, pictures: Pictures) -> tuple[Page, ...]:
    """Rasterise every page of `pdf` into `pictures` and return the pages with their text."""
    with PDFIUM_LOCK:
        document = pypdfium2.PdfDocument(pdf)
        try:
            return tuple(_read_page(document[index], pictures) for index in range(len(document)))
        finally:
            document.close()


def _read_page(page: pypdfium2.PdfPage, pictures: Pictures) -> Page:
    width, height = page.get_size()
    picture = page.render(scale=SCALE).to_pil()
    key = hashlib.sha256(picture.tobytes()).hexdigest()[:32]
    pictures.add(key, picture)
    text = page.get_textpage()
    runs = []
    for index in range(text.count_rects()):
        left, bottom, right, top = text.get_rect(index)
        content = text.get_text_bounded(left, bottom, right, top).strip("\r\n")
        if content.strip():
            runs.append(TextRun(content, left / width, 1 - top / height, (right - left) / width,
                                (top - bottom) / height))
    return Page(width, height, key, tuple(runs))
