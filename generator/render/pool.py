"""The worker processes that fit and render briefings, with a serial fallback.

Fitting a briefing to its pages and rendering it are CPU-bound Python, so
briefings render in parallel only in separate processes. One job is one
briefing: the worker lays it out until it fits (`fit.fit_to_pages`), writes
the PDF from that last layout and sends each result back as soon as it is
ready. The briefing's other documents need only the fitted Brief, which the
worker sends back, so whichever worker is free renders them: a long briefing
does not hold a short one's DOCX behind it. Where the platform cannot fork,
or no workers are asked for, jobs run in the calling process under the same
time limit.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import recv_handle, send_handle
from typing import Protocol

from generator.compose.brief import Brief
from generator.core.errors import BriefingError
from generator.core.settings import DEFAULT_TIMEOUT
from generator.render import REGISTRY, Format, load_renderers, render


class Draft(Protocol):
    """A briefing not yet fitted to its pages; it must pickle, as it is sent to a worker."""

    def fitted(self) -> Brief: ...


@dataclass(frozen=True)
class Job:
    draft: Draft
    formats: tuple[Format, ...]
    """May be empty: the briefing is then only fitted, to learn what it would print."""
    expected_seconds: float = 0.0
    """How long fitting this briefing took last time, if known: the longest start first."""

    @property
    def cost(self) -> int:
        return sum(REGISTRY[output_format].cost for output_format in self.formats)


@dataclass(frozen=True)
class Fitted:
    """The job's briefing fits its pages; `out_of_date` are the stale facts it prints, None if it never fitted."""

    out_of_date: tuple[str, ...] | None
    seconds: float = 0.0
    """How long fitting took, for ordering the same briefing's job next time."""
    brief: Brief | None = None
    """The fitted briefing, sent back from a worker for its documents that any worker may render."""
    cut: tuple[str, ...] = ()
    """What fitting left out to keep within the page limit (see `Brief.cut`)."""
    untranslated: tuple[str, ...] = ()
    """The items it shows in English in a briefing in another language (see `Brief.untranslated`)."""
    engine: str = ""
    """The text engine it was laid out with (see `engine.text_engine`): what `cut` holds for."""


@dataclass(frozen=True)
class Refused:
    """The briefing cannot be produced at all (it cannot fit, say): the whole run stops with `error`."""

    error: BriefingError


@dataclass(frozen=True)
class Rendered:
    """One document of the job: its bytes, or why it failed."""

    format: Format
    result: bytes | str


Event = Fitted | Refused | Rendered


def render_or_report(brief: Brief, output_format: Format) -> bytes | str:
    """A user-caused failure comes back as its message, so one document's
    problem never takes the others down."""
    try:
        return render(brief, output_format)
    except BriefingError as error:
        return str(error)


@dataclass(frozen=True)
class _Fit:
    """A worker's share of a job: fit the briefing, render `formats` from its layout, and
    send the fitted Brief back with `Fitted` when other formats are left to any worker."""

    draft: Draft
    formats: tuple[Format, ...]
    hand_back: bool


@dataclass(frozen=True)
class _Render:
    """One document of a briefing already fitted."""

    brief: Brief
    format: Format


_Task = _Fit | _Render


def _split(formats: tuple[Format, ...]) -> tuple[tuple[Format, ...], tuple[Format, ...]]:
    """The formats the fitting process renders from its layout, and those any worker may render."""
    return (
        tuple(output_format for output_format in formats if REGISTRY[output_format].from_fitting),
        tuple(output_format for output_format in formats if not REGISTRY[output_format].from_fitting),
    )


