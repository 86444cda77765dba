import datetime
from pathlib import Path

import pytest

from generator.api import load_knowledge_base
from generator.kb import model
from generator.select.selection import select

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def kb(minimal_kb: Path):
    return load_knowledge_base(minimal_kb, today=TODAY).kb


def ids(items):
    return [item.id for item in items]


def test_selection_ranks_by_audience_weights_and_is_deterministic(kb):
    first = select(kb, kb.audiences["uk"])
    again = select(kb, kb.audiences["uk"])

    # corruption weighs 3 for the UK and the fact is marked for the UK, so it
    # outranks the more recent, higher-priority assembly fact.
    assert ids(first.talking_points) == ["offshore-wealth", "protest-arrests"]
    assert first == again


def test_meeting_focus_and_pins_lead(kb):
    selection = select(kb, kb.audiences["uk"], kb.meetings["uk-visit"])

    assert ids(selection.talking_points)[0] == "protest-arrests"
    assert ids(selection.cases) == ["doe"]


def test_items_above_the_distribution_level_are_dropped(minimal_kb: Path):
    facts = minimal_kb / "testland" / "facts.yaml"
    facts.write_text(
        facts.read_text().replace("  priority: medium\n", "  priority: medium\n  sensitivity: restricted\n")
    )
    kb = load_knowledge_base(minimal_kb, today=TODAY).kb

    public = select(kb, kb.audiences["uk"])
    restricted = select(kb, kb.audiences["uk"], level=model.Sensitivity.RESTRICTED)

    assert "offshore-wealth" not in ids(public.talking_points + public.background)
    assert "offshore-wealth" in ids(restricted.talking_points)


def test_a_person_who_may_not_be_named_is_not_named_anywhere(minimal_kb: Path):
    cases = minimal_kb / "testland" / "cases.yaml"
    cases.write_text(cases.read_text().replace("may_name: true", "may_name: false"))
    recommendations = minimal_kb / "testland" / "recommendations.yaml"
    recommendations.write_text(
        recommendations.read_text().replace(
            "text: Release peaceful protesters.", "text: Release Jan Doe and other peaceful protesters."
        )
    )
    kb = load_knowledge_base(minimal_kb, today=TODAY).kb

    selection = select(kb, kb.audiences["uk"], kb.meetings["uk-visit"])

    assert ids(selection.cases) == ["doe"]  # shown, but anonymised by compose
    assert selection.recommendations == ()  # its text names him
    assert selection.guard.find("Doe") == "the case at cases.yaml:1"


def test_items_dated_after_the_meeting_are_left_out(minimal_kb: Path):
    meeting = minimal_kb / "testland" / "meetings" / "uk-visit.yaml"
    meeting.write_text(meeting.read_text().replace("date: 2027-02-09", "date: 2018-01-01"))
    kb = load_knowledge_base(minimal_kb, today=TODAY).kb

    selection = select(kb, kb.audiences["uk"], kb.meetings["uk-visit"])

    assert ids(selection.talking_points) == ["offshore-wealth"]
    assert selection.cases == ()


def test_one_page_keeps_only_the_essentials(kb):
    selection = select(kb, kb.audiences["uk"], length="one-page")

    assert selection.background == ()
    assert selection.responses == ()
    assert len(selection.talking_points) <= 3


def test_the_budgets_of_the_knowledge_bases_briefing_toml_apply(minimal_kb: Path):
    (minimal_kb / "briefing.toml").write_text("[budgets.full]\ntalking_points = 1\n")
    kb = load_knowledge_base(minimal_kb, today=TODAY).kb

    selection = select(kb, kb.audiences["uk"])

    assert ids(selection.talking_points) == ["offshore-wealth"]
