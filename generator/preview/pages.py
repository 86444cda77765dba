"""The pages of a rendered PDF as the browser shows them: images with a text layer.

Browsers do not lay out CSS paged media the way WeasyPrint does, so the
preview shows WeasyPrint's own pages, rasterised by PDFium. Each page also
carries its lines of text with their positions, laid over the image as
transparent text so the preview can be searched and selected.

PDFium is not thread-safe: every call into it holds `PDFIUM_LOCK`.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import io
import itertools
import re
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import pypdfium2
from PIL import Image, ImageDraw

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
        joined, starts = self._searchable
        found = joined.find(wanted) if wanted else -1
        if found < 0:
            return None
        return self.runs[bisect.bisect_right(starts, found) - 1].top

    @functools.cached_property
    def _searchable(self) -> tuple[str, list[int]]:
        """The page's text without layout, and where each run starts in it."""
        pieces = [_LAYOUT.sub("", run.text) for run in self.runs]
        starts = list(itertools.accumulate((len(piece) for piece in pieces[:-1]), initial=0))
        return "".join(pieces), starts


class Pictures:
    """PNG pictures of pages by hash, the most recent kept.

    A page is encoded in the background as soon as it is rasterised, while
    its description goes out and the browser reads it; after an edit, a page
    that looks the same keeps its name, and the browser its copy.
    """

    def __init__(self, capacity: int = 200) -> None:
        self._entries: OrderedDict[str, Future[bytes]] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()
        self._encoders = ThreadPoolExecutor(max_workers=2, thread_name_prefix="encode")

    def add(self, key: str, picture: Image.Image) -> None:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return
            self._entries[key] = self._encoders.submit(_png, picture)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def png(self, key: str) -> bytes | None:
        with self._lock:
            encoding = self._entries.get(key)
        return encoding.result() if encoding else None


def _png(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # The fastest compression: a page is encoded on its way to the screen.
    picture.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def read_pages(pdf: bytes, pictures: Pictures, unshown: str | None = None) -> tuple[Page, ...]:
    """Rasterise every page of `pdf` into `pictures` and return the pages with their text.

    The lines of `unshown` (the footer's knowledge-base revision) are painted out of the pictures and left
    out of the text: every save changes the revision, and with it every page would change and be fetched
    again, where only the pages an edit reached should.
    """
    with PDFIUM_LOCK:
        document = pypdfium2.PdfDocument(pdf)
        try:
            return tuple(_read_page(document[index], pictures, unshown) for index in range(len(document)))
        finally:
            document.close()


def _read_page(page: pypdfium2.PdfPage, pictures: Pictures, unshown: str | None) -> Page:
    width, height = page.get_size()
    text = page.get_textpage()
    hidden = _LAYOUT.sub("", unshown or "")
    runs, painted_out = [], []
    for index in range(text.count_rects()):
        left, bottom, right, top = text.get_rect(index)
        content = text.get_text_bounded(left, bottom, right, top).strip("\r\n")
        if not content.strip():
            continue
        if hidden and _LAYOUT.sub("", content) in hidden:
            painted_out.append((left, bottom, right, top))
            continue
        runs.append(TextRun(content, left / width, 1 - top / height, (right - left) / width, (top - bottom) / height))
    picture = page.render(scale=SCALE).to_pil()
    if painted_out:
        draw = ImageDraw.Draw(picture)
        for left, bottom, right, top in painted_out:
            box = (left * SCALE - 1, (height - top) * SCALE - 1, right * SCALE + 1, (height - bottom) * SCALE + 1)
            draw.rectangle(box, fill="white")
    key = hashlib.sha256(picture.tobytes()).hexdigest()[:32]
    pictures.add(key, picture)
    return Page(width, height, key, tuple(runs))
