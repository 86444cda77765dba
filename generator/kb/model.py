"""The content model: one declared class per kind of YAML file.

Validation here is per item and per field; checks that span items (ids that
must exist, unused sources) live in `validate.py`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema, model_validator

from generator.kb.sensitivity import Sensitivity as Sensitivity
from generator.text.catalogue import languages
from generator.text.characters import LINE_BREAK, refused_problem
from generator.text.markup import parse

MAX_TEXT_LENGTH = 4000
"""Longer than any paragraph a briefing should carry; protects the renderers."""

MAX_STALE_AFTER_DAYS = 36_525
"""A century: a fact older than that is history, better marked `historical` than kept current."""
MAX_THEME_WEIGHT = 5
"""The weight of a theme an audience cares about most; 0 is a theme it never reads about."""

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def check_text(value: str) -> str:
    """Refuse text no renderer can print safely, or that reads otherwise than it searches.

    The message reads after the field's name.
    """
    if problem := refused_problem(value):
        raise ValueError(problem)
    if len(value) > MAX_TEXT_LENGTH:
        raise ValueError(f"is {len(value):,} characters long, more than {MAX_TEXT_LENGTH:,}; shorten it")
    if not value.strip():
        raise ValueError("is empty")
    if "](" in value:  # only a link can make markup invalid
        parse(value)
    return value


def check_line(value: str) -> str:
    """Text that must stay on one line, such as a name stamped in a footer."""
    check_text(value)
    if match := LINE_BREAK.search(value):
        raise ValueError(f"contains a line break at position {match.start() + 1}; write it on one line")
    return value


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
Text = Annotated[str, AfterValidator(check_text)]
# Strict: a bare number is not a date, nor 1 a yes; YAML already gives real
# dates and booleans for what is written as one.
Date = Annotated[datetime.date, Field(strict=True)]
Flag = Annotated[bool, Field(strict=True)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=2000)]
Line = Annotated[str, AfterValidator(check_line)]
# Relative, within the country folder: no absolute path, no part that starts with a dot (so no "..").
ArchivePath = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$", max_length=300)
]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
# Every number is bounded: what a briefing does with it (a span of days, a share of
# the ranking) must stay within what dates and scores can hold.
Days = Annotated[int, Field(strict=True, ge=1, le=MAX_STALE_AFTER_DAYS)]
Weight = Annotated[int, Field(strict=True, ge=0, le=MAX_THEME_WEIGHT)]


def check_language(value: str) -> str:
    """A language is one the generator has a catalogue of words for. The message reads after the field's name."""
    if value not in languages():
        raise ValueError(f"'{value}' is not a language with a catalogue; available: {', '.join(languages())}")
    return value


Language = Annotated[
    str,
    AfterValidator(check_language),
    # Editors offer the languages shipped when the schema was written; `check` knows those installed.
    WithJsonSchema({"type": "string", "enum": list(languages())}),
]


Priority = Literal["high", "medium", "low"]

Stance = Literal["independent", "intergovernmental", "government", "pro-government"]
PARTISAN_STANCES = frozenset({"government", "pro-government"})
"""What a source on one of these says is the government's case, not evidence."""


class Model(BaseModel):
    # Validators are built on first use: a render worker only unpickles items
    # loaded elsewhere, and a run whose input is cached validates nothing.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    KEY: ClassVar[str] = "id"
    """The field that names an item of this kind in messages and references."""
    NOT_PRINTED: ClassVar[frozenset[str]] = frozenset()
    """Text fields no copy prints: ids that only link items, references to other items, notes
    for the authors. The withheld-names guard of `check` and of `generate` reads every other
    text field, however deep (`withholding.shown_fields`)."""


class Theme(Model):
    NOT_PRINTED = frozenset({"id"})

    id: Id
    label: Text


class Contact(Model):
    """Who a reader of a leave-behind can get back to; every part but the name is optional."""

    name: Text
    organisation: Text | None = None
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)] | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 ()./-]{4,30}$")] | None = None


class CountryNames(Model):
    """A country's names in one language; each falls back to the country's own field."""

    name: Text | None = None
    short_name: Text | None = None
    name_in_text: Text | None = None


