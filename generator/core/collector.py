"""The cycle collector, paused while a knowledge base is built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Reading a knowledge base builds hundreds of thousands of objects and no cycle among them; the cycle
    collector, triggered every few hundred, would walk them all again and again: a sixth of a large base's
    first read, and more than half of reading one back from the cache. A pause within a pause changes nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
