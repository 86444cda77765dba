"""Briefings that tests in several modules only read, composed and rendered once for the whole run.

Fitting a briefing of the bundled knowledge base to its pages takes seconds,
and the page-limit, currency and end-to-end tests read the same briefings.
The first test to ask composes one; every other test of the run, in any
worker, reads it from a folder the workers share, under a lock that makes
the others wait for the first.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from filelock import FileLock

from generator import api
from generator.build.files import plan
from generator.compose.brief import Brief
from generator.kb.load import KnowledgeBase


@functools.cache
def _digest(folder: Path) -> str:
    """Every file under `folder`, by name and content: what a briefing is composed from."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(f"{path.relative_to(folder)}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@functools.cache
def _knowledge_base(briefs: Path, today: datetime.date) -> KnowledgeBase:
    return api.load_knowledge_base(briefs, today=today).kb


class Built:
    """Briefings by knowledge-base folder, day and request, kept in `folder` for the run."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def brief(self, briefs: Path, today: datetime.date, request: api.Request) -> Brief:
        """The briefing `compose_brief` gives for `request` on the knowledge base in `briefs` as of `today`."""
        return self._kept(
            (briefs, today, request, "brief"),
            lambda: api.compose_brief(_knowledge_base(briefs, today), request),
        )

    def file(self, briefs: Path, today: datetime.date, request: api.Request, output_format: api.Format) -> bytes:
        """That briefing as `render` writes it in `output_format`."""
        return self._kept(
            (briefs, today, request, output_format),
            lambda: api.render(self.brief(briefs, today, request), output_format),
        )

    def write(
        self, briefs: Path, today: datetime.date, request: api.Request, output_format: api.Format, folder: Path
    ) -> Path:
        """That file written into `folder` as `generate` names it, once the same finished-file guard has read it."""
        document = plan(_knowledge_base(briefs, today), request, (output_format,)).files[output_format]
        path = folder / document.name
        path.write_bytes(document.finished(self.file(briefs, today, request, output_format)))
        return path

    def _kept(self, what: tuple[Path, datetime.date, api.Request, str], make: Callable[[], Any]) -> Any:
        briefs, today, request, kind = what
        name = hashlib.sha256(f"{_digest(briefs)}\0{today}\0{request!r}\0{kind}".encode()).hexdigest()[:32]
        path = self.folder / f"{name}.pickle"
        with FileLock(f"{path}.lock"):
            if path.exists():
                return pickle.loads(path.read_bytes())
            made = make()
            temporary = path.with_suffix(".part")
            temporary.write_bytes(pickle.dumps(made))
            os.replace(temporary, path)
            return made
