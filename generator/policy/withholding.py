"""Who one copy of a briefing may not name, which fields of the knowledge base a copy shows,
and messages that never spell a name.

Selection, the check, the compose guard and `briefing diff` all decide with
these functions, so what `check` warns about is exactly what `generate`
leaves out or refuses.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel

from generator.core.errors import Diagnostic
from generator.core.inputs import ReadRefused, read_input
from generator.kb import model
from generator.kb.layout import ITEM_KINDS
from generator.kb.load import LEVERS, KnowledgeBase, LoadResult, Origin
from generator.kb.yamlfile import Location, YamlDocument
from generator.text.markup import MarkupError, parse
from generator.text.name_matching import NameGuard
from generator.text.rich import plain

LEVELS = tuple(model.Sensitivity)

FieldPath = tuple[str | int, ...]
"""A field's position inside an item, e.g. ("wording", "uk") or ("participants", 0)."""


def field_name(path: FieldPath) -> str:
    """How messages name a field: wording.uk, participants[1]."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")


def withheld_at(case: model.Case, level: model.Sensitivity) -> bool:
    """Whether a copy at `level` may not name the person of `case`."""
    return not case.may_name or not level.allows(case.sensitivity)


def case_label(path: Path, line: int) -> str:
    return f"the case at {path.name}:{line}"


def person_label(kb: KnowledgeBase, case: model.Case) -> str:
    """How messages refer to a person who may not be named: where their case is, never their name."""
    origin = kb.origins.get(("cases", case.id))
    if origin is None:
        return f"case number {list(kb.cases).index(case.id) + 1} in cases.yaml"
    return case_label(origin.path, origin.line)


def name_guard(kb: KnowledgeBase, level: model.Sensitivity) -> NameGuard:
    """The matcher for everyone a copy at `level` may not name."""
    withheld: dict[str, list[str]] = {}
    shown: list[str] = []
    for case in kb.cases.values():
        if withheld_at(case, level):
            withheld.setdefault(person_label(kb, case), []).extend((case.name, *case.aliases))
        else:
            shown.append(case.name)
    return NameGuard(withheld, shown)


Held = type[str] | type[BaseModel]
"""What a field holds, in lists and maps too: text, or entries of a model."""


@functools.cache
def printed_fields(kind: type[BaseModel]) -> dict[str, Held]:
    """The fields of `kind` that some copy may print, found from the model's declarations: every
    field holding text or entries, but those the model declares `NOT_PRINTED`. Choices from a
    fixed list (Literal), levels, dates, numbers and flags hold no one's name."""
    not_printed = kind.NOT_PRINTED if issubclass(kind, model.Model) else frozenset()
    found = {}
    for name, info in kind.model_fields.items():
        held = _held(info.annotation)
        if held is not None and name not in not_printed:
            found[name] = held
    return found


def _held(annotation: object) -> Held | None:
    if annotation is str:
        return str
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin, arguments = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return None
    if origin is Annotated:
        return _held(arguments[0])
    if origin is dict:
        return _held(arguments[1])
    # A list, or a union such as `Text | None`: what its members hold.
    for argument in arguments:
        if held := _held(argument):
            return held
    return None


def entries_shown_alone(kind: type[BaseModel]) -> frozenset[str]:
    """The fields of `kind` whose entries each carry a sensitivity of their own (a meeting's
    attendees, positions and commitments): a copy shows or leaves out each entry on its own,
    by its level and by whether it names someone, rather than refusing the whole."""
    return frozenset(
        name
        for name, held in printed_fields(kind).items()
        if issubclass(held, BaseModel) and "sensitivity" in held.model_fields
    )


