"""How long each briefing took to fit last time: only the order rendering jobs start in."""

from __future__ import annotations

import math
from typing import Any

from generator.core.run_cache import recall, remember

FITTING_HINTS: list[object] = ["fitting-seconds"]
"""The run-cache entry of how long each briefing took to fit last time: only the order jobs start in."""
KEPT_HINTS = 512


def fitting_seconds() -> dict[str, float]:
    """Last run's fitting time per briefing; empty when unknown or damaged, as a wrong hint costs only speed."""
    hints = recall(FITTING_HINTS, "", _are_hints)
    return {key: float(value) for key, value in hints.items()} if hints else {}


def remember_fitting_seconds(measured: dict[str, float]) -> None:
    if not measured:
        return
    hints = {key: value for key, value in fitting_seconds().items() if key not in measured}
    hints.update({key: round(value, 3) for key, value in measured.items()})
    # The newest last: a bounded entry forgets the briefings not built for longest.
    remember(FITTING_HINTS, "", dict(list(hints.items())[-KEPT_HINTS:]))


def _are_hints(hints: Any) -> bool:
    return isinstance(hints, dict) and all(
        isinstance(key, str) and type(value) in (int, float) and math.isfinite(value) and value >= 0
        for key, value in hints.items()
    )
