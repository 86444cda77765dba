"""WeasyPrint, the layout engine, imported in one place and without a compiler.

WeasyPrint opens pango, harfbuzz, fontconfig and gobject through cffi,
trying each under its Windows, macOS and Linux names in turn. cffi hands
every name the dynamic loader cannot open to `ctypes.util.find_library`,
which on Linux asks the loader's cache and then, for a name it does not
know, runs gcc and ld: some thirty processes and 0.2 s of every command that
renders, each answering "no such library" for another platform's name.

While WeasyPrint is imported, names are looked up in the loader's cache
only. A name the cache knows resolves as before, and a library found only
through LD_LIBRARY_PATH is still opened under its Linux file name, which
WeasyPrint tries after the others and the loader opens directly
(tests/test_engine.py checks that both ways open the same libraries).
"""

from __future__ import annotations

import contextlib
import ctypes.util
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def _loader_cache_lookups() -> Iterator[None]:
    lookup = getattr(ctypes.util, "_findSoname_ldconfig", None)
    if not sys.platform.startswith("linux") or lookup is None:
        yield
        return
    standard = ctypes.util.find_library
    ctypes.util.find_library = lookup
    try:
        yield
    finally:
        ctypes.util.find_library = standard


with _loader_cache_lookups():
    from weasyprint import DEFAULT_OPTIONS, HTML
    from weasyprint.document import Document
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

__all__ = ["DEFAULT_OPTIONS", "HTML", "Document", "FatalURLFetchingError", "URLFetcher", "URLFetcherResponse"]
