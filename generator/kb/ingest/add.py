"""`briefing source add`: archive a document beside its country's sources.yaml and start its entry.

The original is kept as `sources/<id>.<pdf|html|docx>` and its extracted text
as `sources/<id>.txt`, the text passages are checked against (for plain text,
the one file is both). The entry is appended to sources.yaml as text, so the
file's comments and formatting stay as written, with each file's sha256 so
`check` can tell when an archive has changed.

What the document's own metadata gives (title, author, date, web address) is
filled in, marked for checking; what it cannot tell (publisher, kind, and a
missing title or date) is left with no value, which `check` reports at its
line until someone fills it in. `sensitivity` starts at `confidential`, the
most cautious level: nobody has yet read the document for what a public copy
may cite, and a source no copy may cite keeps out only what rests on it,
while one marked public too early could put it in front of anyone.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.core.errors import UsageError
from generator.core.files import write_atomic
from generator.kb.ingest import SourceRefused
from generator.kb.ingest.extract import ARCHIVED_SUFFIX, DESCRIPTION, Extracted, Kind, extract, kind_of
from generator.kb.ingest.fetch import MAX_BYTES, fetch, is_url
from generator.kb.load import find_country_dir
from generator.kb.model import ID_PATTERN

SOURCES_FOLDER = "sources"
"""Where a country's archived documents live, beside its sources.yaml."""

NEW_SENSITIVITY = "confidential"
"""Where a new source starts: see the module's docstring."""

MAX_ID_LENGTH = 80

_COMMENT_COLUMN = 40
_KINDS_OF_SOURCE = "ngo-report | op-ed | news | official | commentary"


@dataclass(frozen=True)
class Added:
    """What `add_source` wrote, and what is left for the author to fill in."""

    source_id: str
    sources_file: Path
    line: int
    """The line of the new entry's `- id:` in sources.yaml."""
    archive: Path
    original: Path | None
    filled: tuple[str, ...]
    """Fields taken from the document's own metadata, to be checked."""
    blanks: tuple[str, ...]
    """Fields left with no value, which `check` reports until they are filled in."""


def add_source(briefs: Path, country: str | None, document: str, source_id: str) -> Added:
    """Archive `document` (a file or an http(s) address) as source `source_id` of a country's knowledge base."""
    _check_id(source_id)
    country_dir = find_country_dir(briefs, country)
    sources_file = country_dir / "sources.yaml"
    existing = _read_sources_file(sources_file)
    _refuse_taken(source_id, sources_file, existing)
    url = None
    if is_url(document):
        download = fetch(document)
        kind, content, url = download.kind, download.content, document
        if kind == "txt" and download.charset not in (None, "utf-8", "us-ascii"):
            content = _as_utf8(content, download.charset, document)
    else:
        kind = kind_of(document)
        content = _read_document(Path(document))
    extracted = extract(content, kind, document)
    folder = country_dir / SOURCES_FOLDER
    archive = folder / f"{source_id}.txt"
    original = None if kind == "txt" else folder / f"{source_id}{ARCHIVED_SUFFIX[kind]}"
    for path in (archive, original):
        if path is not None and (path.exists() or path.is_symlink()):
            raise SourceRefused(f"{path} exists already; remove it, or choose another id")
    archived = content if kind == "txt" else extracted.text.encode("utf-8")
    entry, filled, blanks = _entry(source_id, kind, extracted, url, archived, content if original else None)
    text, line = _appended(existing, entry, sources_file)
    folder.mkdir(exist_ok=True)
    written: list[Path] = []
    try:
        for path, data in ((original, content), (archive, archived)):
            if path is not None:
                write_atomic(path, data)
                written.append(path)
        # Last, so an entry never names an archive that is not there.
        write_atomic(sources_file, text.encode("utf-8"))
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return Added(source_id, sources_file, line, archive, original, filled, blanks)


def _check_id(source_id: str) -> None:
    if re.fullmatch(ID_PATTERN, source_id) and len(source_id) <= MAX_ID_LENGTH:
        return
    example = re.sub(r"[^a-z0-9]+", "-", source_id.lower()).strip("-")[:MAX_ID_LENGTH].strip("-")
    raise SourceRefused(
        f"'{source_id}' is not a valid id; use lower-case letters, digits and hyphens, at most "
        f"{MAX_ID_LENGTH} characters" + (f", e.g. '{example}'" if example else "")
    )


def _read_sources_file(path: Path) -> str:
    if not path.exists():
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: is not UTF-8 text; run 'briefing check'") from None


def _ids(text: str, path: Path) -> list[str]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        raise UsageError(f"{path}: cannot be read as YAML; run 'briefing check' and fix it first") from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise UsageError(f"{path}: is not a list of sources; run 'briefing check' and fix it first")
    return [entry["id"] for entry in data if isinstance(entry, dict) and isinstance(entry.get("id"), str)]


