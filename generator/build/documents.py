"""From requests to published files: compose each briefing, render what changed, write and record it.

Per document, the manifest records a key of everything the document depends
on: `generate` renders only documents whose key or file changed, and writes
each as soon as it is rendered.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import itertools
import unicodedata
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.build import fitting_hints
from generator.check.validate import read_meeting_file
from generator.compose.brief import Brief
from generator.compose.briefing import compose
from generator.compose.fit import fit_to_pages
from generator.core.clock import build_date
from generator.core.errors import CopyRefused, InputError, RenderError, UsageError, WriteFailure
from generator.core.store import document_key, templates_digest
from generator.kb import model
from generator.kb.load import KnowledgeBase
from generator.policy.withholding import name_guard, unnamed
from generator.publish import manifest
from generator.publish.finished_files import leak_in
from generator.publish.publisher import (
    DEFAULT_LENGTH,
    Publisher,
    assign_copies,
    copy_series,
    output_name,
    recipient_slug,
    unchanged_sha256,
    unstamped,
)
from generator.publish.recipients import Recipient, attendees_to_copy, merged, read_recipients
from generator.render import FORMATS, REGISTRY, Format
from generator.render.pool import Event, Fitted, Job, Refused, Rendered, RenderPool, render_or_report
from generator.select.selection import Length, Selection, distribution_level, select
from generator.text.name_matching import NameGuard


@dataclass(frozen=True)
class Request:
    """One briefing to produce: an audience, optionally for a meeting."""

    audience: str
    meeting: model.Meeting | None = None
    distribution: model.Sensitivity | None = None
    length: Length | None = None
    recipient: str | None = None
    organisation: str | None = None
    """Stamped after the recipient's name: "Prepared for Jane Doe, FCDO"."""
    email: str | None = None
    """Where the copy is to be sent; recorded in the manifest and the cover note, never printed."""
    copy_number: int | None = None
    """Which numbered copy a recipient's is; `generate` assigns it from the output folder's manifest."""
    as_of: datetime.date | None = None
    """Build the briefing as it would have read on this day (see `select.select`)."""


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
    pdf: bool = True,
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
    briefings: list[tuple[str, model.Meeting | None]] = []
    for audience in audiences:
        if audience not in kb.audiences:
            raise UsageError(f"no audience '{audience}'; choose one of {', '.join(sorted(kb.audiences))}")
        briefings.append((audience, None))
    if meeting_file is not None:
        read = read_meeting_file(meeting_file, kb)
        briefings.append((read.audience, read))
    requests = []
    for audience, meeting in briefings:
        people = merged(listed, attendees_to_copy(meeting, meeting_file))
        try:
            _check_names(kb, people, distribution_level(meeting, distribution), pdf)
        except InputError as error:
            raise InputError(unnamed(kb, error.diagnostics)) from None
        base = Request(audience, meeting, distribution, length, as_of=as_of)
        requests += [replace(base, recipient=p.name, organisation=p.organisation, email=p.email) for p in people]
        requests += [base] if not people else []
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
        problem = pdf and unprintable_problem(person.stamp)
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


@dataclass(frozen=True)
class Draft:
    """A briefing selected and composed but not yet fitted to its pages: what a render job carries."""

    selection: Selection
    date: datetime.date
    recipient: str | None = None
    copy_number: int | None = None

    def compose(self, selection: Selection) -> Brief:
        return compose(selection, date=self.date, recipient=self.recipient, copy_number=self.copy_number)

    def fitted(self) -> Brief:
        """The briefing as it will be printed: laid out and trimmed until it fits its page limit."""
        from generator.render.pdf import count_pages

        return fit_to_pages(self.selection, self.compose, count_pages)

    def portable(self) -> Draft:
        """This draft holding only the part of the knowledge base fitting reads, to send to a worker.

        Composing reads the country, themes and sources, the records of
        earlier meetings with their meetings ("Since we last met"), and
        trimming the responses that answer a claim; the rest can be megabytes.
        """
        selection = self.selection
        kb = selection.kb
        kb = dataclasses.replace(
            kb,
            facts={},
            cases={},
            recommendations={},
            responses={response.id: response for response in selection.responses},
            audiences={selection.audience.id: selection.audience},
            meetings={meeting_id: kb.meetings[meeting_id] for meeting_id in kb.records if meeting_id in kb.meetings},
            origins={},
        )
        return dataclasses.replace(self, selection=dataclasses.replace(selection, kb=kb))


