"""The library entry points: everything the CLI does, callable from Python.

Rendering modules are imported inside the functions that need them, so
checking a knowledge base never pays for loading WeasyPrint or python-docx.
"""

from __future__ import annotations

import datetime
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from . import model
from .brief import Brief
from .cache import document_key, file_sha256, templates_digest
from .clock import build_date
from .compose import compose
from .errors import BriefingError, Diagnostic, InputError, UsageError
from .inspect_output import leak_in
from .load import KnowledgeBase, read_items
from .names import NameGuard
from .publish import output_name, read_manifest, record_in_manifest, remove_leftovers, sha256, write_atomic
from .select import Length, distribution_level, select
from .validate import read_meeting_file, validate
from .withholding import name_guard

Format = Literal["pdf", "docx"]
FORMATS: tuple[Format, ...] = ("pdf", "docx")


@dataclass
class Checked:
    """A valid knowledge base and the warnings its authors should see."""

    kb: KnowledgeBase
    warnings: list[Diagnostic] = field(default_factory=list)


def load_knowledge_base(briefs: Path, country: str | None = None,
                        today: datetime.date | None = None) -> Checked:
    """Load and check a knowledge base; raise InputError listing every problem."""
    kb, errors, warnings = validate(read_items(briefs, country), today or build_date())
    if kb is None:
        raise InputError(errors)
    return Checked(kb, warnings)


@dataclass(frozen=True)
class Request:
    """One briefing to produce: an audience, optionally for a meeting."""

    audience: str
    meeting: model.Meeting | None = None
    distribution: model.Sensitivity | None = None
    length: Length | None = None
    recipient: str | None = None


def requests_for(kb: KnowledgeBase, *, audiences: Iterable[str] = (), meeting_file: Path | None = None,
                 distribution: model.Sensitivity | None = None, length: Length | None = None,
                 recipient: str | None = None) -> list[Request]:
    """Turn what the user asked for into briefings, checking every name."""
    if recipient is not None:
        try:
            model.check_line(recipient)
        except ValueError as error:
            raise UsageError(f"--recipient {error}") from None
    requests = []
    for audience in audiences:
        if audience not in kb.audiences:
            raise UsageError(f"no audience '{audience}'; choose one of {', '.join(sorted(kb.audiences))}")
        requests.append(Request(audience, None, distribution, length, recipient))
    if meeting_file is not None:
        meeting = read_meeting_file(meeting_file, kb)
        requests.append(Request(meeting.audience, meeting, distribution, length, recipient))
    return requests


def compose_brief(kb: KnowledgeBase, request: Request, date: datetime.date) -> Brief:
    audience = kb.audiences[request.audience]
    selection = select(kb, audience, request.meeting, request.distribution, request.length)
    return compose(selection, date=date, recipient=request.recipient)


def render(brief: Brief, output_format: Format) -> bytes:
    if output_format == "pdf":
        from .render_pdf import render_pdf
        return render_pdf(brief)
    from .render_docx import render_docx
    return render_docx(brief)


def _render_or_report(brief: Brief, output_format: Format) -> bytes | str:
    """Runs in a worker: a user-caused failure comes back as its message, so one
    document's problem never takes the others down."""
    try:
        return render(brief, output_format)
    except BriefingError as error:
        return str(error)


def _warm_up() -> None:
    """Load the renderers in a fresh worker, while the parent is still reading YAML."""
    from . import render_docx, render_pdf  # noqa: F401


