"""The incremental build behind `briefing generate` (`checking` answers `briefing check` the same way).

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

from generator.build.checking import diagnostics, is_warning_rows, remember_run, warning_rows
from generator.core import run_cache, store
from generator.core.clock import build_date
from generator.core.errors import Diagnostic
from generator.kb.layout import country_dirs, loader_listings
from generator.kb.settings import read_settings
from generator.render import ARCHIVE, FORMATS, REGISTRY, Format

if TYPE_CHECKING:
    from generator.build.outcome import Outcome
    from generator.build.requests import Request
    from generator.check.validate import Checked
    from generator.kb import model
    from generator.render.pool import RenderPool
    from generator.select.selection import Length


def _is_generate_result(result: dict[str, object]) -> bool:
    files = result.get("files")
    return (
        is_warning_rows(result.get("warnings"))
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
        return remember_run(
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
