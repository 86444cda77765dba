"""Load a knowledge-base folder into typed models, collecting every problem.

Each file is read with line tracking (`yamlfile`), each item validated on its
own (`model`), and every problem becomes a `file:line: message` diagnostic.
Cross-item checks run afterwards in `validate`.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from generator.core.errors import Diagnostic, UsageError
from generator.core.kinds import FIELD, LAYOUT, OLD_LAYOUT
from generator.core.settings import Settings
from generator.kb import model, parse_cache
from generator.kb.layout import RECORD_SUFFIX, country_dirs, meeting_files, meeting_path, record_path
from generator.kb.yamlfile import Location, YamlDocument, YamlFileError, read_yaml

COUNTRY_FILES: dict[str, type[model.Model]] = {
    "sources.yaml": model.Source,
    "facts.yaml": model.Fact,
    "cases.yaml": model.Case,
    "recommendations.yaml": model.Recommendation,
    "responses.yaml": model.Response,
}
"""The list files of a country folder and the kind of item each holds."""


@dataclass(frozen=True)
class Origin:
    """Where an item was written, for messages that point back at it."""

    path: Path
    line: int
    location: Location = ()
    """The item's place in its file: its index, () for a file that is one item, ("levers", i) for a lever
    still written in an old-layout audience file."""

    def diagnostic(self, message: str, kind: str = "") -> Diagnostic:
        return Diagnostic(self.path, self.line, message, kind)


@dataclass
class KnowledgeBase:
    """Everything the generator knows, validated, in file order."""

    country: model.Country
    themes: dict[str, model.Theme] = field(default_factory=dict)
    sources: dict[str, model.Source] = field(default_factory=dict)
    facts: dict[str, model.Fact] = field(default_factory=dict)
    cases: dict[str, model.Case] = field(default_factory=dict)
    recommendations: dict[str, model.Recommendation] = field(default_factory=dict)
    responses: dict[str, model.Response] = field(default_factory=dict)
    audiences: dict[str, model.Audience] = field(default_factory=dict)
    meetings: dict[str, model.Meeting] = field(default_factory=dict)
    records: dict[str, model.Record] = field(default_factory=dict)
    """Meeting id -> what was recorded after that meeting."""
    levers: dict[str, dict[str, model.Lever]] = field(default_factory=dict)
    """audience id -> lever id -> what that audience can do about this country."""
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    """(kind, id) -> where the item is defined; kind is the file stem."""
    revision: str = ""
    """A hash of every file read: names the exact state a briefing was built from."""
    settings: Settings = field(default_factory=Settings)
    """What the knowledge base's briefing.toml and the environment set: page limits, budgets, theme."""

    def origin(self, kind: str, item_id: str) -> Origin:
        return self.origins[(kind, item_id)]


@dataclass
class LoadResult:
    """What loading found: the models that validated, and every problem."""

    errors: list[Diagnostic] = field(default_factory=list)
    items: dict[str, dict[str, BaseModel]] = field(default_factory=dict)
    """kind -> id -> model, for items that validated."""
    known_ids: dict[str, set[str]] = field(default_factory=dict)
    """kind -> every id written in that kind's files, valid item or not."""
    unreadable: set[str] = field(default_factory=set)
    """Kinds with a file that could not be read; checks against them are skipped."""
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    documents: dict[str, list[YamlDocument]] = field(default_factory=dict)
    unparsed: dict[str, list[tuple[Path, Path | None]]] = field(default_factory=dict)
    """kind -> each file found but not read as YAML, with the folder it must lie in: a broken
    cases file still holds names that no message may print."""
    warnings: list[Diagnostic] = field(default_factory=list)
    """What loaded but is written in the old layout."""
    partial: list[Partial] = field(default_factory=list)
    """Items that failed validation, with the fields that are valid: their references are checked too."""
    country_dir: Path | None = None
    """The country folder read; None for a meeting file read on its own."""
    settings: Settings = field(default_factory=Settings)


OLD_AUDIENCE_FIELDS = ("levers", "salutation")
"""Fields audience files held before levers moved into each country's folder."""

LEVERS = "levers/"
"""Prefix of the kinds levers load under, one per audience (see `lever_kind`)."""


