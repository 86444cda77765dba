"""What the user asked for, resolved once into requests: every later stage reads a request's values.

A request's level, length, language and date are decided here and nowhere
else: `--distribution`, else the meeting's, else public; `--length`, else the
meeting's, else full; the audience's language. `generate` and the preview
both build their requests with `request_for`.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypedDict

from generator.check.validate import read_meeting_file
from generator.core.clock import build_date
from generator.core.errors import InputError, UsageError
from generator.kb import model
from generator.kb.load import KnowledgeBase
from generator.kb.translations import Translations, translations_for
from generator.policy.withholding import name_guard, unnamed
from generator.publish.publisher import copy_series, recipient_slug
from generator.publish.recipients import Recipient, attendees_to_copy, merged, read_recipients
from generator.select.selection import DEFAULT_LENGTH, Length
from generator.text.catalogue import languages


class Identity(TypedDict):
    """A request's part of a copy's identity (`manifest.IDENTITY`): all of it but format and recipient."""

    country: str
    audience: str
    meeting: str | None
    distribution: str
    length: str
    language: str
    as_of: str | None


@dataclass(frozen=True)
class Request:
    """One briefing to produce, every option resolved."""

    country: str
    """The country's folder: unique in its tree, where two countries' ids need not be."""
    audience: str
    meeting: model.Meeting | None
    level: model.Sensitivity
    """The highest sensitivity the copy may show."""
    length: Length
    language: str
    """The language the copy is written in: `--language`, else the audience's."""
    as_of: datetime.date | None
    """Build the briefing as it would have read on this day (see `select.select`)."""
    date: datetime.date
    """The briefing's date: printed on it, and in its file name unless it is for a meeting."""
    recipient: str | None = None
    organisation: str | None = None
    """Stamped after the recipient's name: "Prepared for Jane Doe, FCDO"."""
    email: str | None = None
    """Where the copy is to be sent; recorded in the manifest and the cover note, never printed."""
    copy_number: int | None = None
    """Which numbered copy a recipient's is; `generate` assigns it from the output folder's manifest."""
    other_language: str | None = None
    """`--language` when it is not the audience's own: the file name then says it."""
    translations: Translations | None = field(default=None, compare=False, repr=False)
    """The country's translations into the language, read with the knowledge base; None when it has none."""

    @property
    def stamp(self) -> str | None:
        """Who the copy is prepared for, as its footer says."""
        if self.recipient and self.organisation:
            return f"{self.recipient}, {self.organisation}"
        return self.recipient

    @property
    def series(self) -> tuple[str, str]:
        """The numbered series a recipient's copy belongs to, and the recipient."""
        return copy_series(self.identity()), self.recipient or ""

    def identity(self) -> Identity:
        """What, besides format and recipient, makes this request's copies differ from any other's."""
        return {
            "country": self.country,
            "audience": self.audience,
            "meeting": self.meeting.id if self.meeting else None,
            "distribution": self.level.value,
            "length": self.length,
            "language": self.language,
            "as_of": self.as_of.isoformat() if self.as_of else None,
        }

    def for_person(self, person: Recipient) -> Request:
        """This briefing as one person's copy."""
        return replace(self, recipient=person.name, organisation=person.organisation, email=person.email)


def request_for(
    kb: KnowledgeBase,
    audience: str,
    meeting: model.Meeting | None = None,
    *,
    distribution: model.Sensitivity | None = None,
    length: Length | None = None,
    as_of: datetime.date | None = None,
    date: datetime.date | None = None,
    language: str | None = None,
) -> Request:
    """The briefing for `audience`, or for its `meeting`, with every option the user left out decided.

    The level is `distribution`, else the meeting's, else public: the safe
    default. The language is `language`, else the audience's. The date
    defaults to the build date (see `core.clock`).
    """
    if audience not in kb.audiences:
        raise UsageError(f"no audience '{audience}'; choose one of {', '.join(sorted(kb.audiences))}")
    chosen = language_for(kb.audiences[audience], language)
    return Request(
        country=country_folder(kb),
        audience=audience,
        meeting=meeting,
        level=distribution or (meeting.distribution if meeting else model.Sensitivity.PUBLIC),
        length=length or (meeting.length if meeting else DEFAULT_LENGTH),
        language=chosen,
        other_language=chosen if chosen != kb.audiences[audience].language else None,
        as_of=as_of,
        date=date or build_date(),
        translations=translations_for(kb, chosen),
    )


