"""The incremental build behind `briefing generate` and `briefing check`.

An unchanged rebuild should cost almost nothing. The run cache remembers a
whole run's answer under a digest of the command line and every input, so a
repeated command whose files are still as written loads no YAML at all; this
module therefore imports the pipeline only once a run has to happen. Per
document, `documents.generate` then renders only what changed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator.core import run_cache, store
from generator.core.clock import build_date
from generator.core.errors import Diagnostic, InputError
from generator.kb.layout import ITEM_KINDS, country_dirs, loader_listings
from generator.kb.settings import read_settings
from generator.render import ARCHIVE, FORMATS, REGISTRY, Format

if TYPE_CHECKING:
    from generator.build.outcome import Outcome
    from generator.build.requests import Request
    from generator.check.validate import Checked
    from generator.kb import model
    from generator.render.pool import RenderPool
    from generator.select.selection import Length

Warnings = list[list[object]]
"""Diagnostics as stored in the run cache: [path, line, message, kind] rows."""


def warning_rows(warnings: list[Diagnostic]) -> Warnings:
    return [[str(d.path), d.line, d.message, d.kind] for d in warnings]


def diagnostics(rows: Warnings) -> list[Diagnostic]:
    return [Diagnostic(Path(str(path)), int(str(line)), str(message), str(kind)) for path, line, message, kind in rows]


def _is_warning_rows(rows: object) -> bool:
    return isinstance(rows, list) and all(
        isinstance(row, list)
        and len(row) == 4
        and isinstance(row[0], str)
        and type(row[1]) is int
        and isinstance(row[2], str)
        and isinstance(row[3], str)
        for row in rows
    )


def _remember(
    command: list[object],
    inputs: str,
    inputs_now: Callable[[], str],
    seen: run_cache.RunInputs | None,
    result: dict[str, object],
) -> bool:
    """Keep a run's result for the next run, unless an input changed while it ran; say whether it was kept.

    A file edited mid-run may have been read before or after the edit; a result
    recorded under either state could then answer for the other.
    """
    return seen is not None and inputs_now() == inputs and run_cache.remember(command, inputs, result, seen)


@dataclass(frozen=True)
class Counted:
    """One valid country's knowledge base: its name, and how many it holds of each kind."""

    country: str
    counts: dict[str, int]


@dataclass
class CheckReport:
    warnings: list[Diagnostic]
    valid: list[Counted]
    summary: list[tuple[str, str]]
    """(kind, the line summing up its warnings), as `check.summary` words it."""
    translations: list[tuple[str, str]]
    """(PO file, its tally of translated, fuzzy and missing entries) for each language file of each country."""
    kept: bool = True
    """False when an input changed during the run, so the next run reads everything again."""


KINDS_COUNTED = ("sources", *ITEM_KINDS, "audiences", "meetings")


def check(briefs: Path, country: str | None, date: datetime.date | None = None) -> CheckReport:
    """`briefing check`: answered from the last valid run when no file changed, else loaded and checked."""
    date = date or build_date()
    command: list[object] = ["check", briefs.resolve(), country]

    def inputs() -> str:
        return store.inputs_key(date)

    before = inputs()
    recalled = run_cache.recall(command, before, _is_check_result)
    if recalled is not None:
        return CheckReport(
            diagnostics(recalled["warnings"]),
            [Counted(name, counts) for name, counts in recalled["valid"]],
            [(kind, line) for kind, line in recalled["summary"]],
            [(path, tally) for path, tally in recalled["translations"]],
        )
    from generator.build.translation_counts import language_report
    from generator.check.summary import summary
    from generator.check.validate import check_every_country, load_knowledge_base

    with run_cache.recording(loader_listings(briefs, country)) as seen:
        # Without --country, every country of the tree, each with the shared files.
        every = [load_knowledge_base(briefs, country, date)] if country else check_every_country(briefs, date)
        # Read while recording, so that an edited PO file is an input that changed.
        languages = [language_report(checked.kb) for checked in every]
    # A translation that names a withheld person in every copy printing it is an error, as the English would be.
    errors = [error for each in languages for error in each.errors]
    if errors:
        raise InputError(errors)
    translations = [(str(path), line) for each in languages for path, line in each.tallies]
    warnings = list(
        dict.fromkeys(
            warning
            for checked, each in zip(every, languages, strict=True)
            for warning in (*checked.warnings, *each.warnings)
        )
    )
    valid = [
        Counted(checked.kb.country.name, {kind: len(getattr(checked.kb, kind)) for kind in KINDS_COUNTED})
        for checked in every
    ]
    summed = summary(every, warnings, date)
    result = {
        "warnings": warning_rows(warnings),
        "valid": [[each.country, each.counts] for each in valid],
        "summary": [[kind, line] for kind, line in summed],
        "translations": [[path, tally] for path, tally in translations],
    }
    kept = _remember(command, before, inputs, seen, result)
    return CheckReport(warnings, valid, summed, translations, kept)


