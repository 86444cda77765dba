"""The only module that writes documents to the output folder.

Three promises, whatever else runs or fails:

- **A file appears whole or not at all.** It is written to a temporary of
  this run and renamed over its target (`generator.atomic`); temporaries of
  a live run are never removed by another.
- **No copy is replaced by a different copy.** File names carry the
  distribution level, meeting and recipient, and a file is replaced only when
  its manifest record is the same copy (`manifest.IDENTITY`): otherwise the
  document is refused with `CopyRefused`.
- **The manifest is always true.** After a kill at any moment, every file is
  either recorded with its true sha256 or repaired by the next reader. Each
  document is published under the manifest lock in three steps: (1) record
  the new entry as *pending* and save the manifest; (2) rename the file into
  place; (3) make the pending entry the file's record and save again. A run
  killed before (1) changed nothing; between (1) and (2) the file on disk
  still has its old hash, so the next reader drops the pending entry; between
  (2) and (3) the file has the pending hash, so the next reader promotes it.
  Because the lock is held from (1) to (3), a pending entry seen under the
  lock always belongs to a run that has died.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import manifest
from .atomic import TEMP_SUFFIX, Run, is_live_run_file, is_run_file, remove_stale_temporaries
from .atomic import replace as replace_atomically
from .errors import CopyRefused, UsageError, WriteFailure

MAX_SLUG_LENGTH = 40
HASH_LENGTH = 6
_PLAIN_NAME = re.compile(r"[A-Za-z0-9 '-]*")


def output_name(
    date: datetime.date,
    country: str,
    audience: str,
    meeting: str | None,
    extension: str,
    recipient: str | None = None,
    distribution: str = "public",
) -> str:
    """`<date>_<country>_<audience>[_<level>][_<meeting>][_for-<recipient>].<ext>`: sorts by date, reads at a glance.

    Every copy that may differ gets a name of its own: the level unless
    public, the meeting, and the recipient, so that writing one never
    replaces another.
    """
    parts = [date.isoformat(), country, audience]
    if distribution != "public":
        parts.append(distribution)
    if meeting:
        parts.append(meeting)
    if recipient:
        parts.append("for-" + recipient_slug(recipient))
    return "_".join(parts) + f".{extension}"


def recipient_slug(name: str) -> str:
    """A readable ASCII form of a person's name, distinct for distinct names.

    Names are transliterated (Ł -> L, Cyrillic and CJK to Latin letters). When
    that loses anything, or the slug is cut short, a short hash of the name
    follows, so that 'Иван Петров' and 'Иван Петрова' never share a file.
    """
    from anyascii import anyascii

    name = unicodedata.normalize("NFC", name)
    ascii_name = anyascii(name).lower().replace("'", "")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")
    shortened = slug[:MAX_SLUG_LENGTH].rstrip("-")
    if shortened == slug and slug and _PLAIN_NAME.fullmatch(name):
        return slug
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:HASH_LENGTH]
    return f"{shortened or 'recipient'}-{digest}"


def copy_series(audience: str, meeting: str | None, distribution: str) -> str:
    """Copies numbered in one series: the same briefing, whoever it is for."""
    return f"{audience}/{meeting or ''}/{distribution}"


def assign_copies(register: dict[str, dict[str, int]], wanted: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Each (series, recipient) its number: the one it holds, else the next free one; `register` records new ones."""
    numbers = {}
    for series, recipient in wanted:
        given = register.setdefault(series, {})
        numbers[(series, recipient)] = given.setdefault(recipient, max(given.values(), default=0) + 1)
    return numbers


def _failure(path: Path, error: OSError) -> WriteFailure:
    return WriteFailure(path, error.strerror or str(error))


