"""`briefing cite`: a few words of an archived source, found and given back as a whole-sentence citation.

The words are looked for as `check` looks for a passage (`text.passages`:
line breaks, quotes, dashes, soft hyphens and ligatures do not count), then
widened to the sentence or sentences around them. The passage given back is
the archive's own text with only what extraction added taken out (line
breaks, soft hyphens, ligatures, words broken at a line's end), so `check`
finds it where `cite` did, on the page the locator names.
"""

from __future__ import annotations

import difflib
import functools
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.core.errors import BriefingError, UsageError
from generator.kb.load import find_country_dir
from generator.kb.model import MAX_TEXT_LENGTH
from generator.text.passages import Span, locate, normalise, page_locator, pages_in

MAX_CANDIDATES = 3
CANDIDATE_THRESHOLD = 0.5
"""The share of the words asked for, in order and spelt alike or nearly, a sentence must hold to be offered."""
_SIMILAR_WORD = 0.8
"""How alike (difflib's ratio) two words must be to count as one misspelt: "protestors" and "protesters"."""
_SHOWN = 160
"""Characters of a candidate shown; a long sentence is cut around the words that matched."""
_WRAP = 72


class PassageNotFound(BriefingError):
    """Raised when the words given to `briefing cite` are not in the source's archived text;
    the message offers the sentences most like them."""


@dataclass(frozen=True)
class Cited:
    """A passage of a source as a citation gives it, with the page it is on when the archive has pages."""

    source_id: str
    passage: str
    locator: str | None


def cite(briefs: Path, country: str | None, source_id: str, words: str) -> Cited:
    """The sentence or sentences of source `source_id`'s archive holding `words`."""
    if not normalise(words):
        raise UsageError("give a few words of the passage to look for, in quotes")
    archive_path = _archive_path(find_country_dir(briefs, country), source_id)
    archive = _read_archive(archive_path)
    span = locate(archive, words) or _locate_ignoring_case(archive, words)
    if span is None:
        raise PassageNotFound(_not_found(words, source_id, archive_path, archive))
    passage = as_passage(archive, span)
    sentences = [s for s in sentence_spans(archive) if s.start < span.end and s.end > span.start]
    if sentences:
        widened = as_passage(archive, Span(min(span.start, sentences[0].start), max(span.end, sentences[-1].end)))
        if len(widened) <= MAX_TEXT_LENGTH:
            passage = widened
    # Where `check` will find the passage, which is where its locator must point.
    found = locate(archive, passage) or span
    pages = pages_in(archive, found)
    return Cited(source_id, passage, page_locator(*pages) if pages else None)


def citation_yaml(cited: Cited) -> str:
    """The citation as a fact's `sources:` list holds it, ready to paste."""
    wrapped = textwrap.wrap(cited.passage, _WRAP, break_long_words=False, break_on_hyphens=False)
    lines = ["sources:", f"  - source: {cited.source_id}", "    passage: >-", *(f"      {line}" for line in wrapped)]
    if cited.locator:
        lines.append(f"    locator: {cited.locator}")
    return "\n".join(lines) + "\n"


def _archive_path(country_dir: Path, source_id: str) -> Path:
    sources_file = country_dir / "sources.yaml"
    try:
        entries = yaml.safe_load(sources_file.read_text(encoding="utf-8")) or []
    except FileNotFoundError:
        raise UsageError(f"{sources_file}: no such file; add a source with 'briefing source add'") from None
    except (UnicodeDecodeError, yaml.YAMLError):
        raise UsageError(f"{sources_file}: cannot be read; run 'briefing check' and fix it first") from None
    if not isinstance(entries, list):
        raise UsageError(f"{sources_file}: is not a list of sources; run 'briefing check' and fix it first")
    by_id = {entry["id"]: entry for entry in entries if isinstance(entry, dict) and isinstance(entry.get("id"), str)}
    if source_id not in by_id:
        close = difflib.get_close_matches(source_id, list(by_id), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; the sources are: {', '.join(by_id) or 'none'}"
        raise UsageError(f"{sources_file}: no source '{source_id}'{hint}")
    archive = by_id[source_id].get("archive")
    if not isinstance(archive, str) or not archive.strip():
        raise UsageError(
            f"{sources_file}: source '{source_id}' has no archived text (no 'archive:'), so there is nothing to "
            "cite from; 'briefing source add' archives a document"
        )
    path = country_dir / archive
    if not path.resolve().is_relative_to(country_dir.resolve()):
        raise UsageError(f"{sources_file}: the archive of '{source_id}', {archive}, is outside {country_dir}")
    return path


def _read_archive(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path}: the archived text is missing; run 'briefing check'") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not the archived text") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: the archived text is not UTF-8; run 'briefing check'") from None


