"""What `briefing check` prints after its warnings: how many there are of each kind, and what to do.

Counted from each warning's kind, given where the warning is made (`core.kinds`);
a line may add what only the knowledge base knows, such as the limit facts are
judged against and the years they date from.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence

from generator.check.validate import Checked, stale_facts
from generator.core import kinds
from generator.core.errors import Diagnostic

Summary = list[tuple[str, str]]
"""(kind, the line that sums up its warnings), largest count first."""

_WORDS: dict[str, tuple[str, str]] = {
    kinds.REVIEW: (
        "fact past its review date: review it and move review_by on",
        "facts past their review date: review them and move review_by on",
    ),
    kinds.UNCITED: ("source no item cites: cite it or remove it", "sources no item cites: cite them or remove them"),
    kinds.UNREBUTTED: (
        "item resting only on government sources that no response rebuts, so no briefing shows it: list it in "
        "the rebuts of the response that answers it",
        "items resting only on government sources that no response rebuts, so no briefing shows them: list each "
        "in the rebuts of the response that answers it",
    ),
    kinds.UNSELECTED: (
        "item on no theme an audience weights, so no briefing selects it: weight one of its themes in an "
        "audience, or list its audiences",
        "items on no theme an audience weights, so no briefing selects them: weight one of their themes in an "
        "audience, or list their audiences",
    ),
    kinds.NO_LEVERS: (
        "audience with no levers for the country: list what it can do in <country>/levers/<audience>.yaml",
        "audiences with no levers for the country: list what each can do in <country>/levers/<audience>.yaml",
    ),
    kinds.WEAK_NAME: (
        "withheld name with parts that identify no one alone: add aliases for the short forms the team uses",
        "withheld names with parts that identify no one alone: add aliases for the short forms the team uses",
    ),
    kinds.WITHHELD: (
        "text or item some copies leave out, as it names a person they may not name or cites a source above "
        "them: reword it, or let those copies go without it",
        "texts or items some copies leave out, as they name a person those copies may not name or cite a source "
        "above them: reword them, or let those copies go without them",
    ),
    kinds.MEETING: (
        "item a meeting's briefing leaves out: each line says why; change the meeting or the item if it should "
        "be shown",
        "notes of items a meeting's briefing leaves out: each line says why; change the meeting or the item where "
        "one should be shown",
    ),
    kinds.OLD_LAYOUT: (
        "file in the old layout: run 'briefing migrate --write'",
        "files in the old layout: run 'briefing migrate --write'",
    ),
    kinds.UNARCHIVED: (
        "cited source with no archived text, so its passages cannot be verified: archive its text in sources/<id>.txt",
        "cited sources with no archived text, so their passages cannot be verified: archive each text in "
        "sources/<id>.txt",
    ),
    kinds.INSTRUMENT: (
        "ask naming none of its audience's instruments: say which one the official would use",
        "asks naming none of their audience's instruments: say which one the official would use",
    ),
    kinds.LONG: (
        "line to take or ask too long to say aloud: shorten it to a sentence or two",
        "lines to take or asks too long to say aloud: shorten each to a sentence or two",
    ),
    kinds.NAME_LIST: (
        "case named only in a list: cite a passage about the person or leave the case out",
        "cases named only in a list: cite a passage about the person or leave the case out",
    ),
    kinds.AGENDA: (
        "agenda item no ask or line answers: write one, give the item themes, or take it off the agenda",
        "agenda items no ask or line answers: write one for each, give them themes, or take them off the agenda",
    ),
    kinds.QUOTES: (
        "translation quoting with English marks where its language has its own: use the language's marks",
        "translations quoting with English marks where their language has its own: use the language's marks",
    ),
}
"""What a warning of each kind is, one and several of them, and what to do (but for `stale`, made below)."""


def summary(checked: Sequence[Checked], warnings: Iterable[Diagnostic], today: datetime.date) -> Summary:
    """A line for each kind of warning, with how many there are and the next step."""
    counts = Counter(warning.kind for warning in warnings)
    order = {kind: index for index, kind in enumerate(kinds.KINDS)}
    lines = []
    for kind, number in sorted(counts.items(), key=lambda each: (-each[1], order.get(each[0], len(order)))):
        if kind == kinds.STALE:
            lines.append((kind, _stale(checked, number, today)))
        elif kind in _WORDS:
            one, many = _WORDS[kind]
            lines.append((kind, f"{number} {one if number == 1 else many}"))
    return lines


def _stale(checked: Sequence[Checked], number: int, today: datetime.date) -> str:
    """Stale facts, with the limit they are judged against and the years they date from: a knowledge
    base whose sources are some years old warns of most of its facts, as it should."""
    stale = [(each.kb.country.stale_after_days, stale_facts(each.kb, today)) for each in checked]
    limits = {days for days, facts in stale if facts}
    years = sorted({fact.as_of.year for _, facts in stale for fact in facts})
    limit = _days(limits.pop()) if len(limits) == 1 else "their country's limit"
    dated = f"{years[0]}-{years[-1]}" if years and years[0] != years[-1] else f"{years[0]}" if years else "long ago"
    if number == 1:
        return (
            f"1 fact older than {limit} (stale_after_days in country.yaml): expected for a fact dated {dated}; "
            "update it or mark it historical"
        )
    return (
        f"{number} facts older than {limit} (stale_after_days in country.yaml): expected for facts dated {dated}; "
        "update them or mark them historical"
    )


def _days(days: int) -> str:
    """A number of days as people say it: '3 years' for 1095."""
    if days % 365 == 0:
        years = days // 365
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"
