"""HTML laid out by WeasyPrint inside the sandbox, and written as PDF: the only code that holds WeasyPrint's
documents. It runs in this process, or in the engine process (`engine_process`) on its behalf."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from generator.render.engine import DEFAULT_OPTIONS, HTML
from generator.render.engine_process import Folders, Refused
from generator.render.sandbox import ResourceRefused, TemplatesFetcher


class LocalLayout:
    """HTML laid out in this process, seeing only the template `folders` through the sandbox."""

    def __init__(self, html: str, folders: Folders, options: dict[str, Any]) -> None:
        """`options` are WeasyPrint's where they differ from its defaults, for laying out and writing alike."""
        self._fetcher = TemplatesFetcher(*folders)
        # Relative URLs name the packaged templates' files, which the fetcher takes from the theme first.
        base_url = folders[-1].resolve().as_uri() + "/"
        try:
            self._document = HTML(string=html, base_url=base_url, url_fetcher=self._fetcher).render(
                **{**DEFAULT_OPTIONS, **options}
            )
        except ResourceRefused as refusal:
            raise Refused(refusal.url, refusal.reason) from refusal
        self._raise_refused()
        self.pages = len(self._document.pages)

    def write(self, options: dict[str, Any], epoch: int) -> bytes:
        """The layout as PDF, its fonts stamped with `epoch` (seconds) rather than with now."""
        try:
            with _source_date_epoch(epoch):
                pdf: bytes = self._document.write_pdf(**{**DEFAULT_OPTIONS, **options})
        except ResourceRefused as refusal:
            raise Refused(refusal.url, refusal.reason) from refusal
        # A refusal raised while drawing an SVG is caught inside WeasyPrint, which
        # then carries on: the fetcher's own record is the one to trust.
        self._raise_refused()
        return pdf

    def release(self) -> None:
        """Nothing is held elsewhere: the layout goes with this object."""

    def _raise_refused(self) -> None:
        if self._fetcher.refused:
            first = self._fetcher.refused[0]
            raise Refused(first.url, first.reason)


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
