"""Every cited passage checked against the archived text of its source.

A source names its archived text (`archive:`, relative to the country folder)
and the sha256 it had when its passages were checked; an original, when the
team has it, is named and hashed the same way. A file that is missing or
whose bytes no longer match is an error at the line of its field in
sources.yaml, since the passages were checked against a text that is no
longer there. A passage not found in the archive (see `text.passages`) is an
error at its own line, worded with the nearest stretch of the source when
there is one; a page locator ("p. 4") must name the page the passage is on.
A source with no archive is a warning: its passages cannot be verified.

Every file is read through `core.inputs`, so a run answered from the run
cache is answered again only while each archive and original reads as it
did. What was found in an archive is kept in the cache store, keyed by the
archive's sha256 and the generator's code, one entry per archive file.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.core.errors import Diagnostic
from generator.core.inputs import ReadRefused, read_input
from generator.core.kinds import ARCHIVE, UNARCHIVED
from generator.core.store import (
    ENTRY_SUFFIX,
    cache_dir,
    code_digest,
    discard,
    peek_label,
    read_json_entry,
    write_entry,
)
from generator.kb import model
from generator.kb.citations import citations_in
from generator.kb.load import LoadResult
from generator.kb.yamlfile import Location
from generator.text.passages import (
    Span,
    locate,
    nearest,
    page_locator,
    pages_in,
    pages_in_locator,
    sentences_around,
)

ORIGINAL_BYTES = 256 * 1024 * 1024
"""The largest original read to check its hash: a published PDF is often larger than any YAML file may be."""

Found = tuple[int, int] | tuple[int, int, str, str] | tuple[()]
"""What was found of one passage: its span, or the span of the nearest stretch with the source's and the
passage's words where they differ, or nothing."""


@dataclass(frozen=True)
class _Cited:
    """One citation, with where its fields are written."""

    kind: str
    item_id: str
    path: Location
    citation: model.Citation


@dataclass
class _Archive:
    text: str
    sha256: str
    real_path: str
    found: dict[str, list[Any]]
    """What the cache or this run found, by passage as written."""
    changed: bool = False


@dataclass
class Verified:
    """What checking the archives found: errors, warnings, and the sentences each case's passages are cut from."""

    errors: list[Diagnostic]
    warnings: list[Diagnostic]
    case_sentences: dict[str, list[str]]
    """By case id, the whole sentence of its source around each passage it cites that was found."""


def verify_passages(result: LoadResult) -> Verified:
    """The errors and warnings of every source's archived files and every passage citing them."""
    folder = result.country_dir
    if folder is None:
        return Verified([], [], {})
    sources = {key: value for key, value in result.items.get("sources", {}).items() if isinstance(value, model.Source)}
    cited = list(_every_citation(result))
    counts: dict[str, int] = {}
    for each in cited:
        counts[each.citation.source] = counts.get(each.citation.source, 0) + 1
    errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    archives: dict[str, _Archive] = {}
    for source in sources.values():
        at = _Fields(result, "sources", source.id)
        if source.original is not None:
            errors.extend(_original_errors(folder, source, at))
        if source.archive is None:
            if counts.get(source.id):
                warnings.append(at.at((), _unarchived(source, counts[source.id]), UNARCHIVED))
            continue
        archive, problems = _read_archive(folder, source, at)
        errors.extend(problems)
        if archive is not None:
            archives[source.id] = archive
    case_sentences: dict[str, list[str]] = {}
    for each in cited:
        archive = archives.get(each.citation.source)
        if archive is not None:
            errors.extend(_passage_errors(result, each, sources[each.citation.source], archive))
            if each.kind == "cases" and len(found := _found(archive, each.citation.passage)) == 2:
                sentence = sentences_around(archive.text, Span(*found))
                case_sentences.setdefault(each.item_id, []).append(sentence)
    for archive in archives.values():
        if archive.changed:
            _remember(archive)
    _prune()
    return Verified(errors, warnings, case_sentences)


