"""Choose and rank what one briefing says: a pure, deterministic function.

Scores come from the audience's theme weights, the item's priority, how
recent it is and the meeting's focus; what the meeting names is pinned; what
the output may not show is dropped before anything is ranked.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Literal, TypeVar

from generator.kb import model
from generator.kb.layout import ITEM_KINDS
from generator.kb.load import KnowledgeBase
from generator.policy.claims import Claimable, rebuttals, states_claim
from generator.policy.eligibility import Item, item_date, reason_left_out
from generator.policy.instruments import not_covered
from generator.policy.withholding import citable, name_guard, naming_field
from generator.text.name_matching import NameGuard

Length = Literal["full", "one-page"]
DEFAULT_LENGTH: Length = "full"


PRIORITY_SCORE = {"high": 3.0, "medium": 2.0, "low": 1.0}
AUDIENCE_BONUS = 3.0
"""An item the authors marked as meant for this audience."""
FOCUS_BONUS = 4.0
"""An item on a theme the meeting is about; outranks a merely weighted theme."""
RECENCY_SCORE = 1.5
"""The most recent item gains this much over the oldest."""
_RANK_ORDER = itemgetter(0, 1, 2)
"""Pinned first, then best score, then id; never the item itself, which does not compare."""


@dataclass(frozen=True)
class Selection:
    """What one briefing will say, ranked, before any wording is chosen."""

    kb: KnowledgeBase
    audience: model.Audience
    meeting: model.Meeting | None
    distribution: model.Sensitivity
    length: Length
    talking_points: tuple[model.Fact, ...]
    background: tuple[model.Fact, ...]
    cases: tuple[model.Case, ...]
    recommendations: tuple[model.Recommendation, ...]
    responses: tuple[model.Response, ...]
    levers: tuple[model.Lever, ...]
    guard: NameGuard
    """Finds the people this output must not name; compose checks every string against it."""
    citable: frozenset[str]
    """Ids of the sources this output may cite: within its level, naming no one it may not name."""
    cut: tuple[str, ...] = ()
    """What fitting took out of the selection as first made, such as "background fact 'x'"."""
    gaps: tuple[model.Instrument, ...] = ()
    """The audience's instruments no passage of the knowledge base speaks of: the briefing names them as
    gaps to fill rather than stretch a passage over them."""


Pick = Claimable | model.Lever
PickT = TypeVar("PickT", model.Fact, model.Case, model.Recommendation, model.Response, model.Lever)
Picks = dict[str, list[Pick]]
"""The items of each section of a Selection, by field name, while they are chosen and trimmed."""


def select(
    kb: KnowledgeBase,
    audience: model.Audience,
    meeting: model.Meeting | None = None,
    level: model.Sensitivity = model.Sensitivity.PUBLIC,
    length: Length = DEFAULT_LENGTH,
    as_of: datetime.date | None = None,
) -> Selection:
    """Pick and rank the items of one briefing, at the level and length its request resolved.

    How many items of each kind it holds is the knowledge base's budget for
    its length (see `core.settings`). With `as_of`, the briefing is the one
    that could have been written that day: no source published later is
    cited and no item dated later is shown.
    """
    budget = kb.settings.budgets[length]
    guard = name_guard(kb, level)
    sources = _citable_sources(kb, level, guard, as_of)
    ranker = _Ranker(kb, audience, meeting, level, guard, sources, as_of)
    levers = _levers(kb, audience, sources, guard)[: budget.levers]
    # A fact that only restates a lever the briefing shows would say the same thing twice.
    restates = _restatement(levers)
    facts = (fact for fact in ranker.rank(kb.facts.values()) if fact.id in ranker.pinned or not restates(fact))
    talking_points, background = _talking_points_and_background(facts, kb, budget.talking_points, budget.background)
    picks: Picks = {
        "talking_points": list(talking_points),
        "background": list(background),
        "cases": list(ranker.rank(kb.cases.values())[: budget.cases]),
        "recommendations": list(ranker.rank(kb.recommendations.values())[: budget.asks]),
        "responses": list(ranker.rank(kb.responses.values())[: budget.responses]),
        "levers": list(levers),
    }
    answers = rebuttals(kb.responses)
    _answer_claims(picks, kb, answers, ranker, budget.responses)
    # A rebuttal stays as long as its claim does: trimming takes the claim first.
    _fit(picks, budget.characters, audience, ranker.pinned | _needed_rebuttals(picks, kb, answers))
    # What trimming left of each claim still needs its rebuttal (pinned claims included).
    _drop_unanswered_claims(picks, kb, answers)
    return Selection(
        kb=kb,
        audience=audience,
        meeting=meeting,
        distribution=level,
        length=length,
        talking_points=_picked(picks["talking_points"], model.Fact),
        # Background reads as a story, so it runs in date order.
        background=tuple(sorted(_picked(picks["background"], model.Fact), key=lambda fact: (fact.as_of, fact.id))),
        cases=_picked(picks["cases"], model.Case),
        recommendations=_picked(picks["recommendations"], model.Recommendation),
        responses=_picked(picks["responses"], model.Response),
        levers=_picked(picks["levers"], model.Lever),
        guard=guard,
        citable=sources,
        gaps=tuple(not_covered(kb, audience)),
    )


def _citable_sources(
    kb: KnowledgeBase, level: model.Sensitivity, guard: NameGuard, as_of: datetime.date | None
) -> frozenset[str]:
    """Ids of the sources the briefing may cite: within its level, naming no one it may not, published by `as_of`."""
    return frozenset(
        source.id
        for source in kb.sources.values()
        if citable(source, level, guard) and (as_of is None or source.date <= as_of)
    )


def _levers(
    kb: KnowledgeBase, audience: model.Audience, sources: frozenset[str], guard: NameGuard
) -> list[model.Lever]:
    """The audience's levers, then those of the audience it is part of, whose every source may be cited and
    that name no one they may not."""
    return [
        lever
        for audience_id in audience.lineage
        for lever in kb.levers.get(audience_id, {}).values()
        if all(c.source in sources for c in lever.sources) and naming_field(lever, guard) is None
    ]


def _picked(items: Iterable[Pick], kind: type[PickT]) -> tuple[PickT, ...]:
    """A section's items as the kind that section holds (it holds no other)."""
    return tuple(item for item in items if isinstance(item, kind))


