"""Content-hash caches that can be wrong only by being absent.

Two levels. A *run* entry remembers what the last run of one command line
printed or wrote, with every file its load read and every folder listing that
decided which (see `recording`); while each of those files reads as it did
and each listing is the same, the command answers from it without parsing
YAML or importing the renderers. A *document* key, kept in the
output manifest, names everything one document depends on, so a build after
an edit re-renders only the documents the edit reached. A third cache keeps
what each YAML file parsed into. Content hashes, never timestamps: a touched
file that did not change costs nothing.

Every key includes `code_digest()`: the generator's own source, the Python
version and the installed versions of the libraries that shape the output,
so an upgrade or an edit of the code never answers with an old result.

Layout, under `$XDG_CACHE_HOME/briefing` (else `~/.cache/briefing`); the
folders are created 0700 and every file 0600:

    runs/<sha256 of the command line>.entry      one per command line
    parsed/<sha256 of the file's real path>.entry  one per YAML file

An entry is four parts, one per line but the last:

    briefing-cache 1
    <sha256 of the two parts below>
    <label: the command line or the file's real path, as JSON>
    <payload: JSON for a run, a pickle of plain data for a parsed file>

A run's payload is {"inputs": key, "files": [[path, within, limit, real
path, sha256 or why unread], ...], "listings": [[folder, pattern, sha256 of
the names it matched], ...], "result": what the run printed or wrote}.

An entry is used only when its checksum matches, its payload loads into the
expected shape and its key is today's; any other entry is deleted and built
again, never trusted. A new result overwrites its entry, and a stale one is
deleted when it is looked up, so the cache holds no more than the inputs
still hold. Parsed entries whose file no longer exists are deleted whenever
a knowledge base is loaded.

This module stays light (standard library only) because it runs first.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import itertools
import json
import math
import os
import pickle
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar

from . import TEMPLATES_DIR, __version__
from .inputs import Outcome, Read, Refused, max_file_bytes, outcome_now, read_bounded
from .inputs import recording as recording_reads
from .kb.layout import country_dirs

MAGIC = b"briefing-cache 1\n"

OUTPUT_DISTRIBUTIONS = (
    "weasyprint",
    "pydyf",
    "fonttools",
    "python-docx",
    "jinja2",
    "pydantic",
    "pydantic-core",
    "pyyaml",
    "babel",
    # What the name guard withholds, and so what a copy may print:
    "anyascii",
    "confusable-homoglyphs",
    "pyspellchecker",
    "pymorphy3",
    "pymorphy3-dicts-ru",
)
"""Libraries whose version can change what a run prints or renders."""

ENTRY_SUFFIX = ".entry"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "briefing"


@functools.cache
def code_digest() -> str:
    """The generator's source, the Python version and the output libraries' versions; once per process."""
    digest = hashlib.sha256(f"{__version__}\0{sys.version}".encode())
    package = Path(__file__).resolve().parent
    # The catalogues are code too: their words and date patterns are what a briefing prints.
    for path in sorted([*package.rglob("*.py"), *package.glob("catalogues/*.yaml")]):
        digest.update(f"\0{path.relative_to(package).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    for name, version in sorted(installed_versions(OUTPUT_DISTRIBUTIONS).items()):
        digest.update(f"\0{name}=={version}".encode())
    return digest.hexdigest()


def installed_versions(names: Iterable[str]) -> dict[str, str]:
    """The installed version of each named distribution, as importlib.metadata finds it.

    Read from the names of the metadata folders on sys.path, first match
    winning as for imports: importing importlib.metadata alone would cost
    `briefing check` a third of its start-up.
    """
    wanted = {_normalised(name) for name in names}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            listing = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for folder in listing:
            stem, _, suffix = folder.rpartition(".")
            name, _, version = stem.partition("-")
            if suffix in ("dist-info", "egg-info") and _normalised(name) in wanted:
                found.setdefault(_normalised(name), version)
    return found


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def tree_digest(folder: Path) -> str:
    """A hash of every file under `folder`, by its real path and its bytes.

    Symbolic links to folders inside it are followed. A file that
    `inputs.read_bounded` refuses is hashed by the reason, never read.
    """
    digest = hashlib.sha256()
    root = Path(os.path.realpath(folder))
    for path in _files_under(root):
        digest.update(f"\0{os.path.realpath(path)}\0".encode())
        digest.update(_fingerprint(path, root))
    return digest.hexdigest()


def _files_under(root: Path) -> Iterator[Path]:
    """Every file below `root`, through linked folders that stay inside it, each folder once."""
    seen: set[str] = set()
    pending = [root]
    while pending:
        folder = pending.pop()
        real = os.path.realpath(folder)
        if real in seen or not Path(real).is_relative_to(root):
            continue
        seen.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir():
                pending.append(Path(entry.path))
            else:
                yield Path(entry.path)


def _fingerprint(path: Path, root: Path) -> bytes:
    try:
        return read_bounded(path, within=root)
    except Refused as refusal:
        return f"\0refused: {refusal}".encode()
    except OSError as error:
        return f"\0unreadable: {error.errno}".encode()


def read_templates_digest() -> str:
    """The shipped templates, fonts and reference document, hashed now."""
    return tree_digest(TEMPLATES_DIR)


@functools.cache
def templates_digest() -> str:
    """`read_templates_digest()` once per process."""
    return read_templates_digest()


def document_key(brief_repr: str, output_format: str, templates: str) -> str:
    """Everything one document depends on; equal keys mean equal bytes."""
    return hashlib.sha256(f"{code_digest()}\0{output_format}\0{templates}\0{brief_repr}".encode()).hexdigest()


def inputs_key(*parts: object) -> str:
    """A digest of a run's inputs (file digests, dates) and of the generator itself."""
    return hashlib.sha256("\0".join(map(str, (code_digest(), *parts))).encode()).hexdigest()


