"""The follow-up letter after a meeting: a `Brief` of kind "letter", composed from its record.

It goes to the counterpart, so it is at most restricted: it carries only the
commitments within its level that name no one it may not name, never what
the counterpart said, and the asks we raised in this audience's wording.
"""

from __future__ import annotations

import datetime

from . import __version__, records
from .brief import Brief, MetaRow, Point, Section
from .compose import format_date, handling, refuse_withheld_names
from .errors import UsageError
from .kb import model
from .kb.load import KnowledgeBase
from .labels import label
from .markup import parse
from .names import NameGuard
from .withholding import name_guard, naming_field

LETTER_LEVELS = (model.Sensitivity.PUBLIC, model.Sensitivity.RESTRICTED)
"""A letter leaves our hands: nothing confidential may go into it."""


def compose_letter(kb: KnowledgeBase, record: model.Record, level: model.Sensitivity, date: datetime.date) -> Brief:
    """The letter that thanks the counterpart and restates their commitments and our asks."""
    if level not in LETTER_LEVELS:
        raise UsageError("a letter goes to the counterpart: its distribution is public or restricted")
    meeting = kb.meetings[record.meeting]
    audience = kb.audiences[meeting.audience]
    language = audience.language
    guard = name_guard(kb, level)
    held_on = format_date(record.held_on, audience)
    commitments = tuple(
        Point(
            parse(commitment.what),
            label=commitment.who,
            as_of=label("letter.by", language).format(date=format_date(commitment.by, audience)),
        )
        for commitment in records.shown_entries(record, record.commitments, level, guard)
    )
    sections = [
        Section("salutation", "", (Point(parse(label("letter.salutation", language))),)),
        Section(
            "thanks", "", (Point(parse(label("letter.thanks", language).format(place=meeting.place, date=held_on))),)
        ),
        Section("commitments", label("letter.commitments", language), commitments, style="bullets"),
        Section("asks", label("letter.asks", language), _asks(kb, record, audience, level, guard), style="numbered"),
        Section("close", "", (Point(parse(label("letter.close", language))),)),
    ]
    contact = kb.country.contact
    brief = Brief(
        title=label("letter.title", language).format(date=held_on),
        subtitle=meeting.title,
        country=kb.country.name,
        audience_id=audience.id,
        audience_name=audience.full_name,
        classification=label(f"frame.banner.{level.value}", language),
        handling=handling(level, language),
        date=date,
        date_label=format_date(date, audience),
        language=language,
        paper=audience.paper,
        author=kb.country.prepared_by,
        meeting_id=meeting.id,
        meta=(MetaRow("To", audience.addressee), MetaRow("From", kb.country.prepared_by)),
        sections=tuple(section for section in sections if section.points),
        keywords=(kb.country.name, "human rights", audience.name, "follow-up"),
        knowledge_base=kb.revision,
        generator_version=__version__,
        kind="letter",
        closing=(
            label("letter.sign-off", language),
            *(part for part in (contact.name, contact.organisation, contact.email, contact.phone) if part),
        )
        if contact
        else (label("letter.sign-off", language), kb.country.prepared_by),
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
    """What we raised, as this audience's asks: a recommendation in its wording, our own words as written.

    Facts, cases and responses we raised are evidence, not asks, and stay out.
    """
    asks = []
    for raised in records.shown_entries(record, record.raised, level, guard):
        if raised.text:
            asks.append(Point(parse(raised.text)))
        elif (recommendation := kb.recommendations.get(raised.item or "")) and _shown(recommendation, level, guard):
            asks.append(Point(parse(recommendation.asks.get(audience.id, recommendation.asks["default"]))))
    return tuple(asks)


def _shown(item: model.Item, level: model.Sensitivity, guard: NameGuard) -> bool:
    return level.allows(item.sensitivity) and naming_field(item, guard) is None
