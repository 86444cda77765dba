"""Work that several tests of a module only read, done once for them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def once(function: Callable[..., T]) -> Callable[..., T]:
    """`function`, called once for the same arguments, as objects: a knowledge base, a briefing.

    Briefings and knowledge bases are not hashable, and laying one out or
    rendering it takes seconds. The arguments are kept with the result, so
    that no other object can come to have their identity.
    """
    results: dict[tuple[int, ...], tuple[tuple[Any, ...], T]] = {}

    @functools.wraps(function)
    def remembered(*args: Any) -> T:
        key = tuple(map(id, args))
        if key not in results:
            results[key] = (args, function(*args))
        return results[key][1]

    return remembered