class Country(Model):
    id: Id
    name: Text
    """The full name, as the title block gives it: "Republic of Kazakhstan"."""
    short_name: Text | None = None
    """In titles and headings: "Kazakhstan". Defaults to `name`."""
    name_in_text: Text | None = None
    """In running text, with its article as the sentence needs it: "the Republic of Kazakhstan". Defaults to
    `name`, which English gives "the" when it names a kind of state ("Republic of ...", "United Kingdom")."""
    names: dict[Language, CountryNames] = {}
    """The same names in other languages, by language tag (`fr: {short_name: Kazakhstan}`)."""
    local_name: Text | None = None
    prepared_by: Text
    stale_after_days: Days = 1095
    contact: Contact | None = None

    def name_in(self, language: str) -> str:
        return self._name("name", language)

    def short_name_in(self, language: str) -> str:
        return self._name("short_name", language)

    def name_in_text_in(self, language: str) -> str:
        return self._name("name_in_text", language)

    def _name(self, kind: Literal["name", "short_name", "name_in_text"], language: str) -> str:
        """This kind of name in `language`, else in the country's own fields, else the full name,
        which English running text gives its article."""
        translated = self.names.get(language)
        chosen: str | None = getattr(translated, kind, None) or getattr(self, kind)
        if chosen:
            return chosen
        full = (translated and translated.name) or self.name
        return with_article(full) if kind == "name_in_text" and language.startswith("en") else full


_NAMED_AS_A_STATE = re.compile(
    r"\b(Republic|Kingdom|Federation|Union|States|Emirates|Islands|Commonwealth|Principality|Sultanate|Duchy|"
    r"Confederation|State)\b|^(Netherlands|Philippines|Gambia|Bahamas)$"
)


def with_article(name: str) -> str:
    """An English country name as running text needs it: "the Republic of Kazakhstan", "the United
    Kingdom", "the Netherlands", but "Kazakhstan"."""
    if name.startswith(("the ", "The ")) or not _NAMED_AS_A_STATE.search(name):
        return name
    return f"the {name}"


class Citation(Model):
    NOT_PRINTED = frozenset({"source", "passage"})
    """The source is printed from its own entry; the passage is checked against the source, never shown."""

    source: Id
    passage: Text
    locator: Line | None = None
    """Where in the source the passage is ("p. 4"), printed after the source; `check` holds a page to the archive."""


class Source(Model):
    NOT_PRINTED = frozenset({"id", "date_note", "archive", "original", "original_sha256"})
    """The note and the archived files' names are for the authors; the archived text's hash is printed."""

    id: Id
    title: Text
    title_descriptive: Flag = False
    """The document prints no title; `title` describes it and is shown unquoted."""
    publisher: Text
    author: Text | None = None
    date: Date
    date_approximate: Flag = False
    date_note: Text | None = None
    kind: Literal["ngo-report", "op-ed", "news", "official", "commentary"]
    url: Url | None = None
    archive: ArchivePath | None = None
    """The text of the document as extracted, relative to the country folder: `sources/<id>.txt`.
    Pages of a paged document are separated by form feeds. `check` finds every cited passage in it."""
    archive_sha256: Sha256 | None = None
    original: ArchivePath | None = None
    """The document as published (`sources/<id>.pdf`, `.html` or `.docx`), when the team has it."""
    original_sha256: Sha256 | None = None
    sensitivity: Sensitivity = Sensitivity.PUBLIC
    stance: Stance = "independent"
    """Whose side the publication is on; a claim resting only on a partisan stance needs its rebuttal."""

    @model_validator(mode="after")
    def _hash_with_its_file(self) -> Source:
        for name in ("archive", "original"):
            if getattr(self, f"{name}_sha256") is not None and getattr(self, name) is None:
                raise ValueError(f"{name}_sha256 is given without {name}: the file it is the hash of")
        return self


class Item(Model):
    """What facts, cases, recommendations and responses share."""

    NOT_PRINTED = frozenset({"themes", "audiences", "only_for"})

    id: Id
    themes: list[Id] = Field(min_length=1)
    priority: Priority
    audiences: list[Id] = []
    only_for: list[Id] = []
    """The audiences whose own levers the item rests on (a Magnitsky sanction, a point about
    U.S. companies); no other audience's briefing shows it. Empty: any audience's may."""
    sensitivity: Sensitivity = Sensitivity.PUBLIC
    sources: list[Citation] = Field(min_length=1)


