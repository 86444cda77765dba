"""The only module that writes to the output folder.

Files appear whole or not at all: each is written to a temporary file in the
same folder and renamed over the target, which is atomic on POSIX.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Any


TEMP_PREFIX = ".briefing-"
TEMP_SUFFIX = ".part"
MANIFEST = "manifest.json"


def output_name(date: datetime.date, country: str, audience: str, meeting: str | None, extension: str,
                recipient: str | None = None) -> str:
    """`<date>_<country>_<audience>[_<meeting>][_for-<recipient>].<ext>`: sorts by date, reads at a glance.

    A copy stamped for a recipient gets a name of its own, so stamping one
    never overwrites another's.
    """
    parts = [date.isoformat(), country, audience] + ([meeting] if meeting else [])
    if recipient:
        parts.append("for-" + _slug(recipient))
    return "_".join(parts) + f".{extension}"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "recipient"


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


def read_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """File name -> entry of `folder`'s manifest; empty when there is none or it is unreadable."""
    try:
        files = json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("files")
    except (OSError, ValueError, AttributeError):
        return {}
    return files if isinstance(files, dict) else {}


def record_in_manifest(folder: Path, entries: dict[str, dict[str, Any]]) -> Path:
    """Add or update the entries of `output/manifest.json`: what went to whom.

    Each entry is keyed by file name and carries the file's sha256, so a copy
    that comes back can be matched to what was sent.
    """
    path = folder / MANIFEST
    files = read_manifest(folder)
    files.update(entries)
    manifest = {"files": dict(sorted(files.items()))}
    write_atomic(path, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return path


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
