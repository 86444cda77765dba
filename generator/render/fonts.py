"""Which characters the PDF's bundled fonts can print.

The page footer that carries a copy's stamp is set in the bundled Noto Sans
(Latin, Greek, Cyrillic). A character it lacks would be drawn from whatever
font the machine happens to have, or as an empty box; a name is refused
instead, before anything is written.
"""

from __future__ import annotations

import functools

from .. import TEMPLATES_DIR
from ..characters import describe

STAMP_FONT = TEMPLATES_DIR / "fonts" / "NotoSans-Regular.ttf"


@functools.cache
def _printable() -> frozenset[int]:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    with TTFont(STAMP_FONT, lazy=True) as font:
        return frozenset(font.getBestCmap())


def unprintable_problem(text: str) -> str | None:
    """What to tell the user about the characters of `text` the PDF's fonts cannot print, if any."""
    missing = sorted(
        {character for character in text if not character.isspace() and ord(character) not in _printable()}
    )
    if not missing:
        return None
    shown = ", ".join(describe(character) for character in missing[:3])
    more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
    return (
        f"has characters the PDF's fonts (Noto Sans: Latin, Greek, Cyrillic) cannot print: {shown}{more}; "
        "write the name in Latin letters, or generate --format docx only"
    )
