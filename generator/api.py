"""The library entry points: everything the CLI does, callable from Python.

A facade over the stages, in the order a briefing passes through them:
`kb` loads, `check` validates, `select` chooses, `compose` phrases,
`render` turns one Brief into a file's bytes and `publish` writes it;
`build` runs them for each request and skips what has not changed.
Rendering modules are imported only when a document is rendered, so checking
a knowledge base never pays for loading WeasyPrint or python-docx.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.build.checking import CheckReport, check
from generator.core.clock import build_date
from generator.core.errors import Diagnostic, InputError, UsageError
from generator.core.settings import DEFAULT_TIMEOUT
from generator.kb.sensitivity import Sensitivity
from generator.render import FORMATS, Format, render

if TYPE_CHECKING:
    from generator.build.documents import generate
    from generator.build.drafting import compose_brief
    from generator.build.incremental import BuildOptions, IncrementalRun, Session, Workers, country_runs
    from generator.build.letters import write_letter
    from generator.build.outcome import Outcome
    from generator.build.requests import Request, request_for, requests_for
    from generator.check.validate import (
        Checked,
        check_every_country,
        load_knowledge_base,
        meeting_country,
        read_meeting_file,
    )
    from generator.kb.ingest.add import Added
    from generator.kb.ingest.cite import Cited
    from generator.kb.inventory import Inventory
    from generator.kb.migrate import Step
    from generator.kb.scaffold import NewCountry
    from generator.kb.translations import Counts
    from generator.publish.publisher import VerifyReport
    from generator.render.pool import RenderPool
    from generator.select.records import FollowUp

_IMPORTED_ON_USE = {
    "generator.build.documents": ("generate",),
    "generator.build.incremental": ("BuildOptions", "IncrementalRun", "Session", "Workers", "country_runs"),
    "generator.build.drafting": ("compose_brief",),
    "generator.build.letters": ("write_letter",),
    "generator.build.outcome": ("Outcome",),
    "generator.build.requests": ("Request", "request_for", "requests_for"),
    "generator.check.validate": (
        "Checked",
        "check_every_country",
        "load_knowledge_base",
        "meeting_country",
        "read_meeting_file",
    ),
    "generator.render.pool": ("RenderPool",),
}
"""The pipeline, imported the first time one of its names is used: a `check` or `generate` answered
from the run cache imports none of it, and so parses no YAML and loads no renderer."""


def __getattr__(name: str) -> Any:
    for module, names in _IMPORTED_ON_USE.items():
        if name in names:
            value = getattr(importlib.import_module(module), name)
            globals()[name] = value
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_TIMEOUT",
    "FORMATS",
    "Added",
    "BuildOptions",
    "CheckReport",
    "Checked",
    "Cited",
    "Format",
    "IncrementalRun",
    "Inventory",
    "NewCountry",
    "Outcome",
    "RenderPool",
    "Request",
    "Sensitivity",
    "Session",
    "Workers",
    "add_source",
    "build_date",
    "check",
    "check_every_country",
    "citation_yaml",
    "cite",
    "compose_brief",
    "country_runs",
    "diff_report",
    "generate",
    "inventory",
    "letter_from_record",
    "load_knowledge_base",
    "meeting_country",
    "migrate",
    "migration_plan",
    "new_country",
    "new_meeting",
    "open_followups",
    "read_meeting_file",
    "render",
    "request_for",
    "requests_for",
    "require_meeting_file",
    "start_record",
    "translate",
    "verify",
    "write_letter",
    "write_schemas",
]


def inventory(briefs: Path, country: str | None) -> Inventory:
    """The audiences, meetings and themes of one country's knowledge base, counted."""
    from generator.check.validate import load_knowledge_base
    from generator.kb.inventory import inventory as inventory_of

    return inventory_of(load_knowledge_base(briefs, country).kb)


def diff_report(old: str, new: str | None, briefs: Path, country: str | None, distribution: str) -> list[str]:
    """The lines of `briefing diff`: OLD and NEW are folders or git revisions; NEW defaults to `briefs` as it is."""
    from generator.check.validate import load_knowledge_base
    from generator.select.diff import compare, format_report, knowledge_base_folder

    with (
        knowledge_base_folder(old, briefs) as old_folder,
        knowledge_base_folder(new or str(briefs), briefs) as new_folder,
    ):
        report = compare(
            load_knowledge_base(old_folder, country).kb,
            load_knowledge_base(new_folder, country).kb,
            Sensitivity(distribution),
        )
    return list(format_report(report, old, new or str(briefs)))


def migration_plan(briefs: Path) -> list[Step]:
    """What moving `briefs` to the one-folder-per-country layout would change; empty when nothing."""
    from generator.kb.migrate import plan

    return plan(briefs)


def migrate(steps: list[Step]) -> None:
    from generator.kb.migrate import apply

    apply(steps)


def write_schemas(out: Path) -> list[Path]:
    """JSON Schemas of every kind of knowledge-base file, written to `out` for editors."""
    from generator.kb.schema import write_schemas as write

    return write(out)


