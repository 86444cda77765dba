"""Finding a cited passage in the archived text of its source.

A passage is copied by hand from a document whose text was extracted from a
PDF or a web page, so the two differ in what extraction changes and nothing
else: how whitespace and line breaks fall, which quote, apostrophe or dash
character was used, soft hyphens, typographic ligatures and words hyphenated
across a line break. `normalise` folds exactly those away; case, digits,
spelling and punctuation otherwise still count, since a passage that differs
in them no longer says what the source says.

An archive of a paged document separates its pages with a form feed; page N
is the text after the (N-1)th form feed. `locate` answers with a span of the
archive as stored, so `page_of` can count the form feeds before it.

When a passage is not there, `nearest` finds the stretch of the archive that
is most like it, word by word, and words the difference: what the source has
where the passage has something else. Candidate stretches are anchored on
the passage's rarest words, so the cost follows the passage, not the archive.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from dataclasses import dataclass

__all__ = [
    "NEAR_MATCH_THRESHOLD",
    "NearMatch",
    "Span",
    "locate",
    "nearest",
    "normalise",
    "page_locator",
    "page_of",
    "pages_in",
    "pages_in_locator",
]

NEAR_MATCH_THRESHOLD = 0.6
"""How alike, word by word (difflib's ratio), a stretch must be to be offered as what was meant.

One word changed in a passage of three words still scores 0.67; a passage sharing
a few common words with some stretch stays below."""

CONTEXT_WORDS = 2
"""Unchanged words shown either side of a difference, enough to find it again."""

_ANCHOR_WORDS = 6
_MAX_WINDOWS = 400

_LINE_BREAKS = "\n\r\f\v\u2028\u2029\x1c\x1d\x1e\x85"
_HYPHENS = "-\u2010\u2011"
_ONE_BREAK = rf"[^\S{_LINE_BREAKS}]*(?:\r\n|[{_LINE_BREAKS}])[^\S{_LINE_BREAKS}]*"
"""One line break with the spaces around it; a blank line ends a paragraph, never a word."""

_SAME = str.maketrans(
    {
        # One apostrophe and one double quote, however typed or converted.
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        # One dash: hyphen, non-breaking hyphen, figure, en and em dash, minus.
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00ad": "",
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
    }
)

_SPECIAL = re.compile(
    # A word broken at a line break: by a soft hyphen always, by a hyphen only before a lower-case letter.
    rf"(?P<soft>\u00ad{_ONE_BREAK})"
    rf"|(?P<broken>(?<=[^\W\d_])[{_HYPHENS}]{_ONE_BREAK}(?=[^\W\d_]))"
    r"|(?P<space>\s+)"
    r"|(?P<other>[\u2018\u2019\u201a\u201b\u02bc\u201c-\u201f\u2010-\u2014\u2212\u00ad\ufb00-\ufb06])"
)

_WORD = re.compile(r"[$€£¥]?\w+(?:[.,'/:-]\w+)*%?|[^\w\s]")
"""A word with what joins its parts ("$4.15", "2,000", "12%", "don't", "co-operation"), or one punctuation mark."""


@dataclass(frozen=True)
class Span:
    """Where a passage is in the archived text as stored: `text[start:end]`."""

    start: int
    end: int


@dataclass(frozen=True)
class NearMatch:
    """The stretch of the archive most like a passage that is not in it, and how the two differ.

    `source_has` and `passage_has` are the differing words with a few unchanged
    ones around them, "..." marking where more text goes on; differences far
    apart are joined by "...".
    """

    span: Span
    source_has: str
    passage_has: str


@dataclass(frozen=True)
class _Normalised:
    text: str
    starts: tuple[int, ...]
    """The index in the original text each character of `text` comes from."""
    ends: tuple[int, ...]
    """The index just past what each character of `text` stands for in the original."""

    def span(self, start: int, end: int) -> Span:
        return Span(self.starts[start], self.ends[end - 1])


def _normalised(text: str, *, keep_broken_hyphens: bool = False) -> _Normalised:
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def emit(piece: str, start: int, end: int) -> None:
        if not piece:
            return
        if piece == " " and out and out[-1] == " ":
            # Whitespace either side of a soft hyphen is one run once the hyphen is gone.
            ends[-1] = end
            return
        out.append(piece)
        starts.extend([start] * len(piece))
        ends.extend([end] * len(piece))

    position = 0
    for match in _SPECIAL.finditer(text):
        if match.start() > position:
            plain = text[position : match.start()]
            out.append(plain)
            starts.extend(range(position, match.start()))
            ends.extend(range(position + 1, match.start() + 1))
        kind = match.lastgroup
        if kind == "space":
            emit(" ", match.start(), match.end())
        elif kind == "other":
            emit(match[0].translate(_SAME), match.start(), match.end())
        elif kind == "broken" and (keep_broken_hyphens or not text[match.end()].islower()):
            emit("-", match.start(), match.start() + 1)
            if not keep_broken_hyphens:
                emit(" ", match.start() + 1, match.end())
        # A soft hyphen at a line break, or a hyphen before the rest of its word, joins the word.
        position = match.end()
    if position < len(text):
        out.append(text[position:])
        starts.extend(range(position, len(text)))
        ends.extend(range(position + 1, len(text) + 1))
    joined = "".join(out)
    # Only whitespace is trimmed: it never holds anything a passage could be checked for.
    lead = len(joined) - len(joined.lstrip(" "))
    tail = len(joined.rstrip(" "))
    return _Normalised(joined[lead:tail], tuple(starts[lead:tail]), tuple(ends[lead:tail]))


def normalise(text: str) -> str:
    """`text` with only what extraction changes folded away.

    Whitespace runs (line breaks, form feeds, no-break spaces) become one space
    and the ends are trimmed; curly and straight quotes become `"`, apostrophes
    `'`; hyphens and dashes (non-breaking hyphen, en and em dash, minus) become
    `-`; soft hyphens go; ligatures are spelled out; a word hyphenated across a
    line break is joined ("govern-\\nment": "government") unless the part after
    the break starts with a capital, which a broken word does not.
    """
    # The same folding as `_normalised`, without keeping where each character came from: `check` keys its
    # cache on the normalised form of every passage, so this runs once per citation on every check.
    joined = _BREAK.sub(_joined_break, text)
    return " ".join(joined.translate(_SAME).split())


_BREAK = re.compile(_SPECIAL.pattern.split("|(?P<space>")[0])
"""Only the two kinds of broken word of `_SPECIAL`: what folds otherwise than character by character."""


def _joined_break(match: re.Match[str]) -> str:
    if match.lastgroup == "broken" and not match.string[match.end()].islower():
        return "- "
    return ""


@functools.lru_cache(maxsize=16)
def _archive(text: str, keep_broken_hyphens: bool = False) -> _Normalised:
    # `check` looks for every passage citing one source in the same text: normalise it once.
    return _normalised(text, keep_broken_hyphens=keep_broken_hyphens)


def locate(archive_text: str, passage: str) -> Span | None:
    """Where `passage` first occurs in `archive_text`, once both are normalised; None when it does not.

    A word the archive breaks with a hyphen at a line end is read joined, and,
    failing that, with its hyphen ("well-\\nknown" is "well-known"), as the
    extraction cannot tell which the author wrote.
    """
    wanted = normalise(passage)
    if not wanted:
        return None
    for keep in (False, True):
        archive = _archive(archive_text, keep)
        found = archive.text.find(wanted)
        if found >= 0:
            return archive.span(found, found + len(wanted))
    return None


_LONGEST_SENTENCE = 2000
"""Characters looked back for a sentence's start; a source's sentence is seldom a tenth as long."""
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+(?=[\"“‘(]*[A-Z0-9])|\n\s*\n|\f")


def sentences_around(archive_text: str, span: Span) -> str:
    """The whole sentences of `archive_text` the span lies in: a passage cut at a name ("activists
    including A, B") read with what the source goes on to say ("C and D")."""
    window = max(0, span.start - _LONGEST_SENTENCE)
    start = max((match.end() for match in _SENTENCE_END.finditer(archive_text, window, span.start)), default=window)
    after = _SENTENCE_END.search(archive_text, span.end)
    return archive_text[start : after.start() + 1 if after else len(archive_text)].strip()


def page_of(archive_text: str, offset: int) -> int | None:
    """The page `offset` falls on, counting from 1; None when the text has no pages (no form feed)."""
    if "\f" not in archive_text:
        return None
    return archive_text.count("\f", 0, offset) + 1


def pages_in(archive_text: str, span: Span) -> tuple[int, int] | None:
    """The first and last page a span of `archive_text` is on; None when the text has no pages."""
    first = page_of(archive_text, span.start)
    if first is None:
        return None
    last = page_of(archive_text, max(span.start, span.end - 1))
    return first, last if last is not None else first


_PAGE_LOCATOR = re.compile(r"^\s*(?:p|pp|page|pages)\.?\s*(\d{1,6})(?:\s*[-\u2010-\u2013]\s*(\d{1,6}))?\s*$", re.I)


def page_locator(first: int, last: int | None = None) -> str:
    """The locator naming pages as `pages_in_locator` reads it: "p. 4", or "pp. 4–5" for a passage across pages."""
    if last is None or last == first:
        return f"p. {first}"
    return f"pp. {first}\u2013{last}"


def pages_in_locator(locator: str) -> tuple[int, int] | None:
    """The first and last page a locator names ("p. 4", "pp. 4-5", "page 4"); None when it names no page."""
    match = _PAGE_LOCATOR.match(locator)
    if match is None:
        return None
    first = int(match[1])
    last = int(match[2]) if match[2] else first
    return (first, last) if last >= first else None


@dataclass(frozen=True)
class _Words:
    words: tuple[str, ...]
    bounds: tuple[tuple[int, int], ...]
    """Each word's start and end in the normalised text."""


def _words(text: str) -> _Words:
    found = list(_WORD.finditer(text))
    return _Words(tuple(m[0] for m in found), tuple(m.span() for m in found))


@functools.lru_cache(maxsize=16)
def _archive_words(text: str, keep_broken_hyphens: bool) -> tuple[_Normalised, _Words, dict[str, list[int]]]:
    archive = _archive(text, keep_broken_hyphens)
    words = _words(archive.text)
    where: dict[str, list[int]] = {}
    for index, word in enumerate(words.words):
        where.setdefault(word, []).append(index)
    return archive, words, where


def _windows(passage: tuple[str, ...], where: dict[str, list[int]], length: int) -> list[tuple[int, int]]:
    """Stretches of the archive worth comparing: aligned on occurrences of the passage's rarest words."""
    counts = Counter(word for word in passage if word[0].isalnum())
    rare = sorted((w for w in counts if w in where), key=lambda w: (len(where[w]), -len(w)))[:_ANCHOR_WORDS]
    slack = max(3, len(passage) // 4)
    windows: set[tuple[int, int]] = set()
    for word in rare:
        for at_passage in (i for i, w in enumerate(passage) if w == word):
            for at_archive in where[word]:
                start = at_archive - at_passage
                windows.add((max(0, start - slack), min(length, start + len(passage) + slack)))
                if len(windows) >= _MAX_WINDOWS:
                    return sorted(windows)
    return sorted(windows)


def nearest(archive_text: str, passage: str, threshold: float = NEAR_MATCH_THRESHOLD) -> NearMatch | None:
    """The stretch of `archive_text` most like `passage`, word by word, if it is at least `threshold` alike.

    A word the archive breaks at a line end is compared both joined and with its hyphen, as in `locate`.
    """
    wanted_text = normalise(passage)
    wanted = _words(wanted_text)
    if not wanted.words:
        return None
    best: tuple[float, int, int, bool] | None = None
    for keep in (False, True):
        _, archive_words, where = _archive_words(archive_text, keep)
        for start, end in _windows(wanted.words, where, len(archive_words.words)):
            matcher = difflib.SequenceMatcher(None, archive_words.words[start:end], wanted.words, autojunk=False)
            blocks = [block for block in matcher.get_matching_blocks() if block.size]
            if not blocks:
                continue
            # Trim the window's slack to the words that match, so the ratio measures the stretch itself.
            first, last = start + blocks[0].a, start + blocks[-1].a + blocks[-1].size
            matched = sum(block.size for block in blocks)
            ratio = 2 * matched / (last - first + len(wanted.words))
            if best is None or ratio > best[0]:
                best = (ratio, first, last, keep)
    if best is None or best[0] < threshold:
        return None
    _, first, last, keep = best
    archive, archive_words, _ = _archive_words(archive_text, keep)
    source = _Written(archive_text, archive, archive_words)
    source_has, passage_has = _difference(source, first, last, _Written(passage, _normalised(passage), wanted))
    start_char = archive_words.bounds[first][0]
    end_char = archive_words.bounds[last - 1][1]
    return NearMatch(archive.span(start_char, end_char), source_has, passage_has)


@dataclass(frozen=True)
class _Written:
    """A text as written, its normalised form and that form's words."""

    original: str
    normalised: _Normalised
    words: _Words

    def quote(self, start: int, end: int) -> str:
        """Words `start:end` as written (whitespace made single spaces), "..." where the text goes on."""
        if end <= start:
            return "..."
        span = self.normalised.span(self.words.bounds[start][0], self.words.bounds[end - 1][1])
        body = " ".join(self.original[span.start : span.end].split())
        return f"{'... ' if start > 0 else ''}{body}{' ...' if end < len(self.words.words) else ''}"


def _difference(source: _Written, first: int, last: int, passage: _Written) -> tuple[str, str]:
    """The differing words of both sides with their context, as 'what the source has' and 'what the passage has'."""
    stretch = source.words.words[first:last]
    matcher = difflib.SequenceMatcher(None, stretch, passage.words.words, autojunk=False)
    changed = [
        group for group in matcher.get_grouped_opcodes(CONTEXT_WORDS) if any(tag != "equal" for tag, *_ in group)
    ]
    if not changed:
        # Same words, different characters between them (spacing around punctuation): show both whole.
        return source.quote(first, last), passage.quote(0, len(passage.words.words))
    source_parts = [source.quote(first + group[0][1], first + group[-1][2]) for group in changed]
    passage_parts = [passage.quote(group[0][3], group[-1][4]) for group in changed]
    return _joined(source_parts), _joined(passage_parts)


def _joined(parts: list[str]) -> str:
    return " ".join(parts).replace("... ...", "...")
