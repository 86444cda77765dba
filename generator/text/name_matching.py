"""The one name matcher: does a text name a person who may not be named?

Names and text are compared word by word as *skeletons*, not as typed:
compatibility forms folded (NFKD: fullwidth, mathematical, circled and
squared letters), letter-like symbols read as their letter (negative squared
and regional-indicator letters, which no normalisation form maps), case
folded, accents dropped, letters of other scripts that look like Latin ones
mapped to the Latin letter they imitate (Unicode TR#39's confusables, as
shipped by `confusable-homoglyphs`) and every script transliterated to Latin
(`anyascii`). A Cyrillic letter such as р both looks like p and is read r, so
every word has two skeletons, look-alike and transliterated, and a match of
either with either counts.

Each word also has *sound keys*: its transliteration with the differences
between the usual romanisations folded away (Quastik and Квастик, Sholpan and
Kazakh Latin Şolpan, Dzhaksybekova and Jaqsybekova, Mansoor and Greek
Μανσούρ). Keys of 5+ letters match within a script; shorter ones only across
scripts (Вэй for Wei), where a coincidence with an ordinary word of the same
script cannot happen. A word in a script that writes no short vowels
(Arabic, Hebrew) is compared by its consonants (أحمد منصور: hmd mnsr, as in
Ahmed Mansoor). A name written in Chinese characters, one syllable each, is
found as the syllables of its whole name in a row (李伟: Li Wei).

A withheld person is identified by any *strong* token of their name or
aliases, in any order and with up to two letters of inflection after tokens
of 4+ letters (Bokaev, Bokaeva, Bokaev's), or a Russian, Georgian or Armenian
case ending after a 3-letter token (Кима, Kimom, კიმი). A token is *weak*
when it has fewer than 3 letters or is an ordinary word: one of the
`COMMON_WORDS` most frequent words of a language the briefings are written
in (`pyspellchecker`'s lists; a Russian one only if the Russian dictionary
of `pymorphy3` knows it as more than a person's name), or one of the
generator's own words (its catalogues in every language, month and day
names, the words and font names of its templates). A weak
token identifies only together with another token of the same name: Theresa
May is found by "Theresa", by "Theresa May", never by "may". A word of the
text that is itself an ordinary word is only such evidence too (Russian
"мир" never names a withheld "Mir" on its own), and is never read as an
inflected form (Tim is not in "time"). A token that also belongs to someone
who may be named (a shared first name) identifies only together with every
other token of that name. Long tokens (6+ letters) are also found with
letters spaced or punctuated apart ("Q.u.a.s.t.i.k"), spread over consecutive
whole words of the text. Titles, particles, generational suffixes and initials
(Mr, van, Jr, III, J.) never identify anyone.

Text is matched as written and, when it differs, as decoded: HTML entities
and percent-encoding undone until nothing changes (a link copied from a
browser, even encoded twice), punycode host names read, markup and
emphasis marks taken out, every space-like character that is not a plain
space removed (a hair space inside "Kim"), and words run together in camel
case taken apart.

Matching costs one pass over the text's tokens plus a slide over its letters,
whatever the number of names: token skeletons and keys sit in one dict. The
word lists are read once, the first time someone is withheld.
"""

from __future__ import annotations

import functools
import gzip
import heapq
import html
import itertools
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from typing import Any, NamedTuple
from urllib.parse import unquote_to_bytes
from xml.etree import ElementTree

from anyascii import anyascii

from generator import TEMPLATES_DIR
from generator.text.catalogue import languages, messages
from generator.text.characters import INVISIBLE

