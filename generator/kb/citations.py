"""Every citation an item holds, however deep, with the path of fields that leads to it.

Found by walking the model rather than from a list of the fields that cite
(an item's sources, a response's claim sources, a meeting's positions), so a
field that cites added later is checked and recorded like the others.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from generator.kb.model import Citation
from generator.kb.yamlfile import Location


def citations_in(value: object, path: Location = ()) -> Iterator[tuple[Location, Citation]]:
    """Each citation inside `value`, with its location below `path` as the YAML file writes it."""
    if isinstance(value, Citation):
        yield path, value
    elif isinstance(value, BaseModel):
        for name, written in _holding_models(type(value)):
            yield from citations_in(getattr(value, name), (*path, written))
    elif isinstance(value, list | tuple):
        for index, entry in enumerate(value):
            yield from citations_in(entry, (*path, index))
    elif isinstance(value, dict):
        for key, entry in value.items():
            yield from citations_in(entry, (*path, key))


@functools.cache
def _holding_models(model: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """The fields of `model` that can hold a model, so a citation, with their names as written: text, dates
    and numbers are never walked."""
    return tuple(
        (name, info.alias or name) for name, info in model.model_fields.items() if _mentions_model(info.annotation)
    )


def _mentions_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_mentions_model(argument) for argument in getattr(annotation, "__args__", ()))
