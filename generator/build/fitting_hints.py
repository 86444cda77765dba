"""What fitting learnt last time: how long each briefing took, and what it left out of each layout.

Both are kept in the run cache. The time only orders the jobs of the next
run. What was left out is keyed by everything the layout depends on (the
unfitted briefing, the page limit, the templates and fonts, the generator's
code), so the same briefing laid out again needs no search: `fit.fit_to_pages`
lays that answer out once, and searches only if it does not fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from generator.core.run_cache import recall, remember

FITTING_HINTS: list[object] = ["fitting-seconds"]
"""The run-cache entry of how long each briefing took to fit last time: only the order jobs start in."""
FITTING_CUTS: list[object] = ["fitting-cuts"]
"""The run-cache entry of what fitting left out, by layout key (see `build.files.Planned.layout_key`)."""
KEPT_HINTS = 512


def fitting_seconds() -> dict[str, float]:
    """Last run's fitting time per briefing; empty when unknown or damaged, as a wrong hint costs only speed."""
    hints = recall(FITTING_HINTS, "", _are_hints)
    return {key: float(value) for key, value in hints.items()} if hints else {}


def remember_fitting_seconds(measured: dict[str, float]) -> None:
    if measured:
        _remember_newest(FITTING_HINTS, fitting_seconds(), {key: round(value, 3) for key, value in measured.items()})


@dataclass(frozen=True)
class KnownCut:
    """What fitting left out of a layout, and the text engine that laid it out (see `engine.text_engine`)."""

    engine: str
    cut: tuple[str, ...]


def known_cuts() -> dict[str, KnownCut]:
    """What fitting left out of each layout it made; empty when unknown or damaged. A wrong answer costs
    only speed: it is laid out, and fitting searches again when it does not fit."""
    cuts = recall(FITTING_CUTS, "", _are_cuts)
    return {key: KnownCut(known["engine"], tuple(known["cut"])) for key, known in cuts.items()} if cuts else {}


def remember_cuts(found: dict[str, KnownCut]) -> None:
    if found:
        _remember_newest(FITTING_CUTS, _as_rows(known_cuts()), _as_rows(found))


def _as_rows(cuts: dict[str, KnownCut]) -> dict[str, dict[str, Any]]:
    """The cuts as the run-cache entry holds them (see `_are_cuts`)."""
    return {key: {"engine": known.engine, "cut": list(known.cut)} for key, known in cuts.items()}


def _remember_newest(entry: list[object], kept: dict[str, Any], found: dict[str, Any]) -> None:
    hints = {key: value for key, value in kept.items() if key not in found}
    hints.update(found)
    # The newest last: a bounded entry forgets the briefings not built for longest.
    remember(entry, "", dict(list(hints.items())[-KEPT_HINTS:]))


def _are_hints(hints: Any) -> bool:
    return isinstance(hints, dict) and all(
        isinstance(key, str) and type(value) in (int, float) and math.isfinite(value) and value >= 0
        for key, value in hints.items()
    )


def _are_cuts(cuts: Any) -> bool:
    return isinstance(cuts, dict) and all(
        isinstance(key, str)
        and isinstance(known, dict)
        and isinstance(known.get("engine"), str)
        and isinstance(known.get("cut"), list)
        and all(isinstance(item, str) for item in known["cut"])
        for key, known in cuts.items()
    )
