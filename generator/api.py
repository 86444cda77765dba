"""The library entry points: everything the CLI does, callable from Python.

Rendering modules are imported inside the functions that need them, so
checking a knowledge base never pays for loading WeasyPrint or python-docx.
"""

from __future__ import annotations

import contextlib
import datetime
import math
import multiprocessing
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Literal

from . import __version__, manifest
from .brief import Brief
from .cache import document_key, templates_digest
from .clock import build_date
from .compose import compose
from .errors import BriefingError, CopyRefused, Diagnostic, InputError, UsageError, WriteFailure
from .fit import fit_to_pages
from .inspect_output import leak_in
from .kb import model
from .kb.load import KnowledgeBase, read_items
from .kb.validate import read_meeting_file, validate
from .kb.yamlfile import YamlFileError, read_yaml
from .names import NameGuard
from .publish import Publisher, assign_copies, copy_series, output_name
from .select import Length, distribution_level, select
from .withholding import name_guard

Format = Literal["pdf", "docx"]
FORMATS: tuple[Format, ...] = ("pdf", "docx")


@dataclass
class Checked:
    """A valid knowledge base and the warnings its authors should see."""

    kb: KnowledgeBase
    warnings: list[Diagnostic] = field(default_factory=list)


def load_knowledge_base(briefs: Path, country: str | None = None, today: datetime.date | None = None) -> Checked:
    """Load and check a knowledge base; raise InputError listing every problem."""
    kb, errors, warnings = validate(read_items(briefs, country), today or build_date())
    if kb is None:
        raise InputError(errors)
    return Checked(kb, warnings)


def check_every_country(briefs: Path, today: datetime.date | None = None) -> list[Checked]:
    """Load and check each country of the tree with the shared files; raise InputError listing
    every problem of them all, a problem of a shared file once."""
    from .kb.load import country_dirs

    checked, errors = [], []
    for folder in country_dirs(briefs) or [None]:
        try:
            checked.append(load_knowledge_base(briefs, folder and folder.name, today))
        except InputError as error:
            errors.extend(error.diagnostics)
    if errors:
        raise InputError(list(dict.fromkeys(errors)))
    return checked


def meeting_country(briefs: Path, meeting_file: Path) -> str | None:
    """The country a meeting file belongs to: the folder it sits in, else the country it names."""
    meetings = meeting_file.resolve().parent
    if meetings.name == "meetings" and meetings.parent.parent == briefs.resolve():
        return meetings.parent.name
    try:
        data = read_yaml(meeting_file).data
    except YamlFileError as error:
        raise InputError(error.diagnostics) from None
    named = data.get("country") if isinstance(data, dict) else None
    return named if isinstance(named, str) else None


@dataclass(frozen=True)
class Request:
    """One briefing to produce: an audience, optionally for a meeting."""

    audience: str
    meeting: model.Meeting | None = None
    distribution: model.Sensitivity | None = None
    length: Length | None = None
    recipient: str | None = None
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
    as_of: datetime.date | None = None,
) -> list[Request]:
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
        requests.append(Request(audience, None, distribution, length, recipient, as_of=as_of))
    if meeting_file is not None:
        meeting = read_meeting_file(meeting_file, kb)
        requests.append(Request(meeting.audience, meeting, distribution, length, recipient, as_of=as_of))
    return requests


def compose_brief(kb: KnowledgeBase, request: Request, date: datetime.date) -> Brief:
    """The briefing as it will be printed: laid out and trimmed until it fits its page limit."""
    from .render.pdf import count_pages

    audience = kb.audiences[request.audience]
    selection = select(kb, audience, request.meeting, request.distribution, request.length, request.as_of)
    return fit_to_pages(
        selection,
        lambda chosen: compose(chosen, date=date, recipient=request.recipient, copy_number=request.copy_number),
        count_pages,
    )


def render(brief: Brief, output_format: Format) -> bytes:
    if output_format == "pdf":
        from .render.pdf import render_pdf

        return render_pdf(brief)
    from .render.docx import render_docx

    return render_docx(brief)


def _render_or_report(brief: Brief, output_format: Format) -> bytes | str:
    """A user-caused failure comes back as its message, so one document's
    problem never takes the others down."""
    try:
        return render(brief, output_format)
    except BriefingError as error:
        return str(error)


DEFAULT_TIMEOUT = 300.0
"""Seconds one document may take to render before it is stopped."""


def _too_slow(timeout: float) -> str:
    return f"rendering took longer than {timeout:g} s and was stopped (the limit is set with --timeout)"


class _TimeUp(BaseException):
    """Raised by the alarm in a render that ran out of time.

    A BaseException, like KeyboardInterrupt, so that no `except Exception`
    inside WeasyPrint swallows it and carries on rendering.
    """