def find_country_dir(briefs: Path, country: str | None) -> Path:
    """The country folder to load: the one named, or the only one there is."""
    if not briefs.is_dir():
        raise UsageError(f"{briefs}: no such knowledge-base folder")
    folders = country_dirs(briefs)
    if not folders and not (briefs / "audiences").is_dir():
        raise UsageError(
            f"{briefs}: no knowledge base here; expected a folder holding <country>/country.yaml and audiences/"
        )
    if country is not None:
        wanted = briefs / country
        if wanted not in folders:
            names = ", ".join(p.name for p in folders) or "none"
            raise UsageError(f"{briefs}: no country '{country}' (countries: {names})")
        return wanted
    if len(folders) != 1:
        names = ", ".join(p.name for p in folders) or "none"
        raise UsageError(
            f"{briefs}: expected one country folder with a country.yaml, found {names}; name one with --country"
        )
    return folders[0]


def read_items(briefs: Path, country: str | None = None, settings: Settings | None = None) -> LoadResult:
    """Read and validate the shared files and one country's folder, item by item, under `settings`.

    Other countries' folders are never read, so one country costs the same
    however many share the tree.
    """
    country_dir = find_country_dir(briefs, country)
    result = LoadResult(country_dir=country_dir, settings=settings or Settings())
    read_file(result, briefs / "themes.yaml", "themes", model.Theme, many=True, within=briefs)
    read_file(result, country_dir / "country.yaml", "country", model.Country, many=False, within=briefs)
    _read_country_files(result, briefs, country_dir)
    several = len(country_dirs(briefs)) > 1
    audience_paths = sorted((briefs / "audiences").glob("*.y*ml"))
    if not audience_paths:
        result.errors.append(Diagnostic(briefs / "audiences", 1, "no audience files; add at least one", LAYOUT))
        result.unreadable.add("audiences")
    for path in audience_paths:
        _read_audience(result, path, briefs, country_dir, several)
    for path in sorted((country_dir / "levers").glob("*.y*ml")):
        read_file(result, path, lever_kind(path.stem), model.Lever, many=True, within=briefs)
    meetings = meeting_files(country_dir / "meetings")
    for path in meetings:
        read_file(result, path, "meetings", model.Meeting, many=False, within=briefs)
    read_records(result, meetings, country_dir / "meetings", within=briefs)
    old_meetings = meeting_files(briefs / "meetings")
    for path in old_meetings:
        _read_old_meeting(result, path, briefs, country_dir, several)
    read_records(result, old_meetings, briefs / "meetings", within=briefs)
    parse_cache.prune_parsed()
    return result


def lever_kind(audience: str) -> str:
    """The kind under which one audience's levers are loaded: ids are unique per audience only."""
    return f"{LEVERS}{audience}"


def _read_country_files(result: LoadResult, briefs: Path, country_dir: Path) -> None:
    names = ["country.yaml", *COUNTRY_FILES]
    misnamed: dict[str, Path] = {}
    for path in sorted(country_dir.glob("*.y*ml")):
        if path.name in names:
            continue
        near = difflib.get_close_matches(path.name, names, n=1)
        if near and near[0] not in misnamed and not (country_dir / near[0]).exists():
            # Read it as the file it was meant to be, so a misnamed file costs
            # one message rather than one per reference into it.
            misnamed[near[0]] = path
            result.errors.append(Diagnostic(path, 1, f"file name should be {near[0]}; rename it", LAYOUT))
        else:
            result.errors.append(
                Diagnostic(path, 1, f"unknown file name; a country folder holds {', '.join(names)}", LAYOUT)
            )
    for name, item_model in COUNTRY_FILES.items():
        read_file(
            result,
            misnamed.get(name, country_dir / name),
            name.removesuffix(".yaml"),
            item_model,
            many=True,
            within=briefs,
        )