MIN_IDENTIFYING = 3
"""Letters a name token needs to identify a person on its own."""
MIN_INFLECTED = 4
"""Letters a name token needs before any short ending may follow it."""
MAX_INFLECTION = 2
SHORT_STEM = 3
"""Letters of the tokens that take only a case ending of the script they are written in."""
MIN_ROMANISED = 5
"""Letters a sound key needs to match a word of the same script: shorter keys of ordinary words would meet names."""
MIN_ACROSS_SCRIPTS = 3
"""Letters a sound key needs to match a word of another script."""
MIN_CONSONANTS = 3
"""Consonants a word written without short vowels needs to be compared by them."""
MIN_SQUEEZED = 6
"""Letters a name token needs to be looked for with its letters spaced apart:
shorter ones would be found across word boundaries of ordinary prose."""
MIN_JOINED = 5
"""Letters a whole name run together (VadimKim, vadimkim) needs to be looked for as one word."""
MAX_SYLLABLES = 4
"""Syllables of the longest name looked for in Chinese, Japanese or Korean text."""
COMMON_WORDS = 10_000
"""How many of a language's most frequent words count as ordinary words, per language.

`pyspellchecker`'s frequency lists, unlike corpus counts of all tokens, rank
given names and surnames low: crowd, page and max are among the first 10,000
English words, Kim, Theresa and Ahmed are not."""
DECODING_ROUNDS = 4
"""Times entities and percent-encoding are undone, for text encoded more than once."""

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

RENDERER_FONTS = ("DejaVu",)
"""The face the PDF renderer's font configuration falls back to, named by no template."""

_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")
_SKELETON_JUNK = re.compile(r"[^a-z0-9]+")
_LETTER_SYMBOL = re.compile(r"(?:LATIN (?:CAPITAL |SMALL )?|SYMBOL )LETTER ([A-Z])$")
_SYLLABIC = ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH", "HIRAGANA", "KATAKANA", "HANGUL SYLLABLE")
_ABJADS = frozenset({"ARABIC", "HEBREW", "SYRIAC", "THAANA"})
_CAMEL_CASE = re.compile(r"(?<=[a-zа-яё]{2})(?=[A-ZА-ЯЁ][a-zа-яё])")
"""A word boundary run together: BokayevFamily; not the alternating case of aYaN."""

_CASE_ENDINGS = {
    "CYRILLIC": ("а", "у", "ом", "е", "ым", "ой", "ы", "ую", "ою"),
    "GEORGIAN": ("ი", "ს", "ის", "მა", "ით"),
    "ARMENIAN": ("ի", "ին", "ով"),
}
"""Case endings a short surname takes in Russian, and a foreign name in Georgian and Armenian."""
_CASE_ENDINGS["LATIN"] = tuple(sorted({anyascii(ending) for ending in _CASE_ENDINGS["CYRILLIC"]}))

_READ_AS_ONE = {
    "GREEK": (("γου", "w"), ("ου", "u"), ("ντ", "d"), ("μπ", "b"), ("γκ", "g"), ("τζ", "dz"), ("γι", "y")),
    "ARMENIAN": (("ու", "u"),),
}
"""Letter pairs of a script that write one sound, which transliteration letter by letter misses:
Greek Άχμεντ Μανσούρ is Ahmed Mansour, not Achment Mansoyr."""

_ROMANISATION_FOLDS = (
    # The spellings one name takes across the usual romanisations of Russian,
    # Kazakh and other scripts: Quastik and Квастик (Kvastik), Nazarbayev and
    # Назарбаев (Nazarbaev), Yevgeny and Евгений (Evgenii), Sholpan and Şolpan
    # (ASCII drops the hook that made s read sh), Theresa and Тереза.
    (re.compile(r"th"), "t"),
    (re.compile(r"dzh|dsch|dj|zh|dz"), "z"),
    (re.compile(r"sch|sh|sz"), "s"),
    (re.compile(r"qu"), "kv"),
    (re.compile(r"q"), "k"),
    (re.compile(r"w"), "v"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"f"), "v"),  # Козлов is Kozloff and Greek Κοζλόφ: a final v is said f
    (re.compile(r"ck"), "k"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"c(?!h)"), "k"),
    (re.compile(r"z"), "s"),
    (re.compile(r"ou|oo"), "u"),
    (re.compile(r"y"), "i"),
    (re.compile(r"(?<=[aeiou])i(?=[aeiou])|^i(?=[aeiou])"), ""),  # the glide of ya, ye, yu: -ayev, Yevgeny
    (re.compile(r"(.)\1+"), r"\1"),
)
_VOWELS = re.compile(r"[aeiou]")
_VOWEL_LETTERS = str.maketrans("", "", "وىيוי")
"""Arabic waw, alif maqsura and ya, Hebrew vav and yod: letters that write a long vowel as often as a consonant."""