def _is_check_result(result: dict[str, object]) -> bool:
    valid = result.get("valid")
    return (
        _is_warning_rows(result.get("warnings"))
        and _are_string_pairs(result.get("translations"))
        and _are_string_pairs(result.get("summary"))
        and isinstance(valid, list)
        and all(
            isinstance(row, list)
            and len(row) == 2
            and isinstance(row[0], str)
            and isinstance(row[1], dict)
            and list(row[1]) == list(KINDS_COUNTED)
            and all(type(number) is int for number in row[1].values())
            for row in valid
        )
    )


def _are_string_pairs(rows: object) -> bool:
    return isinstance(rows, list) and all(
        isinstance(row, list) and len(row) == 2 and all(isinstance(part, str) for part in row) for row in rows
    )


def _is_generate_result(result: dict[str, object]) -> bool:
    files = result.get("files")
    return (
        _is_warning_rows(result.get("warnings"))
        and isinstance(files, dict)
        and bool(files)
        and all(isinstance(path, str) and isinstance(digest, str) for path, digest in files.items())
    )


@dataclass(frozen=True)
class BuildOptions:
    """What `briefing generate` was asked for."""

    briefs: Path
    country: str | None = None
    meeting_file: Path | None = None
    audiences: tuple[str, ...] = ()
    all_audiences: bool = False
    formats: tuple[Format, ...] = FORMATS
    out: Path = Path("output")
    distribution: model.Sensitivity | None = None
    length: Length | None = None
    recipient: str | None = None
    recipients_file: Path | None = None
    package: bool = False
    """Also write one zip per briefing with its copies and a cover note."""
    archive: bool = False
    """Also write a PDF/A copy of each briefing for the team's records."""
    jobs: int = 1
    force: bool = False
    strict: bool = False
    timeout: float | None = None
    """--timeout; None leaves the limit to BRIEFING_TIMEOUT, else the knowledge base's briefing.toml."""
    as_of: datetime.date | None = None
    language: str | None = None
    """--language: the briefings' language, instead of each audience's."""

    @property
    def all_formats(self) -> tuple[Format, ...]:
        return (*self.formats, ARCHIVE) if self.archive else self.formats


@dataclass
class Session:
    """A build under way: the knowledge base loaded, the briefings asked for, workers started."""

    checked: Checked
    requests: list[Request]
    options: BuildOptions
    pool: RenderPool

    @property
    def documents(self) -> int:
        return len(self.requests) * len(self.options.all_formats)

    def run(self, progress: Callable[[Path], None] | None = None) -> Outcome:
        from generator.build.documents import generate

        outcome = generate(
            self.checked.kb,
            self.requests,
            self.options.all_formats,
            self.options.out,
            pool=self.pool,
            force=self.options.force,
            progress=progress,
            strict=self.options.strict,
        )
        # A package lists every copy of its briefing: none is made when a copy is missing.
        if self.options.package and not (outcome.failed or outcome.stopped):
            from generator.build.package import package_copies

            package_copies(self.checked.kb, self.requests, outcome, self.options.out)
            outcome.written.sort()
        return outcome


class Workers:
    """The render workers of one command, started when a run first needs them and shared by every country."""

    def __init__(self, jobs: int, timeout: float) -> None:
        self.jobs, self.timeout = jobs, timeout
        self._pool: RenderPool | None = None

    def pool(self, documents: int) -> RenderPool:
        """No more workers than the first run has documents, and none for one document or --jobs 1: forking
        a worker for a single document costs more than it overlaps (about 0.4 s in 3)."""
        if self._pool is None:
            from generator.render.pool import RenderPool

            workers = min(self.jobs, documents)
            self._pool = RenderPool(workers if workers > 1 else 0, timeout=self.timeout)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.__exit__(None, None, None)
            self._pool = None


@contextmanager
def country_runs(options: BuildOptions) -> Iterator[list[IncrementalRun]]:
    """One run per country the command covers (see `countries_to_build`), all rendering with the same workers."""
    # The tree's settings, read once: a mistake in them is reported, with the rest, when a run loads the tree.
    settings, _ = read_settings(options.briefs)
    workers = Workers(options.jobs, options.timeout or settings.timeout)
    try:
        yield [
            IncrementalRun(replace(options, country=country), workers, settings.theme)
            for country in countries_to_build(options)
        ]
    finally:
        workers.close()