def _refuse_taken(source_id: str, path: Path, text: str) -> None:
    if source_id in _ids(text, path):
        match = re.search(rf"^\s*-\s+id:\s*['\"]?{re.escape(source_id)}['\"]?\s*(#.*)?$", text, re.MULTILINE)
        line = text.count("\n", 0, match.start()) + 1 if match else 1
        raise SourceRefused(f"{path}:{line}: there is already a source '{source_id}'; choose another id")


def _read_document(path: Path) -> bytes:
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise SourceRefused(f"{path}: no such file") from None
    if not stat.S_ISREG(status.st_mode):
        raise SourceRefused(f"{path}: not a file")
    if status.st_size > MAX_BYTES * 8:
        raise SourceRefused(f"{path}: larger than {MAX_BYTES * 8 // (1024 * 1024)} MB; no briefing cites from that")
    return path.read_bytes()


def _as_utf8(content: bytes, charset: str | None, url: str) -> bytes:
    try:
        return content.decode(charset or "utf-8").encode("utf-8")
    except (LookupError, UnicodeDecodeError):
        raise SourceRefused(f"{url}: the text is not in the encoding the server names ({charset})") from None


def _entry(
    source_id: str, kind: Kind, extracted: Extracted, url: str | None, archived: bytes, original: bytes | None
) -> tuple[list[str], tuple[str, ...], tuple[str, ...]]:
    """The entry's lines, the fields filled from metadata and those left blank."""
    origin = f"from the {DESCRIPTION[kind]}'s metadata; check it"
    filled: list[str] = []
    blanks: list[str] = []
    lines = [f"- id: {source_id}"]

    def field(name: str, value: str | None, comment: str, blank_comment: str | None = None) -> None:
        if value is not None:
            lines.append(_commented(f"  {name}: {value}", comment))
            if comment == origin:
                filled.append(name)
        elif blank_comment is not None:
            lines.append(_commented(f"  {name}:", f"fill in: {blank_comment}"))
            blanks.append(name)

    field("title", yaml_scalar(extracted.title), origin, "the title the document prints")
    field("publisher", None, "", "who published it")
    if extracted.author is not None:
        field("author", yaml_scalar(extracted.author), origin)
    else:
        lines.append(_commented("  # author:", "optional: the author the document names"))
    field(
        "date",
        extracted.date.isoformat() if extracted.date else None,
        origin,
        "YYYY-MM-DD; with no date printed, the best date the text supports and date_approximate: true",
    )
    field("kind", None, "", _KINDS_OF_SOURCE)
    if url is not None:
        field("url", yaml_scalar(url), "where it was downloaded from")
    else:
        field("url", yaml_scalar(extracted.url), origin)
    lines.append(_commented(f"  sensitivity: {NEW_SENSITIVITY}", "until it is read: then restricted or public"))
    lines.append(f"  archive: {SOURCES_FOLDER}/{source_id}.txt")
    lines.append(f"  archive_sha256: {hashlib.sha256(archived).hexdigest()}")
    if original is not None:
        lines.append(f"  original: {SOURCES_FOLDER}/{source_id}{ARCHIVED_SUFFIX[kind]}")
        lines.append(f"  original_sha256: {hashlib.sha256(original).hexdigest()}")
    return lines, tuple(filled), tuple(blanks)


def _commented(line: str, comment: str) -> str:
    return f"{line:<{_COMMENT_COLUMN - 1}} # {comment}"


def yaml_scalar(value: str | None) -> str | None:
    """`value` as YAML reads it back as the same text: plain where that is safe, else double-quoted."""
    if value is None:
        return None
    try:
        plain_reads_back = yaml.safe_load(f"key: {value}") == {"key": value}
    except yaml.YAMLError:
        plain_reads_back = False
    # A '#' could start a comment once a comment follows on the line.
    if plain_reads_back and "#" not in value:
        return value
    return json.dumps(value, ensure_ascii=False)


def _appended(existing: str, entry: list[str], path: Path) -> tuple[str, int]:
    """sources.yaml with the entry added at its end, and the line the entry starts on.

    Entries are indented as the file's own first entry is. The result is read
    back: a file whose list cannot simply be continued (written as [...]) is
    left alone.
    """
    indent = ""
    if found := re.search(r"^( *)- ", existing, re.MULTILINE):
        indent = found[1]
    if not _ids(existing, path):
        # A list file with no entries yet holds just []; the first entry takes its place.
        existing = re.sub(r"^\[\] *(#.*)?\n?", "", existing, count=1, flags=re.MULTILINE)
    head = existing if not existing or existing.endswith("\n") else existing + "\n"
    if head.strip() and not head.endswith("\n\n"):
        head += "\n"
    elif not head:
        head = "# yaml-language-server: $schema=../../schemas/sources.schema.json\n\n"
    text = head + "".join(f"{indent}{line}\n" for line in entry)
    before = _ids(existing, path)
    try:
        after = _ids(text, path)
    except UsageError:
        after = []
    if after != [*before, entry[0].removeprefix("- id: ")]:
        raise SourceRefused(
            f"{path}: cannot add an entry at its end (is it written as [...]?); "
            "write each source as a '- id: ...' block, as the documentation shows"
        )
    return text, head.count("\n") + 1