class RenderPool:
    """Worker processes for rendering, started early so their start-up overlaps loading.

    Rendering is CPU-bound Python, so documents render in parallel only in
    separate processes. Workers are forked as soon as the pool exists and
    import WeasyPrint straight away; by the time the knowledge base is loaded
    and the briefings composed, they are ready. Even one worker pays off that
    way. With none, documents render in this process and nothing is forked.
    """

    def __init__(self, workers: int) -> None:
        self._pool: ProcessPoolExecutor | None = None
        if workers > 0:
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_warm_up)
            # The first task makes the executor fork every worker now.
            self._pool.submit(int)

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        if self._pool is None:
            return
        if exc_type is not None:
            # Bad input found while the workers still load WeasyPrint: stop
            # them rather than make the user wait for an import to report it.
            # (Python 3.14 names this terminate_workers; 3.11 has no public way.)
            for process in list(self._pool._processes.values()):
                process.terminate()
        self._pool.shutdown(cancel_futures=True)

    def render_all(self, jobs: list[tuple[Brief, Format]]) -> Iterator[tuple[int, bytes | str]]:
        """(index, result) for every job, in the order they finish."""
        if self._pool is None:
            for index, (brief, output_format) in enumerate(jobs):
                yield index, _render_or_report(brief, output_format)
            return
        # PDFs take several times longer than DOCX files: started first, they
        # leave the short jobs to fill the workers' gaps at the end.
        order = sorted(range(len(jobs)), key=lambda index: jobs[index][1] != "pdf")
        futures = {self._pool.submit(_render_or_report, *jobs[index]): index for index in order}
        for future in as_completed(futures):
            yield futures[future], future.result()


@dataclass
class Outcome:
    """What a build did with each document."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    """Documents whose inputs had not changed since they were written, left alone."""
    failed: list[tuple[Path, str]] = field(default_factory=list)
    sha256: dict[Path, str] = field(default_factory=dict)
    """Of every file written or left unchanged, as recorded in the manifest."""


def generate(kb: KnowledgeBase, requests: Iterable[Request], formats: Iterable[Format] = FORMATS,
             out_dir: Path = Path("output"), date: datetime.date | None = None, *, pool: RenderPool | None = None,
             force: bool = False, progress: Callable[[Path], None] | None = None) -> Outcome:
    """Render the requested briefings in every format and write them to `out_dir`.

    A document is rendered only when something it depends on changed (see
    `cache.document_key`), or with `force`. Each is written as soon as it is
    rendered; one that fails is reported in the outcome and the rest still land.
    """
    date = date or build_date()
    templates = templates_digest()
    previous = read_manifest(out_dir)
    outcome = Outcome()
    entries: dict[str, dict[str, object]] = {}
    pending: list[tuple[Path, Brief, Format, dict[str, object]]] = []
    guards: dict[Path, NameGuard] = {}
    for request in requests:
        brief = compose_brief(kb, request, date)
        guard = name_guard(kb, distribution_level(request.meeting, request.distribution))
        meeting_id = request.meeting.id if request.meeting else None
        file_date = request.meeting.date if request.meeting else date
        for output_format in formats:
            path = out_dir / output_name(file_date, kb.country.id, request.audience, meeting_id, output_format,
                                         request.recipient)
            entry: dict[str, object] = {
                "audience": request.audience, "meeting": meeting_id, "format": output_format,
                "distribution": distribution_level(request.meeting, request.distribution).value,
                "recipient": request.recipient, "date": date.isoformat(), "knowledge_base": kb.revision,
                "key": document_key(repr(brief), output_format, templates),
            }
            last = previous.get(path.name, {})
            if not force and last.get("key") == entry["key"] and last.get("sha256") == file_sha256(path):
                outcome.unchanged.append(path)
                outcome.sha256[path] = last["sha256"]
                entries[path.name] = last
                if progress:
                    progress(path)
            else:
                pending.append((path, brief, output_format, entry))
                guards[path] = guard

    remove_leftovers(out_dir)
    pool = pool or RenderPool(0)
    for index, result in pool.render_all([(brief, output_format) for _, brief, output_format, _ in pending]):
        path, _, output_format, entry = pending[index]
        if isinstance(result, bytes) and (leak := leak_in(result, output_format, guards[path], path.name, entry)):
            result = leak
        if isinstance(result, bytes):
            write_atomic(path, result)
            outcome.sha256[path] = sha256(result)
            entries[path.name] = {**entry, "sha256": outcome.sha256[path]}
            outcome.written.append(path)
        else:
            outcome.failed.append((path, result))
        if progress:
            progress(path)
    if entries:
        record_in_manifest(out_dir, entries)
    outcome.written.sort()
    return outcome