def _steps(task: _Task) -> Iterator[Event]:
    """A task's events in order: fitted (or refused), then each format rendered."""
    if isinstance(task, _Render):
        yield Rendered(task.format, render_or_report(task.brief, task.format))
        return
    started = time.perf_counter()
    try:
        brief = task.draft.fitted()
    except BriefingError as error:
        yield Refused(error)
        return
    # Imported here, where fitting has just loaded WeasyPrint: the process that only hands out jobs never does.
    from generator.render.pdf import text_engine

    yield Fitted(
        brief.out_of_date,
        time.perf_counter() - started,
        brief if task.hand_back else None,
        brief.cut,
        brief.untranslated,
        text_engine(),
    )
    for output_format in task.formats:
        yield Rendered(output_format, render_or_report(brief, output_format))


def _unfinished(formats: tuple[Format, ...], fitted: bool, message: str) -> Iterator[Event]:
    """The events still owed by a task that was stopped: every document in `formats` fails with `message`."""
    if not fitted:
        yield Fitted(None)
    for output_format in formats:
        yield Rendered(output_format, message)


def _too_slow(timeout: float) -> str:
    return f"rendering took longer than {timeout:g} s and was stopped (the limit is set with --timeout)"


class _TimeUp(BaseException):
    """Raised by the alarm in a render that ran out of time.

    A BaseException, like KeyboardInterrupt, so that no `except Exception`
    inside WeasyPrint swallows it and carries on rendering.
    """


def _run_in_process(job: Job, timeout: float) -> Iterator[Event]:
    """Run a job here, each step stopped by an interval timer after `timeout` seconds where one can be set.

    Signals reach only the main thread, and only at the next Python
    instruction: enough for WeasyPrint's layout, which is Python.
    """
    steps = _steps(_Fit(job.draft, job.formats, hand_back=False))
    done, fitted = 0, False
    while True:
        try:
            event = _within(timeout, lambda: next(steps))
        except StopIteration:
            return
        except _TimeUp:
            yield from _unfinished(job.formats[done:], fitted, _too_slow(timeout))
            return
        fitted = fitted or isinstance(event, Fitted)
        done += isinstance(event, Rendered)
        yield event


def _within(timeout: float, step: Callable[[], Event]) -> Event:
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return step()

    def time_up(signum: int, frame: object) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, time_up)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return step()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class _Crash:
    """A bug in a worker, carried back to be raised in the parent with its traceback."""

    traceback: str


def _serve(connection: Connection) -> None:
    """A worker's life: run each task sent, event by event, until the parent goes."""
    while True:
        try:
            task = connection.recv()
        except EOFError:
            return
        try:
            for event in _steps(task):
                connection.send(event)
        except Exception:
            connection.send(_Crash(traceback.format_exc()))


def _zygote(control: Connection, pools_end: Connection, workers: int) -> None:
    """Import the renderers once, then fork every worker from this warm process on request.

    Forked workers share the imported modules and start at once; nothing is
    imported again and the caller's `__main__` is never run. The zygote is
    also the workers' parent: it stops them and reports how they ended.
    """
    # Inherited with the fork: held open here, it would keep the zygote from seeing the pool close.
    pools_end.close()
    load_renderers()
    children: set[int] = set()
    # A closed pool reads as a broken pipe or an end of file: its workers are ended with it.
    with contextlib.suppress(OSError, EOFError):
        for _ in range(workers):
            _fork_worker(control, children)
        while True:
            command, pid = control.recv()
            if command == "spawn":
                _fork_worker(control, children)
                continue
            if command == "stop":
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            children.discard(pid)
            control.send(_reap(pid))
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _reap(pid)


def _reap(pid: int) -> int | None:
    """Wait for a worker to end; its exit status (negative: the signal), None if it was reaped before."""
    try:
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    except ChildProcessError:
        return None


def _fork_worker(control: Connection, children: set[int]) -> None:
    """Fork a worker and hand the parent of the pool its end of the worker's pipe."""
    ours, theirs = multiprocessing.Pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            control.close()
            ours.close()
            _serve(theirs)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    children.add(pid)
    theirs.close()
    try:
        control.send(pid)
        send_handle(control, ours.fileno(), 0)
    finally:
        ours.close()