def add_source(briefs: Path, country: str | None, document: str, source_id: str) -> Added:
    """Archive `document`, a file or an http(s) address, as a new source of a country's knowledge base."""
    from generator.kb.ingest.add import add_source as add

    return add(briefs, country, document, source_id)


def cite(briefs: Path, country: str | None, source_id: str, words: str) -> Cited:
    """The sentence or sentences of an archived source holding `words`, as a citation gives them."""
    from generator.kb.ingest.cite import cite as find

    return find(briefs, country, source_id, words)


def citation_yaml(cited: Cited) -> str:
    """A citation as the `sources:` list of a fact holds it."""
    from generator.kb.ingest.cite import citation_yaml as as_yaml

    return as_yaml(cited)


def new_country(briefs: Path, country_id: str, name: str | None) -> NewCountry:
    """Start the folder of a new country, each file passing `check` as written; never over a file."""
    from generator.kb.scaffold import new_country as start

    return start(briefs, country_id, name)


def new_meeting(
    briefs: Path, country: str, audience: str, date: datetime.date, title: str | None, meeting_id: str | None
) -> Path:
    """Start a meeting file in a country's meetings/ folder, passing `check` as written; never over a file."""
    from generator.kb.scaffold import new_meeting as start

    return start(briefs, country, audience, date, title, meeting_id)


def translate(briefs: Path, country: str | None, language: str) -> tuple[Path, Counts]:
    """Create or update the country's `translations/<language>.po` as msgmerge would; never over a translation."""
    from generator.check.validate import load_knowledge_base
    from generator.kb.translations import update
    from generator.text.catalogue import languages

    if language not in languages():
        raise UsageError(f"'{language}' is not a language with a catalogue; choose one of {', '.join(languages())}")
    return update(load_knowledge_base(briefs, country).kb, language)


def require_meeting_file(briefs: Path, meeting_file: Path) -> None:
    """Refuse a meeting file that is not there, naming those that are."""
    from generator.kb.layout import no_such_meeting

    if not (meeting_file.exists() or meeting_file.is_symlink()):
        raise InputError([Diagnostic(meeting_file, 1, no_such_meeting(briefs, meeting_file))])


def start_record(meeting_file: Path, briefs: Path, country: str | None) -> Path:
    """Write the pre-filled record of the meeting in `meeting_file` beside it; refuses to replace one."""
    from generator.check.validate import load_knowledge_base, meeting_country, read_meeting_file
    from generator.select.records import write_skeleton

    kb = load_knowledge_base(briefs, country or meeting_country(briefs, meeting_file)).kb
    return write_skeleton(meeting_file, read_meeting_file(meeting_file, kb))


def letter_from_record(
    record_file: Path,
    briefs: Path,
    country: str | None,
    level: Sensitivity,
    formats: Iterable[Format],
    out: Path,
    *,
    language: str | None = None,
    strict: bool = False,
) -> Outcome:
    """The follow-up letter of the meeting recorded in `record_file`, written to `out`: in `language`, else
    the audience's; with `strict`, refused while anything it prints is still in English (see `write_letter`)."""
    from generator.build.letters import write_letter
    from generator.check.validate import load_knowledge_base, meeting_country
    from generator.kb.layout import meeting_path
    from generator.select.records import record_of

    # The record sits beside its meeting, which says whose country it is.
    kb = load_knowledge_base(briefs, country or meeting_country(briefs, meeting_path(record_file))).kb
    return write_letter(kb, record_of(kb, record_file), level, formats, out, language=language, strict=strict)


def open_followups(
    briefs: Path,
    country: str | None,
    *,
    audience: str | None = None,
    overdue_only: bool = False,
    today: datetime.date | None = None,
) -> list[FollowUp]:
    """Open commitments and actions across meeting records, overdue first; every country without `country`.

    Overdue is judged on `today`, by default the build date.
    """
    from generator.check.validate import check_every_country, load_knowledge_base
    from generator.policy.withholding import name_guard
    from generator.select.records import followups, in_order

    kbs = [load_knowledge_base(briefs, country).kb] if country else [c.kb for c in check_every_country(briefs)]
    audiences = sorted({audience_id for kb in kbs for audience_id in kb.audiences})
    if audience is not None and audience not in audiences:
        raise UsageError(f"no audience '{audience}'; choose one of {', '.join(audiences)}")
    return in_order(
        entry
        # Only the people every copy may name: this list ends up on screens and in mail.
        for kb in kbs
        for entry in followups(
            kb, today or build_date(), name_guard(kb, Sensitivity.PUBLIC), audience=audience, overdue_only=overdue_only
        )
    )


def verify(out: Path, briefs: Path | None = None) -> VerifyReport:
    """The output folder checked against its manifest, and, with the knowledge base, each copy's archived sources."""
    from generator.publish.publisher import verify as verify_folder

    return verify_folder(out, briefs)
