"""From requests to published files: compose each briefing, render what changed, write and record it.

Per document, the manifest records a key of everything the document depends
on: `generate` renders only documents whose key or file changed, and writes
each as soon as it is rendered.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__, manifest
from .brief import Brief
from .cache import document_key, templates_digest
from .clock import build_date
from .compose import compose
from .errors import CopyRefused, InputError, UsageError, WriteFailure
from .fit import fit_to_pages
from .inspect_output import leak_in
from .kb import model
from .kb.load import KnowledgeBase
from .kb.validate import read_meeting_file
from .names import NameGuard
from .publish import Publisher, assign_copies, copy_series, output_name
from .recipients import Recipient, attendees_to_copy, merged, read_recipients
from .render import FORMATS, REGISTRY, Format
from .render.pool import RenderPool, render_or_report
from .select import Length, distribution_level, select
from .withholding import name_guard


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
    """
    listed = _listed(recipient, recipients_file)
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
        _check_names(kb, people, distribution_level(meeting, distribution), pdf)
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
    """Refuse, at their lines, names the copy may not print or the PDF's fonts cannot."""
    from .render.fonts import unprintable_problem

    guard = name_guard(kb, level)
    errors = []
    for person in people:
        problem = pdf and unprintable_problem(person.stamp)
        if person.path is None:
            # --recipient: a withheld name is refused when composing, as it always was.
            if problem:
                raise UsageError(f"--recipient {problem}")
        elif label := guard.find(person.stamp):
            errors.append(person.diagnostic(f"names a person who may not be named in a {level.value} copy ({label})"))
        elif problem:
            errors.append(person.diagnostic(f"'{person.name}' {problem}"))
    if errors:
        raise InputError(errors)


def compose_brief(kb: KnowledgeBase, request: Request, date: datetime.date) -> Brief:
    """The briefing as it will be printed: laid out and trimmed until it fits its page limit."""
    from .render.pdf import count_pages

    audience = kb.audiences[request.audience]
    selection = select(kb, audience, request.meeting, request.distribution, request.length, request.as_of)
    return fit_to_pages(
        selection,
        lambda chosen: compose(chosen, date=date, recipient=_stamp(request), copy_number=request.copy_number),
        count_pages,
    )


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
    """Render the requested briefings in every format and write them to `out_dir`.

    A document is rendered only when something it depends on changed (see
    `cache.document_key`) or the manifest does not record the file as it is,
    or with `force`. Each is written and recorded as soon as it is rendered;
    one that fails, or would replace a different copy, is reported in the
    outcome and the rest still land. Raises ManifestDamaged, before writing
    anything, when the folder's manifest cannot be read.
    """
    formats = tuple(formats)  # iterated once per request
    date = date or build_date()
    templates = templates_digest()
    outcome = Outcome()
    # Everything is composed before the output folder is touched: a briefing
    # that cannot be written leaves no folder, lock or file behind.
    requests = list(requests)
    # Numbered in the order asked for: a distribution list reads Copy 1, 2, 3 from the top.
    wanted = list(dict.fromkeys(_series(request) for request in requests if request.recipient))
    # The number is printed, so it is settled before rendering: guessed from
    # the manifest as it stands, then given under its lock.
    guessed = assign_copies(manifest.read(out_dir).copies, wanted) if wanted else {}
    documents = _compose_all(kb, requests, guessed, formats, date, templates, out_dir)
    if strict:
        _refuse_out_of_date(kb, [brief for _, brief, _, _, _ in documents])
    with Publisher(out_dir) as publisher:
        if wanted and (numbers := publisher.number_copies(wanted)) != guessed:
            documents = _compose_all(kb, requests, numbers, formats, date, templates, out_dir)
        to_render: list[tuple[Path, Brief, Format, dict[str, object]]] = []
        guards: dict[Path, NameGuard] = {}
        for path, brief, output_format, entry, guard in documents:
            refusal = publisher.refusal(path.name, entry)
            if refusal:
                outcome.failed.append((path, refusal))
            elif not force and (digest := publisher.unchanged_sha256(path.name, str(entry["key"]))):
                outcome.unchanged.append(path)
                outcome.sha256[path] = digest
            else:
                to_render.append((path, brief, output_format, entry))
                guards[path] = guard
                continue
            if progress:
                progress(path)
        pool = pool or RenderPool(0)
        for index, result in pool.render_all([(brief, output_format) for _, brief, output_format, _ in to_render]):
            path, _, output_format, entry = to_render[index]
            if isinstance(result, bytes) and (leak := leak_in(result, output_format, guards[path], path.name, entry)):
                result = leak
            try:
                _publish(publisher, path, result, entry, outcome)
            except WriteFailure as failure:
                outcome.stopped = failure
                break
            if progress:
                progress(path)
    outcome.written.sort()
    return outcome