def draft_of(kb: KnowledgeBase, request: Request, date: datetime.date) -> Draft:
    audience = kb.audiences[request.audience]
    selection = select(kb, audience, request.meeting, request.distribution, request.length, request.as_of)
    return Draft(selection, date, _stamp(request), request.copy_number)


def compose_brief(kb: KnowledgeBase, request: Request, date: datetime.date) -> Brief:
    """The briefing as it will be printed: laid out and trimmed until it fits its page limit."""
    return draft_of(kb, request, date).fitted()


def _stamp(request: Request) -> str | None:
    if request.recipient and request.organisation:
        return f"{request.recipient}, {request.organisation}"
    return request.recipient


@dataclass
class Outcome:
    """What a build did with each document."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    """Documents whose inputs had not changed since they were written, left alone."""
    failed: list[tuple[Path, str]] = field(default_factory=list)
    sha256: dict[Path, str] = field(default_factory=dict)
    """Of every file written or left unchanged, as recorded in the manifest."""
    stopped: WriteFailure | None = None
    """The file the disk refused (full, no permission); the build stopped there, all before it recorded."""
    refused_copies: dict[Path, tuple[int, Path]] = field(default_factory=dict)
    """Stamped copies the finished-file guard refused, as messages name them: their copy number and the
    unstamped briefing's file. Their own names spell the recipient's, which may be why they were refused."""


def generate(
    kb: KnowledgeBase,
    requests: Iterable[Request],
    formats: Iterable[Format] = FORMATS,
    out_dir: Path = Path("output"),
    date: datetime.date | None = None,
    *,
    pool: RenderPool | None = None,
    force: bool = False,
    progress: Callable[[Path], None] | None = None,
    strict: bool = False,
) -> Outcome:
    """Fit and render the requested briefings in every format and write them to `out_dir`.

    A document is rendered only when something it depends on changed (see
    `store.document_key`) or the manifest does not record the file as it is,
    or with `force`; a briefing with nothing to render is not laid out at
    all. Documents are written and recorded as they are rendered, once every
    briefing has been fitted to its pages; one that fails, or would replace a
    different copy, is reported in the outcome and the rest still land.
    Raises ManifestDamaged when the folder's manifest cannot be read, TooLong
    when a briefing cannot fit and, with `strict`, InputError for the stale
    facts a briefing would print, all before the folder is touched.
    """
    formats = tuple(formats)  # iterated once per request
    date = date or build_date()
    templates = templates_digest()
    outcome = Outcome()
    pool = pool or RenderPool(0)
    requests = list(requests)
    # Numbered in the order asked for: a distribution list reads Copy 1, 2, 3 from the top.
    wanted = list(dict.fromkeys(_series(kb, request) for request in requests if request.recipient))
    # What changed is judged on the manifest as it stands, and the copy
    # numbers (they are printed) are guessed from it, then given under its lock.
    recorded = manifest.read(out_dir)
    guessed = assign_copies(recorded.copies, wanted) if wanted else {}
    drafted = _draft_all(kb, requests, guessed, formats, date, templates, out_dir)
    briefings = _to_render(drafted, recorded, force, strict, outcome)
    hints = fitting_hints.fitting_seconds()
    with contextlib.closing(pool.render_all([briefing.job(hints) for briefing in briefings])) as events:
        # Every briefing is fitted before the output folder is touched: one
        # that cannot be written leaves no folder, lock or file behind.
        held = _until_fitted(kb, events, briefings, strict)
        with Publisher(out_dir) as publisher:
            if progress:
                for path in outcome.unchanged:
                    progress(path)
            numbers = publisher.number_copies(wanted) if wanted else guessed
            # Another run may have numbered a copy meanwhile: that briefing is drafted and rendered again.
            renumbered = {
                index
                for index, briefing in enumerate(briefings)
                if _copy(kb, briefing, numbers) != _copy(kb, briefing, guessed)
            }
            _publish_all(publisher, itertools.chain(held, events), briefings, renumbered, outcome, progress)
            if renumbered and not outcome.stopped:
                requests = [briefings[index].request for index in sorted(renumbered)]
                again = _to_render(
                    _draft_all(kb, requests, numbers, formats, date, templates, out_dir), None, True, strict, outcome
                )
                with contextlib.closing(pool.render_all([briefing.job(hints) for briefing in again])) as more:
                    held = _until_fitted(kb, more, again, strict)
                    _publish_all(publisher, itertools.chain(held, more), again, set(), outcome, progress)
            _withdraw_unwritten(kb, publisher, wanted, drafted, outcome)
    outcome.written.sort()
    return outcome


def _withdraw_unwritten(
    kb: KnowledgeBase, publisher: Publisher, wanted: list[tuple[str, str]], drafted: list[_Briefing], outcome: Outcome
) -> None:
    """Give back the numbers of copies none of whose files this run wrote or found unchanged."""
    kept = {
        _series(kb, briefing.request)
        for briefing in drafted
        if any(path in outcome.sha256 for path, _ in briefing.documents.values())
    }
    try:
        publisher.withdraw_copies(key for key in wanted if key not in kept)
    except WriteFailure as failure:
        # The disk that stopped the run refuses this too: the first failure is the one to report.
        outcome.stopped = outcome.stopped or failure


def _until_fitted(
    kb: KnowledgeBase, events: Generator[tuple[int, Event]], briefings: list[_Briefing], strict: bool
) -> list[tuple[int, Event]]:
    """The documents rendered until every job's briefing is fitted; raise what refuses the whole run."""
    held: list[tuple[int, Event]] = []
    fitted = 0
    seconds: dict[str, float] = {}
    stale: set[str] = set()
    while fitted < len(briefings):
        index, event = next(events)
        if isinstance(event, Refused):
            raise event.error
        if isinstance(event, Fitted):
            fitted += 1
            seconds[briefings[index].work_key] = event.seconds
            stale.update(event.out_of_date or ())
        else:
            held.append((index, event))
    fitting_hints.remember_fitting_seconds(seconds)
    if strict:
        _refuse_out_of_date(kb, sorted(stale))
    return held


