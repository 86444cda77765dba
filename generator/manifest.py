"""`manifest.json`: what went to whom, kept true of the files beside it.

Its shape is `{"files": {name: entry}, "pending": {name: entry}}`. An entry
names one file's audience, meeting, format, distribution level, recipient,
build date, knowledge-base revision, document key and sha256; entries
written since copies were numbered add the generator version and the copy
number (null without a recipient). `copies` is the register those numbers
come from, one series per audience, meeting and level. `files` says
what is on disk; `pending` holds what a run is about to rename into place
(see `publish`). Whoever reads the manifest under its lock resolves pending
entries first, by hashing the file: a pending entry whose sha256 is the
file's becomes its record, any other is dropped.

Every read-modify-write happens under `.manifest.lock` in the same folder,
so concurrent runs never lose each other's records. A manifest that cannot
be read is never replaced: `ManifestDamaged` stops the run instead.

This module stays light (the command line's unchanged-shortcut reads it);
the lock is imported only when taken.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ManifestBusy, ManifestDamaged

MANIFEST = "manifest.json"
LOCK_NAME = ".manifest.lock"
LOCK_TIMEOUT_SECONDS = 60.0
IDENTITY = ("audience", "meeting", "distribution", "recipient", "format", "document")
"""What makes two files the same copy: one may replace the other only when all of these agree.

`document` is "letter" for a follow-up letter and absent for a briefing."""

_TEXT_FIELDS = ("audience", "format", "distribution", "date", "knowledge_base", "key", "sha256")
_OPTIONAL_TEXT_FIELDS = ("meeting", "recipient")
_SHA256 = re.compile(r"[0-9a-f]{64}")

Entry = dict[str, Any]


@dataclass
class Manifest:
    files: dict[str, Entry] = field(default_factory=dict)
    pending: dict[str, Entry] = field(default_factory=dict)
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


def _checked_entries(entries: object, path: Path) -> dict[str, Entry]:
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
    if not _SHA256.fullmatch(entry["sha256"]):
        return 'has a "sha256" that is not 64 hexadecimal digits'
    return None


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
    from filelock import FileLock, Timeout

    lock = FileLock(folder / LOCK_NAME, timeout=LOCK_TIMEOUT_SECONDS)
    try:
        lock.acquire()
    except Timeout:
        raise ManifestBusy(
            f"another run has held {folder / LOCK_NAME} for {LOCK_TIMEOUT_SECONDS:.0f} s; "
            "if no other run is going, delete it and run again"
        ) from None
    try:
        yield
    finally:
        lock.release()


def records(folder: Path, digests: dict[str, str]) -> bool:
    """Whether the manifest records each of these files (path -> sha256) with that sha256, nothing pending."""
    try:
        manifest = read(folder)
    except ManifestDamaged:
        return False
    return not manifest.pending and all(
        manifest.files.get(Path(path).name, {}).get("sha256") == digest for path, digest in digests.items()
    )


def describe(entry: Entry) -> str:
    """Whose copy an entry is, in words: 'the restricted PDF for uk at meeting x, stamped for Jane Smith'."""
    words = f"the {entry['distribution']} {entry['format'].upper()} for {entry['audience']}"
    if entry.get("meeting"):
        words += f" at meeting {entry['meeting']}"
    if entry.get("recipient"):
        words += f", stamped for {entry['recipient']}"
    return words


def same_copy(recorded: Entry, entry: Entry) -> bool:
    return all(recorded.get(name) == entry.get(name) for name in IDENTITY)
