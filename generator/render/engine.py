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
import functools
import os
import re
import struct
import subprocess
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def _loader_cache_lookups() -> Iterator[None]:
    if not sys.platform.startswith("linux") or not hasattr(ctypes.util, "_findSoname_ldconfig"):
        yield
        return
    standard = ctypes.util.find_library
    ctypes.util.find_library = _in_loader_cache
    try:
        yield
    finally:
        ctypes.util.find_library = standard


def _in_loader_cache(name: str) -> str | None:
    """The file name the loader's cache gives library `name`, as `ctypes.util` reads it, from one listing
    of the cache rather than one `ldconfig -p` per name asked for (WeasyPrint asks some twenty)."""
    machine = f"{os.uname().machine}-{8 * struct.calcsize('P')}"
    abi = _ABIS.get(machine, "libc6")
    found = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(abi)}", _loader_cache())
    return found.group(1) if found else None


_ABIS = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}
"""The loader cache's tag for this machine's libraries, as `ctypes.util` maps it; others are plain libc6."""


@functools.cache
def _loader_cache() -> str:
    try:
        listing = subprocess.run(
            ["/sbin/ldconfig", "-p"],
            capture_output=True,
            env={"LC_ALL": "C", "LANG": "C"},
            check=False,
        ).stdout
    except OSError:
        return ""
    return listing.decode(errors="replace")


with _loader_cache_lookups():
    from weasyprint import DEFAULT_OPTIONS, HTML
    from weasyprint.document import Document
    from weasyprint.text.ffi import pango
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse


def text_engine() -> str:
    """The version of Pango, which shapes the text and breaks its lines. It is the system's, not a Python
    library's, so no cache key holds it: a layout remembered before an upgrade does not answer for one after."""
    return f"pango {pango.pango_version()}"


__all__ = [
    "DEFAULT_OPTIONS",
    "HTML",
    "Document",
    "FatalURLFetchingError",
    "URLFetcher",
    "URLFetcherResponse",
    "text_engine",
]