def _refuse_out_of_date(kb: KnowledgeBase, stale: list[str]) -> None:
    """--strict: a briefing may print no fact that is stale or past its review date."""
    if stale:
        raise InputError(
            unnamed(
                kb,
                [
                    kb.origin("facts", fact_id).diagnostic(
                        f"fact '{fact_id}' is stale or past its review date and this briefing would print it; "
                        "--strict refuses it: update the fact, mark it historical, or leave out --strict"
                    )
                    for fact_id in stale
                ],
            )
        )


@dataclass
class _Briefing:
    """One request on its way to its files."""

    request: Request
    draft: Draft
    stale: tuple[str, ...]
    """The stale facts the unfitted briefing prints: the fitted one prints some of them at most."""
    documents: dict[Format, tuple[Path, manifest.Entry]]
    """Each format's path and manifest entry."""
    guard: NameGuard
    rendering: tuple[Format, ...] = ()

    @property
    def work_key(self) -> str:
        """The same briefing from run to run, whatever its content: what its fitting time is remembered by."""
        request, selection = self.request, self.draft.selection
        meeting = request.meeting.id if request.meeting else ""
        return (
            f"{selection.kb.country.id}/{request.audience}/{meeting}/{selection.length}/{selection.distribution.value}"
        )

    def job(self, hints: dict[str, float]) -> Job:
        return Job(self.draft.portable(), self.rendering, hints.get(self.work_key, max(hints.values(), default=0.0)))


def _draft_all(
    kb: KnowledgeBase,
    requests: list[Request],
    copies: dict[tuple[str, str], int],
    formats: tuple[Format, ...],
    date: datetime.date,
    templates: str,
    out_dir: Path,
) -> list[_Briefing]:
    briefings = []
    for request in requests:
        if request.recipient:
            request = replace(request, copy_number=copies[_series(kb, request)])
        draft = draft_of(kb, request, date)
        # Composing refuses, here and before any worker is busy, a briefing that would name someone it may not.
        unfitted = draft.compose(draft.selection)
        key = _fitting_key(draft, unfitted)
        guard = name_guard(kb, distribution_level(request.meeting, request.distribution))
        documents = {
            output_format: _describe(kb, request, key, output_format, date, templates, out_dir)
            for output_format in formats
        }
        for path, entry in documents.values():
            _refuse_withheld_in_record(guard, path.name, entry)
        briefings.append(_Briefing(request, draft, unfitted.out_of_date, documents, guard))
    return briefings


