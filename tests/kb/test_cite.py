"""`briefing cite`: a few words found in an archived source and printed as a whole-sentence citation."""

from __future__ import annotations

import pytest
import yaml

from generator.kb.ingest.cite import as_passage, sentence_spans
from generator.text.passages import Span, locate
from tests.kb.test_source_add import SOURCES, add_fact, fill_blanks

REPORT = (
    "Detentions in Testland\n\n"
    "Police in the capital de\u00ad\ntained forty pro-\ntesters on 3 May. Mr. Doe, a lawyer, said the\n"
    "detentions were unlawful. The U.S. embassy asked for their release.\n\n"
    "The World Bank lends $4.15 billion for 13 projects. No. 4 court heard the well-known case\n"
    "on 5 May; Judge A. Smith presided!\n"
)


@pytest.fixture
def report(minimal_kb, cli, tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    result = cli("source", "add", path, "--id", "detentions", "--briefs", minimal_kb)
    assert result.exit_code == 0, result.output
    fill_blanks(
        minimal_kb,
        "detentions",
        title="Detentions in Testland",
        publisher="Test Centre",
        date="2024-05-06",
        kind="ngo-report",
    )
    return minimal_kb


def test_words_are_widened_to_their_sentence(report, cli):
    result = cli("cite", "detentions", "$4.15 billion", "--briefs", report)

    assert result.exit_code == 0, result.output
    assert result.output == (
        "sources:\n  - source: detentions\n    passage: >-\n      The World Bank lends $4.15 billion for 13 projects.\n"
    )


def test_words_across_a_line_break_and_a_soft_hyphen_are_found_and_joined(report, cli):
    result = cli("cite", "detentions", "detained forty protesters", "--briefs", report)

    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.output) == {
        "sources": [{"source": "detentions", "passage": "Police in the capital detained forty protesters on 3 May."}]
    }


def test_the_sentence_goes_on_past_abbreviations_and_initials(report, cli):
    lawyer = cli("cite", "detentions", "Doe, a lawyer", "--briefs", report)
    court = cli("cite", "detentions", "heard the well-known", "--briefs", report)

    assert (
        yaml.safe_load(lawyer.output)["sources"][0]["passage"]
        == "Mr. Doe, a lawyer, said the detentions were unlawful."
    )
    assert (
        yaml.safe_load(court.output)["sources"][0]["passage"]
        == "No. 4 court heard the well-known case on 5 May; Judge A. Smith presided!"
    )


def test_words_spanning_two_sentences_give_both(report, cli):
    result = cli("cite", "detentions", "unlawful. The U.S. embassy", "--briefs", report)

    assert yaml.safe_load(result.output)["sources"][0]["passage"] == (
        "Mr. Doe, a lawyer, said the detentions were unlawful. The U.S. embassy asked for their release."
    )


def test_case_does_not_keep_words_from_being_found(report, cli):
    result = cli("cite", "detentions", "the world bank lends", "--briefs", report)

    assert yaml.safe_load(result.output)["sources"][0]["passage"] == (
        "The World Bank lends $4.15 billion for 13 projects."
    )


def test_every_printed_citation_passes_check(report, cli):
    for number, words in enumerate(["detained forty", "Doe, a lawyer", "well-known", "embassy asked"]):
        printed = cli("cite", "detentions", words, "--briefs", report)
        add_fact(report, f"cited-{number}", printed.output)

    result = cli("check", "--briefs", report)

    assert result.exit_code == 0, result.output
    assert "detentions" not in result.output


def test_a_paged_archive_gives_the_page_or_pages(minimal_kb, cli, tmp_path):
    path = tmp_path / "paged.txt"
    path.write_text("First page. The court\n\fheard the case on 5 May.\n\fIt adjourned.\n")
    cli("source", "add", path, "--id", "paged", "--briefs", minimal_kb)
    fill_blanks(minimal_kb, "paged", title="Paged", publisher="Test Centre", date="2024-05-06", kind="news")

    across = cli("cite", "paged", "court heard", "--briefs", minimal_kb)
    third = cli("cite", "paged", "adjourned", "--briefs", minimal_kb)

    assert yaml.safe_load(across.output)["sources"][0] == {
        "source": "paged",
        "passage": "The court heard the case on 5 May.",
        "locator": "pp. 1–2",
    }
    assert yaml.safe_load(third.output)["sources"][0]["locator"] == "p. 3"
    add_fact(minimal_kb, "across-pages", across.output)
    add_fact(minimal_kb, "third-page", third.output)
    assert cli("check", "--briefs", minimal_kb).exit_code == 0