# What a run read.

Listing = tuple[str, str]
"""A folder and a glob pattern the loader lists it with."""


class RunInputs:
    """What loading a knowledge base looked at: every file it read and every listing that decided which.

    A run's answer stands while each file reads as it did (the same real path
    and bytes, or refused alike) and each listing matches the same names, so
    an edit, a retargeted link and a file that appeared or went are all seen.
    """

    def __init__(self, files: dict[Read, Outcome], listings: dict[Listing, str]) -> None:
        self.files = files
        self.listings = listings

    def hold(self) -> bool:
        """Whether every file and listing is still as recorded."""
        return all(_listed(*listing) == names for listing, names in self.listings.items()) and all(
            outcome_now(read) == outcome for read, outcome in self.files.items()
        )

    def rows(self) -> dict[str, list[list[object]]]:
        return {
            "files": [[*read, *outcome] for read, outcome in self.files.items()],
            "listings": [[*listing, names] for listing, names in self.listings.items()],
        }

    @classmethod
    def from_rows(cls, entry: dict[str, Any]) -> RunInputs | None:
        """The run inputs stored in a run entry; None when they are not of the shape `rows` gives."""
        files, listings = entry.get("files"), entry.get("listings")
        if not (isinstance(files, list) and isinstance(listings, list)):
            return None
        if not all(_is_file_row(row) for row in files) or not all(
            isinstance(row, list) and len(row) == 3 and all(isinstance(part, str) for part in row) for row in listings
        ):
            return None
        return cls(
            {(path, within, limit): (real, outcome) for path, within, limit, real, outcome in files},
            {(folder, pattern): names for folder, pattern, names in listings},
        )


def _is_file_row(row: Any) -> bool:
    return (
        isinstance(row, list)
        and len(row) == 5
        and all(isinstance(row[index], str) for index in (0, 3, 4))
        and (row[1] is None or isinstance(row[1], str))
        and (row[2] is None or type(row[2]) is int)
    )


@contextmanager
def recording(briefs: Path, country: str | None) -> Iterator[RunInputs]:
    """Record what loading `country` from `briefs` looks at; None stands for every country of the tree.

    The folders are those the loader lists: the tree for its countries, the
    shared audiences and meetings, and each country's own folder with its
    levers and meetings. They are listed first, so a file that appears while
    the load runs changes a listing and the run is not remembered.
    """
    countries = [country] if country is not None else [folder.name for folder in country_dirs(briefs)]
    listings = [
        (briefs, "*/country.yaml"),
        (briefs / "audiences", "*"),
        (briefs / "meetings", "*"),
        *((briefs / name / folder, "*") for name in countries for folder in ("", "levers", "meetings")),
    ]
    listed = {(str(folder), pattern): _listed(str(folder), pattern) for folder, pattern in listings}
    with recording_reads() as reads:
        yield RunInputs(reads.files, listed)