def _unarchived(source: model.Source, count: int) -> str:
    passages = "the passage citing it" if count == 1 else f"the {count} passages citing it"
    return (
        f"warning: source '{source.id}' has no archived text, so {passages} cannot be verified; archive the "
        f"text of the document as sources/{source.id}.txt and name it with 'archive:' and 'archive_sha256:'"
    )


class _Fields:
    """The line of each field of one item, for messages that point at it."""

    def __init__(self, result: LoadResult, kind: str, item_id: str) -> None:
        self.origin = result.origins[(kind, item_id)]
        self.document = next(doc for doc in result.documents[kind] if doc.path == self.origin.path)

    def at(self, path: Location, message: str, kind: str) -> Diagnostic:
        return Diagnostic(self.origin.path, self.document.line_of(self.origin.location + path), message, kind)


def _every_citation(result: LoadResult) -> Iterator[_Cited]:
    """Every citation of every item that loaded, however deep it is held."""
    for (kind, item_id), _ in result.origins.items():
        item = result.items.get(kind, {}).get(item_id)
        if item is not None:
            for path, citation in citations_in(item):
                yield _Cited(kind, item_id, path, citation)


def _read(path: Path, folder: Path, limit: int | None = None) -> tuple[bytes | None, str | None]:
    """The file's bytes, or why there are none, in words that follow its name."""
    try:
        return read_input(path, within=folder, limit=limit), None
    except FileNotFoundError:
        return None, "does not exist"
    except ReadRefused as refused:
        return None, f"cannot be read: {refused}"
    except OSError as error:
        return None, f"cannot be read: {error.strerror or error}"


def _hash_errors(name: str, relative: str, content: bytes, recorded: str | None, at: _Fields) -> Iterator[Diagnostic]:
    actual = hashlib.sha256(content).hexdigest()
    if recorded is None:
        yield at.at(
            (name,),
            f"{name} {relative} has no {name}_sha256, which records the text its passages were checked "
            f"against; add '{name}_sha256: {actual}'",
            ARCHIVE,
        )
    elif recorded != actual:
        again = "archive the source again from its original" if name == "archive" else "restore the original"
        yield at.at(
            (f"{name}_sha256",),
            f"{name}_sha256 does not match {relative}, whose sha256 is {actual}: the file changed since it was "
            f"recorded; {again}, or, if the change is intended, write '{name}_sha256: {actual}'",
            ARCHIVE,
        )


def _original_errors(folder: Path, source: model.Source, at: _Fields) -> Iterator[Diagnostic]:
    assert source.original is not None
    content, problem = _read(folder / source.original, folder, ORIGINAL_BYTES)
    if content is None:
        yield at.at(
            ("original",), f"original {source.original} {problem} in {folder.name}/; {_restore('original')}", ARCHIVE
        )
        return
    yield from _hash_errors("original", source.original, content, source.original_sha256, at)


def _restore(name: str) -> str:
    return f"put the file there, or correct the path (or remove '{name}:' and '{name}_sha256:' if the team has none)"


def _read_archive(folder: Path, source: model.Source, at: _Fields) -> tuple[_Archive | None, list[Diagnostic]]:
    """The archived text, when it is there, reads as UTF-8 and matches its hash."""
    assert source.archive is not None
    content, problem = _read(folder / source.archive, folder)
    if content is None:
        return None, [
            at.at(("archive",), f"archive {source.archive} {problem} in {folder.name}/; {_restore('archive')}", ARCHIVE)
        ]
    errors = list(_hash_errors("archive", source.archive, content, source.archive_sha256, at))
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, [
            *errors,
            at.at(
                ("archive",),
                f"archive {source.archive} is not UTF-8 text (byte {error.start + 1}); archive the extracted text "
                "as UTF-8",
                ARCHIVE,
            ),
        ]
    if errors:
        # Its passages were checked against other bytes: report the hash once, not every passage.
        return None, errors
    sha256 = hashlib.sha256(content).hexdigest()
    real_path = os.path.realpath(folder / source.archive)
    return _Archive(text, sha256, real_path, _recall(real_path, sha256)), []


