"""The only module that writes to the output folder.

Files appear whole or not at all: each is written to a temporary file in the
same folder and renamed over the target, which is atomic on POSIX.
"""

from __future__ import annotations

import datetime
import os
import tempfile
from pathlib import Path

TEMP_PREFIX = ".briefing-"
TEMP_SUFFIX = ".part"


def output_name(date: datetime.date, country: str, audience: str, meeting: str | None, extension: str) -> str:
    """`<date>_<country>_<audience>[_<meeting>].<ext>`: sorts by date, reads at a glance."""
    parts = [date.isoformat(), country, audience] + ([meeting] if meeting else [])
    return "_".join(parts) + f".{extension}"


def write_atomic(path: Path, content: bytes) -> None:
    """Replace `path` with `content` so that no reader ever sees a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_leftovers(folder: Path) -> None:
    """Delete temporary files a killed run may have left behind."""
    if folder.is_dir():
        for leftover in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
            leftover.unlink(missing_ok=True)