def _locate_ignoring_case(archive: str, words: str) -> Span | None:
    # Lower-casing keeps every offset only when no character changes length (as "İ" does).
    lowered = archive.lower()
    if len(lowered) != len(archive):
        return None
    return locate(lowered, words.lower())


# Sentences

_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
"""A blank line, with any form feed after it: what separates blocks of every archive."""
_SENTENCE_END = re.compile(r"((?:[.!?]+|…)[\"'”’»)\]]*)\s+([\"'“‘«(\[]*)(\w)")
"""Closing punctuation with any quotes or brackets closed after it, then space and what opens the next."""
_LAST_WORD = re.compile(r"[^\s\"'“‘«(\[]+$")

_ABBREVIATED = """mr mrs ms messrs dr prof st no nos nr art arts para paras sec vol vols p pp ch chap fig figs c ca cf
approx gen col lt maj sgt capt cmdr adm rev hon sen rep gov pres amb jr sr vs v inc ltd co corp bros mt
dept est jan feb mar apr jun jul aug sep sept oct nov dec al op ed eds ibid"""
ABBREVIATIONS = frozenset(_ABBREVIATED.split())
"""Words written with a full stop that a sentence goes on after ("Mr. Smith", "No. 4", "c. 2016")."""


def sentence_spans(text: str) -> list[Span]:
    """The sentences of `text`, each a span without the space around it; a blank line always ends one."""
    spans: list[Span] = []
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.extend(_sentences_in(text, start, match.start()))
        start = match.end()
    spans.extend(_sentences_in(text, start, len(text)))
    return spans


def _sentences_in(text: str, start: int, end: int) -> Iterator[Span]:
    begin = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if not (match[3].isupper() or match[3].isdigit()):
            continue
        # Only a lone full stop can end an abbreviation, and none is followed by a closing quote or bracket.
        if match[1] == "." and _abbreviated(text, begin, match.start()):
            continue
        if span := _trimmed(text, begin, match.end(1)):
            yield span
        begin = match.start(2)
    if span := _trimmed(text, begin, end):
        yield span


def _abbreviated(text: str, begin: int, dot: int) -> bool:
    """Whether the full stop at `dot` ends an abbreviation or an initial ("U.S.", "A. Writer"), not a sentence."""
    word = _LAST_WORD.search(text, begin, dot)
    if word is None:
        return False
    token = word[0]
    parts = token.split(".")
    return (
        token.lower() in ABBREVIATIONS
        or (len(token) == 1 and token.isalpha())
        or (len(parts) > 1 and all(0 < len(part) <= 2 and part.isalpha() for part in parts))
    )


def _trimmed(text: str, start: int, end: int) -> Span | None:
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    tail = len(piece.rstrip())
    return Span(start + lead, start + tail) if tail > lead else None


# The passage as a citation gives it

_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_LINE_BREAKS = "\n\r\f\v\u2028\u2029\x1c\x1d\x1e\x85"
_ONE_BREAK = rf"[^\S{_LINE_BREAKS}]*(?:\r\n|[{_LINE_BREAKS}])[^\S{_LINE_BREAKS}]*"
"""One line break and the space around it, as `text.passages` reads a break inside a word."""
_SOFT_BREAK = re.compile(rf"\u00ad(?:{_ONE_BREAK})?")
_BROKEN_WORD = re.compile(rf"(\w*[^\W\d_])[-\u2010\u2011]{_ONE_BREAK}(?=([^\W\d_]+))")


