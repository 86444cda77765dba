"""Where things live in a knowledge-base tree: country folders, meetings and their records.

Standard library only, so that a run answered from the cache can find the
countries of a tree without importing the loader.
"""

from __future__ import annotations

from pathlib import Path

RECORD_SUFFIX = ".record.yaml"
"""Meeting records sit beside the meetings they record; they are not meetings."""

ITEM_KINDS = ("facts", "cases", "recommendations", "responses")
"""The files of a country folder that hold items, by stem: the kinds of item a briefing ranks, shows
and cites from, each a field of the loaded knowledge base."""


def country_dirs(briefs: Path) -> list[Path]:
    """Every country folder of the tree, by name."""
    return sorted(path.parent for path in briefs.glob("*/country.yaml"))


def is_record_file(path: Path) -> bool:
    return path.name.endswith(RECORD_SUFFIX)


def meeting_files(folder: Path) -> list[Path]:
    """The meeting files of a folder; the records written beside them are not meetings."""
    return sorted(path for path in folder.glob("*.y*ml") if not is_record_file(path))


MEETINGS_LISTED = 5
"""How many meeting files a message about a missing one lists."""


def no_such_meeting(briefs: Path, meeting_file: Path) -> str:
    """What to say of a meeting file that is not there: the closest meeting file's name, else those there are."""
    known = sorted(path for folder in (*country_dirs(briefs), briefs) for path in meeting_files(folder / "meetings"))
    by_name = {path.name: path for path in known}
    # Imported here: every command reads this module, a check answered from its cache among them.
    import difflib

    if close := difflib.get_close_matches(meeting_file.name, by_name, n=1):
        return f"no such meeting file; did you mean {by_name[close[0]]}?"
    if not known:
        return f"no such meeting file, and {briefs} holds none; 'briefing new meeting' starts one"
    listed = ", ".join(str(path) for path in known[:MEETINGS_LISTED])
    more = f" and {len(known) - MEETINGS_LISTED} more" if len(known) > MEETINGS_LISTED else ""
    return f"no such meeting file; name one of {listed}{more}"


def record_path(meeting_file: Path) -> Path:
    """Where the record of the meeting in `meeting_file` is kept: beside it, `X.yaml` -> `X.record.yaml`."""
    return meeting_file.with_name(meeting_file.stem + RECORD_SUFFIX)


def meeting_path(record_file: Path) -> Path:
    """The meeting file a record sits beside: `X.record.yaml` -> `X.yaml`."""
    return record_file.with_name(record_file.name.removesuffix(RECORD_SUFFIX) + ".yaml")


def loader_listings(briefs: Path, country: str | None) -> list[tuple[Path, str]]:
    """The folders, with their glob patterns, whose listing decides what loading `country` reads.

    None stands for every country of the tree: the tree for its countries,
    the shared audiences and meetings, and each country's own folder with its
    levers and meetings.
    """
    countries = [country] if country is not None else [folder.name for folder in country_dirs(briefs)]
    return [
        (briefs, "*/country.yaml"),
        (briefs / "audiences", "*"),
        (briefs / "meetings", "*"),
        *((briefs / name / folder, "*") for name in countries for folder in ("", "levers", "meetings", "translations")),
    ]
