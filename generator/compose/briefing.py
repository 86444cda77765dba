"""Build the format-neutral `Brief` from a `Selection`.

All wording decisions live here: which phrasing an audience gets, how dates
read, how sources are numbered. The renderers only lay out what this returns.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

from generator import __version__
from generator.compose.brief import (
    Brief,
    CaseEntry,
    CaseLabels,
    Cite,
    Labels,
    MetaRow,
    Point,
    ResponseEntry,
    Section,
    SourceEntry,
    SummaryRow,
    strings,
)
from generator.core.errors import RenderError
from generator.kb import model
from generator.policy.staleness import newest_source, older_than_limit, out_of_date
from generator.select import records
from generator.select.selection import Selection
from generator.text.catalogue import message, plural_form
from generator.text.markup import parse
from generator.text.name_matching import NameGuard
from generator.text.rich import RichText, Span
from generator.text.sentences import first_sentence

MAX_KEYWORD_THEMES = 5
QUOTES = "“”\"'‘’"


class Words:
    """The audience's words for what we write: catalogue messages, dates and quotation marks."""

    def __init__(self, audience: model.Audience) -> None:
        self.language = audience.language
        self.date_style = audience.date_style

    def __call__(self, message_id: str, **values: object) -> str:
        text = message(message_id, self.language)
        # A value ending on an abbreviation's full stop ("22 июля 2021 г.") ends the sentence with it too.
        for name, value in values.items():
            if isinstance(value, str) and value.endswith("."):
                text = text.replace(f"{{{name}}}.", f"{{{name}}}")
        return text.format(**values)

    def date(self, date: datetime.date) -> str:
        """A day, in the order the audience reads dates (where its language has a choice)."""
        return self._format(date, f"date.{self.date_style}")

    def month(self, date: datetime.date, approximate: bool = False) -> str:
        """Month precision is what a reader needs; an approximate date says so."""
        if not approximate:
            return self._format(date, "date.month")
        # "About" governs its own case: Russian "ок. декабря 2016 г.", not the nominative "декабрь".
        return self("content.approximately", date=self._format(date, "date.month-approximately"))

    def as_of(self, date: datetime.date, approximate: bool) -> str:
        return self("content.as-of", date=self.month(date, approximate))

    def month_span(self, dates: list[datetime.date]) -> str | None:
        """ "July 2015 – February 2021": month precision is what a reader weighs facts by."""
        if not dates:
            return None
        first, last = self.month(min(dates)), self.month(max(dates))
        return first if first == last else self("date.span", first=first, last=last)

    def quote(self, text: str) -> str:
        return self("quote", text=text)

    def listing(self, parts: list[str]) -> str:
        """ "A, B and C", as the audience's language joins a list."""
        from babel.lists import format_list

        return format_list(parts, locale=self.language.replace("-", "_"))

    def plural(self, message_id: str, count: int, **values: object) -> str:
        """The message's form for `count` in the audience's language (`.one`, `.few`, `.many`, `.other`)."""
        return self(f"{message_id}.{plural_form(self.language, count)}", count=count, **values)

    def _format(self, date: datetime.date, pattern_id: str) -> str:
        # Imported here: `check` and `list` import this module's callers but never format a date.
        from babel.dates import format_date

        return format_date(date, message(pattern_id, self.language), locale=self.language.replace("-", "_"))