def _read_audience(result: LoadResult, path: Path, briefs: Path, country_dir: Path, several: bool) -> None:
    """An audience file; one still holding levers or a salutation loads as before, with a warning."""
    document = _read_document(result, path, "audiences", within=briefs)
    if document is None:
        return
    data = document.data
    old = [key for key in OLD_AUDIENCE_FIELDS if isinstance(data, dict) and key in data]
    if not old:
        _add_entries(result, document, "audiences", model.Audience, [((), data)], many=False)
        return
    _add_entries(
        result,
        document,
        "audiences",
        model.Audience,
        [((), {k: v for k, v in data.items() if k not in old})],
        many=False,
    )
    audience = data.get("id") if isinstance(data.get("id"), str) else path.stem
    moved = country_dir.name + "/levers/" + f"{audience}.yaml"
    if "levers" in data:
        line = document.line_of(("levers",))
        if several:
            result.errors.append(
                Diagnostic(
                    path,
                    line,
                    f"levers in an audience file belong to one country, but the tree holds several: move them "
                    f"to <country>/levers/{audience}.yaml ('briefing migrate' does it before a second country "
                    "is added)",
                    LAYOUT,
                )
            )
            return
        if (country_dir / "levers" / f"{audience}.yaml").exists():
            result.errors.append(
                Diagnostic(path, line, f"levers are written both here and in {moved}; keep only {moved}", LAYOUT)
            )
            return
        levers = data["levers"]
        if not isinstance(levers, list):
            result.errors.append(
                Diagnostic(path, line, f"levers: expected a list of levers, found {_describe(levers)}", FIELD)
            )
            result.unreadable.add(lever_kind(audience))
            return
        kind = lever_kind(audience)
        result.documents.setdefault(kind, []).append(document)
        _add_entries(
            result, document, kind, model.Lever, [(("levers", i), entry) for i, entry in enumerate(levers)], many=True
        )
    changes = [f"move its levers to {moved}"] if "levers" in data else []
    changes += ["drop salutation"] if "salutation" in data else []
    result.warnings.append(
        Diagnostic(
            path, 1, f"warning: old layout; 'briefing migrate --write' would {' and '.join(changes)}", OLD_LAYOUT
        )
    )


def _read_old_meeting(result: LoadResult, path: Path, briefs: Path, country_dir: Path, several: bool) -> None:
    """A meeting in the shared meetings folder of the old layout: loaded with a warning while one country
    is all the tree holds, since which country it belongs to is then unambiguous."""
    if several:
        result.errors.append(
            Diagnostic(
                path,
                1,
                "a meeting belongs in its country's folder when the tree holds several countries: "
                f"run 'briefing migrate' to move it to <country>/meetings/{path.name}",
                LAYOUT,
            )
        )
        return
    moved = f"{country_dir.name}/meetings/{path.name}"
    read_file(result, path, "meetings", model.Meeting, many=False, within=briefs)
    result.warnings.append(
        Diagnostic(
            path, 1, f"warning: old layout; 'briefing migrate --write' would move this meeting to {moved}", OLD_LAYOUT
        )
    )


def read_records(result: LoadResult, meeting_paths: list[Path], folder: Path, within: Path | None) -> None:
    """Read the record beside each meeting file, and refuse a record that sits beside none."""
    result.known_ids.setdefault("records", set())
    result.items.setdefault("records", {})
    expected = {record_path(path) for path in meeting_paths}
    for path in sorted(folder.glob("*" + RECORD_SUFFIX)):
        if path not in expected:
            meeting_name = meeting_path(path).name
            result.errors.append(
                Diagnostic(
                    path,
                    1,
                    f"no meeting file {meeting_name} beside this record; a record sits beside its meeting",
                    LAYOUT,
                )
            )
    for path in sorted(expected):
        if path.exists() or path.is_symlink():
            read_file(result, path, "records", model.Record, many=False, within=within)


def read_file(
    result: LoadResult, path: Path, kind: str, item_model: type[model.Model], *, many: bool, within: Path | None = None
) -> None:
    """Read one file into `result`; with `within`, only a file whose real location is inside that folder."""
    document = _read_document(result, path, kind, within, entries=many)
    if document is None:
        return
    if many and not isinstance(document.data, list):
        noun = "levers" if kind.startswith(LEVERS) else kind
        result.errors.append(
            Diagnostic(
                path,
                1,
                f"expected a list of {noun} (each starting with '- id:'), found {_describe(document.data)}",
                FIELD,
            )
        )
        result.unreadable.add(kind)
        return
    entries: list[tuple[Location, Any]] = (
        [((index,), entry) for index, entry in enumerate(document.data)] if many else [((), document.data)]
    )
    if item_model is model.Source:
        entries = _without_documents(result, document, entries)
    _add_entries(result, document, kind, item_model, entries, many=many)