class _Zygote:
    """The pool's side of the zygote process."""

    def __init__(self, context: multiprocessing.context.ForkContext, workers: int) -> None:
        self.control, child = context.Pipe()
        self.process = context.Process(target=_zygote, args=(child, self.control, workers), daemon=True)
        self.process.start()
        child.close()

    def next_worker(self) -> tuple[int, Connection]:
        """The next worker forked: its process id and pipe. Waits while the zygote imports."""
        pid = self.control.recv()
        return pid, Connection(recv_handle(self.control))

    def spawn(self) -> tuple[int, Connection]:
        self.control.send(("spawn", 0))
        return self.next_worker()

    def end(self, pid: int, command: str) -> int | None:
        """`stop` or `reap` a worker; its exit status (negative: the signal), None if the zygote has gone."""
        try:
            self.control.send((command, pid))
            status: int = self.control.recv()
        except (EOFError, OSError):
            return None
        return status

    def close(self) -> None:
        """The zygote ends its workers once the control pipe closes, then itself."""
        self.control.close()
        self.process.join()


class _Worker:
    """One render process forked by the zygote, spoken to through a pipe."""

    def __init__(self, zygote: _Zygote, pid: int, connection: Connection) -> None:
        self.zygote, self.pid, self.connection = zygote, pid, connection
        self.index: int | None = None
        """The job the current task belongs to; None while idle."""
        self.owed: tuple[Format, ...] = ()
        """The documents whose outcome this worker must report, until its task ends."""
        self.done = 0
        self.fitted = False
        self.deadline = math.inf
        self.dead = False

    @property
    def busy(self) -> bool:
        return self.index is not None

    def fit(self, index: int, job: Job, timeout: float) -> None:
        """Fit the job's briefing and render what needs its layout; until fitted, it owes every document."""
        here, elsewhere = _split(job.formats)
        self._start(index, _Fit(job.draft, here, hand_back=bool(elsewhere)), here + elsewhere, False, timeout)

    def render(self, index: int, task: _Render, timeout: float) -> None:
        self._start(index, task, (task.format,), True, timeout)

    def _start(self, index: int, task: _Task, owed: tuple[Format, ...], fitted: bool, timeout: float) -> None:
        # A worker that has died reads as a closed pipe, and `events` says so.
        with contextlib.suppress(OSError):
            self.connection.send(task)
        self.index, self.owed, self.done, self.fitted = index, owed, 0, fitted
        self.deadline = time.monotonic() + timeout

    def events(self, timeout: float) -> Iterator[Event]:
        """What the worker sent; each event restarts the time limit of the next document."""
        try:
            event = self.connection.recv()
        except (EOFError, ConnectionResetError):  # the worker has died
            self.dead = True
            self.connection.close()
            status = self.zygote.end(self.pid, "reap")
            yield from self._finish(f"the render process ended unexpectedly (exit status {status})")
            return
        if isinstance(event, _Crash):
            self.index = None
            raise RuntimeError(f"a render worker failed:\n{event.traceback}")
        if isinstance(event, Fitted):
            self.fitted = True
            # The documents left to any worker are the pool's to report from now on.
            self.owed = _split(self.owed)[0] if event.brief is not None else self.owed
        self.done += isinstance(event, Rendered)
        self.deadline = time.monotonic() + timeout
        if isinstance(event, Refused) or (self.fitted and self.done == len(self.owed)):
            self.index, self.deadline = None, math.inf
        yield event

    def _finish(self, message: str) -> Iterator[Event]:
        owed, fitted = self.owed[self.done :], self.fitted
        self.index, self.deadline = None, math.inf
        yield from _unfinished(owed, fitted, message)

    def stop(self, message: str) -> Iterator[Event]:
        """End the process now (it holds nothing that needs saving) and fail what it had left to do."""
        self.zygote.end(self.pid, "stop")
        self.connection.close()
        if self.busy:
            yield from self._finish(message)