class _Dating:
    """Puts the date into each printed sentence of an item older than the country's limit, and counts them.

    Historical items are dated too: `historical` spares a fact the out-of-date
    marker, never its date.
    """

    def __init__(self, words: Words, country: model.Country, date: datetime.date) -> None:
        self.words, self.country, self.date = words, country, date
        self.dates: list[datetime.date] = []
        self.openers = set(words("content.dated.lower-case-openers").split())

    def needs_date(self, as_of: datetime.date) -> bool:
        return older_than_limit(as_of, self.country, self.date)

    def statement(self, text: str, as_of: datetime.date, approximate: bool) -> str:
        """ "As of July 2021, the authorities …": a sentence of fact, lower-cased where it opens on a common word."""
        if not self.needs_date(as_of):
            return text
        self.dates.append(as_of)
        return self._message("content.dated", as_of, approximate, self._continued(text))

    def ask(self, text: str, source: model.Source | None) -> str:
        """An ask is an instruction, not a statement: its date says how recent the evidence behind it is."""
        if source is None or not self.needs_date(source.date):
            return text
        self.dates.append(source.date)
        return self._message("content.dated-ask", source.date, source.date_approximate, self._continued(text))

    def _continued(self, text: str) -> str:
        """The sentence as it reads after the date: lower-cased where it opens on a common word, never a name."""
        first = text.split(maxsplit=1)[0].rstrip(",;:") if text.strip() else ""
        # An elided article opens a word of its own: French "L’UE" reads "l’UE" after the date.
        elided = any(opener.endswith(("’", "'")) and first.lower().startswith(opener) for opener in self.openers)
        if (first.lower() in self.openers or elided) and first[:1].isupper():
            return text[:1].lower() + text[1:]
        return text

    def banner(self) -> str | None:
        """ "Check before the meeting: N items date from before YEAR", when anything printed is dated."""
        if not self.dates:
            return None
        return self.words.plural("frame.check-before", len(self.dates), year=max(self.dates).year + 1)

    def _message(self, message_id: str, as_of: datetime.date, approximate: bool, text: str) -> str:
        suffix = "-approximately" if approximate else ""
        return self.words(message_id + suffix, date=self.words.month(as_of), sentence=text)


RECORD_KEY = "record:"
"""Prefix of a cited meeting record among source ids, which cannot contain a colon."""


class _Citations:
    """Numbers sources in the order the briefing first cites them."""

    def __init__(self, selection: Selection, words: Words, english: Untranslated) -> None:
        self.selection = selection
        self.words = words
        self.english = english
        self.numbers: dict[str, int] = {}

    def cite_record(self, meeting_id: str) -> tuple[Cite, ...]:
        """Our own record of an earlier meeting, cited like a source."""
        number = self.numbers.setdefault(RECORD_KEY + meeting_id, len(self.numbers) + 1)
        return (Cite(number, str(number)),)

    def cite(self, citations: list[model.Citation]) -> tuple[Cite, ...]:
        """One mark per citable source, in number order, with every place in it the citations give."""
        places: dict[int, list[str]] = {}
        for citation in citations:
            if citation.source in self.selection.citable:
                number = self.numbers.setdefault(citation.source, len(self.numbers) + 1)
                located = places.setdefault(number, [])
                if citation.locator and citation.locator not in located:
                    located.append(citation.locator)
        return tuple(self._mark(number, located) for number, located in sorted(places.items()))

    def _mark(self, number: int, located: list[str]) -> Cite:
        if not located:
            return Cite(number, str(number))
        return Cite(number, self.words("content.cite-locator", number=str(number), locator="; ".join(located)))

    def entries(self) -> tuple[SourceEntry, ...]:
        return tuple(self._entry(key, number) for key, number in self.numbers.items())

    def _entry(self, key: str, number: int) -> SourceEntry:
        words, kb = self.words, self.selection.kb
        if key.startswith(RECORD_KEY):
            meeting = kb.meetings[key.removeprefix(RECORD_KEY)]
            reference = words("record.reference", date=words.date(meeting.date), meeting=meeting.id)
            return SourceEntry(number, reference, stance=words("record.stance"))
        source = kb.sources[key]
        # A leave-behind is handed over, and like the revision it leaves out, the texts' hashes are ours alone.
        digest = source.archive_sha256 if self.selection.length != "one-page" else None
        archive = words("content.archived-text", digest=digest[:12]) if digest else None
        return SourceEntry(
            number,
            _reference(source, words, self.english),
            source.url,
            stance=words(f"content.stance-{source.stance}"),
            archive=archive,
        )