OLD_SOURCE_FIELD = "document"
"""What named a source's text, a file kept outside the knowledge base, before texts were archived in it."""


def _without_documents(
    result: LoadResult, document: YamlDocument, entries: list[tuple[Location, Any]]
) -> list[tuple[Location, Any]]:
    """Sources that name their text the old way load without it, with one warning for the file."""
    old = [location for location, entry in entries if isinstance(entry, dict) and OLD_SOURCE_FIELD in entry]
    if not old:
        return entries
    folder = document.path.parent.name
    many = f"{len(old)} sources" if len(old) != 1 else "1 source"
    result.warnings.append(
        Diagnostic(
            document.path,
            document.line_of((*old[0], OLD_SOURCE_FIELD)),
            f"warning: old layout; 'briefing migrate --write' would replace document: with archive:, the text "
            f"archived in {folder}/sources/, in {many}",
            OLD_LAYOUT,
        )
    )
    return [
        (location, {k: v for k, v in entry.items() if k != OLD_SOURCE_FIELD} if location in old else entry)
        for location, entry in entries
    ]


def _read_document(
    result: LoadResult, path: Path, kind: str, within: Path | None, *, entries: bool = False
) -> YamlDocument | None:
    """The file's data; with `entries`, of a list file that is not valid YAML, the entries that are."""
    result.known_ids.setdefault(kind, set())
    result.items.setdefault(kind, {})
    if not (path.exists() or path.is_symlink()):
        result.errors.append(Diagnostic(path, 1, f"missing file; every knowledge base needs {path.name}", LAYOUT))
        result.unreadable.add(kind)
        return None
    try:
        document = read_yaml(path, within=within, entries=entries)
    except YamlFileError as error:
        result.errors.extend(error.diagnostics)
        result.unparsed.setdefault(kind, []).append((path, within))
        if error.partial is None:
            result.unreadable.add(kind)
            return None
        document = error.partial
        broken_ids = [_written_id(line) for line in error.broken]
        if None in broken_ids:
            result.unreadable.add(kind)
        result.known_ids[kind].update(item_id for item_id in broken_ids if item_id is not None)
    result.documents.setdefault(kind, []).append(document)
    return document


_WRITTEN_ID = re.compile(r"^-\s+id:\s*(['\"]?)([a-z0-9]+(?:-[a-z0-9]+)*)\1\s*(?:#.*)?$")


def _written_id(first_line: str) -> str | None:
    """The id an entry that is not valid YAML starts with, when it is written plainly on its first line."""
    match = _WRITTEN_ID.match(first_line)
    return match[2] if match else None


def _add_entries(
    result: LoadResult,
    document: YamlDocument,
    kind: str,
    item_model: type[model.Model],
    entries: list[tuple[Location, Any]],
    *,
    many: bool,
) -> None:
    """Validate each entry of a read document as one item of `kind`."""
    result.known_ids.setdefault(kind, set())
    result.items.setdefault(kind, {})
    path = document.path
    for location, entry in entries:
        line = document.line_of(location)
        item_id = entry.get(item_model.KEY) if isinstance(entry, dict) else None
        if isinstance(item_id, str) and re.match(model.ID_PATTERN, item_id):
            result.known_ids[kind].add(item_id)
        else:
            # A reference may mean the item whose id is unusable; checking
            # references into its kind would report this one mistake again.
            result.unreadable.add(kind)
        if not isinstance(entry, dict):
            what = "an entry of fields starting with '- id:'" if many else "the file to hold 'field: value' lines"
            result.errors.append(Diagnostic(path, line, f"expected {what}, found {_describe(entry)}", FIELD))
            continue
        try:
            item = item_model.model_validate(entry)
        except ValidationError as error:
            result.errors.extend(_diagnostics(error, document, location, item_model))
            if issubclass(item_model, PARTLY_CHECKED):
                result.partial.append(_partial(kind, item_model, entry, error, Origin(path, line, location)))
            continue
        item_key = getattr(item, item_model.KEY)
        if (kind, item_key) in result.origins:
            first = result.origins[(kind, item_key)]
            result.errors.append(
                Diagnostic(
                    path,
                    line,
                    f"duplicate id '{item_key}' (first defined at {first.path}:{first.line}); rename one",
                    FIELD,
                )
            )
            continue
        result.items[kind][item_key] = item
        result.origins[(kind, item_key)] = Origin(path, line, location)