class Fact(Item):
    # Its id is read too: a briefing carries the ids of the out-of-date facts it prints.
    text: Text
    as_of: Date
    as_of_approximate: Flag = False
    historical: Flag = False
    review_by: Date | None = None
    claim: Flag | None = None
    """Whether the fact states a claim that needs its rebuttal; unset, it does when every
    source it cites is government or pro-government."""
    wording: dict[Id, Text] = {}
    """Per-audience phrasing of the fact itself: the evidence as that audience reads it."""
    lines: dict[Id, Text] = {}
    """Per-audience line to take: what that official can say or ask, in their own spelling.

    A talking point leads with it, and the fact follows as its evidence.
    """


class Case(Item):
    """A person's case. Their name is printed only where they may be named; their aliases never are."""

    NOT_PRINTED = Item.NOT_PRINTED | {"id", "aliases"}

    name: Text
    aliases: list[Text] = []
    anonymised_as: Text
    may_name: Flag
    role: Text
    charge: Text | None = None
    article: Text | None = None
    sentence: Text | None = None
    restrictions: Text | None = None
    summary: Text
    status: Text
    as_of: Date
    as_of_approximate: Flag = False
    asks: dict[Id, Text] = {}
    """What each audience can ask for this person, with a `default` for the others."""


class Recommendation(Item):
    NOT_PRINTED = Item.NOT_PRINTED | {"id", "addressee", "cases"}

    addressee: Id
    text: Text
    cases: list[Id] = []
    asks: dict[Id, Text]


class Response(Item):
    NOT_PRINTED = Item.NOT_PRINTED | {"id", "rebuts"}

    claim: Text
    reply: Text
    claim_sources: list[Citation] = []
    rebuts: list[Id] = []
    """Facts whose claim this reply answers; a briefing showing one of them shows this reply too."""


class Lever(Model):
    NOT_PRINTED = frozenset({"id", "themes"})

    id: Id
    name: Text
    text: Text
    themes: list[Id] = Field(min_length=1)
    sources: list[Citation] = Field(min_length=1)


def folded_for_terms(text: str) -> str:
    """`text` as an instrument's terms are looked for in it: each run of whitespace one space, whatever the case."""
    return " ".join(text.split()).casefold()


class Instrument(Model):
    """Something an audience can do itself: a sanctions regime, a dialogue, a lender's standards."""

    NOT_PRINTED = frozenset({"id", "terms"})

    id: Id
    name: Text
    terms: list[Text] = Field(min_length=1)
    """Words that show a text uses the instrument ("Magnitsky", "human rights dialogue"), matched whatever the case."""

    def named_in(self, text: str) -> bool:
        return self.named_in_folded(folded_for_terms(text))

    def named_in_folded(self, folded: str) -> bool:
        """Whether text already passed through `folded_for_terms` names the instrument."""
        return any(folded_for_terms(term) in folded for term in self.terms)


class Audience(Model):
    """What is true of an audience whatever the country; its levers live in each country's folder."""

    NOT_PRINTED = frozenset({"part_of"})

    id: Id
    name: Text
    full_name: Text
    addressee: Text
    language: Language
    paper: Literal["a4", "letter"]
    date_style: Literal["day-month", "month-day"]
    theme_weights: dict[Id, Weight]
    instruments: list[Instrument] = []
    """What this audience can do; every ask for it should use one of them, and a briefing names those
    our sources say nothing about. An audience that is part of another and lists none holds the other's."""
    part_of: Id | None = None
    """The audience this one is part of (the EBRD, of lenders): it reads what is written for the other,
    after what is written for itself, and is briefed with the other's levers after its own."""

    @property
    def lineage(self) -> tuple[str, ...]:
        """The ids whose wording, asks and levers this audience reads, its own first."""
        return (self.id, self.part_of) if self.part_of else (self.id,)

    def reads(self, audience_ids: list[str]) -> bool:
        """Whether anything written for `audience_ids` is written for this audience."""
        return any(audience_id in audience_ids for audience_id in self.lineage)

    def instruments_named_in(self, text: str) -> list[Instrument]:
        return [instrument for instrument in self.instruments if instrument.named_in(text)]


