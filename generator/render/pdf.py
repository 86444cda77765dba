"""Lay out a `Brief` as a tagged, accessible PDF with WeasyPrint.

Nothing outside the briefing's theme and the packaged templates is read and
nothing is fetched from the network: WeasyPrint sees resources only through
`TemplatesFetcher`.
"""

from __future__ import annotations

import calendar
import contextlib
import hashlib
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

from generator import TEMPLATES_DIR
from generator.compose.brief import Brief
from generator.core.errors import SandboxViolation
from generator.core.settings import template_folders
from generator.core.store import folder_stamps
from generator.render import engine_process
from generator.render.engine_process import EngineGone, Folders, Refused
from generator.render.html import render_html

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
    layout = _LAID_OUT.pop(key) if key in _LAID_OUT else _lay_out(html, folders)
    return _written(layout, brief, html, folders, PDF_VARIANT)


def render_pdfa(brief: Brief, templates_dir: Path = TEMPLATES_DIR) -> bytes:
    """The team's archive copy of the briefing, as PDF/A; the same Brief always gives the same bytes."""
    html = render_html(brief, templates_dir)
    folders = template_folders(brief.theme, templates_dir)
    return _written(_lay_out(html, folders, ARCHIVE_VARIANT), brief, html, folders, ARCHIVE_VARIANT)


def text_engine() -> str:
    """The version of the text engine that lays briefings out (see `engine.text_engine`), wherever it runs."""
    if (engine := engine_process.active()) is not None:
        with contextlib.suppress(EngineGone):
            return engine.version()
    from generator.render.engine import text_engine as here

    return here()


class Layout(Protocol):
    """A briefing's HTML laid out, in this process or in the engine process."""

    pages: int

    def write(self, options: dict[str, object], epoch: int) -> bytes: ...

    def release(self) -> None: ...


def _written(layout: Layout, brief: Brief, html: str, folders: Folders, variant: str) -> bytes:
    options, epoch = _options(html, variant), calendar.timegm(brief.date.timetuple())
    try:
        try:
            return layout.write(options, epoch)
        except EngineGone:
            # Its layout went with it: made again here.
            return _lay_out(html, folders, variant).write(options, epoch)
    except Refused as refusal:
        raise _violation(refusal, folders) from refusal


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
            _LAID_OUT.popitem(last=False)[1].release()
    return _LAID_OUT[key].pages


KEPT_LAYOUTS = 4
"""Enough for the candidates of one fitting; a layout holds megabytes."""

_LAID_OUT: OrderedDict[tuple[str, Folders, tuple[object, ...]], Layout] = OrderedDict()


def _options(html: str, variant: str = PDF_VARIANT) -> dict[str, object]:
    """WeasyPrint's options where they differ from its defaults (see `LocalLayout`)."""
    return {
        "pdf_variant": variant,
        # The first half of the file ID; the same HTML gives the same ID.
        "pdf_identifier": hashlib.sha256(html.encode()).hexdigest()[:32].encode(),
    }


def _lay_out(html: str, folders: Folders, variant: str = PDF_VARIANT) -> Layout:
    options = _options(html, variant)
    try:
        if (engine := engine_process.active()) is not None:
            with contextlib.suppress(EngineGone):
                return engine.lay_out(html, folders, options)
        from generator.render.layouts import LocalLayout

        return LocalLayout(html, folders, options)
    except Refused as refusal:
        raise _violation(refusal, folders) from refusal


def _violation(refusal: Refused, folders: Folders) -> SandboxViolation:
    return SandboxViolation(
        f"the templates in {' and '.join(map(str, folders))} asked for {refusal.url}, which was refused: "
        f"{refusal.reason}"
    )
