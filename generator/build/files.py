"""The files a request becomes: named, described for the manifest and read back before they leave.

`generate` and the preview both start from `plan`: the same file names, the
same manifest entries and the same finished-file guard, whether a file goes
to the output folder or is downloaded from the preview.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from generator.build.drafting import Draft, draft_of, fitting_key
from generator.build.fitting_hints import KnownCut
from generator.build.requests import Request
from generator.compose.brief import Brief
from generator.core.errors import RenderError
from generator.core.store import document_key, templates_digest
from generator.kb.citations import citations_in
from generator.kb.load import KnowledgeBase
from generator.policy.withholding import name_guard
from generator.publish import manifest
from generator.publish.finished_files import leak_in, manifest_texts
from generator.publish.publisher import output_name
from generator.render import REGISTRY, Format
from generator.select.selection import Selection
from generator.text.name_matching import NameGuard


@dataclass(frozen=True)
class DocumentFile:
    """One file a request becomes: its name, what the manifest records of it, and whom it may not name."""

    name: str
    format: Format
    entry: manifest.Entry
    guard: NameGuard

    def finished(self, content: bytes) -> bytes:
        """`content`, once the finished-file guard has read it as its reader's tools would.

        Raises RenderError, saying where, when the file, its name or its
        manifest entry names a person it may not name.
        """
        if leak := leak_in(content, self.format, self.guard, self.name, self.entry.as_json()):
            raise RenderError(leak)
        return content


def document_file(name: str, output_format: Format, entry: manifest.Entry, guard: NameGuard) -> DocumentFile:
    """The file; RenderError, before anything is rendered, when its name or entry names someone it may not."""
    for where, text in [
        ("the file name", name),
        *((f"the manifest's {key}", value) for key, value in manifest_texts(entry.as_json())),
    ]:
        if label := guard.find(text):
            raise RenderError(
                f"the briefing would name a person who may not be named here ({label}) in {where}; refusing to write it"
            )
    return DocumentFile(name, output_format, entry, guard)


@dataclass(frozen=True)
class Planned:
    """A request drafted, with the file it becomes in each format."""

    request: Request
    draft: Draft
    out_of_date: tuple[str, ...]
    """The stale facts the unfitted briefing prints: the fitted one prints some of them at most."""
    files: dict[Format, DocumentFile]
    untranslated: tuple[str, ...] = ()
    """The items the unfitted briefing shows in English in another language; the fitted one, some at most."""
    layout_key: str = ""
    """Everything its layout depends on, whatever the format: what fitting's answer is remembered by."""

    def with_known_cut(self, cuts: dict[str, KnownCut]) -> Draft:
        """The draft, told what fitting left out of the same layout before (see `build.fitting_hints`)."""
        known = cuts.get(self.layout_key)
        return self.draft if known is None else replace(self.draft, known_cut=known)


def plan(kb: KnowledgeBase, request: Request, formats: Iterable[Format]) -> Planned:
    """The request's draft and files; raises, before anything is laid out, for a briefing that may not be made."""
    draft = draft_of(kb, request)
    # Composing refuses, here and before any worker is busy, a briefing that would name someone it may not.
    unfitted = draft.compose(draft.selection)
    key = fitting_key(draft, unfitted)
    templates = templates_digest(kb.settings.theme)
    guard = name_guard(kb, request.level)
    sources = archived_sources(draft.selection)
    files = {
        output_format: document_file(
            _name(request, output_format),
            output_format,
            _entry(request, output_format, kb.revision, document_key(key, output_format, templates), sources),
            guard,
        )
        for output_format in formats
    }
    layout_key = document_key(key, "layout", templates)
    return Planned(request, draft, unfitted.out_of_date, files, unfitted.untranslated, layout_key)


@dataclass(frozen=True)
class Briefing:
    """A request's briefing fitted to its pages, and the file it becomes in each format."""

    brief: Brief
    files: dict[Format, DocumentFile]


def _name(request: Request, output_format: Format) -> str:
    """A meeting's briefing carries the meeting's date, any other the briefing's."""
    meeting = request.meeting
    return output_name(
        meeting.date if meeting else request.date,
        request.country,
        request.audience,
        meeting.id if meeting else None,
        REGISTRY[output_format].extension.removeprefix("."),
        request.recipient,
        request.level.value,
        length=request.length,
        as_of=request.as_of,
        language=request.other_language,
    )


def archived_sources(selection: Selection) -> dict[str, dict[str, str]] | None:
    """The archived text of each source the briefing may cite from its items, for the manifest: `verify`
    compares them with the archives later. Items that fitting leaves out still count: the entry is made
    before the briefing is fitted, and names what its content was chosen from."""
    kb = selection.kb
    chosen = (
        *selection.talking_points,
        *selection.background,
        *selection.cases,
        *selection.recommendations,
        *selection.responses,
        *selection.levers,
        *(selection.meeting.positions if selection.meeting else ()),
    )
    cited = {citation.source for item in chosen for _, citation in citations_in(item)} & selection.citable
    archived = {
        source_id: {"archive": source.archive, "sha256": source.archive_sha256}
        for source_id in sorted(cited)
        if (source := kb.sources[source_id]).archive and source.archive_sha256
    }
    return archived or None


def _entry(
    request: Request, output_format: Format, revision: str, key: str, sources: dict[str, dict[str, str]] | None
) -> manifest.Entry:
    return manifest.Entry(
        **request.identity(),
        format=output_format,
        recipient=request.recipient,
        date=request.date.isoformat(),
        knowledge_base=revision,
        key=key,
        copy=request.copy_number,
        organisation=request.organisation,
        email=request.email,
        sources=sources,
    )