def worded_for(wordings: Mapping[str, str], audience: Audience) -> str | None:
    """The text worded for `audience` or the audience it is part of, else the default, else None."""
    return next((wordings[key] for key in (*audience.lineage, "default") if key in wordings), None)


class Attendee(Model):
    """Someone at the meeting; a role is enough where a name should not be written down."""

    name: Text | None = None
    role: Text
    side: Literal["ours", "theirs", "host", "other"]
    bio: Text | None = None
    sensitivity: Sensitivity = Sensitivity.PUBLIC
    copy_: Flag = Field(False, alias="copy")
    """Gets a copy stamped with their name whenever the meeting's briefing is generated."""

    @model_validator(mode="after")
    def _named_if_copied(self) -> Attendee:
        if self.copy_ and self.name is None:
            raise ValueError("copy: true needs the attendee's name, which the copy is stamped with")
        return self


class Logistics(Model):
    time: Text | None = None
    place: Text | None = None
    interpretation: Text | None = None


class Position(Model):
    """What the counterpart is known to hold, with the passages that say so."""

    text: Text
    sources: list[Citation] = []
    sensitivity: Sensitivity = Sensitivity.PUBLIC


class Commitment(Model):
    """Something either side undertook at an earlier meeting."""

    text: Text
    date: Date | None = None
    sensitivity: Sensitivity = Sensitivity.PUBLIC


class AgendaItem(Model):
    """One point of a meeting's agenda, and the themes whose asks and lines answer it."""

    title: Text
    themes: list[Id] = []

    @model_validator(mode="before")
    @classmethod
    def _from_title(cls, data: object) -> object:
        # An agenda written as plain lines stays valid; `check` asks for its themes.
        return {"title": data} if isinstance(data, str) else data


class Meeting(Model):
    NOT_PRINTED = frozenset({"country", "audience", "focus", "include"})

    id: Id
    country: Id
    audience: Id
    date: Date
    place: Text
    title: Text
    participants: list[Text] = []
    purpose: Text
    focus: list[Id] = []
    include: list[Id] = []
    length: Literal["full", "one-page"] = "full"
    distribution: Sensitivity = Sensitivity.PUBLIC
    objective: Text | None = None
    """What success looks like: the first line of the summary box."""
    agenda: list[AgendaItem] = []
    attendees: list[Attendee] = []
    logistics: Logistics | None = None
    positions: list[Position] = []
    previous_commitments: list[Commitment] = []


class Raised(Model):
    """Something we raised at a meeting: an item of the knowledge base, or words of our own."""

    NOT_PRINTED = frozenset({"item"})
    """A letter prints the item's own wording, read where the item is defined."""

    item: Id | None = None
    text: Text | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Raised:
        if (self.item is None) == (self.text is None):
            raise ValueError("needs exactly one of 'item:' (an id from the knowledge base) and 'text:'")
        return self


class Statement(Model):
    """What the counterpart said; in confidence unless marked otherwise."""

    text: Text
    sensitivity: Sensitivity = Sensitivity.CONFIDENTIAL


class RecordedCommitment(Model):
    """Something the counterpart undertook to do, by a date."""

    NOT_PRINTED = frozenset({"id"})

    id: Id
    who: Text
    what: Text
    by: Date
    status: Literal["open", "met"] = "open"
    sensitivity: Sensitivity = Sensitivity.PUBLIC


class Action(Model):
    """A follow-up of ours: who does what by when."""

    owner: Text
    what: Text
    due: Date
    done: Flag = False
    sensitivity: Sensitivity = Sensitivity.PUBLIC


class Record(Model):
    """What happened at a meeting, written beside its file as `<meeting>.record.yaml`.

    Each entry is shown only where both the record's and its own sensitivity allow.
    """

    KEY: ClassVar[str] = "meeting"
    NOT_PRINTED = frozenset({"meeting"})
    """The meeting's id is printed, and read, where the meeting defines it."""

    meeting: Id
    held_on: Date
    sensitivity: Sensitivity = Sensitivity.PUBLIC
    attended: list[Attendee] = []
    raised: list[Raised] = []
    they_said: list[Statement] = []
    commitments: list[RecordedCommitment] = []
    actions: list[Action] = []
