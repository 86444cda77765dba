"""`manifest.json`: what went to whom, kept true of the files beside it.

Its shape is `{"files": {name: entry}, "pending": {name: entry}}`. An entry
names one file's audience, meeting, format, distribution level, recipient,
build date, knowledge-base revision, document key and sha256; entries
written since copies were numbered add the generator version and the copy
number (null without a recipient), and entries written since every request
parameter was recorded add the country folder, length, language and as-of
date (null without one). An entry of a briefing whose sources have archived
texts adds `sources`: each such source's id, with the archived text's path in
the country folder and its sha256, so `verify` can tell whether the texts a
copy quotes are still as they were. `copies` is the register those numbers come from,
one series per briefing (see `publish.copy_series`). `files` says
what is on disk; `pending` holds what a run is about to rename into place
(see `publish`). Whoever reads the manifest under its lock resolves pending
entries first, by hashing the file: a pending entry whose sha256 is the
file's becomes its record, any other is dropped.

Every read-modify-write happens under `.manifest.lock` in the same folder,
so concurrent runs never lose each other's records. A manifest that cannot
be read is never replaced: `ManifestDamaged` stops the run instead.

An entry this version writes is an `Entry`, built in one place per kind of
document; entries are read back as `Recorded`, in whatever shape the version
that wrote them gave them, so that a manifest is never rewritten in another.

This module stays light (the command line's unchanged-shortcut reads it);
the lock is imported only when taken.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import stat
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import __version__
from generator.core.errors import ManifestBusy, ManifestDamaged

MANIFEST = "manifest.json"
LOCK_NAME = ".manifest.lock"
LOCK_TIMEOUT_SECONDS = 60.0
LOCK_POLL_SECONDS = 0.05
IDENTITY = (
    "country",
    "audience",
    "meeting",
    "distribution",
    "length",
    "recipient",
    "language",
    "as_of",
    "format",
    "document",
)
"""Every request parameter that changes a copy's content: one file may replace another only when all agree.

`country` is the country's folder, `language` the one the copy is written
in, `as_of` the day an `--as-of` copy reads as of (null otherwise), and
`document` is "letter" for a follow-up letter and absent for a briefing."""

OLDER_ENTRIES_MEANT = {"length": "full", "as_of": None, "document": None}
"""What an entry written before a field was recorded meant by its absence: that field's default."""
NOT_RECORDED_BEFORE = ("country", "language")
"""Fields an earlier version did not record and whose value it did not fix either: the file name
held the country's id and the audience its language. An entry without them matches any value,
so that a folder written by that version is not refused its own copies."""

_TEXT_FIELDS = ("audience", "format", "distribution", "date", "knowledge_base", "key", "sha256")
_OPTIONAL_TEXT_FIELDS = ("meeting", "recipient")
_LATER_TEXT_FIELDS = ("country", "language", "length", "document")
_SHA256 = re.compile(r"[0-9a-f]{64}")

if TYPE_CHECKING:
    from filelock import BaseFileLock

Recorded = dict[str, Any]
"""An entry as the manifest holds it: any version's, so fields a later version added may be absent."""

PACKAGE_FORMAT = "zip"
"""The format of a package of copies (`generate --package`)."""

_ORDER = (
    "country",
    "audience",
    "meeting",
    "distribution",
    "length",
    "language",
    "as_of",
    "format",
    "recipient",
    "date",
    "knowledge_base",
    "key",
    "generator",
    "copy",
    "organisation",
    "email",
    "document",
    "sources",
)
# A package's entry has always listed its recipient among the identity fields, in IDENTITY's order.
_PACKAGE_ORDER = (*_ORDER[:5], "recipient", *(name for name in _ORDER[5:] if name != "recipient"))
_WRITTEN_WHEN_SET = frozenset({"length", "organisation", "email", "document", "sources"})
"""Fields left out of the file when None: the entries of earlier documents of that kind never had them."""


