"""The follow-up letter after a meeting: a `Brief` of kind "letter", composed from its record.

It goes to the counterpart, so it is at most restricted: it carries only the
commitments within its level that name no one it may not name, never what
the counterpart said, and the asks we raised in this audience's wording,
each case's under the name (or description) a briefing at its level would use.
"""

from __future__ import annotations

import datetime

from generator.compose.brief import Brief, MetaRow, Point, Section
from generator.compose.briefing import (
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


def compose_letter(kb: KnowledgeBase, record: model.Record, level: model.Sensitivity, date: datetime.date) -> Brief:
    """The letter that thanks the counterpart and restates their commitments and our asks.

    It is dated no earlier than the meeting: a letter written ahead, or built
    under a fixed build date, must not thank people for a meeting yet to come.
    """
    if level not in LETTER_LEVELS:
        raise UsageError("a letter goes to the counterpart: its distribution is public or restricted")
    date = max(date, record.held_on)
    meeting = kb.meetings[record.meeting]
    audience = kb.audiences[meeting.audience]
    words = Words(audience)
    guard = name_guard(kb, level)
    held_on = words.date(record.held_on)
    commitments = tuple(
        Point(parse(commitment.what), label=commitment.who, as_of=words("letter.by", date=words.date(commitment.by)))
        for commitment in records.shown_entries(record, record.commitments, level, guard)
    )
    sections = [
        Section("salutation", "", (Point(parse(words("letter.salutation"))),)),
        Section("thanks", "", (Point(parse(words("letter.thanks", place=meeting.place, date=held_on))),)),
        Section("commitments", words("letter.commitments"), commitments, style="bullets"),
        Section("asks", words("letter.asks"), _asks(kb, record, audience, level, guard), style="numbered"),
        Section("close", "", (Point(parse(words("letter.close"))),)),
    ]
    contact = kb.country.contact
    country = kb.country.short_name_in(audience.language)
    sign_off = words("letter.sign-off")
    brief = Brief(
        title=words("letter.title", date=held_on),
        subtitle=meeting.title,
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
        meeting_id=meeting.id,
        meta=(MetaRow(words("letter.to"), audience.addressee), MetaRow(words("letter.from"), kb.country.prepared_by)),
        sections=tuple(section for section in sections if section.points),
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
            asks.append(Point(parse(raised.text)))
        elif (recommendation := kb.recommendations.get(item)) and _shown(recommendation, level, guard):
            asks.append(Point(parse(model.worded_for(recommendation.asks, audience) or recommendation.asks["default"])))
        elif (case := kb.cases.get(item)) and case.asks and _shown(case, level, guard):
            asks.append(
                Point(parse(model.worded_for(case.asks, audience) or case.asks["default"]), label=shown_name(case))
            )
    return tuple(asks)


def _shown(item: model.Item, level: model.Sensitivity, guard: NameGuard) -> bool:
    return level.allows(item.sensitivity) and naming_field(item, guard) is None
