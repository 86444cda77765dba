"""A checked knowledge base, kept by every input its load read.

Loading a large knowledge base validates every item, verifies every cited
passage and looks at every fact for warnings: for ten thousand facts that is
seconds, where reading back what it found last time is a fraction of one.
An entry answers a load of the same folder and country while every file the
load read gives the same bytes, every folder listing that decided which
matches the same names, and the date, the settings' environment variables
and the generator's code are the same (`store.inputs_key`).

One entry per folder and country, under `checked/`. Its payload is a line of
JSON, the inputs' key and what the load read (as a run entry records it),
then a pickle of the models themselves, loaded by an unpickler that builds
only the knowledge base's own classes, dates and paths: an entry can make
nothing run. A load that failed is never kept: its errors are found again,
every time, until they are fixed.

What a knowledge base held must not outlive it in the cache: whenever a
load is not answered from its entry, every entry holding what it reads
whose files changed (its own, and one made for no country in particular),
and every entry of a folder that is gone, is deleted first, so a person
removed from the files is removed from the cache by the next load of that
country, whatever it finds.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import pickle
from pathlib import Path
from typing import Any, ClassVar

from generator.core import run_cache
from generator.core.collector import collector_paused
from generator.core.errors import Diagnostic
from generator.core.inputs import noted
from generator.core.store import ENTRY_SUFFIX, cache_dir, discard, inputs_key, peek_label, read_entry, write_entry
from generator.kb.load import KnowledgeBase

Found = tuple[KnowledgeBase, list[Diagnostic]]
"""What a load found: the knowledge base and the warnings its authors should see."""


def recall_checked(briefs: Path, country: str | None, today: datetime.date) -> Found | None:
    """What loading `briefs` for `country` found last time, if nothing it read has changed since."""
    path = _entry_path(briefs, country)
    read = _read(path, briefs, country)
    if read is not None:
        key, seen, pickled = read
        if key == inputs_key(today) and seen.hold():
            found = _unpickled(pickled)
            if found is not None:
                # A run recording its inputs (`check`'s) read these files as surely as if this load had.
                noted(seen.files)
                return found
        discard(path)
    _prune(briefs, country)
    return None


def remember_checked(
    briefs: Path, country: str | None, today: datetime.date, seen: run_cache.RunInputs, found: Found
) -> None:
    """Keep what a load found, unless a file it read changed while it ran (it may have seen either state)."""
    if not seen.hold():
        return
    header = json.dumps({"inputs": inputs_key(today), **seen.rows()}).encode("utf-8")
    write_entry(
        _entry_path(briefs, country),
        _label(briefs, country),
        header + b"\n" + pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL),
    )


def _read(path: Path, briefs: Path, country: str | None) -> tuple[str, run_cache.RunInputs, bytes] | None:
    """An intact entry's key, record of reads and pickle; a damaged one is deleted."""
    payload = read_entry(path, _label(briefs, country))
    if payload is None:
        return None
    header, _, pickled = payload.partition(b"\n")
    try:
        rows = json.loads(header)
    except (ValueError, RecursionError):
        rows = None
    seen = run_cache.RunInputs.from_rows(rows) if isinstance(rows, dict) else None
    if seen is None or not isinstance(rows.get("inputs"), str):
        discard(path)
        return None
    return rows["inputs"], seen, pickled


def _unpickled(pickled: bytes) -> Found | None:
    try:
        with collector_paused():
            found = _KnowledgeBaseUnpickler(pickled).load()
    except Exception:  # whatever a malformed pickle raises, the entry is only rebuilt
        return None
    if not (
        type(found) is tuple
        and len(found) == 2
        and type(found[0]) is KnowledgeBase
        and type(found[1]) is list
        and all(type(warning) is Diagnostic for warning in found[1])
    ):
        return None
    return found[0], found[1]


def _prune(briefs: Path, country: str | None) -> None:
    """Delete the entries of folders that are gone, and those of `briefs` that hold what this load reads
    and whose files changed: one for no country in particular holds the country it found.

    Entries of the folder's other countries read other files, and are judged when those are loaded:
    looking at every one on every load would cost a tree of many countries time in their square.
    """
    folder = str(briefs.resolve())
    for path in (cache_dir() / "checked").glob(f"*{ENTRY_SUFFIX}"):
        label = peek_label(path)
        try:
            kind, labelled_folder, labelled_country = json.loads(label or "")
        except (ValueError, TypeError):
            discard(path)
            continue
        if kind != "checked" or not os.path.isdir(labelled_folder):
            discard(path)
        elif labelled_folder == folder and None in (country, labelled_country):
            read = _read(path, briefs, labelled_country)
            if read is not None and not read[1].hold():
                discard(path)


def _label(briefs: Path, country: str | None) -> str:
    return json.dumps(["checked", str(briefs.resolve()), country])


def _entry_path(briefs: Path, country: str | None) -> Path:
    return cache_dir() / "checked" / f"{hashlib.sha256(_label(briefs, country).encode()).hexdigest()}{ENTRY_SUFFIX}"


class _KnowledgeBaseUnpickler(pickle.Unpickler):
    """Builds the knowledge base's own classes, dates and paths, and nothing else."""

    MODULES: ClassVar[frozenset[str]] = frozenset(
        {
            "generator.kb.model",
            "generator.kb.load",
            "generator.kb.sensitivity",
            "generator.core.settings",
            "generator.core.errors",
        }
    )
    ALLOWED: ClassVar[frozenset[tuple[str, str]]] = frozenset(
        {("datetime", "date"), ("datetime", "datetime"), ("pathlib", "PosixPath"), ("pathlib", "WindowsPath")}
    )

    def __init__(self, payload: bytes) -> None:
        super().__init__(io.BytesIO(payload))

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED and module not in self.MODULES:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a knowledge base")
        found = super().find_class(module, name)
        # Classes only: a function of those modules, called by the pickle, could do anything it does.
        if not isinstance(found, type):
            raise pickle.UnpicklingError(f"{module}.{name} is not a class")
        return found
