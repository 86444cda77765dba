"""A large knowledge base for the benchmark: the bundled one with its facts multiplied.

The bundled facts stay as they are (other files refer to them); every added
fact is a bundled fact with a new id, a shifted date and a rotated theme, so
it validates like the real ones and spreads over themes and years the way a
long-lived knowledge base would.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import yaml


class _NoAliases(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Copies share their citation lists; a knowledge base writes each out."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def make_synthetic(source: Path, destination: Path, facts: int) -> Path:
    """Copy the knowledge base at `source` to `destination` with `facts` facts."""
    shutil.copytree(source, destination)
    facts_file = next(destination.glob("*/facts.yaml"))
    originals = yaml.safe_load(facts_file.read_text(encoding="utf-8"))
    themes = sorted({theme for fact in originals for theme in fact["themes"]})
    generated = list(originals)
    for index in range(facts - len(originals)):
        fact = dict(originals[index % len(originals)])
        fact["id"] = f"{fact['id']}-{index}"
        fact["as_of"] = fact["as_of"] - datetime.timedelta(days=index % 2000)
        fact["themes"] = sorted({*fact["themes"][:1], themes[index % len(themes)]})
        fact.pop("review_by", None)
        generated.append(fact)
    facts_file.write_text(
        yaml.dump(generated, Dumper=_NoAliases, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return destination
