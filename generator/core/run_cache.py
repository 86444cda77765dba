"""Run entries: what the last run of one command line printed or wrote, and every input it read.

An entry holds every file the run's load read and every folder listing that
decided which (see `recording`); while each of those files reads as it did
and each listing is the same, the command answers from it without parsing
YAML or importing the renderers.

A run's payload is {"inputs": key, "files": [[path, within, limit, real
path, sha256 or why unread], ...], "listings": [[folder, pattern, sha256 of
the names it matched], ...], "result": what the run printed or wrote}. A new
result overwrites its entry, and a stale one is deleted when it is looked
up, so the cache holds no more than the inputs still hold.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.core.inputs import Outcome, Read, outcome_now
from generator.core.inputs import recording as recording_reads
from generator.core.store import ENTRY_SUFFIX, cache_dir, discard, read_json_entry, write_entry

Listing = tuple[str, str]
"""A folder and a glob pattern the loader lists it with."""


class RunInputs:
    """What loading a knowledge base looked at: every file it read and every listing that decided which.

    A run's answer stands while each file reads as it did (the same real path
    and bytes, or refused alike) and each listing matches the same names, so
    an edit, a retargeted link and a file that appeared or went are all seen.
    """

    def __init__(self, files: dict[Read, Outcome], listings: dict[Listing, str]) -> None:
        self.files = files
        self.listings = listings

    def hold(self) -> bool:
        """Whether every file and listing is still as recorded."""
        return all(_listed(*listing) == names for listing, names in self.listings.items()) and all(
            outcome_now(read) == outcome for read, outcome in self.files.items()
        )

    def rows(self) -> dict[str, list[list[object]]]:
        return {
            "files": [[*read, *outcome] for read, outcome in self.files.items()],
            "listings": [[*listing, names] for listing, names in self.listings.items()],
        }

    @classmethod
    def from_rows(cls, entry: dict[str, Any]) -> RunInputs | None:
        """The run inputs stored in a run entry; None when they are not of the shape `rows` gives."""
        files, listings = entry.get("files"), entry.get("listings")
        if not (isinstance(files, list) and isinstance(listings, list)):
            return None
        if not all(_is_file_row(row) for row in files) or not all(
            isinstance(row, list) and len(row) == 3 and all(isinstance(part, str) for part in row) for row in listings
        ):
            return None
        return cls(
            {(path, within, limit): (real, outcome) for path, within, limit, real, outcome in files},
            {(folder, pattern): names for folder, pattern, names in listings},
        )


def _is_file_row(row: Any) -> bool:
    return (
        isinstance(row, list)
        and len(row) == 5
        and all(isinstance(row[index], str) for index in (0, 3, 4))
        and (row[1] is None or isinstance(row[1], str))
        and (row[2] is None or type(row[2]) is int)
    )


@contextmanager
def recording(listings: Iterable[tuple[Path, str]]) -> Iterator[RunInputs]:
    """Record every file read inside the block, with `listings` (folder, glob pattern) as they are now.

    The listings are taken first, so a file that appears while the block
    runs changes a listing and the run is not remembered.
    """
    listed = {(str(folder), pattern): _listed(str(folder), pattern) for folder, pattern in listings}
    with recording_reads() as reads:
        yield RunInputs(reads.files, listed)


def _listed(folder: str, pattern: str) -> str:
    """The names `pattern` matches in `folder`, hashed; the same for a folder that is missing or empty."""
    names = sorted(map(str, Path(folder).glob(pattern)))
    return hashlib.sha256("\0".join(names).encode()).hexdigest()


# Run entries.


def recall(command: list[object], inputs: str, valid: Callable[[Any], bool]) -> dict[str, Any] | None:
    """What the last run of `command` found, if its inputs were exactly `inputs` and what it read still holds."""
    path = _run_path(command)
    entry = read_json_entry(
        path,
        _label(command),
        lambda entry: (
            isinstance(entry, dict)
            and isinstance(entry.get("inputs"), str)
            and isinstance(entry.get("result"), dict)
            and valid(entry["result"])
        ),
    )
    if entry is None:
        return None
    seen = RunInputs.from_rows(entry)
    if seen is None:
        discard(path)
        return None
    if entry["inputs"] != inputs or not seen.hold():
        # Stale: what it says may name what the inputs no longer hold.
        discard(path)
        return None
    result: dict[str, Any] = entry["result"]
    return result


def remember(command: list[object], inputs: str, result: dict[str, Any], seen: RunInputs | None = None) -> bool:
    """Store a run's result, replacing the last one of the same command line; say whether it was stored.

    `seen` is what the run's load looked at (see `recording`), None for an
    entry that rests on no file. It is not stored when one of those files or
    listings changed since: the run may have seen either state, and must not
    answer for the other.
    """
    seen = seen or RunInputs({}, {})
    if not seen.hold():
        return False
    payload = json.dumps({"inputs": inputs, **seen.rows(), "result": result}).encode("utf-8")
    write_entry(_run_path(command), _label(command), payload)
    return True


def _label(command: list[object]) -> str:
    return json.dumps(list(map(str, command)))


def _run_path(command: list[object]) -> Path:
    return cache_dir() / "runs" / f"{hashlib.sha256(_label(command).encode()).hexdigest()}{ENTRY_SUFFIX}"
