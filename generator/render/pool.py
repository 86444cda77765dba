"""The worker processes that render documents, with a serial fallback.

Rendering is CPU-bound Python, so documents render in parallel only in
separate processes. Where the platform cannot fork, or no workers are asked
for, documents render in the calling process under the same time limit.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from ..brief import Brief
from ..errors import BriefingError
from . import REGISTRY, Format, load_renderers, render


def render_or_report(brief: Brief, output_format: Format) -> bytes | str:
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
        return render_or_report(brief, output_format)

    def time_up(signum: int, frame: object) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, time_up)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return render_or_report(brief, output_format)
    except _TimeUp:
        return _too_slow(timeout)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class _Crash:
    """A bug in a worker, carried back to be raised in the parent with its traceback."""

    traceback: str


class _Ready:
    """Sent by a worker once the renderers are loaded: its documents' time starts then."""


def _serve(connection: Connection) -> None:
    """A worker's life: load the renderers, then render each job sent until stopped."""
    load_renderers()
    connection.send(_Ready())
    while True:
        try:
            job = connection.recv()
        except EOFError:  # the parent has gone
            return
        try:
            connection.send(render_or_report(*job))
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
        # Costly documents started first leave the short ones to fill the
        # workers' gaps at the end.
        waiting = deque(sorted(range(len(jobs)), key=lambda index: -REGISTRY[jobs[index][1]].cost))
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
                # A worker that died holding a job is replaced only once its
                # closed pipe has been read as that job's failure.
                if not worker.alive and worker.job is None:
                    self._workers[position] = _Worker(self._context)
            elif time.monotonic() >= worker.deadline:
                worker.stop()
                self._workers[position] = _Worker(self._context)
                yield index, _too_slow(self.timeout)
