"""`check` reads for names every text field a copy can print, found from the models themselves,
and `generate` refuses what `check` reports as an error, at the same file:line.

The fields are enumerated here by walking every model's declared types, apart from the walk
the generator uses, so a field added to a model is covered, or fails this test, by itself.
"""

import datetime
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
import yaml
from click.testing import CliRunner
from pydantic import BaseModel

from generator.api import load_knowledge_base
from generator.cli import main
from generator.core.errors import Diagnostic, InputError
from generator.kb import model
from generator.kb.schema import LIST_FILES, SINGLE_FILES
from tests.conftest import build_knowledge_base, withheld_case

NAME = "Quastik Vorlen"
WITHHELD_CASE = withheld_case()
NAMES_A_PERSON = "names a person who may not be named (the case at cases.yaml:17)"
TODAY = datetime.date(2026, 11, 25)

RECORD = "testland/meetings/uk-visit.record.yaml"
WHERE: dict[type[BaseModel], tuple[str, int | None]] = {
    model.Theme: ("themes.yaml", 0),
    model.Country: ("testland/country.yaml", None),
    model.Source: ("testland/sources.yaml", 0),
    model.Fact: ("testland/facts.yaml", 0),
    model.Case: ("testland/cases.yaml", 0),
    model.Recommendation: ("testland/recommendations.yaml", 0),
    model.Response: ("testland/responses.yaml", 0),
    model.Lever: ("testland/levers/uk.yaml", 0),
    model.Audience: ("audiences/uk.yaml", None),
    model.Meeting: ("testland/meetings/uk-visit.yaml", None),
    model.Record: (RECORD, None),
}
"""Each kind of file, and the entry of the minimal knowledge base a name is written into (None: the whole file)."""

PRINTED_WHOLE = {model.Country, model.Theme, model.Audience}
"""Printed in every briefing: a name there is an error, as generate would refuse every copy."""
MEETING_ENTRIES = {"attendees", "positions", "previous_commitments"}
"""A meeting's entries, each shown or left out on its own; every other field of a meeting is printed
whole in its briefing."""
CANNOT_HOLD_A_NAME = {"phone", "language", "archive_sha256"}
"""Printed, but only digits, a language tag or a hash can be written there: validation refuses a name."""
DICT_KEYS = {"names": "fr", "asks": "default"}
"""The key a map field is written under; any other map is keyed by the audience."""


