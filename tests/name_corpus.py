"""A measured name matcher: withheld names in every disguise and spelling, and
text that must not match, with the rates the matcher reaches on them.

    .venv/bin/python -m tests.name_corpus

prints recall per family of variants and false positives per kind of text.
`tests/text/test_name_corpus.py` holds the matcher to its targets.

Variants come in two families. *Disguises* (made here from each withheld name
and from each of its tokens that identifies on its own) change how a name is
written, never which name it is: look-alike, fullwidth, mathematical,
enclosed, squared and regional-indicator letters, invisible and space-like
characters inside a word, accents, percent-encoding, punycode, HTML
entities, markup. *Cross-script* variants (names_corpus/cross_script.tsv)
are the name as the press of another language spells it.
"""

from __future__ import annotations

import functools
import gzip
import heapq
import html.entities
import json
import string
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

import yaml
from babel import Locale
from babel.dates import get_day_names, get_month_names

from generator import TEMPLATES_DIR
from generator.text.catalogue import languages, messages
from generator.text.name_matching import NameGuard, tokens, weak_tokens

CORPUS = Path(__file__).parent / "names_corpus"
COMMON_WORDS_TESTED = 20_000
"""Words of each language's frequency list tried as text: twice the matcher's own cut, so that
the half it never treats as ordinary is tried too."""


@dataclass(frozen=True)
class Variant:
    label: str
    family: str
    """disguise or cross-script"""
    kind: str
    """The disguise, or the language the spelling is from."""
    text: str


def withheld() -> dict[str, list[str]]:
    return yaml.safe_load((CORPUS / "withheld.yaml").read_text(encoding="utf-8"))


def guard() -> NameGuard:
    return _guard()


@functools.cache
def _guard() -> NameGuard:
    return NameGuard(withheld())


