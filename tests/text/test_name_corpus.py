"""The name matcher reaches its targets on the corpus of tests/name_corpus.py: every
disguise of a withheld name found, at least 98% of its spellings in other scripts
and romanisations, none of the generator's own words taken for a name, and at most
1% of other text. `python -m tests.name_corpus` prints the same measurement."""

import pytest

from generator.api import render
from generator.render import REGISTRY
from generator.text.name_matching import NameGuard
from tests.name_corpus import OWN_WORDS, cross_script, disguised, measure, ordinary_texts, report, withheld
from tests.sample_brief import sample_brief


@pytest.fixture(scope="module")
def rates():
    return measure()


def test_the_corpus_is_large_enough():
    assert len(disguised()) >= 300
    assert len(cross_script()) >= 150
    assert sum(len(texts) for texts in ordinary_texts().values()) >= 300
    assert {variant.kind for variant in cross_script()} >= {"ru", "kk", "kk-Latn", "ar", "zh", "ka", "hy", "el"}


@pytest.mark.slow
def test_every_disguise_is_found(rates):
    assert rates.recall("disguise") == 1, report(rates)


@pytest.mark.slow
def test_nearly_every_spelling_in_another_script_is_found(rates):
    assert rates.recall("cross-script") >= 0.98, report(rates)


@pytest.mark.slow
def test_the_generator_s_own_words_name_no_one(rates):
    matched, _tried = rates.false_positives(OWN_WORDS)

    assert matched == 0, report(rates)


@pytest.mark.slow
def test_at_most_one_ordinary_text_in_a_hundred_is_taken_for_a_name(rates):
    matched, tried = rates.false_positives(tuple(kind for kind in rates.tried if kind not in OWN_WORDS))

    assert matched / tried <= 0.01, report(rates)


@pytest.mark.slow
@pytest.mark.parametrize("output_format", REGISTRY)
def test_a_finished_briefing_names_no_one_of_the_corpus(output_format):
    """What the renderers add (fonts, styles, page labels, properties) is the generator's own too."""
    content = render(sample_brief(), output_format)
    strings = REGISTRY[output_format].read_back(content)
    # The sample briefing names Max Bokayev, whom it may name.
    name_guard = NameGuard({label: names for label, names in withheld().items() if label != "bokayev"})

    assert [(where, text) for where, text in strings if name_guard.find(text)] == []