def _refuse_withheld_in_record(guard: NameGuard, name: str, entry: manifest.Entry) -> None:
    """Refuse, before the output folder is touched, a file name or manifest entry that names someone it may not."""
    fields = entry.as_json().items()
    for where, text in [("the file name", name), *((f"the manifest's {key}", value) for key, value in fields)]:
        if isinstance(text, str) and (label := guard.find(text)):
            raise RenderError(
                f"the briefing would name a person who may not be named here ({label}) in {where}; refusing to write it"
            )


RANKED_KINDS = ("talking_points", "background", "cases", "recommendations", "responses", "levers")


def _fitting_key(draft: Draft, unfitted: Brief) -> str:
    """What the fitted briefing is made from, but for layout, which the templates and code decide.

    The unfitted briefing holds every item shown, the knowledge-base revision
    and the request's date, level, length and copy; the ids of the items
    selected and of those the meeting pins decide what gives way.
    """
    selection = draft.selection
    ranked = [[item.id for item in getattr(selection, kind)] for kind in RANKED_KINDS]
    pinned = sorted(selection.meeting.include) if selection.meeting else []
    return f"{unfitted!r}\0{ranked!r}\0{pinned!r}"


def _to_render(
    briefings: list[_Briefing], recorded: manifest.Manifest | None, force: bool, strict: bool, outcome: Outcome
) -> list[_Briefing]:
    """The briefings with a document to render, or with stale facts --strict must look for in the fitted one.

    Each is told which formats to render, the PDF first: its worker writes it
    from the layout that fitting made. Unchanged documents go in `outcome`.
    """
    needed = []
    for briefing in briefings:
        rendering = []
        for output_format, (path, entry) in briefing.documents.items():
            digest = None if force or recorded is None else unchanged_sha256(recorded, path.parent, path.name, entry)
            if digest:
                outcome.unchanged.append(path)
                outcome.sha256[path] = digest
            else:
                rendering.append(output_format)
        briefing.rendering = tuple(sorted(rendering, key=lambda output_format: -REGISTRY[output_format].cost))
        if rendering or (strict and briefing.stale):
            needed.append(briefing)
    return needed


def _copy(kb: KnowledgeBase, briefing: _Briefing, numbers: dict[tuple[str, str], int]) -> int | None:
    return numbers[_series(kb, briefing.request)] if briefing.request.recipient else None


def _publish_all(
    publisher: Publisher,
    events: Iterable[tuple[int, Event]],
    briefings: list[_Briefing],
    skipped: set[int],
    outcome: Outcome,
    progress: Callable[[Path], None] | None,
) -> None:
    """Write each rendered document, unless the manifest or the name guard refuses it or the disk fails."""
    for index, event in events:
        if not isinstance(event, Rendered) or index in skipped:
            continue
        briefing = briefings[index]
        path, entry = briefing.documents[event.format]
        result = event.result
        # The guard reads the file before anything else may refuse it: that refusal would print the recipient's name.
        if isinstance(result, bytes) and (
            leak := leak_in(result, event.format, briefing.guard, path.name, entry.as_json())
        ):
            result = leak
            if briefing.request.copy_number is not None:
                outcome.refused_copies[path] = (briefing.request.copy_number, path.with_name(unstamped(path.name)))
        else:
            result = publisher.refusal(path.name, entry) or result
        try:
            _publish(publisher, path, result, entry, outcome)
        except WriteFailure as failure:
            outcome.stopped = failure
            return
        if progress:
            progress(path)


def _series(kb: KnowledgeBase, request: Request) -> tuple[str, str]:
    """The numbered series a recipient's copy belongs to, and the recipient."""
    return copy_series(_identity(kb, request)), request.recipient or ""


def country_folder(kb: KnowledgeBase) -> str:
    """The country's folder: unique in its tree, where two countries' ids need not be."""
    return kb.origin("country", kb.country.id).path.parent.name