def _restatement(levers: list[model.Lever]) -> Callable[[model.Fact], bool]:
    """Whether a fact cites only passages that one of the levers also cites, in part or whole."""
    cited = [(c.source, " ".join(c.passage.split())) for lever in levers for c in lever.sources]

    def restates(fact: model.Fact) -> bool:
        return bool(levers) and all(
            any(source == c.source and (passage in text or text in passage) for source, passage in cited)
            for c in fact.sources
            for text in [" ".join(c.passage.split())]
        )

    return restates


def _talking_points_and_background(
    facts: Iterable[model.Fact], kb: KnowledgeBase, talking_room: int, background_room: int
) -> tuple[list[model.Fact], list[model.Fact]]:
    """The first facts, best first, that state no claim of the government's are the talking points: its
    claims are background to answer, never lines to take. The first of the others are the background.

    Facts are read only until both are full: a large knowledge base ranks thousands.
    """
    talking_points: list[model.Fact] = []
    background: list[model.Fact] = []
    for fact in facts:
        if len(talking_points) < talking_room and not states_claim(fact, kb.sources):
            talking_points.append(fact)
        elif len(background) < background_room:
            background.append(fact)
        if len(talking_points) >= talking_room and len(background) >= background_room:
            break
    return talking_points, background


CLAIM_SECTIONS = ("talking_points", "background", "cases", "recommendations")


def _is_claim(item: Pick, kb: KnowledgeBase) -> bool:
    # A lever is what the audience itself can do, never the government's case.
    return not isinstance(item, model.Lever) and states_claim(item, kb.sources)


def _answer_claims(
    picks: Picks, kb: KnowledgeBase, answers: dict[str, list[model.Response]], ranker: _Ranker, room: int
) -> None:
    """Bring each selected claim's rebuttal into "if raised", or drop the claim.

    A rebuttal takes the place of the lowest-ranked response that answers no
    selected claim and is not pinned, when "if raised" is full.
    """
    responses = picks["responses"]
    for section in CLAIM_SECTIONS:
        for item in list(picks[section]):
            if not _is_claim(item, kb) or _answered(item, responses, answers):
                continue
            rebuttal = next((r for r in answers.get(item.id, []) if ranker.admissible(r)), None)
            if (
                rebuttal is not None
                and len(responses) >= room
                and (spare := _spare_response(picks, kb, answers, ranker.pinned)) is not None
            ):
                responses.remove(spare)
            if rebuttal is not None and len(responses) < room:
                responses.append(rebuttal)
            else:
                picks[section].remove(item)


def _answered(item: Pick, responses: Collection[Pick], answers: dict[str, list[model.Response]]) -> bool:
    return any(response in responses for response in answers.get(item.id, []))


def _spare_response(
    picks: Picks, kb: KnowledgeBase, answers: dict[str, list[model.Response]], pinned: set[str]
) -> Pick | None:
    """The lowest-ranked response that no selected claim needs and no meeting pins."""
    needed = _needed_rebuttals(picks, kb, answers)
    return next(
        (
            response
            for response in reversed(picks["responses"])
            if response.id not in needed and response.id not in pinned
        ),
        None,
    )


def _needed_rebuttals(picks: Picks, kb: KnowledgeBase, answers: dict[str, list[model.Response]]) -> set[str]:
    """Ids of the responses that answer a selected claim."""
    return {
        response.id
        for section in CLAIM_SECTIONS
        for item in picks[section]
        if _is_claim(item, kb)
        for response in answers.get(item.id, [])
    }