class Untranslated:
    """Marks the items a briefing or letter in another language shows in English, and counts those it marks,
    each once however many of its parts it prints."""

    def __init__(self, keys: frozenset[str], words: Words) -> None:
        self.keys = keys
        self.words = words
        self.shown: list[str] = []

    def mark(self, key: str, text: RichText) -> RichText:
        if (note := self.note(key)) is None:
            return text
        return (*text, Span(" "), Span(note, emphasis=True))

    def note(self, key: str) -> str | None:
        """ "(in English)" for an item shown in English, counted; None for one in the language."""
        if key not in self.keys:
            return None
        self.count(key)
        return self.words("content.untranslated")

    def suffixed(self, key: str, text: str) -> str:
        """`text`, followed by "(in English)" when its item is shown in English: a heading's plain text."""
        note = self.note(key)
        return f"{text} {note}" if note else text

    def count(self, key: str) -> None:
        """Count an item shown in English where no mark fits, such as a meeting's title."""
        if key in self.keys and key not in self.shown:
            self.shown.append(key)

    def section(self) -> Section:
        """The closing count of what is not yet translated; empty when nothing is."""
        if not self.shown:
            return Section("untranslated", "")
        line = self.words.plural("content.untranslated-count", len(self.shown))
        return Section("untranslated", self.words("section.translation"), points=(Point((Span(line),)),))


def _reference(source: model.Source, words: Words, english: Untranslated) -> str:
    """The source as the sources list names it, its title marked when shown in English in another language."""
    date = words.month(source.date, True) if source.date_approximate else words.date(source.date)
    who = f"{source.author}, " if source.author else ""
    title = words("content.untitled", title=source.title) if source.title_descriptive else words.quote(source.title)
    title = english.suffixed(f"sources:{source.id}", title)
    return words("content.reference", author=who, title=title, publisher=source.publisher, date=date)


def compose(
    selection: Selection,
    *,
    date: datetime.date,
    recipient: str | None = None,
    copy_number: int | None = None,
    untranslated: frozenset[str] = frozenset(),
) -> Brief:
    """The whole briefing as a document model; both renderers read only this.

    `untranslated` are the `kind:id` of items shown in English in a briefing in another language:
    each is marked, and the briefing ends with how many there are.
    """
    kb, audience, meeting = selection.kb, selection.audience, selection.meeting
    words = Words(audience)
    english = Untranslated(untranslated, words)
    cite = _Citations(selection, words, english)
    country = kb.country.short_name_in(audience.language)
    one_page = selection.length == "one-page"
    stale = {
        fact.id for fact in (*selection.talking_points, *selection.background) if out_of_date(fact, kb.country, date)
    }
    dating = _Dating(words, kb.country, date)
    sections = _sections(selection, words, cite, dating, stale, english)
    sources = cite.entries()
    # The meeting and the audience are named all over the frame, in English where they are not translated.
    if meeting:
        english.count(f"meetings:{meeting.id}")
    english.count(f"audiences:{audience.id}")
    author_note = english.note(f"country:{kb.country.id}")
    if english.shown:
        sections = (*sections, english.section())
    # Document properties hold little (Word caps keywords at 255 characters):
    # the themes of the asks say what the briefing is about.
    themes = sorted({theme for item in selection.recommendations for theme in item.themes})[:MAX_KEYWORD_THEMES]
    brief = Brief(
        title=words("frame.title", country=country),
        subtitle=(
            english.suffixed(f"meetings:{meeting.id}", meeting.title)
            if meeting
            else english.suffixed(f"audiences:{audience.id}", words("frame.subtitle", audience=audience.full_name))
        ),
        country=country,
        audience_id=audience.id,
        audience_name=audience.full_name,
        classification=words(f"frame.banner.{selection.distribution.value}"),
        handling=handling(selection.distribution, words),
        out_of_date=tuple(sorted(stale)),
        untranslated=tuple(english.shown),
        cut=selection.cut,
        check_before=None if one_page else dating.banner(),
        date=date,
        date_label=words.date(date),
        language=audience.language,
        paper=audience.paper,
        author=kb.country.prepared_by,
        author_note=author_note,
        length=selection.length,
        meeting_id=meeting.id if meeting else None,
        recipient=recipient,
        meta=_meta(selection, words),
        sections=sections,
        sources=sources,
        keywords=(country, words("frame.keyword"), audience.name, *(kb.themes[t].label for t in themes)),
        contact=contact_lines(kb.country.contact),
        contact_label=words("frame.contact"),
        labels=document_labels(
            words,
            kicker=words("frame.kicker"),
            subject=words("frame.subject", country=country, audience=audience.full_name),
        ),
        recipient_line=_recipient_line(words, recipient, copy_number),
        # The revision and version match our copy to its manifest; the other side has no use for them.
        provenance=None if one_page else provenance(words, kb.revision),
        theme=kb.settings.theme,
    )
    refuse_withheld_names(brief, selection.guard, file_name_parts={"country id (in the file name)": kb.country.id})
    return brief


