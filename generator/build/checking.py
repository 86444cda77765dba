"""`briefing check` as a run: answered from the run cache when no input changed since the last one, else
loaded, checked and remembered, with the helpers `generate` shares to keep its own answer.

Kept apart from `incremental`, which builds documents, so that a check answered from the cache imports no
more than it needs: the interpreter's start is most of what it costs.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.core import run_cache, store
from generator.core.clock import build_date
from generator.core.errors import Diagnostic, InputError
from generator.kb.layout import ITEM_KINDS, loader_listings

Warnings = list[list[object]]
"""Diagnostics as stored in the run cache: [path, line, message, kind] rows."""


def warning_rows(warnings: list[Diagnostic]) -> Warnings:
    return [[str(d.path), d.line, d.message, d.kind] for d in warnings]


def diagnostics(rows: Warnings) -> list[Diagnostic]:
    return [Diagnostic(Path(str(path)), int(str(line)), str(message), str(kind)) for path, line, message, kind in rows]


def is_warning_rows(rows: object) -> bool:
    return isinstance(rows, list) and all(
        isinstance(row, list)
        and len(row) == 4
        and isinstance(row[0], str)
        and type(row[1]) is int
        and isinstance(row[2], str)
        and isinstance(row[3], str)
        for row in rows
    )


def remember_run(
    command: list[object],
    inputs: str,
    inputs_now: Callable[[], str],
    seen: run_cache.RunInputs | None,
    result: dict[str, object],
) -> bool:
    """Keep a run's result for the next run, unless an input changed while it ran; say whether it was kept.

    A file edited mid-run may have been read before or after the edit; a result
    recorded under either state could then answer for the other.
    """
    return seen is not None and inputs_now() == inputs and run_cache.remember(command, inputs, result, seen)


@dataclass(frozen=True)
class Counted:
    """One valid country's knowledge base: its name, and how many it holds of each kind."""

    country: str
    counts: dict[str, int]


@dataclass
class CheckReport:
    warnings: list[Diagnostic]
    valid: list[Counted]
    summary: list[tuple[str, str]]
    """(kind, the line summing up its warnings), as `check.summary` words it."""
    translations: list[tuple[str, str]]
    """(PO file, its tally of translated, fuzzy and missing entries) for each language file of each country."""
    kept: bool = True
    """False when an input changed during the run, so the next run reads everything again."""


KINDS_COUNTED = ("sources", *ITEM_KINDS, "audiences", "meetings")


def check(briefs: Path, country: str | None, date: datetime.date | None = None) -> CheckReport:
    """`briefing check`: answered from the last valid run when no file changed, else loaded and checked."""
    date = date or build_date()
    command: list[object] = ["check", briefs.resolve(), country]

    def inputs() -> str:
        return store.inputs_key(date)

    before = inputs()
    recalled = run_cache.recall(command, before, _is_check_result)
    if recalled is not None:
        return CheckReport(
            diagnostics(recalled["warnings"]),
            [Counted(name, counts) for name, counts in recalled["valid"]],
            [(kind, line) for kind, line in recalled["summary"]],
            [(path, tally) for path, tally in recalled["translations"]],
        )
    from generator.build.translation_counts import language_report
    from generator.check.summary import summary
    from generator.check.validate import check_every_country, load_knowledge_base

    with run_cache.recording(loader_listings(briefs, country)) as seen:
        # Without --country, every country of the tree, each with the shared files.
        every = [load_knowledge_base(briefs, country, date)] if country else check_every_country(briefs, date)
        # Read while recording, so that an edited PO file is an input that changed.
        languages = [language_report(checked.kb) for checked in every]
    # A translation that names a withheld person in every copy printing it is an error, as the English would be.
    errors = [error for each in languages for error in each.errors]
    if errors:
        raise InputError(errors)
    translations = [(str(path), line) for each in languages for path, line in each.tallies]
    warnings = list(
        dict.fromkeys(
            warning
            for checked, each in zip(every, languages, strict=True)
            for warning in (*checked.warnings, *each.warnings)
        )
    )
    valid = [
        Counted(checked.kb.country.name, {kind: len(getattr(checked.kb, kind)) for kind in KINDS_COUNTED})
        for checked in every
    ]
    summed = summary(every, warnings, date)
    result = {
        "warnings": warning_rows(warnings),
        "valid": [[each.country, each.counts] for each in valid],
        "summary": [[kind, line] for kind, line in summed],
        "translations": [[path, tally] for path, tally in translations],
    }
    kept = remember_run(command, before, inputs, seen, result)
    return CheckReport(warnings, valid, summed, translations, kept)


def _is_check_result(result: dict[str, object]) -> bool:
    valid = result.get("valid")
    return (
        is_warning_rows(result.get("warnings"))
        and _are_string_pairs(result.get("translations"))
        and _are_string_pairs(result.get("summary"))
        and isinstance(valid, list)
        and all(
            isinstance(row, list)
            and len(row) == 2
            and isinstance(row[0], str)
            and isinstance(row[1], dict)
            and list(row[1]) == list(KINDS_COUNTED)
            and all(type(number) is int for number in row[1].values())
            for row in valid
        )
    )


def _are_string_pairs(rows: object) -> bool:
    return isinstance(rows, list) and all(
        isinstance(row, list) and len(row) == 2 and all(isinstance(part, str) for part in row) for row in rows
    )
