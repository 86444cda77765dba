"""Who one copy of a briefing may not name, and which fields of the knowledge base a copy shows.

Selection, the check, the compose guard and `briefing diff` all decide with
these functions, so what `check` warns about is exactly what `generate`
leaves out or refuses.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from .brief import plain
from .kb import model
from .kb.load import KnowledgeBase
from .markup import MarkupError, parse
from .names import NameGuard

LEVELS = tuple(model.Sensitivity)

FieldPath = tuple[str | int, ...]
"""A field's position inside an item, e.g. ("wording", "uk") or ("participants", 0)."""

SHOWN_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {
    model.Fact: ("text", "wording", "lines"),
    model.Case: ("role", "charge", "article", "sentence", "restrictions", "summary", "status", "anonymised_as", "asks"),
    model.Recommendation: ("text", "asks"),
    model.Response: ("claim", "reply"),
    model.Lever: ("name", "text"),
    model.Source: ("title", "publisher", "author", "url"),
    model.Meeting: ("id", "title", "purpose", "place", "participants"),
    model.Country: ("id", "name", "local_name", "prepared_by"),
    model.Audience: ("id", "name", "full_name", "addressee"),
    model.Theme: ("label",),
}
"""The fields of each kind that some copy prints, in its text, metadata or file name.

A case's name is printed only when the person may be named; its aliases never are.
"""


def field_name(path: FieldPath) -> str:
    """How messages name a field: wording.uk, participants[1]."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")


def withheld_at(case: model.Case, level: model.Sensitivity) -> bool:
    """Whether a copy at `level` may not name the person of `case`."""
    return not case.may_name or not level.allows(case.sensitivity)


def person_label(kb: KnowledgeBase, case: model.Case) -> str:
    """How messages refer to a person who may not be named: where their case is, never their name."""
    origin = kb.origins.get(("cases", case.id))
    if origin is None:
        return f"case number {list(kb.cases).index(case.id) + 1} in cases.yaml"
    return f"the case at {Path(origin.path).name}:{origin.line}"


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


def shown_fields(item: BaseModel) -> Iterator[tuple[FieldPath, str]]:
    """Every text of `item` that a copy may print, with where it sits in the item."""
    names = SHOWN_FIELDS[type(item)]
    if isinstance(item, model.Case) and item.may_name:
        names = ("name", *names)
    for name in names:
        value = getattr(item, name)
        if isinstance(value, str):
            yield (name,), value
        elif isinstance(value, list):
            yield from (((name, index), entry) for index, entry in enumerate(value))
        elif isinstance(value, dict):
            yield from (((name, key), entry) for key, entry in value.items())


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


def text_fields(value: object, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """Every string inside a model, however deep, with where it sits: for kinds whose every
    field may be printed somewhere (a meeting record's entries reach briefings and letters)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from text_fields(getattr(value, name), (*path, name))
    elif isinstance(value, list | tuple):
        for index, entry in enumerate(value):
            yield from text_fields(entry, (*path, index))
    elif isinstance(value, dict):
        for key, entry in value.items():
            yield from text_fields(entry, (*path, key))


def entry_names_someone(entry: BaseModel, guard: NameGuard) -> str | None:
    """The label of a withheld person any text field of `entry` names, if any."""
    if not guard:
        return None
    return next(filter(None, (names_someone(value, guard) for _, value in text_fields(entry))), None)