_SPACE_LIKE = re.compile(r"[^\S \t\n\r\f\v]|\u2800")
"""Every whitespace character but the plain ones, and the blank braille pattern that prints as one."""
_MARKUP = re.compile(r"<[^<>]*>")
_EMPHASIS = re.compile(r"[*_`~]")
_PUNYCODE = re.compile(r"xn--([a-z0-9-]+)", re.IGNORECASE)


class _WordCharacters(dict[int, str]):
    """A str.translate table, filled as characters are met: letters and digits stay, combining
    marks and invisible characters go (they must not split a word), a syllable written as one
    character stands alone, anything else separates words."""

    def __missing__(self, code: int) -> str:
        character = chr(code)
        category = unicodedata.category(character)
        if category in ("Mn", "Me") or INVISIBLE.match(character):
            kept = ""
        elif unicodedata.name(character, "").startswith(_SYLLABIC):
            kept = f" {character} "
        elif category[0] in "LN" or category == "Mc":
            kept = character
        else:
            kept = " "
        self[code] = kept
        return kept


class _LetterSymbols(dict[int, str]):
    """A str.translate table: each symbol drawn as a Latin letter (🅺, 🇰, ⒦, a tag letter) -> the letter."""

    def __missing__(self, code: int) -> str:
        character = chr(code)
        match = _LETTER_SYMBOL.search(unicodedata.name(character, ""))
        kept = match[1] if match and not unicodedata.category(character).startswith("L") else character
        self[code] = kept
        return kept


_WORD_CHARACTERS = _WordCharacters()
_LETTER_SYMBOLS = _LetterSymbols()


def tokens(text: str) -> list[str]:
    """The words of `text` as typed (case kept), accents and invisible characters removed,
    letter-like symbols read as letters; each Chinese, Japanese or Korean syllable is a word."""
    if text.isascii():
        return _ASCII_WORD.findall(text)
    return unicodedata.normalize("NFKD", text.translate(_LETTER_SYMBOLS)).translate(_WORD_CHARACTERS).split()


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


class _Word(NamedTuple):
    """One word, as every comparison sees it."""

    script: str
    """The Unicode script of its first letter, as the character names spell it: LATIN, CYRILLIC, ..."""
    looks: str
    reads: str
    keys: frozenset[str]
    """Its sound keys, of any length (see `_romanisation_keys`)."""
    consonants: frozenset[str]
    """Its sound keys without vowels, for comparison with a word of a script that writes none."""


def _script(word: str) -> str:
    for character in word:
        if character.isalpha():
            return unicodedata.name(character, "").split(" ", 1)[0]
    return ""


@functools.lru_cache(maxsize=1 << 16)
def _word(token: str) -> _Word:
    script = _script(token)
    if token.isascii():
        looks = reads = spoken = _SKELETON_JUNK.sub("", token.lower())
    else:
        lookalikes = _lookalikes()
        looks = _SKELETON_JUNK.sub(
            "", "".join(lookalikes.get(character) or anyascii(character) for character in token).casefold()
        )
        reads = _SKELETON_JUNK.sub("", anyascii(token).casefold())
        spoken = token.lower()
        for pair, sound in _READ_AS_ONE.get(script, ()):
            spoken = spoken.replace(pair, sound)
        spoken = _SKELETON_JUNK.sub("", anyascii(spoken).casefold())
    keys = _romanisation_keys(looks) | _romanisation_keys(reads) | _romanisation_keys(spoken)
    if script in _ABJADS:
        # Its letters for long vowels also write w, y and v: a name's consonants are what is left without them.
        bare = _SKELETON_JUNK.sub("", anyascii(token.translate(_VOWEL_LETTERS)).casefold())
        consonants = {_VOWELS.sub("", key) for key in _romanisation_keys(bare)}
    else:
        consonants = {_VOWELS.sub("", key) for key in keys}
    return _Word(script, looks, reads, keys, frozenset(form for form in consonants if len(form) >= MIN_CONSONANTS))


