"""Warnings about what an official would find missing in the room.

An ask the audience has no instrument for, or an agenda item no ask or line
answers, is not an error: the briefing still renders. But the generator can
see both, so it says so rather than trusting a careful writer.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterator

from generator.core.errors import Diagnostic
from generator.core.kinds import AGENDA, INSTRUMENT, LONG, NAME_LIST
from generator.kb import model
from generator.kb.load import KnowledgeBase
from generator.policy.eligibility import item_date
from generator.policy.withholding import FieldPath
from generator.text.sentences import sentences

Locate = Callable[[str, str, FieldPath, str, str], Diagnostic]
"""(kind of item, item id, field path, message, kind of problem) -> the message at the line the field is written on."""


MAX_LINE_SENTENCES = 2
"""A line to take is said aloud in the room: one or two sentences, with the evidence printed beneath it."""
MAX_ASK_SENTENCES = 1
"""An ask is one sentence; its history belongs to the background."""
MIN_NAME_WORD = 4
"""Shorter words of a name ("Max", "Ali") are too common in a source's prose to stand for the person."""
LIST_OF_NAMES = 3
"""A passage naming this many of the knowledge base's people is a list: it says who, not what happened."""


def room_warnings(kb: KnowledgeBase, case_sentences: dict[str, list[str]], locate: Locate) -> Iterator[Diagnostic]:
    """`case_sentences` holds, by case id, the sentences of the archived sources its passages are cut from."""
    yield from _asks_without_instrument(kb, locate)
    yield from _long_lines_and_asks(kb, locate)
    yield from _cases_named_only_in_lists(kb, case_sentences, locate)
    for meeting in kb.meetings.values():
        yield from _agenda_unanswered(kb, meeting, locate)


def ask_key(asks: dict[str, str], audience: model.Audience) -> str | None:
    """The key of the ask worded for `audience`: its own, the one it is part of, else the default; None when
    there is none."""
    for key in (*audience.lineage, "default"):
        if key in asks:
            return key
    return None


def reaches(item: model.Item, audience: model.Audience) -> bool:
    """Whether any briefing for `audience` may show `item`."""
    return not item.only_for or audience.reads(item.only_for)


def _asks_without_instrument(kb: KnowledgeBase, locate: Locate) -> Iterator[Diagnostic]:
    """Each key ask worded for an audience that lists its instruments must use one of them.

    A case's ask is what to ask for the person, through whichever instrument the key asks use.
    """
    for item in kb.recommendations.values():
        missing: dict[str, list[str]] = {}
        for audience in kb.audiences.values():
            key = ask_key(item.asks, audience)
            if key is None or not audience.instruments or not reaches(item, audience):
                continue
            if not audience.instruments_named_in(item.asks[key]):
                missing.setdefault(key, []).append(audience.id)
        for key, audience_ids in missing.items():
            what = (
                f"the ask for '{key}'" if key != "default" else f"the default ask, used for {', '.join(audience_ids)},"
            )
            yield locate(
                "recommendations",
                item.id,
                ("asks", key),
                f"warning: {what} names none of the instruments its audience holds (listed in "
                f"audiences/{audience_ids[0]}.yaml); say which one the official would use, or list it there "
                "with the words that name it",
                INSTRUMENT,
            )


def _long_lines_and_asks(kb: KnowledgeBase, locate: Locate) -> Iterator[Diagnostic]:
    for fact in kb.facts.values():
        for audience_id, line in fact.lines.items():
            if (count := len(sentences(line))) > MAX_LINE_SENTENCES:
                yield locate(
                    "facts",
                    fact.id,
                    ("lines", audience_id),
                    f"warning: the line to take for '{audience_id}' runs to {count} sentences; an official says one "
                    f"or two, and the fact is printed beneath it as evidence",
                    LONG,
                )
    for recommendation in kb.recommendations.values():
        for audience_id, ask in recommendation.asks.items():
            if (count := len(sentences(ask))) > MAX_ASK_SENTENCES:
                yield locate(
                    "recommendations",
                    recommendation.id,
                    ("asks", audience_id),
                    f"warning: the ask for '{audience_id}' runs to {count} sentences; make it one, and move its "
                    "history to a fact",
                    LONG,
                )