def _listed(folder: str, pattern: str) -> str:
    """The names `pattern` matches in `folder`, hashed; the same for a folder that is missing or empty."""
    names = sorted(map(str, Path(folder).glob(pattern)))
    return hashlib.sha256("\0".join(names).encode()).hexdigest()


# Run entries.


def recall(command: list[object], inputs: str, valid: Callable[[Any], bool]) -> dict[str, Any] | None:
    """What the last run of `command` found, if its inputs were exactly `inputs` and what it read still holds."""
    path = _run_path(command)
    payload = _read_entry(path, _label(command))
    if payload is None:
        return None
    try:
        entry = json.loads(payload)
    except (ValueError, RecursionError):
        entry = None
    if not (
        isinstance(entry, dict)
        and (seen := RunInputs.from_rows(entry)) is not None
        and isinstance(entry.get("inputs"), str)
        and isinstance(entry.get("result"), dict)
        and valid(entry["result"])
    ):
        _discard(path)
        return None
    if entry["inputs"] != inputs or not seen.hold():
        # Stale: what it says may name what the inputs no longer hold.
        _discard(path)
        return None
    result: dict[str, Any] = entry["result"]
    return result


def remember(command: list[object], inputs: str, result: dict[str, Any], seen: RunInputs | None = None) -> bool:
    """Store a run's result, replacing the last one of the same command line; say whether it was stored.

    `seen` is what the run's load looked at (see `recording`), None for an
    entry that rests on no file. It is not stored when one of those files or
    listings changed since: the run may have seen either state, and must not
    answer for the other.
    """
    seen = seen or RunInputs({}, {})
    if not seen.hold():
        return False
    payload = json.dumps({"inputs": inputs, **seen.rows(), "result": result}).encode("utf-8")
    _write_entry(_run_path(command), _label(command), payload)
    return True


def _label(command: list[object]) -> str:
    return json.dumps(list(map(str, command)))


def _run_path(command: list[object]) -> Path:
    return cache_dir() / "runs" / f"{hashlib.sha256(_label(command).encode()).hexdigest()}{ENTRY_SUFFIX}"


# Parsed YAML entries.


def recall_parsed(real_path: str, content_sha256: str) -> tuple[Any, dict[Any, int]] | None:
    """What the YAML file at `real_path` parsed into, if it held exactly these bytes then."""
    path = _parsed_path(real_path)
    payload = _read_entry(path, real_path)
    if payload is None:
        return None
    try:
        entry = _PlainUnpickler(payload).load()
    except Exception:  # whatever a malformed pickle raises, the entry is only rebuilt
        entry = None
    if not _is_parsed_entry(entry):
        _discard(path)
        return None
    key, data, lines = entry
    if key != _parsed_key(content_sha256):
        _discard(path)
        return None
    return data, lines


def remember_parsed(real_path: str, content_sha256: str, data: Any, lines: dict[Any, int]) -> None:
    payload = pickle.dumps((_parsed_key(content_sha256), data, lines), protocol=pickle.HIGHEST_PROTOCOL)
    _write_entry(_parsed_path(real_path), real_path, payload)


def prune_parsed() -> None:
    """Delete parsed entries of files that no longer exist, and files of older cache layouts."""
    for legacy in (*cache_dir().glob("*.json"), *(cache_dir() / "parsed").glob("*.pickle")):
        _discard(legacy)
    for path in (cache_dir() / "parsed").glob(f"*{ENTRY_SUFFIX}"):
        label = _peek_label(path)
        if label is None or not os.path.exists(label):
            _discard(path)


def _parsed_key(content_sha256: str) -> str:
    return hashlib.sha256(f"{code_digest()}\0{content_sha256}".encode()).hexdigest()


def _parsed_path(real_path: str) -> Path:
    return cache_dir() / "parsed" / f"{hashlib.sha256(real_path.encode()).hexdigest()}{ENTRY_SUFFIX}"


class _PlainUnpickler(pickle.Unpickler):
    """Builds only what YAML gives: containers, scalars and dates; never runs code."""

    ALLOWED: ClassVar[frozenset[tuple[str, str]]] = frozenset(
        {("datetime", "date"), ("datetime", "datetime"), ("datetime", "timedelta"), ("datetime", "timezone")}
    )

    def __init__(self, payload: bytes) -> None:
        super().__init__(io.BytesIO(payload))

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not plain data")
        return super().find_class(module, name)


