"""A briefing names as a gap exactly the audience's instruments that no cited passage speaks of."""

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.api import load_knowledge_base
from generator.kb import model
from generator.policy.instruments import not_covered, passages
from tests.conftest import BUNDLED_BRIEFS


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base(BUNDLED_BRIEFS).kb


def named_nowhere(kb, audience: model.Audience) -> list[model.Instrument]:
    """The definition, checked passage by passage for every instrument."""
    said = list(passages(kb))
    return [instrument for instrument in audience.instruments if not any(map(instrument.named_in, said))]


def with_passages(kb, texts: list[str]):
    """`kb` whose only cited passages are `texts`, one fact each."""
    fact = next(iter(kb.facts.values()))
    citation = fact.sources[0]
    facts = {
        f"fact-{index}": fact.model_copy(
            update={"id": f"fact-{index}", "sources": [citation.model_copy(update={"passage": text})]}
        )
        for index, text in enumerate(texts)
    }
    return dataclasses.replace(kb, facts=facts, cases={}, recommendations={}, responses={}, levers={})


def audience_with(kb, *terms: list[str]) -> model.Audience:
    instruments = [
        model.Instrument(id=f"instrument-{index}", name=f"Instrument {index}", terms=each)
        for index, each in enumerate(terms)
    ]
    return next(iter(kb.audiences.values())).model_copy(update={"instruments": instruments})


def test_every_bundled_audience_gets_the_gaps_the_definition_gives(kb):
    for audience in kb.audiences.values():
        assert not_covered(kb, audience) == named_nowhere(kb, audience)


def test_a_term_split_between_two_passages_is_not_named_and_spacing_and_case_do_not_matter(kb):
    split = with_passages(kb, ["Sanctions under the Global", "Magnitsky regime were not used."])
    audience = audience_with(kb, ["Global Magnitsky"], ["magnitsky REGIME"])
    assert [instrument.id for instrument in not_covered(split, audience)] == ["instrument-0"]
    spaced = with_passages(kb, ["the GLOBAL\n   magnitsky  regime"])
    assert not_covered(spaced, audience) == []


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.text(alphabet="ab \nAB", max_size=12), max_size=6),
    terms=st.lists(st.lists(st.text(alphabet="ab AB", min_size=1, max_size=4), min_size=1, max_size=2), max_size=4),
)
def test_gaps_found_folding_each_passage_once_are_the_definition_s(kb, texts, terms):
    terms = [[term for term in each if term.strip()] or ["a"] for each in terms]
    shown = with_passages(kb, texts)
    audience = audience_with(kb, *terms)
    assert not_covered(shown, audience) == named_nowhere(shown, audience)
