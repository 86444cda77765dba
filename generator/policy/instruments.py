"""Which of an audience's instruments our sources speak of.

A briefing that names an instrument our sources say nothing about would
stretch some passage to cover it; it says instead that the sources do not
cover it, as a gap for the team to fill.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.kb import model
from generator.kb.layout import ITEM_KINDS
from generator.kb.load import KnowledgeBase


def passages(kb: KnowledgeBase) -> Iterator[str]:
    """Every passage the knowledge base cites: what its sources say, in their own words."""
    for kind in ITEM_KINDS:
        for item in getattr(kb, kind).values():
            yield from (citation.passage for citation in item.sources)
    for levers in kb.levers.values():
        for lever in levers.values():
            yield from (citation.passage for citation in lever.sources)


def not_covered(kb: KnowledgeBase, audience: model.Audience) -> list[model.Instrument]:
    """The audience's instruments that no passage of the knowledge base names, in the audience's order."""
    unnamed = list(audience.instruments)
    # Each passage is folded once, and only until every instrument is found.
    for passage in passages(kb):
        if not unnamed:
            break
        folded = model.folded_for_terms(passage)
        unnamed = [instrument for instrument in unnamed if not instrument.named_in_folded(folded)]
    return unnamed