def skeletons(token: str) -> tuple[str, ...]:
    """The token as it looks (look-alikes as the Latin letter they imitate), as it reads (transliterated),
    and, for longer tokens, as it sounds (see `_romanisation_keys`)."""
    word = _word(token)
    sounds = {key for key in word.keys if len(key) >= MIN_ROMANISED} - {word.looks, word.reads}
    return (word.looks, word.reads, *sorted(sounds))


_AMBIGUOUS = (
    (re.compile(r"j"), ("y", "zh")),
    (re.compile(r"(?<![dst])ch"), ("ch", "kh", "sh")),
    (re.compile(r"ow"), ("ow", "ou")),
)
"""Letters romanisations read differently, and each way they are read: j as in Jevgenij or as in
Jaqsybekova and Djamila; ch as in Chernov, as in German and Polish Charkowa, as in French Iliachev;
ow as in Polish Kozłow or as in English Crowd (Кроуд)."""


@functools.lru_cache(maxsize=1 << 16)
def _romanisation_keys(skeleton: str) -> frozenset[str]:
    """What stays of a romanised name whichever romanisation wrote it: one key per way of reading
    its ambiguous letters (see `_AMBIGUOUS`)."""
    readings = {skeleton}
    for letters, sounds in _AMBIGUOUS:
        if letters.search(skeleton):
            readings = {letters.sub(sound, reading) for reading in readings for sound in sounds}
    keys = set()
    for reading in readings:
        for pattern, replacement in _ROMANISATION_FOLDS:
            reading = pattern.sub(replacement, reading)
        keys.add(reading)
    return frozenset(keys)


def _declined_stems(word: _Word) -> Iterator[str]:
    """What a name keeps of itself when declined in Russian, which replaces its last letter:
    Ospanova, Оспановой; Мамай, Мамаем."""
    for form in (word.looks, word.reads, *word.keys):
        vowel_ending = (len(form) >= MIN_SQUEEZED and form[-1] in "aeiouy") or re.search(r"[aeiou][iy]$", form)
        if vowel_ending and len(form) > MIN_INFLECTED:
            yield form[:-1]


def _without_endings(skeleton: str) -> Iterator[str]:
    """What the skeleton would be without a short ending (Bokaeva -> Bokaev)."""
    for cut in range(1, MAX_INFLECTION + 1):
        stem = skeleton[:-cut]
        if len(stem) >= MIN_INFLECTED and skeleton[-cut:].isalpha():
            yield stem


ORDINARY_WORDS: list[object] = ["ordinary-words"]
"""The run-cache entry of the word lists below: building them reads megabytes of word
frequencies and every template, a cost each process that looks for a name would pay again."""


@functools.cache
def _word_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(`_common_words`, `_own_words`), remembered across runs while the code, the installed
    libraries and the templates they are built from stay the same."""
    from generator.core import run_cache, store

    key = store.inputs_key(store.templates_digest())
    lists = run_cache.recall(ORDINARY_WORDS, key, _are_word_lists)
    if lists is None:
        lists = {"common": sorted(_read_common_words()), "own": sorted(_read_own_words())}
        run_cache.remember(ORDINARY_WORDS, key, lists)
    return frozenset(lists["common"]), frozenset(lists["own"])


def _are_word_lists(lists: Any) -> bool:
    return (
        isinstance(lists, dict)
        and lists.keys() == {"common", "own"}
        and all(isinstance(words, list) and all(isinstance(word, str) for word in words) for words in lists.values())
    )


def _common_words() -> frozenset[str]:
    return _word_lists()[0]


def _own_words() -> frozenset[str]:
    return _word_lists()[1]


def _read_common_words() -> frozenset[str]:
    """The most frequent words of each language the briefings are written in: case folded,
    accents dropped, in the script they are written in."""
    from spellchecker import SpellChecker

    found: set[str] = set()
    for language in sorted({tag.split("-")[0] for tag in languages()} & set(SpellChecker.languages())):
        # The frequency list as the package ships it: building a SpellChecker would double the time.
        packed = resources.files("spellchecker").joinpath("resources", f"{language}.json.gz").read_bytes()
        frequencies: dict[str, int] = json.loads(gzip.decompress(packed))
        found.update(_folded(heapq.nlargest(COMMON_WORDS, frequencies, key=frequencies.__getitem__)))
    return frozenset(found)


def _read_own_words() -> frozenset[str]:
    """Every word the generator itself prints, as `_common_words` spells them."""
    return frozenset(_folded(_CAMEL_CASE.sub(" ", text) for text in _own_texts()))


def _folded(texts: Iterable[str]) -> Iterator[str]:
    return (word.casefold() for text in texts for word in tokens(text))


PERSON_GRAMMEMES = frozenset({"Name", "Surn", "Patr"})
"""OpenCorpora's tags of a given name, surname and patronymic."""


