"""What `briefing check` says of a country's language files: how much of what its meetings' briefings
print each translates, and each translation that names a person who may not be named.

A meeting's briefing in a language prints what `select` chooses, from the
knowledge base as that language's file gives it (see `translations.translated`),
for the meeting's audience at the meeting's distribution, at either length
`generate` may be asked for; with the meeting's own fields, its audience's
names, the team's name, the earlier meetings' records it follows up and the
titles of the sources it cites, each as a copy at that distribution shows it.
The union of those fields over the country's meetings is what a translator
needs first: once the file translates them all, those briefings print none of
them in English. A file's line also gives its tally of everything the
knowledge base may print, when that differs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from generator.check.quotation import quotation_marks
from generator.check.validate import translation_naming
from generator.core.errors import Diagnostic
from generator.kb import model
from generator.kb.load import KnowledgeBase, lever_kind
from generator.kb.translations import (
    FOLDER,
    Counts,
    Translations,
    country_dir,
    counts,
    counts_among,
    printed_fields,
    read_translations,
    translated,
)
from generator.select.records import earlier_records
from generator.select.selection import Length, select

SECTIONS = {
    "talking_points": "facts",
    "background": "facts",
    "cases": "cases",
    "recommendations": "recommendations",
    "responses": "responses",
}
"""The sections of a selection holding items of the knowledge base, and the kind their contexts name."""


@dataclass
class LanguageReport:
    """What `check` says of one country's PO files."""

    tallies: list[tuple[Path, str]] = field(default_factory=list)
    """Each file with its line of counts (see `tally`)."""
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    """Translations that name a person who may not be named (see `validate.translation_naming`), or that quote
    with English marks where their language has its own (see `check.quotation`)."""


def language_report(kb: KnowledgeBase) -> LanguageReport:
    """Read each language file of the country once: its counts, and the translations that name someone.
    Raises InputError at its line for a file that is malformed."""
    folder = country_dir(kb)
    files = [read_translations(path, path.stem, within=folder) for path in sorted((folder / FOLDER).glob("*.po"))]
    if not files:
        return LanguageReport()
    errors, warnings = translation_naming(kb, files)
    report = LanguageReport(errors=errors, warnings=warnings + quotation_marks(files))
    in_english: dict[str, str] | None = None
    for file in files:
        whole = counts(kb, file)
        if not kb.meetings:
            report.tallies.append((file.path, tally(whole, None, kb)))
            continue
        if whole.translated:
            printed = printed_by_meetings(kb, file)
        else:
            # No translation is usable, so the briefings choose as they do in English: the same for every such file.
            printed = in_english = in_english if in_english is not None else printed_by_meetings(kb, None)
        report.tallies.append((file.path, tally(whole, counts_among(printed, file), kb)))
    return report


def tally(whole: Counts, meetings: Counts | None, kb: KnowledgeBase) -> str:
    """ "among what the 4 meetings' briefings would print, 85 translated, 0 fuzzy, 12 missing (of everything
    the knowledge base may print: 90 translated, 0 fuzzy, 496 missing)"; only the whole when there is no meeting."""
    if meetings is None:
        return whole.tally()
    briefings = "the meeting's briefing" if len(kb.meetings) == 1 else f"the {len(kb.meetings)} meetings' briefings"
    line = f"among what {briefings} would print, {meetings.tally()}"
    return line if meetings == whole else f"{line} (of everything the knowledge base may print: {whole.tally()})"


def printed_by_meetings(kb: KnowledgeBase, translations: Translations | None) -> dict[str, str]:
    """msgctxt -> English of every field the briefings of the country's meetings print in the language of
    `translations` (None: in English), at either length."""
    shown: dict[tuple[str, model.Sensitivity, str, str], tuple[model.Meeting, Any]] = {}
    for meeting in kb.meetings.values():
        for kind, item_id, item in _shown(kb, meeting, translations):
            shown.setdefault((meeting.audience, meeting.distribution, kind, item_id), (meeting, item))
    # What a copy at the meeting's level prints of an item for its audience, as `translated` asks a translation of.
    return {
        f"{kind}:{item_id}:{path}": text
        for (_, _, kind, item_id), (meeting, item) in shown.items()
        for path, text in printed_fields(kind, item, kb.audiences[meeting.audience], level=meeting.distribution)
    }


def _shown(
    kb: KnowledgeBase, meeting: model.Meeting, translations: Translations | None
) -> Iterator[tuple[str, str, Any]]:
    """(kind as contexts name it, id, item in English) of what the meeting's briefing shows, at every length.

    The briefing chooses among the items as the language gives them, as `generate` does (see
    `drafting.draft_of`): a translation's length may make fitting keep another item.
    """
    audience, level = kb.audiences[meeting.audience], meeting.distribution
    yield "meetings", meeting.id, meeting
    yield "audiences", audience.id, audience
    # Every briefing names the team that prepared it; a meeting's full briefing follows up the earlier ones.
    yield "country", kb.country.id, kb.country
    yield from (("records", record.meeting, record) for record in earlier_records(kb, meeting))
    cited = [position.sources for position in meeting.positions if level.allows(position.sensitivity)]
    shown = translated(kb, translations, audience, meeting, level=level)
    # The items a selection chooses do not depend on the audience's instruments: it reads them only to name
    # those no passage covers, which are the audience's own fields. Without them, choosing is cheaper.
    choosing = shown.audience.model_copy(update={"instruments": []})
    citable: frozenset[str] = frozenset()
    for length in get_args(Length):
        selection = select(shown.kb, choosing, shown.meeting, level, length)
        citable = selection.citable
        for section, kind in SECTIONS.items():
            for item in getattr(selection, section):
                yield kind, item.id, getattr(kb, kind)[item.id]
                cited += [item.sources, *([item.claim_sources] if isinstance(item, model.Response) else [])]
        for lever in selection.levers:
            owner = next(
                owner for owner in audience.lineage if selection.kb.levers.get(owner, {}).get(lever.id) is lever
            )
            yield lever_kind(owner), lever.id, kb.levers[owner][lever.id]
            cited.append(lever.sources)
    # The list of sources: each that something shown cites, where the copy may cite it (the same at every length).
    for source_id in dict.fromkeys(citation.source for citations in cited for citation in citations):
        if source_id in citable:
            yield "sources", source_id, kb.sources[source_id]