PARTLY_CHECKED = (model.Item, model.Lever, model.Audience)
"""Models whose references are checked even when another of their fields is wrong."""


@dataclass(frozen=True)
class Partial:
    """An item that failed validation, built of the fields that are valid on their own, so that
    the ids those fields name are checked in the same run as its other mistakes."""

    kind: str
    item: model.Model
    """Holds only the fields named in `valid`: reading any other is a bug."""
    valid: frozenset[str]
    origin: Origin


def _partial(
    kind: str, item_model: type[model.Model], entry: dict[str, Any], error: ValidationError, origin: Origin
) -> Partial:
    wrong = {detail["loc"][0] for detail in error.errors(include_url=False) if detail["loc"]}
    values = {}
    for name, value in entry.items():
        if name in item_model.model_fields and name not in wrong:
            try:
                values[name] = _field_adapter(item_model, name).validate_python(value)
            except ValidationError:  # valid only with another field (a model's own check)
                continue
    return Partial(kind, item_model.model_construct(**values), frozenset(values), origin)


@functools.cache
def _field_adapter(item_model: type[model.Model], name: str) -> TypeAdapter[Any]:
    """Validates one field of `item_model` on its own."""
    info = item_model.model_fields[name]
    annotation: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    return TypeAdapter(annotation)


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a truth value (YAML reads yes, no, on, off, true and false so)"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"the {type(value).__name__} {value}"


def _diagnostics(
    error: ValidationError, document: YamlDocument, base: Location, item_model: type[model.Model]
) -> list[Diagnostic]:
    details = error.errors(include_url=False)
    hints = {
        detail["loc"]: _close_field(item_model, detail["loc"], document.data, base)
        for detail in details
        if detail["type"] == "extra_forbidden"
    }
    # A misspelt field is missing too; its unknown-field message already
    # names it, so a second message would report one mistake twice.
    misspelt = {(*loc[:-1], hint) for loc, hint in hints.items() if hint}
    found = []
    for detail in details:
        if detail["type"] == "missing" and detail["loc"] in misspelt:
            continue
        location = base + tuple(detail["loc"])
        found.append(
            Diagnostic(
                document.path,
                document.line_of(location),
                _message(detail, item_model, hints.get(detail["loc"])),
                FIELD,
            )
        )
    return found


def _message(detail: ErrorDetails, item_model: type[model.Model], hint: str | None) -> str:
    """Say what is wrong in words a YAML author understands, and what to do."""
    loc = [part for part in detail["loc"] if not isinstance(part, int)]
    field_path = ".".join(loc) or "value"
    value = detail.get("input")
    kind = detail["type"]
    if kind == "missing":
        return f"missing required field '{loc[-1]}'; add it"
    if kind == "extra_forbidden":
        if hint:
            return f"unknown field '{loc[-1]}'; did you mean '{hint}'?"
        owner = _model_at(item_model, loc[:-1])
        return f"unknown field '{loc[-1]}'; allowed: {', '.join(owner.model_fields if owner else [])}"
    if value is None:
        return f"{field_path}: has no value; write one after the colon"
    if kind == "string_pattern_mismatch" and (mismatch := _pattern_message(field_path, loc[-1], value)):
        return mismatch
    if kind.startswith("date"):
        return _date_message(field_path, value, item_model, loc)
    if kind in ("less_than_equal", "greater_than_equal"):
        most = kind == "less_than_equal"
        bound = detail.get("ctx", {}).get("le" if most else "ge")
        return (
            f"{field_path}: {value} is {'more' if most else 'less'} than {bound}, the {'most' if most else 'least'} "
            f"it may be; write a {'smaller' if most else 'larger'} number"
        )
    if expected := _type_message(kind, field_path, value, item_model, loc):
        return expected
    message = detail["msg"].removeprefix("Value error, ")
    if kind == "value_error":
        return f"{field_path} {message}"
    return f"{field_path}: {message[0].lower()}{message[1:]}"


