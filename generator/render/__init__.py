"""Renderers: a Brief to PDF (Jinja2 HTML laid out by WeasyPrint, sandboxed) or DOCX (python-docx).

The registry below is the one place that knows the formats. A renderer's
module is imported the first time a document of its format is rendered, so
checking a knowledge base never pays for loading WeasyPrint or python-docx.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

if TYPE_CHECKING:
    from generator.compose.brief import Brief

Format = Literal["pdf", "docx", "pdfa"]


@dataclass(frozen=True)
class OutputFormat:
    """How one kind of file is made from a Brief."""

    module: str
    """The renderer's module in this package, imported on first use."""
    function: str
    extension: str
    cost: int
    """Relative time to render one document: the pool starts the costly ones first."""
    from_fitting: bool = False
    """Drawn from the layout that fitting the briefing made, so rendered by the process that fitted it;
    any other format can be rendered by whichever worker is free."""

    def renderer(self) -> Callable[[Brief], bytes]:
        module = importlib.import_module(f"{__name__}.{self.module}")
        return cast("Callable[[Brief], bytes]", getattr(module, self.function))


REGISTRY: dict[Format, OutputFormat] = {
    "pdf": OutputFormat("pdf", "render_pdf", ".pdf", cost=5, from_fitting=True),
    "docx": OutputFormat("docx", "render_docx", ".docx", cost=1),
    # The team's record copy (`--archive`): PDF/A, beside the officials' PDF, laid out afresh for its variant.
    "pdfa": OutputFormat("pdf", "render_pdfa", ".archive.pdf", cost=5),
}
FORMATS: tuple[Format, ...] = ("pdf", "docx")

DEFAULT_TIMEOUT = 300.0
"""Seconds one document may take to render before it is stopped."""
"""What `generate` writes unless told otherwise."""
ARCHIVE: Format = "pdfa"


def render(brief: Brief, output_format: Format) -> bytes:
    """The document's bytes; the same Brief always gives the same bytes."""
    return REGISTRY[output_format].renderer()(brief)


def load_renderers() -> None:
    """Import every renderer now, e.g. in a process about to fork workers or while input is still being read."""
    for output_format in REGISTRY.values():
        output_format.renderer()
