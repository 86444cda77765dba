"""Lay out a `Brief` as a tagged, accessible PDF with WeasyPrint.

Nothing outside the briefing's theme and the packaged templates is read and
nothing is fetched from the network: WeasyPrint sees resources only through
`TemplatesFetcher`.
"""

from __future__ import annotations

import calendar
import contextlib
import hashlib
import os
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

from generator import TEMPLATES_DIR
from generator.compose.brief import Brief
from generator.core.errors import SandboxViolation
from generator.core.settings import template_folders
from generator.core.store import folder_stamps
from generator.render.engine import DEFAULT_OPTIONS, HTML, Document
from generator.render.html import render_html
from generator.render.sandbox import ResourceRefused, TemplatesFetcher

Folders = tuple[Path, ...]
"""Where templates are looked for, the theme first and the packaged templates last."""

# PDF/UA-1: a structure tree, the document language and a displayed title, so
# that screen readers can read the briefing to a minister's office as well.
PDF_VARIANT = "pdf/ua-1"
# PDF/A-2a for the team's records: self-contained (fonts embedded, an sRGB
# output intent, no encryption or scripts) and, like the PDF/UA copy, tagged.
ARCHIVE_VARIANT = "pdf/a-2a"


def render_pdf(brief: Brief, templates_dir: Path = TEMPLATES_DIR) -> bytes:
    """The briefing as PDF bytes; the same Brief always gives the same bytes.

    Every template, stylesheet and font is looked for in the briefing's theme, then in `templates_dir`.
    """
    html = render_html(brief, templates_dir)
    folders = template_folders(brief.theme, templates_dir)
    # The layout made while fitting the briefing to its pages, if this
    # process made it: taken, not shared, as writing may change it.
    key = (html, folders, folder_stamps(folders))
    document, fetcher = _LAID_OUT.pop(key) if key in _LAID_OUT else _lay_out(html, folders)
    return _written(document, fetcher, brief, html, folders, PDF_VARIANT)


def render_pdfa(brief: Brief, templates_dir: Path = TEMPLATES_DIR) -> bytes:
    """The team's archive copy of the briefing, as PDF/A; the same Brief always gives the same bytes."""
    html = render_html(brief, templates_dir)
    folders = template_folders(brief.theme, templates_dir)
    document, fetcher = _lay_out(html, folders, ARCHIVE_VARIANT)
    return _written(document, fetcher, brief, html, folders, ARCHIVE_VARIANT)


def _written(
    document: Document, fetcher: TemplatesFetcher, brief: Brief, html: str, folders: Folders, variant: str
) -> bytes:
    try:
        with _source_date_epoch(calendar.timegm(brief.date.timetuple())):
            pdf: bytes = document.write_pdf(**_options(html, variant))
    except ResourceRefused as refusal:
        raise _violation(refusal, folders) from refusal
    # A refusal raised while drawing an SVG is caught inside WeasyPrint, which
    # then carries on: the fetcher's own record is the one to trust.
    if fetcher.refused:
        raise _violation(fetcher.refused[0], folders)
    return pdf


def count_pages(brief: Brief, templates_dir: Path = TEMPLATES_DIR) -> int:
    """How many pages the briefing lays out to; the layout is kept for `render_pdf`."""
    html = render_html(brief, templates_dir)
    folders = template_folders(brief.theme, templates_dir)
    # The stylesheets and fonts are read by WeasyPrint, not seen in the HTML: a layout made before one of
    # them was edited, as in a running preview, is never used again.
    key = (html, folders, folder_stamps(folders))
    if key not in _LAID_OUT:
        _LAID_OUT[key] = _lay_out(html, folders)
        while len(_LAID_OUT) > KEPT_LAYOUTS:
            _LAID_OUT.popitem(last=False)
    return len(_LAID_OUT[key][0].pages)


KEPT_LAYOUTS = 4
"""Enough for the candidates of one fitting; a layout holds megabytes."""

_LAID_OUT: OrderedDict[tuple[str, Folders, tuple[object, ...]], tuple[Document, TemplatesFetcher]] = OrderedDict()


def _options(html: str, variant: str = PDF_VARIANT) -> dict[str, object]:
    return {
        **DEFAULT_OPTIONS,
        "pdf_variant": variant,
        # The first half of the file ID; the same HTML gives the same ID.
        "pdf_identifier": hashlib.sha256(html.encode()).hexdigest()[:32].encode(),
    }


def _lay_out(html: str, folders: Folders, variant: str = PDF_VARIANT) -> tuple[Document, TemplatesFetcher]:
    fetcher = TemplatesFetcher(*folders)
    # Relative URLs name the packaged templates' files, which the fetcher takes from the theme first.
    base_url = folders[-1].resolve().as_uri() + "/"
    try:
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(**_options(html, variant))
    except ResourceRefused as refusal:
        raise _violation(refusal, folders) from refusal
    if fetcher.refused:
        raise _violation(fetcher.refused[0], folders)
    return document, fetcher


@contextlib.contextmanager
def _source_date_epoch(seconds: int) -> Iterator[None]:
    """Let fontTools stamp the fonts it subsets with `seconds`, not with now.

    Without libharfbuzz-subset, WeasyPrint subsets fonts with fontTools, which
    writes the current time into each font's head table, and so into the PDF.
    fontTools reads the reproducible-builds variable instead when it is set.
    """
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(seconds)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def _violation(refusal: ResourceRefused, folders: Folders) -> SandboxViolation:
    return SandboxViolation(
        f"the templates in {' and '.join(map(str, folders))} asked for {refusal.url}, which was refused: "
        f"{refusal.reason}"
    )
