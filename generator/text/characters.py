"""Characters no knowledge-base text may hold: the one definition every check uses.

Unprintable characters (controls, lone surrogates) break the renderers.
Invisible ones (Unicode's Default_Ignorable_Code_Point, which includes every
bidirectional control) print as nothing, so a name typed with one inside
looks whole to a reader yet is a different string to every search: they
would let a person who may not be named slip past the name checks, or make
a link or an id read as something it is not.
"""

from __future__ import annotations

import re
import unicodedata

UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

_INVISIBLE_RANGES = (
    "\u00ad",
    "\u034f",
    "\u061c",
    "\u115f-\u1160",
    "\u17b4-\u17b5",
    "\u180b-\u180f",
    "\u200b-\u200f",
    "\u202a-\u202e",
    "\u2060-\u206f",
    "\u3164",
    "\ufe00-\ufe0f",
    "\ufeff",
    "\uffa0",
    "\U0001bca0-\U0001bca3",
    "\U0001d173-\U0001d17a",
    "\U000e0000-\U000e0fff",
)
INVISIBLE = re.compile(f"[{''.join(_INVISIBLE_RANGES)}]")
"""Default_Ignorable_Code_Point (Unicode 15); the bidi controls U+061C, U+200E-200F,
U+202A-202E and U+2066-2069 all fall inside it."""

_REFUSED = re.compile(f"{UNPRINTABLE.pattern}|{INVISIBLE.pattern}")

LINE_BREAK = re.compile(r"[\n\r\u2028\u2029]")


def describe(character: str) -> str:
    """'U+200B (ZERO WIDTH SPACE)': the code point to search for and what it is."""
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" ({name})" if name else "")


def invisible_problem(value: str) -> str | None:
    """What to tell the author about the first invisible character in `value`, if any.

    Reads after the field's name, like the model's other messages.
    """
    if match := INVISIBLE.search(value):
        return f"contains the invisible character {describe(match[0])} at position {match.start() + 1}; delete it"
    return None


def unprintable_problem(value: str) -> str | None:
    if match := UNPRINTABLE.search(value):
        return f"contains the unprintable character U+{ord(match[0]):04X} at position {match.start() + 1}; delete it"
    return None


def refused_problem(value: str) -> str | None:
    """What is wrong with the first unprintable, else invisible, character of `value`, if any.

    One search answers for the text that holds neither, which is nearly all of it; printable ASCII on one
    line, most of it, holds neither, and says so without a search.
    """
    if (value.isascii() and value.isprintable()) or _REFUSED.search(value) is None:
        return None
    return unprintable_problem(value) or invisible_problem(value)