def _sections(
    selection: Selection, words: Words, cite: _Citations, dating: _Dating, stale: set[str], english: Untranslated
) -> tuple[Section, ...]:
    """The body in reading order, which is also the order sources are first cited and numbered in.

    Page one is for the room: what the meeting is for, what we ask, what the
    official can say. Where things stand, the meeting's frame and the
    background follow.
    """
    audience = selection.audience
    one_page = selection.length == "one-page"
    lead = _lead(selection, words, english)
    asks = _asks(selection, cite, dating, english)
    talking_points = tuple(
        _marked(
            _talking_point(fact, audience, words, cite, dating, one_page, fact.id in stale), f"facts:{fact.id}", english
        )
        for fact in selection.talking_points
    )
    # A leave-behind goes to the other side: our record of earlier meetings and our frame of this one stay off it.
    in_the_room = selection.meeting is not None and not one_page
    follow_up = _since_we_last_met(selection, words, cite, english) if in_the_room else Section("since", "")
    cases = _cases_section(selection, words, cite, dating, english)
    meeting_box = _meeting_at_a_glance(selection, words, cite, dating) if in_the_room else Section("meeting", "")
    background = tuple(
        _marked(
            _fact_point(
                fact, model.worded_for(fact.wording, audience) or fact.text, words, cite, dating, fact.id in stale
            ),
            f"facts:{fact.id}",
            english,
        )
        for fact in selection.background
    )
    responses = tuple(
        ResponseEntry(
            parse(response.claim),
            english.mark(f"responses:{response.id}", parse(response.reply)),
            cite.cite(response.claim_sources + response.sources),
        )
        for response in selection.responses
    )
    levers = tuple(
        Point(english.mark(f"levers:{lever.id}", parse(lever.text)), cite.cite(lever.sources), label=lever.name)
        for lever in selection.levers
    )
    # Empty sections are dropped, which is also how a one-page briefing
    # loses background, "if raised" and levers: selection leaves them empty.
    sections = [
        section
        for section in (
            lead,
            Section("asks", words("section.asks"), points=asks, style="numbered"),
            Section("talking-points", words("content.lines-to-take"), points=talking_points, style="bullets"),
            follow_up,
            cases,
            meeting_box,
            Section("background", words("section.background"), points=background),
            Section("if-raised", words("section.if-raised"), responses=responses),
            Section("levers", words("section.levers", audience=audience.full_name), points=levers, style="bullets"),
            # A leave-behind has no levers, and our gaps are for our officials.
            Section("gaps", words("section.gaps"), points=() if one_page else _gaps(selection, words)),
        )
        if section.points or section.cases or section.responses or section.rows
    ]
    return tuple(_leave_behind(sections, words) if one_page else sections)


