"""`generate --package`: the copies of one briefing in one zip, with a cover note, ready to attach to an email.

One zip per briefing (every identity field but recipient and format), holding the
files this run wrote or found unchanged for it, plus `cover-note.txt` and
`cover-note.docx` listing each file with its recipient, copy number and
sha256. The same files give the same zip, byte for byte: entries are sorted,
dated with the build date and stored with fixed attributes. The zip is
published like any document: atomically, recorded in the manifest, and only
after the name guard has read its entry names and both notes.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.compose.cover import CoveredFile, CoverNote, compose_cover
from generator.core.errors import CopyRefused, RenderError
from generator.core.store import document_key, templates_digest
from generator.policy.withholding import name_guard
from generator.publish import manifest
from generator.publish.finished_files import leak_in
from generator.publish.publisher import Publisher, copy_series, unstamped

if TYPE_CHECKING:
    from generator.build.outcome import Outcome
    from generator.build.requests import Request
    from generator.kb.load import KnowledgeBase

COVER_TEXT = "cover-note.txt"
COVER_DOCX = "cover-note.docx"


@dataclass(frozen=True)
class Attachment:
    """One file in a package, as the cover note lists it."""

    name: str
    recipient: str | None
    copy: int | None
    sha256: str


@dataclass(frozen=True)
class Package:
    """What goes into one briefing's zip."""

    name: str
    title: str
    language: str
    entry: manifest.Entry
    attachments: tuple[Attachment, ...]
    theme: Path | None = None
    """The knowledge base's theme, whose reference document, if it has one, styles the cover note."""


def package_copies(kb: KnowledgeBase, requests: Iterable[Request], outcome: Outcome, out_dir: Path) -> None:
    """Write one zip per briefing of this run into `out_dir`, recording each in `outcome`."""
    recorded = manifest.read(out_dir).files
    titles = _titles(kb, requests)
    with Publisher(out_dir) as publisher:
        for package in _packages(kb, outcome, recorded, titles):
            path = out_dir / package.name
            if digest := publisher.unchanged_sha256(package.name, package.entry):
                outcome.unchanged.append(path)
                outcome.sha256[path] = digest
                continue
            content = _zipped(package, out_dir)
            if leak := _leak(kb, package, content):
                outcome.failed.append((path, leak))
                continue
            try:
                outcome.sha256[path] = publisher.publish(package.name, content, package.entry)
            except CopyRefused as refusal:
                outcome.failed.append((path, str(refusal)))
                continue
            outcome.written.append(path)


def _titles(kb: KnowledgeBase, requests: Iterable[Request]) -> dict[tuple[str, str | None], tuple[str, str]]:
    """(audience, meeting id) -> the briefing's name in the cover note, and its language."""
    titles: dict[tuple[str, str | None], tuple[str, str]] = {}
    for request in requests:
        name = request.meeting.title if request.meeting else kb.audiences[request.audience].full_name
        titles[(request.audience, request.meeting.id if request.meeting else None)] = (name, request.language)
    return titles


def _packages(
    kb: KnowledgeBase,
    outcome: Outcome,
    recorded: dict[str, manifest.Recorded],
    titles: dict[tuple[str, str | None], tuple[str, str]],
) -> Iterator[Package]:
    series: dict[str, list[manifest.Recorded]] = {}
    for path in sorted(outcome.sha256):
        entry = {**recorded[path.name], "name": path.name}
        series.setdefault(copy_series(entry), []).append(entry)
    for entries in series.values():
        first = entries[0]
        title, language = titles[(first["audience"], first["meeting"])]
        attachments = tuple(
            Attachment(entry["name"], _recipient(entry), entry.get("copy"), entry["sha256"]) for entry in entries
        )
        # The cover note is set in the reference document's styles, the theme's or the packaged one.
        key = document_key(
            repr((title, language, attachments)), manifest.PACKAGE_FORMAT, templates_digest(kb.settings.theme)
        )
        yield Package(
            _zip_name(first["name"]), title, language, _package_entry(first, key), attachments, kb.settings.theme
        )


