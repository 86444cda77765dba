"""Renderers: a Brief to PDF (Jinja2 HTML laid out by WeasyPrint, sandboxed) or DOCX (python-docx).

The registry below is the one place that knows the formats: what the
command line calls each, its file name and media type, how it is rendered
and how a finished file is read back. A renderer's module, and the reader of
its files, are imported the first time they are used, so checking a
knowledge base never pays for loading WeasyPrint or python-docx.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

if TYPE_CHECKING:
    from generator.compose.brief import Brief

Format = Literal["pdf", "docx", "pdfa"]

ReadBack = Callable[[bytes], Iterator[tuple[str, str]]]
"""(where, text) for every string a reader of a finished file can see in it."""


@dataclass(frozen=True)
class OutputFormat:
    """How one kind of file is made from a Brief, named, served and read back."""

    choice: str | None
    """What `--format` calls it; None for a format that has an option of its own."""
    extension: str
    media_type: str
    module: str
    """The renderer's module in this package, imported on first use."""
    function: str
    reader: str
    """The function of `readback` that lists what a reader sees in a finished file."""
    cost: int
    """Relative time to render one document: the pool starts the costly ones first."""
    laid_out_by_weasyprint: bool
    """Every name it prints must then be printable in the PDF fonts."""
    from_fitting: bool = False
    """Drawn from the layout that fitting the briefing made, so rendered by the process that fitted it;
    any other format can be rendered by whichever worker is free."""

    def renderer(self) -> Callable[[Brief], bytes]:
        module = importlib.import_module(f"{__name__}.{self.module}")
        return cast("Callable[[Brief], bytes]", getattr(module, self.function))

    def read_back(self, content: bytes) -> Iterator[tuple[str, str]]:
        """Every string a reader of the finished file can see, with where it is."""
        module = importlib.import_module(f"{__name__}.readback")
        return cast("ReadBack", getattr(module, self.reader))(content)


PDF_MEDIA_TYPE = "application/pdf"

REGISTRY: dict[Format, OutputFormat] = {
    "pdf": OutputFormat(
        choice="pdf",
        extension=".pdf",
        media_type=PDF_MEDIA_TYPE,
        module="pdf",
        function="render_pdf",
        reader="pdf_strings",
        cost=5,
        laid_out_by_weasyprint=True,
        from_fitting=True,
    ),
    "docx": OutputFormat(
        choice="docx",
        extension=".docx",
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        module="docx",
        function="render_docx",
        reader="docx_strings",
        cost=1,
        laid_out_by_weasyprint=False,
    ),
    # The team's record copy (`--archive`): PDF/A, beside the officials' PDF, laid out afresh for its variant.
    "pdfa": OutputFormat(
        choice=None,
        extension=".archive.pdf",
        media_type=PDF_MEDIA_TYPE,
        module="pdf",
        function="render_pdfa",
        reader="pdf_strings",
        cost=5,
        laid_out_by_weasyprint=True,
    ),
}
CHOICES: dict[str, Format] = {entry.choice: name for name, entry in REGISTRY.items() if entry.choice is not None}
"""The formats `--format` offers, by what it calls them."""
FORMATS: tuple[Format, ...] = tuple(CHOICES.values())
"""What `generate` writes unless told otherwise."""
ARCHIVE: Format = "pdfa"


def render(brief: Brief, output_format: Format) -> bytes:
    """The document's bytes; the same Brief always gives the same bytes."""
    return REGISTRY[output_format].renderer()(brief)


def load_renderers() -> None:
    """Import every renderer now, e.g. in a process about to fork workers or while input is still being read:
    WeasyPrint too, which the PDF renderer imports only where it lays out (see `engine_process`)."""
    for output_format in REGISTRY.values():
        output_format.renderer()
    importlib.import_module(f"{__name__}.layouts")