def printable(owner: type[BaseModel], prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Every path to text in `owner` that its models do not declare NOT_PRINTED."""
    for name, info in owner.model_fields.items():
        if name not in getattr(owner, "NOT_PRINTED", ()):
            yield from _paths(info.annotation, (*prefix, name))


def _paths(annotation: Any, path: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    origin, arguments = get_origin(annotation), get_args(annotation)
    if annotation is str:
        yield path
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from printable(annotation, path)
    elif origin is Annotated:
        yield from _paths(arguments[0], path)
    elif origin is list:
        yield from _paths(arguments[0], (*path, 0))
    elif origin is dict:
        yield from _paths(arguments[1], (*path, DICT_KEYS.get(str(path[-1]), "uk")))
    elif origin in (Union, types.UnionType):
        for argument in arguments:
            yield from _paths(argument, path)
    else:
        assert origin is Literal or annotation in (bool, int, datetime.date, model.Sensitivity, type(None)), annotation


FIELDS = sorted(
    {(kind, path) for kind in {*SINGLE_FILES.values(), *LIST_FILES.values()} for path in printable(kind)},
    key=lambda field: (field[0].__name__, field[1]),
)


def test_every_kind_of_file_is_tried():
    assert {*SINGLE_FILES.values(), *LIST_FILES.values()} == set(WHERE)


def test_fields_declared_not_printed_exist():
    kinds = {*WHERE, *(held for kind in WHERE for held in _nested(kind))}
    for kind in kinds:
        assert set(getattr(kind, "NOT_PRINTED", ())) <= set(kind.model_fields), kind


def _nested(kind: type[BaseModel]) -> Iterator[type[BaseModel]]:
    for info in kind.model_fields.values():
        for argument in _arguments(info.annotation):
            if isinstance(argument, type) and issubclass(argument, BaseModel):
                yield argument
                yield from _nested(argument)


def _arguments(annotation: Any) -> Iterator[Any]:
    yield annotation
    for argument in get_args(annotation):
        yield from _arguments(argument)


def neutral(kind: type[BaseModel]) -> dict[str, Any]:
    """An entry of `kind` with its required fields filled with words that name no one."""
    if kind is model.Citation:
        # A citation names a source, and a passage that source's archived text holds.
        return {"source": "report-2021", "passage": "detained 40 protesters"}
    values: dict[str, Any] = {}
    for name, info in kind.model_fields.items():
        if info.is_required():
            annotation = info.annotation
            if get_origin(annotation) is Literal:
                values[name] = get_args(annotation)[0]
            elif annotation is datetime.date:
                values[name] = datetime.date(2027, 3, 1)
            elif get_origin(annotation) is list:
                values[name] = ["Neutral words"]
            else:
                values[name] = "neutral" if name == "id" else "Neutral words"
    return values


def value_for(path: tuple[str | int, ...]) -> str:
    last = path[-1]
    if last in ("id", "country"):
        return "quastik-vorlen"
    if last == "url":
        return "https://example.org/quastik-vorlen"
    if last == "email":
        return "quastik.vorlen@example.org"
    return NAME


def write_name(briefs: Path, kind: type[BaseModel], path: tuple[str | int, ...]) -> Path:
    """Write the name into the field at `path` of one entry of `kind`; return the file written."""
    relative, index = WHERE[kind]
    if kind is model.Country and path == ("id",):
        # Its folder is named after it; a meeting says which country it belongs to.
        (briefs / "testland").rename(briefs / "quastik-vorlen")
        meeting = briefs / "quastik-vorlen" / "meetings" / "uk-visit.yaml"
        meeting.write_text(meeting.read_text().replace("country: testland", "country: quastik-vorlen"))
        relative = "quastik-vorlen/country.yaml"
    if kind is model.Audience and path == ("id",):
        # Other files refer to the audience by its id: the name goes into a second audience.
        relative = "audiences/quastik-vorlen.yaml"
        (briefs / relative).write_text((briefs / "audiences" / "uk.yaml").read_text())
    if kind is model.Record:
        (briefs / RECORD).write_text(yaml.safe_dump({"meeting": "uk-visit", "held_on": datetime.date(2027, 2, 9)}))
    file = briefs / relative
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    set_at(data[index] if index is not None else data, kind, path, value_for(path))
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return file


def set_at(entry: dict[str, Any], kind: type[BaseModel], path: tuple[str | int, ...], value: str) -> None:
    """Set the field at `path` of an entry of `kind`, adding what leads to it as entries that name no one."""
    field, rest = str(path[0]), path[1:]
    if not rest:
        entry[field] = value
        return
    annotation = kind.model_fields[field].annotation
    nested = next((a for a in _arguments(annotation) if isinstance(a, type) and issubclass(a, BaseModel)), None)
    if isinstance(rest[0], int) or any(get_origin(a) is dict for a in _arguments(annotation)):
        holder = entry.setdefault(field, [] if isinstance(rest[0], int) else {})
        if isinstance(holder, list) and not holder:
            holder.append(neutral(nested) if nested else value)
        if len(rest) == 1:
            holder[rest[0]] = value
            return
        if isinstance(holder, dict):
            holder.setdefault(rest[0], neutral(nested) if nested else value)
        assert nested is not None
        set_at(holder[rest[0]], nested, rest[1:], value)
    else:
        assert nested is not None
        entry[field] = entry.get(field) or neutral(nested)
        set_at(entry[field], nested, rest, value)


def diagnostics(briefs: Path) -> tuple[bool, list[Diagnostic]]:
    """Whether loading refuses the knowledge base, and what it says."""
    try:
        return False, load_knowledge_base(briefs, today=TODAY).warnings
    except InputError as error:
        return True, error.diagnostics


def name_line(file: Path) -> int:
    return next(n for n, line in enumerate(file.read_text().splitlines(), 1) if "vorlen" in line.lower())


@pytest.mark.parametrize(
    "kind, path", FIELDS, ids=[f"{kind.__name__}.{'.'.join(map(str, path))}" for kind, path in FIELDS]
)
def test_check_reads_every_printed_field_for_names(minimal_kb: Path, kind: type[BaseModel], path):
    with (minimal_kb / "testland" / "cases.yaml").open("a") as cases:
        cases.write(WITHHELD_CASE)
    file = write_name(minimal_kb, kind, path)

    refused, found = diagnostics(minimal_kb)

    at_line = [d.message for d in found if (d.path, d.line) == (file, name_line(file))]
    if path[-1] in CANNOT_HOLD_A_NAME:
        assert refused and at_line, found
        return
    assert any("names a person who may not be named (the case at cases.yaml:" in m for m in at_line), found
    whole = kind in PRINTED_WHOLE or (kind is model.Meeting and path[0] not in MEETING_ENTRIES)
    assert refused == whole, found


NAMED_FIELDS = {
    "country short_name": ("testland/country.yaml", "short_name: Vorlen land\n", "short_name"),
    "contact name": ("testland/country.yaml", "contact:\n  name: Quastik Vorlen\n", "contact.name"),
    "contact email": (
        "testland/country.yaml",
        "contact:\n  name: Test team\n  email: vorlen@example.org\n",
        "contact.email",
    ),
    "meeting objective": ("testland/meetings/uk-visit.yaml", "objective: Free Vorlen\n", "objective"),
    "meeting agenda": ("testland/meetings/uk-visit.yaml", "agenda:\n  - Vorlen's detention\n", "agenda[0].title"),
    "meeting place": ("testland/meetings/uk-visit.yaml", "logistics:\n  place: Vorlen's office\n", "logistics.place"),
}


@pytest.mark.parametrize("where", sorted(NAMED_FIELDS))
def test_check_and_generate_refuse_a_name_in_a_field_every_copy_prints_at_its_line(tmp_path: Path, where: str):
    briefs = build_knowledge_base(tmp_path / "briefs")
    with (briefs / "testland" / "cases.yaml").open("a") as cases:
        cases.write(WITHHELD_CASE)
    relative, added, field = NAMED_FIELDS[where]
    file = briefs / relative
    file.write_text(file.read_text() + added)
    expected = f"{file}:{name_line(file)}: {field} names a person who may not be named (the case at cases.yaml:17)"
    meeting = briefs / "testland" / "meetings" / "uk-visit.yaml"

    checked = CliRunner().invoke(main, ["check", "--briefs", str(briefs)])
    generated = CliRunner().invoke(
        main, ["generate", str(meeting), "--briefs", str(briefs), "--out", str(tmp_path / "out")]
    )

    for result in (checked, generated):
        assert result.exit_code == 2, result.output
        assert expected in result.stderr
        assert "vorlen" not in result.stderr.lower().replace(str(briefs).lower(), "")
    assert not (tmp_path / "out").exists()
