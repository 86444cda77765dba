"""Finding a cited passage in its source's archived text: what extraction changes is forgiven, nothing else."""

import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.text import passages
from generator.text.passages import (
    NearMatch,
    Span,
    _normalised,
    locate,
    nearest,
    normalise,
    page_locator,
    page_of,
    pages_in,
    pages_in_locator,
)

ARCHIVE = (
    "Retreating Rights\n\nThe World Bank has committed $4.15 billion for 13 projects in Kazakh-\n"
    "stan, while the govern-\nment says its \u201creforms\u201d are\u00a0working.\f"
    "Page two: civil society \u2014 already under pressure \u2014 faces the so\u00adcalled \ufb01nes.\n"
    "Trade unions were well-\nknown targets.\fPage three ends here."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a  b\n\tc\fd\u00a0e", "a b c d e"),
        ("  padded  ", "padded"),
        (
            "\u201cquoted\u201d \u2018single\u2019 it\u2019s \"plain\" 'plain'",
            "\"quoted\" 'single' it's \"plain\" 'plain'",
        ),
        ("a-b a\u2013b a\u2014b a\u2212b a\u2011b a\u2010b", "a-b a-b a-b a-b a-b a-b"),
        ("so\u00adcalled", "socalled"),
        ("\ufb01 \ufb02 \ufb00 \ufb03 \ufb04 \ufb05 \ufb06", "fi fl ff ffi ffl st st"),
        ("govern-\nment", "government"),
        ("govern-  \r\n  ment", "government"),
        ("govern\u00ad\nment", "government"),
        ("Soviet-\nEra", "Soviet- Era"),
        ("ends-\n\nnew paragraph", "ends- new paragraph"),
    ],
)
def test_normalise_folds_only_what_extraction_changes(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize("text", ["Case Stays", "4.15 billion", "2021-02-15", "Ünïcode", "a.b,c;d"])
def test_normalise_keeps_case_digits_and_letters(text):
    assert normalise(text) == text


def test_a_passage_is_found_with_its_span_in_the_text_as_stored():
    passage = 'the government says its "reforms" are working.'

    span = locate(ARCHIVE, passage)

    assert span is not None
    assert ARCHIVE[span.start : span.end] == "the govern-\nment says its \u201creforms\u201d are\u00a0working."
    assert page_of(ARCHIVE, span.start) == 1


def test_pages_are_counted_by_form_feeds():
    span = locate(ARCHIVE, "civil society - already under pressure - faces the socalled fines.")

    assert span is not None
    assert page_of(ARCHIVE, span.start) == 2
    assert pages_in(ARCHIVE, span) == (2, 2)
    across = locate(ARCHIVE, "well-known targets. Page three")
    assert across is not None
    assert pages_in(ARCHIVE, across) == (2, 3)


def test_a_text_without_form_feeds_has_no_pages():
    assert page_of("one long page", 3) is None
    assert pages_in("one long page", Span(0, 3)) is None


def test_a_word_broken_at_a_line_end_is_found_joined_or_with_its_hyphen():
    assert locate(ARCHIVE, "Trade unions were wellknown targets") is not None
    assert locate(ARCHIVE, "Trade unions were well-known targets") is not None
    assert locate(ARCHIVE, "in Kazakhstan, while") is not None


@pytest.mark.parametrize(
    "changed",
    [
        "The World Bank has committed $4.5 billion for 13 projects",
        "the World Bank has committed $4.15 billion for 13 projects",
        "The World Bank has committed $4.15 billion for 12 projects",
        "The World Bank committed $4.15 billion for 13 projects",
    ],
)
def test_a_changed_word_digit_or_case_is_not_found(changed):
    assert locate(ARCHIVE, "The World Bank has committed $4.15 billion for 13 projects") is not None
    assert locate(ARCHIVE, changed) is None


def test_an_empty_passage_is_never_found():
    assert locate(ARCHIVE, "  \n ") is None


def test_nearest_says_what_the_source_has_where_the_passage_differs():
    near = nearest(ARCHIVE, "The World Bank has committed $4.5 billion for 13 projects")

    assert isinstance(near, NearMatch)
    assert near.source_has == "... has committed $4.15 billion for ..."
    assert near.passage_has == "... has committed $4.5 billion for ..."
    assert ARCHIVE[near.span.start : near.span.end].startswith("The World Bank")


def test_nearest_shows_a_missing_word_with_its_context():
    near = nearest(ARCHIVE, "The World Bank committed $4.15 billion for 13 projects")

    assert near is not None
    assert near.source_has == "... World Bank has committed $4.15 ..."
    assert near.passage_has == "... World Bank committed $4.15 ..."


def test_nearest_shows_differences_far_apart_separately():
    near = nearest(
        ARCHIVE,
        "The World Bank has pledged $4.15 billion for 13 projects in Kazakhstan, while the government says its plans are working.",
    )

    assert near is not None
    assert near.source_has == "... Bank has committed $4.15 billion ... says its \u201creforms\u201d are working ..."
    assert near.passage_has == "... Bank has pledged $4.15 billion ... says its plans are working ..."


def test_nothing_near_is_offered_below_the_threshold():
    assert nearest(ARCHIVE, "an unrelated sentence about the weather in Paris") is None
    assert nearest(ARCHIVE, "") is None


def test_nearest_compares_only_the_stretches_around_the_passages_rare_words(monkeypatch):
    long_archive = ("Filler words repeat here and there. " * 20_000) + ARCHIVE
    compared: list[int] = []

    class CountingMatcher(difflib.SequenceMatcher):
        def __init__(self, isjunk, a, b, autojunk):
            compared.append(len(a))
            super().__init__(isjunk, a, b, autojunk)

    monkeypatch.setattr(passages.difflib, "SequenceMatcher", CountingMatcher)

    near = nearest(long_archive, "The World Bank has committed $4.5 billion for 13 projects")

    assert near is not None and "4.15" in near.source_has
    # A handful of windows a few words wider than the passage, not the archive's 120,000 words.
    assert 0 < len(compared) <= 2 * 6 and max(compared) < 30, compared


@pytest.mark.parametrize(
    ("locator", "pages"),
    [("p. 4", (4, 4)), ("p.4", (4, 4)), ("pp. 4-5", (4, 5)), ("pp. 4\u20135", (4, 5)), ("page 12", (12, 12))],
)
def test_page_locators_are_read(locator, pages):
    assert pages_in_locator(locator) == pages


@pytest.mark.parametrize("locator", ["para. 12", "footnote 3", "pp. 5-4", "chapter 2"])
def test_a_locator_naming_no_page_is_not_read_as_one(locator):
    assert pages_in_locator(locator) is None


def test_page_locators_are_written_as_they_are_read():
    assert page_locator(4) == "p. 4"
    assert page_locator(4, 4) == "p. 4"
    assert page_locator(4, 5) == "pp. 4\u20135"
    assert pages_in_locator(page_locator(4, 5)) == (4, 5)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("ab AB-\n\r\f\t\u00a0\u00ad\u2010\u2011\u2013\u2014\u2212\u2019\u201c\ufb01.4")),
        max_size=40,
    )
)
def test_normalise_folds_as_the_search_that_keeps_each_characters_place(text):
    folded = _normalised(text)

    assert normalise(text) == folded.text
    if folded.text:
        span = folded.span(0, len(folded.text))
        assert normalise(text[span.start : span.end]) == folded.text
