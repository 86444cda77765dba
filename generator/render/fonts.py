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

from generator import TEMPLATES_DIR
from generator.text.characters import describe

FONTS_DIR = TEMPLATES_DIR / "fonts"
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


@functools.cache
def _characters(file: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    with TTFont(FONTS_DIR / file, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _beyond_base(text: str) -> set[int]:
    return {ord(character) for character in text if not character.isspace()} - _characters(BASE_FONT)


def fallbacks_for(text: str) -> tuple[Fallback, ...]:
    """The fallback fonts `text` needs; none for text the body fonts cover, which is nearly all."""
    needed = _beyond_base(text)
    return tuple(fallback for fallback in FALLBACKS if needed & _characters(fallback.file)) if needed else ()


def unprintable_problem(text: str) -> str | None:
    """What to tell the user about the characters of `text` no bundled font can print, if any."""
    missing = sorted(
        chr(code)
        for code in _beyond_base(text)
        if not any(code in _characters(fallback.file) for fallback in FALLBACKS)
    )
    if not missing:
        return None
    shown = ", ".join(describe(character) for character in missing[:3])
    more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
    return (
        f"has characters the PDF's fonts ({COVERED}) cannot print: {shown}{more}; "
        "write the name in Latin letters, or generate --format docx only"
    )
