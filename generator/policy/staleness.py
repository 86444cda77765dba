"""How current a briefing's facts are, judged at the briefing's date.

`briefing check` warns about the same facts (validate.warnings); this module
says which of them a particular briefing prints, so the page can say so.
"""

from __future__ import annotations

import datetime

from generator.kb import model


def out_of_date(fact: model.Fact, country: model.Country, date: datetime.date) -> bool:
    """Past its review date, or older than the country's limit and not marked historical."""
    if fact.review_by is not None and fact.review_by < date:
        return True
    return not fact.historical and (date - fact.as_of).days > country.stale_after_days
