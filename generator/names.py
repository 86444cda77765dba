"""The one name matcher: does a text name a person who may not be named?

Names and text are compared as *skeletons*, not as typed: compatibility
forms folded (NFKC: fullwidth and mathematical letters), case folded,
accents dropped, letters of other scripts that look like Latin ones mapped
to the Latin letter they imitate (Unicode TR#39's confusables, as shipped by
`confusable-homoglyphs`) and other scripts transliterated to Latin
(`anyascii`). A Cyrillic letter such as р both looks like p and is read r, so
every token has two skeletons, look-alike and transliterated, and a match of
either with either counts.

A withheld person is identified by any token of their name or aliases of 3+
letters, in any order and with up to two letters of inflection after tokens
of 4+ letters (Bokaev, Bokaeva, Bokaev's). A token that also belongs to
someone who may be named (a shared first name) identifies only together
with every other token of that name. Long tokens (6+ letters) are also found
with letters spaced or punctuated apart ("Q.u.a.s.t.i.k"), in the text with
every non-letter removed. Titles, particles, generational suffixes and
initials (Mr, van, Jr, III, J.) never identify anyone on their own.

Matching costs one pass over the text's tokens plus a slide over its letters,
whatever the number of names: token skeletons sit in sets and dicts.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from importlib import resources

from anyascii import anyascii

from .characters import INVISIBLE

MIN_IDENTIFYING = 3
"""Letters a name token needs to identify a person on its own."""
MIN_INFLECTED = 4
"""Letters a name token needs before an inflection may follow it."""
MAX_INFLECTION = 2
MIN_ROMANISED = 5
"""Letters a token's romanisation key needs to count: shorter keys of ordinary words would meet names."""
MIN_SQUEEZED = 6
"""Letters a name token needs to be looked for with its letters spaced apart:
shorter ones would be found across word boundaries of ordinary prose."""

NEVER_IDENTIFYING = frozenset(
    {
        "jr",
        "sr",
        "ii",
        "iii",
        "iv",
        "vi",
        "vii",
        "viii",  # generational suffixes
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",  # titles
        "van",
        "von",
        "der",
        "den",
        "del",
        "della",
        "de",
        "da",
        "di",
        "du",
        "dos",
        "das",
        "la",
        "le",
        "el",
        "al",
        "bin",
        "ibn",
        "bint",
        "ben",
        "abu",
        "ter",
        "ten",
        "af",
        "av",
        "zu",  # particles
    }
)

_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")
_SKELETON_JUNK = re.compile(r"[^a-z0-9]+")


class _WordCharacters(dict[int, str]):
    """A str.translate table, filled as characters are met: letters and digits stay, combining
    marks and invisible characters go (they must not split a word), anything else separates words."""

    def __missing__(self, code: int) -> str:
        character = chr(code)
        category = unicodedata.category(character)
        if category in ("Mn", "Me") or INVISIBLE.match(character):
            kept = ""
        elif category[0] in "LN" or category == "Mc":
            kept = character
        else:
            kept = " "
        self[code] = kept
        return kept


_WORD_CHARACTERS = _WordCharacters()


def tokens(text: str) -> list[str]:
    """The words of `text` as typed (case kept), accents and invisible characters removed."""
    if text.isascii():
        return _ASCII_WORD.findall(text)
    return unicodedata.normalize("NFKD", text).translate(_WORD_CHARACTERS).split()


@functools.cache
def _lookalikes() -> dict[str, str]:
    """Each non-ASCII character TR#39 lists as confusable with one ASCII letter -> that letter.

    TR#39's prototype of I is l; a capital that looks like one means I.
    """
    table = json.loads(
        resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text(encoding="utf-8")
    )
    mapping: dict[str, str] = {}
    for character, homoglyphs in table.items():
        for homoglyph in homoglyphs:
            for source, target in ((character, homoglyph["c"]), (homoglyph["c"], character)):
                if (
                    len(source) == 1
                    and len(target) == 1
                    and not source.isascii()
                    and target.isascii()
                    and target.isalpha()
                ):
                    if target == "l" and "CAPITAL" in unicodedata.name(source, ""):
                        target = "I"
                    mapping.setdefault(source, target)
    return mapping


@functools.lru_cache(maxsize=1 << 16)
def skeletons(token: str) -> tuple[str, ...]:
    """The token as it looks (look-alikes as the Latin letter they imitate), as it reads (transliterated),
    and, for longer tokens, as it sounds (see `_romanisation_key`)."""
    if token.isascii():
        looks = reads = _SKELETON_JUNK.sub("", token.lower())
    else:
        lookalikes = _lookalikes()
        looks = _SKELETON_JUNK.sub(
            "", "".join(lookalikes.get(character) or anyascii(character) for character in token).casefold()
        )
        reads = _SKELETON_JUNK.sub("", anyascii(token).casefold())
    sounds = {key for key in (_romanisation_key(looks), _romanisation_key(reads)) if len(key) >= MIN_ROMANISED}
    return (looks, reads, *sorted(sounds - {looks, reads}))