def _lead(selection: Selection, words: Words, english: Untranslated) -> Section:
    """What the briefing is for: the meeting's objective where it states one, else its purpose, marked when
    the meeting is shown in English."""
    meeting = selection.meeting
    if meeting and meeting.objective:
        objective = Point(english.mark(f"meetings:{meeting.id}", parse(meeting.objective)))
        return Section("objective", words("frame.objective"), points=(objective,))
    purpose = Point(parse(_purpose(selection, words)))
    if meeting:
        purpose = _marked(purpose, f"meetings:{meeting.id}", english)
    return Section("purpose", words("section.purpose"), points=(purpose,))


def _marked(point: Point, key: str, english: Untranslated) -> Point:
    return replace(point, text=english.mark(key, point.text))


def _asks(selection: Selection, cite: _Citations, dating: _Dating, english: Untranslated) -> tuple[Point, ...]:
    """The asks in the order of the meeting's agenda, each led by the agenda item it answers."""
    kb, audience = selection.kb, selection.audience
    agenda = selection.meeting.agenda if selection.meeting else []

    def agenda_index(recommendation: model.Recommendation) -> int:
        """The agenda item on the ask's first theme, else the first sharing any of its themes."""
        main, themes = recommendation.themes[0], set(recommendation.themes)
        on_main = (index for index, item in enumerate(agenda) if main in item.themes)
        on_any = (index for index, item in enumerate(agenda) if themes.intersection(item.themes))
        return next(on_main, next(on_any, len(agenda)))

    points = []
    for recommendation in sorted(selection.recommendations, key=agenda_index):
        index = agenda_index(recommendation)
        text = dating.ask(
            _ask(recommendation.asks, audience),
            newest_source(recommendation.sources, kb.sources, selection.citable),
        )
        label = agenda[index].title if index < len(agenda) else None
        marked = english.mark(f"recommendations:{recommendation.id}", parse(text))
        points.append(Point(marked, cite.cite(recommendation.sources), label=label))
    return tuple(points)


def _ask(asks: dict[str, str], audience: model.Audience) -> str:
    """The ask worded for the audience or the one it is part of, else the default every ask has (see `check`)."""
    return model.worded_for(asks, audience) or asks["default"]


def _gaps(selection: Selection, words: Words) -> tuple[Point, ...]:
    """The audience's instruments our sources say nothing about: a gap to fill, not a passage to stretch."""
    if not selection.gaps:
        return ()
    instruments = words.listing([instrument.name for instrument in selection.gaps])
    return (Point(parse(words("content.not-covered", instruments=instruments))),)


def _purpose(selection: Selection, words: Words) -> str:
    """The meeting's own purpose, or what a briefing for this audience is for."""
    if selection.meeting:
        return selection.meeting.purpose
    audience = selection.audience
    values = {
        "addressee": audience.addressee,
        "country": selection.kb.country.name_in_text_in(audience.language),
        "audience": audience.full_name,
    }
    asks = [_ask(rec.asks, audience) for rec in selection.recommendations]
    used = [instrument.name for instrument in audience.instruments if any(map(instrument.named_in, asks))]
    if not used:
        return words("content.purpose", **values)
    return words("content.purpose-through", instruments=words.listing(used), **values)


def _cases_section(
    selection: Selection, words: Words, cite: _Citations, dating: _Dating, english: Untranslated
) -> Section:
    cards = tuple(
        replace(card, status=english.mark(f"cases:{case.id}", card.status))
        for case, card in (
            (case, _case_entry(case, selection.audience, words, cite, dating)) for case in selection.cases
        )
    )
    if selection.length == "one-page":
        # Handed over at the end of a meeting, a card says where the person stands and what we ask;
        # the story is in the full briefing.
        cards = tuple(replace(card, detail=()) for card in cards)
    return Section("cases", words("section.cases"), cases=cards)


