"""The words a reader sees that are ours rather than the knowledge base's.

One flat YAML file per language in `generator/catalogues/` (message id ->
text with `{placeholders}`), named by its BCP 47 tag: `fr.yaml` is French.
Adding a language is adding one file with the ids of `en-GB.yaml`. Renderers
and templates never hold literal words: compose looks them up here and puts
them into the Brief.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogues"


def languages() -> tuple[str, ...]:
    """The language tags a catalogue exists for, sorted."""
    return tuple(sorted(path.stem for path in CATALOGUE_DIR.glob("*.yaml")))


def message(message_id: str, language: str) -> str:
    """The words of one message in `language`; a missing id or language is a bug, not user input."""
    return messages(language)[message_id]


@functools.cache
def messages(language: str) -> dict[str, str]:
    """Every message of one language's catalogue, read once per process."""
    with (CATALOGUE_DIR / f"{language}.yaml").open(encoding="utf-8") as file:
        # libyaml where PyYAML has it: ten times faster, and every briefing reads a catalogue.
        loaded = yaml.load(file, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(loaded, dict) or not all(isinstance(v, str) for v in loaded.values()):
        raise ValueError(f"{CATALOGUE_DIR / language}.yaml: expected 'id: text' lines")
    return {str(key): value for key, value in loaded.items()}


def plural_form(language: str, count: int) -> str:
    """The CLDR plural category of `count` in `language` ("one", "few", "many", "other"), which names the
    form of a counted message: `frame.check-before.few`."""
    from babel import Locale

    form: str = Locale.parse(language.replace("-", "_")).plural_form(count)
    return form


def split_placeholders(text: str) -> list[tuple[str, str | None]]:
    """A message as (literal text, placeholder name or None) pieces, for renderers that fill
    placeholders with something other than text, such as page-number fields."""
    pieces: list[tuple[str, str | None]] = []
    for literal, name in re.findall(r"([^{]*)(?:\{([a-z_]+)\}|$)", text):
        if literal or name:
            pieces.append((literal, name or None))
    return pieces
