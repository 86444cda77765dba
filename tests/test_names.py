"""The name matcher finds a withheld person however their name is disguised, and
only them: each disguise below once let a name through."""

import unicodedata

import pytest

from generator.names import NameGuard

GUARD = NameGuard(
    {
        "quastik": ["Vorlen Quastik", "V. Quastik"],
        "veltrin": ["Tomas Veltrin Jr."],
        "bokaev": ["Aigul Bokaev"],
        "doe": ["Jan Doe"],
        "li": ["Li Na"],
    },
    shown=["Jan Smith", "Aigul Serikova"],
)


@pytest.mark.parametrize(
    "text",
    [
        "Quastik was detained",
        "QUASTIK Vorlen was detained",  # surname first, in capitals
        "Vorlen was detained",  # either token of 3+ letters identifies
        "quastik",
        unicodedata.normalize("NFD", "Quástik"),  # an added accent, decomposed
        "Quàstík",
        "Ｑｕａｓｔｉｋ",  # fullwidth
        "Quаstik",  # Cyrillic а
        "QUАSТIK",  # Cyrillic А and Т
        "Qua\u00adstik",  # soft hyphen
        "Qua\u200bstik",  # zero-width space
        "Qua\u200dstik",  # zero-width joiner
        "Ворлен",  # transliterated into Cyrillic
        "Бокаев",
        "Квастик",  # Quastik as Russian spells it: Kvastik
        "Kvastik",  # ... and romanised back
        "Bokayev",  # another romanisation of Бокаев
        "Бокаевой",  # declined, in Cyrillic
        "Bokaeva",  # inflected
        "Quastik's",  # possessive
        "Q u a s t i k",  # spaced letters
        "Q.u.a.s.t.i.k",
        "Qua stik",
        "Tomas Veltrin Jr. spoke",  # a name that ends in a dot
        "Veltrin",
        "Jan Doe",  # a shared first name identifies together with the rest of the name
        "Doe",
        "Li Na",  # a name of short tokens only identifies whole
        "Na Li",
    ],
)
def test_a_disguised_name_is_found(text):
    assert GUARD.find(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "Jan Smith was released",  # Jan is shared with a person who may be named
        "Aigul Serikova spoke",
        "the police van was parked",  # a particle never identifies
        "he does not know",  # Doe has 3 letters: no inflection
        "Li said",
        "the quest for justice",  # shares letters with Quastik, but not its romanisation
        "a consultant's report",
        "Nothing of the kind",
        "",
    ],
)
def test_other_text_is_left_alone(text):
    assert GUARD.find(text) is None


def test_the_match_is_reported_by_label_not_by_name():
    assert GUARD.find("Quastik was detained") == "quastik"
    assert GUARD.find("Bokaeva") == "bokaev"


def test_an_empty_guard_finds_nothing_and_is_false():
    guard = NameGuard({})

    assert not guard
    assert guard.find("Quastik") is None


def test_guards_built_alike_are_equal():
    assert NameGuard({"a": ["Vorlen Quastik"]}, ["Jan Smith"]) == NameGuard({"a": ["Vorlen Quastik"]}, ["Jan Smith"])
    assert NameGuard({"a": ["Vorlen Quastik"]}) != NameGuard({"a": ["Tomas Veltrin"]})
