"""Knowledge-base files written whole or not at all.

A file an author keeps (sources.yaml, an archived source) is written to a
temporary beside it and renamed over it, so an interrupted write leaves the
old file or the new one, never half of either. The output folder has its own
writer with run locks (`publish.atomic`); this one serves the stages before
it, which may not import publish.

Standard library only.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, content: bytes) -> None:
    """Replace or create `path` with `content`, with the permissions a new file gets here."""
    _write(path, content, replace=True)


def write_new(path: Path, content: bytes) -> None:
    """Create `path` with `content`; raise FileExistsError, leaving it as it is, if it exists.

    A hard link fails where a file is, so one written meanwhile by someone
    else is never replaced, and the new file appears whole.
    """
    _write(path, content, replace=False)


def _write(path: Path, content: bytes, *, replace: bool) -> None:
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp creates 0600; an author's file should read like the others they create.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
