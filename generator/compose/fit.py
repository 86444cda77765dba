"""Make a briefing fit its page limit by measuring the laid-out pages.

Character budgets in `select` are a first guess; only layout knows whether a
leave-behind really fits on one sheet. Items give way in a fixed order,
lowest-ranked first and never a pinned one, and the fewest removals that fit
are found by bisection, so a briefing costs a handful of layouts at most.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from generator.compose.brief import Brief
from generator.core.errors import TooLong
from generator.kb import model
from generator.select.selection import Selection, room_taken, without_unanswered_claims

TRIM_ORDER = (
    ("responses", 2),
    ("background", 1),
    ("talking_points", 2),
    ("cases", 1),
    ("responses", 0),
    ("background", 0),
    ("talking_points", 1),
    ("recommendations", 2),
    ("cases", 0),
    ("levers", 1),
    ("recommendations", 1),
    ("levers", 0),
)
"""What gives way in turn when the pages run over, and how many of each stay at that step.

General background goes first; what the audience itself can do (its levers, its portfolio) and what we
ask of it go last."""

CUT_LABELS = {
    "responses": "response",
    "background": "background fact",
    "talking_points": "line to take",
    "cases": "case",
    "recommendations": "ask",
    "levers": "lever",
}
"""How a report of what fitting left out names each kind: "response 'x'"."""


def fit_to_pages(
    selection: Selection,
    compose: Callable[[Selection], Brief],
    count_pages: Callable[[Brief], int],
    known_cut: tuple[str, ...] | None = None,
) -> Brief:
    """The briefing of `selection` with the fewest items removed that lays out within its page limit.

    The limit is the knowledge base's for the briefing's length (see
    `core.settings`). Most briefings fit as selected (one layout); the rest
    are laid out first with as many removals as the room of their extra
    pages suggests, then with one fewer, which is often all it takes.

    `known_cut` is what fitting left out of this very briefing before, laid out
    by the same templates, fonts and code (see `build.fitting_hints`): that
    answer is laid out alone, and searched for again only if it does not fit.
    """
    limit = selection.kb.settings.pages[selection.length]
    trims = _trims(selection) if known_cut else []
    known = next((trim for trim in trims if trim.cut == known_cut), None)
    if known is not None:
        brief = compose(known)
        if count_pages(brief) <= limit:
            return brief
    brief = compose(selection)
    if (pages := count_pages(brief)) <= limit:
        return brief
    trims = trims or _trims(selection)
    if not trims:
        raise TooLong(_too_long(selection, limit, pages))
    laid_out: dict[int, tuple[Brief, bool]] = {}

    def fits(removals: int) -> bool:
        if removals not in laid_out:
            candidate = compose(trims[removals - 1])
            laid_out[removals] = candidate, count_pages(candidate) <= limit
        return laid_out[removals][1]

    # `low` removals are known not to fit and `high` to fit; the search gallops away from the
    # estimate (1, 2, 4... removals further) until it brackets the fewest that fit, then bisects.
    start = _estimated_removals(selection, trims, pages, limit)
    if fits(start):
        low, high, step = 0, start, 1
        while high - step > 0 and fits(high - step):
            high, step = high - step, step * 2
        low = max(0, high - step)
    else:
        low, step = start, 1
        while low + step < len(trims) and not fits(low + step):
            low, step = low + step, step * 2
        high = min(len(trims), low + step)
        if not fits(high):
            shortest = laid_out[high][0]
            raise TooLong(_too_long(trims[-1], limit, count_pages(shortest)))
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle
    return laid_out[high][0]


def _estimated_removals(selection: Selection, trims: list[Selection], pages: int, limit: int) -> int:
    """How many removals should bring `pages` within `limit`: those that free the room of the pages
    over it, taking the last page as half full and the items' text as all that fills a page."""

    def room(chosen: Selection) -> int:
        return sum(room_taken(item, chosen.audience) for kind in CUT_LABELS for item in getattr(chosen, kind))

    whole = room(selection)
    wanted = whole * (pages - limit - 0.5) / pages
    return next((removals for removals, trim in enumerate(trims, 1) if whole - room(trim) >= wanted), len(trims))


def _trims(selection: Selection) -> list[Selection]:
    """The selection after one, two, three... removals, in `TRIM_ORDER`."""
    pinned = set(selection.meeting.include) if selection.meeting else set()
    trims = []
    current = selection
    for kind, keep in TRIM_ORDER:
        items = list(getattr(current, kind))
        # Lowest-ranked first, but a fact about one of the audience's own instruments after every other.
        given_way = sorted(reversed(items), key=lambda item: _names_instrument(item, selection.audience))
        for item in given_way:
            if len(items) <= keep:
                break
            if item.id in pinned:
                continue
            items.remove(item)
            remaining: dict[str, Any] = {kind: tuple(items)}
            current = without_unanswered_claims(dataclasses.replace(current, **remaining))
            trims.append(dataclasses.replace(current, cut=_cut(selection, current)))
    return trims


def _names_instrument(item: object, audience: model.Audience) -> bool:
    """Whether a fact speaks of an instrument the audience holds (OECD accession to the US): what the official
    can act on, which fitting keeps longest among the facts."""
    if not isinstance(item, model.Fact):
        return False
    said = model.worded_for(item.lines, audience) or model.worded_for(item.wording, audience) or item.text
    return bool(audience.instruments_named_in(said))


def _cut(selection: Selection, trimmed: Selection) -> tuple[str, ...]:
    """What `trimmed` leaves out of `selection`, in the words a report uses."""
    return tuple(
        f"{label} '{item.id}'"
        for kind, label in CUT_LABELS.items()
        for item in getattr(selection, kind)
        if item not in getattr(trimmed, kind)
    )


def _too_long(selection: Selection, limit: int, pages: int) -> str:
    length = "leave-behind" if selection.length == "one-page" else "full briefing"
    what = f"the {selection.meeting.id} meeting" if selection.meeting else f"the {selection.audience.id} audience"
    return (
        f"the {length} for {what} runs to {pages} pages even with every unpinned item left out "
        f"(the limit is {limit}); shorten what every copy shows (the meeting's title, purpose and "
        f"participants, the asks) or pin fewer items in the meeting file"
    )