_SCALARS = frozenset({str, int, float, bool, type(None), date, datetime})


def _is_parsed_entry(entry: Any) -> bool:
    if not (type(entry) is tuple and len(entry) == 3 and type(entry[0]) is str):
        return False
    _, data, lines = entry
    return _is_plain(data) and type(lines) is dict and _are_lines(lines)


def _is_plain(data: Any) -> bool:
    """Data made only of what `yamlfile` builds: mappings with text keys, lists and scalars."""
    pending = [data]
    while pending:
        value = pending.pop()
        kind = type(value)
        if kind is dict:
            for key in value:
                if type(key) is not str:
                    return False
            pending.extend(value.values())
        elif kind is list:
            pending.extend(value)
        elif kind not in _SCALARS:
            return False
    return True


def _are_lines(lines: dict[Any, Any]) -> bool:
    """Locations (tuples of keys and indices) mapped to line numbers; checked in bulk, it costs little."""
    return (
        set(map(type, lines.values())) <= {int}
        and set(map(type, lines)) <= {tuple}
        and set(map(type, itertools.chain.from_iterable(lines))) <= {str, int}
    )


# The entry format.

_ENTRY_LIMIT_FACTOR = 16
"""A parsed file pickles to a few times its YAML; more than this is no entry of ours."""


def _read_entry(path: Path, label: str) -> bytes | None:
    """The payload of an intact entry for `label`; a damaged entry is deleted."""
    try:
        raw = read_bounded(path, limit=_ENTRY_LIMIT_FACTOR * max_file_bytes())
    except FileNotFoundError:
        return None
    except (OSError, Refused):
        _discard(path)
        return None
    parts = raw.split(b"\n", 2)
    if len(parts) == 3 and raw.startswith(MAGIC):
        checksum, body = parts[1], parts[2]
        stored_label, _, payload = body.partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() == checksum and stored_label == json.dumps(label).encode():
            return payload
    _discard(path)
    return None


_PEEK_BYTES = 64 * 1024
"""Enough for the header and any path's label."""


def _peek_label(path: Path) -> str | None:
    """The label of an entry, read without its payload; None when it has none."""
    try:
        with open(path, "rb") as file:
            head = file.read(_PEEK_BYTES)
    except OSError:
        return None
    parts = head.split(b"\n", 3)
    if len(parts) < 4 or not head.startswith(MAGIC):
        return None
    try:
        label = json.loads(parts[2])
    except ValueError:
        return None
    return label if isinstance(label, str) else None


def _write_entry(path: Path, label: str, payload: bytes) -> None:
    """Write an entry whole or not at all; a cache that cannot be written only costs speed."""
    body = json.dumps(label).encode("utf-8") + b"\n" + payload
    content = MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n" + body
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        _private_folder(path.parent)
        temporary.unlink(missing_ok=True)
        # Created 0600 rather than narrowed afterwards, so no other user can open it in between.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except OSError:
        _discard(temporary)


def _private_folder(folder: Path) -> None:
    """The cache folder and `folder` in it, readable by this user only."""
    for each in (cache_dir(), folder):
        each.mkdir(mode=0o700, parents=True, exist_ok=True)
        if each.stat().st_mode & 0o077:
            # Left open by an older version: close it before writing into it.
            each.chmod(0o700)


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


FITTING_HINTS: list[object] = ["fitting-seconds"]
"""The run-cache entry of how long each briefing took to fit last time: only the order jobs start in."""
KEPT_HINTS = 512


def fitting_seconds() -> dict[str, float]:
    """Last run's fitting time per briefing; empty when unknown or damaged, as a wrong hint costs only speed."""
    hints = recall(FITTING_HINTS, "", _are_hints)
    return {key: float(value) for key, value in hints.items()} if hints else {}


def remember_fitting_seconds(measured: dict[str, float]) -> None:
    if not measured:
        return
    hints = {key: value for key, value in fitting_seconds().items() if key not in measured}
    hints.update({key: round(value, 3) for key, value in measured.items()})
    # The newest last: a bounded entry forgets the briefings not built for longest.
    remember(FITTING_HINTS, "", dict(list(hints.items())[-KEPT_HINTS:]))


def _are_hints(hints: Any) -> bool:
    return isinstance(hints, dict) and all(
        isinstance(key, str) and type(value) in (int, float) and math.isfinite(value) and value >= 0
        for key, value in hints.items()
    )