def test_words_not_there_give_the_closest_sentences(report, cli):
    result = cli("cite", "detentions", "detained fourty protestors", "--briefs", report)

    assert result.exit_code == 2
    assert result.output == (
        f'error: "detained fourty protestors" is not in the archived text of detentions '
        f"({report / 'testland/sources/detentions.txt'}); the closest:\n"
        "  Police in the capital detained forty protesters on 3 May.\n"
    )


def test_words_nothing_is_like_say_so(report, cli):
    result = cli("cite", "detentions", "a referendum on the constitution", "--briefs", report)

    assert result.exit_code == 2
    assert result.output.endswith("and nothing in it is much like it; check the words and the source\n")


def test_candidates_name_their_pages_and_are_at_most_three(minimal_kb, cli, tmp_path):
    path = tmp_path / "paged.txt"
    path.write_text("".join(f"Protesters were detained in town {n}.\n\f" for n in range(1, 6)))
    cli("source", "add", path, "--id", "paged", "--briefs", minimal_kb)

    result = cli("cite", "paged", "protesters detained in town", "--briefs", minimal_kb)

    assert result.exit_code == 2
    assert result.output.splitlines()[1:] == [
        "  p. 1: Protesters were detained in town 1.",
        "  p. 2: Protesters were detained in town 2.",
        "  p. 3: Protesters were detained in town 3.",
    ]


def test_an_unknown_source_is_refused_with_the_closest_id(report, cli):
    result = cli("cite", "detention", "forty", "--briefs", report)

    assert result.exit_code == 2
    assert result.output == f"error: {report / SOURCES}: no source 'detention'; did you mean 'detentions'?\n"


def test_a_source_without_an_archive_is_refused(report, cli):
    with (report / SOURCES).open("a") as sources:
        sources.write("- id: unarchived\n  title: T\n  publisher: P\n  date: 2021-01-01\n  kind: news\n")

    result = cli("cite", "unarchived", "forty", "--briefs", report)

    assert result.exit_code == 2
    assert result.output == (
        f"error: {report / SOURCES}: source 'unarchived' has no archived text (no 'archive:'), so there is "
        "nothing to cite from; 'briefing source add' archives a document\n"
    )


def test_no_words_is_a_usage_error(report, cli):
    result = cli("cite", "detentions", "  ", "--briefs", report)

    assert (result.exit_code, result.output) == (2, "error: give a few words of the passage to look for, in quotes\n")


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("Mr. Smith left. He came back.", ["Mr. Smith left.", "He came back."]),
        ("It cost $4.15 billion. Then more.", ["It cost $4.15 billion.", "Then more."]),
        ("The U.S. and the U.K. agreed. Talks ended.", ["The U.S. and the U.K. agreed.", "Talks ended."]),
        ("See p. 4 and No. 5. Done.", ["See p. 4 and No. 5.", "Done."]),
        ("He said “no.” Then he left.", ["He said “no.”", "Then he left."]),
        ("Is it? Yes! (Quite.) Then 2016 came.", ["Is it?", "Yes!", "(Quite.)", "Then 2016 came."]),
        ("Heading\n\nA first line\nrunning on. Next.", ["Heading", "A first line\nrunning on.", "Next."]),
        ("Ends in lower case. and goes on.", ["Ends in lower case. and goes on."]),
    ],
)
def test_sentences(text, sentences):
    assert [text[span.start : span.end] for span in sentence_spans(text)] == sentences


@pytest.mark.parametrize(
    "archive, passage",
    [
        ("The govern-\nment said so.", "The government said so."),
        ("The human-rights-\nfocused sanctions.", "The human-rights-focused sanctions."),
        ("A well-known and well-\nknown fact.", "A well-known and well-known fact."),
        ("The Anti-\nCorruption Agency.", "The Anti-Corruption Agency."),
        ("Soft\u00ad\nhyphens and ﬁnal liga\u00adtures.", "Softhyphens and final ligatures."),
    ],
)
def test_a_passage_drops_what_extraction_added_and_check_still_finds_it(archive, passage):
    found = as_passage(archive, Span(0, len(archive)))

    assert found == passage
    assert locate(archive, found) is not None