def _meta(selection: Selection, words: Words) -> tuple[MetaRow, ...]:
    """The strip under the title: the country, who the briefing is for, the meeting, its distribution and the
    facts' dates.

    How many items are out of date is the banner's to say, above the title.
    """
    country, meeting = selection.kb.country, selection.meeting
    local = f" ({country.local_name})" if country.local_name else ""
    meta = [
        MetaRow(words("frame.meta.country"), f"{country.name_in(selection.audience.language)}{local}"),
        MetaRow(words("frame.meta.for"), selection.audience.addressee),
    ]
    if meeting:
        when_where = words("frame.meta.meeting-value", date=words.date(meeting.date), place=meeting.place)
        meta += [MetaRow(words("frame.meta.meeting"), when_where)]
        if meeting.participants and selection.length != "one-page":
            meta.append(MetaRow(words("frame.meta.participants"), "; ".join(meeting.participants)))
    meta.append(MetaRow(words("frame.meta.distribution"), words(f"frame.level.{selection.distribution.value}")))
    if selection.length != "one-page":
        # How current our facts are is for our officials to weigh, not for the other side.
        dated: tuple[model.Fact | model.Case, ...] = (
            *selection.talking_points,
            *selection.background,
            *selection.cases,
        )
        if span := words.month_span([item.as_of for item in dated]):
            meta.append(MetaRow(words("frame.facts-dated"), span))
    return tuple(meta)


def document_labels(words: Words, *, kicker: str, subject: str) -> Labels:
    """The words the renderers print around any document's content."""
    return Labels(
        kicker=kicker,
        sources=words("section.sources"),
        claim=words("content.they-may-say"),
        reply=words("content.response"),
        page=words("frame.page", page="{page}", pages="{pages}"),
        subject=subject,
        colon=words("punctuation.colon"),
    )


def _recipient_line(words: Words, recipient: str | None, copy_number: int | None) -> str | None:
    """ "Prepared for NAME · Copy N", for the page footer."""
    if not recipient:
        return None
    line = words("frame.prepared-for", recipient=recipient)
    if copy_number is not None:
        line += " · " + words("frame.copy", number=copy_number)
    return line


def provenance(words: Words, revision: str) -> str | None:
    """What matches a printed copy to its manifest entry."""
    if not revision:
        return None
    return words("frame.provenance", revision=revision, version=__version__)


def _meeting_at_a_glance(selection: Selection, words: Words, cite: _Citations, dating: _Dating) -> Section:
    """The meeting's frame (what it is for, the agenda, who sits where), holding only what this copy may show."""
    meeting = selection.meeting
    assert meeting is not None

    def shown(item: model.Attendee | model.Position | model.Commitment) -> bool:
        text = " ".join(str(value) for value in item.model_dump(exclude={"sensitivity", "sources"}).values() if value)
        return selection.distribution.allows(item.sensitivity) and not selection.guard.find(text)

    rows = []
    if meeting.objective:
        # The objective leads the briefing; the purpose is the longer account of the meeting.
        rows.append(SummaryRow(words("section.purpose"), (Point(parse(meeting.purpose)),)))
    if meeting.agenda:
        rows.append(SummaryRow(words("frame.agenda"), tuple(Point(parse(item.title)) for item in meeting.agenda)))
    for side in ("ours", "theirs", "host", "other"):
        people = tuple(_attendee(person) for person in meeting.attendees if person.side == side and shown(person))
        if people:
            rows.append(SummaryRow(words(f"frame.attendees.{side}"), people))
    if meeting.logistics:
        for part in ("time", "place", "interpretation"):
            if value := getattr(meeting.logistics, part):
                rows.append(SummaryRow(words(f"frame.logistics.{part}"), (Point(parse(value)),)))
    positions = tuple(
        Point(parse(_position_text(position, selection, dating)), cite.cite(position.sources))
        for position in meeting.positions
        if shown(position) and all(c.source in selection.citable for c in position.sources)
    )
    if positions:
        rows.append(SummaryRow(words("frame.positions"), positions))
    commitments = tuple(
        Point(parse(commitment.text), as_of=words.date(commitment.date) if commitment.date else None)
        for commitment in meeting.previous_commitments
        if shown(commitment)
    )
    if commitments:
        rows.append(SummaryRow(words("frame.commitments"), commitments))
    return Section("meeting", words("frame.summary"), rows=tuple(rows))