def _package_entry(first: manifest.Recorded, key: str) -> manifest.Entry:
    """The package's entry: whose briefing's copies it holds, as the entry of its first file records it."""
    copy = manifest.identity(first)
    return manifest.Entry(
        country=copy["country"],
        audience=copy["audience"],
        meeting=copy["meeting"],
        distribution=copy["distribution"],
        length=copy["length"],
        language=copy["language"],
        as_of=copy["as_of"],
        format=manifest.PACKAGE_FORMAT,
        recipient=None,
        date=first["date"],
        knowledge_base=first["knowledge_base"],
        key=key,
    )


def _recipient(entry: manifest.Recorded) -> str | None:
    if not entry["recipient"]:
        return None
    words = ", ".join(part for part in (entry["recipient"], entry.get("organisation")) if part)
    return f"{words} <{entry['email']}>" if entry.get("email") else words


def _zip_name(file_name: str) -> str:
    """The briefing's own file name, without recipient or extension, ending `_copies.zip`."""
    return unstamped(file_name).split(".", 1)[0] + "_copies.zip"


def _zipped(package: Package, out_dir: Path) -> bytes:
    day = datetime.date.fromisoformat(package.entry.date)
    members = {attachment.name: (out_dir / attachment.name).read_bytes() for attachment in package.attachments}
    members[COVER_TEXT] = cover_text(package).encode("utf-8")
    members[COVER_DOCX] = cover_docx(package, day)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(members):
            entry = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, members[name], compresslevel=9)
    return buffer.getvalue()


def cover_note(package: Package) -> CoverNote:
    files = (CoveredFile(each.name, each.recipient, each.copy, each.sha256) for each in package.attachments)
    return compose_cover(package.title, package.language, files)


def cover_text(package: Package) -> str:
    """The cover note as plain text: a title, a sentence, then one block per file."""
    note = cover_note(package)
    lines = [note.title, "", note.intro]
    for row in note.rows:
        lines += ["", *(f"{heading}: {value}" for heading, value in zip(note.headings, row, strict=True))]
    return "\n".join(lines) + "\n"


def cover_docx(package: Package, day: datetime.date) -> bytes:
    """The cover note in the briefings' own Word styles (reference.docx, the theme's or the packaged one)."""
    from generator.render.docx import reference_document, reference_for, reproducible_zip

    document = reference_document(reference_for(package.theme))
    note = cover_note(package)
    document.add_paragraph(note.title, style="Title")
    document.add_paragraph(note.intro)
    table = document.add_table(rows=1 + len(note.rows), cols=4)
    table.style = document.styles["Briefing Table"]
    for row, values in zip(table.rows, [note.headings, *note.rows], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.paragraphs[0].text = value
            cell.paragraphs[0].style = document.styles["Table Text"]
    properties = document.core_properties
    properties.title = note.title
    properties.author = properties.last_modified_by = ""
    properties.revision = 1
    properties.created = properties.modified = datetime.datetime.combine(day, datetime.time(), datetime.UTC)
    buffer = io.BytesIO()
    try:
        document.save(buffer)
    except ValueError as error:
        raise RenderError(f"the cover note cannot be written as a Word document: {error}") from error
    return reproducible_zip(buffer.getvalue(), day)


def _leak(kb: KnowledgeBase, package: Package, content: bytes) -> str | None:
    """Why the zip may not be published: a withheld name in an entry's name or in either note."""
    from generator.kb import model

    guard = name_guard(kb, model.Sensitivity(package.entry.distribution))
    copies = {attachment.name: attachment.copy for attachment in package.attachments}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if found := guard.find(name):
                # The entry's name spells its recipient's: the message names the copy by its number.
                where = f"the name of copy {copies[name]}" if copies.get(name) else f"the name of {name}"
                return f"the package would name a person who may not be named here ({found}) in {where}; not written"
        for line in archive.read(COVER_TEXT).decode("utf-8").splitlines():
            if found := guard.find(line):
                return f"the package would name a person who may not be named here ({found}) in {COVER_TEXT}"
        return leak_in(archive.read(COVER_DOCX), "docx", guard, package.name, package.entry.as_json())
