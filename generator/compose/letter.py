"""The follow-up letter after a meeting: a `Brief` of kind "letter", composed from its record.

It goes to the counterpart, so it is at most restricted: it carries only the
commitments within its level that name no one it may not name, never what
the counterpart said, and the asks we raised in this audience's wording,
each case's under the name (or description) a briefing at its level would use.

A letter in another language is given its items translated (`kb.translations`):
what is still in English is marked, and counted at the end, as in a briefing.
"""

from __future__ import annotations

import datetime

from generator.compose.brief import Brief, MetaRow, Point, Section
from generator.compose.briefing import (
    Untranslated,
    Words,
    contact_lines,
    document_labels,
    handling,
    refuse_withheld_names,
    shown_name,
)
from generator.core.errors import UsageError
from generator.kb import model
from generator.kb.load import KnowledgeBase
from generator.policy.withholding import name_guard, naming_field
from generator.select import records
from generator.text.markup import parse
from generator.text.name_matching import NameGuard

LETTER_LEVELS = (model.Sensitivity.PUBLIC, model.Sensitivity.RESTRICTED)
"""A letter leaves our hands: nothing confidential may go into it."""


def compose_letter(
    kb: KnowledgeBase,
    record: model.Record,
    level: model.Sensitivity,
    date: datetime.date,
    *,
    audience: model.Audience | None = None,
    meeting: model.Meeting | None = None,
    untranslated: frozenset[str] = frozenset(),
) -> Brief:
    """The letter that thanks the counterpart and restates their commitments and our asks.

    It is dated no earlier than the meeting: a letter written ahead, or built
    under a fixed build date, must not thank people for a meeting yet to come.
    It is written in `audience`'s language (by default the meeting's audience, as the knowledge base has it),
    with `meeting` as it names it; `untranslated` are the `kind:id` of the items shown in English.
    """
    if level not in LETTER_LEVELS:
        raise UsageError("a letter goes to the counterpart: its distribution is public or restricted")
    date = max(date, record.held_on)
    meeting = meeting or kb.meetings[record.meeting]
    audience = audience or kb.audiences[meeting.audience]
    words = Words(audience)
    english = Untranslated(untranslated, words)
    guard = name_guard(kb, level)
    held_on = words.date(record.held_on)
    ours = f"records:{record.meeting}"
    commitments = tuple(
        Point(
            english.mark(ours, parse(commitment.what)),
            label=commitment.who,
            as_of=words("letter.by", date=words.date(commitment.by)),
        )
        for commitment in records.shown_entries(record, record.commitments, level, guard)
    )
    asks = _asks(kb, record, audience, level, guard, english)
    english.count(f"meetings:{meeting.id}")
    english.count(f"audiences:{audience.id}")
    author_note = english.note(f"country:{kb.country.id}")
    sections = [
        Section("salutation", "", (Point(parse(words("letter.salutation"))),)),
        Section("thanks", "", (Point(parse(words("letter.thanks", place=meeting.place, date=held_on))),)),
        Section("commitments", words("letter.commitments"), commitments, style="bullets"),
        Section("asks", words("letter.asks"), asks, style="numbered"),
        Section("close", "", (Point(parse(words("letter.close"))),)),
        # What is still in English is counted where a briefing counts it: after everything else.
        english.section(),
    ]
    contact = kb.country.contact
    country = kb.country.short_name_in(audience.language)
    sign_off = words("letter.sign-off")
    brief = Brief(
        title=words("letter.title", date=held_on),
        subtitle=english.suffixed(f"meetings:{meeting.id}", meeting.title),
        country=country,
        audience_id=audience.id,
        audience_name=audience.full_name,
        classification=words(f"frame.banner.{level.value}"),
        handling=handling(level, words),
        date=date,
        date_label=words.date(date),
        language=audience.language,
        paper=audience.paper,
        author=kb.country.prepared_by,
        author_note=author_note,
        meeting_id=meeting.id,
        # The strip ends with the team, as a briefing's does: no "From" row to name it twice.
        meta=(MetaRow(words("letter.to"), audience.addressee),),
        sections=tuple(section for section in sections if section.points),
        untranslated=tuple(english.shown),
        keywords=(country, words("frame.keyword"), audience.name, words("letter.keyword")),
        kind="letter",
        closing=(sign_off, *contact_lines(contact)) if contact else (sign_off, kb.country.prepared_by),
        labels=document_labels(words, kicker=words("letter.kicker"), subject=words("letter.title", date=held_on)),
        theme=kb.settings.theme,
    )
    refuse_withheld_names(brief, guard, file_name_parts={"country id (in the file name)": kb.country.id})
    return brief


def _asks(
    kb: KnowledgeBase,
    record: model.Record,
    audience: model.Audience,
    level: model.Sensitivity,
    guard: NameGuard,
    english: Untranslated,
) -> tuple[Point, ...]:
    """What we raised, as this audience's asks: a recommendation in its wording, a case's ask under the
    person's name (or description), our own words as written.

    A case is shown, or left out, exactly as a briefing at this level would show it. Facts and responses
    we raised are evidence, not asks, and stay out.
    """
    asks = []
    for raised in records.shown_entries(record, record.raised, level, guard):
        item = raised.item or ""
        if raised.text:
            asks.append(Point(english.mark(f"records:{record.meeting}", parse(raised.text))))
        elif (recommendation := kb.recommendations.get(item)) and _shown(recommendation, level, guard):
            ask = model.worded_for(recommendation.asks, audience) or recommendation.asks["default"]
            asks.append(Point(english.mark(f"recommendations:{item}", parse(ask))))
        elif (case := kb.cases.get(item)) and case.asks and _shown(case, level, guard):
            ask = model.worded_for(case.asks, audience) or case.asks["default"]
            asks.append(Point(english.mark(f"cases:{item}", parse(ask)), label=shown_name(case)))
    return tuple(asks)


def _shown(item: model.Item, level: model.Sensitivity, guard: NameGuard) -> bool:
    return level.allows(item.sensitivity) and naming_field(item, guard) is None