MAX_FOLLOW_UPS = 6
"""Commitments carried into one briefing, overdue first: enough to press on, few enough to fit."""
MAX_STATEMENTS = 3


def _since_we_last_met(selection: Selection, words: Words, cite: _Citations, english: Untranslated) -> Section:
    """What the counterpart undertook at earlier meetings of this audience, and where each stands.

    Only entries this copy may show are read: within the record's level and
    their own, and naming no one the copy may not name. Each status is judged
    on the meeting's date, the day the official asks about it, not the build date.
    """
    meeting, level, guard = selection.meeting, selection.distribution, selection.guard
    if meeting is None:
        return Section("since", "")
    commitments: list[tuple[model.Record, model.RecordedCommitment, records.Status]] = []
    statements: list[tuple[model.Record, model.Statement]] = []
    for record in records.earlier_records(selection.kb, meeting):
        for commitment in records.shown_entries(record, record.commitments, level, guard):
            commitments.append((record, commitment, records.status(commitment, meeting.date)))
        statements += [(record, said) for said in records.shown_entries(record, record.they_said, level, guard)]
    order = {"overdue": 0, "open": 1, "met": 2}
    commitments.sort(key=lambda entry: (order[entry[2]], entry[1].by, entry[1].id))
    points = [
        Point(
            parse(words(f"record.line.{status}")),
            cite.cite_record(record.meeting),
            evidence=english.mark(
                f"records:{record.meeting}", parse(f"{commitment.who}{words('punctuation.colon')} {commitment.what}")
            ),
            evidence_label=words(f"record.status.{status}", date=words.date(commitment.by)),
        )
        for record, commitment, status in commitments[:MAX_FOLLOW_UPS]
    ]
    points += [
        Point(
            english.mark(f"records:{record.meeting}", parse(said.text)),
            cite.cite_record(record.meeting),
            label=words("record.they-said"),
        )
        for record, said in statements[-MAX_STATEMENTS:]
    ]
    return Section("since-last-met", words("record.since-we-last-met"), tuple(points), style="bullets")


def _position_text(position: model.Position, selection: Selection, dating: _Dating) -> str:
    """A known position is as current as the newest source it is cited from."""
    source = newest_source(position.sources, selection.kb.sources, selection.citable)
    return position.text if source is None else dating.statement(position.text, source.date, source.date_approximate)


def _attendee(person: model.Attendee) -> Point:
    who = f"{person.name}, {person.role}" if person.name else person.role
    return Point(parse(f"{who}. {person.bio}" if person.bio else who))


def handling(level: model.Sensitivity, words: Words) -> str | None:
    if level is model.Sensitivity.PUBLIC:
        return None
    return words(f"frame.handling.{level.value}")


LEAVE_BEHIND_ORDER = ("asks", "cases", "talking-points")
"""A leave-behind says what we ask first, then for whom, then why."""


def _leave_behind(sections: list[Section], words: Words) -> list[Section]:
    """The leave-behind's sections under their own labels: read without us, it addresses the reader."""
    by_key = {section.key: section for section in sections}
    return [replace(by_key[key], title=words(f"leave-behind.{key}")) for key in LEAVE_BEHIND_ORDER if key in by_key]


def contact_lines(contact: model.Contact | None) -> tuple[str, ...]:
    if contact is None:
        return ()
    return tuple(part for part in (contact.name, contact.organisation, contact.email, contact.phone) if part)