def _identity(kb: KnowledgeBase, request: Request) -> dict[str, str | None]:
    """What, besides format and recipient, makes the request's copies differ from any other's (`manifest.IDENTITY`)."""
    meeting = request.meeting
    return {
        "country": country_folder(kb),
        "audience": request.audience,
        "meeting": meeting.id if meeting else None,
        "distribution": distribution_level(meeting, request.distribution).value,
        "length": request.length or (meeting.length if meeting else DEFAULT_LENGTH),
        "language": kb.audiences[request.audience].language,
        "as_of": request.as_of.isoformat() if request.as_of else None,
    }


def _describe(
    kb: KnowledgeBase,
    request: Request,
    fitting_key: str,
    output_format: Format,
    date: datetime.date,
    templates: str,
    out_dir: Path,
) -> tuple[Path, manifest.Entry]:
    """Where a document goes and the manifest entry that says what it is."""
    identity = _identity(kb, request)
    name = output_name(
        request.meeting.date if request.meeting else date,
        country_folder(kb),
        request.audience,
        request.meeting.id if request.meeting else None,
        REGISTRY[output_format].extension.removeprefix("."),
        request.recipient,
        str(identity["distribution"]),
        length=str(identity["length"]),
        as_of=request.as_of,
    )
    return out_dir / name, manifest.Entry(
        country=str(identity["country"]),
        audience=request.audience,
        meeting=identity["meeting"],
        distribution=str(identity["distribution"]),
        length=identity["length"],
        language=str(identity["language"]),
        as_of=identity["as_of"],
        format=output_format,
        recipient=request.recipient,
        date=date.isoformat(),
        knowledge_base=kb.revision,
        key=document_key(fitting_key, output_format, templates),
        copy=request.copy_number,
        organisation=request.organisation,
        email=request.email,
    )


def _publish(publisher: Publisher, path: Path, result: bytes | str, entry: manifest.Entry, outcome: Outcome) -> None:
    if isinstance(result, str):
        outcome.failed.append((path, result))
        return
    try:
        outcome.sha256[path] = publisher.publish(path.name, result, entry)
    except CopyRefused as refusal:
        outcome.failed.append((path, str(refusal)))
        return
    outcome.written.append(path)


def write_letter(
    kb: KnowledgeBase,
    record: model.Record,
    level: model.Sensitivity,
    formats: Iterable[Format] = FORMATS,
    out_dir: Path = Path("output"),
    date: datetime.date | None = None,
) -> Outcome:
    """Render the follow-up letter of a meeting's record and publish it like any document.

    The finished file is read back for withheld names before it is written,
    and a letter never replaces a briefing (`document` in its manifest entry).
    """
    from generator.compose.letter import compose_letter

    date = date or build_date()
    brief = compose_letter(kb, record, level, date)
    meeting = kb.meetings[record.meeting]
    guard = name_guard(kb, level)
    templates = templates_digest()
    outcome = Outcome()
    entries: dict[Format, tuple[Path, manifest.Entry]] = {}
    for output_format in formats:
        name = output_name(
            meeting.date,
            country_folder(kb),
            meeting.audience,
            meeting.id,
            output_format,
            None,
            level.value,
            kind="letter",
        )
        entry = manifest.Entry(
            country=country_folder(kb),
            audience=meeting.audience,
            meeting=meeting.id,
            distribution=level.value,
            length=None,
            language=kb.audiences[meeting.audience].language,
            as_of=None,
            format=output_format,
            recipient=None,
            date=date.isoformat(),
            knowledge_base=kb.revision,
            key=document_key(repr(brief), output_format, templates),
            document="letter",
        )
        _refuse_withheld_in_record(guard, name, entry)
        entries[output_format] = (out_dir / name, entry)
    with Publisher(out_dir) as publisher:
        for output_format, (path, entry) in entries.items():
            result = publisher.refusal(path.name, entry) or render_or_report(brief, output_format)
            if isinstance(result, bytes) and (
                leak := leak_in(result, output_format, guard, path.name, entry.as_json())
            ):
                result = leak
            _publish(publisher, path, result, entry, outcome)
    return outcome