@dataclass(frozen=True, kw_only=True)
class Entry:
    """What the manifest says of one file this version writes, but its sha256 (known once it is written).

    Its fields are `IDENTITY`, which copy the file is, and what it was built
    from: date, knowledge-base revision, document key and generator version.
    """

    country: str
    """The country's folder."""
    audience: str
    meeting: str | None
    distribution: str
    length: str | None
    """None for a follow-up letter, which has no length of its own."""
    language: str
    as_of: str | None
    format: str
    recipient: str | None
    date: str
    knowledge_base: str
    key: str
    generator: str = __version__
    copy: int | None = None
    """The recipient's copy number; None without a recipient."""
    organisation: str | None = None
    email: str | None = None
    """Where the copy is to be sent; recorded, never printed."""
    document: str | None = None
    """"letter" for a follow-up letter; None for a briefing or a package."""
    sources: dict[str, dict[str, str]] | None = None
    """Source id -> {"archive": its path in the country folder, "sha256": the archived text's}, in id order,
    for each cited source with an archived text; None when there is none."""

    def as_json(self) -> Recorded:
        """The entry as `manifest.json` holds it, its keys in the order every earlier run wrote them."""
        order = _PACKAGE_ORDER if self.format == PACKAGE_FORMAT else _ORDER
        values = {name: getattr(self, name) for name in order}
        return {name: value for name, value in values.items() if value is not None or name not in _WRITTEN_WHEN_SET}


AnyEntry = Entry | Mapping[str, Any]
"""An entry about to be written, or one as recorded."""


