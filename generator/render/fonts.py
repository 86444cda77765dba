"""Which fonts a PDF needs, and which characters the bundled fonts can print.

The briefing is set in the bundled Noto Sans and Noto Serif (Latin, Greek,
Cyrillic). A name or passage in another script is drawn from a bundled
fallback font, embedded only in documents that use it, so that a recipient
written in Arabic or Chinese prints as written on every machine. A
character no bundled font has would be drawn from whatever font the machine
happens to have, or as an empty box: such a name is refused instead, before
anything is written.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from generator.core.settings import template_file, template_folders
from generator.text.characters import describe

BASE_FONT = "NotoSans-Regular.ttf"


@dataclass(frozen=True)
class Fallback:
    """A bundled font for one script, listed after the body fonts in the stylesheet's font stacks."""

    family: str
    file: str


FALLBACKS = (
    Fallback("Briefing Arabic", "NotoSansArabic-Regular.ttf"),
    Fallback("Briefing Hebrew", "NotoSansHebrew-Regular.ttf"),
    Fallback("Briefing Devanagari", "NotoSansDevanagari-Regular.ttf"),
    Fallback("Briefing CJK", "DroidSansFallbackFull.ttf"),
)
COVERED = "Latin, Greek, Cyrillic, Arabic, Hebrew, Devanagari, Chinese, Japanese, Korean"


def _characters(file: str, folders: tuple[Path, ...]) -> frozenset[int]:
    """The characters of the font `file`, as a theme in `folders` replaces it or the package ships it."""
    return _font_characters(template_file(f"fonts/{file}", folders))


@functools.cache
def _font_characters(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _beyond_base(text: str, folders: tuple[Path, ...]) -> set[int]:
    return {ord(character) for character in text if not character.isspace()} - _characters(BASE_FONT, folders)


def fallbacks_for(text: str, folders: tuple[Path, ...]) -> tuple[Fallback, ...]:
    """The fallback fonts `text` needs; none for text the body fonts cover, which is nearly all."""
    needed = _beyond_base(text, folders)
    return tuple(fallback for fallback in FALLBACKS if needed & _characters(fallback.file, folders)) if needed else ()


def unprintable_problem(text: str, theme: Path | None = None) -> str | None:
    """What to tell the user about the characters of `text` no bundled font, or the theme's, can print, if any."""
    folders = template_folders(theme)
    missing = sorted(
        chr(code)
        for code in _beyond_base(text, folders)
        if not any(code in _characters(fallback.file, folders) for fallback in FALLBACKS)
    )
    if not missing:
        return None
    shown = ", ".join(describe(character) for character in missing[:3])
    more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
    return (
        f"has characters the PDF's fonts ({COVERED}) cannot print: {shown}{more}; "
        "write the name in Latin letters, or generate --format docx only"
    )