@functools.lru_cache(maxsize=1 << 12)
def _russian_word(word: str) -> bool:
    """Whether a Cyrillic word is in the Russian dictionary as something other than a person's name.

    The Russian frequency list, made from film subtitles, ranks names (Ким, Тереза) among its
    first words; and a short sound key of a Russian word (Азия: asia) meets names of other
    scripts (Asya) by chance."""
    return any(parse.is_known and not parse.tag.grammemes & PERSON_GRAMMEMES for parse in _morphology().parse(word))


@functools.cache
def _morphology() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _own_texts() -> Iterator[str]:
    """The words the generator writes in every briefing, whatever the knowledge base says."""
    from babel.dates import get_day_names, get_month_names

    for language in languages():
        yield from messages(language).values()
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                yield from get_month_names(width, context, language.replace("-", "_")).values()
                yield from get_day_names(width, context, language.replace("-", "_")).values()
    for path in sorted(TEMPLATES_DIR.rglob("*")):
        if path.suffix in (".j2", ".css"):
            yield path.read_text(encoding="utf-8")
        elif path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                for part in archive.namelist():
                    if part.endswith((".xml", ".rels")):
                        for element in ElementTree.fromstring(archive.read(part)).iter():
                            yield from element.attrib.values()
                            yield element.text or ""
        elif path.is_file():
            yield path.stem
    yield from RENDERER_FONTS


def _ordinary(token: str, word: _Word) -> bool:
    """Whether the token is an ordinary word: the generator's own, or a common one of its language."""
    folded = token.casefold()
    if folded in _own_words() or word.looks in _own_words():
        return True
    common = _common_words()
    if folded not in common and word.looks not in common:
        return False
    return word.script != "CYRILLIC" or _russian_word(folded)


def _weak(token: str) -> bool:
    word = _word(token)
    return (
        max(len(word.looks), len(word.reads)) < MIN_IDENTIFYING
        or word.looks in NEVER_IDENTIFYING
        or word.reads in NEVER_IDENTIFYING
        or _ordinary(token, word)
    )


def weak_tokens(name: str) -> list[str]:
    """The tokens of `name`, as typed, that cannot identify its bearer on their own: initials,
    titles and particles, tokens under 3 letters, and ordinary or the generator's own words.
    A person whose name has no other token is found only by two of these together, or not at
    all: an alias in another spelling makes them findable."""
    return list(dict.fromkeys(token for token in tokens(name) if _weak(token)))


def _name_tokens(name: str) -> list[str]:
    """The tokens of a name that could point at its bearer, alone or with another."""
    found = []
    for token in tokens(name):
        word = _word(token)
        forms = {word.looks, word.reads} - {""}
        if forms and not forms & NEVER_IDENTIFYING and max(map(len, forms)) > 1:
            found.append(token)
    return found


