"""The words of a package's cover note, chosen here like a briefing's, for the build to write as text and DOCX."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from generator.text.catalogue import message, plural_form


@dataclass(frozen=True)
class CoveredFile:
    """One file a package holds: its name, who its copy is for (None: the team's own), its number and hash."""

    name: str
    recipient: str | None
    copy: int | None
    sha256: str


@dataclass(frozen=True)
class CoverNote:
    title: str
    intro: str
    headings: tuple[str, str, str, str]
    rows: tuple[tuple[str, str, str, str], ...]
    """One row per file, in the order of `headings`."""


def compose_cover(briefing_title: str, language: str, files: Iterable[CoveredFile]) -> CoverNote:
    files = list(files)
    return CoverNote(
        title=message("cover.title", language).format(briefing=briefing_title),
        intro=message(f"cover.intro.{plural_form(language, len(files))}", language).format(count=len(files)),
        headings=(
            message("cover.file", language),
            message("cover.recipient", language),
            message("cover.copy", language),
            message("cover.sha256", language),
        ),
        rows=tuple(
            (
                covered.name,
                covered.recipient or message("cover.team-copy", language),
                str(covered.copy) if covered.copy is not None else "–",
                covered.sha256,
            )
            for covered in files
        ),
    )