def _cases_named_only_in_lists(
    kb: KnowledgeBase, case_sentences: dict[str, list[str]], locate: Locate
) -> Iterator[Diagnostic]:
    """A case card needs a passage about the person; one cut from a list of names gives it nothing to say.

    Passages are read in the whole sentence their source has them in, so that one cut at the person's
    name ("activists including A, B") is seen as the list it is. A sentence naming no one may still be
    about them ("the two men used Facebook") once another has named them alone or with one other.
    """
    words_of = {case.id: _name_words(case) for case in kb.cases.values()}
    for case in kb.cases.values():
        named = [
            {other for other, words in words_of.items() if words & said}
            for said in map(_words, case_sentences.get(case.id, ()))
            if words_of[case.id] & said
        ]
        if named and all(len(people) >= LIST_OF_NAMES for people in named):
            yield locate(
                "cases",
                case.id,
                ("summary",),
                f"warning: every passage case '{case.id}' cites names the person only in a list, beside at "
                f"least {min(map(len, named)) - 1} other people of this knowledge base, so its card cannot say "
                "what happened to them; cite a passage about them, or leave the case out",
                NAME_LIST,
            )


def _words(text: str) -> set[str]:
    """The words of `text`, lower-cased and without accents: how a name is looked for in a source's sentence."""
    bare = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return set(re.findall(r"[a-z]+", bare.casefold()))


def _name_words(case: model.Case) -> set[str]:
    """The words of a person's name and aliases long enough to stand for them in a source ("Bokaev", "Talgat")."""
    return {word for name in (case.name, *case.aliases) for word in _words(name) if len(word) >= MIN_NAME_WORD}


def _agenda_unanswered(kb: KnowledgeBase, meeting: model.Meeting, locate: Locate) -> Iterator[Diagnostic]:
    """Every agenda item needs an ask or a line the meeting's briefing can show."""
    audience = kb.audiences.get(meeting.audience)
    if audience is None:
        return
    for index, agenda_item in enumerate(meeting.agenda):
        where = ("agenda", index)
        if not agenda_item.themes:
            yield locate(
                "meetings",
                meeting.id,
                where,
                f"warning: agenda item '{agenda_item.title}' lists no themes, so no ask or line can be matched "
                "to it; write it as `- title: ...` with `themes: [...]`",
                AGENDA,
            )
        elif not _answers(kb, meeting, audience, set(agenda_item.themes)):
            yield locate(
                "meetings",
                meeting.id,
                where,
                f"warning: no ask or line for {audience.full_name} that this meeting's briefing can show is on "
                f"a theme of agenda item '{agenda_item.title}' ({', '.join(agenda_item.themes)}); write one, "
                "or take the item off the agenda",
                AGENDA,
            )


def _answers(kb: KnowledgeBase, meeting: model.Meeting, audience: model.Audience, themes: set[str]) -> bool:
    """Whether an ask, a case's ask or a line to take on one of `themes` may reach the meeting's briefing."""

    def may_show(item: model.Recommendation | model.Case | model.Fact, date: datetime.date) -> bool:
        return (
            bool(themes.intersection(item.themes))
            and reaches(item, audience)
            and meeting.distribution.allows(item.sensitivity)
            and date <= meeting.date
        )

    return (
        any(may_show(item, item_date(kb, item)) for item in kb.recommendations.values())
        or any(may_show(case, case.as_of) for case in kb.cases.values() if ask_key(case.asks, audience))
        or any(may_show(fact, fact.as_of) for fact in kb.facts.values() if model.worded_for(fact.lines, audience))
    )