ID_FIELDS = frozenset(
    {"id", "source", "themes", "audiences", "cases", "include", "focus", "addressee", "audience", "country"}
)
"""Fields that hold ids, whose authors are shown a valid id made of what they wrote."""


def _pattern_message(field_path: str, name: str, value: Any) -> str | None:
    """What an id or a web address that does not match its pattern should look like."""
    if name in ID_FIELDS:
        example = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
        return f"{field_path}: '{value}' is not a valid id; use lower-case letters, digits and hyphens" + (
            f", e.g. '{example}'" if example else ""
        )
    if name == "url":
        return f"{field_path}: '{value}' is not a web address; it must start with http:// or https://"
    if name in ("archive", "original"):
        return (
            f"{field_path}: '{value}' is not a path inside the country folder; write it relative to the "
            "folder, with / between parts and no part starting with a dot, e.g. 'sources/<source id>.txt'"
        )
    if name.endswith("_sha256"):
        return f"{field_path}: '{value}' is not a sha256 hash; write its 64 lower-case hexadecimal digits"
    return None


def _date_message(field_path: str, value: Any, item_model: type[model.Model], loc: list[str]) -> str:
    """Whether the day is impossible or the text is no date, and how to write an approximate one."""
    if re.fullmatch(r"\d{4}-\d\d?-\d\d?", str(value)):
        return f"{field_path}: '{value}' is not a day in the calendar; check the month and the day"
    owner = _model_at(item_model, loc[:-1])
    approximate = f"{loc[-1]}_approximate"
    hint = (
        f" (with no exact day in the source, the best date it supports and {approximate}: true)"
        if owner and approximate in owner.model_fields
        else ""
    )
    return f"{field_path}: '{value}' is not a date; write it as YYYY-MM-DD{hint}"


def _type_message(kind: str, field_path: str, value: Any, item_model: type[model.Model], loc: list[str]) -> str | None:
    """What was expected where a value of another type was written, and what was found."""
    if kind == "int_type":
        return f"{field_path}: expected a whole number, found {_describe(value)}"
    if kind == "string_type":
        quote = "" if isinstance(value, list | dict) else "; put it in quotes"
        return f"{field_path}: expected text, found {_describe(value)}{quote}"
    if kind == "list_type":
        return f"{field_path}: expected a list such as [first, second], found {_describe(value)}"
    if kind == "dict_type":
        return f"{field_path}: expected 'key: value' lines, found {_describe(value)}"
    if kind == "model_type" and (owner := _model_at(item_model, loc)):
        fields = ", ".join(name for name, info in owner.model_fields.items() if info.is_required())
        return f"{field_path}: expected an entry with fields ({fields}), found {_describe(value)}"
    return None


def _close_field(item_model: type[BaseModel], loc: tuple[str | int, ...], data: Any, base: Location) -> str | None:
    """The declared field an unknown field name was probably meant to be, if any.

    Fields already written beside it are no candidates: suggesting 'passage'
    for 'page' next to a 'passage' would mislead.
    """
    names = [part for part in loc if not isinstance(part, int)]
    owner = _model_at(item_model, names[:-1])
    for part in base + tuple(loc[:-1]):
        data = data[part]
    candidates = [name for name in (owner.model_fields if owner else []) if name not in data]
    return next(iter(difflib.get_close_matches(names[-1], candidates, n=1)), None)


def _model_at(item_model: type[BaseModel], path: list[str]) -> type[BaseModel] | None:
    """The model class that owns the field at `path`, for unknown-field hints."""
    current: type[BaseModel] = item_model
    for name in path:
        field_info = current.model_fields.get(name)
        if field_info is None:
            return None
        nested = _nested_model(field_info.annotation)
        if nested is None:
            return None
        current = nested
    return current


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        if nested := _nested_model(argument):
            return nested
    return None
