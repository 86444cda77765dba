"""What a build did with each document, and the one way a finished document is published into it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.core.errors import CopyRefused, WriteFailure
from generator.publish import manifest
from generator.publish.publisher import Publisher


@dataclass
class Outcome:
    """What a build did with each document."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    """Documents whose inputs had not changed since they were written, left alone."""
    failed: list[tuple[Path, str]] = field(default_factory=list)
    sha256: dict[Path, str] = field(default_factory=dict)
    """Of every file written or left unchanged, as recorded in the manifest."""
    stopped: WriteFailure | None = None
    """The file the disk refused (full, no permission); the build stopped there, all before it recorded."""
    cut: dict[Path, tuple[str, ...]] = field(default_factory=dict)
    """What fitting left out of each briefing rendered, by its first file, when it left anything out."""
    refused_copies: dict[Path, tuple[int, Path]] = field(default_factory=dict)
    """Stamped copies the finished-file guard refused, as messages name them: their copy number and the
    unstamped briefing's file. Their own names spell the recipient's, which may be why they were refused."""


def publish(publisher: Publisher, path: Path, result: bytes | str, entry: manifest.Entry, outcome: Outcome) -> None:
    """Write a finished document and record it in `outcome`; `result` is its bytes, or why it may not be written.

    Raises WriteFailure when the disk refuses it.
    """
    if isinstance(result, str):
        outcome.failed.append((path, result))
        return
    try:
        outcome.sha256[path] = publisher.publish(path.name, result, entry)
    except CopyRefused as refusal:
        outcome.failed.append((path, str(refusal)))
        return
    outcome.written.append(path)