def _render_in_process(brief: Brief, output_format: Format, timeout: float) -> bytes | str:
    """Render here, stopped by an interval timer after `timeout` seconds where one can be set.

    Signals reach only the main thread, and only at the next Python
    instruction: enough for WeasyPrint's layout, which is Python.
    """
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return _render_or_report(brief, output_format)

    def time_up(signum: int, frame: object) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, time_up)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return _render_or_report(brief, output_format)
    except _TimeUp:
        return _too_slow(timeout)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _warm_up() -> None:
    """Load the renderers in a fresh worker, while the parent is still reading YAML."""
    from .render import docx, pdf  # noqa: F401


@dataclass
class _Crash:
    """A bug in a worker, carried back to be raised in the parent with its traceback."""

    traceback: str


class _Ready:
    """Sent by a worker once the renderers are loaded: its documents' time starts then."""


def _serve(connection: Connection) -> None:
    """A worker's life: load the renderers, then render each job sent until stopped."""
    _warm_up()
    connection.send(_Ready())
    while True:
        try:
            job = connection.recv()
        except EOFError:  # the parent has gone
            return
        try:
            connection.send(_render_or_report(*job))
        except Exception:
            connection.send(_Crash(traceback.format_exc()))


class _Worker:
    """One render process, forked at once, spoken to through a pipe."""

    def __init__(self, context: multiprocessing.context.BaseContext) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.job: int | None = None
        self.timeout = math.inf
        self.deadline = math.inf

    def start(self, index: int, job: tuple[Brief, Format], timeout: float) -> None:
        """Send a job; while the worker still loads the renderers it waits in the pipe, and its time with it."""
        # A worker that has died reads as a closed pipe, and `result` says so.
        with contextlib.suppress(OSError):
            self.connection.send(job)
        self.job, self.timeout = index, timeout
        self.deadline = time.monotonic() + timeout if self.ready else math.inf

    def result(self) -> bytes | str | None:
        """The job's result, or None when the message was only that the worker is ready."""
        try:
            outcome = self.connection.recv()
        except EOFError:
            self.process.join()
            outcome = f"the render process ended unexpectedly (exit status {self.process.exitcode})"
        if isinstance(outcome, _Ready):
            self.ready = True
            self.deadline = time.monotonic() + self.timeout
            return None
        self.job, self.deadline = None, math.inf
        if isinstance(outcome, _Crash):
            raise RuntimeError(f"a render worker failed:\n{outcome.traceback}")
        return outcome

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        """End the process now: it holds nothing that needs saving."""
        self.process.terminate()
        self.process.join()
        self.connection.close()


def _fork_context() -> multiprocessing.context.BaseContext | None:
    """Fork where the platform has it: a forked worker starts from the parent's imports."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


class RenderPool:
    """Worker processes for rendering, started early so their start-up overlaps loading.

    Rendering is CPU-bound Python, so documents render in parallel only in
    separate processes. Workers are forked as soon as the pool exists and
    import WeasyPrint straight away; by the time the knowledge base is loaded
    and the briefings composed, they are ready. Even one worker pays off that
    way. With none, or where the platform cannot fork, documents render in
    this process.

    A document that takes longer than `timeout` seconds is stopped and
    reported as failed; its worker is replaced and the others carry on.
    """

    def __init__(self, workers: int, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout
        self._context = _fork_context()
        self._workers = [_Worker(self._context) for _ in range(workers)] if self._context else []

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        # Idle workers, or workers still importing WeasyPrint after bad input
        # was found, are stopped rather than waited for.
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def render_all(self, jobs: list[tuple[Brief, Format]]) -> Iterator[tuple[int, bytes | str]]:
        """(index, result) for every job, in the order they finish."""
        if not self._workers:
            for index, (brief, output_format) in enumerate(jobs):
                yield index, _render_in_process(brief, output_format, self.timeout)
            return
        # PDFs take several times longer than DOCX files: started first, they
        # leave the short jobs to fill the workers' gaps at the end.
        waiting = deque(sorted(range(len(jobs)), key=lambda index: jobs[index][1] != "pdf"))
        while waiting or any(worker.job is not None for worker in self._workers):
            for worker in self._workers:
                if worker.job is None and waiting:
                    index = waiting.popleft()
                    worker.start(index, jobs[index], self.timeout)
            yield from self._collect()

    def _collect(self) -> Iterator[tuple[int, bytes | str]]:
        """Wait for the first result or deadline; yield what finished, stop what ran out of time."""
        busy = [worker for worker in self._workers if worker.job is not None]
        soonest = min(worker.deadline for worker in busy)
        ready = wait(
            [worker.connection for worker in busy],
            timeout=None if soonest == math.inf else max(0.0, soonest - time.monotonic()),
        )
        for position, worker in enumerate(self._workers):
            if worker.job is None:
                continue
            index = worker.job
            if worker.connection in ready:
                if (result := worker.result()) is not None:
                    yield index, result
                if not worker.alive:
                    self._workers[position] = _Worker(self._context)
            elif time.monotonic() >= worker.deadline:
                worker.stop()
                self._workers[position] = _Worker(self._context)
                yield index, _too_slow(self.timeout)


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
    wanted = sorted({_series(request) for request in requests if request.recipient})
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
        output_format,
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