def _fork_context() -> multiprocessing.context.ForkContext | None:
    """Fork where the platform has it: a forked process starts from its parent's imports."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


class RenderPool:
    """Worker processes for fitting and rendering, started early so their start-up overlaps loading.

    Creating the pool forks one zygote process, which imports WeasyPrint and
    python-docx while this process reads the knowledge base, then forks the
    workers from itself: the renderers are imported once, whatever the
    number of workers. With none, or where the platform cannot fork, jobs run
    in this process.

    A document that takes longer than `timeout` seconds is stopped and
    reported as failed; its worker is replaced and the others carry on.
    """

    def __init__(self, workers: int, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout
        context = _fork_context()
        self._zygote = _Zygote(context, workers) if context and workers else None
        self._count = workers if self._zygote else 0
        self._workers: list[_Worker] = []

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        # Workers, idle or still busy after bad input was found, are stopped rather than waited for.
        if self._zygote:
            for worker in self._workers:
                worker.connection.close()
            self._zygote.close()
        self._workers, self._zygote = [], None

    @property
    def pids(self) -> list[int]:
        """The workers' process ids, once they have started."""
        return [worker.pid for worker in self._started()]

    def _started(self) -> list[_Worker]:
        if self._zygote and not self._workers:
            zygote = self._zygote
            self._workers = [_Worker(zygote, *zygote.next_worker()) for _ in range(self._count)]
        return self._workers

    def render_all(self, jobs: list[Job]) -> Generator[tuple[int, Event]]:
        """(index of the job, event) for every job, in the order they happen.

        Closing the iterator early stops the jobs still running.
        """
        if not self._zygote:
            for index, job in enumerate(jobs):
                for event in _run_in_process(job, self.timeout):
                    yield index, event
            return
        workers = self._started()
        # Costly briefings started first leave the short ones to fill the workers' gaps at the end.
        # Fitting dominates and varies most (one layout or ten), so last run's time decides first.
        fits = deque(sorted(range(len(jobs)), key=lambda index: (-jobs[index].expected_seconds, -jobs[index].cost)))
        renders: deque[tuple[int, _Render]] = deque()
        try:
            while fits or renders or any(worker.busy for worker in workers):
                for worker in workers:
                    if worker.busy:
                        continue
                    if fits:
                        index = fits.popleft()
                        worker.fit(index, jobs[index], self.timeout)
                    elif renders:
                        worker.render(*renders.popleft(), self.timeout)
                for index, event in self._collect():
                    if isinstance(event, Fitted) and event.brief is not None:
                        elsewhere = _split(jobs[index].formats)[1]
                        renders.extend((index, _Render(event.brief, output_format)) for output_format in elsewhere)
                        event = replace(event, brief=None)
                    yield index, event
        finally:
            self._stop_busy()

    def _collect(self) -> Iterator[tuple[int, Event]]:
        """Wait for the first event or deadline; yield what happened, stop what ran out of time."""
        busy = [worker for worker in self._workers if worker.busy]
        soonest = min(worker.deadline for worker in busy)
        ready = wait([worker.connection for worker in busy], timeout=max(0.0, soonest - time.monotonic()))
        for position, worker in enumerate(self._workers):
            index = worker.index
            if index is None:
                continue
            if worker.connection in ready:
                for event in worker.events(self.timeout):
                    yield index, event
                # A worker that died holding a job is replaced once its closed pipe has been read as the job's failure.
                if worker.dead:
                    self._workers[position] = self._replacement()
            elif time.monotonic() >= worker.deadline:
                events = list(worker.stop(_too_slow(self.timeout)))
                self._workers[position] = self._replacement()
                for event in events:
                    yield index, event

    def _replacement(self) -> _Worker:
        assert self._zygote is not None
        return _Worker(self._zygote, *self._zygote.spawn())

    def _stop_busy(self) -> None:
        for position, worker in enumerate(self._workers):
            if worker.busy:
                list(worker.stop(""))
                self._workers[position] = self._replacement()
