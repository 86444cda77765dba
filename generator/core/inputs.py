"""Read an input file with bounds: a regular file, inside its folder, under a size limit.

A knowledge base is a folder of hand-written YAML. Anything else found there —
a named pipe that never ends, /dev/zero behind a symbolic link, a link to a
private file elsewhere — is refused before a byte is read, and no read ever
takes more than the size limit plus one byte. The loader and the cache's
input hashing both read through here, so they agree on what is readable.

While `recording()` is active, every read is noted with what it gave (see
`Reads`): the run cache keys a run on exactly the bytes its load read, through
whatever links led to them.

Standard library only: the cache imports this on every start.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import BinaryIO

from generator.core.settings import (
    DEFAULT_MAX_FILE_BYTES,
    MAX_FILE_BYTES_VARIABLE,
    SETTINGS_FILE,
    environment_max_file_bytes,
)

_KINDS = {
    stat.S_ISDIR: "a folder",
    stat.S_ISFIFO: "a named pipe",
    stat.S_ISSOCK: "a socket",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
}


class ReadRefused(Exception):
    """An input file that is not read; the message says why, never what it holds."""


_limit: ContextVar[int | None] = ContextVar("limit", default=None)


@contextmanager
def size_limit(limit: int) -> Iterator[None]:
    """Reads inside, in this thread, refuse files larger than `limit` unless they name their own limit.

    A knowledge base's settings give it before its YAML is read (see `kb.settings`).
    """
    token = _limit.set(limit)
    try:
        yield
    finally:
        _limit.reset(token)


def max_file_bytes() -> int:
    """The size limit of one input file: `size_limit`'s, else `BRIEFING_MAX_FILE_BYTES`, else 16 MB."""
    return _limit.get() or environment_max_file_bytes() or DEFAULT_MAX_FILE_BYTES


Read = tuple[str, str | None, int | None]
"""How a file was asked for: its path as given, the folder it had to lie within, the size limit."""

Outcome = tuple[str, str]
"""What reading it gave: the file's real path, and the sha256 of its bytes or why it was not read."""

CHANGED = "read twice, with different outcomes"
"""The outcome of a file that changed between two reads of one recording; no reading of it gives this."""


class Reads:
    """Every input file read while recording, with what reading it gave."""

    def __init__(self) -> None:
        self.files: dict[Read, Outcome] = {}

    def note(self, read: Read, outcome: Outcome) -> None:
        if self.files.setdefault(read, outcome) != outcome:
            self.files[read] = (outcome[0], CHANGED)


_recording: ContextVar[Reads | None] = ContextVar("recording", default=None)


@contextmanager
def recording() -> Iterator[Reads]:
    """Note every `read_input` made inside, in this thread; a recording inside another notes its reads in both."""
    reads = Reads()
    token = _recording.set(reads)
    try:
        yield reads
    finally:
        _recording.reset(token)
        noted(reads.files)


def noted(files: dict[Read, Outcome]) -> None:
    """Note reads made elsewhere, or known from a cache entry, in the recording now active, if one is."""
    reads = _recording.get()
    if reads is not None:
        for read, outcome in files.items():
            reads.note(read, outcome)


def read_input(path: Path, within: Path | None = None, limit: int | None = None) -> bytes:
    """`read_bounded`, noted when recording."""
    reads = _recording.get()
    if reads is None:
        return read_bounded(path, within, limit)
    # The path and folder as given, as a refusal's reason names them; a run started from another
    # folder then finds other real paths, and reads again.
    real = os.path.realpath(path)
    # The limit in force, as `size_limit` set it: the same read later must be held to the same limit.
    read: Read = (str(path), None if within is None else str(within), limit or _limit.get())
    try:
        content = read_bounded(path, within, limit)
    except (ReadRefused, OSError) as error:
        reads.note(read, (real, _why_unread(error)))
        raise
    reads.note(read, (real, hashlib.sha256(content).hexdigest()))
    return content


def outcome_now(read: Read) -> Outcome:
    """What reading a file as `read` describes gives now; never noted."""
    path, within, limit = read
    real = os.path.realpath(path)
    try:
        content = read_bounded(Path(path), None if within is None else Path(within), limit)
    except (ReadRefused, OSError) as error:
        return real, _why_unread(error)
    return real, hashlib.sha256(content).hexdigest()


def _why_unread(error: ReadRefused | OSError) -> str:
    return f"refused: {error}" if isinstance(error, ReadRefused) else f"unreadable: {error.errno}"


def read_bounded(path: Path, within: Path | None = None, limit: int | None = None) -> bytes:
    """The bytes of `path`; raise ReadRefused for anything but a regular file of allowed size.

    With `within`, the file's real location (symbolic links followed) must be
    inside that folder. `limit` defaults to `max_file_bytes()`. Raises
    FileNotFoundError when there is nothing at `path`.
    """
    if within is not None and not _inside(path, within):
        raise ReadRefused(f"a symbolic link leads outside {within}; copy the file into the folder instead")
    status = os.stat(path)
    _check_regular(status)
    limit = limit or max_file_bytes()
    if status.st_size > limit:
        raise _too_large(limit)
    # O_NONBLOCK: opening a named pipe that replaced the file since the check
    # above returns at once instead of waiting for a writer; fstat then refuses it.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb", buffering=0) as file:
        _check_regular(os.fstat(descriptor))
        content = _read_at_most(file, limit + 1)
    if len(content) > limit:
        raise _too_large(limit)
    return content


def _too_large(limit: int) -> ReadRefused:
    return ReadRefused(
        f"file is larger than {limit:,} bytes, the most allowed ([limits] max_file_bytes in {SETTINGS_FILE}, "
        f"or {MAX_FILE_BYTES_VARIABLE}); split it"
    )


def _inside(path: Path, folder: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))


def _check_regular(status: os.stat_result) -> None:
    if stat.S_ISREG(status.st_mode):
        return
    kind = next((name for test, name in _KINDS.items() if test(status.st_mode)), "not a file")
    raise ReadRefused(f"not a regular file ({kind}); only regular YAML files are read")


def _read_at_most(file: BinaryIO, size: int) -> bytes:
    chunks = []
    while size > 0 and (chunk := file.read(min(size, 1 << 20))):
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
