"""`briefing letter`: a meeting record's follow-up letter, published like any document.

A letter is written in its audience's language, or in `--language`, as a briefing is (`requests.language_for`),
from the country's translations into it where there are any.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import Path

from generator.build.files import DocumentFile, document_file
from generator.build.outcome import Outcome, publish
from generator.build.requests import country_folder, language_for
from generator.core.clock import build_date
from generator.core.errors import InputError, RenderError
from generator.core.store import document_key, templates_digest
from generator.kb import model
from generator.kb.load import KnowledgeBase
from generator.kb.translations import translated, translations_for, unfinished
from generator.policy.withholding import name_guard, unnamed
from generator.publish import manifest
from generator.publish.publisher import Publisher, output_name
from generator.render import FORMATS, Format
from generator.render.pool import render_or_report


def write_letter(
    kb: KnowledgeBase,
    record: model.Record,
    level: model.Sensitivity,
    formats: Iterable[Format] = FORMATS,
    out_dir: Path = Path("output"),
    date: datetime.date | None = None,
    language: str | None = None,
    strict: bool = False,
) -> Outcome:
    """Render the follow-up letter of a meeting's record and publish it like any document.

    The letter is in `language`, else the audience's; in another language than the knowledge base's, its
    items come from the country's translations, and with `strict` one still in English is refused at its
    PO entry (InputError), as `generate --strict` refuses a briefing. The finished file is read back for
    withheld names before it is written, and a letter never replaces a briefing (`document` in its manifest
    entry).
    """
    from generator.compose.letter import compose_letter

    date = date or build_date()
    meeting = kb.meetings[record.meeting]
    audience = kb.audiences[meeting.audience]
    chosen = language_for(audience, language)
    reader = audience if chosen == audience.language else audience.model_copy(update={"language": chosen})
    translations = translations_for(kb, chosen)
    shown = translated(kb, translations, reader, meeting, document="letter", level=level)
    brief = compose_letter(
        shown.kb,
        shown.kb.records.get(record.meeting, record),
        level,
        date,
        audience=shown.audience,
        meeting=shown.meeting,
        untranslated=shown.untranslated,
    )
    if strict and translations is not None and brief.untranslated:
        problems = unfinished(
            kb, translations, list(brief.untranslated), reader, meeting, document="letter", level=level
        )
        raise InputError(unnamed(kb, problems))
    guard = name_guard(kb, level)
    templates = templates_digest(kb.settings.theme)
    files: dict[Format, DocumentFile] = {}
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
            language=chosen if chosen != audience.language else None,
        )
        entry = manifest.Entry(
            country=country_folder(kb),
            audience=meeting.audience,
            meeting=meeting.id,
            distribution=level.value,
            length=None,
            language=chosen,
            as_of=None,
            format=output_format,
            recipient=None,
            date=brief.date.isoformat(),
            knowledge_base=kb.revision,
            key=document_key(repr(brief), output_format, templates),
            document="letter",
        )
        files[output_format] = document_file(name, output_format, entry, guard)
    outcome = Outcome()
    with Publisher(out_dir) as publisher:
        for file in files.values():
            result = publisher.refusal(file.name, file.entry) or render_or_report(brief, file.format)
            publish(publisher, out_dir / file.name, _finished(file, result), file.entry, outcome)
    return outcome


def _finished(file: DocumentFile, result: bytes | str) -> bytes | str:
    """The rendered letter once the finished-file guard has read it, or why it may not be written."""
    if isinstance(result, str):
        return result
    try:
        return file.finished(result)
    except RenderError as leak:
        return str(leak)
