"""The only module that writes documents to the output folder.

Three promises, whatever else runs or fails:

- **A file appears whole or not at all.** It is written to a temporary of
  this run and renamed over its target (`generator.publish.atomic`); temporaries of
  a live run are never removed by another.
- **No copy is replaced by a different copy.** File names carry every
  request parameter that differs from its default (`output_name`), and a file
  is replaced only when its manifest record is the same copy
  (`manifest.IDENTITY`); a file the manifest does not record is never
  replaced by other bytes. Otherwise the document is refused with
  `CopyRefused`.
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
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from generator.core.errors import CopyRefused, UsageError, WriteFailure
from generator.publish import manifest
from generator.publish.atomic import TEMP_SUFFIX, Run, is_live_run_file, is_run_file, remove_stale_temporaries
from generator.publish.atomic import replace as replace_atomically

MAX_SLUG_LENGTH = 40
HASH_LENGTH = 6
_PLAIN_NAME = re.compile(r"[A-Za-z0-9 '-]*")
MEETING_PREFIX = "at-"
AS_OF_PREFIX = "as-of-"
LANGUAGE_PREFIX = "in-"
RECIPIENT_PREFIX = "for-"
DEFAULT_LEVEL = "public"
DEFAULT_LENGTH = "full"


def output_name(
    date: datetime.date,
    country: str,
    audience: str,
    meeting: str | None,
    extension: str,
    recipient: str | None = None,
    distribution: str = DEFAULT_LEVEL,
    *,
    length: str = DEFAULT_LENGTH,
    as_of: datetime.date | None = None,
    kind: str | None = None,
    language: str | None = None,
) -> str:
    """`<date>_<country>_<audience>[_at-<meeting>][_<level>][_<length>][_in-<language>][_as-of-<day>][_for-<recipient>]
    [_<kind>].<ext>`.

    Sorts by date and reads at a glance. Every parameter that changes a
    copy's content and differs from its default (public, full, no meeting,
    no as-of date, no recipient, a briefing, the audience's language) has a part of its own, so that
    writing one copy never replaces another. Ids hold only lowercase letters,
    digits and single hyphens, never `_`: the parts split at `_`, the first
    three stand in fixed places, and each later one says what it is, by its
    prefix (`at-`, `in-`, `as-of-`, `for-`) or as a fixed word (`restricted`,
    `one-page`, `letter`), so no id can be read as another part. `kind` is
    "letter" for a follow-up letter, "copies" for a package.
    """
    parts = [date.isoformat(), country, audience]
    if meeting:
        parts.append(MEETING_PREFIX + meeting)
    if distribution != DEFAULT_LEVEL:
        parts.append(distribution)
    if length != DEFAULT_LENGTH:
        parts.append(length)
    if language:
        parts.append(LANGUAGE_PREFIX + language.lower())
    if as_of:
        parts.append(AS_OF_PREFIX + as_of.isoformat())
    if recipient:
        parts.append(RECIPIENT_PREFIX + recipient_slug(recipient))
    if kind:
        parts.append(kind)
    return "_".join(parts) + f".{extension}"


def unstamped(name: str) -> str:
    """The file name of the unstamped copy of the briefing whose copy is called `name`."""
    stem, extension = name.split(".", 1)
    return f"{stem.split('_' + RECIPIENT_PREFIX, 1)[0]}.{extension}"


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


SERIES = ("country", "audience", "meeting", "distribution", "length", "as_of")
"""What makes copies one briefing, whoever each is for: they are numbered in one series."""


def copy_series(entry: manifest.AnyEntry) -> str:
    """The series a copy is numbered in, named by its manifest entry's identity."""
    copy = manifest.identity(entry)
    return "/".join(str(copy[name] or "") for name in SERIES)


def _earlier_series(series: str) -> str | None:
    """The series a briefing was numbered in before copies were numbered per country, length and date."""
    _country, audience, meeting, distribution, length, as_of = series.split("/")
    return f"{audience}/{meeting}/{distribution}" if length == DEFAULT_LENGTH and not as_of else None