class IncrementalRun:
    """One `briefing generate`: skipped whole when neither the command nor any input changed."""

    def __init__(self, options: BuildOptions, workers: Workers, theme: Path | None = None) -> None:
        self.options = options
        self.workers = workers
        self.theme = theme
        """The theme the settings name: its files are inputs of every document, like the packaged templates."""
        # The briefing's own date: staleness is judged on it, and it stands on the page.
        self.date = options.as_of or build_date()
        self.command: list[object] = [
            "generate",
            options.meeting_file and options.meeting_file.resolve(),
            sorted(options.audiences),
            options.all_audiences,
            list(options.formats),
            options.out.resolve(),
            options.distribution and options.distribution.value,
            options.length,
            # The inputs hold the briefing's date either way; whether it is an --as-of date changes the copy.
            options.as_of and options.as_of.isoformat(),
            options.recipient,
            options.recipients_file and options.recipients_file.resolve(),
            options.package,
            options.archive,
            options.briefs.resolve(),
            options.country,
            options.strict,
            options.language,
        ]
        self.inputs_before = self._inputs(store.templates_digest(theme))
        self.seen: run_cache.RunInputs | None = None
        """What the session's load read: the files of the knowledge base, the meeting and the recipients."""

    def _inputs(self, templates: str) -> str:
        return store.inputs_key(self.date, templates)

    def unchanged(self) -> tuple[list[Path], list[Diagnostic]] | None:
        """The files and warnings of the last identical run, if its files are still as it wrote them."""
        if self.options.force:
            return None
        last = run_cache.recall(self.command, self.inputs_before, _is_generate_result)
        if not last or not _still_as_written(self.options.out, last["files"]):
            return None
        return [Path(path) for path in last["files"]], diagnostics(last["warnings"])

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Start the workers, then load the knowledge base while they import the renderers."""
        options = self.options
        audience_count = (
            len(list((options.briefs / "audiences").glob("*.y*ml")))
            if options.all_audiences
            else len(options.audiences)
        )
        documents = (audience_count + bool(options.meeting_file)) * len(options.all_formats)
        pool = self.workers.pool(documents)
        from generator.build.requests import requests_for
        from generator.check.validate import load_knowledge_base

        with run_cache.recording(loader_listings(options.briefs, options.country)) as self.seen:
            checked = load_knowledge_base(options.briefs, options.country, today=self.date)
            kb = checked.kb
            requests = requests_for(
                kb,
                audiences=list(kb.audiences) if options.all_audiences else options.audiences,
                meeting_file=options.meeting_file,
                distribution=options.distribution,
                length=options.length,
                recipient=options.recipient,
                recipients_file=options.recipients_file,
                pdf=any(REGISTRY[output_format].laid_out_by_weasyprint for output_format in options.all_formats),
                as_of=self.date if options.as_of else None,
                date=self.date,
                language=options.language,
            )
        yield Session(checked, requests, options, pool)

    def remember(self, outcome: Outcome, warnings: list[Diagnostic]) -> bool:
        """Keep a clean run's answer for the next identical run; False if an input changed while it ran."""
        result: dict[str, object] = {
            "files": {str(path): digest for path, digest in sorted(outcome.sha256.items())},
            "warnings": warning_rows(warnings),
        }
        # Re-read, not the digest cached for this process: a template edited mid-run counts too.
        return _remember(
            self.command,
            self.inputs_before,
            lambda: self._inputs(store.read_templates_digest(self.theme)),
            self.seen,
            result,
        )


def _still_as_written(out: Path, digests: dict[str, str]) -> bool:
    """The files a past run wrote are unchanged on disk and the manifest still records them so."""
    from generator.publish import manifest

    return all(manifest.file_sha256(Path(path)) == digest for path, digest in digests.items()) and manifest.records(
        out, digests
    )


def countries_to_build(options: BuildOptions) -> list[str | None]:
    """The countries a `generate` covers: the one asked for, else the meeting's, else with --all every one.

    None stands for "the only country of the tree".
    """
    folders = [folder.name for folder in country_dirs(options.briefs)]
    if options.country is not None or len(folders) <= 1:
        return [options.country]
    if options.meeting_file is not None:
        from generator.check.validate import meeting_country

        return [meeting_country(options.briefs, options.meeting_file)]
    if options.all_audiences and not options.audiences:
        return list(folders)
    return [None]
