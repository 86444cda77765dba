"""Content-hash caches that let an unchanged build finish without rendering.

Two levels. A *run* cache remembers, per command line and inputs, what the
last run printed or wrote; when no input file changed, the command answers
from it without parsing YAML or importing the renderers. A *document* key,
kept in the output manifest, names everything one document depends on (its
Brief, the templates and fonts, the generator's version), so a build after an
edit re-renders only the documents the edit reached. Content hashes, never
timestamps: a touched file that did not change costs nothing.

This module stays light (standard library only) because it runs first.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import TEMPLATES_DIR, __version__


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "briefing"


def tree_digest(folders: Iterable[Path], suffixes: tuple[str, ...] | None = None) -> str:
    """A hash of every file's relative name and bytes under `folders`."""
    digest = hashlib.sha256(__version__.encode())
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and (suffixes is None or path.suffix in suffixes):
                digest.update(f"\0{path.relative_to(folder).as_posix()}\0".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def templates_digest() -> str:
    """The shipped templates, fonts and reference document, hashed once per process."""
    return tree_digest([TEMPLATES_DIR])


def document_key(brief_repr: str, output_format: str, templates: str) -> str:
    """Everything one document depends on; equal keys mean equal bytes."""
    return hashlib.sha256(f"{__version__}\0{output_format}\0{templates}\0{brief_repr}".encode()).hexdigest()


def run_key(*parts: object) -> str:
    return hashlib.sha256("\0".join(map(str, (__version__, *parts))).encode()).hexdigest()


def recall(key: str) -> dict[str, Any] | None:
    try:
        return json.loads((cache_dir() / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def remember(key: str, value: dict[str, Any]) -> None:
    """Store a run's result."""
    _write_quietly(cache_dir() / f"{key}.json", json.dumps(value).encode("utf-8"))


def _write_quietly(path: Path, content: bytes) -> None:
    """Write a cache entry whole or not at all; a cache that cannot be written only costs speed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(content)
        os.replace(temporary, path)
    except OSError:
        pass


def file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _parsed_path(content_sha256: str) -> Path:
    return cache_dir() / "parsed" / f"{run_key(content_sha256)}.pickle"


def recall_parsed(content_sha256: str) -> Any | None:
    """What a YAML file with exactly these bytes parsed into last time, if it parsed.

    Pickle is safe here for the reason Python's own bytecode cache is: the
    cache lives in the user's own cache folder, as trusted as their home.
    """
    try:
        return pickle.loads(_parsed_path(content_sha256).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        return None


def remember_parsed(content_sha256: str, value: Any) -> None:
    _write_quietly(_parsed_path(content_sha256), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