def _fact_point(fact: model.Fact, sentence: str, words: Words, cite: _Citations, dating: _Dating, stale: bool) -> Point:
    """`sentence` (the fact, or the line resting on it) with its date: in the sentence itself once the fact
    is older than the country's limit, where the "out of date" marker then needs no date of its own."""
    as_of: str | None = words.as_of(fact.as_of, fact.as_of_approximate)
    if dating.needs_date(fact.as_of):
        sentence = dating.statement(sentence, fact.as_of, fact.as_of_approximate)
        as_of = words("frame.out-of-date") if stale else None
    elif stale:
        as_of = f"{words('frame.out-of-date')}: {as_of}"
    return Point(parse(sentence), cite.cite(fact.sources), as_of=as_of)


def _talking_point(
    fact: model.Fact,
    audience: model.Audience,
    words: Words,
    cite: _Citations,
    dating: _Dating,
    one_page: bool,
    stale: bool,
) -> Point:
    """The line this audience can take, first; the fact it rests on follows as a short cited line, its
    first sentence, so that the line, not its evidence, is what the eye finds.

    A leave-behind has no room for the evidence: the line stands alone, still cited and dated.
    """
    fact_text = model.worded_for(fact.wording, audience) or fact.text
    line = model.worded_for(fact.lines, audience)
    point = _fact_point(fact, line or fact_text, words, cite, dating, stale)
    if one_page and dating.needs_date(fact.as_of):
        # The sentence says when it was true; "out of date" is for our own officials to weigh.
        return replace(point, as_of=None)
    if line is None or one_page:
        return point
    return replace(point, evidence=parse(first_sentence(fact_text)), evidence_label=words("content.evidence"))


def shown_name(case: model.Case) -> str:
    """The person's name, or for someone who may not be named, a description."""
    return case.name if case.may_name else case.anonymised_as[:1].upper() + case.anonymised_as[1:]


def _case_entry(
    case: model.Case, audience: model.Audience, words: Words, cite: _Citations, dating: _Dating
) -> CaseEntry:
    """A case card: what was done to the person, compactly (the story when nothing formal was),
    where things stand, and what this audience can ask for them."""
    charge = None
    if case.charge:
        # The offence is quoted as the law names it, whatever quotes the author typed.
        charge = words("content.charged-with", charge=words.quote(case.charge.strip(QUOTES)))
        charge += f" ({case.article})" if case.article else ""
    what = [part for part in (charge, case.sentence) if part] or [case.summary]
    detail: list[Span] = []
    for part in what:
        if detail:
            detail.append(Span(" "))
        detail.extend(parse(part if part.endswith((".", "!", "?")) else part + "."))
    return CaseEntry(
        name=shown_name(case),
        role=case.role if case.may_name else "",
        detail=tuple(detail),
        # A status older than the limit says its date in the sentence; a recent one beside it.
        status=parse(dating.statement(case.status, case.as_of, case.as_of_approximate)),
        as_of=None if dating.needs_date(case.as_of) else words.as_of(case.as_of, case.as_of_approximate),
        citations=cite.cite(case.sources),
        ask=parse(_ask(case.asks, audience)) if case.asks else (),
        labels=CaseLabels(*(words(f"content.case-{key}") for key in ("detail", "status", "ask"))),
    )


def refuse_withheld_names(brief: Brief, guard: NameGuard, file_name_parts: dict[str, str]) -> None:
    """Refuse to produce a briefing that names someone it may not name.

    Selection already leaves such items out; this last line of defence reads
    every string of the Brief, found by walking it rather than from a list
    that a new field could be missing from.
    """
    if not guard:
        return
    for where, text in [*strings(brief), ("subject", brief.subject), *file_name_parts.items()]:
        if label := guard.find(text):
            raise RenderError(
                f"the briefing would name a person who may not be named here ({label}) in {where}; refusing to write it"
            )
