"""The format-neutral document model that both renderers consume.

`compose` builds a `Brief`; the PDF and DOCX renderers read nothing else, so
the two formats always say the same thing. Text is kept as spans of plain
text (never markup), which makes escaping the renderers' job and only theirs.
Every word is compose's, in the audience's language: the model adds none.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Literal

from generator.text.rich import RichText, Span, plain


@dataclass(frozen=True)
class Cite:
    """A citation mark: a source's number in the sources list, and where in the source the passage is."""

    number: int
    mark: str
    """What is printed: the number, followed by the citation's locator when it has one, e.g. "3 (p. 4)"."""


@dataclass(frozen=True)
class Point:
    """A paragraph or list item with the numbers of the sources it rests on."""

    text: RichText
    citations: tuple[Cite, ...] = ()
    as_of: str | None = None
    """Display label such as "as of July 2021" for a dated claim."""
    label: str | None = None
    """A short bold lead-in, e.g. the name of a lever."""
    evidence: RichText | None = None
    """For a line to take: the fact it rests on. `text` is then the line, shown first;
    the citations and as-of date belong to the evidence."""
    evidence_label: str | None = None
    """The lead-in of the evidence, e.g. "Evidence"."""


@dataclass(frozen=True)
class CaseLabels:
    """The lead-ins of a case card's fields, in the audience's language."""

    detail: str
    status: str
    ask: str


@dataclass(frozen=True)
class Labels:
    """The briefing's own words that the renderers print around the content, in the audience's language."""

    kicker: str
    """The line above the title, e.g. "Briefing note"."""
    sources: str
    """The heading of the sources list."""
    claim: str
    """The lead-in of what the government may say in an "if raised" pair."""
    reply: str
    """The lead-in of our reply to it."""
    page: str
    """The page number in the footer, with {page} and {pages} left for the renderer, e.g. "Page {page} of {pages}"."""
    subject: str
    """The document's subject property, e.g. "Kazakhstan: briefing for United Kingdom"."""
    colon: str
    """What follows a lead-in ("Evidence", "Status") before its text, as the language writes it: ":" in English,
    a no-break space and ":" in French."""


@dataclass(frozen=True)
class CaseEntry:
    """One case card: who, what happened, where things stand, and what to ask for them."""

    name: str
    """The person's canonical name, or an anonymised description."""
    role: str
    detail: RichText
    """What was done to the person; empty in a leave-behind, whose card holds only the status and the ask."""
    status: RichText
    as_of: str | None
    """Display label such as "as of July 2021"; None when the status carries its date."""
    labels: CaseLabels
    citations: tuple[Cite, ...] = ()
    ask: RichText = ()
    """What this audience can ask for the person; empty when the knowledge base gives no ask."""


@dataclass(frozen=True)
class ResponseEntry:
    """An "if raised" pair: what the government may say and our reply."""

    claim: RichText
    reply: RichText
    citations: tuple[Cite, ...] = ()


@dataclass(frozen=True)
class SummaryRow:
    """One line of a boxed section, such as the meeting at a glance: a label and its entries."""

    label: str
    entries: tuple[Point, ...]


@dataclass(frozen=True)
class Section:
    """A titled part of the briefing.

    A section holds points, cases or responses; `style` says how points are
    laid out.
    """

    key: str
    title: str
    points: tuple[Point, ...] = ()
    cases: tuple[CaseEntry, ...] = ()
    responses: tuple[ResponseEntry, ...] = ()
    rows: tuple[SummaryRow, ...] = ()
    """A boxed table of labelled entries, such as the meeting at a glance; the title heads the box."""
    style: Literal["paragraphs", "bullets", "numbered"] = "paragraphs"


@dataclass(frozen=True)
class SourceEntry:
    """A numbered entry of the sources list."""

    number: int
    reference: str
    """Author, title, publisher and date, formatted for the audience."""
    url: str | None = None
    stance: str | None = None
    """Whose side the source is on, in reader language, e.g. "Commentary supportive of the government"."""
    archive: str | None = None
    """The start of the archived text's sha256, in reader language, e.g. "Archived text sha256 3f2a9c0d1e2f…":
    what matches a briefing to the exact text it quotes."""


@dataclass(frozen=True)
class MetaRow:
    """A label and value of the strip under the title (who it is for, the meeting, distribution...)."""

    label: str
    value: str


@dataclass(frozen=True)
class Brief:
    title: str
    subtitle: str
    country: str
    audience_id: str
    audience_name: str
    classification: str
    """The classification line, e.g. "PUBLIC" or "RESTRICTED"."""
    date: datetime.date
    date_label: str
    language: str
    """BCP 47 tag, e.g. en-GB."""
    paper: Literal["a4", "letter"]
    author: str
    """The team that prepared it, as the strip under the title says and the document's properties record."""
    labels: Labels
    length: Literal["full", "one-page"] = "full"
    """A one-page leave-behind is set tighter by the renderers."""
    meeting_id: str | None = None
    recipient: str | None = None
    meta: tuple[MetaRow, ...] = ()
    sections: tuple[Section, ...] = ()
    sources: tuple[SourceEntry, ...] = ()
    keywords: tuple[str, ...] = field(default=())
    author_note: str | None = None
    """Said after the team's name in the strip, such as "(en anglais)" where a document in another language
    shows it in English; never part of the document's properties."""
    contact: tuple[str, ...] = ()
    """Who to contact (name, organisation, email, phone), as the country file gives it."""
    contact_label: str = ""
    handling: str | None = None
    """How a restricted or confidential copy may be passed on, e.g. "Not for onward distribution."."""
    cut: tuple[str, ...] = ()
    """What fitting left out to keep within the page limit, such as "background fact 'x'": for our own
    officials, reported by `generate` and the preview, never printed."""
    out_of_date: tuple[str, ...] = ()
    """Ids of the facts shown that are stale or past their review date at the briefing's date."""
    untranslated: tuple[str, ...] = ()
    """`kind:id` of the items a briefing in another language shows in English, marked as such."""
    check_before: str | None = None
    """What the reader should check before the meeting, e.g. how many items are older than the country's limit;
    printed above everything else."""
    kind: Literal["briefing", "letter"] = "briefing"
    """A follow-up letter is laid out like a briefing, with its own kicker and a sign-off."""
    closing: tuple[str, ...] = ()
    """The lines after the body: a letter's sign-off and sender."""
    recipient_line: str | None = None
    """ "Prepared for NAME · Copy N", for the page footer of a recipient's copy, with the number the manifest
    records."""
    provenance: str | None = None
    """What matches a printed copy to its manifest entry: the knowledge-base revision and the generator's
    version, e.g. "KB 0123abcd · generator 1.2"."""
    theme: Path | None = None
    """The folder searched before the packaged templates for every template, stylesheet, font and reference
    document (see `core.settings`); None for the packaged look. A path, not text: no reader sees it."""

    @property
    def subject(self) -> str:
        return self.labels.subject


def strings(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string inside a document model, with where it is (e.g. sources[2].url).

    Found by walking the model rather than from a list a new field could be
    missing from: the name guard and the font choice must both see all of it.
    """
    if isinstance(value, str):
        yield path, value
    elif is_dataclass(value) and not isinstance(value, type):
        for item in fields(value):
            yield from strings(getattr(value, item.name), f"{path}.{item.name}" if path else item.name)
    elif isinstance(value, tuple):
        if value and all(isinstance(span, Span) for span in value):
            # A name can be split across spans ("*Qua*stik"): read the text whole, too.
            yield path, plain(value)
        for index, entry in enumerate(value):
            yield from strings(entry, f"{path}[{index}]")
