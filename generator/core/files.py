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
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