def _numbers(register: dict[str, dict[str, int]], series: str) -> dict[str, int]:
    """The numbers given in `series`, starting from those of its earlier series: no one's number changes."""
    if series not in register:
        earlier = _earlier_series(series)
        register[series] = dict(register.get(earlier, {})) if earlier else {}
    return register[series]


def assign_copies(register: dict[str, dict[str, int]], wanted: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Each (series, recipient) its number: the one it holds, else the next free one; `register` records new ones."""
    numbers = {}
    for series, recipient in wanted:
        given = _numbers(register, series)
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
        self._given: set[tuple[str, str]] = set()
        """(series, recipient) this run gave a number that no one held before."""

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
        two recipients. A number this run gives to a copy it then does not
        write is taken back (`withdraw_copies`).
        """
        with manifest.locked(self.folder):
            current = self._read_resolved()
            before = json.dumps(current.copies, sort_keys=True)
            held = {(series, person) for series, person in wanted if person in _numbers(current.copies, series)}
            numbers = assign_copies(current.copies, wanted)
            self._given.update(set(numbers) - held)
            if json.dumps(current.copies, sort_keys=True) != before:
                self._save(current)
        return numbers

    def withdraw_copies(self, unwritten: Iterable[tuple[str, str]]) -> None:
        """Take back the numbers this run gave to copies of which it wrote no file.

        The register then keeps no name of a copy that does not exist (its
        name may be why it was refused), and the number is free again. A copy
        that another run has written meanwhile with that number keeps it.
        """
        withdrawn = [key for key in unwritten if key in self._given]
        if not withdrawn:
            return
        with manifest.locked(self.folder):
            current = self._read_resolved()
            written = {(copy_series(entry), entry["recipient"]) for entry in current.files.values()}
            changed = False
            for series, recipient in withdrawn:
                numbers = current.copies.get(series, {})
                if recipient in numbers and (series, recipient) not in written:
                    del numbers[recipient]
                    changed = True
                    if not numbers:
                        del current.copies[series]
            if changed:
                self._save(current)
        self._given.difference_update(withdrawn)

    def refusal(self, name: str, entry: manifest.Entry) -> str | None:
        """Why `name` must not be written with `entry`, judged by the manifest at the start of the run."""
        return _refusal(self.recorded.files.get(name), entry)

    def unchanged_sha256(self, name: str, entry: manifest.Entry) -> str | None:
        """The file's sha256 when the manifest records it as this copy, built from the same key, still as written."""
        return unchanged_sha256(self.recorded, self.folder, name, entry)

    def publish(self, name: str, content: bytes, entry: manifest.Entry) -> str:
        """Write `content` as `name` and record it with `entry`; return its sha256.

        Raises CopyRefused when the name is now recorded as another copy,
        when a file the manifest does not record stands there with other
        bytes, or when the copy's number has meanwhile gone to someone else;
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
                refusal = _refusal(current.files.get(name), entry) or _unrecorded(current, target, digest)
                refusal = refusal or _claim_number(current.copies, entry)
                if refusal:
                    raise CopyRefused(refusal)
                current.pending[name] = {**entry.as_json(), "sha256": digest}
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


def unchanged_sha256(recorded: manifest.Manifest, folder: Path, name: str, entry: manifest.Entry) -> str | None:
    """The file's sha256 when `recorded` has it as this copy, built from the same key, and it is still as written."""
    was = recorded.files.get(name)
    if (
        was
        and was["key"] == entry.key
        and manifest.same_copy(was, entry)
        and was["sha256"] == manifest.file_sha256(folder / name)
    ):
        return str(was["sha256"])
    return None


def _refusal(recorded: manifest.Recorded | None, entry: manifest.Entry) -> str | None:
    if recorded is None or manifest.same_copy(recorded, entry):
        return None
    return (
        f"it holds {manifest.describe(recorded, entry)}, and this is {manifest.describe(entry, recorded)}; "
        "move it aside or write to another --out folder"
    )


def _unrecorded(current: manifest.Manifest, target: Path, digest: str) -> str | None:
    """Why a file the manifest does not record may not be replaced: it may be anyone's, even a copy edited by hand.

    The same bytes are no replacement: a copy whose record was lost is recorded again.
    """
    if target.name in current.files or not os.path.lexists(target) or manifest.file_sha256(target) == digest:
        return None
    return (
        "a file the manifest does not record is there, and it is left as it is; "
        "move it aside or write to another --out folder"
    )


def _claim_number(register: dict[str, dict[str, int]], entry: manifest.Entry) -> str | None:
    """Why a numbered copy may not be written: its number went to someone else since it was given."""
    number, recipient = entry.copy, entry.recipient
    if number is None or recipient is None:
        return None
    given = _numbers(register, copy_series(entry))
    if given.get(recipient, number) == number and (recipient in given or number not in given.values()):
        given[recipient] = number
        return None
    return f"copy {number} of this briefing has been given to someone else meanwhile; run again"


ArchiveState = Literal["unchanged", "changed", "missing", "not compared"]
"""How an archived text a copy rests on stands now: "not compared" without the knowledge base it lies in."""


@dataclass(frozen=True)
class ArchivedSource:
    """One archived source text a copy rests on, as its manifest entry recorded it, and how it stands now."""

    source: str
    archive: Path
    """Where the text is: in the knowledge base's country folder, as the entry names it."""
    state: ArchiveState


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
    sources: dict[str, list[ArchivedSource]] = field(default_factory=dict)
    """File name -> the archived source texts the copy rests on, for each copy whose entry records them."""

    @property
    def archives_changed(self) -> list[tuple[str, ArchivedSource]]:
        """Each copy and archived text it rests on that is no longer as the copy was built from."""
        return [
            (name, archived)
            for name, archives in self.sources.items()
            for archived in archives
            if archived.state in ("changed", "missing")
        ]

    @property
    def ok(self) -> bool:
        return not (self.missing or self.changed or self.unrecorded or self.archives_changed)


def verify(folder: Path, briefs: Path | None = None) -> VerifyReport:
    """Re-hash every recorded file and every file in `folder`, under the manifest lock, and, with the
    knowledge base at `briefs`, every archived source text a copy's entry records.

    Changes nothing, so it needs no write permission: entries a dead run left
    pending are settled in memory only, and a folder no run can write (an
    archived copy) is read as it stands (see `manifest.locked_for_reading`).
    """
    if not folder.is_dir():
        raise UsageError(f"no such output folder: {folder}")
    while True:
        with manifest.locked_for_reading(folder) as held:
            recorded = manifest.read(folder)
            manifest.resolve(recorded, folder)
            present = {path.name: manifest.file_sha256(path) for path in _documents(folder)}
        # Unlocked, the reading holds only if no run created the lock file to start writing meanwhile.
        if held or not os.path.lexists(folder / manifest.LOCK_NAME):
            break
    report = VerifyReport(recorded=len(recorded.files))
    for name, entry in sorted(recorded.files.items()):
        if name not in present:
            report.missing.append(name)
        elif present[name] != entry["sha256"]:
            report.changed.append(name)
    report.unrecorded = sorted(name for name in present if name not in recorded.files)
    hashed: dict[Path, str | None] = {}
    for name, entry in sorted(recorded.files.items()):
        if entry.get("sources"):
            report.sources[name] = _archived_sources(entry, briefs, hashed)
    return report


def _archived_sources(
    entry: manifest.Recorded, briefs: Path | None, hashed: dict[Path, str | None]
) -> list[ArchivedSource]:
    """The archived texts an entry records, each compared with the text in the knowledge base now."""
    country = entry.get("country")
    found = []
    for source, archived in entry["sources"].items():
        relative = Path(archived["archive"])
        inside = isinstance(country, str) and not relative.is_absolute() and ".." not in relative.parts
        if briefs is None or not inside or not (briefs / str(country)).is_dir():
            found.append(ArchivedSource(source, relative, "not compared"))
            continue
        path = briefs / str(country) / relative
        if path not in hashed:
            hashed[path] = manifest.file_sha256(path)
        now = hashed[path]
        state: ArchiveState = "missing" if now is None else "unchanged" if now == archived["sha256"] else "changed"
        found.append(ArchivedSource(source, path, state))
    return found


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