def _refuse_out_of_date(kb: KnowledgeBase, briefs: list[Brief]) -> None:
    """--strict: a briefing may print no fact that is stale or past its review date."""
    stale = sorted({fact_id for brief in briefs for fact_id in brief.out_of_date})
    if stale:
        raise InputError(
            [
                kb.origin("facts", fact_id).diagnostic(
                    f"fact '{fact_id}' is stale or past its review date and this briefing would print it; "
                    "--strict refuses it: update the fact, mark it historical, or leave out --strict"
                )
                for fact_id in stale
            ]
        )


_Document = tuple[Path, Brief, Format, dict[str, object], NameGuard]


def _compose_all(
    kb: KnowledgeBase,
    requests: list[Request],
    copies: dict[tuple[str, str], int],
    formats: tuple[Format, ...],
    date: datetime.date,
    templates: str,
    out_dir: Path,
) -> list[_Document]:
    documents = []
    for request in requests:
        if request.recipient:
            request = replace(request, copy_number=copies[_series(request)])
        brief = compose_brief(kb, request, date)
        guard = name_guard(kb, distribution_level(request.meeting, request.distribution))
        for output_format in formats:
            path, entry = _describe(kb, request, brief, output_format, date, templates, out_dir)
            documents.append((path, brief, output_format, entry, guard))
    return documents


def _series(request: Request) -> tuple[str, str]:
    """The numbered series a recipient's copy belongs to, and the recipient."""
    level = distribution_level(request.meeting, request.distribution).value
    return copy_series(
        request.audience, request.meeting.id if request.meeting else None, level
    ), request.recipient or ""


def _describe(
    kb: KnowledgeBase,
    request: Request,
    brief: Brief,
    output_format: Format,
    date: datetime.date,
    templates: str,
    out_dir: Path,
) -> tuple[Path, dict[str, object]]:
    """Where a document goes and the manifest entry that says what it is."""
    meeting_id = request.meeting.id if request.meeting else None
    distribution = distribution_level(request.meeting, request.distribution).value
    name = output_name(
        request.meeting.date if request.meeting else date,
        kb.country.id,
        request.audience,
        meeting_id,
        REGISTRY[output_format].extension.removeprefix("."),
        request.recipient,
        distribution,
    )
    return out_dir / name, {
        "audience": request.audience,
        "meeting": meeting_id,
        "format": output_format,
        "distribution": distribution,
        "recipient": request.recipient,
        "date": date.isoformat(),
        "knowledge_base": kb.revision,
        "key": document_key(repr(brief), output_format, templates),
        "generator": __version__,
        "copy": request.copy_number,
        **{key: value for key, value in (("organisation", request.organisation), ("email", request.email)) if value},
    }


def _publish(publisher: Publisher, path: Path, result: bytes | str, entry: dict[str, object], outcome: Outcome) -> None:
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
    from .letter import compose_letter

    date = date or build_date()
    brief = compose_letter(kb, record, level, date)
    meeting = kb.meetings[record.meeting]
    guard = name_guard(kb, level)
    templates = templates_digest()
    outcome = Outcome()
    with Publisher(out_dir) as publisher:
        for output_format in formats:
            stem = Path(
                output_name(meeting.date, kb.country.id, meeting.audience, meeting.id, output_format, None, level.value)
            ).stem
            path = out_dir / f"{stem}_letter.{output_format}"
            entry: dict[str, object] = {
                "audience": meeting.audience,
                "meeting": meeting.id,
                "format": output_format,
                "distribution": level.value,
                "recipient": None,
                "date": date.isoformat(),
                "knowledge_base": kb.revision,
                "key": document_key(repr(brief), output_format, templates),
                "generator": __version__,
                "copy": None,
                "document": "letter",
            }
            result = publisher.refusal(path.name, entry) or render_or_report(brief, output_format)
            if isinstance(result, bytes) and (leak := leak_in(result, output_format, guard, path.name, entry)):
                result = leak
            _publish(publisher, path, result, entry, outcome)
    return outcome