def _found(archive: _Archive, passage: str) -> Found:
    """Where `passage` is in the archive, or what is nearest; cached by the passage as written, since a large
    knowledge base cites tens of thousands of passages and normalising each again to look it up costs more
    than the rare passage written two ways is worth."""
    cached = archive.found.get(passage)
    if cached is not None and _is_found(cached):
        return tuple(cached)
    span = locate(archive.text, passage)
    found: Found
    if span is not None:
        found = (span.start, span.end)
    elif (near := nearest(archive.text, passage)) is not None:
        found = (near.span.start, near.span.end, near.source_has, near.passage_has)
    else:
        found = ()
    archive.found[passage] = list(found)
    archive.changed = True
    return found


def _passage_errors(result: LoadResult, cited: _Cited, source: model.Source, archive: _Archive) -> list[Diagnostic]:
    at = _Fields(result, cited.kind, cited.item_id)
    citation = cited.citation
    named = f"the archived text of source '{source.id}' ({source.archive})"
    found = _found(archive, citation.passage)
    if len(found) == 4:
        _, _, source_has, passage_has = found
        return [
            at.at(
                (*cited.path, "passage"),
                f'the passage is not in {named}. The source has "{source_has}" where the passage has '
                f'"{passage_has}". Copy the passage from the source, or fix its source.',
                ARCHIVE,
            )
        ]
    if len(found) != 2:
        return [
            at.at(
                (*cited.path, "passage"),
                f"the passage is not in {named}, nor anything close to it. Find its words with "
                f"'briefing cite {source.id} \"a few words\"' and copy them from the source, or fix its source.",
                ARCHIVE,
            )
        ]
    if citation.locator is None or (named_pages := pages_in_locator(citation.locator)) is None:
        return []
    start, end = found
    pages = pages_in(archive.text, Span(start, end))
    if pages is None:
        return [
            at.at(
                (*cited.path, "locator"),
                f"locator '{citation.locator}' names a page, but {named} has no pages (no form feeds); remove the "
                "locator, or archive the text with a form feed between pages",
                ARCHIVE,
            )
        ]
    first, last = pages
    # "p. 4" names the page a passage starts on; a range must name every page it runs over, and no more.
    if named_pages not in ((first, last), (first, first)):
        return [
            at.at(
                (*cited.path, "locator"),
                f"locator '{citation.locator}' does not match {named}, where the passage is on "
                f"{page_locator(first, last)}; write 'locator: {page_locator(first, last)}'",
                ARCHIVE,
            )
        ]
    return []


# The cache of what was found in each archive.


def _key(archive_sha256: str) -> str:
    return hashlib.sha256(f"{code_digest()}\0{archive_sha256}".encode()).hexdigest()


def _entry_path(real_path: str) -> Path:
    return cache_dir() / "verified" / f"{hashlib.sha256(real_path.encode()).hexdigest()}{ENTRY_SUFFIX}"


def _is_found(value: Any) -> bool:
    if not isinstance(value, list) or len(value) not in (0, 2, 4):
        return False
    if value and not all(type(part) is int and part >= 0 for part in value[:2]):
        return False
    return all(isinstance(part, str) for part in value[2:])


def _recall(real_path: str, archive_sha256: str) -> dict[str, list[Any]]:
    """What an earlier run found in the archive at `real_path`, if it held these bytes and ran this code."""
    entry = read_json_entry(
        _entry_path(real_path),
        real_path,
        lambda entry: (
            isinstance(entry, dict)
            and isinstance(entry.get("found"), dict)
            and all(isinstance(key, str) and _is_found(value) for key, value in entry["found"].items())
        ),
    )
    if entry is None:
        return {}
    if entry.get("key") != _key(archive_sha256):
        return {}
    found: dict[str, list[Any]] = entry["found"]
    return found


def _remember(archive: _Archive) -> None:
    payload = json.dumps({"key": _key(archive.sha256), "found": archive.found}, ensure_ascii=False).encode()
    write_entry(_entry_path(archive.real_path), archive.real_path, payload)


def _prune() -> None:
    """Delete entries of archives that no longer exist."""
    for path in (cache_dir() / "verified").glob(f"*{ENTRY_SUFFIX}"):
        label = peek_label(path)
        if label is None or not os.path.exists(label):
            discard(path)
