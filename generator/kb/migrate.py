"""`briefing migrate`: rewrite a knowledge base from the single-country layout into one folder per country.

The old layout kept each audience's levers (written about one country) in
its audience file, a `salutation:` nobody read, and every meeting in a shared
`meetings/` folder. The new one keeps in `audiences/` only what is true of an
audience everywhere, and moves levers to `<country>/levers/<audience>.yaml`
and meetings to `<country>/meetings/`. Files are edited by ruamel.yaml's
round trip, so comments, quoting and folded text stay as written.

A source used to name its text by `document:`, a file kept outside the
knowledge base; now its text is archived in `<country>/sources/<id>.txt` and
named by `archive:` with its sha256. A document already copied into
`<country>/sources/` under its old name is renamed and hashed; one that is
not there is dropped, and `check` warns that its passages go unverified until
its text is archived.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.core.errors import UsageError
from generator.kb.layout import country_dirs, meeting_files

SCHEMA_COMMENT = re.compile(r"^(# yaml-language-server: \$schema=)(\S*/)?schemas/", re.MULTILINE)


@dataclass(frozen=True)
class Step:
    """One change to the tree: what it does in words, the files it writes and the files it removes."""

    description: str
    creates: dict[Path, str]
    rewrites: dict[Path, str]
    removes: tuple[Path, ...] = ()
    moves: dict[Path, Path] = field(default_factory=dict)
    """Files renamed as they are, byte for byte: an archived text must keep the hash recorded for it."""


def plan(briefs: Path) -> list[Step]:
    """Every step that brings `briefs` into the current layout; none when it is there already."""
    if not briefs.is_dir():
        raise UsageError(f"{briefs}: no such knowledge-base folder")
    countries = [folder.name for folder in country_dirs(briefs)]
    steps = [
        step
        for path in sorted((briefs / "audiences").glob("*.y*ml"))
        if (step := _audience_step(briefs, path, countries))
    ]
    steps += [_meeting_step(briefs, path, countries) for path in _old_meetings(briefs)]
    steps += [step for country in countries if (step := _sources_step(briefs, briefs / country))]
    _refuse_overwrites(briefs, steps)
    return steps


def apply(steps: list[Step]) -> None:
    """Write every new file, then rewrite or remove the old ones; a plan is checked before any of it."""
    for step in steps:
        for path, target in step.moves.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        for path, text in {**step.creates, **step.rewrites}.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for path in step.removes:
            path.unlink()
    emptied = {path.parent for step in steps for path in step.removes}
    for folder in emptied:
        if not any(folder.iterdir()):
            folder.rmdir()


def _yaml(*, list_file: bool = False) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never rewrap a line the author wrapped
    if list_file:
        # A country's list files start each entry at the margin, as they are written.
        yaml.indent(mapping=2, sequence=2, offset=0)
    else:
        yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _load(path: Path) -> Any:
    try:
        return _yaml().load(path.read_text(encoding="utf-8"))
    except Exception as error:  # ruamel's errors share no useful base class
        raise UsageError(
            f"{path}:1: cannot be migrated until it reads as YAML ({type(error).__name__}); run 'briefing check'"
        ) from None


def _dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def _audience_step(briefs: Path, path: Path, countries: list[str]) -> Step | None:
    data = _load(path)
    if not isinstance(data, dict) or not ("levers" in data or "salutation" in data):
        return None
    creates: dict[Path, str] = {}
    done = []
    if "levers" in data:
        country = _only_country(path, countries, "its levers")
        audience = data["id"] if isinstance(data.get("id"), str) else path.stem
        target = briefs / country / "levers" / f"{audience}.yaml"
        creates[target] = _levers_file(data.pop("levers"))
        done.append(f"move its levers to {target.relative_to(briefs)}")
    if "salutation" in data:
        data.pop("salutation")
        done.append("drop salutation")
    return Step(f"{path.relative_to(briefs)}: {' and '.join(done)}", creates, {path: _dump(data)})


def _levers_file(levers: Any) -> str:
    # ruamel indents a top-level list like a nested one; a file of its own starts at the margin.
    body = textwrap.dedent(_dump(levers))
    return "# yaml-language-server: $schema=../../../schemas/levers.schema.json\n" + body


def _old_meetings(briefs: Path) -> list[Path]:
    return meeting_files(briefs / "meetings")


def _meeting_step(briefs: Path, path: Path, countries: list[str]) -> Step:
    from ruamel.yaml.comments import CommentedMap

    data = _load(path)
    named = data.get("country") if isinstance(data, dict) else None
    country = named if isinstance(named, str) and named in countries else _only_country(path, countries, "it")
    added = ""
    if isinstance(data, CommentedMap) and named is None:
        data.insert(1 if "id" in data else 0, "country", country)
        added = f", adding country: {country}"
    text = SCHEMA_COMMENT.sub(r"\1../../../schemas/", _dump(data))
    target = briefs / country / "meetings" / path.name
    return Step(f"{path.relative_to(briefs)}: move to {target.relative_to(briefs)}{added}", {target: text}, {}, (path,))


def _sources_step(briefs: Path, folder: Path) -> Step | None:
    """Each source naming its text by `document:` gets `archive:` instead, when the text is in sources/."""
    from ruamel.yaml.comments import CommentedMap

    path = folder / "sources.yaml"
    if not path.is_file():
        return None
    data = _load(path)
    entries = [entry for entry in data if isinstance(entry, CommentedMap)] if isinstance(data, list) else []
    done: list[str] = []
    moves: dict[Path, Path] = {}
    for entry in entries:
        if "document" not in entry:
            continue
        position = list(entry).index("document")
        document = str(entry.pop("document"))
        source_id = str(entry.get("id", ""))
        found = folder / "sources" / document
        if not (re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", source_id) and "/" not in document and found.is_file()):
            done.append(f"drop document: {document} of '{source_id}', not found in {folder.name}/sources/")
            continue
        target = found.with_name(source_id + found.suffix)
        if target != found:
            moves[found] = target
        archive = target.relative_to(folder).as_posix()
        entry.insert(position, "archive", archive)
        entry.insert(position + 1, "archive_sha256", hashlib.sha256(found.read_bytes()).hexdigest())
        done.append(f"archive '{source_id}' as {archive}")
    if not done:
        return None
    out = io.StringIO()
    _yaml(list_file=True).dump(data, out)
    return Step(f"{path.relative_to(briefs)}: {'; '.join(done)}", {}, {path: out.getvalue()}, moves=moves)


def _only_country(path: Path, countries: list[str], what: str) -> str:
    """The country an old-layout file belongs to: the one country of the tree."""
    if len(countries) == 1:
        return countries[0]
    found = ", ".join(countries) or "none"
    raise UsageError(
        f"{path}:1: cannot tell which country {what} belongs to (countries: {found}); "
        "move it into that country's folder by hand"
    )


def _refuse_overwrites(briefs: Path, steps: list[Step]) -> None:
    taken = [path for step in steps for path in (*step.creates, *step.moves.values()) if path.exists()]
    if taken:
        names = ", ".join(str(path) for path in taken)
        raise UsageError(f"{briefs}: migrate never overwrites a file, and these exist already: {names}")