def cross_script() -> list[Variant]:
    variants = []
    for line in (CORPUS / "cross_script.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, spelling, text = line.split("\t")
            variants.append(Variant(label, "cross-script", spelling, text))
    return variants


LOOKALIKES = dict(zip("aceopxyiABEHKMOPCTX", "асеорхуіАВЕНКМОРСТХ", strict=True))
"""Latin letters -> the Cyrillic letters drawn like them."""
INVISIBLE = {
    "soft hyphen": "\u00ad",
    "zero-width space": "\u200b",
    "zero-width non-joiner": "\u200c",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "mongolian vowel separator": "\u180e",
}
SPACE_LIKE = {
    "hair space": "\u200a",
    "thin space": "\u2009",
    "six-per-em space": "\u2006",
    "punctuation space": "\u2008",
    "figure space": "\u2007",
    "no-break space": "\u00a0",
    "narrow no-break space": "\u202f",
    "ideographic space": "\u3000",
    "braille blank": "\u2800",
}
"""Characters a reader takes for no space at all, or a thin one, inside a short word."""


def _letters(upper: int | None, lower: int | None) -> Callable[[str], str]:
    """Each ASCII letter as the letter of a block starting at `upper` (A) or `lower` (a);
    a block with one case only takes every letter in that case."""

    def shift(text: str) -> str:
        shifted = []
        for character in text:
            if "A" <= character <= "Z" or "a" <= character <= "z":
                index = ord(character.upper()) - ord("A")
                start = (upper if character.isupper() else lower) or upper or lower
                assert start is not None
                shifted.append(chr(start + index))
            else:
                shifted.append(character)
        return "".join(shifted)

    return shift


def _inside(mark: str) -> Callable[[str], str]:
    """`mark` in the middle of every word."""
    return lambda text: " ".join(word[: len(word) // 2] + mark + word[len(word) // 2 :] for word in text.split(" "))


def _entities(text: str, form: str) -> str:
    return "".join(form.format(ord(character)) if character != " " else " " for character in text)


_NAMED = {
    character: name for name, character in html.entities.html5.items() if name.endswith(";") and len(character) == 1
}


def _named_entities(text: str) -> str:
    """Every character HTML5 has a name for, by its name (Cyrillic letters all have one)."""
    return "".join(
        f"&{_NAMED[character]}" if character in _NAMED and character.isalpha() else character for character in text
    )


def _lookalike(text: str) -> str:
    return "".join(LOOKALIKES.get(character, character) for character in text)


def _punycode_host(text: str) -> str:
    label = _lookalike(text.lower()).replace(" ", "-")
    return f"https://xn--{label.encode('punycode').decode('ascii')}.example/"


CHARACTER_DISGUISES: dict[str, Callable[[str], str]] = {
    "look-alike letters": _lookalike,
    "fullwidth": _letters(0xFF21, 0xFF41),
    "mathematical bold": _letters(0x1D400, 0x1D41A),
    "mathematical sans-serif bold": _letters(0x1D5D4, 0x1D5EE),
    "mathematical monospace": _letters(0x1D670, 0x1D68A),
    "circled": _letters(0x24B6, 0x24D0),
    "parenthesized": _letters(None, 0x249C),
    "squared": _letters(0x1F130, None),
    "negative circled": _letters(0x1F150, None),
    "negative squared": _letters(0x1F170, None),
    "regional indicators": _letters(0x1F1E6, None),
    **{label: _inside(mark) for label, mark in INVISIBLE.items()},
    **{label: _inside(mark) for label, mark in SPACE_LIKE.items()},
    "decomposed accents": lambda text: unicodedata.normalize("NFD", text.replace("a", "á").replace("e", "ë")),
    "added accents": lambda text: text.replace("o", "ö").replace("i", "î").replace("u", "ù"),
    "alternating case": lambda text: "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(text)),
    "capitals": str.upper,
}
"""Ways of typing each letter of a name."""
ENCODINGS: dict[str, Callable[[str], str]] = {
    "percent-encoded": lambda text: "https://example.org/news/" + quote(_lookalike(text)),
    "percent-encoded twice": lambda text: "https://example.org/news/" + quote(quote(_lookalike(text))),
    "percent-encoded with plus": lambda text: "https://example.org/?q=" + quote(_lookalike(text)).replace("%20", "+"),
    "decimal entities": lambda text: _entities(text, "&#{};"),
    "hexadecimal entities": lambda text: _entities(text, "&#x{:X};"),
    "escaped entities": lambda text: _entities(text, "&amp;#{};"),
    "named entities": lambda text: _named_entities(_lookalike(text)),
    "escaped named entities": lambda text: _named_entities(_lookalike(text)).replace("&", "&amp;"),
    "bold markup inside": lambda text: " ".join(f"<b>{w[:2]}</b>{w[2:]}" for w in text.split(" ")),
    "comment inside": _inside("<!-- -->"),
    "emphasis inside": lambda text: " ".join(f"**{w[:2]}**{w[2:]}" for w in text.split(" ")),
    "link": lambda text: f"[{text}](https://example.org/)",
    "possessive": lambda text: f"{text}'s",
    "in a sentence": lambda text: f"Police detained {text} on Tuesday.",
}
"""Ways a name typed in any way reaches a text: in a link, a web page's source, markup."""
DISGUISES: dict[str, Callable[[str], str]] = {
    "plain": lambda text: text,
    **CHARACTER_DISGUISES,
    "punycode host": _punycode_host,
    **ENCODINGS,
}
"""Ways of writing a name that keep it the name; every one once let a name through somewhere."""

WHOLE_NAME_DISGUISES: dict[str, Callable[[str], str]] = {
    "run together": lambda text: "".join(word.title() for word in text.split(" ")),
    "run together in lower case": lambda text: "".join(text.lower().split()),
    "slug": lambda text: "https://example.org/" + "-".join(text.lower().split()),
    "underscored": lambda text: "_".join(text.split(" ")),
    "surname first in capitals": lambda text: " ".join([text.split(" ")[-1].upper(), *text.split(" ")[:-1]]),
}
LONG_TOKEN_DISGUISES: dict[str, Callable[[str], str]] = {
    "spaced letters": lambda text: " ".join(text),
    "dotted letters": lambda text: ".".join(text),
    "letters and invisible spaces": lambda text: "\u2009".join(text),
}
"""Only for a token of 6+ letters: shorter ones would be found across the words of ordinary prose."""


def disguised() -> list[Variant]:
    variants = []
    for label, names in withheld().items():
        for name in names:
            targets = [(name, {**DISGUISES, **WHOLE_NAME_DISGUISES})] if len(tokens(name)) > 1 else []
            weak = set(weak_tokens(name))
            for token in tokens(name):
                if token not in weak:
                    extra = LONG_TOKEN_DISGUISES if len(token) >= 6 else {}
                    targets.append((token, {**DISGUISES, **extra}))
            for target, disguises in targets:
                for kind, disguise in disguises.items():
                    text = disguise(target)
                    if kind == "plain" or text != target:
                        variants.append(Variant(label, "disguise", kind, text))
    return list(dict.fromkeys(variants))


def variants() -> list[Variant]:
    return disguised() + cross_script()


def ordinary_texts() -> dict[str, list[str]]:
    """Text no withheld person is named in, by kind. The first three are the generator's own words."""
    return {
        "catalogue messages": [_filled(text) for language in languages() for text in messages(language).values()],
        "template boilerplate": sorted(set(_boilerplate())),
        "month and day names": sorted(set(_calendar())),
        "common words": _common_words(),
        "place and language names": sorted(set(_places())),
        "other people's names": [
            line
            for line in (CORPUS / "other_names.txt").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")
        ],
    }


OWN_WORDS = ("catalogue messages", "template boilerplate", "month and day names")


def _filled(text: str) -> str:
    """A message as compose fills it, with 3 for every value."""
    return text.format(**{name: 3 for _, name, _, _ in string.Formatter().parse(text) if name is not None})


def _boilerplate() -> Iterator[str]:
    """Every text and attribute value of the reference document, the templates' words and the font names."""
    with zipfile.ZipFile(TEMPLATES_DIR / "reference.docx") as archive:
        for part in archive.namelist():
            if part.endswith((".xml", ".rels")):
                for element in ElementTree.fromstring(archive.read(part)).iter():
                    yield from (value for value in element.attrib.values() if value)
                    if element.text and element.text.strip():
                        yield element.text
    for path in sorted(TEMPLATES_DIR.glob("*.j2")) + sorted(TEMPLATES_DIR.glob("*.css")):
        yield from path.read_text(encoding="utf-8").split()
    for path in sorted((TEMPLATES_DIR / "fonts").iterdir()):
        yield path.stem
    yield from (
        "Times New Roman",
        "Cambria",
        "Calibri",
        "Noto Sans",
        "Noto Serif",
        "DejaVu Sans",
        "Page 2 of 3",
        "Copy 4",
    )


def _calendar() -> Iterator[str]:
    for locale in ("en", "en_GB", "fr", "ru"):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                yield from get_month_names(width, context, locale).values()
                yield from get_day_names(width, context, locale).values()
        yield from (
            f"{day} {month} 2026"
            for day, month in zip(range(1, 13), get_month_names("wide", "format", locale).values(), strict=True)
        )


def _common_words() -> list[str]:
    """The first words of the frequency lists the matcher's ordinary words come from, twice as many."""
    words = []
    for language in ("en", "fr", "ru"):
        packed = resources.files("spellchecker").joinpath("resources", f"{language}.json.gz").read_bytes()
        frequencies: dict[str, int] = json.loads(gzip.decompress(packed))
        words += heapq.nlargest(COMMON_WORDS_TESTED, frequencies, key=frequencies.__getitem__)
    return words


def _places() -> Iterator[str]:
    """Country and language names in the briefings' languages: words from outside any word list."""
    for locale in ("en", "fr", "ru"):
        yield from Locale.parse(locale).territories.values()
        yield from Locale.parse(locale).languages.values()


@dataclass
class Rates:
    found: dict[str, list[Variant]] = field(default_factory=dict)
    missed: dict[str, list[Variant]] = field(default_factory=dict)
    matched: dict[str, list[str]] = field(default_factory=dict)
    """Kind of ordinary text -> the texts the guard wrongly took for a withheld name."""
    tried: dict[str, int] = field(default_factory=dict)

    def recall(self, family: str) -> float:
        found, missed = len(self.found.get(family, [])), len(self.missed.get(family, []))
        return found / (found + missed)

    def false_positives(self, kinds: tuple[str, ...]) -> tuple[int, int]:
        return sum(len(self.matched[kind]) for kind in kinds), sum(self.tried[kind] for kind in kinds)


def measure(name_guard: NameGuard | None = None) -> Rates:
    name_guard = name_guard or guard()
    rates = Rates()
    for variant in variants():
        outcome = rates.found if name_guard.find(variant.text) == variant.label else rates.missed
        outcome.setdefault(variant.family, []).append(variant)
    for kind, texts in ordinary_texts().items():
        rates.tried[kind] = len(texts)
        rates.matched[kind] = [text for text in texts if name_guard.find(text) is not None]
    return rates


def report(rates: Rates) -> str:
    lines = ["recall (variants found with their own label):"]
    for family in ("disguise", "cross-script"):
        found, missed = len(rates.found.get(family, [])), len(rates.missed.get(family, []))
        lines.append(f"  {family:<14} {found}/{found + missed} = {rates.recall(family):.2%}")
        lines += [
            f"      missed: {variant.label} ({variant.kind}): {variant.text!r}"
            for variant in rates.missed.get(family, [])
        ]
    lines.append("false positives (ordinary text taken for a withheld name):")
    for kind, tried in rates.tried.items():
        matched = rates.matched[kind]
        lines.append(f"  {kind:<26} {len(matched)}/{tried} = {len(matched) / tried:.3%}")
        lines += [f"      {text!r}" for text in matched[:20]]
    rest = tuple(kind for kind in rates.tried if kind not in OWN_WORDS)
    own, own_tried = rates.false_positives(OWN_WORDS)
    other, other_tried = rates.false_positives(rest)
    lines.append(f"  the generator's own words: {own}/{own_tried} = {own / own_tried:.3%}")
    lines.append(f"  everything else:           {other}/{other_tried} = {other / other_tried:.3%}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(measure()))
