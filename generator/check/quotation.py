"""Translations that quote with English quotation marks where their language has its own.

A quotation from an English source stays in its words (see `kb.translations`),
but a French sentence quotes it «\u202fas French does\u202f», and a Russian one
«так». A translator who keeps the English “ ” beside the language's own marks
leaves a briefing with two kinds of quotation in one paragraph; `check` points
at the entry. English marks inside the language's own, where French and
Russian nest a quotation, are right and are not reported.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.core.errors import Diagnostic
from generator.core.kinds import QUOTES
from generator.kb.translations import Translations
from generator.text.catalogue import languages, message

ENGLISH_OPENING = "“"
LOW_OPENING = "„"


def quotation_marks(files: Iterable[Translations]) -> list[Diagnostic]:
    """A warning at each entry that quotes with English marks outside its language's own."""
    warnings = []
    for file in files:
        marks = _marks(file.language)
        if marks is None:
            continue
        opening, closing = marks
        quoted = message("quote", file.language).format(text="…")
        for context, entry in file.entries.items():
            if entry.translation and _english_outside(entry.translation, opening, closing):
                warnings.append(
                    Diagnostic(
                        file.path,
                        entry.line,
                        f"warning: the translation of {context} quotes with the English “ ”, where "
                        f"{file.language} quotes with {opening} {closing}; write "
                        f"{quoted} (keep “ ” only inside {opening} {closing})",
                        QUOTES,
                    )
                )
    return warnings


def _marks(language: str) -> tuple[str, str] | None:
    """The language's outer quotation marks from its catalogue; None where they are the English ones, or
    where there is no catalogue to say."""
    if language not in languages():
        return None
    before, _, after = message("quote", language).partition("{text}")
    opening, closing = before.strip("\u202f\u00a0 "), after.strip("\u202f\u00a0 ")
    return None if opening == ENGLISH_OPENING else (opening, closing)


def _english_outside(text: str, opening: str, closing: str) -> bool:
    """Whether `text` opens an English quotation outside every quotation in the language's own marks.

    A low opening mark „ is closed by “, the English opening one, as Russian and German nest a quotation:
    that “ closes, and opens nothing."""
    depth, low = 0, False
    for char in text:
        if char == opening:
            depth += 1
        elif char == closing:
            depth = max(0, depth - 1)
        elif char == LOW_OPENING:
            low = True
        elif char == ENGLISH_OPENING and low:
            low = False
        elif char == ENGLISH_OPENING and depth == 0:
            return True
    return False