@dataclass
class Manifest:
    files: dict[str, Recorded] = field(default_factory=dict)
    pending: dict[str, Recorded] = field(default_factory=dict)
    copies: dict[str, dict[str, int]] = field(default_factory=dict)
    """Numbered copies given out: series ("audience/meeting/level") -> recipient -> number."""

    def to_bytes(self) -> bytes:
        content: dict[str, Any] = {"files": dict(sorted(self.files.items()))}
        if self.pending:
            content["pending"] = dict(sorted(self.pending.items()))
        if self.copies:
            content["copies"] = {
                series: dict(sorted(numbers.items())) for series, numbers in sorted(self.copies.items())
            }
        return (json.dumps(content, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def file_sha256(path: Path) -> str | None:
    """The sha256 of the regular file at `path`; None when there is none.

    Whatever else stands there (a folder, a named pipe someone left in the
    output folder) is no recorded file either, and is never waited on.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        return hashlib.file_digest(file, "sha256").hexdigest()


def read(folder: Path) -> Manifest:
    """The folder's manifest as it stands (empty when there is none); raise ManifestDamaged if unreadable."""
    path = folder / MANIFEST
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return Manifest()
    return parse(content, path)


def parse(content: bytes, path: Path) -> Manifest:
    try:
        data = json.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise ManifestDamaged(path, "not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ManifestDamaged(path, f"line {error.lineno}: {error.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise ManifestDamaged(path, 'no "files" object at the top')
    return Manifest(
        _checked_entries(data["files"], path),
        _checked_entries(data.get("pending", {}), path),
        _checked_copies(data.get("copies", {}), path),
    )


def _checked_copies(copies: object, path: Path) -> dict[str, dict[str, int]]:
    if not (
        isinstance(copies, dict)
        and all(
            isinstance(numbers, dict)
            and all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in numbers.values())
            for numbers in copies.values()
        )
    ):
        raise ManifestDamaged(path, '"copies" is not an object of recipients and copy numbers')
    return copies


def _checked_entries(entries: object, path: Path) -> dict[str, Recorded]:
    if not isinstance(entries, dict):
        raise ManifestDamaged(path, '"pending" is not an object')
    for name, entry in entries.items():
        problem = _entry_problem(entry)
        if problem:
            raise ManifestDamaged(path, f"the entry of {name} {problem}")
    return entries


def _entry_problem(entry: object) -> str | None:
    if not isinstance(entry, dict):
        return "is not an object"
    for name in _TEXT_FIELDS:
        if not isinstance(entry.get(name), str):
            return f'has no text "{name}"'
    for name in _OPTIONAL_TEXT_FIELDS:
        if name not in entry or not isinstance(entry[name], (str, type(None))):
            return f'has no "{name}" (text or null)'
    for name in _LATER_TEXT_FIELDS:
        if name in entry and not isinstance(entry[name], str):
            return f'has a "{name}" that is not text'
    if not isinstance(entry.get("as_of"), (str, type(None))):
        return 'has an "as_of" that is neither text nor null'
    if "sources" in entry and not _are_archived_sources(entry["sources"]):
        return 'has "sources" that are not an object of archived texts, each with its "archive" and "sha256"'
    if not _SHA256.fullmatch(entry["sha256"]):
        return 'has a "sha256" that is not 64 hexadecimal digits'
    return None


def _are_archived_sources(sources: object) -> bool:
    return isinstance(sources, dict) and all(
        isinstance(archived, dict)
        and isinstance(archived.get("archive"), str)
        and isinstance(archived.get("sha256"), str)
        and _SHA256.fullmatch(archived["sha256"]) is not None
        for archived in sources.values()
    )


def resolve(manifest: Manifest, folder: Path) -> bool:
    """Settle entries left pending by a run that stopped; True when anything changed.

    Call it holding the lock: a live run has a pending entry only while it
    holds the lock itself, so any pending entry seen then is a dead run's.
    """
    for name, entry in manifest.pending.items():
        if file_sha256(folder / name) == entry["sha256"]:
            manifest.files[name] = entry
    changed = bool(manifest.pending)
    manifest.pending.clear()
    return changed


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the folder's manifest lock; other runs wait for it."""
    lock = _acquired(folder)
    try:
        yield
    finally:
        lock.release()


_NOT_WRITABLE = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
"""How opening a file to write fails where one may only read."""


@contextlib.contextmanager
def locked_for_reading(folder: Path) -> Iterator[bool]:
    """Hold the manifest lock for a reader that changes nothing, also where it may not write; yield whether it is held.

    What the lock gives a reader is a folder no run changes while it reads:
    the manifest and the files it compares with it are of one moment. Where
    this process cannot open the lock file for writing (a read-only file
    system, an archived folder it has no write permission on), a run that
    can write still locks that file: it is locked here through a read-only
    descriptor, which `flock` allows. Only when there is no lock file at all
    is nothing held; no run has then published here since the file was
    removed, and one that starts creates it first, so the caller can tell.
    """
    try:
        lock = _acquired(folder)
    except OSError as error:
        if error.errno not in _NOT_WRITABLE:
            raise
    else:
        try:
            yield True
        finally:
            lock.release()
        return
    try:
        handle = os.open(folder / LOCK_NAME, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        yield False
        return
    try:
        _wait_for_shared_lock(handle, folder)
        yield True
    finally:
        os.close(handle)


def _acquired(folder: Path) -> BaseFileLock:
    from filelock import FileLock, Timeout

    lock = FileLock(folder / LOCK_NAME, timeout=LOCK_TIMEOUT_SECONDS)
    try:
        lock.acquire()
    except Timeout:
        raise _busy(folder) from None
    return lock


def _wait_for_shared_lock(handle: int, folder: Path) -> None:
    deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise _busy(folder) from None
            time.sleep(LOCK_POLL_SECONDS)


def _busy(folder: Path) -> ManifestBusy:
    return ManifestBusy(
        f"another run has held {folder / LOCK_NAME} for {LOCK_TIMEOUT_SECONDS:.0f} s; "
        "if no other run is going, delete it and run again"
    )


def records(folder: Path, digests: dict[str, str]) -> bool:
    """Whether the manifest records each of these files (path -> sha256) with that sha256, nothing pending."""
    try:
        manifest = read(folder)
    except ManifestDamaged:
        return False
    return not manifest.pending and all(
        manifest.files.get(Path(path).name, {}).get("sha256") == digest for path, digest in digests.items()
    )


def identity(entry: AnyEntry) -> dict[str, Any]:
    """The entry's identity fields, each absent one as an earlier version meant it (None: not recorded)."""
    fields = entry.as_json() if isinstance(entry, Entry) else entry
    return {name: fields.get(name, OLDER_ENTRIES_MEANT.get(name)) for name in IDENTITY}


def describe(entry: AnyEntry, unlike: AnyEntry | None = None) -> str:
    """Whose copy an entry is, in words.

    'the restricted one-page PDF for uk at meeting x (kazakhstan, en-GB), as of 2026-01-01, stamped for Jane Smith'

    Told apart from the copy `unlike`, the country and language are named
    only where they differ from its: they seldom do, and would hide what does.
    """
    copy = identity(entry)
    other = identity(unlike) if unlike is not None else {}
    words = f"the {copy['distribution']}"
    if copy["length"] != OLDER_ENTRIES_MEANT["length"]:
        words += f" {copy['length']}"
    words += f" {copy['format'].upper()}"
    if copy["document"]:
        words += f" {copy['document']}"
    words += f" for {copy['audience']}"
    if copy["meeting"]:
        words += f" at meeting {copy['meeting']}"
    if known := [copy[name] for name in NOT_RECORDED_BEFORE if copy[name] and copy[name] != other.get(name)]:
        words += f" ({', '.join(known)})"
    if copy["as_of"]:
        words += f", as of {copy['as_of']}"
    if copy["recipient"]:
        words += f", stamped for {copy['recipient']}"
    return words


def same_copy(recorded: Mapping[str, Any], entry: AnyEntry) -> bool:
    """Whether `entry` is the copy `recorded` is, so that its file may replace the recorded one."""
    was, now = identity(recorded), identity(entry)
    return all(
        was[name] == now[name] for name in IDENTITY if not (name in NOT_RECORDED_BEFORE and name not in recorded)
    )
