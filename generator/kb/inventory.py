"""What a knowledge base holds, counted: its audiences, meetings and themes."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from generator.kb.layout import ITEM_KINDS
from generator.kb.load import KnowledgeBase


@dataclass(frozen=True)
class AudienceRow:
    id: str
    full_name: str
    language: str
    paper: str
    levers: int


@dataclass(frozen=True)
class MeetingRow:
    id: str
    date: datetime.date
    audience: str
    title: str


@dataclass(frozen=True)
class ThemeRow:
    id: str
    label: str
    items: int


@dataclass(frozen=True)
class Inventory:
    country_id: str
    country_name: str
    audiences: tuple[AudienceRow, ...]
    meetings: tuple[MeetingRow, ...]
    themes: tuple[ThemeRow, ...]
    totals: dict[str, int]
    """Items of each kind, by kind, in the order a reader expects."""


def inventory(kb: KnowledgeBase) -> Inventory:
    themed = Counter(theme for kind in ITEM_KINDS for item in getattr(kb, kind).values() for theme in item.themes)
    return Inventory(
        country_id=kb.country.id,
        country_name=kb.country.name,
        audiences=tuple(
            AudienceRow(a.id, a.full_name, a.language, a.paper, len(kb.levers.get(a.id, {})))
            for a in kb.audiences.values()
        ),
        meetings=tuple(MeetingRow(m.id, m.date, m.audience, m.title) for m in kb.meetings.values()),
        themes=tuple(ThemeRow(t.id, t.label, themed[t.id]) for t in kb.themes.values()),
        totals={kind: len(getattr(kb, kind)) for kind in ("sources", *ITEM_KINDS)},
    )