@functools.lru_cache(maxsize=1 << 16)
def _lookups(token: str) -> tuple[bool, tuple[str, ...]]:
    """Whether the word of a text is an ordinary word, and the keys it is looked up by in a guard.

    "=" forms match any name token, "~" keys one of another script, "-" 4-letter stems
    a Russian declension of the name, "#" consonants come from a script without short
    vowels, "+" a whole name run together.
    """
    word = _word(token)
    ordinary = _ordinary(token, word)
    exact = {word.looks, word.reads} | {key for key in word.keys if len(key) >= MIN_ROMANISED}
    across = set(word.keys)
    if not ordinary:
        stems = {stem for form in exact for stem in _without_endings(form)}
        exact |= stems | {key for stem in stems for key in _romanisation_keys(stem) if len(key) >= MIN_INFLECTED}
        for ending in _CASE_ENDINGS.get(word.script, ()):
            stem = token[: -len(ending)]
            if token.lower().endswith(ending) and len(stem) == SHORT_STEM:
                short = _word(stem)
                exact |= {short.looks, short.reads}
                across |= short.keys
    # A short key that spells a common word is that word read in another script, not a name.
    common = _common_words()
    across = {
        key for key in across if len(key) >= MIN_ROMANISED or (len(key) >= MIN_ACROSS_SCRIPTS and key not in common)
    }
    keys = [f"={form}" for form in sorted(exact)] + [f"~{key}" for key in sorted(across)]
    if word.script == "CYRILLIC" and not ordinary:
        keys += [f"-{form}" for form in sorted(exact) if len(form) == MIN_INFLECTED]
    if word.script in _ABJADS:
        keys += [f"#{consonants}" for consonants in sorted(word.consonants)]
    if len(word.reads) >= MIN_JOINED:
        keys.append(f"+{word.reads}")
    return ordinary, tuple(keys)


def _syllable(token: str) -> bool:
    return len(token) == 1 and unicodedata.name(token, "").startswith(_SYLLABIC)


def _decoded(text: str) -> str:
    """`text` as a reader of its source, or of the link or page it came from, would see it."""
    decoded = text
    for _ in range(DECODING_ROUNDS):
        before = decoded
        if "&" in decoded:
            decoded = html.unescape(decoded)
        if "%" in decoded:
            raw = unquote_to_bytes(decoded.replace("+", " "))
            try:
                decoded = raw.decode("utf-8")
            except UnicodeDecodeError:
                decoded = raw.decode("cp1251", errors="replace")  # Russian sites of the pre-Unicode web
        if decoded == before:
            break
    if "xn--" in decoded.lower():
        decoded = _PUNYCODE.sub(_from_punycode, decoded)
    if "<" in decoded:
        decoded = _MARKUP.sub("", decoded)
    decoded = _EMPHASIS.sub("", decoded)
    if not decoded.isascii():
        decoded = _SPACE_LIKE.sub("", decoded)
    return _CAMEL_CASE.sub(" ", decoded)


def _from_punycode(label: re.Match[str]) -> str:
    try:
        return label[1].encode("ascii").decode("punycode")
    except UnicodeError:
        return label[0]


class _Slot(NamedTuple):
    """Where a key leads: one token of one name of one person."""

    label: str
    name: int
    """Index of the name in the guard."""
    token: int
    """Index of the token in its name; JOINED for the whole name run together."""
    strong: bool
    """Whether the token identifies on its own."""
    script: str
    """For a "~" key, the script of the name token: such keys match only words of another script."""


JOINED = -1


class _Name(NamedTuple):
    label: str
    size: int
    shared: bool
    """Whether a token of it belongs to someone who may be named: then it identifies only whole."""


