"""WeasyPrint in a process of its own, started before the rest of the generator is imported.

For one PDF, importing WeasyPrint takes about as long as importing the
generator, loading the knowledge base and composing the briefing: run one
after the other, they are a third of the command. `start` forks a process
that imports WeasyPrint while this one does the rest, on another core; it
then lays out the HTML it is sent, keeps each layout, and writes one as PDF
when asked. It knows HTML, folders and options, never a briefing: the
fitting, the sandbox's folders and every check stay here, and the layouts
are made by the same code (`layouts.LocalLayout`) as in this process.

Only the process that started the engine uses it, and only while it
answers: after a time limit interrupts a request, or if the engine dies, it
is stopped and layouts are made in this process again. A process forked
from this one never talks to it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

Folders = tuple[Path, ...]
"""Where templates are looked for, the theme first and the packaged templates last."""


class Refused(Exception):
    """A fetch the sandbox refused while laying out or writing: `url` and why."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class EngineFailed(RuntimeError):
    """The engine process raised what a layout made here would have raised; carries its traceback."""


class EngineGone(Exception):
    """The engine process ended or its pipe broke: what it held is lost, and the layout is made here."""


class RemoteLayout:
    """A layout kept in the engine process."""

    def __init__(self, engine: _Engine, number: int, pages: int) -> None:
        self._engine = engine
        self._number = number
        self.pages = pages

    def write(self, options: dict[str, Any], epoch: int) -> bytes:
        """The layout as PDF; the engine lets go of it."""
        pdf: bytes = self._engine.ask("write", self._number, options, epoch)
        return pdf

    def release(self) -> None:
        # An engine that has gone took the layout with it.
        with contextlib.suppress(EngineGone):
            self._engine.ask("drop", self._number)


class _Engine:
    def __init__(self, pid: int, connection: Connection) -> None:
        self.pid = pid
        self.owner = os.getpid()
        self._connection = connection
        self._numbers = 0
        self._version: str | None = None

    def version(self) -> str:
        """The engine's text engine (see `engine.text_engine`), which it sends once WeasyPrint is imported."""
        if self._version is None:
            self._version = self._receive()
        return self._version

    def lay_out(self, html: str, folders: Folders, options: dict[str, Any]) -> RemoteLayout:
        self._numbers += 1
        return RemoteLayout(self, self._numbers, self.ask("lay_out", self._numbers, html, folders, options))

    def ask(self, *request: object) -> Any:
        self.version()
        try:
            self._connection.send(request)
        except OSError as error:
            self.end()
            raise EngineGone from error
        return self._receive()

    def _receive(self) -> Any:
        try:
            answer, value = self._connection.recv()
        except (EOFError, OSError) as error:
            self.end()
            raise EngineGone from error
        except BaseException:
            # A time limit or Ctrl-C: whatever the engine is doing, its next answer would be for this
            # request, so it answers no other.
            self.end()
            raise
        if answer == "refused":
            raise Refused(*value)
        if answer == "failed":
            raise EngineFailed(f"the layout engine process failed:\n{value}")
        return value

    def end(self) -> None:
        """Stop the process, which is then no longer the one `active` gives."""
        global _engine
        if _engine is self:
            _engine = None
        with contextlib.suppress(OSError):
            self._connection.close()
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)


_engine: _Engine | None = None


def start() -> None:
    """Fork the engine process, where the platform can fork and none is running."""
    global _engine
    if _engine is not None or not hasattr(os, "fork"):
        return
    # Imported only here: a command that starts no engine, a rebuild with nothing to do among them, skips it.
    from multiprocessing.connection import Pipe

    ours, theirs = Pipe()
    pid = os.fork()
    if pid == 0:
        ours.close()
        status = 0
        try:
            _serve(theirs)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    theirs.close()
    _engine = _Engine(pid, ours)


@contextlib.contextmanager
def serving(wanted: bool) -> Iterator[None]:
    """The engine process for the block, if `wanted`, stopped when the block ends however it ends."""
    if wanted:
        start()
    try:
        yield
    finally:
        stop()


def active() -> _Engine | None:
    """The engine process this process started, while it can be used."""
    if _engine is None or _engine.owner != os.getpid():
        return None
    return _engine


def stop() -> None:
    if (engine := active()) is not None:
        engine.end()


atexit.register(stop)


def _serve(connection: Connection) -> None:
    import traceback

    from generator.render.engine import text_engine
    from generator.render.layouts import LocalLayout

    connection.send(("ok", text_engine()))
    layouts: dict[int, LocalLayout] = {}
    while True:
        try:
            kind, number, *arguments = connection.recv()
        except EOFError:
            return
        try:
            if kind == "lay_out":
                layouts[number] = LocalLayout(*arguments)
                value: object = layouts[number].pages
            elif kind == "write":
                value = layouts.pop(number).write(*arguments)
            else:
                layouts.pop(number, None)
                value = None
            connection.send(("ok", value))
        except Refused as refusal:
            connection.send(("refused", (refusal.url, refusal.reason)))
        except Exception:
            connection.send(("failed", traceback.format_exc()))
