"""Whether a copy may ever show an item, whatever its rank, and the date an item speaks of.

Selection leaves out what a copy may never show and `briefing check` words
its warnings from the same reasons, so the two always agree.
"""

from __future__ import annotations

import datetime
from typing import TypeVar

from generator.kb import model
from generator.kb.load import KnowledgeBase
from generator.policy.withholding import field_name, naming_field
from generator.text.name_matching import NameGuard

Item = TypeVar("Item", model.Fact, model.Case, model.Recommendation, model.Response)


def item_date(kb: KnowledgeBase, item: Item) -> datetime.date:
    """When an item speaks of: its as-of date, else its newest source's date."""
    if isinstance(item, (model.Fact, model.Case)):
        return item.as_of
    return max(kb.sources[citation.source].date for citation in item.sources)


def reason_left_out(
    kb: KnowledgeBase,
    item: Item,
    level: model.Sensitivity,
    guard: NameGuard,
    citable_sources: frozenset[str],
    meeting: model.Meeting | None = None,
) -> str | None:
    """Why a copy at `level` may never show `item`, whatever its rank; None when it may.

    `briefing check` words its warnings from the same reasons, so what it
    reports and what a briefing leaves out are the same.
    """
    if not level.allows(item.sensitivity):
        return f"it is {item.sensitivity.value}, above the {level.value} distribution"
    if not any(c.source in citable_sources for c in item.sources):
        return f"a {level.value} copy may cite none of its sources"
    # The government's claim is only as shareable as what it is quoted from.
    if isinstance(item, model.Response) and not all(c.source in citable_sources for c in item.claim_sources):
        return f"a {level.value} copy may not cite every source of its claim"
    if meeting and item_date(kb, item) > meeting.date:
        return f"it is dated after the meeting ({item_date(kb, item)})"
    if found := naming_field(item, guard):
        path, label = found
        return f"its {field_name(path)} names a person who may not be named ({label})"
    return None
