"""The on-disk cache store: entries that can be wrong only by being absent.

Five caches share it, each kept by the stage that uses it: run entries
(`core.run_cache`: what the last run of one command line printed or wrote),
parsed YAML (`kb.parse_cache`), checked knowledge bases
(`check.checked_cache`), what was found in each archived source text
(`check.archives`) and what fitting learnt (`build.fitting_hints`). A document key, kept in the output manifest, names
everything one document depends on, so a build after an edit re-renders only
the documents the edit reached. Content hashes, never timestamps: a touched
file that did not change costs nothing.

Every key includes `code_digest()`: the generator's own source, the Python
version and the installed versions of the libraries that shape the output,
so an upgrade or an edit of the code never answers with an old result.

Layout, under `$XDG_CACHE_HOME/briefing` (else `~/.cache/briefing`); the
folders are created 0700 and every file 0600:

    runs/<sha256 of the command line>.entry      one per command line
    parsed/<sha256 of the file's real path>.entry  one per YAML file
    checked/<sha256 of the folder and country>.entry  one per knowledge base loaded
    verified/<sha256 of the file's real path>.entry  one per archived source text

An entry is four parts, one per line but the last:

    briefing-cache 1
    <sha256 of the two parts below>
    <label: the command line or the file's real path, as JSON>
    <payload: JSON for a run or an archive, a pickle of plain data for a parsed file,
     a line of JSON and a pickle of its models for a checked knowledge base>

An entry is used only when its checksum matches, its payload loads into the
expected shape and its key is today's; any other entry is deleted and built
again, never trusted.

This module stays light (standard library only) because it runs first.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from generator import TEMPLATES_DIR, __version__
from generator.core.inputs import ReadRefused, max_file_bytes, read_bounded
from generator.core.settings import CACHE_VARIABLE, environment_key, template_folders

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
    base = os.environ.get(CACHE_VARIABLE) or Path.home() / ".cache"
    return Path(base) / "briefing"


@functools.cache
def code_digest() -> str:
    """The generator's source, the Python version and the output libraries' versions; once per process."""
    digest = hashlib.sha256(f"{__version__}\0{sys.version}".encode())
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    # Walked with plain strings, not pathlib: every command, a check answered from its cache among them,
    # computes this first. The catalogues are code too: their words and date patterns are what a briefing prints.
    sources = []
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        relative = os.path.relpath(folder, package).replace(os.sep, "/")
        prefix = "" if relative == "." else f"{relative}/"
        in_catalogues = os.path.basename(folder) == "catalogues"
        sources += [
            (f"{prefix}{name}", os.path.join(folder, name))
            for name in names
            if name.endswith(".py") or (in_catalogues and name.endswith(".yaml"))
        ]
    for relative, path in sorted(sources):
        digest.update(f"\0{relative}\0".encode())
        with open(path, "rb") as source:
            digest.update(source.read())
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
    except ReadRefused as refusal:
        return f"\0refused: {refusal}".encode()
    except OSError as error:
        return f"\0unreadable: {error.errno}".encode()


def read_templates_digest(theme: Path | None = None) -> str:
    """The templates, fonts and reference documents a briefing is made with, the theme's and the shipped ones,
    hashed now."""
    return "\0".join(tree_digest(folder) for folder in template_folders(theme))


def templates_digest(theme: Path | None = None) -> str:
    """`read_templates_digest(theme)`, the shipped templates hashed once per process and a theme again
    whenever one of its files is touched: a theme is the user's, edited while a preview or a program runs."""
    shipped = _shipped_digest()
    if theme is None:
        return shipped
    return f"{_theme_digest(theme, _stamps(theme))}\0{shipped}"


@functools.cache
def _shipped_digest() -> str:
    return tree_digest(TEMPLATES_DIR)


@functools.lru_cache(maxsize=8)
def _theme_digest(theme: Path, stamps: tuple[tuple[str, int, int, int], ...]) -> str:
    """The theme's files hashed; `stamps` only decide when to hash them again."""
    return tree_digest(theme)


def folder_stamps(folders: tuple[Path, ...]) -> tuple[tuple[str, int, int, int], ...]:
    """Each file under each of `folders` with what an edit changes (see `_stamps`): cheap enough to look at
    before each use of something made from them."""
    return tuple(stamp for folder in folders for stamp in _stamps(folder))


def _stamps(folder: Path) -> tuple[tuple[str, int, int, int], ...]:
    """Each file under `folder` with its size, modification time and inode: what an edit changes."""
    stamps = []
    for path in _files_under(Path(os.path.realpath(folder))):
        try:
            status = os.stat(path)
        except OSError:
            stamps.append((str(path), -1, -1, -1))
        else:
            stamps.append((str(path), status.st_size, status.st_mtime_ns, status.st_ino))
    return tuple(stamps)


def document_key(brief_repr: str, output_format: str, templates: str) -> str:
    """Everything one document depends on; equal keys mean equal bytes."""
    return hashlib.sha256(f"{code_digest()}\0{output_format}\0{templates}\0{brief_repr}".encode()).hexdigest()


def inputs_key(*parts: object) -> str:
    """A digest of a run's inputs (file digests, dates), of the generator itself and of the environment
    variables that override settings."""
    return hashlib.sha256("\0".join(map(str, (code_digest(), environment_key(), *parts))).encode()).hexdigest()


# The entry format.

_ENTRY_LIMIT_FACTOR = 16
"""A parsed file pickles to a few times its YAML; more than this is no entry of ours."""


def read_entry(path: Path, label: str) -> bytes | None:
    """The payload of an intact entry for `label`; a damaged entry is deleted."""
    try:
        raw = read_bounded(path, limit=_ENTRY_LIMIT_FACTOR * max_file_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ReadRefused):
        discard(path)
        return None
    parts = raw.split(b"\n", 2)
    if len(parts) == 3 and raw.startswith(MAGIC):
        checksum, body = parts[1], parts[2]
        stored_label, _, payload = body.partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() == checksum and stored_label == json.dumps(label).encode():
            return payload
    discard(path)
    return None


def read_json_entry(path: Path, label: str, valid: Callable[[Any], bool]) -> Any | None:
    """The JSON value of an intact entry for `label`, if `valid` accepts it; one that does not is deleted."""
    payload = read_entry(path, label)
    if payload is None:
        return None
    try:
        value = json.loads(payload)
    except (ValueError, RecursionError):
        value = None
    if value is None or not valid(value):
        discard(path)
        return None
    return value


_PEEK_BYTES = 64 * 1024
"""Enough for the header and any path's label."""


def peek_label(path: Path) -> str | None:
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


def write_entry(path: Path, label: str, payload: bytes) -> None:
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
        discard(temporary)


def _private_folder(folder: Path) -> None:
    """The cache folder and `folder` in it, readable by this user only."""
    for each in (cache_dir(), folder):
        each.mkdir(mode=0o700, parents=True, exist_ok=True)
        if each.stat().st_mode & 0o077:
            # Left open by an older version: close it before writing into it.
            each.chmod(0o700)


def discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