_ROMANISATION_FOLDS = (
    # The spellings one name takes across the usual romanisations of Russian,
    # Kazakh and other Cyrillic scripts: Quastik and Квастик (Kvastik),
    # Nazarbayev and Назарбаев (Nazarbaev), Yevgeny and Евгений (Evgenii).
    (re.compile(r"qu"), "kv"),
    (re.compile(r"q"), "k"),
    (re.compile(r"w"), "v"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"c(?!h)"), "k"),
    (re.compile(r"[yj]"), "i"),
    (re.compile(r"(?<=[aeiou])i(?=[aeiou])|^i(?=[aeiou])"), ""),  # the glide of ya, ye, yu: -ayev, Yevgeny
    (re.compile(r"(.)\1+"), r"\1"),
)


def _romanisation_key(skeleton: str) -> str:
    """What stays of a romanised name whichever romanisation wrote it."""
    for pattern, replacement in _ROMANISATION_FOLDS:
        skeleton = pattern.sub(replacement, skeleton)
    return skeleton


def _with_inflections_removed(skeleton: str) -> list[str]:
    """The skeleton, and what it would be without a short ending (Bokaeva -> Bokaev)."""
    forms = [skeleton]
    for cut in range(1, MAX_INFLECTION + 1):
        stem = skeleton[:-cut]
        if len(stem) >= MIN_INFLECTED and skeleton[-cut:].isalpha():
            forms.append(stem)
    return forms


def _name_tokens(name: str) -> list[frozenset[str]]:
    """The skeletons of each token of a name that could point at its bearer."""
    found = []
    for token in tokens(name):
        forms = frozenset(skeletons(token)) - {""}
        if forms and not forms & NEVER_IDENTIFYING and max(map(len, forms)) > 1:
            found.append(forms)
    return found


class NameGuard:
    """Finds, in any text, a mention of the people one copy of a briefing may not name.

    `withheld` maps a label for each such person (how messages refer to them;
    never their name) to their name and aliases; `shown` holds the names the
    copy may print, whose tokens are then no evidence on their own.
    """

    def __init__(self, withheld: Mapping[str, Iterable[str]], shown: Iterable[str] = ()) -> None:
        self._key = (tuple(sorted((label, tuple(names)) for label, names in withheld.items())), frozenset(shown))
        shared = {form for name in self._key[1] for forms in _name_tokens(name) for form in forms}
        self._identifying: dict[str, str] = {}
        """Skeleton of an identifying token -> label of its person."""
        self._squeezable: dict[str, list[tuple[str, str]]] = {}
        """First MIN_SQUEEZED letters -> (long skeleton, label), for the search with letters apart."""
        self._full_names: list[tuple[str, list[frozenset[str]]]] = []
        """Names that identify only whole: (label, the skeletons of each of their tokens)."""
        for label, names in self._key[0]:
            for name in names:
                self._add_name(label, _name_tokens(name), shared)

    def _add_name(self, label: str, name: list[frozenset[str]], shared: set[str]) -> None:
        identifying = [forms for forms in name if not forms & shared and max(map(len, forms)) >= MIN_IDENTIFYING]
        for forms in identifying:
            for form in forms:
                self._identifying.setdefault(form, label)
                if len(form) >= MIN_SQUEEZED:
                    self._squeezable.setdefault(form[:MIN_SQUEEZED], []).append((form, label))
        if not identifying and name:
            self._full_names.append((label, name))

    def __bool__(self) -> bool:
        """Whether there is anyone to look for."""
        return bool(self._key[0])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NameGuard) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        return f"NameGuard(withheld={[label for label, _ in self._key[0]]})"

    def find(self, text: str) -> str | None:
        """The label of a withheld person `text` names, or None."""
        if not self._key[0] or not text:
            return None
        words = [skeletons(token) for token in tokens(text)]
        present = {stem for forms in words for form in forms if form for stem in _with_inflections_removed(form)}
        for form in present:
            if form in self._identifying:
                return self._identifying[form]
        for label, name in self._full_names:
            if all(forms & present for forms in name):
                return label
        return self._find_squeezed(words)

    def _find_squeezed(self, words: list[tuple[str, ...]]) -> str | None:
        if not self._squeezable:
            return None
        looks = "".join(forms[0] for forms in words)
        reads = "".join(forms[1] for forms in words)
        for letters in (looks, reads) if reads != looks else (looks,):
            for start in range(len(letters) - MIN_SQUEEZED + 1):
                for form, label in self._squeezable.get(letters[start : start + MIN_SQUEEZED], ()):
                    if letters.startswith(form, start):
                        return label
        return None
