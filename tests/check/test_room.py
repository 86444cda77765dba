"""`check` warns, at the line, about what an official would find missing in the room:
an ask that uses none of the audience's instruments, an agenda item nothing answers."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from generator import api
from generator.check.room import room_warnings
from generator.text.sentences import sentences
from tests.conftest import BUNDLED_BRIEFS, replace_in

DATE = datetime.date(2026, 11, 25)
US_MEETING = Path("kazakhstan/meetings/us-state-working-session-2027-02.yaml")
LENDER_MEETING = Path("kazakhstan/meetings/lender-ebrd-country-team-2027-01.yaml")


@pytest.fixture
def briefs(tmp_path: Path) -> Path:
    copy = tmp_path / "briefs"
    shutil.copytree(BUNDLED_BRIEFS, copy)
    return copy


def warnings_of(briefs: Path) -> list[str]:
    return [str(warning) for warning in api.load_knowledge_base(briefs, today=DATE).warnings]


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_the_bundled_base_has_no_ask_without_instrument_and_no_unanswered_agenda_item():
    found = [w for w in warnings_of(BUNDLED_BRIEFS) if "instruments" in w or "agenda item" in w]
    assert found == []


def test_an_ask_naming_none_of_its_audiences_instruments_is_a_warning_at_its_line(briefs):
    recommendations = briefs / "kazakhstan" / "recommendations.yaml"
    replace_in(
        recommendations,
        "    us: >-\n      Consider corruption- and human-rights-focused Magnitsky sanctions",
        "    us: >-\n      Consider corruption- and human-rights-focused measures",
    )

    (warning,) = [w for w in warnings_of(briefs) if "instruments" in w]

    line = line_of(recommendations, "Consider corruption- and human-rights-focused measures") - 1
    assert warning.startswith(f"{recommendations}:{line}: warning: the ask for 'us' names none of the instruments")
    assert "audiences/us.yaml" in warning


def test_an_agenda_item_without_themes_is_a_warning_at_its_line(briefs):
    meeting = briefs / US_MEETING
    text = meeting.read_text()
    meeting.write_text(
        text.replace("  - title: Religious freedom\n    themes: [religion]\n", "  - Religious freedom\n")
    )

    (warning,) = [w for w in warnings_of(briefs) if "agenda item" in w]

    assert warning == (
        f"{meeting}:{line_of(meeting, '- Religious freedom')}: warning: agenda item 'Religious freedom' lists no "
        "themes, so no ask or line can be matched to it; write it as `- title: ...` with `themes: [...]`"
    )


def test_an_agenda_item_no_ask_or_line_answers_is_a_warning_naming_it(briefs):
    meeting = briefs / LENDER_MEETING
    replace_in(
        meeting,
        "  - title: Rule of law and governance\n    themes: [rule-of-law, corruption]\n",
        "  - title: Data protection\n    themes: [digital]\n",
    )

    (warning,) = [w for w in warnings_of(briefs) if "agenda item" in w]

    line = line_of(meeting, "- title: Data protection")
    assert warning.startswith(f"{meeting}:{line}: warning: no ask or line for European Bank for Reconstruction")
    assert "agenda item 'Data protection' (digital); write one, or take the item off the agenda" in warning


def test_an_agenda_theme_that_does_not_exist_is_an_error_at_its_line(briefs, cli):
    meeting = briefs / US_MEETING
    text = meeting.read_text()
    meeting.write_text(text.replace("    themes: [religion]\n", "    themes: [religon]\n"))

    result = cli("check", "--briefs", str(briefs))

    assert result.exit_code == 2
    assert (
        f"{meeting}:{line_of(meeting, 'religon')}: unknown theme 'religon'; did you mean 'religion'?" in result.stderr
    )


def test_sentences_are_not_split_after_an_abbreviation_or_an_initial():
    assert sentences("Raise it, as reported c. November 2015. Ask what changed since.") == [
        "Raise it, as reported c. November 2015.",
        "Ask what changed since.",
    ]
    assert len(sentences("The U.S. State Department and A. Writer agree.")) == 1


def test_an_ask_of_two_sentences_is_a_warning_at_its_line(briefs):
    recommendations = briefs / "kazakhstan" / "recommendations.yaml"
    old = "      Consider corruption- and human-rights-focused Magnitsky sanctions"
    replace_in(recommendations, old, "      Sanctions were discussed in 2021. " + old.strip())

    line = line_of(recommendations, "Sanctions were discussed in 2021.") - 1
    (warning,) = [w for w in warnings_of(briefs) if "sentences" in w and f":{line}:" in w]
    assert warning == (
        f"{recommendations}:{line}: warning: the ask for 'us' runs to 2 sentences; make it one, and move its "
        "history to a fact"
    )


def test_a_line_to_take_of_three_sentences_is_a_warning_at_its_line(briefs):
    facts = briefs / "kazakhstan" / "facts.yaml"
    replace_in(
        facts,
        "    us: >-\n      Kazakhstan was a country without free elections,",
        "    us: >-\n      One line. Another line. Kazakhstan was a country without free elections,",
    )

    line = line_of(facts, "One line. Another line.") - 1
    (warning,) = [w for w in warnings_of(briefs) if f":{line}:" in w]
    assert warning.startswith(f"{facts}:{line}: warning: the line to take for 'us' runs to 3 sentences")


LISTED_ONLY = ["ilyashev", "tulesova", "eleusinov", "baltabay"]
"""The bundled cases whose every passage is cut from the Foreign Policy Centre's list of six names."""


def test_a_case_named_only_in_a_list_is_a_warning_at_its_summary():
    cases = BUNDLED_BRIEFS / "kazakhstan" / "cases.yaml"
    found = [w for w in warnings_of(BUNDLED_BRIEFS) if "only in a list" in w]

    # Its passages end at the person's name; the sentence they are cut from goes on to name four more.
    assert [w.split("case '")[1].split("'")[0] for w in found] == LISTED_ONLY
    for case_id, warning in zip(LISTED_ONLY, found, strict=True):
        text = cases.read_text().splitlines()
        own = text.index(f"- id: {case_id}")
        summary = next(number for number, line in enumerate(text[own:], own + 1) if line.startswith("  summary:"))
        assert warning.startswith(f"{cases}:{summary}: warning: every passage case '{case_id}' cites names the person")
        assert "cite a passage about them, or leave the case out" in warning


@pytest.mark.parametrize(
    ("sentences_cited", "warned"),
    [
        (["Activists including Max Bokayev, Vladimir Kozlov, Asya Tulesova and Erlan Baltabay were sentenced."], True),
        (["Max Bokayev and Vladimir Kozlov were detained before the protest.", "The two men were charged."], False),
        (["Activists including Max Bokayev, Vladimir Kozlov and Asya Tulesova.", "Vladimir Kozlov was jailed."], False),
        (["The two men were charged."], False),
    ],
    ids=["list only", "named with one other", "a list and a sentence of his own", "named nowhere"],
)
def test_a_card_is_empty_only_when_every_sentence_naming_the_person_is_a_list(sentences_cited, warned):
    kb = api.load_knowledge_base(BUNDLED_BRIEFS, today=DATE).kb
    located: list[str] = []

    def locate(item_kind, item_id, path, text, kind):
        located.append(item_id)
        return text

    list(room_warnings(kb, {"kozlov": sentences_cited}, locate))

    assert ("kozlov" in located) == warned