class NameGuard:
    """Finds, in any text, a mention of the people one copy of a briefing may not name.

    `withheld` maps a label for each such person (how messages refer to them;
    never their name) to their name and aliases; `shown` holds the names the
    copy may print, whose tokens are then no evidence on their own.
    """

    def __init__(self, withheld: Mapping[str, Iterable[str]], shown: Iterable[str] = ()) -> None:
        self._key = (tuple(sorted((label, tuple(names)) for label, names in withheld.items())), frozenset(shown))
        self._slots: dict[str, list[_Slot]] = {}
        self._names: list[_Name] = []
        self._squeezable: dict[str, list[tuple[str, str]]] = {}
        """First MIN_SQUEEZED letters -> (long skeleton, label), for the search with letters apart."""
        if not self._key[0]:
            return
        shared = {form for name in self._key[1] for token in _name_tokens(name) for form in skeletons(token) if form}
        for label, names in self._key[0]:
            for name in names:
                self._add_name(label, _name_tokens(name), shared)

    def _add_name(self, label: str, name: list[str], shared: set[str]) -> None:
        if not name:
            return
        index = len(self._names)
        is_shared = [bool(set(skeletons(token)) & shared) for token in name]
        self._names.append(_Name(label, len(name), any(is_shared)))
        for position, token in enumerate(name):
            word = _word(token)
            strong = not is_shared[position] and not _weak(token)
            slot = _Slot(label, index, position, strong, "")
            exact = {word.looks, word.reads} | {key for key in word.keys if len(key) >= MIN_ROMANISED}
            for form in exact:
                if strong and len(form) >= MIN_SQUEEZED:
                    self._squeezable.setdefault(form[:MIN_SQUEEZED], []).append((form, label))
            for form in exact:
                self._slots.setdefault(f"={form}", []).append(slot)
            for stem in _declined_stems(word):
                # A stem of 4 letters would be met in ordinary words of other languages (mama: mammal).
                self._slots.setdefault(f"{'=' if len(stem) >= MIN_ROMANISED else '-'}{stem}", []).append(slot)
            across = slot._replace(script=word.script)
            for key in word.keys:
                if len(key) >= MIN_ACROSS_SCRIPTS:
                    self._slots.setdefault(f"~{key}", []).append(across)
            for consonants in word.consonants:
                self._slots.setdefault(f"#{consonants}", []).append(slot)
        if len(name) > 1:
            whole = _Slot(label, index, JOINED, True, "")
            reads = [_word(token).reads for token in name]
            for joined in {"".join(reads), "".join(reversed(reads))}:
                self._slots.setdefault(f"+{joined}", []).append(whole)

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
        """The label of a withheld person `text` names, as written or as decoded, or None."""
        if not self._key[0] or not text:
            return None
        found = self._find_in(text)
        if found is None and (decoded := _decoded(text)) != text:
            found = self._find_in(decoded)
        return found

    def _find_in(self, text: str) -> str | None:
        words = tokens(text)
        evidence: dict[int, tuple[set[int], set[int]]] = {}
        """Name -> (its tokens met, the positions in the text they were met at)."""
        syllables: list[str] = []
        for position, token in enumerate(words):
            if _syllable(token):
                syllables.append(_word(token).reads)
                continue
            if label := self._find_syllables(syllables):
                return label
            syllables = []
            ordinary, keys = _lookups(token)
            script = _word(token).script
            for key in keys:
                for slot in self._slots.get(key, ()):
                    if key[0] == "~" and (
                        slot.script == script or (script == "CYRILLIC" and _russian_word(token.casefold()))
                    ):
                        continue
                    if slot.strong and not ordinary:
                        return slot.label
                    if slot.token != JOINED:
                        met, where = evidence.setdefault(slot.name, (set(), set()))
                        met.add(slot.token)
                        where.add(position)
        if label := self._find_syllables(syllables):
            return label
        if label := self._find_squeezed(words):
            return label
        return self._find_together(evidence)

    def _find_syllables(self, syllables: list[str]) -> str | None:
        """A whole name among consecutive syllables of Chinese, Japanese or Korean text."""
        for start in range(len(syllables) - 1):
            for end in range(start + 2, min(start + MAX_SYLLABLES, len(syllables)) + 1):
                for slot in self._slots.get(f"+{''.join(syllables[start:end])}", ()):
                    return slot.label
        return None

    def _find_together(self, evidence: dict[int, tuple[set[int], set[int]]]) -> str | None:
        for index, (met, where) in evidence.items():
            name = self._names[index]
            if len(met) >= 2 and len(where) >= 2 and (not name.shared or len(met) == name.size):
                return name.label
        return None

    def _find_squeezed(self, words: list[str]) -> str | None:
        """A long name token whose letters are spread over two or more words of the text, each whole."""
        if not self._squeezable or len(words) < 2:
            return None
        for skeleton in ("looks", "reads"):
            parts = [getattr(_word(token), skeleton) for token in words]
            letters = "".join(parts)
            ends = list(itertools.accumulate(map(len, parts)))
            starts = {0, *ends}
            for first, start in enumerate([0, *ends[:-1]]):
                for form, label in self._squeezable.get(letters[start : start + MIN_SQUEEZED], ()):
                    if (
                        letters.startswith(form, start)
                        and start + len(form) in starts
                        and start + len(form) > ends[first]
                    ):
                        return label
        return None