def _drop_unanswered_claims(picks: Picks, kb: KnowledgeBase, answers: dict[str, list[model.Response]]) -> None:
    for section in CLAIM_SECTIONS:
        picks[section][:] = [
            item for item in picks[section] if not _is_claim(item, kb) or _answered(item, picks["responses"], answers)
        ]


def without_unanswered_claims(selection: Selection) -> Selection:
    """`selection` less every claim whose rebuttal it no longer holds: a rebuttal that gives way takes its claim."""
    picks: Picks = {section: list(getattr(selection, section)) for section in (*CLAIM_SECTIONS, "responses")}
    _drop_unanswered_claims(picks, selection.kb, rebuttals(selection.kb.responses))
    return replace(
        selection,
        talking_points=_picked(picks["talking_points"], model.Fact),
        background=_picked(picks["background"], model.Fact),
        cases=_picked(picks["cases"], model.Case),
        recommendations=_picked(picks["recommendations"], model.Recommendation),
        responses=_picked(picks["responses"], model.Response),
    )


TRIM_ORDER = (
    ("responses", 2),
    ("background", 2),
    ("levers", 2),
    ("talking_points", 3),
    ("cases", 2),
    ("background", 0),
    ("responses", 1),
)
"""What gives way, in turn, when a briefing runs long, and how many of each always stay."""


def _fit(picks: Picks, characters: int, audience: model.Audience, pinned: set[str]) -> None:
    """Drop the lowest-ranked items until the text fits the length budget; never a pinned one."""
    total = sum(room_taken(item, audience) for items in picks.values() for item in items)
    for section, keep in TRIM_ORDER:
        items = picks[section]
        for item in reversed(items[keep:]):
            if total <= characters:
                return
            if item.id not in pinned:
                items.remove(item)
                total -= room_taken(item, audience)


def room_taken(item: Pick, audience: model.Audience) -> int:
    """Roughly how much room an item takes on the page, in characters."""
    if isinstance(item, model.Fact):
        # Counted as a full briefing's talking point: the line, then its evidence.
        return len(model.worded_for(item.lines, audience) or "") + len(
            model.worded_for(item.wording, audience) or item.text
        )
    if isinstance(item, model.Case):
        # A card's labelled fields take more room than their text.
        ask = model.worded_for(item.asks, audience) or ""
        return int(
            1.3
            * (
                len(item.role)
                + len(item.status)
                + len(ask)
                + len(" ".join(filter(None, (item.charge, item.sentence))) or item.summary)
            )
        )
    if isinstance(item, model.Recommendation):
        return len(model.worded_for(item.asks, audience) or "")
    if isinstance(item, model.Response):
        return len(item.claim) + len(item.reply)
    return len(item.name) + len(item.text)


class _Ranker:
    def __init__(
        self,
        kb: KnowledgeBase,
        audience: model.Audience,
        meeting: model.Meeting | None,
        level: model.Sensitivity,
        guard: NameGuard,
        sources: frozenset[str],
        as_of: datetime.date | None = None,
    ) -> None:
        self.kb = kb
        self.as_of = as_of
        self.audience = audience
        self.meeting = meeting
        self.level = level
        self.guard = guard
        self.sources = sources
        self.pinned = set(meeting.include) if meeting else set()
        self.focus = set(meeting.focus) if meeting else set()
        dates = [item_date(self.kb, item) for kind in ITEM_KINDS for item in getattr(kb, kind).values()]
        self.oldest = min(dates, default=datetime.date.min)
        self.span = max((max(dates, default=self.oldest) - self.oldest).days, 1)

    def rank(self, items: Iterable[Item]) -> list[Item]:
        """Items this output may show, pinned ones first, best first, ties by id."""
        ranked: list[tuple[bool, float, str, Item]] = []
        for item in items:
            if self.admissible(item):
                score = self._score(item)
                if score > 0 or item.id in self.pinned:
                    ranked.append((item.id not in self.pinned, -score, item.id, item))
        ranked.sort(key=_RANK_ORDER)
        return [entry[-1] for entry in ranked]

    def admissible(self, item: Item) -> bool:
        if item.only_for and not self.audience.reads(item.only_for):
            return False
        if self.as_of and item_date(self.kb, item) > self.as_of:
            return False
        return reason_left_out(self.kb, item, self.level, self.guard, self.sources, self.meeting) is None

    def _score(self, item: Item) -> float:
        weights = sorted([self.audience.theme_weights.get(theme, 0) for theme in item.themes], reverse=True)
        relevance = weights[0] + 0.25 * sum(weights[1:]) if weights else 0.0
        if self.audience.reads(item.audiences):
            relevance += AUDIENCE_BONUS
        if not self.focus.isdisjoint(item.themes):
            relevance += FOCUS_BONUS
        if relevance == 0:
            return 0.0
        recency = RECENCY_SCORE * (item_date(self.kb, item) - self.oldest).days / self.span
        return relevance + PRIORITY_SCORE[item.priority] + recency