def language_for(audience: model.Audience, language: str | None) -> str:
    """The language a document for `audience` is written in: `language` (`--language`), else the audience's.
    A briefing and a follow-up letter choose it alike."""
    if language is not None and language not in languages():
        raise UsageError(f"--language '{language}' has no catalogue; choose one of {', '.join(languages())}")
    return language or audience.language


def country_folder(kb: KnowledgeBase) -> str:
    """The country's folder: unique in its tree, where two countries' ids need not be."""
    return kb.origin("country", kb.country.id).path.parent.name


def requests_for(
    kb: KnowledgeBase,
    *,
    audiences: Iterable[str] = (),
    meeting_file: Path | None = None,
    distribution: model.Sensitivity | None = None,
    length: Length | None = None,
    recipient: str | None = None,
    recipients_file: Path | None = None,
    as_of: datetime.date | None = None,
    date: datetime.date | None = None,
    pdf: bool = True,
    language: str | None = None,
) -> list[Request]:
    """Turn what the user asked for into briefings, checking every name.

    Each briefing is made once per recipient (`--recipient`, the recipients
    file, and a meeting's attendees marked `copy: true`), or once unstamped
    when there is no one. With `pdf`, every name must be printable in the PDF's fonts.
    Messages about the recipients spell no name a public copy may not print.
    """
    try:
        listed = _listed(recipient, recipients_file)
    except InputError as error:
        raise InputError(unnamed(kb, error.diagnostics)) from None

    def resolved(audience: str, meeting: model.Meeting | None = None) -> Request:
        return request_for(
            kb, audience, meeting, distribution=distribution, length=length, as_of=as_of, date=date, language=language
        )

    briefings = [resolved(audience) for audience in audiences]
    if meeting_file is not None:
        read = read_meeting_file(meeting_file, kb)
        briefings.append(resolved(read.audience, read))
    requests = []
    for briefing in briefings:
        people = merged(listed, attendees_to_copy(briefing.meeting, meeting_file))
        try:
            _check_names(kb, people, briefing.level, pdf)
        except InputError as error:
            raise InputError(unnamed(kb, error.diagnostics)) from None
        requests += [briefing.for_person(person) for person in people] if people else [briefing]
    return requests


def _listed(recipient: str | None, recipients_file: Path | None) -> list[Recipient]:
    """The recipients named on the command line: `--recipient`, then the file's, in order."""
    listed = []
    if recipient is not None:
        try:
            model.check_line(recipient)
        except ValueError as error:
            raise UsageError(f"--recipient {error}") from None
        listed.append(Recipient(unicodedata.normalize("NFC", recipient)))
    if recipients_file is not None:
        listed += read_recipients(recipients_file)
    return listed


def _check_names(kb: KnowledgeBase, people: list[Recipient], level: model.Sensitivity, pdf: bool) -> None:
    """Refuse, at their lines, names the copy may not print or the PDF's fonts cannot.

    What else of a listed person's the copy records is read too: the email
    its manifest entry holds and the name as its file name spells it.
    """
    from generator.render.fonts import unprintable_problem

    guard = name_guard(kb, level)
    errors = []
    for person in people:
        problem = pdf and unprintable_problem(person.stamp, kb.settings.theme)
        if person.path is None:
            # --recipient: a withheld name is refused when composing, as it always was.
            if problem:
                raise UsageError(f"--recipient {problem}")
            continue
        for where, text in (
            ("", person.stamp),
            ("email ", person.email or ""),
            ("as the file name spells it ", recipient_slug(person.name)),
        ):
            if label := guard.find(text):
                errors.append(
                    person.diagnostic(f"{where}names a person who may not be named in a {level.value} copy ({label})")
                )
                break
        else:
            if problem:
                errors.append(person.diagnostic(f"'{person.name}' {problem}"))
    if errors:
        raise InputError(errors)
