"""Files that appear whole or not at all, and temporaries that belong to one run.

Each file is written to a temporary in its folder and renamed over the target,
which is atomic on POSIX. A temporary is named after the run that made it,
`.briefing-<run>-<random>.part`, and every run holds an exclusive lock
(`flock`) on its own `.briefing-<run>.lock` for as long as it lives. The
kernel drops that lock when the process ends, however it ends, so another
run can tell a dead run's leftovers from a live run's work in progress: a
temporary is removed only when its run's lock can be taken, or when its run
has no lock file at all (a run creates its lock file before any temporary and
removes it after the last).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TEMP_PREFIX = ".briefing-"
TEMP_SUFFIX = ".part"
LOCK_SUFFIX = ".lock"


class Run:
    """One process writing into an output folder; its lock says it is alive."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.id = ""
        self._lock_fd: int | None = None

    def start(self) -> None:
        """Create the folder if need be and take this run's lock."""
        self.folder.mkdir(parents=True, exist_ok=True)
        while self._lock_fd is None:
            self.id = secrets.token_hex(6)
            self._lock_fd = _create_locked(_lock_path(self.folder, self.id))

    def finish(self) -> None:
        """Remove what is left of this run's temporaries, then its lock file."""
        # Temporaries first, the lock file last: while the lock file exists
        # nobody else may remove them, and once it is gone none are left.
        for path in _temporaries_of(self.folder, self.id):
            path.unlink(missing_ok=True)
        if self._lock_fd is not None:
            _lock_path(self.folder, self.id).unlink(missing_ok=True)
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> Run:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.finish()

    def write_atomic(self, path: Path, content: bytes) -> None:
        """Replace `path` with `content` so that no reader ever sees a partial file."""
        temporary = self.write_temporary(content)
        try:
            replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)

    def write_temporary(self, content: bytes) -> Path:
        """`content` in a new temporary of this run, synced to disk; the caller renames or removes it."""
        handle, name = tempfile.mkstemp(dir=self.folder, prefix=f"{TEMP_PREFIX}{self.id}-", suffix=TEMP_SUFFIX)
        temporary = Path(name)
        try:
            with os.fdopen(handle, "wb") as stream:
                write_all(stream, content)
                stream.flush()
                os.fsync(stream.fileno())
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return temporary


def write_all(stream: BinaryIO, content: bytes) -> None:
    """The one place document bytes reach the disk (tests make it fail as a full disk would)."""
    stream.write(content)


def replace(temporary: Path, target: Path) -> None:
    """Rename `temporary` over `target` and make the rename itself durable."""
    os.replace(temporary, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def remove_stale_temporaries(folder: Path, own_run: str) -> None:
    """Delete the temporaries and lock files of runs that have provably ended."""
    for run_id in _run_ids(folder) - {own_run}:
        with _lock_of_dead_run(folder, run_id) as dead:
            if dead:
                for path in _temporaries_of(folder, run_id):
                    path.unlink(missing_ok=True)
                _lock_path(folder, run_id).unlink(missing_ok=True)


def is_live_run_file(path: Path) -> bool:
    """A temporary or lock file of a run that is still going."""
    run_id = _run_id(path.name)
    if run_id is None:
        return False
    with _lock_of_dead_run(path.parent, run_id) as dead:
        return not dead


def is_run_file(name: str) -> bool:
    return _run_id(name) is not None


def _lock_path(folder: Path, run_id: str) -> Path:
    return folder / f"{TEMP_PREFIX}{run_id}{LOCK_SUFFIX}"


def _run_id(name: str) -> str | None:
    """The run a temporary or lock file belongs to. Temporaries of older
    versions, `.briefing-<random>.part`, count as runs without a lock file."""
    if not name.startswith(TEMP_PREFIX):
        return None
    for suffix in (TEMP_SUFFIX, LOCK_SUFFIX):
        if name.endswith(suffix):
            return name[len(TEMP_PREFIX) : -len(suffix)].split("-", 1)[0] or None
    return None


def _run_ids(folder: Path) -> set[str]:
    return {run_id for path in folder.glob(f"{TEMP_PREFIX}*") if (run_id := _run_id(path.name))}


def _temporaries_of(folder: Path, run_id: str) -> list[Path]:
    return [path for path in folder.glob(f"{TEMP_PREFIX}{run_id}*{TEMP_SUFFIX}") if _run_id(path.name) == run_id]


def _create_locked(path: Path) -> int | None:
    """A new lock file, locked by this process; None if another run took it before we locked it.

    Between creating the file and locking it, a clean-up may find it
    unlocked, take it for a dead run's and delete it; the lock we then hold
    is on a file nobody can see, so we start again under another name.
    """
    handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if os.path.samestat(os.fstat(handle), os.stat(path)):
            return handle
    except FileNotFoundError:
        pass
    except BaseException:
        path.unlink(missing_ok=True)
        os.close(handle)
        raise
    os.close(handle)
    return None


@contextlib.contextmanager
def _lock_of_dead_run(folder: Path, run_id: str) -> Iterator[bool]:
    """True (holding its lock meanwhile) when the run is provably over; False when it may be alive.

    Opened for reading only, which `flock` needs no more than: `verify` tells
    a dead run's leftovers in a folder it may not write, too.
    """
    try:
        handle = os.open(_lock_path(folder, run_id), os.O_RDONLY)
    except FileNotFoundError:
        yield True
        return
    except OSError:
        yield False
        return
    try:
        yield _try_lock(handle)
    finally:
        os.close(handle)


def _try_lock(handle: int) -> bool:
    """Take an exclusive lock without waiting; False when it is held, or cannot be had here at all."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
