"""Who gets a stamped copy: `--recipient`, a recipients file, and meeting attendees marked `copy: true`.

A recipients file is either plain text, one name per line (blank lines and
lines starting with `#` skipped), or CSV with a header naming `name` and
optionally `organisation` and `email`. Every problem is reported at its line
and nothing is written: a list that is wrong in one place may be wrong in
others, and half a distribution is worse than none.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.core.errors import Diagnostic, InputError
from generator.core.inputs import ReadRefused, read_input
from generator.kb import model
from generator.kb.yamlfile import YamlFileError, read_yaml
from generator.publish.publisher import recipient_slug

CSV_COLUMNS = ("name", "organisation", "email")
MAX_RECIPIENTS_BYTES = 1024 * 1024
"""A distribution list of tens of thousands of names; far larger is a mistake."""


@dataclass(frozen=True)
class Recipient:
    """One person a copy is stamped for, and where the request came from."""

    name: str
    organisation: str | None = None
    email: str | None = None
    path: Path | None = None
    line: int = 0

    @property
    def stamp(self) -> str:
        """What follows "Prepared for" on every page: the name, and the organisation when known."""
        return f"{self.name}, {self.organisation}" if self.organisation else self.name

    def diagnostic(self, message: str) -> Diagnostic:
        return Diagnostic(self.path or Path("<command line>"), self.line, message)


def read_recipients(path: Path) -> list[Recipient]:
    """The recipients a file lists, in its order; raise InputError naming every bad line."""
    try:
        content = read_input(path, limit=MAX_RECIPIENTS_BYTES)
    except FileNotFoundError:
        raise InputError([Diagnostic(path, 1, "no such recipients file")]) from None
    except ReadRefused as refusal:
        raise InputError([Diagnostic(path, 1, str(refusal))]) from None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise InputError([Diagnostic(path, line, "is not UTF-8 text; save the file as UTF-8")]) from None
    rows = _csv_rows(text, path) if path.suffix.lower() == ".csv" else _text_rows(text, path)
    recipients, errors = _checked(rows)
    if errors:
        raise InputError(errors)
    if not recipients:
        raise InputError([Diagnostic(path, 1, "names no recipient; write one name per line")])
    return recipients


def attendees_to_copy(meeting: model.Meeting | None, path: Path | None) -> list[Recipient]:
    """The meeting's attendees marked `copy: true`, each stamped with their name."""
    if meeting is None:
        return []
    copied = [
        (index, attendee.name)
        for index, attendee in enumerate(meeting.attendees)
        if attendee.copy_ and attendee.name is not None
    ]
    lines = _name_lines(path) if copied and path is not None else {}
    return [Recipient(name, path=path, line=lines.get(index, 1)) for index, name in copied]


def _name_lines(path: Path) -> dict[int, int]:
    """The line of each attendee's name in the meeting file, for messages about one of them.

    Read again only when someone is marked for a copy; the file was parsed
    moments ago, so it comes from the parse cache. Should it have become
    unreadable since, messages point at its first line.
    """
    try:
        document = read_yaml(path)
    except YamlFileError:
        return {}
    attendees = document.data.get("attendees") if isinstance(document.data, dict) else None
    count = len(attendees) if isinstance(attendees, list) else 0
    return {index: document.line_of(("attendees", index, "name")) for index in range(count)}


def merged(*lists: Iterable[Recipient]) -> list[Recipient]:
    """Every recipient once, first mention kept: a person both listed and attending gets one copy."""
    seen: set[str] = set()
    result = []
    for recipient in (recipient for recipients in lists for recipient in recipients):
        slug = recipient_slug(recipient.name)
        if slug not in seen:
            seen.add(slug)
            result.append(recipient)
    return result


def _text_rows(text: str, path: Path) -> Iterator[tuple[Recipient | None, Diagnostic | None]]:
    for number, line in enumerate(text.split("\n"), start=1):
        name = line.removesuffix("\r").strip(" \t")
        if name and not name.startswith("#"):
            yield Recipient(name, path=path, line=number), None


def _csv_rows(text: str, path: Path) -> Iterator[tuple[Recipient | None, Diagnostic | None]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return
        columns = [column.strip().lower() for column in header]
        if problem := _header_problem(columns):
            yield None, Diagnostic(path, 1, problem)
            return
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                yield None, Diagnostic(path, line, f"has {len(row)} fields; the header names {len(columns)}")
                continue
            cells = {column: cell.strip() or None for column, cell in zip(columns, row, strict=True)}
            if cells["name"] is None:
                yield None, Diagnostic(path, line, "name is empty; write the recipient's name")
                continue
            yield Recipient(cells["name"], cells.get("organisation"), cells.get("email"), path, line), None
    except csv.Error as error:
        yield None, Diagnostic(path, reader.line_num, f"is not valid CSV ({error})")


def _header_problem(columns: list[str]) -> str | None:
    unknown = [column for column in columns if column not in CSV_COLUMNS]
    if unknown:
        return f"unknown column '{unknown[0]}'; the columns are {', '.join(CSV_COLUMNS)}"
    if "name" not in columns:
        return "no 'name' column; the first line must name the columns, e.g. name,organisation,email"
    if len(set(columns)) != len(columns):
        return "names a column twice"
    return None


def _checked(rows: Iterable[tuple[Recipient | None, Diagnostic | None]]) -> tuple[list[Recipient], list[Diagnostic]]:
    """Recipients whose every field prints safely on one line, each person once."""
    recipients: list[Recipient] = []
    errors: list[Diagnostic] = []
    first_line: dict[str, Recipient] = {}
    for recipient, error in rows:
        if error is not None:
            errors.append(error)
            continue
        assert recipient is not None
        if problem := _field_problem(recipient):
            errors.append(recipient.diagnostic(problem))
            continue
        recipient = _normalised(recipient)
        slug = recipient_slug(recipient.name)
        if earlier := first_line.get(slug):
            errors.append(recipient.diagnostic(f"'{recipient.name}' is already listed on line {earlier.line}"))
            continue
        first_line[slug] = recipient
        recipients.append(recipient)
    return recipients, errors


def _field_problem(recipient: Recipient) -> str | None:
    for field, value in (
        ("name", recipient.name),
        ("organisation", recipient.organisation),
        ("email", recipient.email),
    ):
        if value is None:
            continue
        try:
            model.check_line(value)
        except ValueError as error:
            return f"{field} {error}"
    return None


def _normalised(recipient: Recipient) -> Recipient:
    """Composed (NFC) forms, so that one name typed two ways is one person and one file."""

    def nfc(value: str | None) -> str | None:
        return unicodedata.normalize("NFC", value) if value is not None else None

    return Recipient(
        unicodedata.normalize("NFC", recipient.name),
        nfc(recipient.organisation),
        nfc(recipient.email),
        recipient.path,
        recipient.line,
    )