class Publisher:
    """Writes one run's documents into an output folder and records each in its manifest.

    Entering takes this run's lock, settles what a dead run left pending,
    removes dead runs' temporaries, and raises `ManifestDamaged` before
    anything is written when the manifest cannot be read.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._run = Run(folder)
        self.recorded = manifest.Manifest()
        """The manifest as it stood when the run began."""

    def __enter__(self) -> Publisher:
        try:
            self._run.start()
        except OSError as error:
            raise _failure(self.folder, error) from None
        try:
            with manifest.locked(self.folder):
                self.recorded = self._read_resolved()
                remove_stale_temporaries(self.folder, self._run.id)
        except BaseException:
            self._run.finish()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._run.finish()

    def number_copies(self, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Copy numbers for these (series, recipient), recorded under the lock before any file is written.

        Recorded at once, so that concurrent runs never give one number to
        two recipients; a number whose file is never written stays given.
        """
        with manifest.locked(self.folder):
            current = self._read_resolved()
            before = json.dumps(current.copies, sort_keys=True)
            numbers = assign_copies(current.copies, wanted)
            if json.dumps(current.copies, sort_keys=True) != before:
                self._save(current)
        return numbers

    def refusal(self, name: str, entry: manifest.Entry) -> str | None:
        """Why `name` must not be written with `entry`, judged by the manifest at the start of the run."""
        return _refusal(self.recorded.files.get(name), entry)

    def unchanged_sha256(self, name: str, key: str) -> str | None:
        """The file's sha256 when the manifest records it, built from `key`, and it is still as written."""
        return unchanged_sha256(self.recorded, self.folder, name, key)

    def publish(self, name: str, content: bytes, entry: manifest.Entry) -> str:
        """Write `content` as `name` and record it with `entry`; return its sha256.

        Raises CopyRefused when the name is now recorded as another copy, and
        WriteFailure naming the file when the disk refuses it.
        """
        target = self.folder / name
        digest = hashlib.sha256(content).hexdigest()
        try:
            temporary = self._run.write_temporary(content)
        except OSError as error:
            raise _failure(target, error) from None
        try:
            with manifest.locked(self.folder):
                current = self._read_resolved()
                refusal = _refusal(current.files.get(name), entry)
                if refusal:
                    raise CopyRefused(refusal)
                current.pending[name] = {**entry, "sha256": digest}
                self._save(current)
                try:
                    replace_atomically(temporary, target)
                except OSError as error:
                    raise _failure(target, error) from None
                current.files[name] = current.pending.pop(name)
                self._save(current)
        finally:
            temporary.unlink(missing_ok=True)
        return digest

    def _read_resolved(self) -> manifest.Manifest:
        """The manifest with anything a dead run left pending settled (and saved). Hold the lock."""
        current = manifest.read(self.folder)
        if manifest.resolve(current, self.folder):
            self._save(current)
        return current

    def _save(self, current: manifest.Manifest) -> None:
        path = self.folder / manifest.MANIFEST
        try:
            self._run.write_atomic(path, current.to_bytes())
        except OSError as error:
            raise _failure(path, error) from None


def unchanged_sha256(recorded: manifest.Manifest, folder: Path, name: str, key: str) -> str | None:
    """The file's sha256 when `recorded` has it, built from `key`, and it is still as written."""
    entry = recorded.files.get(name)
    if entry and entry["key"] == key and entry["sha256"] == manifest.file_sha256(folder / name):
        return str(entry["sha256"])
    return None


def _refusal(recorded: manifest.Entry | None, entry: manifest.Entry) -> str | None:
    if recorded is None or manifest.same_copy(recorded, entry):
        return None
    return (
        f"it holds {manifest.describe(recorded)}, and this is {manifest.describe(entry)}; "
        "move it aside or write to another --out folder"
    )


@dataclass
class VerifyReport:
    """How the files in an output folder compare with its manifest."""

    recorded: int = 0
    missing: list[str] = field(default_factory=list)
    """Recorded, but not in the folder."""
    changed: list[str] = field(default_factory=list)
    """In the folder with a sha256 other than the recorded one."""
    unrecorded: list[str] = field(default_factory=list)
    """In the folder, but not in the manifest (a stale temporary counts)."""

    @property
    def ok(self) -> bool:
        return not (self.missing or self.changed or self.unrecorded)


def verify(folder: Path) -> VerifyReport:
    """Re-hash every recorded file and every file in `folder`, under the manifest lock.

    Changes nothing: entries a dead run left pending are settled in memory only.
    """
    if not folder.is_dir():
        raise UsageError(f"no such output folder: {folder}")
    with manifest.locked(folder):
        recorded = manifest.read(folder)
        manifest.resolve(recorded, folder)
        present = {path.name: manifest.file_sha256(path) for path in _documents(folder)}
    report = VerifyReport(recorded=len(recorded.files))
    for name, entry in sorted(recorded.files.items()):
        if name not in present:
            report.missing.append(name)
        elif present[name] != entry["sha256"]:
            report.changed.append(name)
    report.unrecorded = sorted(name for name in present if name not in recorded.files)
    return report


def _documents(folder: Path) -> list[Path]:
    """Files a manifest could record: not itself, not lock files, not a live run's temporaries.

    Other hidden files (such as `.gitkeep`) are not documents either.
    """
    documents = []
    for path in folder.iterdir():
        if not path.is_file() or path.name == manifest.MANIFEST:
            continue
        if is_run_file(path.name):
            if path.name.endswith(TEMP_SUFFIX) and not is_live_run_file(path):
                documents.append(path)
        elif not path.name.startswith("."):
            documents.append(path)
    return documents