def as_passage(archive: str, span: Span) -> str:
    """The archive's text at `span` on one line, as `check` will find it: line breaks, soft hyphens and
    ligatures go, and words broken at a line's end are joined, or keep their hyphens where the archive
    suggests they are compounds ("human-rights-\\nfocused")."""
    text = _SOFT_BREAK.sub("", archive[span.start : span.end].translate(_LIGATURES))
    breaks = list(_BROKEN_WORD.finditer(text))
    # `check` reads an archive's broken words all joined or all hyphenated: a passage mixing the two is
    # found in neither reading, so one choice serves every break of the passage.
    keep = sum(_is_compound(archive, text, match) for match in breaks) * 2 > len(breaks)
    attempts = (keep, not keep) if breaks else (False,)
    for hyphens in attempts:
        passage = " ".join(_BROKEN_WORD.sub(functools.partial(_rejoined, hyphens=hyphens), text).split())
        if locate(archive, passage) is not None:
            return passage
    # A break before a capital, which `check`'s joined reading keeps as "- ", beside one before a small letter.
    return " ".join(_BROKEN_WORD.sub(lambda m: m[1] + ("- " if m[2][0].isupper() else ""), text).split())


def _is_compound(archive: str, text: str, match: re.Match[str]) -> bool:
    """Whether the hyphen at a line's end belongs to the words rather than to the line break."""
    whole, hyphenated = match[1] + match[2], f"{match[1]}-{match[2]}"
    if whole in archive:
        return False
    return hyphenated in archive or not match[2][0].islower() or text[max(0, match.start() - 1)] == "-"


def _rejoined(match: re.Match[str], *, hyphens: bool) -> str:
    return f"{match[1]}-" if hyphens or not match[2][0].islower() else match[1]


# When the words are not there


def _not_found(words: str, source_id: str, archive_path: Path, archive: str) -> str:
    message = f'"{" ".join(words.split())}" is not in the archived text of {source_id} ({archive_path})'
    candidates = _candidates(archive, words)
    if not candidates:
        return f"{message}, and nothing in it is much like it; check the words and the source"
    shown = "\n".join(f"  {locator + ': ' if locator else ''}{text}" for text, locator in candidates)
    return f"{message}; the closest:\n{shown}"


_WORDS = re.compile(r"\w+")


def _candidates(archive: str, words: str) -> list[tuple[str, str | None]]:
    """Up to MAX_CANDIDATES sentences holding most of `words`, best first, each shown with its locator."""
    wanted = [word.casefold() for word in _WORDS.findall(normalise(words))]
    if not wanted:
        return []
    similar: dict[str, str] = {}
    scored: list[tuple[float, int, Span]] = []
    matcher: difflib.SequenceMatcher[str] = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(wanted)
    for index, span in enumerate(sentence_spans(archive)):
        sentence = []
        for word in _WORDS.findall(normalise(archive[span.start : span.end]).casefold()):
            if word not in similar:
                close = difflib.get_close_matches(word, wanted, n=1, cutoff=_SIMILAR_WORD)
                similar[word] = close[0] if close else word
            sentence.append(similar[word])
        if not set(sentence) & set(wanted):
            continue
        matcher.set_seq1(sentence)
        score = sum(block.size for block in matcher.get_matching_blocks()) / len(wanted)
        if score >= CANDIDATE_THRESHOLD:
            scored.append((score, -index, span))
    best = sorted(scored, key=lambda each: (each[0], each[1]), reverse=True)[:MAX_CANDIDATES]
    return [(_shown(as_passage(archive, span), wanted), _locator(archive, span)) for _, _, span in best]


def _locator(archive: str, span: Span) -> str | None:
    pages = pages_in(archive, span)
    return page_locator(*pages) if pages else None


def _shown(sentence: str, wanted: list[str]) -> str:
    """The sentence, or as much of it around the first word asked for as fits on a line."""
    if len(sentence) <= _SHOWN:
        return sentence
    lowered = sentence.casefold()
    at = min((found for word in wanted if (found := lowered.find(word)) >= 0), default=0)
    start = max(0, min(at - _SHOWN // 4, len(sentence) - _SHOWN))
    piece = sentence[start : start + _SHOWN]
    return ("…" if start else "") + piece.strip() + ("…" if start + _SHOWN < len(sentence) else "")
