"""How current a briefing's items are, judged at the briefing's date.

`briefing check` warns about the same facts (validate.warnings); this module
says which of them a particular briefing prints, so the page can say so.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from generator.kb import model


def older_than_limit(as_of: datetime.date, country: model.Country, date: datetime.date) -> bool:
    """Older than the country's limit. Such an item always prints its date, even one marked historical:
    a reader must see when a sentence was true before repeating it."""
    return (date - as_of).days > country.stale_after_days


def out_of_date(fact: model.Fact, country: model.Country, date: datetime.date) -> bool:
    """Past its review date, or older than the country's limit and not marked historical."""
    if fact.review_by is not None and fact.review_by < date:
        return True
    return not fact.historical and older_than_limit(fact.as_of, country, date)


def newest_source(
    citations: Iterable[model.Citation], sources: Mapping[str, model.Source], citable: Iterable[str]
) -> model.Source | None:
    """The most recent source among those a copy may cite: an undated item (an ask, a known position)
    is as current as its newest evidence."""
    shown = set(citable)
    cited = [sources[citation.source] for citation in citations if citation.source in shown]
    return max(cited, key=lambda source: source.date, default=None)
