"""What each YAML file parsed into, keyed by its bytes and the generator's code.

Parsed entries whose file no longer exists are deleted whenever a knowledge
base is loaded.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import pickle
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar

from generator.core.store import ENTRY_SUFFIX, cache_dir, code_digest, discard, peek_label, read_entry, write_entry


def recall_parsed(real_path: str, content_sha256: str) -> tuple[Any, dict[Any, int]] | None:
    """What the YAML file at `real_path` parsed into, if it held exactly these bytes then."""
    path = _parsed_path(real_path)
    payload = read_entry(path, real_path)
    if payload is None:
        return None
    try:
        entry = _PlainUnpickler(payload).load()
    except Exception:  # whatever a malformed pickle raises, the entry is only rebuilt
        entry = None
    if not _is_parsed_entry(entry):
        discard(path)
        return None
    key, data, lines = entry
    if key != _parsed_key(content_sha256):
        discard(path)
        return None
    return data, lines


def remember_parsed(real_path: str, content_sha256: str, data: Any, lines: dict[Any, int]) -> None:
    payload = pickle.dumps((_parsed_key(content_sha256), data, lines), protocol=pickle.HIGHEST_PROTOCOL)
    write_entry(_parsed_path(real_path), real_path, payload)


def prune_parsed() -> None:
    """Delete parsed entries of files that no longer exist, and files of older cache layouts."""
    for legacy in (*cache_dir().glob("*.json"), *(cache_dir() / "parsed").glob("*.pickle")):
        discard(legacy)
    for path in (cache_dir() / "parsed").glob(f"*{ENTRY_SUFFIX}"):
        label = peek_label(path)
        if label is None or not os.path.exists(label):
            discard(path)


def _parsed_key(content_sha256: str) -> str:
    return hashlib.sha256(f"{code_digest()}\0{content_sha256}".encode()).hexdigest()


def _parsed_path(real_path: str) -> Path:
    return cache_dir() / "parsed" / f"{hashlib.sha256(real_path.encode()).hexdigest()}{ENTRY_SUFFIX}"


class _PlainUnpickler(pickle.Unpickler):
    """Builds only what YAML gives: containers, scalars and dates; never runs code."""

    ALLOWED: ClassVar[frozenset[tuple[str, str]]] = frozenset(
        {("datetime", "date"), ("datetime", "datetime"), ("datetime", "timedelta"), ("datetime", "timezone")}
    )

    def __init__(self, payload: bytes) -> None:
        super().__init__(io.BytesIO(payload))

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not plain data")
        return super().find_class(module, name)


_SCALARS = frozenset({str, int, float, bool, type(None), date, datetime})


def _is_parsed_entry(entry: Any) -> bool:
    if not (type(entry) is tuple and len(entry) == 3 and type(entry[0]) is str):
        return False
    _, data, lines = entry
    return _is_plain(data) and type(lines) is dict and _are_lines(lines)


def _is_plain(data: Any) -> bool:
    """Data made only of what `yamlfile` builds: mappings with text keys, lists and scalars."""
    pending = [data]
    while pending:
        value = pending.pop()
        kind = type(value)
        if kind is dict:
            for key in value:
                if type(key) is not str:
                    return False
            pending.extend(value.values())
        elif kind is list:
            pending.extend(value)
        elif kind not in _SCALARS:
            return False
    return True


def _are_lines(lines: dict[Any, Any]) -> bool:
    """Locations (tuples of keys and indices) mapped to line numbers; checked in bulk, it costs little."""
    return (
        set(map(type, lines.values())) <= {int}
        and set(map(type, lines)) <= {tuple}
        and set(map(type, itertools.chain.from_iterable(lines))) <= {str, int}
    )