def shown_fields(item: BaseModel, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """Every text of `item` that a copy may print, however deep, with where it sits in the item.

    A case's name is printed only when the person may be named.
    """
    for name in printed_fields(type(item)):
        if name == "name" and isinstance(item, model.Case) and not item.may_name:
            continue
        yield from _texts(getattr(item, name), (*path, name))


def _texts(value: object, path: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        yield from shown_fields(value, path)
    elif isinstance(value, list):
        for index, entry in enumerate(value):
            yield from _texts(entry, (*path, index))
    elif isinstance(value, dict):
        for key, entry in value.items():
            yield from _texts(entry, (*path, key))


def readings(value: str) -> list[str]:
    """What a copy may print of `value`: as typed, and as shown once *emphasis* and link markup
    are taken apart, each link's target on its own."""
    if "*" not in value and "](" not in value:
        return [value]
    try:
        spans = parse(value)
    except MarkupError:
        return [value]
    return [value, plain(spans), *(span.href for span in spans if span.href)]


def names_someone(value: str, guard: NameGuard) -> str | None:
    """The label of a withheld person `value` names, as typed or as shown."""
    return next(filter(None, (guard.find(reading) for reading in readings(value))), None)


def naming_field(item: BaseModel, guard: NameGuard) -> tuple[FieldPath, str] | None:
    """The first field of `item` that names someone `guard` looks for, and who."""
    if not guard:
        return None
    for path, value in shown_fields(item):
        if label := names_someone(value, guard):
            return path, label
    return None


def citable(source: model.Source, level: model.Sensitivity, guard: NameGuard) -> bool:
    """Whether a copy may cite `source`: within its level, and its reference names no one withheld."""
    return level.allows(source.sensitivity) and naming_field(source, guard) is None


def entry_names_someone(entry: BaseModel, guard: NameGuard) -> str | None:
    """The label of a withheld person a field of `entry` that a copy may print names, if any."""
    found = naming_field(entry, guard)
    return found[1] if found else None


ITEM_NOUNS = {kind: kind.removesuffix("s") for kind in ITEM_KINDS}
KIND_NOUNS = {
    **ITEM_NOUNS,
    "sources": "source",
    "themes": "theme",
    "audiences": "audience",
    "meetings": "meeting",
    "country": "country",
}

# Messages: what `check`, loading and `generate` report goes to terminals, CI logs and the
# preview page, none of which carries a distribution level. So a message names no one a
# public copy may not name: not a case with `may_name: false`, nor one above public.

WITHHELD = "[name withheld]"
"""What a message prints in place of text that names a person who may not be named."""

ITS_ID = ("its id", "; rename the id and every reference to it")


class Unnamed:
    """Rewrites messages so that none spells the name of a person a public copy may not name.

    Text such a message would print is replaced by WITHHELD, and the message says what it stands
    for: the item's id, the id of another item (by its file and line), or the field name or value
    written at the message's line; what to fix stays as the message said it.
    """

    def __init__(
        self,
        guard: NameGuard,
        origins: Mapping[tuple[str, str], Origin],
        documents: Iterable[YamlDocument] = (),
    ) -> None:
        self.guard = guard
        self.ids: dict[str, list[tuple[str, Origin]]] = {}
        for (kind, item_id), origin in origins.items():
            if kind != "records":  # a record's key is its meeting's id, defined in the meeting file
                self.ids.setdefault(item_id, []).append((kind, origin))
        self.documents: dict[Path, list[YamlDocument]] = {}
        for document in documents:
            self.documents.setdefault(document.path, []).append(document)
        self._by_line: dict[int, dict[int, list[Location]]] = {}
        """id of a document -> line -> the locations written on it; built when first needed."""

    def __call__(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        if not self.guard:
            return list(diagnostics)
        return [self._unnamed(diagnostic) for diagnostic in diagnostics]

    def _unnamed(self, diagnostic: Diagnostic) -> Diagnostic:
        label = self.guard.find(diagnostic.message)
        if label is None:
            return diagnostic
        message = diagnostic.message
        said: dict[str, None] = {}
        for text, what in self._written(diagnostic):
            pattern = re.compile(rf"'{re.escape(text)}'|(?<!\w){re.escape(text)}(?!\w)")
            if pattern.search(message) and (who := self.guard.find(text)):
                message = pattern.sub(WITHHELD, message)
                said[f"{what[0]} names a person who may not be named ({who}){what[1]}"] = None
        # Whatever else spells the name (a path, a suggested spelling), word by word.
        words = re.split(r"(\s+)", message)
        for index, word in enumerate(words):
            if word.strip() and WITHHELD not in word and (who := self.guard.find(word)):
                words[index] = WITHHELD
                said[f"the text left out names a person who may not be named ({who})"] = None
        message = "".join(words)
        warning = "warning: " if diagnostic.message.startswith("warning:") else ""
        if self.guard.find(message.replace(WITHHELD, " ")) or not said:
            # The name is spread over several words; no part of the message can be kept.
            return diagnostic._replace(
                message=f"{warning}this line holds text that names a person who may not be named ({label}), "
                "and the message about it would repeat that text; reword it"
            )
        return diagnostic._replace(message=f"{message} ({WITHHELD}: {'; '.join(said)})")

    def _written(self, diagnostic: Diagnostic) -> list[tuple[str, tuple[str, str]]]:
        """What the message may have quoted, longest first, each with what it is and what to do:
        the id of the item at its line, ids of other items, field names and values at its line."""
        found: dict[str, tuple[int, str, str]] = {}

        def note(text: str, rank: int, what: str, advice: str = "") -> None:
            if text not in found or rank < found[text][0]:
                found[text] = (rank, what, advice)

        for document in self.documents.get(diagnostic.path, ()):
            for location in self._at_line(document, diagnostic.line):
                value = _value_at(document.data, location)
                key = location[-1] if location else None
                if isinstance(value, str):
                    note(value, *((0, *ITS_ID) if key == "id" else (2, "the value at this line")))
                if isinstance(key, str):
                    note(key, 3, "the field name at this line")
        for word in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", diagnostic.message):
            for kind, origin in self.ids.get(word, ()):
                if (origin.path, origin.line) == (diagnostic.path, diagnostic.line):
                    note(word, 0, *ITS_ID)
                noun = "lever" if kind.startswith(LEVERS) else KIND_NOUNS.get(kind, "item")
                where = f"the id of the {noun} at {origin.path.name}:{origin.line}"
                note(word, 1, where, "; rename that id and every reference to it")
        ordered = sorted(found.items(), key=lambda entry: -len(entry[0]))
        return [(text, (what, advice)) for text, (_, what, advice) in ordered]

    def _at_line(self, document: YamlDocument, line: int) -> list[Location]:
        if (by_line := self._by_line.get(id(document))) is None:
            by_line = self._by_line[id(document)] = {}
            for location, at in document.lines.items():
                by_line.setdefault(at, []).append(location)
        return by_line.get(line, [])


def _value_at(data: Any, location: Location) -> Any:
    """The value at `location` in a document's data: every location its `lines` hold is there."""
    for part in location:
        data = data[part]
    return data


def unnamed(
    kb: KnowledgeBase, diagnostics: Iterable[Diagnostic], documents: Iterable[YamlDocument] = ()
) -> list[Diagnostic]:
    """`diagnostics` about a loaded knowledge base (and `documents` read beside it), spelling no
    name a public copy may not print."""
    return Unnamed(name_guard(kb, model.Sensitivity.PUBLIC), kb.origins, documents)(diagnostics)


def unnamed_on_load(result: LoadResult) -> Unnamed:
    """The rewriting of messages about what loading read, valid or not: names come from the case
    files as written, so a case that failed validation, or a cases file that is not YAML at
    all, still keeps its name out of every message."""
    withheld: dict[str, list[str]] = {}
    shown: list[str] = []
    for document in result.documents.get("cases", []):
        entries = document.data if isinstance(document.data, list) else []
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            name, aliases = entry.get("name"), entry.get("aliases")
            written = (name, *(aliases if isinstance(aliases, list) else [aliases]))
            names = [text for text in written if isinstance(text, str)]
            if entry.get("may_name") is True and entry.get("sensitivity", "public") == "public":
                shown += [name] if isinstance(name, str) else []
            elif names:
                withheld.setdefault(case_label(document.path, document.line_of((index,))), []).extend(names)
    for path, within in result.unparsed.get("cases", []):
        for label, names in _names_in_unparsed(path, within).items():
            withheld.setdefault(label, []).extend(names)
    documents = [document for documents in result.documents.values() for document in documents]
    return Unnamed(NameGuard(withheld, shown), result.origins, documents)


_NAME_LINE = re.compile(r"^[ \t-]*(name|aliases)[ \t]*:[ \t]*(.*?)[ \t]*$")
_LIST_ENTRY = re.compile(r"^[ \t]*-[ \t]+([^:#]+?)[ \t]*$")


def _names_in_unparsed(path: Path, within: Path | None) -> dict[str, list[str]]:
    """Every name and alias written in a cases file that is not valid YAML, by the line of its case.

    Whether each may be named cannot be read reliably, so each counts as one who may not.
    """
    try:
        text = read_input(path, within).decode("utf-8", "replace")
    except (ReadRefused, OSError):
        return {}
    found: dict[str, list[str]] = {}
    label, in_aliases = case_label(path, 1), False
    for number, line in enumerate(text.splitlines(), start=1):
        if in_aliases and (entry := _LIST_ENTRY.match(line)):
            found.setdefault(label, []).append(entry[1].strip("'\""))
            continue
        in_aliases = False
        if match := _NAME_LINE.match(line):
            key, value = match.groups()
            if key == "name":
                label = case_label(path, number)
            in_aliases = key == "aliases" and not value
            parts = value.strip("[]").split(",") if key == "aliases" else [value]
            found.setdefault(label, []).extend(part.strip().strip("'\"") for part in parts if part.strip())
    return found
